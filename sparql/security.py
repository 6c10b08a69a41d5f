"""What every answer the endpoint sends is allowed to do in a browser, and how big a request
body it will read.

The endpoint shows text written by partners whose exports nobody controls, on its own origin.
Escaping (Jinja's autoescape) keeps that text from becoming markup, ``pages.safe_href`` keeps
it from becoming a ``javascript:`` link; the Content-Security-Policy below is the third wall:
even if markup slipped through, the browser runs no script but the site's own files.

**The policy every HTML page gets** (``CONTENT_SECURITY_POLICY``; new pages get it for free,
through ``SecurityHeaders``, as long as their media type is ``text/html``)::

    default-src 'self';            anything not named below: this origin only
    script-src 'self';             scripts only from /static/ files: no inline <script>,
                                   no on*= attributes, no eval, no javascript: URLs
    img-src 'self' https: http: data:;   partners' images live on their own hosts
    style-src 'self' 'unsafe-inline';    see below
    object-src 'none'; base-uri 'none';
    frame-ancestors 'self';        no other site may frame a page (click-jacking)
    form-action 'self'

Rules for new pages: put scripts in ``sparql/static/*.js`` and load them with
``<script src>``; pass data to them in a ``<script type="application/json">`` block (a data
block, which the policy allows because it is never run); never build ``href`` or ``src`` from
data without ``pages.safe_href``.

``'unsafe-inline'`` is allowed for styles only, because YASGUI (the query UI, a bundled
third-party build) truly needs it: its result table's column resizer writes ``<style>``
elements at run time whose text depends on the table, so neither a hash nor a nonce can
allow them (with ``style-src 'self'`` Chromium blocks them and the columns cannot be sized).
Partner reports (``/sources/``) are self-contained files with an inline ``<style>`` too.
Inline styles cannot run script; the script policy stays strict.

The reconciliation preview (``/reconcile/preview``) is shown by OpenRefine inside an iframe
of another origin, so it alone allows any frame ancestor (``PREVIEW_POLICY``).

Every answer, HTML or not, is sent with ``X-Content-Type-Options: nosniff``: a partner's
text served as ``text/plain`` or JSON is never guessed to be HTML.
"""

from __future__ import annotations

import asyncio
import time

from starlette.datastructures import MutableHeaders
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from museion_core.errors import QueryError

from . import site

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "MIN_BODY_RATE",
    "PREVIEW_POLICY",
    "BodyTooLarge",
    "BodyTooSlowError",
    "ClientGoneError",
    "SecurityHeaders",
    "closing",
    "paced",
    "read_body",
]

_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "img-src": "'self' https: http: data:",
    "style-src": "'self' 'unsafe-inline'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'self'",
    "form-action": "'self'",
}
CONTENT_SECURITY_POLICY = "; ".join(f"{k} {v}" for k, v in _DIRECTIVES.items())
"""The Content-Security-Policy of every HTML page (see the module's docstring for why)."""
PREVIEW_POLICY = "; ".join(
    f"{k} {'*' if k == 'frame-ancestors' else v}" for k, v in _DIRECTIVES.items()
)
"""The same policy, framable by any site: for the reconciliation preview OpenRefine embeds."""


class SecurityHeaders:
    """ASGI middleware: ``nosniff`` on every answer, the policy on every HTML answer (unless
    the route set its own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        previews = (site.url("/reconcile/preview"), site.url("/reconcile/v1/preview"))
        policy = PREVIEW_POLICY if path in previews else None

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
                if media in ("text/html", "application/xhtml+xml", "image/svg+xml"):
                    headers.setdefault("Content-Security-Policy", policy or CONTENT_SECURITY_POLICY)
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyTooLarge(QueryError):  # noqa: N818 - reads as what happened
    """A request body over the endpoint's limit (HTTP 413)."""

    http_status = 413


class ClientGoneError(QueryError):
    """A client that closed its connection before its body ended: answered 400, which no
    one reads, like any refused request, rather than left to the server as an error."""

    http_status = 400


MIN_BODY_RATE = 8192
"""Bytes a second a paced body (an upload's) must come at, on average, after its first
``header_timeout`` seconds (8 KiB/s: a 256 MiB upload may take 9 hours)."""


class BodyTooSlowError(QueryError):
    """A body that comes slower than ``MIN_BODY_RATE`` (408 Request Timeout)."""

    http_status = 408


def paced(request: Request, limit: int | None, grace: float, what: str = "the upload") -> Request:
    """The request, with a body that raises ``BodyTooLarge`` once it passes ``limit`` bytes
    (counted as it arrives, so a chunked body without a length is stopped too; None: no
    limit here), and ``BodyTooSlowError`` once it falls behind ``grace`` seconds plus a second
    for every ``MIN_BODY_RATE`` bytes received: a body sent a byte at a time (no token
    needed: the form's token comes in the body) held its connection open for as long as the
    sender liked, and enough of them every file descriptor of the worker. Once the body has
    ended, what the server hears (a disconnect) is passed on unpaced."""
    length = request.headers.get("content-length", "")
    if limit is not None and length.isdigit() and int(length) > limit:
        raise BodyTooLarge(f"{what} is over {limit} bytes ({int(length)} sent)")
    received = 0
    ended = False
    started = time.monotonic()

    async def receive() -> Message:
        nonlocal received, ended
        if ended:
            return await request.receive()
        allowed = started + grace + received / MIN_BODY_RATE - time.monotonic()
        try:
            message = await asyncio.wait_for(request.receive(), timeout=max(allowed, 0.001))
        except TimeoutError:
            raise BodyTooSlowError(
                f"{what} came slower than {MIN_BODY_RATE} bytes a second "
                f"({received} bytes in {time.monotonic() - started:.0f} s); send it again"
            ) from None
        received += len(message.get("body", b""))
        ended = message.get("type") != "http.request" or not message.get("more_body", False)
        if limit is not None and received > limit:
            raise BodyTooLarge(f"{what} is over {limit} bytes")
        return message

    return Request(request.scope, receive)


def closing(exc: QueryError) -> dict[str, str] | None:
    """The headers a refusal of ``exc`` needs: a body refused as too slow ends its
    connection, since what the client sends after the refusal is not read."""
    return {"Connection": "close"} if isinstance(exc, BodyTooSlowError) else None


async def read_body(request: Request, limit: int, what: str = "the request body") -> bytes:
    """The request's body, read chunk by chunk; ``BodyTooLarge`` as soon as it passes
    ``limit`` bytes — so a huge (or endless, chunked) body costs at most ``limit`` bytes of
    memory, never its own size. The one place every endpoint that takes a body reads it."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise BodyTooLarge(f"{what} is over {limit} bytes ({int(length)} sent)")
    body = bytearray()
    try:
        async for chunk in request.stream():
            if len(body) + len(chunk) > limit:
                raise BodyTooLarge(f"{what} is over {limit} bytes")
            body += chunk
    except ClientDisconnect:  # was a traceback in the log ("Exception in ASGI application")
        raise ClientGoneError(f"the client hung up before {what} ended") from None
    return bytes(body)
