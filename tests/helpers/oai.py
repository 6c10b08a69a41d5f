"""A real OAI-PMH 2.0 repository on 127.0.0.1: pyoai's server (``oaipmh.server``) over HTTP.

The repository's records are real LIDO records, held in memory so a test can change, add and
delete them between harvests. pyoai implements the protocol (verbs, arguments, errors,
``from``/``until``, resumption tokens with a small page size); this module only supplies the
records and serves pyoai's answers with the standard library's WSGI server, in a thread.

Faults a correct server never produces (503 with Retry-After, a stalled answer, a truncated
page, wrong bytes, an XML bomb) are injected by a ``Fault`` hook in front of the real server,
so everything else about those answers stays real.
"""

from __future__ import annotations

import threading
import types
import urllib.parse
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from lxml import etree

with warnings.catch_warnings():
    # pyoai 2.5.0 (its newest release) imports the cgi module, deprecated since Python 3.11.
    warnings.simplefilter("ignore", DeprecationWarning)
    from oaipmh import common, error, metadata
    from oaipmh import server as oai_server

# pyoai decodes resumption tokens with cgi.parse_qs, which Python 3.8 moved to urllib.parse.
# This is the one compatibility shim the test server needs on Python 3.11.
oai_server.cgi = types.SimpleNamespace(parse_qs=urllib.parse.parse_qs)

LIDO_NS = "http://www.lido-schema.org"
LIDO_SCHEMA = "http://www.lido-schema.org/schema/v1.1/lido-v1.1.xsd"

Environ = dict[str, Any]
Answer = tuple[str, list[tuple[str, str]], bytes | Iterable[bytes]]
Fault = Callable[[dict[str, str], bytes], Answer | None]
"""Called with the request's parameters and the real server's answer; returns a different
answer (status line, headers, body) to send instead, or None to send the real one. A body that
is an iterable of pieces is sent piece by piece as it is produced (a slow server); its answer
must then give its own Content-Length."""


@dataclass
class StoredRecord:
    identifier: str
    datestamp: datetime
    lido: bytes
    deleted: bool = False
    sets: list[str] = field(default_factory=list)


class Repository:
    """The data behind pyoai's server (pyoai's ``IOAI`` interface)."""

    def __init__(self, base_url: str = "http://127.0.0.1/oai") -> None:
        self.base_url = base_url
        self.records: dict[str, StoredRecord] = {}
        self.granularity = "YYYY-MM-DDThh:mm:ssZ"
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
                identifier, datestamp or _now(), lido, False, list(sets)
            )

    def delete(self, identifier: str, datestamp: datetime | None = None) -> None:
        with self.lock:
            stored = self.records[identifier]
            stored.deleted = True
            stored.datestamp = datestamp or _now()

    # -- pyoai's interface -----------------------------------------------------------------
    def identify(self) -> common.Identify:
        earliest = min((r.datestamp for r in self.records.values()), default=_now())
        return common.Identify(
            repositoryName="Museion test repository",
            baseURL=self.base_url,
            protocolVersion="2.0",
            adminEmails=["test@example.org"],
            earliestDatestamp=earliest,
            deletedRecord="persistent",
            granularity=self.granularity,
            compression=["identity"],
        )

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:  # noqa: N802
        if identifier is not None and identifier not in self.records:
            raise error.IdDoesNotExistError(identifier)
        return [("lido", LIDO_SCHEMA, LIDO_NS)]

    def listSets(self, cursor: int = 0, batch_size: int = 0) -> list[tuple[str, str, None]]:  # noqa: N802, ARG002
        specs = sorted({s for r in self.records.values() for s in r.sets})
        if not specs:
            raise error.NoSetHierarchyError("this repository has no sets")
        return [(s, s.title(), None) for s in specs]

    def _select(
        self,
        metadataPrefix: str,  # noqa: N803
        set: str | None = None,
        from_: datetime | None = None,
        until: datetime | None = None,
    ) -> list[StoredRecord]:
        if metadataPrefix != "lido":
            raise error.CannotDisseminateFormatError(metadataPrefix)
        with self.lock:
            chosen = sorted(self.records.values(), key=lambda r: r.identifier)
        return [
            r
            for r in chosen
            if (set is None or set in r.sets)
            and (from_ is None or r.datestamp >= from_)
            and (until is None or r.datestamp <= until)
        ]

    def _entry(self, stored: StoredRecord) -> tuple[Any, Any, None]:
        header = common.Header(
            None, stored.identifier, stored.datestamp, stored.sets, stored.deleted
        )
        if stored.deleted:
            return header, None, None
        return header, _Metadata(stored.lido), None

    def listRecords(self, **kw: Any) -> list[tuple[Any, Any, None]]:  # noqa: N802
        return [self._entry(r) for r in self._select(**kw)]

    def listIdentifiers(self, **kw: Any) -> list[Any]:  # noqa: N802
        return [self._entry(r)[0] for r in self._select(**kw)]

    def getRecord(self, metadataPrefix: str, identifier: str) -> tuple[Any, Any, None]:  # noqa: N802, N803
        if metadataPrefix != "lido":
            raise error.CannotDisseminateFormatError(metadataPrefix)
        stored = self.records.get(identifier)
        if stored is None:
            raise error.IdDoesNotExistError(identifier)
        return self._entry(stored)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class _Metadata:
    """A record's metadata for pyoai, parsed only when written: pyoai lists every matching
    record for each page and then keeps one page of them."""

    def __init__(self, lido: bytes) -> None:
        self.lido = lido

    def element(self) -> etree._Element:
        return etree.fromstring(self.lido)


def _write_lido(element: etree._Element, meta: _Metadata) -> None:
    element.append(meta.element())


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
    """A running pyoai repository with ``page_size`` records per ListRecords page."""
    repository = repository or Repository()
    registry = metadata.MetadataRegistry()
    registry.registerWriter("lido", _write_lido)
    oai = oai_server.Server(
        repository,
        registry,
        nsmap={"lido": LIDO_NS},
        resumption_batch_size=page_size,
    )
    log: list[dict[str, str]] = []
    state = OaiServer("", repository, log)

    def app(environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        params = {
            k: v[0] for k, v in urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).items()
        }
        log.append(params)
        body: bytes = oai.handleRequest(dict(params))
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
    repository.base_url = url
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
