"""A reverse proxy on 127.0.0.1, as an operator puts nginx in front of Museion under a path:
``location /museion/ { proxy_pass http://127.0.0.1:8000; }`` with the usual headers.

Only requests under ``prefix`` are passed on, with their path unchanged; anything else is the
proxy's own 404, as on a host where other sites live beside Museion. Each request passed on
carries ``X-Forwarded-For`` (a client address the test chooses), ``X-Forwarded-Proto`` and
``X-Forwarded-Host``, and the public ``Host``, as nginx sends them.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from tests.helpers.http import Quiet, serving

HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host"}
)


@dataclass
class Proxy:
    url: str
    """``http://127.0.0.1:PORT`` (no trailing slash): the public site is ``url + prefix``."""
    prefix: str
    outside: list[str] = field(default_factory=list)
    """Paths requested outside ``prefix``, which the proxy answered 404 itself."""


@contextmanager
def reverse_proxy(upstream: str, prefix: str, client: str = "203.0.113.7") -> Iterator[Proxy]:
    """A proxy passing ``prefix`` (``/museion/``) to ``upstream`` (``http://127.0.0.1:P``)."""
    target = urlsplit(upstream)
    state = Proxy("", prefix)

    class Handler(Quiet):
        protocol_version = "HTTP/1.1"

        def _pass(self) -> None:
            if not self.path.startswith(prefix):
                state.outside.append(self.path)
                self._send(404, [], b"not proxied: outside " + prefix.encode() + b"\n")
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            public = urlsplit(state.url)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers.update(
                {
                    "Host": public.netloc,
                    "X-Forwarded-For": client,
                    "X-Forwarded-Proto": public.scheme,
                    "X-Forwarded-Host": public.netloc,
                }
            )
            connection = http.client.HTTPConnection(target.netloc, timeout=120)
            try:
                connection.request(self.command, self.path, body=body, headers=headers)
                answer = connection.getresponse()
                data = answer.read()
                kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP]
                self._send(answer.status, kept, data, answer.reason)
            finally:
                connection.close()

        def _send(
            self, status: int, headers: list[tuple[str, str]], body: bytes, reason: str = ""
        ) -> None:
            self.send_response(status, reason or None)
            for name, value in headers:
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_HEAD = _pass

    handler: type[BaseHTTPRequestHandler] = Handler
    with serving(handler) as url:
        state.url = url
        yield state
