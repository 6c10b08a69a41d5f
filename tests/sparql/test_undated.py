"""A partner's date text that says a work has no date is written in the reader's words.

Tate dates a tenth of its works "date not known", CMOA writes "not dated": French and Arabic
pages showed those words in English on the object page, the search cards and the checklists
(and its exports), where a French curator reads "date inconnue"."""

from __future__ import annotations

import pytest

from museion.demo import examples_dir
from sparql import i18n
from sparql.object_dates import date_said
from tests.sparql.test_object_page_types import _page


@pytest.mark.parametrize(
    ("text", "lang", "said"),
    [
        ("date not known", "fr", "date inconnue"),
        ("date not known", "ar", "التاريخ غير معروف"),
        ("date not known", "en", "date not known"),
        ("not dated", "fr", "date inconnue"),  # CMOA's words
        ("o. J.", "ar", "التاريخ غير معروف"),  # a German lender's ("ohne Jahr")
        ("c.1830–41", "fr", "c.1830–41"),  # a date: as the partner wrote it
        ("um 1890", "ar", "um 1890"),
        ("", "fr", ""),
    ],
)
def test_a_text_saying_there_is_no_date_is_said_in_the_reader_s_words(
    text: str, lang: str, said: str
) -> None:
    assert date_said(text, lang) == said
    with i18n.using(lang):
        assert date_said(text) == said


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "date not known"), ("fr", "date inconnue"), ("ar", "التاريخ غير معروف")],
)
def test_the_object_page_of_an_undated_work_says_so_in_the_reader_s_words(
    lang: str, said: str
) -> None:
    payload = next((examples_dir() / "tate" / "artworks").glob("t11444-*.json")).read_bytes()
    page = _page("tate", "tate", "T11444", payload, lang)
    assert page is not None
    assert page.date == said
