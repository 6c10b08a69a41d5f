"""Phase 1 of a run: harvest and map into the run's staging database; the store is untouched.

Unchanged records (same checksum, same mapping version) are counted and skipped: they are not
even mapped. Every record the feed no longer holds (for a complete feed) or withdraws is staged
for removal. Every record that cannot be read or mapped is staged as quarantined, with reason.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from pyoxigraph import RdfFormat, serialize

from harvesters import HarvestItem, RejectedRecord, SourceRecord
from mappings import MappingContext, MappingError
from store import MAX_STATEMENT_BYTES, longest_statement

from .config import Config, SourceConfig
from .coverage import coverage_flags, entity_signature, payload_fields
from .failpoints import failpoint
from .index import RecordIndex
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


def _oversized(nquads: bytes) -> str | None:
    """Why a mapped record cannot go into the store: a value so long that its statement is
    over what the store's parser takes. Caught here, a run never fails in apply for it."""
    if len(nquads) <= MAX_STATEMENT_BYTES:
        return None
    size = longest_statement(nquads)
    if size <= MAX_STATEMENT_BYTES:
        return None
    return (
        f"a value of the record is too long for the store: one statement is {size} bytes, "
        f"more than {MAX_STATEMENT_BYTES}"
    )


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
) -> HarvestSummary:
    """Harvest ``items`` into ``run``. ``complete``: the items are the whole feed, so known
    records not among them were withdrawn. ``force``: map even unchanged records (remap)."""
    started = time.monotonic()
    run.set_info(complete=complete)
    summary = HarvestSummary.of_run(source.name, run)
    context = MappingContext(config.base_iri, source.name, source.language)
    mapping = mapping_id(source)
    for read in _batches(items, batch_size):
        batch = [_resolve_deletion(item, index, source.name) for item in read]
        ids = [item.local_id for item in batch if isinstance(item, SourceRecord)]
        known = index.known(source.name, ids)
        # A resumed run may be given records it staged before it stopped (a harvester resumes
        # at a page, not a record): the same record again is skipped, not counted twice.
        prior = run.seen_checksums(ids)
        prior_rejects = run.quarantined_origins(
            [item.origin for item in batch if isinstance(item, RejectedRecord)]
        )
        staged: list[StagedRecord] = []
        seen: dict[str, str] = {}
        removed: list[tuple[str, str]] = []
        quarantined: list[tuple[str, str | None, str, bytes]] = []
        warnings: Counter[str] = Counter()
        terms: Counter[tuple[str, str]] = Counter()
        unparsed: Counter[tuple[str, str]] = Counter()
        for item in batch:
            if isinstance(item, RejectedRecord):
                if item.origin not in prior_rejects:
                    summary.read += 1
                    quarantined.append((item.origin, item.local_id, item.reason, item.payload))
                continue
            earlier = (
                None if item.deleted else (seen.get(item.local_id) or prior.get(item.local_id))
            )
            if earlier == item.checksum:
                continue
            summary.read += 1
            before = known.get(item.local_id)
            if item.deleted:
                if before is not None and before[2]:
                    removed.append((item.local_id, "deleted by the partner"))
                    summary.deleted += 1
                continue
            if earlier is not None:
                quarantined.append(
                    (
                        item.origin or item.local_id,
                        item.local_id,
                        f"the identifier {item.local_id!r} occurs twice in the feed, with "
                        "different content; only its first record was kept",
                        item.payload,
                    )
                )
                continue
            seen[item.local_id] = item.checksum
            if (
                not force
                and before is not None
                and before[2]
                and before[0] == item.checksum
                and before[1] == mapping
            ):
                summary.unchanged += 1
                continue
            try:
                result = source.mapping.map(item, context)
            except MappingError as exc:
                quarantined.append(
                    (item.origin or item.local_id, item.local_id, exc.cause, item.payload)
                )
                continue
            nquads = serialize(result.quads, format=RdfFormat.N_QUADS) or b""
            oversized = _oversized(nquads)
            if oversized:
                quarantined.append(
                    (item.origin or item.local_id, item.local_id, oversized, item.payload)
                )
                continue
            flags = coverage_flags(result.subject, result.quads) if result.kind == "object" else 0
            staged.append(
                StagedRecord(
                    local_id=item.local_id,
                    change="changed" if before is not None and before[2] else "new",
                    graph=result.graph.value,
                    subject=result.subject.value,
                    kind=result.kind,
                    checksum=item.checksum,
                    media_type=item.media_type,
                    datestamp=item.datestamp,
                    origin=item.origin or None,
                    provider_id=item.provider_id,
                    payload=item.payload,
                    quads=nquads,
                    flags=flags,
                    fields="\n".join(sorted(payload_fields(item.media_type, item.payload))),
                    entities=entity_signature(result.subject.value, nquads),
                )
            )
            summary.quads += len(result.quads)
            warnings.update(result.warnings)
            terms.update(result.local_terms)
            unparsed.update(result.unparsed)
        summary.new += sum(1 for s in staged if s.change == "new")
        summary.changed += sum(1 for s in staged if s.change == "changed")
        summary.rejections += [Rejection(i or o, r) for o, i, r, _ in quarantined]
        summary.warnings.update(warnings)
        summary.local_terms.update(terms)
        summary.unparsed.update(unparsed)
        summary.checkpoint = checkpoint()
        run.stage(
            staged,
            list(seen.items()),
            removed,
            quarantined,
            info={"checkpoint": summary.checkpoint, "counts": summary.counts()},
        )
        run.count_terms(warnings, terms, unparsed)
        failpoint("stage")
        if progress is not None:
            progress(summary)
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
