"""Text and language: NFC, whitespace and markup; BCP 47 tags that are valid or absent; every
script, right-to-left included, intact."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode

from mappings.builder import RecordBuilder
from mappings.iris import Minter
from mappings.normalise import clean_text, has_markup, language_tag, strip_html
from tests.conftest import BASE

untimed = settings(deadline=None)  # a first example may compile the grammar's patterns

SCRIPTS = [
    "منظر باكو",  # Arabic, right to left
    "ماهی\u200cگیر",  # Persian with a zero-width non-joiner, which must stay
    "Rəşid Əliyev, Şəki",  # Azerbaijani Latin
    "Αμφορέας με μαιάνδρους",  # Greek
    "茶碗と掛軸",  # Chinese and Japanese
    "\u202bمرحبا\u202c",  # explicit right-to-left embedding
]


@pytest.mark.parametrize("text", SCRIPTS)
def test_scripts_pass_through_intact(text: str) -> None:
    assert clean_text(text) == unicodedata.normalize("NFC", text)
    assert clean_text(f"  <b>{text}</b>\n", html_markup=True) == unicodedata.normalize("NFC", text)


def test_nfc_and_whitespace() -> None:
    assert clean_text("e\u0301te\u0301  \t\n été ") == "été été"
    assert clean_text("\u00a0Bullfight\u2003Scene ") == "Bullfight Scene"


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("<p>Hello&nbsp;<b>world</b></p><p>again</p>", "Hello world again"),
        ("Line<br>break<BR/>here", "Line break here"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("&amp;lt;", "&lt;"),  # decoded once, never twice
        ("&#1575;&#x41;", "اA"),
        ("x<script>alert(1)</script>y", "xy"),
        ("<!-- note -->text", "text"),
        ("<Untitled>", "<Untitled>"),  # not an HTML element: text
        ("a < b and c > d", "a < b and c > d"),
        ("<P CLASS=x>Upper</P>", "Upper"),
        ("مرحبا <i>بالعالم</i>", "مرحبا بالعالم"),
    ],
)
def test_html_is_stripped_safely(text: str, clean: str) -> None:
    assert clean_text(text, html_markup=True) == clean


def test_markup_is_only_stripped_when_asked() -> None:
    assert clean_text("<b>bold</b>") == "<b>bold</b>"
    assert has_markup("<b>bold</b>")
    assert not has_markup("<Untitled>")
    assert strip_html("<em>a</em> &amp; b") == "a & b"


@pytest.mark.parametrize(
    ("tag", "standard"),
    [
        ("en", "en"),
        ("EN-gb", "en-GB"),
        ("eng", "en"),  # LIDO's ISO 639-2
        ("ger", "de"),
        ("en_US", "en-US"),
        ("az-Arab", "az-Arab"),
        ("zh-Hant-TW", "zh-Hant-TW"),
        ("x-private", "x-private"),
        ("und", None),  # says nothing
        ("xx", None),
        ("english", None),
        ("", None),
        (None, None),
    ],
)
def test_language_tags(tag: str | None, standard: str | None) -> None:
    assert language_tag(tag) == standard


def test_literals_never_carry_an_invalid_tag() -> None:
    builder = RecordBuilder(NamedNode(f"{BASE}g"), Minter(BASE, "t"), language="ger")
    assert builder.text("Gemälde") == Literal("Gemälde", language="de")
    assert builder.text("x", "xx") == Literal("x")
    assert builder.text("x", "en_GB") == Literal("x", language="en-GB")
    assert builder.text("x", None) == Literal("x")
    assert builder.warnings == ["language tag 'xx' is not BCP 47; kept the text without it"]


@untimed
@given(st.text(max_size=80))
def test_clean_text_is_idempotent_and_keeps_every_letter(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    letters = [c for c in unicodedata.normalize("NFC", text) if not c.isspace()]
    assert [c for c in once if not c.isspace()] == letters
