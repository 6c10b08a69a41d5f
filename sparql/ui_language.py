"""Which language a request gets, decided once per request: a ``lang`` query parameter (the
language menu's links; it is remembered in a cookie), else that cookie, else the best
``Accept-Language`` match, else English (``sparql.i18n`` renders the pages in it)."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from . import site
from .i18n import COOKIE, COOKIE_MAX_AGE, DEFAULT, LANGUAGES

__all__ = ["LanguageMiddleware", "negotiate_language"]


def negotiate_language(
    param: str | None, cookie: str | None, accept_language: str | None
) -> tuple[str, bool]:
    """The UI language for a request, and whether it came from the ``lang`` parameter (the
    switch, which the cookie should then remember)."""
    if param and param.lower() in LANGUAGES:
        return param.lower(), True
    if cookie and cookie in LANGUAGES:
        return cookie, False
    best, best_q = DEFAULT, 0.0
    for item in (accept_language or "").split(","):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        for param_text in params.split(";"):
            key, _, value = param_text.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        # Strictly greater: of equal weights the first listed wins.
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best, False


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]


class LanguageMiddleware:
    """Decides each request's UI language (``scope["state"]["ui_lang"]``, which Starlette
    shows as ``request.state.ui_lang``); remembers a ``lang`` switch in a cookie, and marks
    HTML answers with ``Content-Language`` and ``Vary: Accept-Language, Cookie``."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        cookie = _cookie(headers.get("cookie", ""), COOKIE)
        lang, switched = negotiate_language(
            query.get("lang"), cookie, headers.get("accept-language")
        )
        scope.setdefault("state", {})["ui_lang"] = lang

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                content_type = next((v for k, v in raw if k.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    raw.append((b"content-language", lang.encode()))
                    raw = _add_vary(raw, b"Accept-Language, Cookie")
                if switched:
                    raw.append(
                        (
                            b"set-cookie",
                            f"{COOKIE}={lang}; Path={site.url('/')}; Max-Age={COOKIE_MAX_AGE}; "
                            "SameSite=Lax".encode(),
                        )
                    )
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_with_language)


def _headers(scope: Scope) -> Mapping[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value.strip('"')
    return None


def _add_vary(raw: list[tuple[bytes, bytes]], value: bytes) -> list[tuple[bytes, bytes]]:
    for i, (key, existing) in enumerate(raw):
        if key.lower() == b"vary":
            raw[i] = (key, existing + b", " + value)
            return raw
    return [*raw, (b"vary", value)]
