"""A SPARQL endpoint stand-in on 127.0.0.1 that records every request it receives.

It plays an internal service a hostile query might make the server call (any request it gets
is a request forgery), or an allow-listed remote endpoint (it answers every query with one
solution, ``?s = <http://recorder.example/answer>``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER_IRI = "http://recorder.example/answer"
ANSWER = (
    '{"head":{"vars":["s"]},"results":{"bindings":'
    f'[{{"s":{{"type":"uri","value":"{ANSWER_IRI}"}}}}]}}}}'
).encode()


@dataclass
class Recorded:
    method: str
    path: str
    body: bytes


@dataclass
class Recorder:
    url: str
    """``http://127.0.0.1:PORT``, no trailing slash."""
    requests: list[Recorded] = field(default_factory=list)


@contextmanager
def recording_server() -> Iterator[Recorder]:
    recorder = Recorder("")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                recorder.requests.append(Recorded(self.command, self.path, body))
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(ANSWER)))
            self.end_headers()
            self.wfile.write(ANSWER)

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
