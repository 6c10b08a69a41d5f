"""A working store an earlier Museion wrote, converted to hold each triple once.

Until December 2026 every record graph held all the record said, shared statements included,
and the default graph a copy of every triple (``store.oxigraph``). The first writer to open
such a store converts it, source by source and batch by batch: each live record's graph is
brought down to what it says of its own nodes and what it shares is counted in the index
(``publish.shared``); once every record is done, the entity graphs are written from the
counts (not before: a record graph not yet converted still holds what they would leave out
as a record's own), and the default graph's copies go.

A conversion cut short is taken up where it stopped: a record whose shared statements the
index knows (not NULL) is converted already. Until the default graph is emptied, queries of
the working store read it, as before.
"""

from __future__ import annotations

import logging

from pyoxigraph import NamedNode, RdfFormat, serialize

from store import Store

from .index import RecordIndex
from .shared import Shared, Statement, pack, split

__all__ = ["convert"]

log = logging.getLogger(__name__)

BATCH = 500
"""Records converted in one write."""


def convert(store: Store, index: RecordIndex, base: str) -> int:
    """Convert ``store`` if it keeps the merged default graph; return the records converted."""
    if not store.merged_default:
        return 0
    shared = Shared(index.db, base)
    done = 0
    while batch := index.unconverted(BATCH):
        graphs: dict[NamedNode, bytes] = {}
        records: dict[str, dict[str, dict[int, Statement]]] = {}
        for source, local_id, graph, subject in batch:
            node = NamedNode(graph)
            text = serialize(store.graph_quads(node), format=RdfFormat.N_QUADS) or b""
            parts = split(text, graph, subject, base)
            graphs[node] = parts.own
            records.setdefault(source, {})[local_id] = parts.shared
        store.replace_serialized_graphs(graphs, exact=True)
        for source, statements in records.items():
            change = shared.change(source, statements)
            index.set_statements(
                source, {i: pack(digests) for i, digests in change.records.items()}, change
            )
        done += len(batch)
        log.info("converted %d records to the store's new layout", done)
    shared.write(store, shared.everything())
    store.drop_merged_default()
    store.flush()
    return done
