"""Phase 1 of a run: harvest and map into the run's staging database; the store is untouched.

Unchanged records (same checksum, same mapping version) are counted and skipped: they are not
even mapped. Every record the feed no longer holds (for a complete feed) or withdraws is staged
for removal. Every record that cannot be read or mapped is staged as quarantined, with reason.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from harvesters import HarvestItem, RejectedRecord, SourceRecord
from mappings import MappingContext

from .config import Config, SourceConfig
from .failpoints import failpoint
from .index import RecordIndex
from .mapper import Mapper, Pending
from .runs import Run, StagedRecord

__all__ = ["BATCH_SIZE", "HarvestSummary", "Rejection", "mapping_id", "stage"]

BATCH_SIZE = 500


@dataclass(frozen=True, slots=True)
class Rejection:
    record: str
    reason: str

    def line(self, source: str) -> str:
        return f"{source}: {self.record}: {self.reason}"


@dataclass
class HarvestSummary:
    """What a run did; rebuilt from the run's database, so a resumed run reports all of it."""

    source: str
    run_id: str = ""
    read: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    quads: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warnings: Counter[str] = field(default_factory=Counter)
    local_terms: Counter[tuple[str, str]] = field(default_factory=Counter)
    unparsed: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(``date`` or ``dimensions``, text) of texts kept without values, for the partner report."""
    seconds: float = 0.0
    checkpoint: dict[str, Any] = field(default_factory=dict)
    status: str = ""
    reason: str | None = None
    """Why the run was held, when it was."""
    records_before: int = 0
    records_after: int = 0

    @property
    def mapped(self) -> int:
        return self.new + self.changed

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "quarantined": self.rejected,
            "quads": self.quads,
            "records_before": self.records_before,
            "records_after": self.records_after,
        }

    @classmethod
    def of_run(cls, source: str, run: Run) -> HarvestSummary:
        info = run.info()
        counts = info.get("counts", {})
        summary = cls(
            source,
            run.run_id,
            status=info["status"],
            reason=info.get("reason"),
            checkpoint=info.get("checkpoint", {}),
            seconds=info.get("seconds", 0.0),
        )
        for name in (
            "read",
            "new",
            "changed",
            "unchanged",
            "deleted",
            "quads",
            "records_before",
            "records_after",
        ):
            setattr(summary, name, int(counts.get(name, 0)))
        summary.rejections = [
            Rejection(local_id or origin, reason)
            for origin, local_id, reason, _ in run.quarantined()
        ]
        summary.warnings = Counter(dict(run.warnings()))
        summary.local_terms = Counter({(s, label): n for s, label, n in run.local_terms()})
        summary.unparsed = Counter({(kind, text): n for kind, text, n in run.unparsed()})
        return summary


Progress = Callable[[HarvestSummary], None]


def mapping_id(source: SourceConfig) -> str:
    """Which mapping, in which version, made a record's graph (changes force a re-map)."""
    return f"{source.mapping.name}@{source.mapping.version}"


def _resolve_deletion(item: HarvestItem, index: RecordIndex, source: str) -> HarvestItem:
    """A deletion may name its record only by the protocol's identifier (OAI-PMH sends no
    metadata, so no local id, for a deleted record): find the local id it had."""
    if isinstance(item, SourceRecord) and item.deleted and item.provider_id:
        local_id = index.local_id_of(source, item.provider_id)
        if local_id is not None and local_id != item.local_id:
            return dataclasses.replace(item, local_id=local_id)
    return item


def _batches(items: Iterable[HarvestItem], size: int) -> Iterator[list[HarvestItem]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


Quarantined = tuple[str, str | None, str, bytes]
"""(origin, local id, reason, raw bytes) of a record staged as quarantined."""


@dataclass
class _Batch:
    """A batch decided but not yet staged: its records are being mapped meanwhile.

    ``order`` keeps the batch's records in feed order: a quarantine decided before mapping, or
    the position of a record in ``to_map`` (whose outcome replaces it), so the staged and
    quarantined lists come out the same whether the mapping ran here or in workers."""

    checkpoint: dict[str, Any]
    order: list[Quarantined | int] = field(default_factory=list)
    to_map: list[tuple[SourceRecord, bool]] = field(default_factory=list)
    """Records to map, each with whether the index knew it live (``changed``, else ``new``)."""
    seen: dict[str, str] = field(default_factory=dict)
    removed: list[tuple[str, str]] = field(default_factory=list)
    rejected_origins: set[str] = field(default_factory=set)
    outcomes: Pending = list
    counts: Counter[str] = field(default_factory=Counter)
    """``read``, ``unchanged``, ``deleted``: added to the summary when the batch is staged, so
    the counts a run saves never include a batch it has not staged."""


class _Staging:
    """Decides each batch in feed order, has it mapped, and stages it when it is mapped.

    Up to ``depth`` batches are mapped at once; the records of those not yet staged count as
    seen, so a duplicate across two batches in flight is found as if they were staged."""

    def __init__(
        self,
        summary: HarvestSummary,
        index: RecordIndex,
        run: Run,
        source: SourceConfig,
        *,
        mapping: str,
        force: bool,
    ) -> None:
        self.summary, self.index, self.run, self.source = summary, index, run, source
        self.mapping, self.force = mapping, force
        self.in_flight: deque[_Batch] = deque()

    def decide(self, read: list[HarvestItem], checkpoint: dict[str, Any]) -> _Batch:
        source = self.source.name
        items = [_resolve_deletion(item, self.index, source) for item in read]
        ids = [item.local_id for item in items if isinstance(item, SourceRecord)]
        known = self.index.known(source, ids)
        # A resumed run may be given records it staged before it stopped (a harvester resumes
        # at a page, not a record): the same record again is skipped, not counted twice.
        prior = self.run.seen_checksums(ids)
        for batch in self.in_flight:
            prior.update({i: c for i, c in batch.seen.items() if i not in prior})
        origins = [item.origin for item in items if isinstance(item, RejectedRecord)]
        prior_rejects = self.run.quarantined_origins(origins)
        for batch in self.in_flight:
            prior_rejects |= batch.rejected_origins
        plan = _Batch(checkpoint)
        for item in items:
            if isinstance(item, RejectedRecord):
                if item.origin not in prior_rejects:
                    plan.counts["read"] += 1
                    plan.order.append((item.origin, item.local_id, item.reason, item.payload))
                    plan.rejected_origins.add(item.origin)
                continue
            earlier = (
                None if item.deleted else (plan.seen.get(item.local_id) or prior.get(item.local_id))
            )
            if earlier == item.checksum:
                continue
            plan.counts["read"] += 1
            before = known.get(item.local_id)
            if item.deleted:
                if before is not None and before[2]:
                    plan.removed.append((item.local_id, "deleted by the partner"))
                    plan.counts["deleted"] += 1
                continue
            if earlier is not None:
                plan.order.append(
                    (
                        item.origin or item.local_id,
                        item.local_id,
                        f"the identifier {item.local_id!r} occurs twice in the feed, with "
                        "different content; only its first record was kept",
                        item.payload,
                    )
                )
                continue
            plan.seen[item.local_id] = item.checksum
            if (
                not self.force
                and before is not None
                and before[2]
                and before[0] == item.checksum
                and before[1] == self.mapping
            ):
                plan.counts["unchanged"] += 1
                continue
            plan.order.append(len(plan.to_map))
            plan.to_map.append((item, before is not None and before[2]))
        return plan

    def finish(self, plan: _Batch, progress: Progress | None) -> None:
        """Wait for the batch's mapping and stage it."""
        summary, outcomes = self.summary, plan.outcomes()
        staged: list[StagedRecord] = []
        quarantined: list[Quarantined] = []
        warnings: Counter[str] = Counter()
        terms: Counter[tuple[str, str]] = Counter()
        unparsed: Counter[tuple[str, str]] = Counter()
        for entry in plan.order:
            if not isinstance(entry, int):
                quarantined.append(entry)
                continue
            item, live = plan.to_map[entry]
            outcome = outcomes[entry]
            if isinstance(outcome, str):
                quarantined.append(
                    (item.origin or item.local_id, item.local_id, outcome, item.payload)
                )
                continue
            staged.append(
                StagedRecord(
                    local_id=item.local_id,
                    change="changed" if live else "new",
                    graph=outcome.graph,
                    subject=outcome.subject,
                    kind=outcome.kind,
                    checksum=item.checksum,
                    media_type=item.media_type,
                    datestamp=item.datestamp,
                    origin=item.origin or None,
                    provider_id=item.provider_id,
                    payload=item.payload,
                    quads=outcome.quads,
                    flags=outcome.flags,
                    fields=outcome.fields,
                    entities=outcome.entities,
                )
            )
            summary.quads += outcome.count
            warnings.update(outcome.warnings)
            terms.update(outcome.local_terms)
            unparsed.update(outcome.unparsed)
        summary.read += plan.counts["read"]
        summary.unchanged += plan.counts["unchanged"]
        summary.deleted += plan.counts["deleted"]
        summary.new += sum(1 for s in staged if s.change == "new")
        summary.changed += sum(1 for s in staged if s.change == "changed")
        summary.rejections += [Rejection(i or o, r) for o, i, r, _ in quarantined]
        summary.warnings.update(warnings)
        summary.local_terms.update(terms)
        summary.unparsed.update(unparsed)
        summary.checkpoint = plan.checkpoint
        self.run.stage(
            staged,
            list(plan.seen.items()),
            plan.removed,
            quarantined,
            info={"checkpoint": summary.checkpoint, "counts": summary.counts()},
        )
        self.run.count_terms(warnings, terms, unparsed)
        failpoint("stage")
        if progress is not None:
            progress(summary)


def stage(
    config: Config,
    source: SourceConfig,
    index: RecordIndex,
    run: Run,
    items: Iterable[HarvestItem],
    *,
    checkpoint: Callable[[], dict[str, Any]] = dict,
    complete: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
    mapper: Mapper | None = None,
) -> HarvestSummary:
    """Harvest ``items`` into ``run``. ``complete``: the items are the whole feed, so known
    records not among them were withdrawn. ``force``: map even unchanged records (remap).
    ``mapper``: where records are mapped (default: in this process)."""
    started = time.monotonic()
    run.set_info(complete=complete)
    summary = HarvestSummary.of_run(source.name, run)
    context = MappingContext(config.base_iri, source.name, source.language)
    mapper = mapper or Mapper(1)
    # With workers, the next batch is read and decided while this one is mapped; the
    # checkpoint staged with a batch is the harvester's position right after that batch.
    depth = 2 if mapper.jobs > 1 else 1
    staging = _Staging(summary, index, run, source, mapping=mapping_id(source), force=force)
    for read in _batches(items, batch_size):
        plan = staging.decide(read, checkpoint())
        plan.outcomes = mapper.submit(source.mapping, context, [r for r, _ in plan.to_map])
        staging.in_flight.append(plan)
        if len(staging.in_flight) >= depth:
            staging.finish(staging.in_flight.popleft(), progress)
    while staging.in_flight:
        staging.finish(staging.in_flight.popleft(), progress)
    if complete:
        seen_ids = run.seen_ids()
        withdrawn = [
            (i, "no longer in the feed") for i in index.live_ids(source.name) if i not in seen_ids
        ]
        summary.deleted += len(withdrawn)
        run.stage([], [], withdrawn, [], info={"counts": summary.counts()})
    summary.checkpoint = checkpoint()  # also after a harvest that read nothing
    run.set_info(checkpoint=summary.checkpoint)
    summary.seconds += time.monotonic() - started
    return summary
