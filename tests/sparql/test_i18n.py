"""The reader's language: negotiation, text direction, and catalogues that cover the pages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from string import Formatter

import pytest
from lxml import html

from museion_core import messages
from museion_core.messages import MESSAGES
from reconcile.cluster import ALONE
from reconcile.entities import Entity
from reconcile.scoring import score_pair
from sparql import i18n, moments, search_page
from sparql.agents import AgentPage, PartnerPage, Source
from sparql.lender_terms import lender_terms
from sparql.objectpage import ObjectPage
from sparql.pages import templates
from sparql.readers import Text
from sparql.ui_language import negotiate_language

TEMPLATES = Path(i18n.__file__).parent / "templates"
# The templates whose strings sparql/data/i18n/pages.toml translates.
PAGES = [
    "base.html",
    "_site_header.html",
    "_works.html",
    "_data_links.html",
    "object.html",
    "agent.html",
    "partner.html",
    "partners.html",
    "entity.html",
    "error.html",
    "ui.html",
    "upload.html",
    "upload_refused.html",
    "report.html",
    "_harvest_failed.html",
]
STRING = re.compile(r"""_\((["'])(.+?)\1""")


@pytest.mark.parametrize(
    ("param", "cookie", "header", "expected"),
    [
        (None, None, None, ("en", False)),
        (None, None, "fr-CH, fr;q=0.9, en;q=0.8", ("fr", False)),
        (None, None, "de, ar;q=0.5, fr;q=0.4", ("ar", False)),
        (None, None, "en;q=0.2, fr;q=0.9", ("fr", False)),
        (None, None, "fr;q=0, de", ("en", False)),
        (None, None, "ar-EG;q=bad, fr;q=0.1", ("fr", False)),
        (None, "ar", "fr", ("ar", False)),
        ("fr", "ar", "ar", ("fr", True)),
        ("xx", "zz", "AR", ("ar", False)),
    ],
)
def test_negotiate_language(
    param: str | None, cookie: str | None, header: str | None, expected: tuple[str, bool]
) -> None:
    assert negotiate_language(param, cookie, header) == expected


@pytest.mark.parametrize(
    ("tag", "attrs"),
    [
        ("ar", 'lang="ar" dir="rtl"'),
        ("fa-IR", 'lang="fa-IR" dir="rtl"'),
        ("az-Arab", 'lang="az-Arab" dir="rtl"'),
        # a left-to-right tag may be a source's default over a text in another script
        ("ar-Latn", 'lang="ar-Latn" dir="auto"'),
        ("fr", 'lang="fr" dir="auto"'),
        ("", 'dir="auto"'),
        (None, 'dir="auto"'),
        ('en" onload="x', 'dir="auto"'),  # never an attribute injection
    ],
)
def test_lang_attrs(tag: str | None, attrs: str) -> None:
    assert str(i18n.lang_attrs(tag)) == attrs


@pytest.mark.parametrize(
    ("value", "places", "lang", "written"),
    [
        (48.0, 2, "en", "48"),
        (62.30, 2, "en", "62.3"),
        (62.349, 1, "en", "62.3"),
        (62.3, 2, "fr", "62,3"),
        (0.004, 2, "fr", "0"),
        (1200.0, 2, "fr", "1\u202f200"),  # zeros before the point kept; thousands grouped
        (1250.5, 2, "en", "1,250.5"),
        (-0.004, 2, "en", "0"),  # rounded to nothing: no minus sign left
        (62.3, 2, "ar", "62.3"),
    ],
)
def test_number_drops_trailing_zeros_and_writes_the_languages_decimal_sign(
    value: float, places: int, lang: str, written: str
) -> None:
    assert i18n.number(value, places, lang) == written
    with i18n.using(lang):
        assert i18n.number(value, places) == written


@pytest.mark.parametrize(
    ("lang", "count", "shown"),
    [
        ("en", 1, "1 record added"),
        ("en", 0, "0 records added"),
        ("en", 2, "2 records added"),
        ("fr", 0, "0 notice ajoutée"),  # French counts 0 as singular
        ("fr", 1, "1 notice ajoutée"),
        ("fr", 2, "2 notices ajoutées"),
        ("ar", 0, "لم يُضَف أي سجل"),
        ("ar", 1, "أُضيف سجل واحد"),
        ("ar", 2, "أُضيف سجلان"),  # the dual
        ("ar", 5, "أُضيفت 5 سجلات"),  # 3-10: plural
        ("ar", 11, "أُضيف 11 سجلًا"),  # 11-99: singular, accusative
        ("ar", 100, "أُضيف 100 سجل"),
        ("ar", 103, "أُضيفت 103 سجلات"),  # by the last two digits
    ],
)
def test_a_count_takes_its_language_s_plural_form(lang: str, count: int, shown: str) -> None:
    with i18n.using(lang):
        assert i18n.gettext("{n} records added", n=count) == shown


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (1, "قطعة واحدة تنقصها عناصر"),
        (2, "قطعتان تنقصهما عناصر (الأكثر نقصًا أولًا)"),
        (5, "5 قطع تنقصها عناصر (الأكثر نقصًا أولًا)"),  # it said "5 قطعة"
        (408, "408 قطع تنقصها عناصر (الأكثر نقصًا أولًا)"),  # by its last two digits
        (411, "411 قطعة تنقصها عناصر (الأكثر نقصًا أولًا)"),
    ],
)
def test_the_report_s_object_counts_agree_in_arabic(count: int, shown: str) -> None:
    with i18n.using("ar"):
        text = "{n} objects miss elements (those missing most first)"
        assert i18n.gettext(text, n=count) == shown


def test_a_plural_category_a_table_leaves_out_takes_the_other_form() -> None:
    with i18n.using("ar"):  # "{n} lenders" gives no "many" form
        assert i18n.gettext("{n} lenders", n=12) == "12 جهة مُعيرة"
    with i18n.using("fr"):  # and without a count, the "other" form
        assert i18n.gettext("{n} lenders") == "{n} prêteurs"
    assert i18n.translate("{n} lenders", "fr") == "{n} prêteurs"


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_every_plural_form_keeps_the_fields_of_its_text(lang: str) -> None:
    for text, forms in i18n.plurals()[lang].items():
        assert "other" in forms, text
        for category, form in forms.items():
            # a form for one count may say the number in words ("سجل واحد")
            assert _fields(form) <= _fields(text), (text, category)
            if category == "other":
                assert _fields(form) == _fields(text), text


def test_a_plural_table_with_an_unknown_category_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data" / "i18n"
    folder.mkdir(parents=True)
    (folder / "bad.toml").write_text('[fr]\n"{n} x" = { single = "{n} x" }\n', "utf-8")
    monkeypatch.setattr("sparql.i18n.resources.files", lambda _package: tmp_path)
    i18n._catalogues.cache_clear()
    try:
        with pytest.raises(ValueError, match="plural forms must be among"):
            i18n.catalogue()
    finally:
        monkeypatch.undo()
        i18n._catalogues.cache_clear()


def test_render_sets_language_direction_and_translations() -> None:
    template = templates().from_string(
        '{% extends "base.html" %}{% block main %}<p id="t">{{ _("Lender") }}</p>{% endblock %}'
    )
    arabic = i18n.render(template, "ar", "/x?view=rdf")
    assert '<html lang="ar" dir="rtl">' in arabic
    assert '<p id="t">الجهة المُعيرة</p>' in arabic
    assert 'href="/x?view=rdf&amp;lang=fr"' in arabic  # the menu keeps the page's query
    english = i18n.render(template, "en")
    assert '<html lang="en" dir="ltr">' in english
    assert '<p id="t">Lender</p>' in english
    assert i18n.gettext("Lender") == "Lender"  # rendering left no language behind


@pytest.mark.parametrize("name", PAGES)
def test_every_string_of_the_pages_is_translated(name: str) -> None:
    strings = {m.group(2) for m in STRING.finditer((TEMPLATES / name).read_text("utf-8"))}
    catalogue = i18n.catalogue()
    for lang in ("fr", "ar"):
        missing = sorted(s for s in strings if s not in catalogue[lang])
        assert not missing, f"{name}: no {lang} translation for {missing}"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_message_and_term_has_a_translation_with_the_same_fields(lang: str) -> None:
    catalogue = i18n.catalogue()[lang]
    missing = [m.template for m in MESSAGES if m.template not in catalogue]
    assert not missing, f"no {lang} translation for {missing}"
    for message in MESSAGES:
        assert _fields(catalogue[message.template]) == set(message.fields), message.template
    assert not [t for t in messages.TERMS if t not in catalogue]


def _shown(markup: str) -> tuple[str, list[tuple[str, str | None]]]:
    """The text a reader sees, and each isolated part with its language."""
    element = html.fragment_fromstring(f"<p>{markup}</p>")
    return element.text_content(), [(b.text_content(), b.get("lang")) for b in element.iter("bdi")]


def test_a_message_is_written_in_the_reader_s_language_with_the_partner_s_values() -> None:
    warning = messages.DATE_TEXT_ONLY(text="vers 1850 <?>")
    with i18n.using("fr"):
        text, parts = _shown(i18n.message_html(warning))
    assert text == (
        "texte de date «\u00a0vers 1850 <?>\u00a0» non compris ; gardé comme texte seulement"
    )
    assert parts == [("vers 1850 <?>", None)]
    with i18n.using("ar"):
        text, parts = _shown(i18n.message_html(warning))
    assert text == "لم يُفهم نص التاريخ «vers 1850 <?>»؛ حُفظ نصًّا فقط"
    assert parts == [("vers 1850 <?>", None)]


def test_a_message_s_own_words_are_translated_and_an_inner_message_too() -> None:
    refused = messages.SCHEME_REFUSED(what="image URL", value="javascript:x", scheme="javascript")
    with i18n.using("fr"):
        assert _shown(i18n.message_html(refused))[0] == (
            "URL d’image «\u00a0javascript:x\u00a0» utilise le schéma javascript: ; refusé"
        )
    held = messages.GATE_RECORD_DROP(source="tate", before=100, after=40, drop="60%", limit="50%")
    forced = messages.PUBLISHED_BY_FORCE(reason=held)
    with i18n.using("fr"):
        assert _shown(i18n.message_html(forced))[0] == (
            "publiée avec --force malgré ceci : le traitement ferait passer le nombre de "
            "notices de tate de 100 à 40 (-60%), plus que les 50% permis (gates.max_record_drop)"
        )


@pytest.mark.parametrize(
    ("message", "lang", "said"),
    [
        (
            messages.GATE_RECORDS_GONE(
                source="so", gone=1, before=5, new=1, share="20%", limit="10%"
            ),
            "fr",
            "notices de so qui ne sont plus dans le flux : 1 sur 5 (20%), plus que les 10% "
            "permis (gates.max_record_drop), alors que de nouvelles notices sont arrivées (1) : "
            "les identifiants ont-ils changé ?",
        ),
        (
            messages.GATE_RECORDS_GONE(
                source="so", gone=1, before=5, new=1, share="20%", limit="10%"
            ),
            "ar",
            "سجلات so التي لم تعد في التغذية: 1 من أصل 5 (20%)، أكثر من 10% المسموح بها "
            "(gates.max_record_drop)، في حين وصلت سجلات جديدة (عددها 1): هل تغيّرت المعرّفات؟",
        ),
        (
            messages.GATE_QUARANTINED(rejected=1, read=9, share="11%", limit="5%"),
            "fr",
            "notices mises en quarantaine : 1 sur 9 (11%), plus que les 5% permis "
            "(gates.max_quarantined)",
        ),
        (
            messages.GATE_QUARANTINED(rejected=1, read=9, share="11%", limit="5%"),
            "ar",
            "السجلات الموضوعة في الحجر: 1 من أصل 9 (11%)، وهذا أكثر من 5% المسموح بها "
            "(gates.max_quarantined)",
        ),
        (
            messages.GATE_RECORD_DROP(source="so", before=5, after=1, drop="80%", limit="10%"),
            "ar",
            "ستُنقص العملية عدد سجلات so من 5 إلى 1 (-80%)، وهذا أكثر من 10% المسموح بها "
            "(gates.max_record_drop)",
        ),
        (
            messages.CSV_ROW_TOO_WIDE(fields=4, header=3),
            "ar",
            "عدد حقول السطر 4 لكن عدد حقول سطر العناوين 3",
        ),
    ],
)
def test_a_small_museum_s_counts_are_said_in_good_grammar(
    message: str, lang: str, said: str
) -> None:
    """A museum of nine records read "1 من أصل 5 سجلًا … وصل 1 سجلًا جديدًا" (after 3 to 10
    Arabic counts with the plural, سجلات; سجلًا is for 11 to 99), "1 des 5 notices … ne sont
    plus … alors que 1 nouvelles sont arrivées", "في السطر 4 حقلًا": the nouns took one form
    whatever the count. The counts stand beside a noun that needs no agreement now."""
    with i18n.using(lang):
        assert _shown(i18n.message_html(message))[0] == said


def test_a_word_of_museion_s_without_a_translation_is_marked_english() -> None:
    refused = messages.IRI_LEFT_OUT(what="ULAN identifier", value="ulan:x y")
    with i18n.using("fr"):
        text, parts = _shown(i18n.message_html(refused))
    assert text == "ULAN identifier «\u00a0ulan:x y\u00a0» n’est pas une IRI valide ; écarté"
    assert parts == [("ULAN identifier", "en"), ("ulan:x y", None)]


def test_what_no_message_made_stays_english_and_says_so() -> None:
    """A parser's own words inside a message, and a text no message made, are kept in English
    and marked lang="en", so a screen reader reads them as English."""
    lido = messages.NOT_LIDO(detail=messages.XML_INVALID(detail="Premature end of data <a>"))
    with i18n.using("ar"):
        text, parts = _shown(i18n.message_html(lido))
        assert text == "المحتوى ليس سجل LIDO: XML غير سليم البنية: Premature end of data <a>"
        assert parts == [("Premature end of data <a>", "en")]
        assert _shown(i18n.message_html("a reason <from> elsewhere")) == (
            "a reason <from> elsewhere",
            [("a reason <from> elsewhere", "en")],
        )
    with i18n.using("en"):
        assert _shown(i18n.message_html(lido)) == (lido, [(lido, "en")])


_COLON_AFTER_WORD = re.compile(r"""_\((?:(["']).*?\1|[\w.]+)\)\s*\}\}:""")
"""A translated word with a colon written straight after it: ``{{ _("Sort") }}:``."""


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_a_colon_after_a_word_of_the_page_is_punctuated_as_the_reader_s_language_does(
    name: str,
) -> None:
    """French puts a (narrow no-break) space before a colon: the search page said "Trier:",
    "Prêteur: Tate", an object page "Identifiant:" and "Image: …", a loan list "Demandes
    de prêt: …", beside "Vouliez-vous dire :" and "selon le prêteur :". Every such colon is
    ``_(":")``."""
    source = (TEMPLATES / name).read_text("utf-8")
    found = [m.group() for m in _COLON_AFTER_WORD.finditer(source)]
    assert not found, f"{name}: {found}"


def test_the_colon_after_a_label_is_french_on_a_french_page() -> None:
    template = templates().from_string(
        '{% import "_data_links.html" as data %}{% extends "base.html" %}'
        '{% block main %}{{ data.footer("https://data.example.org/x") }}{% endblock %}'
    )
    for lang, said in (("fr", "Identifiant\u202f:"), ("en", "Identifier:"), ("ar", "المعرّف:")):
        [small] = html.fromstring(i18n.render(template, lang)).cssselect("p.iri small")
        assert "".join(str(t) for t in small.itertext()) == said


EVIDENCE = [
    ALONE,
    "birth 1881 = 1881",
    "surnames equal; given names agree ('Carl')",
    "birth place agrees (Málaga, Spain / Málaga, España)",
    "a person in tate, a group in cmoa",
    "both maker",
    "both printmaker",
    "what an earlier Museion wrote",
]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            [
                "matched no other entity",
                "birth 1881 = 1881",
                "surnames equal; given names agree ('Carl')",
                "birth place agrees (Málaga, Spain / Málaga, España)",
                "a person in tate, a group in cmoa",
                "both maker",
                "both printmaker",
                "what an earlier Museion wrote",
            ],
        ),
        (
            "fr",
            [
                "ne correspond à aucune autre entité",
                "naissance 1881 = 1881",
                "noms de famille identiques ; prénoms concordants ('Carl')",
                "lieu de naissance concordant (Málaga, Spain / Málaga, España)",
                "une personne dans tate, un groupe dans cmoa",
                "tous deux : auteur",
                "tous deux : printmaker",
                "what an earlier Museion wrote",
            ],
        ),
        (
            "ar",
            [
                "لا يطابق أي كيان آخر",
                "الميلاد 1881 = 1881",
                "اسما العائلة متطابقان؛ الأسماء الشخصية متفقة ('Carl')",
                "مكان الميلاد متفق (Málaga, Spain / Málaga, España)",
                "شخص في tate، ومجموعة في cmoa",
                "كلاهما: الصانع",
                "كلاهما: printmaker",
                "what an earlier Museion wrote",
            ],
        ),
    ],
)
def test_the_evidence_of_a_match_is_in_the_reader_s_language(lang: str, said: list[str]) -> None:
    """Every person and place only one partner gives (749 of the demo's) said "matched no
    other entity", in English, on its French and Arabic pages; and the matcher's other
    reasons, made of the partners' values ("birth 1881 = 1881"), stayed English on them. Each
    is now a message (``museion_core.message_matches``), written in the page's language with
    the partners' values as they are; a text no message made stays English and says so."""
    source = Source(
        iri="https://data.example.org/ddb/person/x",
        href="/ddb/person/x",
        partner="Deutsche Digitale Bibliothek",
        partner_href="/partner/ddb",
        method="single",
        score="1",
        evidence=EVIDENCE,
    )
    agent = AgentPage(
        iri="https://data.example.org/person/x",
        kind="person",
        name=Text("Lessing, Carl Friedrich"),
        aggregate=True,
        sources=[source],
    )
    page = i18n.render(templates().get_template("agent.html"), lang, a=agent, title="M", query="")
    items = html.fromstring(page).cssselect("ul.evidence > li")
    assert ["".join(str(t) for t in li.itertext()) for li in items] == said
    english = [bool(li.cssselect('bdi[lang="en"]')) for li in items]
    # only the unknown text, and a partner's English role label in a message, are marked
    assert english == [lang == "en"] * 6 + [True, True]


@pytest.mark.parametrize(("lang", "said"), [("en", "0.9999"), ("fr", "0,9999"), ("ar", "0.9999")])
def test_a_match_score_is_written_as_the_page_s_language_writes_numbers(
    lang: str, said: str
) -> None:
    """The French page of Pablo Picasso said "Rapproché automatiquement, score 0.9999", a
    decimal point where French writes a comma (its sizes say "62,3 cm")."""
    source = Source(
        iri="https://data.example.org/tate/person/x",
        href="/tate/person/x",
        partner="Tate",
        partner_href="/partner/tate",
        method="auto",
        score="0.9999",
    )
    agent = AgentPage(
        iri="https://data.example.org/person/x",
        kind="person",
        name=Text("Pablo Picasso"),
        aggregate=True,
        sources=[source],
    )
    page = i18n.render(templates().get_template("agent.html"), lang, a=agent, title="M", query="")
    doc: html.HtmlElement = html.fromstring(page)
    [score] = doc.cssselect("p.match small bdi")
    assert score.text_content() == said


def test_the_matcher_s_evidence_is_what_its_messages_make() -> None:
    """The evidence is kept in the store in English, as the matcher wrote it before, and is
    recognised again on a page: every text the matcher writes is one its messages make."""
    tate = Entity(
        "https://data.example.org/tate/person/1",
        "tate",
        "person",
        names=["Picasso, Pablo"],
        birth=(1881, 1881),
        birth_places=["Málaga, España"],
        roles={"painter"},
    )
    cmoa = Entity(
        "https://data.example.org/cmoa/person/1",
        "cmoa",
        "person",
        names=["Pablo Ruiz Picasso"],
        birth=(1882, 1882),
        birth_places=["Málaga, Spain"],
        roles={"painter"},
    )
    evidence = score_pair(tate, cmoa).evidence
    assert evidence == [
        "surnames equal; given names agree (pablo)",
        "birth 1881 ≈ 1882",
        "birth place agrees (Málaga, España / Málaga, Spain)",
        "both painter",
    ]
    assert all(messages.recognise(text) is not None for text in evidence)


@pytest.mark.parametrize(
    ("lang", "count", "works", "lent"),
    [
        ("en", 1, "1work", "1work lent to the network"),
        ("en", 222, "222works", "222works lent to the network"),
        ("fr", 1, "1œuvre", "1œuvre prêtée au réseau"),
        ("fr", 408, "408œuvres", "408œuvres prêtées au réseau"),
        # one and two in words, no figure before them: "2 عملان" said "two two works"
        ("ar", 1, "عمل واحد", "عمل واحد مُعار للشبكة"),
        ("ar", 2, "عملان", "عملان مُعاران للشبكة"),
        ("ar", 7, "7أعمال", "7أعمال مُعارة للشبكة"),  # the DDB
        ("ar", 408, "408أعمال", "408أعمال مُعارة للشبكة"),  # Tate: 408 is "few" (…03–…10)
        ("ar", 222, "222عملًا", "222عملًا مُعارًا للشبكة"),  # Turner at Tate: "many" (…11–…99)
        ("ar", 100, "100عمل", "100عمل مُعار للشبكة"),
    ],
)
def test_the_word_under_a_count_agrees_with_it(
    lang: str, count: int, works: str, lent: str
) -> None:
    """Turner's page said "222 أعمال" and Tate's "408 عملاً معاراً للشبكة": a person's page
    chose between "work" and "works" by count == 1, and a partner's page had one form for
    every count, neither what Arabic writes after 222 or 408. Then a person with two works
    read "2 عملان", the number before a word that already says two."""
    source = Source(
        iri="https://data.example.org/tate/person/x",
        href="/tate/person/x",
        partner="Tate",
        partner_href="/partner/tate",
    )
    agent = AgentPage(
        iri="https://data.example.org/person/x",
        kind="person",
        name=Text("Joseph Mallord William Turner"),
        aggregate=True,
        sources=[source],
        work_count=count,
    )
    page = i18n.render(templates().get_template("agent.html"), lang, a=agent, title="M", query="")
    stats = [li.text_content() for li in html.fromstring(page).cssselect("ul.stats li")]  # type: ignore[attr-defined]
    assert stats[0] == works
    assert stats[1] == {"en": "1partner", "fr": "1partenaire", "ar": "شريك واحد"}[lang]
    assert html.fromstring(page).cssselect("#work-count")  # the large figure, in words or not
    partner = PartnerPage(
        iri="https://data.example.org/partner/tate",
        name=Text("Tate"),
        source="tate",
        work_count=count,
    )
    page = i18n.render(
        templates().get_template("partner.html"), lang, p=partner, title="M", query=""
    )
    [said] = html.fromstring(page).cssselect("ul.stats li")
    assert said.text_content() == lent  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("en", "12,480 objects"), ("fr", "12\u202f480 objets"), ("ar", "12,480 قطعة")],
)
def test_a_count_groups_its_thousands_as_the_language_does(lang: str, shown: str) -> None:
    """A search over a network's collections counts thousands: it said "12480 objets" on a
    French page, where the VoID page writes "12 480". The count still chooses the plural
    form (12,480 is Arabic's "many": the other form here)."""
    with i18n.using(lang):
        assert i18n.gettext("{n} objects", n=12480) == shown
        assert i18n.gettext("{n} objects", n=2) == {"en": "2 objects", "fr": "2 objets"}.get(
            lang, "قطعتان"
        )
        assert i18n.gettext("{year} BC", year=1250) == i18n.translate("{year} BC", lang).format(
            year=1250
        )  # a year is no count


def test_no_two_catalogues_translate_one_text_differently() -> None:
    """The catalogues are merged and the file read last won, silently: French "Credit line"
    was "Mention obligatoire" in checklists.toml, never shown, as pages.toml said "Mention de
    crédit"; Arabic "Lender", "No image", "Place", "Search the collections" each had two
    words, and "works lent to the network" one form in pages.toml beside its plural forms.
    A text may be in two files (each file is one part of the UI), with one translation."""
    given: dict[tuple[str, str], dict[str, object]] = {}
    for path in sorted((TEMPLATES.parent / "data" / "i18n").glob("*.toml")):
        for lang, table in tomllib.loads(path.read_text("utf-8")).items():
            for text, translation in table.items():
                given.setdefault((lang, text), {})[path.name] = translation
    differ = {
        key: files
        for key, files in given.items()
        if len({repr(translation) for translation in files.values()}) > 1
    }
    assert not differ


def test_french_elides_with_the_typographic_apostrophe() -> None:
    """The pages wrote "Listes d’œuvres" and "Pas d’image" beside "Numéro d'inventaire" and
    "Notices d'autorité" (and the checklist's CSV header took the straight one: two files
    gave the same text two translations). One apostrophe, the one French print uses."""
    straight = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
    forms = [
        form for translations in i18n.plurals()["fr"].values() for form in translations.values()
    ]
    found = [t for t in [*i18n.catalogue()["fr"].values(), *forms] if straight.search(t)]
    assert not found


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_a_list_is_separated_by_the_reader_s_comma(name: str) -> None:
    """An Arabic object page listed its subjects "woman ,trader ,sitting": a Latin comma,
    which also sat on the wrong side of each word, where the checklist already wrote "،";
    makers were separated by a Latin semicolon, not "؛". Every list of the pages is
    separated by _(",") or _(";"), but identifiers isolated left to right."""
    found = [
        line.strip()[:80]
        for line in (TEMPLATES / name).read_text("utf-8").splitlines()
        if re.search(r"[%}]\}[,;] \{[%{]|join\(\"[,;] \"\)", line) and 'bdi dir="ltr"' not in line
    ]
    assert not found, f"{name}: {found}"


def test_an_arabic_object_page_lists_its_subjects_with_the_arabic_comma() -> None:
    shown = ObjectPage(iri="https://data.example.org/tate/object/D00151", title=Text("Stall"))
    shown.subjects = [(Text("woman", "en"), "/tate/concept/1"), (Text("trader", "en"), "/t/2")]
    page = i18n.render(templates().get_template("object.html"), "ar", o=shown, title="M")
    [subjects] = html.fromstring(page).cssselect("#subjects")
    assert "".join(str(t) for t in subjects.itertext()) == "woman، trader"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "View this work at Kunsthalle Bremen"),
        ("fr", "Voir cette œuvre chez Kunsthalle Bremen"),
        ("ar", "اعرض هذا العمل لدى Kunsthalle Bremen"),
    ],
)
def test_the_link_to_the_lender_s_website_needs_no_article_before_its_name(
    lang: str, said: str
) -> None:
    """The French page said "sur le site de Kunsthalle Bremen": French wants an article
    that agrees with the name ("de la Kunsthalle", "du LWL-Museum", "de la Tate"), which
    Museion cannot know for every partner. The sentence is worded so that none is needed."""
    shown = ObjectPage(iri="https://data.example.org/ddb/object/1", title=Text("Harz"))
    shown.lender = Text("Kunsthalle Bremen", "de")
    shown.web_pages = ["https://www.kunsthalle-bremen.de/werk/1"]
    page = i18n.render(templates().get_template("object.html"), lang, o=shown, title="M")
    [link] = html.fromstring(page).cssselect("#web-page a")
    assert " ".join("".join(str(t) for t in link.itertext()).split()) == said
    assert "site de" not in page


@pytest.mark.parametrize(
    ("lang", "iso", "said", "day"),
    [
        ("en", "2026-12-06T05:31:07.123456+00:00", "6 December 2026, 05:31 UTC", "6 December 2026"),
        ("fr", "2026-12-06T05:31:07+00:00", "6 décembre 2026 à 05:31 UTC", "6 décembre 2026"),
        ("ar", "2026-12-06T05:31:07+00:00", "6 ديسمبر 2026، 05:31 بتوقيت UTC", "6 ديسمبر 2026"),
        # an instant kept in another zone is said in UTC, as the page says it
        ("en", "2026-12-06T00:30:00+01:00", "5 December 2026, 23:30 UTC", "5 December 2026"),
        ("fr", "not a time", "not a time", "not a time"),
    ],
)
def test_a_moment_is_written_as_the_reader_writes_it_with_its_time_zone(
    lang: str, iso: str, said: str, day: str
) -> None:
    """A checklist said "updated 2026-12-06 05:31": an ISO code, in UTC without saying so."""
    with i18n.using(lang):
        assert (moments.moment(iso), moments.day(iso)) == (said, day)


def test_every_lender_s_term_the_pages_know_has_a_french_and_an_arabic_word() -> None:
    terms = lender_terms()
    assert set(terms) == {"fr", "ar"}
    assert set(terms["fr"]) == set(terms["ar"]), "a term in one language's table only"
    assert all(said.strip() for table in terms.values() for said in table.values())


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("en", "on paper, unique"), ("fr", "sur papier, œuvre unique"), ("ar", "على ورق، عمل فريد")],
)
def test_a_lender_s_own_kind_of_work_is_a_facet_value_in_the_reader_s_language(
    lang: str, shown: str
) -> None:
    """The search page's kind-of-work facet listed Tate's "on paper, unique" in English on
    French and Arabic pages, beside AAT's types in their language."""
    with i18n.using(lang):
        assert search_page._shown("type", "on paper, unique") == shown
        assert search_page._shown("type", "On paper,  unique") == (
            "On paper,  unique" if lang == "en" else shown
        )
        assert search_page._shown("type", "Suppenschälchen") == "Suppenschälchen"


def test_the_rights_links_keep_their_own_order_on_an_arabic_page() -> None:
    """On an Arabic page a right named "(c) Bildarchiv Foto Marburg" read "Bildarchiv Foto
    Marburg (c)" and a licence ending in "(CC BY 4.0)" lost its closing bracket to the far
    side: the links' Latin text was laid out as part of the Arabic sentence. Each is isolated
    now (``dir="auto"``; a licence with its holder's brackets in one ``<bdi>``), as the
    partner's own rights texts were."""
    shown = ObjectPage(iri="https://data.example.org/ddb/object/1", title=Text("Bierflasche"))
    shown.statements["rights"] = [Text("(c) Museum Uslar 2019", "de")]
    shown.rights_links = [
        ("(c) Bildarchiv Foto Marburg", "https://www.bildindex.de/"),
        ("Namensnennung 4.0 International (CC BY 4.0)", "https://creativecommons.org/l/by/4.0/"),
    ]
    shown.image_licences = [
        ("CC BY-SA 4.0", "https://creativecommons.org/l/by-sa/4.0/", Text("Museum (München)"))
    ]
    page = i18n.render(templates().get_template("object.html"), "ar", o=shown, title="M")
    [rights] = html.fromstring(page).cssselect("#rights")
    texts = rights.cssselect("a, span")
    assert len(texts) == 5
    for element in texts:
        isolated = [e for e in (element, *element.iterancestors()) if e is not rights][:2]
        assert any(e.tag == "bdi" or e.get("dir") for e in isolated), html.tostring(element)
    [licence] = rights.cssselect("bdi")
    assert "".join(str(t) for t in licence.itertext()) == "CC BY-SA 4.0 (Museum (München))"


def test_the_data_formats_read_left_to_right_on_an_arabic_page() -> None:
    """The foot of an Arabic object page read "(JSON-LD (Linked Art": the formats' Latin
    names were laid out as part of the Arabic line."""
    shown = ObjectPage(iri="https://data.example.org/ddb/object/1", title=Text("Bierflasche"))
    page = i18n.render(templates().get_template("object.html"), "ar", o=shown, title="M")
    links = html.fromstring(page).cssselect('p.actions a[href^="?format="]')
    assert ["".join(str(t) for t in a.itertext()) for a in links] == [
        "Turtle",
        "N-Triples",
        "JSON-LD (Linked Art)",
        "JSON-LD (graph)",
    ]
    assert all(a.get("dir") == "ltr" for a in links)


@pytest.mark.parametrize(
    ("lang", "start", "end", "said"),
    [
        ("en", "2026-12-06T08:34:23Z", "2026-12-06T08:51:02Z", "6 December 2026, 08:34–08:51 UTC"),
        (
            "fr",
            "2026-12-06T08:34:23Z",
            "2026-12-06T08:51:02Z",
            "6 décembre 2026 de 08:34 à 08:51 UTC",
        ),
        (
            "ar",
            "2026-12-06T08:34:23Z",
            "2026-12-06T08:51:02Z",
            "6 ديسمبر 2026، 08:34–08:51 بتوقيت UTC",
        ),
        ("en", "2026-12-06T08:34:23Z", "2026-12-06T08:34:27Z", "6 December 2026, 08:34 UTC"),
        (
            "en",
            "2026-12-05T23:59:00Z",
            "2026-12-06T00:04:00+00:00",
            "5 December 2026, 23:59 UTC – 6 December 2026, 00:04 UTC",
        ),
        ("fr", "2026-12-06T08:34:23Z", None, "6 décembre 2026 à 08:34 UTC – …"),
    ],
)
def test_a_run_s_time_is_written_as_the_reader_writes_it(
    lang: str, start: str, end: str | None, said: str
) -> None:
    """The partner report said when its run ran as "2026-12-06T08:34:23Z →
    2026-12-06T08:34:27Z", codes beside the moments the page writes in words."""
    with i18n.using(lang):
        assert moments.period(start, end) == said


@pytest.mark.parametrize(
    ("places", "lang", "direction"),
    [
        (("Mougins, France", "Mougins, France"), "ar", "ltr"),
        (("Málaga, Spain", "Málaga, España"), "fr", "ltr"),
        (("القاهرة، مصر", "Cairo, Egypt"), "fr", "rtl"),
    ],
)
def test_the_bracketed_places_of_a_match_are_isolated_brackets_and_all(
    places: tuple[str, str], lang: str, direction: str
) -> None:
    """On an Arabic person page at 390 px, "(Mougins, France / Mougins, France)" broke with
    its closing bracket alone at the far end of the next line: each place was isolated as
    Latin, but the brackets and the slash took the Arabic sentence's direction. The group is
    now one isolate, brackets and all, in the direction of its first value."""
    evidence = messages.MATCH_PLACE_OF_LIFE_AGREES(
        which="death place", place=places[0], other=places[1]
    )
    with i18n.using(lang):
        shown = html.fragment_fromstring(str(i18n.message_html(evidence)), create_parent="p")
    [group] = shown.xpath("bdi[@dir]")
    assert group.get("dir") == direction
    assert "".join(group.itertext()) == f"({places[0]} / {places[1]})"
    assert [b.text for b in group.xpath("bdi")] == list(places)  # each still isolated too


def test_a_bracketed_group_with_words_of_the_sentence_keeps_the_sentence_s_order() -> None:
    """Brackets that hold words of the translation besides values ("({begin} إلى {end})")
    are the sentence's own: they are not set apart in the values' direction."""
    warning = messages.DATE_DISAGREE(begin="1850", end="1860", text="vers 1850", prefer="fields")
    with i18n.using("ar"):
        shown = str(i18n.message_html(warning))
    assert "dir=" not in shown


def test_a_bracketed_number_is_left_as_it_was() -> None:
    """Digits and shares read the same in either direction: no isolate is added for them."""
    with i18n.using("ar"):
        shown = str(i18n.message_html(messages.RECORD_TOO_DEEP(limit=64)))
    assert "dir=" not in shown


_MOISSON = re.compile(r"\bmoissons?\b", re.IGNORECASE)


def test_french_says_moissonnage_for_a_harvest_everywhere() -> None:
    """A partner's page linked its "Rapport de moissonnage" and the report it opened said
    "La dernière moisson de cette source a échoué": two words for one thing. OAI-PMH
    harvesting is "moissonnage" in French museum and library usage, so every French string
    says it so (and its verb, "moissonner"), never "moisson"."""
    french = i18n.catalogue()["fr"]
    said = [f"{english!r} = {text!r}" for english, text in french.items() if _MOISSON.search(text)]
    assert not said, said
    harvest = [e for e in french if re.search(r"\bharvest(?:ed|ing)?\b", e, re.IGNORECASE)]
    assert harvest  # the strings that speak of a harvest say it with "moissonn…"
    for english in harvest:
        assert "moissonn" in french[english].lower(), (english, french[english])


def test_french_names_a_remap_a_nouvelle_conversion_everywhere() -> None:
    """A remap (``museion remap``: the stored records mapped again) was "nouvelle
    correspondance" in French: "Rapport de nouvelle correspondance", "par nouvelle
    correspondance", which a museum reader takes for a new letter or a new match, not for its
    records converted again. The catalogue already says "converties" for mapped records, so a
    remap is a "nouvelle conversion" (to remap: "convertir de nouveau"), in every string that
    names one; "correspondance" stays the mapping itself."""
    french = i18n.catalogue()["fr"]
    said = [f"{e!r} = {t!r}" for e, t in french.items() if "nouvelle correspondance" in t]
    assert not said, said
    remap = [e for e in french if re.search(r"\bremap\b", e, re.IGNORECASE)]
    assert len(remap) >= 6  # the strings that name a remap say it one way
    for english in remap:
        text = french[english].lower()
        assert "nouvelle conversion" in text or "convertir de nouveau" in text, (english, text)
