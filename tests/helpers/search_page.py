"""The search page's answer to one request, without a server: ``search_endpoint`` called with
the request a browser (or a script) would send."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from search import Searcher
from sparql.search_page import search_endpoint


def search_reply(
    searcher: Searcher, query: str, lang: str, headers: list[tuple[bytes, bytes]] | None = None
) -> Response:
    """``GET /search?{query}`` in ``lang``, answered from ``searcher``."""
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": "/search",
        "raw_path": b"/search",
        "root_path": "",
        "query_string": query.encode(),
        "headers": headers or [],
        "state": {"ui_lang": lang},
    }
    return asyncio.run(search_endpoint(Request(scope), searcher, "https://data.example.org/"))
