"""Phase 1 of a run: harvest and map into the run's staging database; the store is untouched.

Unchanged records (same checksum, same mapping version) are counted and skipped: they are not
even mapped. Every record the feed no longer holds (for a complete feed) or withdraws is staged
for removal. Every record that cannot be read or mapped is staged as quarantined, with reason.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from itertools import islice
from typing import Any

from harvesters import HarvestItem, RejectedRecord, SourceRecord
from mappings import MappingContext
from museion_core import messages

from .failpoints import failpoint
from .index import KnownRecord, RecordIndex
from .runs import Change, QuarantinedRecord, RecordNotes, Run, StagedRecord
from .settings import MappedRecord, MapPool, PublishSettings, SourceSettings
from .staged import RunKind
from .summary import HarvestSummary, Rejection

__all__ = ["BATCH_SIZE", "Progress", "Verdict", "stage", "verdict"]

BATCH_SIZE = 500

Progress = Callable[[HarvestSummary], None]


class Verdict(Enum):
    """What staging does with a record it reads (``verdict``)."""

    REPEAT = "repeat"
    """The same record again, as staged before (a resumed run restarts at a page, not a
    record): skipped, and not counted twice."""
    WITHDRAWN = "withdrawn"
    """The partner deleted a record the index holds live: staged for removal."""
    ALREADY_GONE = "already gone"
    """The partner deleted a record the index does not hold live: nothing to do."""
    DUPLICATE = "duplicate"
    """A second record under an identifier already read, with other content: quarantined."""
    UNCHANGED = "unchanged"
    """Live in the index with the same payload and mapping: counted, not mapped."""
    NEW = "new"
    CHANGED = "changed"


def verdict(
    item: SourceRecord,
    earlier: str | None,
    known: KnownRecord | None,
    *,
    mapping: str,
    force: bool,
) -> Verdict:
    """The verdict on ``item``, given the checksum under which this run already read its
    identifier (``earlier``), what the index knows of it, the current mapping (``name@version``)
    and whether every record is to be mapped again (``force``, a remap)."""
    live = known is not None and known.live
    if item.deleted:
        return Verdict.WITHDRAWN if live else Verdict.ALREADY_GONE
    if earlier == item.checksum:
        return Verdict.REPEAT
    if earlier is not None:
        return Verdict.DUPLICATE
    if not force and known is not None and known.unchanged(item.checksum, mapping):
        return Verdict.UNCHANGED
    return Verdict.CHANGED if live else Verdict.NEW


MAX_LOCAL_ID = 1000
"""The longest identifier a record may have: it is in every IRI minted for the record and its
nodes. A record whose id was 2,000,000 characters took 2.8 GB to harvest (its IRIs, in each
of its quads, its index rows and its search entry); one of max_record_bytes (8 MB) more than
the machine had."""


def _refuse_long_id(item: HarvestItem) -> HarvestItem:
    if not isinstance(item, SourceRecord) or len(item.local_id) <= MAX_LOCAL_ID:
        return item
    origin = messages.clipped(item.origin or item.local_id, MAX_LOCAL_ID)
    reason = messages.IDENTIFIER_TOO_LONG(size=len(item.local_id), limit=MAX_LOCAL_ID)
    return RejectedRecord(item.source, origin, reason, item.payload)


def _resolve(item: HarvestItem, index: RecordIndex, source: str) -> HarvestItem:
    """A deletion may name its record only by the protocol's identifier (OAI-PMH sends no
    metadata, so no local id, for a deleted record), and so may a record that could not be
    read (an OAI-PMH record whose metadata is broken): find the local id it had."""
    if isinstance(item, SourceRecord) and item.deleted:
        named = item.provider_id
    elif isinstance(item, RejectedRecord):
        named = item.local_id
    else:
        return item
    local_id = index.local_id_of(source, named) if named else None
    if local_id is not None and local_id != item.local_id:
        return dataclasses.replace(item, local_id=local_id)
    return item


def _superseded(index: RecordIndex, run: Run, source: str, seen: set[str]) -> list[tuple[str, str]]:
    """Records the run's records replace under a new id: the partner's protocol sent a record
    it calls as before (its OAI identifier) under another id of the record (its
    ``lidoRecID`` changed). A harvest of the whole feed withdraws the old one as no longer in
    it; an incremental one would keep both for good."""
    staged = run.staged_providers()
    return [
        (old, messages.SUPERSEDED(provider=provider, local_id=staged[provider]))
        for provider, old in index.live_by_provider(source, list(staged))
        if old != staged[provider] and old not in seen
    ]


KEPT = ""
"""The checksum under which a run sees a record it keeps for an unreadable row: none (a
readable row of it, read later, is not taken for a duplicate)."""


def _holds(
    item: RejectedRecord,
    known: dict[str, KnownRecord],
    seen: dict[str, str],
    prior: dict[str, str],
) -> bool:
    """Whether an unreadable item names a live record this run has not read yet."""
    if item.local_id is None or item.local_id in seen or item.local_id in prior:
        return False
    found = known.get(item.local_id)
    return found is not None and found.live


def _batches(items: Iterable[HarvestItem], size: int) -> Iterator[list[HarvestItem]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _quarantined(item: SourceRecord, reason: str) -> QuarantinedRecord:
    return QuarantinedRecord(item.origin or item.local_id, item.local_id, reason, item.payload)


@dataclass
class _ToMap:
    record: SourceRecord
    change: Change


@dataclass
class _Batch:
    """A batch decided but not yet staged: its records are being mapped meanwhile.

    ``order`` keeps the batch's records in feed order: a quarantine decided before mapping, or
    the position of a record in ``to_map`` (whose outcome replaces it), so the staged and
    quarantined lists come out the same whether the mapping ran here or in workers."""

    checkpoint: dict[str, Any]
    order: list[QuarantinedRecord | int] = field(default_factory=list)
    to_map: list[_ToMap] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)
    removed: list[tuple[str, str]] = field(default_factory=list)
    rejected_origins: set[str] = field(default_factory=set)
    outcomes: Callable[[], Sequence[MappedRecord | str]] = list
    counts: Counter[str] = field(default_factory=Counter)
    """``read``, ``unchanged``, ``deleted``: added to the summary when the batch is staged, so
    the counts a run saves never include a batch it has not staged."""
    warnings: Counter[str] = field(default_factory=Counter)
    """What the partner should know of the batch that no mapping said (a repeated record)."""

    def take(self, item: SourceRecord, decided: Verdict) -> None:
        """Note a record read for the first time in this run, by its verdict."""
        self.counts["read"] += 1
        if decided is Verdict.WITHDRAWN:
            self.removed.append((item.local_id, messages.DELETED_BY_PARTNER()))
            self.counts["deleted"] += 1
        elif decided is Verdict.DUPLICATE:
            reason = messages.DUPLICATE_IDENTIFIER(identifier=item.local_id)
            self.order.append(_quarantined(item, reason))
        elif decided is Verdict.ALREADY_GONE:
            # a deletion the source has already applied: read, and nothing to change (the
            # counts of a run add up to what it read)
            self.counts["unchanged"] += 1
        else:
            self.seen[item.local_id] = item.checksum
            if decided is Verdict.UNCHANGED:
                self.counts["unchanged"] += 1
            else:
                self.order.append(len(self.to_map))
                change = Change.CHANGED if decided is Verdict.CHANGED else Change.NEW
                self.to_map.append(_ToMap(item, change))

    def reject(self, item: RejectedRecord, *, keep: bool = False) -> None:
        """Quarantine what could not be read as a record. ``keep``: it names a record the
        source holds (an unreadable row whose id column could be read), which then counts
        as read: its published version stays, rather than being withdrawn as gone from the
        feed, until the partner mends the row. It is seen with no checksum (``KEPT``), so a
        readable row of the same record later in the feed is read as usual."""
        self.counts["read"] += 1
        self.order.append(QuarantinedRecord(item.origin, item.local_id, item.reason, item.payload))
        self.rejected_origins.add(item.origin)
        if keep and item.local_id is not None:
            self.seen[item.local_id] = KEPT


@dataclass
class _Outcomes:
    """A batch's mapping outcomes, sorted into what is staged and what is quarantined."""

    staged: list[StagedRecord] = field(default_factory=list)
    quarantined: list[QuarantinedRecord] = field(default_factory=list)
    quads: int = 0
    warnings: Counter[str] = field(default_factory=Counter)
    terms: Counter[tuple[str, str]] = field(default_factory=Counter)
    unparsed: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def add(self, entry: _ToMap, outcome: MappedRecord | str) -> None:
        item = entry.record
        if isinstance(outcome, str):
            self.quarantined.append(_quarantined(item, outcome))
            return
        self.staged.append(
            StagedRecord(
                local_id=item.local_id,
                change=entry.change,
                graph=outcome.graph,
                subject=outcome.subject,
                kind=outcome.kind,
                checksum=item.checksum,
                media_type=item.media_type,
                datestamp=item.datestamp,
                origin=item.origin or None,
                provider_id=item.provider_id,
                payload=item.payload,
                packed=outcome.packed,
                flags=outcome.flags,
                fields=outcome.fields,
                entities=outcome.entities,
                notes=RecordNotes(
                    tuple(outcome.local_terms), tuple(outcome.unparsed), tuple(outcome.warnings)
                ).text(),
            )
        )
        self.quads += outcome.count
        self.warnings.update(outcome.warnings)
        self.terms.update(outcome.local_terms)
        self.unparsed.update(outcome.unparsed)

    def count_into(self, summary: HarvestSummary) -> None:
        summary.quads += self.quads
        summary.new += sum(1 for s in self.staged if s.change is Change.NEW)
        summary.changed += sum(1 for s in self.staged if s.change is Change.CHANGED)
        summary.rejections += [
            Rejection.of(q.local_id, q.origin, q.reason) for q in self.quarantined
        ]
        summary.warnings.update(self.warnings)
        summary.local_terms.update(self.terms)
        summary.unparsed.update(self.unparsed)


class _Staging:
    """Decides each batch in feed order, has it mapped, and stages it when it is mapped.

    Up to ``depth`` batches are mapped at once; the records of those not yet staged count as
    seen, so a duplicate across two batches in flight is found as if they were staged."""

    def __init__(
        self,
        summary: HarvestSummary,
        index: RecordIndex,
        run: Run,
        source: SourceSettings,
        *,
        force: bool,
    ) -> None:
        self.summary, self.index, self.run, self.source = summary, index, run, source
        self.force = force
        """Map every record again, unchanged ones too (a remap)."""
        self.in_flight: deque[_Batch] = deque()
        self.resumed = summary.read > 0
        """The run staged records before this pass: a record it is given again may be one
        staged then (a harvester resumes at a page), not a repeated row of the feed."""

    def decide(self, read: list[HarvestItem], checkpoint: dict[str, Any]) -> _Batch:
        source = self.source.name
        items = [_resolve(_refuse_long_id(item), self.index, source) for item in read]
        ids = [item.local_id for item in items if item.local_id is not None]
        known = self.index.known(source, ids)
        # A resumed run may be given records it staged before it stopped (a harvester resumes
        # at a page, not a record): the same record again is skipped, not counted twice.
        prior = self.run.seen_checksums(ids)
        origins = [item.origin for item in items if isinstance(item, RejectedRecord)]
        prior_rejects = self.run.quarantined_origins(origins)
        for batch in self.in_flight:
            prior.update({i: c for i, c in batch.seen.items() if not prior.get(i)})
            prior_rejects |= batch.rejected_origins
        plan = _Batch(checkpoint)
        for item in items:
            if isinstance(item, RejectedRecord):
                if item.origin not in prior_rejects:
                    plan.reject(item, keep=_holds(item, known, plan.seen, prior))
                continue
            earlier = (
                None
                if item.deleted
                else plan.seen.get(item.local_id) or prior.get(item.local_id) or None
            )
            decided = verdict(
                item,
                earlier,
                known.get(item.local_id),
                mapping=self.source.mapping_id,
                force=self.force,
            )
            if decided is not Verdict.REPEAT:
                plan.take(item, decided)
            elif not self.resumed:  # the same row twice in a feed: read once, and said
                plan.warnings[messages.RECORD_REPEATED(identifier=item.local_id)] += 1
        return plan

    def finish(self, plan: _Batch, progress: Progress | None) -> None:
        """Wait for the batch's mapping and stage it."""
        summary, outcomes = self.summary, plan.outcomes()
        sorted_out = _Outcomes()
        sorted_out.warnings.update(plan.warnings)
        for entry in plan.order:
            if isinstance(entry, int):
                sorted_out.add(plan.to_map[entry], outcomes[entry])
            else:
                sorted_out.quarantined.append(entry)
        summary.read += plan.counts["read"]
        summary.unchanged += plan.counts["unchanged"]
        summary.deleted += plan.counts["deleted"]
        sorted_out.count_into(summary)
        summary.checkpoint = plan.checkpoint
        self.run.stage(
            sorted_out.staged,
            list(plan.seen.items()),
            plan.removed,
            sorted_out.quarantined,
            info={"checkpoint": summary.checkpoint, "counts": summary.counts()},
        )
        self.run.count_terms(sorted_out.warnings, sorted_out.terms, sorted_out.unparsed)
        failpoint("stage")
        if progress is not None:
            progress(summary)


def stage(
    settings: PublishSettings,
    source: SourceSettings,
    index: RecordIndex,
    run: Run,
    items: Iterable[HarvestItem],
    *,
    mapper: MapPool,
    checkpoint: Callable[[], dict[str, Any]] = dict,
    complete: bool = False,
    unread: Callable[[], Sequence[str]] = tuple,
    force: bool = False,
    progress: Progress | None = None,
) -> HarvestSummary:
    """Harvest ``items`` into ``run``, mapping them with ``mapper``. ``complete``: the items
    are the whole feed, so known records not among them were withdrawn, unless ``unread``
    (asked once the items are read) names parts of the feed that could not be read at all:
    the records those hold are not known, so none is withdrawn. ``force``: map even
    unchanged records (remap)."""
    started = time.monotonic()
    run.set_info(complete=complete)
    summary = HarvestSummary.of_run(source.name, run)
    context = MappingContext(settings.base_iri, source.name, source.language)
    kind = RunKind.of_info(run.info())  # an upload's id and a remap's flag are set by now
    # With workers, the next batch is read and decided while this one is mapped; the
    # checkpoint staged with a batch is the harvester's position right after that batch.
    depth = 2 if mapper.jobs > 1 else 1
    staging = _Staging(summary, index, run, source, force=force)
    for read in _batches(items, settings.batch_size):
        plan = staging.decide(read, checkpoint())
        records = [entry.record for entry in plan.to_map]
        plan.outcomes = mapper.submit(source.mapping, context, records, kind)
        staging.in_flight.append(plan)
        if len(staging.in_flight) >= depth:
            staging.finish(staging.in_flight.popleft(), progress)
    while staging.in_flight:
        staging.finish(staging.in_flight.popleft(), progress)
    seen_ids = run.seen_ids()
    lost = list(unread())
    if complete and lost:
        complete = False
        run.set_info(complete=False)
        held = messages.WITHDRAWALS_HELD(parts=", ".join(lost))
        summary.warnings[held] += 1
        run.count_terms({held: 1}, {})
    if complete:
        withdrawn = [
            (i, messages.NO_LONGER_IN_FEED())
            for i in index.live_ids(source.name)
            if i not in seen_ids
        ]
        summary.absent = len(withdrawn)
    else:
        withdrawn = _superseded(index, run, source.name, seen_ids)
    if withdrawn:
        summary.deleted += len(withdrawn)
        run.stage([], [], withdrawn, [], info={"counts": summary.counts()})
    summary.checkpoint = checkpoint()  # also after a harvest that read nothing
    run.set_info(checkpoint=summary.checkpoint)
    summary.seconds += time.monotonic() - started
    return summary
