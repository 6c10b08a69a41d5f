"""A real HTTP server on 127.0.0.1 for tests, serving routes the test defines."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[BaseHTTPRequestHandler], Response]


@dataclass
class Server:
    url: str
    hits: dict[str, int]


class Quiet(BaseHTTPRequestHandler):
    """A request handler that writes no access log: the tests' output stays readable."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` answering on 127.0.0.1, on a free port, for the ``with`` block; yields the
    server's URL ("http://127.0.0.1:PORT"), and stops the server after the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def serve(routes: dict[str, Route | Response]) -> Iterator[Server]:
    hits: dict[str, int] = {}

    class Handler(Quiet):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            hits[path] = hits.get(path, 0) + 1
            route = routes.get(path)
            if route is None:
                response = Response(404, b"not found")
            elif isinstance(route, Response):
                response = route
            else:
                response = route(self)
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)

        def do_POST(self) -> None:  # the same routes; the request's body is read and dropped
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.do_GET()

    with serving(Handler) as url:
        yield Server(url, hits)


@contextmanager
def trickle(
    body: bytes, content_type: str, *, pause: float = 0.1, length: bool = True
) -> Iterator[str]:
    """A server on 127.0.0.1 that sends ``body`` a byte at a time, ``pause`` seconds apart:
    never silent long enough for a timeout. ``length``: whether it says the body's length (if
    not, the body ends when the connection closes). Yields the URL of its one document."""

    class Handler(Quiet):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(pause)
            except OSError:
                pass  # the client hung up, as it should

        def do_POST(self) -> None:  # the same answer; the request's body is read and dropped
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.do_GET()

    with serving(Handler) as url:
        yield f"{url}/feed"
