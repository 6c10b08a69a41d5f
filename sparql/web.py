"""What every route of the endpoint's application shares: a plain-text error, a query
process's reply as a response, and the request's language and path as they were sent."""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from . import i18n, site
from .jobs import Reply
from .negotiation import VARY

__all__ = [
    "here",
    "iri_path",
    "not_acceptable",
    "reply_response",
    "site_url",
    "text_error",
    "ui_lang",
]


def text_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error as one line of plain text (clients and people both read it)."""
    return Response(
        message.rstrip() + "\n",
        status_code=status,
        media_type="text/plain; charset=utf-8",
        headers=headers,
    )


def not_acceptable(message: str) -> Response:
    """406: no representation the client accepts. It names ``Vary: Accept`` as every
    negotiated answer does (RFC 9110 §12.5.5): another ``Accept`` gets another answer, which a
    cache must not take this one for."""
    return text_error(406, message, VARY)


def reply_response(reply: Reply, extra: dict[str, str] | None = None) -> Response:
    """A query process's reply; a reply written to a file is streamed, then removed."""
    headers = {**reply.headers, **(extra or {})}
    if reply.file is not None:
        path = reply.file
        return FileResponse(
            path,
            status_code=reply.status,
            media_type=reply.content_type,
            headers=headers,
            background=BackgroundTask(lambda: Path(path).unlink(missing_ok=True)),
        )
    if reply.status == 204:
        return Response(status_code=204, headers=headers)
    return Response(
        reply.body, status_code=reply.status, media_type=reply.content_type, headers=headers
    )


def ui_lang(request: Request) -> str:
    """The language :class:`ui_language.LanguageMiddleware` chose for this request."""
    return str(getattr(request.state, "ui_lang", i18n.DEFAULT))


def here(request: Request) -> str:
    """The page's own path and query for its language links, with the path as it was sent:
    decoded, an identifier's ``%2F`` (``DE-MUS-825210%2F78541``) would become a ``/`` and
    the link another IRI's, which is not served."""
    query = request.url.query
    return iri_path(request.scope) + (f"?{query}" if query else "")


def iri_path(scope: MutableMapping[str, Any]) -> str:
    """The request path as it was sent (still percent-encoded), so that a minted IRI's
    encoded identifier (``T%2F1``) maps back to itself."""
    raw = scope.get("raw_path")
    if isinstance(raw, bytes):
        return raw.decode("latin-1").split("?", 1)[0]
    return str(scope.get("path", "/"))


def site_url(request: Request, path: str) -> str:
    """The absolute URL of the site path ``path`` (``/sparql``) on the host the request
    reached, under the site's path and spelled as the base IRI spells it (``/mus%C3%A9e/``,
    not the decoded ``/musée/`` a request's URL holds), so that a relative IRI resolved
    against it names what Museion mints."""
    return str(request.url.replace(path=site.url(path), query="", fragment=""))
