"""A page request as a browser sends it, made without a server: for the tests that call one
endpoint function with it (``upload_page``, ``search_reply``, a partner's page)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

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


def asgi_get(app: Any, path: str, query: str = "", lang: str = "en") -> tuple[int, str]:
    """``GET path?query`` from a browser reading ``lang``, answered by ``app`` in this
    process (its query processes not started: for answers that ask none). Status, body."""
    status, _headers, body = asgi_exchange(app, path, query, lang)
    return status, body


def asgi_exchange(
    app: Any, path: str, query: str = "", lang: str = "en"
) -> tuple[int, dict[str, str], str]:
    """``asgi_get``'s request, answered with its status, its headers (names in lower case)
    and its body."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "path": path,
        "raw_path": quote(path).encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"accept", b"text/html"),
            (b"accept-language", lang.encode()),
        ],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = sent[0]
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, body.decode()
