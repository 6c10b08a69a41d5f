"""A search facet names AAT's types and materials as a curator does: "oil paint", not "oil
paint (paint)". The part in brackets is AAT's qualifier, which tells its concepts apart; it
stays only where two entries of a facet would otherwise read the same."""

from __future__ import annotations

from typing import Any, cast

import lxml.html
import pytest

from search import Searcher, SearchResult
from tests.helpers.search_page import search_reply

FACETS = {
    "type": {"prints (visual works)": 5, "Prints": 2, "paintings (visual works)": 3},
    "material": {
        "oil paint (paint)": 4,
        "engraving (printing process)": 2,
        "engraving (action)": 1,
        "Paper (Japanese)": 1,  # a lender's own word: its brackets are its name
    },
}


class _Facets:
    def search(self, _: object) -> SearchResult:
        return SearchResult(total=9, hits=[], facets=FACETS)


def _facets(query: str, lang: str) -> tuple[dict[str, list[str]], list[str]]:
    """Each facet's entries as the page names them, and the chosen filters' chips."""
    reply = search_reply(cast(Searcher, _Facets()), query, lang)
    assert reply.status_code == 200
    doc: Any = lxml.html.fromstring(bytes(reply.body).decode())
    # the facets in their order (type, then material): only these two have entries
    [types, materials] = [
        [" ".join(v.text_content().split()) for v in facet.cssselect("li .v")]
        for facet in doc.cssselect("aside.facets details")
    ]
    chips = [" ".join(b.text_content().split()) for b in doc.cssselect(".chips bdi")]
    return {"type": types, "material": materials}, chips


@pytest.mark.parametrize(
    ("lang", "types", "materials"),
    [
        (
            "en",
            ["prints (visual works)", "Prints", "paintings"],
            ["oil paint", "engraving (printing process)", "engraving (action)", "Paper (Japanese)"],
        ),
        (
            "fr",
            ["estampe", "Prints", "peinture"],
            ["peinture à l'huile", "burin", "engraving", "Paper (Japanese)"],
        ),
        (
            "ar",
            ["مطبوعة", "Prints", "لوحة"],
            ["ألوان زيتية", "حفر بالإزميل", "engraving", "Paper (Japanese)"],
        ),
    ],
)
def test_a_facet_names_aat_terms_without_their_qualifier_unless_two_read_alike(
    lang: str, types: list[str], materials: list[str]
) -> None:
    """ "oil paint (paint)", "prints (visual works)" were the facets' labels on the English
    page (and on the French and Arabic ones where AAT has no label in their language)."""
    named, _ = _facets("q=", lang)
    assert named["type"] == types
    assert named["material"] == materials


def test_a_chosen_filter_is_named_as_its_facet_names_it() -> None:
    _, chips = _facets("facet=material%3Doil+paint+%28paint%29", "en")
    assert chips == ["oil paint"]
