"""A real OAI-PMH 2.0 repository on 127.0.0.1: the tests' own protocol
(``tests.helpers.oai_protocol``) served over HTTP by the standard library's WSGI server.

The repository's records are real LIDO records, held in memory so a test can change, add and
delete them between harvests; every answer is made from a copy of them taken for it, with a
small page size so that lists come in several pages with resumption tokens.

Faults a correct server never produces (503 with Retry-After, a stalled answer, a truncated
page, wrong bytes, an XML bomb) are injected by a ``Fault`` hook in front of the real server,
so everything else about those answers stays real.
"""

from __future__ import annotations

import dataclasses
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from lxml import etree

from tests.helpers.oai_protocol import Protocol, Stored, utc_now

LIDO_NS = "http://www.lido-schema.org"
LIDO_SCHEMA = "http://www.lido-schema.org/schema/v1.1/lido-v1.1.xsd"

Environ = dict[str, Any]
Answer = tuple[str, list[tuple[str, str]], bytes | Iterable[bytes]]
Fault = Callable[[dict[str, str], bytes], Answer | None]
"""Called with the request's parameters and the real server's answer; returns a different
answer (status line, headers, body) to send instead, or None to send the real one. A body that
is an iterable of pieces is sent piece by piece as it is produced (a slow server); its answer
must then give its own Content-Length."""


StoredRecord = Stored
"""A record of the repository: its identifier, datestamp, LIDO bytes, deleted flag, sets."""


class Repository:
    """The records behind the test server, which a test changes between harvests."""

    def __init__(self, base_url: str = "http://127.0.0.1/oai") -> None:
        self.base_url = base_url
        self.records: dict[str, StoredRecord] = {}
        self.lock = threading.Lock()

    # -- test API --------------------------------------------------------------------------
    def put(
        self,
        identifier: str,
        lido: bytes,
        datestamp: datetime | None = None,
        sets: Iterable[str] = (),
    ) -> None:
        with self.lock:
            self.records[identifier] = StoredRecord(
                identifier, datestamp or utc_now(), lido, False, list(sets)
            )

    def delete(self, identifier: str, datestamp: datetime | None = None) -> None:
        with self.lock:
            stored = self.records[identifier]
            stored.deleted = True
            stored.datestamp = datestamp or utc_now()

    def snapshot(self) -> list[Stored]:
        """The records as they are now, copied, for one answer."""
        with self.lock:
            return [dataclasses.replace(r, sets=list(r.sets)) for r in self.records.values()]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@dataclass
class OaiServer:
    url: str
    repository: Repository
    requests: list[dict[str, str]]
    """Every request's parameters, in order (thread-safe enough for assertions)."""
    fault: Fault | None = None

    def verbs(self) -> list[str]:
        return [r.get("verb", "") for r in self.requests]


@contextmanager
def serve_oai(page_size: int = 3, repository: Repository | None = None) -> Iterator[OaiServer]:
    """A running OAI-PMH repository with ``page_size`` records per ListRecords page."""
    repository = repository or Repository()
    protocol = Protocol(repository.snapshot, repository.base_url, "lido", LIDO_SCHEMA, LIDO_NS)
    protocol.page_size = page_size
    log: list[dict[str, str]] = []
    state = OaiServer("", repository, log)

    def app(environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        params = {k: v[0] for k, v in query.items()}
        log.append(params)
        body = protocol.answer(query)
        answer: Answer = ("200 OK", [("Content-Type", "text/xml; charset=utf-8")], body)
        if state.fault is not None:
            answer = state.fault(params, body) or answer
        status, headers, payload = answer
        if not isinstance(payload, bytes):
            start_response(status, headers)
            return payload
        if not any(name.lower() == "content-length" for name, _ in headers):
            headers = [*headers, ("Content-Length", str(len(payload)))]
        start_response(status, headers)
        return [payload]

    httpd = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_Quiet)
    url = f"http://127.0.0.1:{httpd.server_address[1]}/oai"
    repository.base_url = protocol.base_url = url
    state.url = url
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def lido_records(root: etree._Element) -> list[etree._Element]:
    """The ``lido:lido`` records of a parsed LIDO file (a single record or a lidoWrap)."""
    if root.tag == f"{{{LIDO_NS}}}lido":
        return [root]
    return list(root.iter(f"{{{LIDO_NS}}}lido"))


def record_id(lido: etree._Element) -> str:
    found = lido.find(f"{{{LIDO_NS}}}lidoRecID")
    assert found is not None
    assert found.text
    return found.text.strip()
