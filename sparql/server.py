"""Running the endpoint: uvicorn, with one or more HTTP worker processes.

Each HTTP worker (``workers``) builds the app from settings passed as JSON in the environment
and starts its own query processes; uvicorn writes the access log (one line a request) and
restarts a worker that dies.

uvicorn's HTTP/1.1 parser (httptools 0.9) cannot read a URL of more than 65,535 bytes, and
says only "Invalid HTTP request received." (400). ``HttpProtocol`` refuses a longer URL itself,
without relying on how a given httptools release fails on it, and tells a researcher whose
client sends a long query by GET (SPARQLWrapper's default), with 414, to send it by POST.
"""

from __future__ import annotations

import asyncio
import logging
import os

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .settings import SETTINGS_ENV, EndpointSettings

__all__ = ["URL_LIMIT", "HttpProtocol", "serve"]

URL_LIMIT = 65_535
"""The longest request target the HTTP parser reads: httptools keeps a URL's parts as 16-bit
offsets."""

_TOO_LONG = (
    "The request's URL is {length:,} bytes; this endpoint reads URLs of up to {limit:,} bytes. "
    "Send a long query with POST instead of GET, as the SPARQL 1.1 Protocol allows: "
    "a form (application/x-www-form-urlencoded) or the query itself as the body "
    "(application/sparql-query). SPARQLWrapper: sparql.setMethod(POST).\n"
)


class _UrlTooLongError(Exception):
    """Raised in the parser's callback: the parser stops and uvicorn sends its 400 response,
    which ``HttpProtocol`` makes a 414."""


def _header_timeout() -> float:
    """``[endpoint] header_timeout`` of the settings this worker serves (the environment holds
    them: each HTTP worker process reads its own)."""
    text = os.environ.get(SETTINGS_ENV)
    if not text:
        return EndpointSettings.model_fields["header_timeout"].default  # type: ignore[no-any-return]
    return EndpointSettings.model_validate_json(text).header_timeout


class HttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol, answering a URL too long to parse with 414 URI Too Long
    and the way out, where uvicorn answers any request it cannot parse with a bare 400; and
    closing a connection whose request headers do not arrive within ``header_timeout``:
    two clients that sent partial headers on 11,000 connections each held 20,000 file
    descriptors, and nobody else was answered until they left (uvicorn has no such timeout)."""

    header_timeout: float | None = None
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_headers()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._header_timer is None:  # the next request on a kept-alive connection
            self._await_headers()

    def on_headers_complete(self) -> None:
        self._stop_waiting()
        if len(self.url) > URL_LIMIT:
            raise _UrlTooLongError
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def _await_headers(self) -> None:
        if HttpProtocol.header_timeout is None:
            HttpProtocol.header_timeout = _header_timeout()
        self._header_timer = self.loop.call_later(HttpProtocol.header_timeout, self._too_slow)

    def _stop_waiting(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if self.cycle is not None and not self.cycle.response_complete:
            # a pipelined request's first bytes came while the one before it runs: uvicorn
            # reads no more of it until that one is answered, so its time starts again
            self._await_headers()
            return
        if not self.transport.is_closing():
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        url = getattr(self, "url", b"")
        if len(url) <= URL_LIMIT:
            super().send_400_response(msg)
            return
        body = _TOO_LONG.format(length=len(url), limit=URL_LIMIT).encode("ascii")
        head = [b"HTTP/1.1 414 URI Too Long\r\n"]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()


def serve(
    settings: EndpointSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    access_log: bool = True,
    log_level: str = "info",
    trusted_proxies: tuple[str, ...] = (),
) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM). A request from one of ``trusted_proxies``
    is taken to come from the client its ``X-Forwarded-For`` names (uvicorn's proxy
    headers, off otherwise: any client could name another)."""
    os.environ[SETTINGS_ENV] = settings.to_env()
    logging.getLogger("museion.endpoint").setLevel(log_level.upper())
    uvicorn.run(
        "sparql.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=HttpProtocol,
        access_log=access_log,
        log_level=log_level,
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=list(trusted_proxies) or None,
        server_header=False,
        timeout_graceful_shutdown=5,
    )
