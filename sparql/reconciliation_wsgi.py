"""A minimal WSGI app serving the reconciliation service, so any WSGI (or, through an adapter,
ASGI) server can mount it under its path — the endpoint mounts it at ``/reconcile``.

Every answer allows cross-origin requests (OpenRefine running on a partner's machine calls it
from the browser).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .reconciliation import ReconciliationService, handle

__all__ = ["make_wsgi_app"]

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
}
MAX_BODY = 10 * 1024 * 1024


def make_wsgi_app(
    service: ReconciliationService, prefix: str = "/reconcile"
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The service at ``prefix`` (requests elsewhere get 404)."""
    prefix = "/" + prefix.strip("/")

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        cors = [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
            ("Access-Control-Allow-Headers", "Content-Type"),
        ]
        if path != prefix and not path.startswith(prefix + "/"):
            status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found\n"
        elif method == "OPTIONS":
            status, headers, body = 200, {"Content-Length": "0"}, b""
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length > MAX_BODY:
                status, headers, body = 413, {"Content-Type": "text/plain"}, b"too large\n"
            else:
                data = environ["wsgi.input"].read(length) if length else b""
                status, headers, body = handle(
                    service,
                    method,
                    path[len(prefix) :],
                    environ.get("QUERY_STRING", ""),
                    data,
                    environ.get("CONTENT_TYPE", ""),
                )
        reason = _REASONS.get(status, "")
        start_response(
            f"{status} {reason}",
            [*headers.items(), ("Content-Length", str(len(body))), *cors],
        )
        return [b"" if method == "HEAD" else body]

    return app
