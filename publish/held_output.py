"""Whether a run's staged records are, each, what the store and the index hold already.

A remap (``museion remap``) maps every stored record again and stages each one as changed,
since it cannot know before mapping whether the output moved. When the mapping gives what it
gave before — a remap run twice, or after a vocabulary change that touches none of the
source's terms — applying the run would write every record graph again with the same
statements, and publish a new snapshot of the same data. ``drop_held`` takes such records
out of the run once it is mapped, so that a remap counts (and writes) only the records whose
output moved, as a harvest counts only the records whose payload did; a remap none of whose
records moved is then recorded like a harvest whose feed did not change: not applied, no new
snapshot (``quarantine.writes_nothing``, which asks ``same_as_held`` of a run's records).

A record is the same when nothing applying it would write differs: its index row but the run
that wrote it (so the same checksum, mapping version, kind, subject, coverage flags, source
fields, entity signature, notes for the partner and shared statements), its record graph as
the store holds it (``store.same_graph``: the store writes some literals in a form of its
own, and blank nodes under labels of its own), and its metadata in the store. A harvest's
changed record differs at least in its checksum or mapping version, found on its index row
before the store is read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from pyoxigraph import NamedNode

from mappings import Minter
from store import Store, same_graph

from .index import IndexedRecord, RecordIndex
from .provenance import after_applying, meta_graph, record_meta_quads
from .runs import Run, StagedRecord, statement_count
from .settings import PublishSettings, SourceSettings
from .shared import split, unpack

__all__ = ["drop_held", "same_as_held"]


@dataclasses.dataclass(frozen=True, slots=True)
class _Held:
    """What the index holds of a record: its row and what a run writes beside it."""

    record: IndexedRecord
    fields: str
    entities: str
    notes: str | None
    statements: bytes | None


def _held(index: RecordIndex, source: str, local_ids: Sequence[str]) -> dict[str, _Held]:
    return {
        local_id: _Held(*written)
        for local_id, written in index.with_written(source, local_ids).items()
    }


def _same_row(held: _Held, staged: StagedRecord, mapping: str) -> bool:
    """Whether applying ``staged`` leaves its index row as it is, but for the run named."""
    before = held.record
    after = after_applying(
        before,
        staged,
        source=before.source,
        mapping=mapping,
        when=before.last_changed,
        run_id=before.last_run,
    )
    return (
        before.live
        and after == before
        and (staged.fields, staged.entities, staged.notes)
        == (held.fields, held.entities, held.notes)
    )


def _same_output(
    record: StagedRecord, found: _Held, store: Store, *, meta: NamedNode, minter: Minter, base: str
) -> bool:
    """Whether applying ``record``, whose index row is the same as held (``_same_row``), would
    leave the store as it is: its shared statements, its record graph and its metadata."""
    parts = split(record.quads, record.graph, record.subject, base)
    if found.statements is None or set(parts.shared) != unpack(found.statements):
        return False
    graph = NamedNode(record.graph)
    if not same_graph(store.serialized_graph(graph), parts.own):
        return False
    if set(store.subject_quads(meta, graph)) != set(record_meta_quads(meta, minter, found.record)):
        return False
    # applying removes what the metadata says of the entity
    return next(iter(store.subject_quads(meta, NamedNode(record.subject))), None) is None


def _held_records(
    settings: PublishSettings,
    source: SourceSettings,
    run: Run,
    store: Store,
    index: RecordIndex,
    *,
    first_differing: bool,
) -> Iterator[tuple[StagedRecord, bool]]:
    """Each record ``run`` staged, and whether it is what the store and the index hold;
    ``first_differing``: stop after the first that is not."""
    base = settings.base_iri
    minter = Minter(base, source.name)
    meta = meta_graph(base)
    mapping = run.info()["mapping"]
    for batch in run.staged(settings.batch_size):
        held = _held(index, source.name, [r.local_id for r in batch])
        for r in batch:
            found = held.get(r.local_id)
            # a harvest's changed record differs on its row, before the store is read
            same = (
                found is not None
                and _same_row(found, r, mapping)
                and _same_output(r, found, store, meta=meta, minter=minter, base=base)
            )
            yield r, same
            if first_differing and not same:
                return


def same_as_held(
    settings: PublishSettings, source: SourceSettings, run: Run, store: Store, index: RecordIndex
) -> bool:
    """Whether every record ``run`` staged is what the store and the index hold of it already
    (see the module's docstring), stopping at the first that is not."""
    found = _held_records(settings, source, run, store, index, first_differing=True)
    return all(same for _, same in found)


def drop_held(
    settings: PublishSettings, source: SourceSettings, run: Run, store: Store, index: RecordIndex
) -> tuple[int, int]:
    """Take out of ``run`` the records it staged that are each what the store and the index
    hold already (a remap's, whose mapping gave the same output for them): applying the run
    writes only the others. Returns how many records it took out, and their statements, as
    the run counted them when it staged them (``statement_count``)."""
    dropped: list[str] = []
    statements = 0
    for record, same in _held_records(settings, source, run, store, index, first_differing=False):
        if same:
            dropped.append(record.local_id)
            statements += statement_count(record.quads)
    run.unstage(dropped)
    return len(dropped), statements
