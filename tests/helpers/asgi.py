"""A page request as a browser sends it, made without a server: for the tests that call one
endpoint function with it (``upload_page``, ``search_reply``, a partner's page)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request


def page_request(
    path: str,
    lang: str,
    *,
    params: Mapping[str, str] | None = None,
    query: str = "",
    headers: list[tuple[bytes, bytes]] | None = None,
) -> Request:
    """``GET path?query`` in ``lang`` (the reader's language, as the endpoint's middleware
    sets it), with the route's path ``params``; ``headers`` default to a browser's Accept."""
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"accept", b"text/html")] if headers is None else headers,
        "path_params": dict(params or {}),
        "state": {"ui_lang": lang},
    }
    return Request(scope)
