"""A search result's title takes its own direction on a page in another: an English title
with no language tag, or an Arabic one in a feed tagged ``fr``, on an Arabic or French page."""

from __future__ import annotations

from typing import cast

import pytest

from search import Hit, Searcher, SearchRequest, SearchResult
from tests.helpers.search_page import search_reply


class _OneSearch:
    def __init__(self, hits: list[Hit]) -> None:
        self.hits = hits

    def search(self, _query: SearchRequest) -> SearchResult:
        return SearchResult(total=len(self.hits), hits=self.hits, facets={})


def _page(hits: list[Hit], lang: str) -> str:
    searcher = cast(Searcher, _OneSearch(hits))
    reply = search_reply(searcher, "q=stall", lang, [(b"accept", b"text/html")])
    assert reply.status_code == 200
    return bytes(reply.body).decode()


def _hit(title: str, language: str | None) -> Hit:
    return Hit(
        iri="https://data.example.org/tate/object/D1",
        title=title,
        title_language=language,
        partner="Tate",
        makers=[],
        date=None,
        image=None,
    )


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_a_title_with_no_language_takes_its_own_direction(lang: str) -> None:
    """It had no ``dir`` at all, so on an Arabic page "Stall (study)." read ".(Stall (study"."""
    page = _page([_hit("Stall (study).", None)], lang)
    assert '<h2 dir="auto"><a ' in page


def test_a_title_in_a_feed_s_default_language_is_not_forced_left_to_right() -> None:
    """A tag is often the feed's default rather than the text's own: Arabic in a feed tagged
    ``fr`` was set ``dir="ltr"``, its full stop first."""
    page = _page([_hit("دكان بائع الأغاني.", "fr")], "ar")
    assert '<h2 lang="fr" dir="auto"><a ' in page
    assert 'dir="ltr"><a ' not in page
