"""``Retry-After`` on the 503s that waiting mends (RFC 9110 §10.2.3).

A 503 is given both when the endpoint is busy (no query process became free in time, or
none could be started) and when a query ran over its time limit. Only the first passes: a
client that waits and sends the same request again is answered, while the same slow query
would only run out of time again. So the pool marks the busy answers (``suggest_retry``),
and :class:`RetryAfter` adds the header to a 503 that was marked. The mark is kept in a
holder the middleware opens for each request: the pool may run in a task of its own, whose
changes to a context variable would not come back, while a change to the holder does.
"""

from __future__ import annotations

from contextvars import ContextVar

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BUSY_RETRY_SECONDS", "RetryAfter", "suggest_retry"]

BUSY_RETRY_SECONDS = 5
"""What a busy endpoint asks a client to wait: about the time a typical query takes."""

_SUGGESTED: ContextVar[list[int] | None] = ContextVar("museion_retry_after", default=None)


def suggest_retry(seconds: int = BUSY_RETRY_SECONDS) -> None:
    """Mark this request's answer (a 503) as one that a retry after ``seconds`` may mend."""
    holder = _SUGGESTED.get()
    if holder is not None:
        holder.append(seconds)


class RetryAfter:
    """ASGI middleware: ``Retry-After`` on a 503 whose request was marked busy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        holder: list[int] = []
        token = _SUGGESTED.set(holder)

        async def with_retry(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 503 and holder:
                headers = MutableHeaders(scope=message)
                headers.setdefault("Retry-After", str(max(holder)))
            await send(message)

        try:
            await self.app(scope, receive, with_retry)
        finally:
            _SUGGESTED.reset(token)
