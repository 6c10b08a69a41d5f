"""The first sync of a working store to a server (``RemoteStore._sync``: a data directory
published embedded before, or mirrored to another server) against a real ``oxigraph serve``
behind a proxy that records the size of each write it passes on: the graphs are read one by
one and sent in batches of a bounded size, each request of a bounded size, and the server
ends up with every graph."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from store import RemoteStore, Store, remote
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
REQUEST = 16 * 1024
"""``PUT_BYTES`` here: a graph in four pieces or so."""


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph") / "data") as running:
        yield running


@contextmanager
def recording(upstream: str) -> Iterator[tuple[str, list[int]]]:
    """A proxy that passes every request on and keeps the size of each write's body (only
    its size: it runs in the test's process, whose memory the test measures)."""
    writes: list[int] = []
    lock = threading.Lock()

    class Handler(Quiet):
        def answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.partition("?")[0] in ("/store", "/update"):
                with lock:
                    writes.append(len(body))
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
    monkeypatch.setattr(remote, "PUT_BYTES", REQUEST)
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
