"""The search page's answer to one request, without a server: ``search_endpoint`` called with
the request a browser (or a script) would send."""

from __future__ import annotations

import asyncio

from starlette.responses import Response

from search import Searcher
from sparql.search_page import search_endpoint
from tests.helpers.asgi import page_request


def search_reply(
    searcher: Searcher, query: str, lang: str, headers: list[tuple[bytes, bytes]] | None = None
) -> Response:
    """``GET /search?{query}`` in ``lang``, answered from ``searcher``."""
    request = page_request("/search", lang, query=query, headers=headers or [])
    return asyncio.run(search_endpoint(request, searcher, "https://data.example.org/"))
