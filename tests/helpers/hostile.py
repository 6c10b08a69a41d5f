"""Small SPARQL servers that misbehave, for the remote store's tests: each a real HTTP
server on 127.0.0.1 whose answers a test defines (``server``), and ``Forgetful``, a working
server over an in-memory Oxigraph store that loses some of the writes it acknowledges."""

from __future__ import annotations

import contextlib
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

import requests
from pyoxigraph import NamedNode, QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store

from tests.helpers.http import Quiet, serving

JSON = "application/sparql-results+json"

Behaviour = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Seen:
    """What a server was sent: (method, path, Authorization header, body)."""

    requests: list[tuple[str, str, str | None, bytes]] = field(default_factory=list)


@contextmanager
def server(behaviour: Behaviour) -> Iterator[tuple[str, Seen]]:
    seen = Seen()

    class Handler(Quiet):
        def answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.museion_body = body
            seen.requests.append((self.command, self.path, self.headers["Authorization"], body))
            behaviour(self)

        do_GET = do_POST = do_PUT = answer

    with serving(Handler) as url:
        yield url, seen


def answer(status: int, body: bytes = b"", **headers: str) -> Behaviour:
    def behaviour(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        with contextlib.suppress(OSError):  # a client that read enough hangs up
            handler.wfile.write(body)

    return behaviour


def seen_body(handler: BaseHTTPRequestHandler) -> bytes:
    body: bytes = getattr(handler, "museion_body", b"")
    return body


_DROPS_RECORD = re.compile(r"DROP SILENT GRAPH <[^>]*/record/")
_META = re.compile(r"GRAPH <[^>]*/meta>")
_BUILDS_VERSION = "INSERT { GRAPH <urn:museion:store:version:"


class Forgetful:
    """A small SPARQL server (Graph Store Protocol, Update, queries) over an in-memory
    Oxigraph store that loses every other write of the kinds it ``loses``, from the
    ``first`` of each kind on: ``"put"``, a PUT of a record graph; ``"drop"``, an update that
    drops record graphs (a withdrawal); ``"meta"``, an update of the metadata graph;
    ``"version"``, an update that copies statements into a version being built. A lost
    write is answered 204 and not kept (``"silent"``), or its connection dropped unanswered
    (``"dropped"``) — until ``mended``. The writes between are kept: a batch written again
    record by record would be partly kept too."""

    def __init__(self, how: str, first: int, loses: frozenset[str] = frozenset({"put"})) -> None:
        self.how = how
        self.first = first
        self.loses = loses
        self.mended = False
        self.kept = Store()
        self.seen: Counter[str] = Counter()
        self.lock = threading.Lock()

    def _lost(self, kind: str) -> bool:
        """Whether this write, of ``kind`` (None: of no kind it loses), is lost."""
        self.seen[kind] += 1
        n = self.seen[kind]
        return (
            kind in self.loses and n >= self.first and (n - self.first) % 2 == 0 and not self.mended
        )

    def _kind(self, path: str, graph: str, update: str) -> str:
        if path != "/update":
            return "put" if "/record/" in graph else "other"
        if update.startswith(_BUILDS_VERSION):
            return "version"
        if _DROPS_RECORD.search(update):
            return "drop"
        return "meta" if _META.search(update) else "other"

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        body = seen_body(handler)
        path, _, query = handler.path.partition("?")
        with self.lock:
            if path in ("/store", "/update"):  # a PUT or POST (which merges), an update
                graph = parse_qs(query)["graph"][0] if path == "/store" else ""
                if self._lost(self._kind(path, graph, body.decode())):
                    if self.how == "dropped":
                        handler.close_connection = True  # hung up, no answer
                        return
                    answer(204)(handler)
                    return
                if graph:
                    if handler.command == "PUT":
                        self.kept.remove_graph(NamedNode(graph))
                    self.kept.load(body, format=RdfFormat.N_TRIPLES, to_graph=NamedNode(graph))
                else:
                    self.kept.update(body.decode())
                answer(204)(handler)
                return
            form = parse_qs(body.decode())
            options: dict[str, object] = {}
            if "default-graph-uri" in form or "named-graph-uri" in form:
                options["default_graph"] = [NamedNode(g) for g in form.get("default-graph-uri", [])]
                options["named_graphs"] = [NamedNode(g) for g in form.get("named-graph-uri", [])]
            results = self.kept.query(form["query"][0], **options)  # type: ignore[arg-type]
            if isinstance(results, QueryBoolean):
                text = b'{"head": {}, "boolean": %s}' % (b"true" if results else b"false")
            else:
                assert isinstance(results, QuerySolutions)
                text = results.serialize(format=QueryResultsFormat.JSON) or b""
        answer(200, text, Content_Type=JSON)(handler)


class Refusing:
    """A proxy before a real SPARQL server that answers 500 to each write naming ``graph``
    (its PUT, or an update that names it, but for a version's build, which names graphs to
    copy on the server, not their statements) and, once a write names ``breaks``, to every
    write after (a server whose disk filled up midway); 400 to each write holding the text
    ``holding`` (a value the server's parser rejects); it counts the requests it is sent, as
    ``"put"``, ``"update"`` or ``"query"``, and those it refused (``"refused"``)."""

    def __init__(
        self, upstream: str, graph: str = "", *, breaks: str = "", holding: str = ""
    ) -> None:
        self.upstream = upstream
        self.graph = graph
        self.breaks = breaks
        self.holding = holding
        self.broken = False
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        body = seen_body(handler)
        path, _, query = handler.path.partition("?")
        kind = "put" if path == "/store" else "update" if path == "/update" else "query"
        # what the write names: the graph it PUTs (or POSTs to), the IRIs its update names
        named = f"<{parse_qs(query).get('graph', [''])[0]}> {body.decode(errors='replace')}"
        with self.lock:
            self.counts[kind] += 1
            if kind != "query" and self.breaks and f"<{self.breaks}>" in named:
                self.broken = True
            mine = bool(self.graph) and f"<{self.graph}>" in named
            mine = mine and not body.startswith(_BUILDS_VERSION.encode())
            rejected = kind != "query" and bool(self.holding) and self.holding in named
            refused = kind != "query" and (self.broken or mine)
            self.counts["refused"] += refused or rejected
        if rejected:
            said = b"SP029: SPARQL compiler, line 3: bad literal"
            answer(400, said, Content_Type="text/plain")(handler)
            return
        if refused:
            answer(500, b"SR325: Transaction aborted", Content_Type="text/plain")(handler)
            return
        passed_on(handler, self.upstream, body)


def passed_on(handler: BaseHTTPRequestHandler, upstream: str, body: bytes) -> None:
    """Send ``handler``'s request (its ``body`` read already) to ``upstream``, and its answer
    back: what the proxies here do with each request they do not refuse."""
    headers = {k: v for k in ("Content-Type", "Accept") if (v := handler.headers.get(k))}
    answered = requests.request(
        handler.command, upstream + handler.path, data=body, headers=headers, timeout=60
    )
    kept = {"Content_Type": answered.headers["Content-Type"]} if answered.content else {}
    answer(answered.status_code, answered.content, **kept)(handler)


class Unavailable:
    """A proxy before a real SPARQL server that answers 503, with a ``Retry-After``, to every
    ``every``-th write from the ``first`` on (every one: a server gone down for maintenance
    behind its proxy; every third one, say: a server shedding load) until ``mended``;
    queries pass. It counts the writes it was sent (``"write"``) and refused (``"refused"``)."""

    def __init__(self, upstream: str, first: int = 1, every: int = 1) -> None:
        self.upstream = upstream
        self.first = first
        self.every = every
        self.mended = False
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        body = seen_body(handler)
        write = handler.path.partition("?")[0] in ("/store", "/update")
        with self.lock:
            self.counts["write" if write else "query"] += 1
            n = self.counts["write"] - self.first
            refused = write and not self.mended and n >= 0 and n % self.every == 0
            self.counts["refused"] += refused
        if refused:
            page = b"<html><body><h1>503 Service Unavailable</h1>Back soon.</body></html>"
            answer(503, page, Content_Type="text/html", Retry_After="120")(handler)
            return
        passed_on(handler, self.upstream, body)
