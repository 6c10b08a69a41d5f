"""A first sync that fails left the working store's graph-name reader (pyoxigraph
``GraphNameIter``, unsendable like ``QuadIter``) in a reference cycle with the error's frames:
the garbage collector then drops it from whichever thread collects next, and pyoxigraph
refuses that ("GraphNameIter is unsendable, but is being dropped on another thread").
The graph's ``QuadIter`` was closed already (``Pieces.close``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from museion_core.errors import StoreFaultError
from store import RemoteStore, mirrored
from tests.helpers.sparql_servers import SparqlServer, oxigraph_serve
from tests.store.test_remote_sync import BASE, LARGE, PIECE, large_store, recording


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph") / "data") as running:
        yield running


def _readers() -> list[str]:
    return [
        type(o).__name__
        for o in gc.get_objects()
        if type(o).__module__ == "pyoxigraph" and type(o).__name__.endswith("Iter")
    ]


def test_a_failed_sync_leaves_no_pyoxigraph_reader_in_a_cycle(
    tmp_path: Path, upstream: SparqlServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mirrored, "PUT_BYTES", PIECE)
    base = f"{BASE}failed-sync/"
    large_store(tmp_path / "working", base, LARGE)
    with recording(upstream.url, fail_at=5) as (url, _):
        store = RemoteStore(tmp_path / "working", SparqlServer(url).endpoint(graphs=base))
        gc.collect()
        gc.disable()
        try:
            failed = False
            try:
                store._sync()
            except StoreFaultError:
                failed = True  # the error is let go here: what stays alive is in a cycle
            left = _readers()
        finally:
            gc.enable()
        store.close()
    gc.collect()
    assert failed
    assert left == []
