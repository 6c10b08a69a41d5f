"""The records of a batch the store refused, found by writing the batch in halves.

A store may refuse one record of a batch — a value too long for the embedded store's parser,
a statement a remote server's parser rejects (a 400 or a 500 to the write that holds it) —
and that record must not fail the run, nor every run after it (recovery applies it again).
The batch is written again in halves, and each half refused in halves again, down to the
records the store refuses alone, which are quarantined: one such record among 500 costs some
2·log2(500) = 18 writes, where writing each record alone cost 500 (to a remote server, each
write is several requests).

What records share goes to the entity graphs after their graphs are written
(``publish.shared``), and a remote server may refuse that write too (a 400 to the update
holding a statement its parser rejects): the records are then shared and indexed in halves
the same way (``share_around_refused``), and one refused alone is quarantined.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from pyoxigraph import NamedNode, Quad

from mappings import Minter
from museion_core import messages
from museion_core.errors import StoreFaultError
from store import MAX_STATEMENT_BYTES, Store, StoreError, oversized_statement

from .index import IndexedRecord
from .provenance import record_meta_quads, tombstone_quads
from .runs import StagedRecord
from .shared import Change, Shared

__all__ = ["share_around_refused", "take_back", "write", "write_around_refused"]


def write(
    store: Store,
    meta: NamedNode,
    minter: Minter,
    batch: Sequence[StagedRecord],
    rows: Sequence[IndexedRecord],
    *,
    exact: bool,
    own: Mapping[str, bytes],
) -> dict[str, bytes]:
    """Write records' graphs (``own``: by local id, what each says of its own nodes, see
    ``publish.shared``) and their metadata in one store write; return what each graph the
    store held held before (by IRI, N-Quads: what ``take_back`` puts back). ``exact``: each
    graph dropped and loaded whole, not brought to its new text by the difference (see
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
    before = store.replace_serialized_graphs(graphs, meta, subjects, metadata, exact=exact)
    return {graph.value: nquads for graph, nquads in before.items()}


def write_around_refused(
    store: Store,
    meta: NamedNode,
    minter: Minter,
    records: Sequence[tuple[StagedRecord, IndexedRecord]],
    *,
    error: StoreError,
    refused: list[tuple[StagedRecord, str]],
    own: Mapping[str, bytes],
    before: dict[str, bytes],
) -> list[StagedRecord]:
    """After the store refused the write of ``records`` (with ``error``), write them in
    halves, each whole (the refused write may have done part of its work); return the
    records written, and add those the store refuses alone to ``refused`` (for the run's
    quarantine), with the store's reason; ``before`` gets what the graphs written held
    before (``write``).

    No record is blamed for the store's own failure: a store that refuses a small write of
    its own too (``Store.probe_write``) is failing, and a ``StoreFaultError`` fails the run in
    one line, after one request more, not after trying every record. Nor is a record blamed
    when no other of its batch could be written, unless it is plainly its own fault (a
    statement too long for the store): the store's error then goes up."""
    _probe(store, error)
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
                before.update(write(store, meta, minter, batch, rows, exact=True, own=own))
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


def _probe(store: Store, error: StoreError) -> None:
    """Fail the run (``StoreFaultError``) if the store that refused a write with ``error``
    refuses a small write of Museion's own too: the store is failing, not a record."""
    try:
        store.probe_write()
    except StoreError as exc:
        raise StoreFaultError(
            f"{error.cause}; it refused a small write of Museion's own too: the store is "
            "failing, not a record",
            http_status=error.http_status,
        ) from exc


def share_around_refused(
    store: Store,
    shared: Shared,
    records: Sequence[StagedRecord],
    *,
    error: StoreError,
    failed: Change,
    change_of: Callable[[Sequence[StagedRecord]], Change],
    indexed: Callable[[Sequence[StagedRecord], Change], None],
    unwritten: Callable[[Sequence[StagedRecord]], None],
    refused: list[tuple[StagedRecord, str]],
) -> None:
    """After the store refused (with ``error``) the write of ``failed``, what ``records``
    share (their graphs written), write it in halves: each half's change (``change_of``),
    written, then indexed (``indexed``) before the next half's is counted. A record whose
    statements the store refuses alone is added to ``refused`` with the store's reason, and
    handed to ``unwritten`` (its graph is in the store, its row not in the index).

    A refused write may have done part of its work (the subjects' statements taken out, or
    put in the working store and not on the server): the subjects of every refused write are
    written again at the end, as the index then counts them. The store's own failure blames
    no record, as for a record graph (``write_around_refused``), but a 400 (the server's
    parser rejecting what the record brought) is the record's fault even when no other
    record of the batch could be written: a run of one changed record failed, and every run
    after it."""
    _probe(store, error)
    touched: defaultdict[str, set[str]] = defaultdict(set)
    alone: list[tuple[StagedRecord, str]] = []
    errors: list[StoreError] = []
    written = 0

    def note(change: Change) -> None:
        for graph, subjects in change.subjects.items():
            touched[graph] |= subjects

    def halves(part: Sequence[StagedRecord]) -> None:
        nonlocal written
        middle = len(part) // 2
        for half in (part[:middle], part[middle:]):
            if not half:
                continue
            change = change_of(half)
            try:
                shared.write(store, change)
            except StoreFaultError:
                raise  # the store's fault, not a record's
            except StoreError as exc:
                note(change)
                if len(half) > 1:
                    halves(half)
                    continue
                alone.append((half[0], messages.STORE_REFUSED(detail=exc.cause)))
                if exc.http_status != 400:
                    errors.append(exc)
                continue
            indexed(half, change)
            written += len(half)

    note(failed)
    halves(records)
    if errors and not written:
        raise errors[0]
    unwritten([record for record, _ in alone])
    shared.write(store, Change(subjects=touched))
    refused += alone


def take_back(
    store: Store,
    meta: NamedNode,
    minter: Minter,
    records: Sequence[tuple[StagedRecord, IndexedRecord | None]],
    before: Mapping[str, bytes],
) -> None:
    """Take back the writes of records (with their index rows) whose graphs went into the
    store but whose shared statements the store refused, so that the store holds each as
    the index still says it: a new record refused leaves no trace (its graph goes, its
    metadata too); a withdrawn one that came back, its tombstone; a changed one gets back its
    graph as it was (``before``: by graph IRI, what the write replaced, ``write``) and its
    metadata, and keeps what it shared before (the caller writes the entity graphs again as
    the index counts them). The store and a remote server then hold the version they held,
    not the refused one's own statements beside the metadata and shares of the one before."""
    live = {r.graph for r, row in records if row is not None and row.live}
    back = {NamedNode(g): before[g] for g in sorted(live) if g in before}
    store.remove_graphs([NamedNode(r.graph) for r, _ in records if NamedNode(r.graph) not in back])
    quads = [q for _, row in records if row is not None for q in _metadata(meta, minter, row)]
    # The graph and the entity, as ``write`` names them: a withdrawn record that came back
    # had its tombstone taken out, and gets it back (its entity answers 410 Gone again).
    named = [r.graph for r, _ in records] + [r.subject for r, _ in records]
    named += [row.subject for _, row in records if row is not None]
    subjects = [NamedNode(s) for s in dict.fromkeys(named)]
    store.replace_serialized_graphs(back, meta, subjects, quads, exact=True)


def _metadata(meta: NamedNode, minter: Minter, row: IndexedRecord) -> list[Quad]:
    """What the metadata graph says of a record as its index row does: a live record's
    provenance, a withdrawn one's tombstone (as the run that withdrew it wrote it)."""
    if row.deleted_at is None:
        return record_meta_quads(meta, minter, row)
    return tombstone_quads(meta, minter, row, row.deleted_at, row.deleted_run or row.last_run)
