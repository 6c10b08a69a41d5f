"""The records of a batch the store refused, found by writing the batch in halves.

A store may refuse one record of a batch — a value too long for the embedded store's parser,
a statement a remote server's parser rejects (a 400 or a 500 to the write that holds it) —
and that record must not fail the run, nor every run after it (recovery applies it again).
The batch is written again in halves, and each half refused in halves again, down to the
records the store refuses alone, which are quarantined: one such record among 500 costs some
2·log2(500) = 18 writes, where writing each record alone cost 500 (to a remote server, each
write is several requests).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pyoxigraph import NamedNode

from mappings import Minter
from museion_core import messages
from museion_core.errors import StoreFaultError
from store import MAX_STATEMENT_BYTES, Store, StoreError, oversized_statement

from .index import IndexedRecord
from .provenance import record_meta_quads
from .runs import StagedRecord

__all__ = ["write", "write_around_refused"]


def write(
    store: Store,
    meta: NamedNode,
    minter: Minter,
    batch: Sequence[StagedRecord],
    rows: Sequence[IndexedRecord],
    *,
    exact: bool,
    own: Mapping[str, bytes],
) -> None:
    """Write records' graphs (``own``: by local id, what each says of its own nodes, see
    ``publish.shared``) and their metadata in one store write. ``exact``: each graph
    dropped and loaded whole, not brought to its new text by the difference (see
    ``Store.replace_serialized_graphs``). A statement too long for the store is refused
    (``StoreError``) with its record wherever it would go: the store checks the graphs it is
    given, and what a record shares goes to an entity graph after, unchecked."""
    for r in batch:
        if (size := oversized_statement(r.quads)) is not None:
            raise StoreError(
                f"{r.graph} holds a statement of {size} bytes, more than the store takes "
                f"({MAX_STATEMENT_BYTES})"
            )
    graphs = {NamedNode(r.graph): own[r.local_id] for r in batch}
    # The graph and the entity: a record that comes back loses its tombstone.
    subjects = [*graphs, *(NamedNode(r.subject) for r in batch)]
    metadata = [q for row in rows for q in record_meta_quads(meta, minter, row)]
    store.replace_serialized_graphs(graphs, meta, subjects, metadata, exact=exact)


def write_around_refused(
    store: Store,
    meta: NamedNode,
    minter: Minter,
    records: Sequence[tuple[StagedRecord, IndexedRecord]],
    *,
    error: StoreError,
    refused: list[tuple[StagedRecord, str]],
    own: Mapping[str, bytes],
) -> list[StagedRecord]:
    """After the store refused the write of ``records`` (with ``error``), write them in
    halves, each whole (the refused write may have done part of its work); return the
    records written, and add those the store refuses alone to ``refused`` (for the run's
    quarantine), with the store's reason.

    No record is blamed for the store's own failure: a store that refuses a small write of
    its own too (``Store.probe_write``) is failing, and a ``StoreFaultError`` fails the run in
    one line, after one request more, not after trying every record. Nor is a record blamed
    when no other of its batch could be written, unless it is plainly its own fault (a
    statement too long for the store): the store's error then goes up."""
    try:
        store.probe_write()
    except StoreError as exc:
        raise StoreFaultError(
            f"{error.cause}; it refused a small write of Museion's own too: the store is "
            "failing, not a record",
            http_status=error.http_status,
        ) from exc
    written: list[StagedRecord] = []
    doubtful: list[tuple[StagedRecord, str]] = []
    errors: list[StoreError] = []

    def halves(part: Sequence[tuple[StagedRecord, IndexedRecord]]) -> None:
        middle = len(part) // 2
        for half in (part[:middle], part[middle:]):
            if not half:
                continue
            try:
                batch = [record for record, _ in half]
                rows = [row for _, row in half]
                write(store, meta, minter, batch, rows, exact=True, own=own)
            except StoreFaultError:
                raise  # the store's fault, not a record's (see publish.apply)
            except StoreError as exc:
                if len(half) > 1:
                    halves(half)
                    continue
                record = half[0][0]
                reason = messages.STORE_REFUSED(detail=exc.cause)
                if oversized_statement(record.quads) is not None:
                    refused.append((record, reason))
                else:
                    doubtful.append((record, reason))
                    errors.append(exc)
                continue
            written.extend(batch)

    halves(records)
    if errors and not written:
        raise errors[0]
    refused += doubtful
    return written
