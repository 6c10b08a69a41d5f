"""A working store an earlier Museion wrote, converted to hold each triple once.

Until December 2026 every record graph held all the record said, shared statements included,
and the default graph a copy of every triple (``store.oxigraph``). The first writer to open
such a store converts it, source by source and batch by batch: each live record's graph is
brought down to what it says of its own nodes and what it shares is counted in the index
(``publish.shared``); once every record is done, the entity graphs are written from the
counts (not before: a record graph not yet converted still holds what they would leave out
as a record's own), and the default graph's copies go.

A conversion cut short is taken up where it stopped. It goes in three passes, each of
which can be done again: the index first counts what every record shares (read off its
graph, which still holds all it said: a record whose shared statements the index knows, not
NULL, is counted already); then each record graph is brought down to what the record says of
its own nodes (splitting a graph brought down already leaves it as it is); then the entity
graphs are written and the default graph's copies go. Bringing a graph down before the index
kept what it shared would lose that for good, were the conversion cut short between the two.
Until the default graph is emptied, queries of the working store read it, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from pyoxigraph import NamedNode, RdfFormat, serialize

from store import Store

from .index import RecordIndex
from .shared import Shared, Statement, pack, split

__all__ = ["convert"]

log = logging.getLogger(__name__)

BATCH = 500
"""Records converted in one write."""


def convert(store: Store, index: RecordIndex, base: str) -> int:
    """Convert ``store`` if it keeps the merged default graph; return the records counted."""
    if not store.merged_default:
        return 0
    shared = Shared(index.db, base)
    done = 0
    while batch := index.unconverted(BATCH):
        records: dict[str, dict[str, dict[int, Statement]]] = {}
        for source, local_id, graph, subject in batch:
            parts = split(_text(store, graph), graph, subject, base)
            records.setdefault(source, {})[local_id] = parts.shared
        for source, statements in records.items():
            change = shared.change(source, statements)
            index.set_statements(
                source, {i: pack(digests) for i, digests in change.records.items()}, change
            )
        done += len(batch)
        log.info("counted what %d records share, for the store's new layout", done)
    for live in _live(index):
        graphs: dict[NamedNode, bytes] = {}
        for graph, subject in live:
            text = _text(store, graph)
            own = split(text, graph, subject, base).own
            if own != text:
                graphs[NamedNode(graph)] = own
        if graphs:
            store.replace_serialized_graphs(graphs, exact=True)
    shared.write(store, shared.everything())
    store.drop_merged_default()
    store.flush()
    return done


def _text(store: Store, graph: str) -> bytes:
    return serialize(store.graph_quads(NamedNode(graph)), format=RdfFormat.N_QUADS) or b""


def _live(index: RecordIndex) -> Iterator[list[tuple[str, str]]]:
    """(graph, subject) of every live record, ``BATCH`` at a time."""
    after = ("", "")
    while rows := index.db.execute(
        "SELECT source, local_id, graph, subject FROM records WHERE deleted_at IS NULL "
        "AND (source, local_id) > (?, ?) ORDER BY source, local_id LIMIT ?",
        (*after, BATCH),
    ).fetchall():
        after = (str(rows[-1][0]), str(rows[-1][1]))
        yield [(str(graph), str(subject)) for _, _, graph, subject in rows]
