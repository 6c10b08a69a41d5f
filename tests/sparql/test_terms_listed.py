"""An object's types and materials as its page and its checklist row list them: AAT's English
labels without the qualifier AAT adds to tell its concepts apart ("paper (fiber product)"),
as the search facets name them, unless two would then read the same."""

from __future__ import annotations

from sparql.object_terms import terms_listed
from sparql.readers import Text


def test_an_aat_label_loses_its_qualifier() -> None:
    shown = terms_listed([Text("paper (fiber product)", "en"), Text("oil paint (paint)", "en")])
    assert shown == [Text("paper", "en"), Text("oil paint", "en")]


def test_the_qualifier_stays_where_two_terms_would_read_alike() -> None:
    """An object both engraved (the process) and "engraving" as a lender's own word."""
    terms = [Text("engraving (printing process)", "en"), Text("Engraving", "")]
    assert terms_listed(terms) == terms


def test_a_lender_s_own_brackets_and_other_languages_stay() -> None:
    terms = [Text("Paper (Japanese)", "en"), Text("papier", "fr"), Text("ورق", "ar")]
    assert terms_listed(terms) == terms


def test_each_term_is_listed_once() -> None:
    """The SMB's "Figur" as an object type and as a classification is one word on the page."""
    assert terms_listed([Text("Figur", "de"), Text("Figur", "de")]) == [Text("Figur", "de")]
