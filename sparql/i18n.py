"""The reader's language: UI strings in English, French and Arabic, and text direction.

Templates write every user-visible string in English, ``{{ _("Search") }}``; the catalogues in
``sparql/data/i18n/*.toml`` (one per part of the UI, merged: ``[fr]`` and ``[ar]`` tables
mapping the English text to its translation) give the other languages. A string with no
translation stays English, so a missing entry shows as English rather than as nothing.

A string with a count (``{n}`` or ``{count}``) may be given one form per plural category of its
language, as CLDR names them (``one``, ``other``; Arabic also ``zero``, ``two``, ``few``,
``many``): ``"{n} records added" = { one = "{n} notice ajoutée", other = "{n} notices
ajoutées" }``. Babel's CLDR rules pick the form for the count (French "0 notice", Arabic
"سجلان" for two), and ``[en]`` tables give English its forms the same way; a category a
table leaves out takes its ``other`` form.

Which language a request gets: a ``lang`` query parameter (the language menu's links; it is
remembered in a cookie), else that cookie, else the best ``Accept-Language`` match, else
English. ``ui_language.LanguageMiddleware`` decides once per request and leaves the answer in
``request.state.ui_lang``; pages are rendered with :func:`render`, which makes ``_``,
``ui_lang`` and ``ui_dir`` mean that language while the template renders — the environment is
shared by every request, so the language travels in a context variable, not in its globals.

Data texts carry their own language: ``{{ literal_language|lang_attrs }}`` writes
``lang="ar" dir="rtl"`` on the element that holds one, so an Arabic title reads right to
left inside an English page, and an English one left to right inside an Arabic page.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, urlencode

from babel import Locale
from jinja2 import Environment, Template
from markupsafe import Markup, escape

from museion_core import messages

from . import site

__all__ = [
    "COOKIE",
    "DECIMAL_COMMA",
    "DEFAULT",
    "LANGUAGES",
    "catalogue",
    "counted_html",
    "current",
    "decimal",
    "decimal_comma",
    "direction",
    "gettext",
    "gettext_isolated",
    "install",
    "lang_attrs",
    "language_name",
    "message_html",
    "message_kind_html",
    "number",
    "own_dir",
    "percent",
    "plural_category",
    "plurals",
    "render",
    "thousands",
    "translate",
    "using",
    "year",
    "years",
]

LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "ar": "العربية"}
"""The UI languages, each with its own name for itself (what the language menu shows)."""
DEFAULT = "en"
COOKIE = "museion_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

_RTL_SCRIPTS = {"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr"}
_RTL_LANGUAGES = {
    "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku-arab", "ps", "sd", "syr", "ug",
    "ur", "yi", "az-arab", "ota", "prs", "pnb", "lrc", "mzn", "glk", "bal", "khw",
}  # fmt: skip
_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")

_current: contextvars.ContextVar[str] = contextvars.ContextVar("museion_ui_lang", default=DEFAULT)


PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})
"""CLDR's plural categories: the keys a table of forms may have (``other`` it must)."""


@cache
def _catalogues() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, dict[str, str]]]]:
    merged: dict[str, dict[str, str]] = {code: {} for code in LANGUAGES if code != DEFAULT}
    forms: dict[str, dict[str, dict[str, str]]] = {code: {} for code in LANGUAGES}
    folder = resources.files("sparql").joinpath("data/i18n")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for code, table in data.items():
            if code not in forms or not isinstance(table, dict):
                continue
            for key, value in table.items():
                text = value
                if isinstance(value, dict):
                    if "other" not in value or not PLURAL_CATEGORIES.issuperset(value):
                        raise ValueError(
                            f"{entry.name} [{code}] {key!r}: plural forms must be among "
                            f"{sorted(PLURAL_CATEGORIES)} and include 'other'"
                        )
                    forms[code][str(key)] = {str(k): str(v) for k, v in value.items()}
                    text = value["other"]
                if code in merged:
                    merged[code][str(key)] = str(text)
    return merged, forms


def catalogue() -> dict[str, dict[str, str]]:
    """Every ``sparql/data/i18n/*.toml`` merged: language → English text → translation (a
    text with plural forms: its ``other`` form)."""
    return _catalogues()[0]


def plurals() -> dict[str, dict[str, dict[str, str]]]:
    """language (English too) → English text → plural category → form, for the texts that
    have forms per count."""
    return _catalogues()[1]


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def plural_category(count: int, lang: str) -> str:
    """CLDR's plural category of ``count`` in ``lang``: "one" for 1 in English, and for 0
    and 1 in French; "two" for 2 in Arabic, "few" for 3-10, "many" for 11-99."""
    return str(_locale(lang).plural_form(abs(count)))


def translate(text: str, lang: str) -> str:
    """``text`` (English) in ``lang``; English when the catalogue has no translation."""
    if lang == DEFAULT:
        return text
    return catalogue().get(lang, {}).get(text, text)


def current() -> str:
    """The language being rendered (``using``)."""
    return _current.get()


def gettext(text: str, **values: Any) -> str:
    """``_("{n} works", n=3)``: the translation in the language being rendered, filled in.

    Values are filled in after translating, so translators move ``{n}`` where their grammar
    wants it. A text with plural forms takes the form for its ``n`` (or ``count``)."""
    out = _form(text, values)
    if not values:
        return out
    # a count is written as the language groups its thousands: "1 250 objets", "1,250 objects"
    counts = {
        k: thousands(v)
        for k, v in values.items()
        if k in _COUNTS and isinstance(v, int) and not isinstance(v, bool)
    }
    return out.format(**{**values, **counts})


def gettext_isolated(text: str, **values: Any) -> Markup:
    """``gettext`` for a sentence that takes data (a maker's name, a lender's, a partner's
    title): the translation as HTML, each value isolated (``<bdi>``, in its own direction), so
    that a Latin name keeps its order inside an Arabic sentence and an Arabic one inside an
    English sentence; a count is written as the language writes it, not isolated."""
    shown = {
        k: thousands(v)
        if isinstance(v, int) and not isinstance(v, bool)
        else Markup("<bdi>{}</bdi>").format(v)
        for k, v in values.items()
    }
    return Markup(escape(_form(text, values))).format(**shown)


def _form(text: str, values: dict[str, Any]) -> str:
    """``text`` in the language being rendered, in the form for its count, not filled in."""
    lang = _current.get()
    out = translate(text, lang)
    forms = plurals().get(lang, {}).get(text) if values else None
    if forms is not None:
        count = values.get("n", values.get("count"))
        if isinstance(count, int) and not isinstance(count, bool):
            out = forms.get(plural_category(count, lang), forms["other"])
    return out


def counted_html(text: str, n: int, element_id: str = "") -> Markup:
    """A count shown large with its words (``<b>222</b>works``: a person's works, a
    partner's): the form of ``text`` for ``n``, its ``{n}`` the large figure. A form with no
    ``{n}`` says the count in words, as Arabic says one and two ("عملان", two works: "2
    عملان" said the two twice); the words are then the figure."""
    form = _form(text, {"n": n})
    before, found, after = form.partition("{n}")
    attrs = Markup(' id="{}"').format(element_id) if element_id else Markup()
    if not found:
        return Markup("<b{}>{}</b>").format(attrs, form)
    figure = Markup("<b{}>{}</b>").format(attrs, thousands(n))
    return escape(before.strip()) + figure + escape(after.strip())


_COUNTS = ("n", "count")
"""The fields of a text that hold a count (``_("{n} objects", n=1250)``)."""


def decimal(value: float, places: int = 1) -> str:
    """``value`` with ``places`` decimals as the language being rendered writes it: a decimal
    comma in French (``75,5``), a point in English and in Arabic (whose pages use Western
    digits, as most Arabic-speaking partners' systems do)."""
    return _written(f"{value:.{places}f}", None)


def year(value: int) -> str:
    """An astronomical year as people write it, in the language being rendered: ``1850``,
    "44 BC" for −43 (there is no year 0)."""
    return str(value) if value >= 1 else gettext("{year} BC", year=1 - value)


def years(first: int, last: int) -> str:
    """Two astronomical years as a span people write: "1850–1860", "44 BC–14", and the era
    once when both are before Christ: "100–1 BC", not "−99–0"."""
    if last <= 0:
        return gettext("{first}–{last} BC", first=1 - first, last=1 - last)
    return f"{year(first)}–{year(last)}"


DECIMAL_COMMA = frozenset({"fr"})
"""The languages that write a decimal comma (``62,3``): their spreadsheets read ``;`` as a
CSV's separator."""


def decimal_comma(lang: str | None = None) -> bool:
    """Whether ``lang`` (by default the language being rendered) writes a decimal comma."""
    return (lang if lang is not None else _current.get()) in DECIMAL_COMMA


def number(value: float, places: int = 2, lang: str | None = None) -> str:
    """``value`` to at most ``places`` decimals, without trailing zeros (``48``, ``62.3``), as
    ``lang`` (by default the language being rendered) writes it: ``62,3`` in French, and its
    thousands grouped (``1,250``; ``1 250`` in French, a narrow no-break space)."""
    text = f"{value:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = "0" if text == "-0" else text
    if decimal_comma(lang):
        return text.replace(",", "\u202f").replace(".", ",")
    return text


def thousands(value: int) -> str:
    """A count with its thousands grouped as the language being rendered groups them:
    ``132,735``; ``132 735`` in French (a narrow no-break space)."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u202f") if _current.get() == "fr" else grouped


def _written(figures: str, lang: str | None) -> str:
    """Figures with a decimal point, with the decimal comma where ``lang`` writes one."""
    return figures.replace(".", ",") if decimal_comma(lang) else figures


_PERCENT = {"fr": "{}\u202f%", "ar": "{}\u066a"}
"""How a percentage is written: French puts a narrow no-break space before the sign, Arabic
uses its own percent sign (the heading's translation does too)."""


def percent(share: float) -> str:
    """A share (0 to 1) as a percentage with one decimal: ``75.5%``, ``75,5 %``, ``75.5٪``."""
    return _PERCENT.get(_current.get(), "{}%").format(decimal(share * 100))


_FIELD = re.compile(r"\{(\w+)(?:![rsa])?(?::[^{}]*)?\}")
"""A field of a message's translation: only its name counts (the values come filled in)."""


def message_html(text: str) -> Markup:
    """A text Museion keeps in English (a quarantine reason, a mapping warning, why a run was
    held: ``museion_core.messages``) in the language being rendered. The partner's own values
    are put into the translation as they were sent, each isolated (``<bdi>``) so that a Latin
    value keeps its order inside an Arabic sentence. A text no message made (a parser's own
    words), or one whose message has no translation, stays English and is marked so."""
    translated = _message(text, _current.get())
    return _settings_aside(translated if translated is not None else _english(text))


_SETTING = re.compile(r"\((gates\.[a-z_]+)\)")
"""The configuration key a gate's reason names, "(gates.max_record_drop)": for the coordinator
who sets it, not the partner who reads the sentence, so it is set apart (small, muted)."""


def _settings_aside(shown: Markup) -> Markup:
    return Markup(
        _SETTING.sub(r'<small class="muted setting"><bdi dir="ltr">(\1)</bdi></small>', str(shown))
    )


def message_kind_html(text: str) -> Markup:
    """What kind of message ``text`` is, in the language being rendered: its template with
    each value left out ("texte de date « … » non compris ..."), or the text itself when no
    template made it."""
    found = messages.recognise(text)
    if found is None:
        return _english(text)
    template, lang = found[0].template, _current.get()
    translation = catalogue().get(lang, {}).get(template) if lang != DEFAULT else None
    if found[0] is messages.FOUND_BY:  # of its reason's kind, what each record holds left out
        before, _, after = (translation or template).partition("{reason}")
        inner = message_kind_html(found[1]["reason"])
        return escape(_FIELD.sub("…", before)) + inner + escape(_FIELD.sub("…", after))
    if translation is None:
        return _english(found[0].kind)
    return escape(_FIELD.sub("…", translation))


def _english(text: str) -> Markup:
    return Markup('<bdi lang="en" dir="ltr">{}</bdi>').format(text)


def _message(text: str, lang: str) -> Markup | None:
    if lang == DEFAULT:
        return None
    found = messages.recognise(text)
    translation = catalogue().get(lang, {}).get(found[0].template) if found else None
    if found is None or translation is None:
        return None
    message, values = found

    def value(name: str) -> Markup:
        raw = values[name]
        if name in message.nested:
            inner = _message(raw, lang)
            return inner if inner is not None else _english(raw)
        if name in message.terms:
            shown = translate(raw, lang)
            # a word of Museion's with no translation ("ULAN identifier") is English: said so
            return Markup("<bdi>{}</bdi>").format(shown) if shown != raw else _english(raw)
        return Markup("<bdi>{}</bdi>").format(raw)

    def filled(part: str) -> Markup:
        out, end = Markup(), 0
        for field in _FIELD.finditer(part):
            out += escape(part[end : field.start()]) + value(field.group(1))
            end = field.end()
        return out + escape(part[end:])

    out, end = Markup(), 0
    for group in _VALUES_GROUP.finditer(translation):
        names = [f.group(1) for f in _FIELD.finditer(group.group())]
        if _LETTER.search(_FIELD.sub("", group.group())) or any(
            n in message.nested or n in message.terms for n in names
        ):
            continue  # words of the sentence (or of Museion's) in it: the sentence's order
        way = _first_strong([values[name] for name in names])
        if way is None:
            continue  # digits, a share: they read the same either way
        out += filled(translation[end : group.start()])
        out += Markup('<bdi dir="{}">{}</bdi>').format(way, filled(group.group()))
        end = group.end()
    return out + filled(translation[end:])


def _first_strong(texts: list[str]) -> str | None:
    """``ltr`` or ``rtl``: the direction of the first letter of ``texts`` that has one, as
    ``dir="auto"`` would find it if it did not pass over the values' own ``<bdi>``; None if
    no letter has one."""
    for text in texts:
        for char in text:
            kind = unicodedata.bidirectional(char)
            if kind in ("L", "R", "AL"):
                return "ltr" if kind == "L" else "rtl"
    return None


_VALUES_GROUP = re.compile(r"\([^()]*\{\w+[^()]*\)")
"""A bracketed group of a translation that holds a value: "({place} / {other})". Made only of
the partner's values and punctuation, it is isolated whole, brackets and all, in its values'
direction (``_first_strong``): in an Arabic sentence, the brackets around two Latin places
were set as Arabic and each value as Latin, and at a line's end the group broke with its
closing bracket alone on the next line, the places' order and the brackets' split apart."""

_LETTER = re.compile(r"[^\W\d_]")


@contextlib.contextmanager
def using(lang: str) -> Iterator[None]:
    """Render (or translate) in ``lang`` inside the block."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def direction(tag: str | None) -> str:
    """``rtl`` for a language tag written right to left (``ar``, ``fa``, ``he``, ``ur``, any
    ``-Arab`` script subtag), else ``ltr``."""
    if not tag:
        return "ltr"
    parts = tag.lower().split("-")
    if any(part in _RTL_SCRIPTS for part in parts[1:]):
        return "rtl"
    if any(part == "latn" for part in parts[1:]):
        return "ltr"
    return "rtl" if parts[0] in _RTL_LANGUAGES else "ltr"


def lang_attrs(tag: str | None) -> Markup:
    """The ``lang`` and ``dir`` attributes for a partner's text in language ``tag``:
    ``dir="rtl"`` for a language written right to left, else ``dir="auto"`` (the browser goes
    by the text's first strong character). A tag is often a source's default rather than the
    text's own: Arabic in a feed whose ``language`` is ``fr`` was laid out left to right, its
    full stop first and its brackets turned round."""
    if not tag or not _TAG.match(tag):
        return Markup('dir="auto"')
    shown = "rtl" if direction(tag) == "rtl" else "auto"
    return Markup('lang="{}" dir="{}"').format(escape(tag), shown)


def own_dir(text: str | None) -> Markup:
    """The ``dir`` of an isolate (``<bdi {{ date|own_dir }}>``) that holds a partner's value
    of no known language, a date most often: ``dir="auto"`` (the direction of its first
    letter that has one: "c. 1796?" left to right, "حوالي 1796" right to left), and
    ``dir="ltr"`` for a value with no such letter ("1796?", "1796–7"), said outright rather
    than left to what ``auto`` falls back on. Not isolated, in the Arabic sentence around it
    ("هبة، من …، 1796?"), the figures read "?1796", the question mark first."""
    return Markup('dir="ltr"') if _first_strong([text or ""]) is None else Markup('dir="auto"')


def language_name(tag: str | None) -> str:
    """The name of the language ``tag`` in the reader's ("French", "français", "الفرنسية"),
    for a partner's text said to be in it (an alternative title); "" for no tag or a tag
    Babel cannot read (the text's language is then not said, never guessed)."""
    if not tag or not _TAG.match(tag):
        return ""
    try:
        name = _locale(current()).languages.get(tag.split("-")[0].lower())
    except ValueError:
        return ""
    return str(name) if name else ""


def _menu(lang: str, here: str) -> list[dict[str, str]]:
    """The language menu's links: the same page (path and query kept) in each language."""
    path, _, query = here.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"]
    return [
        {
            "code": code,
            "name": name,
            "href": f"{path}?{urlencode([*kept, ('lang', code)])}",
            "current": "true" if code == lang else "",
        }
        for code, name in LANGUAGES.items()
    ]


def render(template: Template, lang: str, here: str = "", **context: Any) -> str:
    """``template`` rendered for a reader of ``lang``; ``here`` (path and query of the page)
    lets the language menu link to this same page in the other languages. Templates write
    the site's own links under ``root`` (``sparql.site``): ``href="{{ root }}/search"``."""
    lang = lang if lang in LANGUAGES else DEFAULT
    with using(lang):
        return template.render(
            ui_lang=lang,
            ui_dir=direction(lang),
            ui_languages=_menu(lang, here or site.url("/")),
            root=site.root(),
            **context,
        )


def install(env: Environment) -> Environment:
    """Give ``env`` the ``_``, ``_isolated`` and ``counted`` functions, the ``lang_attrs``,
    ``own_dir``, ``decimal``, ``number``, ``percent`` and ``message`` filters and English
    defaults."""
    env.globals["_"] = gettext
    env.globals["counted"] = counted_html
    env.globals["ui_lang"] = DEFAULT
    env.globals["ui_dir"] = "ltr"
    env.globals["ui_languages"] = _menu(DEFAULT, "/")
    env.globals["origin_shown"] = messages.origin_shown
    env.globals["_isolated"] = gettext_isolated
    env.filters["lang_attrs"] = lang_attrs
    env.filters["own_dir"] = own_dir
    env.filters["language_name"] = language_name
    env.filters["decimal"] = decimal
    env.filters["number"] = number
    env.filters["percent"] = percent
    env.filters["thousands"] = thousands
    env.filters["message"] = message_html
    env.filters["message_kind"] = message_kind_html
    return env
