"""Gzip for clients that accept it, by the q-values of ``Accept-Encoding`` (RFC 9110 §12.5.3).

Starlette's ``GZipMiddleware`` looks for the letters ``gzip`` anywhere in the header, so a
client that says ``gzip;q=0`` ("never gzip") gets gzip. This wrapper decides by the q-values
and hands Starlette's middleware a request that asks for gzip only when gzip is acceptable.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Receive, Scope, Send

__all__ = ["NegotiatedGZip", "gzip_acceptable"]


def gzip_acceptable(header: str | None) -> bool:
    """Whether ``Accept-Encoding`` allows gzip: named with q > 0, or not named and ``*`` with
    q > 0."""
    named: float | None = None
    star: float | None = None
    for part in (header or "").split(","):
        coding, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        coding = coding.lower()
        if coding in ("gzip", "x-gzip"):
            named = q if named is None else max(named, q)
        elif coding == "*":
            star = q
    if named is not None:
        return named > 0
    return star is not None and star > 0


class NegotiatedGZip(GZipMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = list(scope.get("headers", []))
            sent = b", ".join(v for k, v in headers if k.lower() == b"accept-encoding")
            wanted = gzip_acceptable(sent.decode("latin-1"))
            if not wanted or (sent and b"gzip" not in sent.lower()):
                # Starlette's test is a substring search: say exactly what was negotiated.
                kept = [(k, v) for k, v in headers if k.lower() != b"accept-encoding"]
                if wanted:
                    kept.append((b"accept-encoding", b"gzip"))
                scope = {**scope, "headers": kept}
        await super().__call__(scope, receive, send)
