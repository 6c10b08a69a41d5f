"""The reader's language: negotiation, text direction, and catalogues that cover the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sparql import i18n
from sparql.pages import templates

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
    "report.html",
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
    assert i18n.negotiate_language(param, cookie, header) == expected


@pytest.mark.parametrize(
    ("tag", "attrs"),
    [
        ("ar", 'lang="ar" dir="rtl"'),
        ("fa-IR", 'lang="fa-IR" dir="rtl"'),
        ("az-Arab", 'lang="az-Arab" dir="rtl"'),
        ("ar-Latn", 'lang="ar-Latn" dir="ltr"'),
        ("fr", 'lang="fr" dir="ltr"'),
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
        (1200.0, 2, "fr", "1200"),  # the figures end in zeros before the point: kept
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
