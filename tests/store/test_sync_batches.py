"""``store.streamed.send_all`` summed every held graph's length again for each
graph read (quadratic in the graphs of a batch: some 1 s of CPU per 32 MB batch of 5 KB
record graphs, on the order of minutes for a million records); it keeps a running total."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from pyoxigraph import NamedNode, Quad

from store import streamed

LENS = [0]


class _Counted(bytes):
    def __len__(self) -> int:
        LENS[0] += 1
        return super().__len__()


def test_batching_reads_each_graph_length_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def read(quads: Iterable[Quad], size: int, limit: int) -> bytes:
        return _Counted(b"x" * 100)

    monkeypatch.setattr(streamed, "read", read)
    graphs = [NamedNode(f"http://example.org/g{n}") for n in range(2_000)]
    batches: list[int] = []
    streamed.send_all(
        graphs,
        lambda graph: [],
        lambda held: batches.append(len(held)),
        lambda graph, cut: None,
        batch=1_000_000,
        size=20_000,
        limit=1_000_000,
    )
    assert sum(batches) == len(graphs)
    assert LENS[0] <= 4 * len(graphs), LENS[0]
