"""Phase 2 of a run: write a staged run into the working store and the record index.

Every step is idempotent — replacing a graph with the same quads, removing a graph that is
gone, upserting the same row, writing an entity graph's subjects from the counts the index
will hold — so a run interrupted while applying is repaired by applying it again from the
start (``pipeline.recover``). The store is written before the index (several staged batches
in one write if ``PublishSettings.write_bytes`` asks it), so the index never claims a record
the store does not hold. A record graph gets what the record says of its own nodes; what it
shares with other records goes to an entity graph, once (``publish.shared``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from pyoxigraph import NamedNode, Quad

from mappings import Minter
from museion_core import messages
from museion_core.errors import StoreFaultError
from store import Store, StoreError, oversized_statement

from . import departures
from .departures import CHANGED, WITHDRAWN
from .failpoints import failpoint
from .index import IndexedRecord, IndexEntry, RecordIndex, RunRow
from .provenance import (
    after_applying,
    dataset_state_quads,
    meta_graph,
    record_meta_quads,
    run_iri,
    run_quads,
    standing_graphs,
    tombstone_quads,
)
from .quarantine import replace_quarantine
from .refusals import share_around_refused, take_back, write, write_around_refused
from .runs import Change, Run, RunStatus, StagedRecord
from .settings import PublishSettings, SourceSettings
from .shared import Change as SharedChange
from .shared import Shared, Split, Statement, pack, split

__all__ = ["apply_run", "now", "run_row"]

log = logging.getLogger(__name__)


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def run_row(source: str, run: Run, status: RunStatus) -> RunRow:
    """The index's row for ``run`` of ``source``, with ``status``."""
    info = run.info()
    return RunRow(
        run.run_id,
        source,
        info["started"],
        info.get("ended"),
        status,
        info["mapping"],
        info.get("counts", {}),
        info.get("reason"),
    )


@dataclass
class _Applying:
    """One run being applied: where it goes, and what the steps found out along the way."""

    settings: PublishSettings
    source: SourceSettings
    run: Run
    store: Store
    index: RecordIndex
    minter: Minter
    meta: NamedNode
    when: str
    """When the run ended: the time every row and tombstone it writes carries."""
    mapping: str
    shared: Shared
    """The statements records share, counted in the index (``publish.shared``)."""
    interrupted: bool = False
    """Whether this run was being applied when a harvest stopped: its writes are then made
    whole (``exact``), since a write cut short may have left what a difference cannot see."""
    entities_changed: bool = False
    """Whether the persons, groups, places or terms the source names changed: if not, the
    next publish need not reconcile again."""


def apply_run(
    settings: PublishSettings, source: SourceSettings, run: Run, store: Store, index: RecordIndex
) -> None:
    """Write ``run`` into the working store and the index (again, if it was interrupted)."""
    interrupted = run.info().get("status") == RunStatus.APPLYING
    run.set_info(status=RunStatus.APPLYING)
    index.record_run(run_row(source.name, run, RunStatus.APPLYING))
    info = run.info()
    minter = Minter(settings.base_iri, source.name)
    meta = meta_graph(settings.base_iri)
    job = _Applying(
        settings,
        source,
        run,
        store,
        index,
        minter,
        meta,
        info["ended"],
        info["mapping"],
        Shared(index.db, settings.base_iri),
        interrupted=interrupted,
    )
    # Applied again after an interruption, the batches written before it already agree with the
    # index, so comparing with the index cannot tell whether they changed what the source says
    # of persons, groups, places or terms: assume they did, so the publish reconciles.
    job.entities_changed = interrupted
    store.ensure_graphs(standing_graphs(settings.base_iri, minter, source))
    refused: list[tuple[StagedRecord, str]] = []
    streamed = _stream_new(job) if _streams(job) else 0
    staged = run.staged(settings.batch_size)
    joined = _joined(_unwritten(job, staged) if streamed else staged, settings.write_bytes)
    for batches, parts in _parted(joined, settings.base_iri):
        _apply_batches(job, batches, parts, refused)
    for record, reason in refused:  # after the staged cursor is done with
        run.quarantine_staged(record, reason)
    # A record superseded by one the store refused stays: nothing would replace it.
    kept = {record.local_id for record, _ in refused}
    _remove(job, [(i, why) for i, why in run.removed() if not _superseded_by(why, kept)])
    # A record the store refused may have lost its graph while its index row stays as it was.
    run.set_info(
        entities_changed=job.entities_changed, store_refused=len(refused), streamed=streamed
    )
    replace_quarantine(store, meta, minter, run, index)
    row = run_row(source.name, run, RunStatus.APPLIED)
    # The store is published right after (or by recovery), so the RDF says so already.
    published = dataclasses.replace(row, status=RunStatus.PUBLISHED)
    store.replace_subjects(
        meta,
        [run_iri(minter, run.run_id), minter.dataset()],
        run_quads(meta, minter, published) + dataset_state_quads(meta, minter, published),
    )
    store.flush()
    run.set_info(status=RunStatus.APPLIED)
    index.record_run(row)


def _streams(job: _Applying) -> bool:
    """Whether the run's new records go into the store by one bulk load (``_stream_new``)."""
    threshold = job.settings.stream_records
    return (
        threshold > 0
        and not job.interrupted  # applied again: every graph is written whole, in batches
        and job.store.streams_new_graphs
        and job.run.staged_count(Change.NEW) >= threshold
    )


def _fresh(
    job: _Applying, batch: list[StagedRecord], too_long: set[str], *, look: bool
) -> list[StagedRecord]:
    """The records of ``batch`` the index has never known, which the store takes as they
    are. One with a statement too long for the store is left to the batches, which
    quarantine it: the load's pass (``look``) finds it and adds it to ``too_long``, and the
    index's pass after the load need not unpack every record's graph again."""
    new = [r for r in batch if r.change is Change.NEW and r.local_id not in too_long]
    known = job.index.known(job.source.name, [r.local_id for r in new]) if new else {}
    fresh = []
    for r in new:
        if r.local_id in known:
            continue
        if look and oversized_statement(r.quads) is not None:
            too_long.add(r.local_id)
            continue
        fresh.append(r)
    return fresh


def _stream_new(job: _Applying) -> int:
    """Write the run's new records into the store by one bulk load (``Store.load_new_graphs``),
    then index them; the rest of the run goes in batches after. Returns the records written.

    Store first, then the index, as for a batch. A graph the store holds though the index
    never knew its record (a write cut short before) is dropped first, so that it is loaded
    whole. If the load fails part-way, nothing is indexed and every record of the run is
    written again whole, in batches, as after an interruption."""
    size, source, store = job.settings.batch_size, job.source.name, job.store
    for pairs in job.run.staged_graphs(Change.NEW, size):
        known = job.index.known(source, [local_id for local_id, _ in pairs])
        held = [NamedNode(g) for i, g in pairs if i not in known and store.has_graph(NamedNode(g))]
        store.remove_graphs(held)

    too_long: set[str] = set()
    base = job.settings.base_iri
    delta: Counter[int] = Counter()
    offered: dict[int, Statement] = {}
    subjects: list[str] = []

    def rows(
        batch: list[StagedRecord], *, look: bool
    ) -> Iterator[tuple[StagedRecord, IndexedRecord]]:
        for r in _fresh(job, batch, too_long, look=look):
            row = after_applying(
                None, r, source=source, mapping=job.mapping, when=job.when, run_id=job.run.run_id
            )
            yield r, row

    def graphs() -> Iterator[tuple[NamedNode, bytes, list[Quad]]]:
        for batch in job.run.staged(size):
            for r, row in rows(batch, look=True):
                failpoint("stream")  # read by the bulk load, as it loads
                parts = split(r.quads, r.graph, r.subject, base)
                delta.update(dict.fromkeys(parts.shared, 1))
                offered.update(parts.shared)
                subjects.append(r.subject)
                yield NamedNode(r.graph), parts.own, record_meta_quads(job.meta, job.minter, row)

    try:
        written = store.load_new_graphs(graphs())
        counted = job.shared.counted(delta, offered, subjects)
        job.shared.write(store, counted)
        _retire(job, [], counted, {}, CHANGED)  # a party a new record names answers again
    except StoreError as exc:
        log.warning("%s: %s; writing the run in batches instead", source, exc.cause)
        job.interrupted = True
        return 0
    for batch in job.run.staged(size):
        indexed = list(rows(batch, look=False))
        # Each batch's counts with its rows: what the index says stays the sum of its lists.
        shares = {r.local_id: split(r.quads, r.graph, r.subject, base).shared for r, _ in indexed}
        change = job.shared.change(source, shares)
        entries = [
            IndexEntry(
                row,
                r.payload,
                fields=r.fields,
                entities=r.entities,
                notes=r.notes,
                statements=pack(shares[r.local_id]),
            )
            for r, row in indexed
        ]
        job.entities_changed = job.entities_changed or any(e.entities for e in entries)
        failpoint("apply")
        job.index.upsert(entries, change)
    return written


def _unwritten(
    job: _Applying, batches: Iterable[list[StagedRecord]]
) -> Iterator[list[StagedRecord]]:
    """``batches`` without the records this run has written already (by ``_stream_new``)."""
    for batch in batches:
        done = job.index.written_by(job.source.name, job.run.run_id, [r.local_id for r in batch])
        if rest := [r for r in batch if r.local_id not in done]:
            yield rest


def _joined(
    batches: Iterable[list[StagedRecord]], budget: int
) -> Iterator[list[list[StagedRecord]]]:
    """Consecutive staged batches, joined until their N-Quads reach ``budget`` bytes."""
    joined: list[list[StagedRecord]] = []
    size = 0
    for batch in batches:
        if budget <= 0:  # each batch alone, its records not unpacked here to be measured
            yield [batch]
            continue
        joined.append(batch)
        size += sum(len(r.quads) for r in batch)
        if size >= budget:
            yield joined
            joined, size = [], 0
    if joined:
        yield joined


def _parted(
    joined: Iterable[list[list[StagedRecord]]], base: str
) -> Iterator[tuple[list[list[StagedRecord]], dict[str, Split]]]:
    """Each write's batches with their records parted (``publish.shared.split``), the next
    write's parted in a thread while the caller writes this one.

    Parting a record is Python's work (unpacking its graph, then a test per line); writing
    is Oxigraph's, which leaves the interpreter to other threads. One after the other, the
    parting was a fifth of a first harvest's apply (``bench/RESULTS.md``)."""

    def parted(batches: list[list[StagedRecord]]) -> dict[str, Split]:
        return {r.local_id: split(r.quads, r.graph, r.subject, base) for b in batches for r in b}

    with ThreadPoolExecutor(1, "parting") as pool:
        ahead: tuple[list[list[StagedRecord]], Future[dict[str, Split]]] | None = None
        for batches in joined:
            future = pool.submit(parted, batches)
            if ahead is not None:
                yield ahead[0], ahead[1].result()
            ahead = (batches, future)
        if ahead is not None:
            yield ahead[0], ahead[1].result()


def _apply_batches(
    job: _Applying,
    batches: list[list[StagedRecord]],
    parts: dict[str, Split],
    refused: list[tuple[StagedRecord, str]],
) -> None:
    """Write batches of new and changed records in one store write, what they share with
    other records into the entity graphs, then index them in one transaction with the counts
    of what they share (store first, then the index: a crash between the two leaves the
    store holding records the index does not know yet, which applying the run again writes
    anew, and entity graphs it writes again from the same counts; a run that fails between
    the two, the next run, ``_settled_or_marked``)."""
    records = [r for batch in batches for r in batch]
    with _settled_or_marked(job, [r.local_id for r in records]):
        _write_batch(job, records, parts, refused)


@contextlib.contextmanager
def _settled_or_marked(job: _Applying, local_ids: Sequence[str]) -> Iterator[None]:
    """Writes of records, each in the store and then in the index. Failed, those of
    ``local_ids`` the run did not index are marked unsettled (``mark_unsettled``): the store
    may hold what the index does not say of them (their graphs and metadata written, what
    they share not: a remote server failing the entity graphs' update), and the next run
    writes them again, even if its feed is back as it was before."""
    try:
        yield
    except Exception:
        with contextlib.suppress(sqlite3.Error):  # the error to tell is the write's
            done = job.index.written_by(job.source.name, job.run.run_id, local_ids)
            job.index.mark_unsettled(job.source.name, [i for i in local_ids if i not in done])
        raise


def _write_batch(
    job: _Applying,
    records: list[StagedRecord],
    parts: dict[str, Split],
    refused: list[tuple[StagedRecord, str]],
) -> None:
    """``_apply_batches``' work, for ``records``."""
    source, index = job.source.name, job.index
    before = index.entities_of(source, [r.local_id for r in records])
    job.entities_changed = job.entities_changed or any(
        r.entities != before.get(r.local_id, "") for r in records
    )
    # What the index will say once the records are in: their metadata goes into the store in
    # the same write as the graphs, and the index follows.
    rows = {
        r.local_id: after_applying(
            index.get(source, r.local_id),
            r,
            source=source,
            mapping=job.mapping,
            when=job.when,
            run_id=job.run.run_id,
        )
        for r in records
    }
    kept = {r.local_id for r in records}
    own = {local_id: part.own for local_id, part in parts.items()}
    held: dict[str, bytes] = {}  # what the graphs held before: a refused share puts it back
    try:
        after = list(rows.values())
        exact = job.interrupted
        held = write(job.store, job.meta, job.minter, records, after, exact=exact, own=own)
    except StoreFaultError:
        # The store failed by itself (a remote server down, or losing writes): no record is
        # to blame, and the run fails with the batch unindexed, for the next run to write.
        raise
    except StoreError as exc:
        # One record the store refuses (a value too long for its parser) must not fail the
        # run, nor every run after it (recovery applies it again): write the batch in halves,
        # around the records refused, and quarantine those.
        pairs = [(r, rows[r.local_id]) for r in records]
        written = write_around_refused(
            job.store,
            job.meta,
            job.minter,
            pairs,
            error=exc,
            refused=refused,
            own=own,
            before=held,
        )
        kept = {r.local_id for r in written}

    # The shared statements once the record graphs are written (an entity graph leaves out
    # what a record graph holds), and the index with their counts, in one transaction.
    def change_of(
        part: Sequence[StagedRecord], subjects: Sequence[str] | None = None
    ) -> SharedChange:
        shares = {r.local_id: parts[r.local_id].shared for r in part}
        touched = [r.subject for r in part] if subjects is None else subjects
        return job.shared.change(source, shares, touched)

    def indexed(part: Sequence[StagedRecord], change: SharedChange) -> None:
        texts = {r.local_id: (held.get(r.graph, b""), r.quads) for r in part}
        _retire(job, [(r.local_id, r.subject, r.graph) for r in part], change, texts, CHANGED)
        failpoint("apply")
        index.upsert(
            (
                IndexEntry(
                    rows[r.local_id],
                    r.payload,
                    fields=r.fields,
                    entities=r.entities,
                    notes=r.notes,
                    statements=pack(change.records[r.local_id]),
                )
                for r in part
            ),
            change,
        )

    sharing = [r for r in records if r.local_id in kept]
    change = change_of(sharing, [r.subject for r in records])
    try:
        job.shared.write(job.store, change)
    except StoreFaultError:
        raise
    except StoreError as exc:
        # A statement a remote server refuses (a 400 to the update holding it) is refused
        # with the records that bring it, found in halves as for their graphs.
        share_around_refused(
            job.store,
            job.shared,
            sharing,
            error=exc,
            failed=change,
            change_of=change_of,
            indexed=indexed,
            unwritten=lambda gone: take_back(
                job.store,
                job.meta,
                job.minter,
                [(r, index.get(source, r.local_id)) for r in gone],
                held,
            ),
            refused=refused,
        )
        return
    indexed(sharing, change)


def _remove(job: _Applying, removed: list[tuple[str, str]]) -> None:
    """Withdraw records: their graphs go, a tombstone each stays (410 Gone)."""
    size, source = job.settings.batch_size, job.source.name
    meta, minter, run_id = job.meta, job.minter, job.run.run_id
    for start in range(0, len(removed), size):
        chunk = [job.index.get(source, local_id) for local_id, _ in removed[start : start + size]]
        records = [r for r in chunk if r is not None]
        gone = job.index.entities_of(source, [r.local_id for r in records])
        job.entities_changed = job.entities_changed or any(gone.values())
        change = job.shared.change(
            source, {r.local_id: {} for r in records}, [r.subject for r in records]
        )
        ids = [r.local_id for r in records]
        with _settled_or_marked(job, ids):  # a record back in the feed is written again
            job.store.remove_graphs([NamedNode(r.graph) for r in records])
            job.shared.write(job.store, change)
            stones = [
                q for r in records for q in tombstone_quads(meta, minter, r, job.when, run_id)
            ]
            subjects = [NamedNode(r.graph) for r in records]
            subjects += [NamedNode(r.subject) for r in records]
            job.store.replace_subjects(meta, subjects, stones)
            named = [(r.local_id, r.subject, r.graph) for r in records]
            _retire(job, named, change, {}, WITHDRAWN)
            job.index.mark_deleted(source, ids, job.when, run_id, change)
        failpoint("remove")


def _retire(
    job: _Applying,
    records: Sequence[tuple[str, str, str]],
    change: SharedChange,
    texts: dict[str, tuple[bytes, bytes]],
    reason: str,
) -> None:
    """Redirect or tombstone the parties ``change`` makes vanish (``publish.departures``)."""
    departures.retire(
        job.store,
        job.shared,
        job.meta,
        job.minter.dataset(),
        run_iri(job.minter, job.run.run_id),
        records,
        change,
        texts,
        reason=reason,
        when=job.when,
    )


def _superseded_by(reason: str, local_ids: set[str]) -> bool:
    """Whether a removal's reason is that one of ``local_ids`` now stands for its record."""
    if not local_ids:
        return False
    found = messages.recognise(reason)
    return (
        found is not None
        and found[0] is messages.SUPERSEDED
        and found[1].get("local_id") in local_ids
    )
