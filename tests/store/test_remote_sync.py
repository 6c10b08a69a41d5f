"""The first sync of a working store to a server (``RemoteStore._sync``: a data directory
published embedded before, or mirrored to another server) against a real ``oxigraph serve``
behind a proxy that records the size of each write it passes on: the graphs are read one by
one and sent in batches of a bounded size, each request of a bounded size, and the server
ends up with every graph."""

from __future__ import annotations

import gc
import threading
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from museion_core.errors import StoreFaultError
from store import RemoteStore, Store, mirrored, remote
from store.protocol import SparqlClient
from tests.helpers.hostile import passed_on
from tests.helpers.http import Quiet, serving
from tests.helpers.sparql_servers import SparqlServer, oxigraph_serve

BASE = "http://localhost:8000/sync/"
GRAPHS = 120
STATEMENTS = 400
"""Statements a graph: some 50 KB of N-Triples each, some 6 MB in all."""
BATCH = 256 * 1024
"""``SYNC_BYTES`` here: five graphs a batch."""
REQUEST = 128 * 1024
"""``PUT_BYTES`` here: a graph in one request, sent in a batch with others (a graph larger
than one request is sent alone, in pieces as it is read: the test after this one)."""


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph") / "data") as running:
        yield running


@contextmanager
def recording(upstream: str, fail_at: int = 0) -> Iterator[tuple[str, list[int]]]:
    """A proxy that passes every request on and keeps the size of each write's body (only
    its size: it runs in the test's process, whose memory the test measures); ``fail_at``:
    the write (counted from 1) whose connection it drops unanswered, and each after it."""
    writes: list[int] = []
    lock = threading.Lock()

    class Handler(Quiet):
        def answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.partition("?")[0] in ("/store", "/update"):
                with lock:
                    writes.append(len(body))
                    if fail_at and len(writes) >= fail_at:
                        self.close_connection = True
                        return
            passed_on(self, upstream, body)

        do_GET = do_POST = do_PUT = answer

    with serving(Handler) as url:
        yield url, writes


def working_store(path: Path, base: str) -> int:
    """An embedded working store of ``GRAPHS`` graphs, one with blank nodes; its size."""
    store = Store(path)
    for n in range(GRAPHS):
        graph = f"<{base}record/{n}>"
        lines = [
            f'<{base}object/{n}/{i % 9}> <{base}p{i % 5}> "value {i} of record {n}, '
            f'{"told at some length " * 3}" {graph} .\n'
            for i in range(STATEMENTS)
        ]
        if n == 7:
            lines += [f'_:b{i} <{base}note> "note {i}" {graph} .\n' for i in range(30)]
            lines += [f"<{base}object/7/0> <{base}noted> _:b{i} {graph} .\n" for i in range(30)]
        store.replace_serialized_graphs({NamedNode(f"{base}record/{n}"): "".join(lines).encode()})
    size = len(store)
    store.close()
    return size


@pytest.mark.parametrize("graph_store", [True, False], ids=["gsp", "update"])
def test_the_first_sync_holds_and_sends_a_bounded_size_at_a_time(
    tmp_path: Path, upstream: SparqlServer, monkeypatch: pytest.MonkeyPatch, graph_store: bool
) -> None:
    """The first sync built the text of 500 graphs at once before sending them: at a million
    records, the metadata graph and many record graphs, gigabytes at once. The graphs are now
    read one by one and sent in batches of ``SYNC_BYTES`` (here a 24th of the store: the
    memory the sync holds stays near a batch, not the whole store's text), each request at
    most ``PUT_BYTES`` of statements; the server holds every graph, blank nodes linked."""
    monkeypatch.setattr(remote, "SYNC_BYTES", BATCH)
    monkeypatch.setattr(mirrored, "PUT_BYTES", REQUEST)
    base = f"{BASE}{'gsp' if graph_store else 'update'}/"
    expected = working_store(tmp_path / "working", base)
    with recording(upstream.url) as (url, writes):
        endpoint = SparqlServer(url).endpoint(graph_store=graph_store, graphs=base)
        store = RemoteStore(tmp_path / "working", endpoint)
        assert store.mirror_pending()
        tracemalloc.start()
        try:
            store._sync()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        store.close()
    text = GRAPHS * STATEMENTS * 100  # bytes of N-Triples, about
    assert peak < text / 4, f"{peak:,} bytes held at most, of some {text:,}"
    wrapping = 2_000  # an update's GRAPH clauses around its statements
    assert max(writes) <= REQUEST + wrapping, max(writes)
    client = SparqlClient(upstream.endpoint())
    [row] = client.select(
        "SELECT (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER STRSTARTS(STR(?g), "{base}") }}'
    )
    assert (row["graphs"], row["n"]) == (str(GRAPHS), str(expected))
    [linked] = client.select(
        f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ GRAPH <{base}record/7> {{ "
        f"<{base}object/7/0> <{base}noted> ?b . ?b <{base}note> ?t }} }}"
    )
    assert linked["n"] == "30"
    client.close()


def large_store(path: Path, base: str, statements: int, more: bytes = b"") -> str:
    """An embedded working store of one graph of ``statements`` statements, a few naming
    blank nodes, and ``more`` (N-Quads of that graph); its IRI."""
    graph = f"{base}meta"
    lines = [
        f'<{base}record/{i}> <{base}checksum> "{i:08d}{"0123456789abcdef" * 4}" <{graph}> .\n'
        for i in range(statements)
    ]
    lines += [f'_:b{i} <{base}note> "note {i}" <{graph}> .\n' for i in range(30)]
    lines += [f"<{base}record/0> <{base}noted> _:b{i} <{graph}> .\n" for i in range(30)]
    store = Store(path)
    store.replace_serialized_graphs({NamedNode(graph): "".join(lines).encode() + more})
    store.close()
    return graph


LARGE = 60_000
"""Statements of the one large graph: some 6 MB of N-Triples, as the metadata graph of a
million records is some 2 GB."""
PIECE = 64 * 1024
"""``PUT_BYTES`` here: the large graph in some 90 pieces."""


@pytest.mark.parametrize("graph_store", [True, False], ids=["gsp", "update"])
def test_a_graph_larger_than_a_request_is_sent_as_it_is_read(
    tmp_path: Path, upstream: SparqlServer, monkeypatch: pytest.MonkeyPatch, graph_store: bool
) -> None:
    """The first sync read each graph's whole text before cutting it into requests: the
    metadata graph of a million records, some 2 GB held at once (and as much again in its
    lines). A graph larger than one request is now cut as it is read from the working
    store, one piece held at a time, its blank nodes' statements together in its last
    piece: each request carries at most ``PUT_BYTES``, the sync holds a fraction of the
    graph, and the server holds the graph whole, blank nodes linked."""
    monkeypatch.setattr(mirrored, "PUT_BYTES", PIECE)
    base = f"{BASE}large/{'gsp' if graph_store else 'update'}/"
    graph = large_store(tmp_path / "working", base, LARGE)
    with recording(upstream.url) as (url, writes):
        endpoint = SparqlServer(url).endpoint(graph_store=graph_store, graphs=base)
        store = RemoteStore(tmp_path / "working", endpoint)
        tracemalloc.start()
        try:
            store._sync()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        store.close()
    sent = sum(writes)  # the graph's N-Triples (and, by updates, their GRAPH clauses)
    assert peak < sent / 4, f"{peak:,} bytes held at most, of {sent:,}"
    assert len(writes) > sent // PIECE, len(writes)
    assert max(writes) <= PIECE + 2_000, max(writes)
    client = SparqlClient(upstream.endpoint())
    [row] = client.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert row["n"] == str(LARGE + 60)
    [linked] = client.select(
        f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ GRAPH <{graph}> {{ "
        f"<{base}record/0> <{base}noted> ?b . ?b <{base}note> ?t }} }}"
    )
    assert linked["n"] == "30"
    assert not (tmp_path / "working.unsure").exists()
    client.close()


def test_a_graph_sent_in_part_is_sent_again(
    tmp_path: Path, upstream: SparqlServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A graph sent in pieces is on the server in part from its first piece to its last: a
    sync that fails in between (here the connection dropped at its fifth request) leaves it
    noted in ``<working>.unsure``, and the server is sent it whole by the next publish."""
    monkeypatch.setattr(mirrored, "PUT_BYTES", PIECE)
    base = f"{BASE}halfway/"
    graph = large_store(tmp_path / "working", base, LARGE)
    with recording(upstream.url, fail_at=5) as (url, _):
        endpoint = SparqlServer(url).endpoint(graphs=base)
        store = RemoteStore(tmp_path / "working", endpoint)
        gc.collect()
        gc.disable()  # what the error leaves alive by reference, not what a collection frees
        try:
            with pytest.raises(StoreFaultError):
                store._sync()
            # pyoxigraph's readers may be dropped only on the thread that made them: one
            # left in the error's frames is dropped by whichever thread collects them next
            left = [o for o in gc.get_objects() if type(o).__name__ == "QuadIter"]
        finally:
            gc.enable()
        assert left == []
        store.close()
    gc.collect()  # the error's frames hold the store, and with it its lock
    unsure = tmp_path / "working.unsure"
    assert graph in unsure.read_text(encoding="utf-8")
    store = RemoteStore(tmp_path / "working", upstream.endpoint(graphs=base))
    assert store.mirror_pending()
    store._mend()
    store.close()
    assert not unsure.exists()
    client = SparqlClient(upstream.endpoint())
    [row] = client.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert row["n"] == str(LARGE + 60)
    client.close()
