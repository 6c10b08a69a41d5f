"""One reconciliation run: read the partner entities, link, cluster, name, write.

It runs inside every publish (after the runs are applied, before the snapshot is taken), and
on demand as ``museion reconcile``. Each run recomputes the clusters from what the store holds
now — blocking keeps that near-linear in the number of entities — and then writes only what
changed, so it is idempotent: a second run on the same data changes nothing, and a run
interrupted anywhere is completed by the next (the store is written before the id registry,
and ids are derived deterministically from what the registry held before).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import NamedNode

from museion_core.vocab import MUSEION
from store import Store

from .blocking import candidate_pairs
from .cluster import Cluster, Refusal, cluster_entities
from .entities import Entity, read_entities
from .names import is_anonymous
from .output import (
    aggregate_iri,
    aggregate_quads,
    existing_subject_quads,
    link_quads,
    reconciliation_graph,
    retired_quads,
    write_subjects,
)
from .overrides import Overrides
from .registry import Assignment, Registry, Retired, Shape, assign
from .scoring import Score, ScoredPair, ambiguous_place_names, score_pair, score_places

__all__ = ["Candidate", "Matching", "ReconcileReport", "Settings", "match", "reconcile"]


@dataclass(frozen=True)
class Settings:
    threshold: float = 0.9
    """Matcher pairs scoring at least this are merged."""
    review_margin: float = 0.05
    """``--review`` lists pairs scoring within this of the threshold, on either side."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored pair, for the review."""

    first: Entity
    second: Entity
    score: Score
    merged: bool


@dataclass
class Matching:
    """What the matcher made of a set of entities (no store involved)."""

    entities: dict[str, Entity]
    clusters: list[Cluster]
    scored: list[ScoredPair]
    refusals: list[Refusal]
    skipped_blocks: int
    unknown_overrides: list[str] = field(default_factory=list)

    def same(self, a: str, b: str) -> bool:
        for cluster in self.clusters:
            if a in cluster.members:
                return b in cluster.members
        return False

    def candidates(self, settings: Settings) -> list[Candidate]:
        low, high = (
            settings.threshold - settings.review_margin,
            settings.threshold + settings.review_margin,
        )
        member_of = {m: i for i, c in enumerate(self.clusters) for m in c.members}
        found = [
            Candidate(a, b, s, member_of.get(a.iri) == member_of.get(b.iri))
            for a, b, s in self.scored
            if not s.vetoed and low <= s.value < high
        ]
        return sorted(found, key=lambda c: (-c.score.value, c.first.iri, c.second.iri))


def match(
    entities: dict[str, Entity], settings: Settings, overrides: Overrides, base: str
) -> Matching:
    """Block, score and cluster ``entities`` with the reviewed ``overrides`` applied."""
    pairs, skipped = candidate_pairs(list(entities.values()))
    scored = [ScoredPair(a, b, score_pair(a, b)) for a, b in pairs]
    ambiguous = ambiguous_place_names(scored)
    if ambiguous:
        scored = [
            ScoredPair(a, b, score_places(a, b, ambiguous) if a.kind == "place" else result)
            for a, b, result in scored
        ]
    same, different = overrides.resolve(base)
    unknown = sorted(
        {iri for a, b, _ in same for iri in (a, b)} | {iri for pair in different for iri in pair}
    )
    unknown = [iri for iri in unknown if iri not in entities]
    clusters, refusals = cluster_entities(
        entities, scored, settings.threshold, same, different, score=score_pair
    )
    return Matching(entities, clusters, scored, refusals, skipped, unknown)


@dataclass
class ReconcileReport:
    entities: int = 0
    aggregates: dict[str, int] = field(default_factory=dict)
    merged_clusters: int = 0
    """Clusters of more than one partner entity."""
    links: dict[str, int] = field(default_factory=dict)
    new_ids: int = 0
    retired: dict[str, int] = field(default_factory=dict)
    changed_subjects: int = 0
    uncertain: int = 0
    refusals: int = 0
    skipped_blocks: int = 0
    unknown_overrides: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def reconcile(  # noqa: PLR0917
    store: Store,
    base: str,
    sources: list[str],
    registry_path: Path,
    settings: Settings,
    overrides: Overrides,
    meta: str,
) -> ReconcileReport:
    """Reconcile every partner entity in ``store`` and write the result into it."""
    started = time.monotonic()
    entities = read_entities(store, base, sources)
    matching = match(entities, settings, overrides, base)
    # Anonymous creators ("unknown American") stand for nobody: no aggregate is made for them.
    clusters = [c for c in matching.clusters if not _anonymous_only(c, entities)]
    report = ReconcileReport(entities=len(entities))
    registry = Registry(registry_path)
    try:
        now = _now()
        shapes = [Shape(c.kind, c.members) for c in clusters]
        assignment = assign(shapes, registry.previous(), registry.taken(), now)
        report.changed_subjects = _write(
            store, _Run(base, NamedNode(meta), entities, clusters, assignment), registry
        )
        store.flush()
        registry.save(shapes, assignment, now)
    finally:
        registry.close()
    for cluster in clusters:
        report.aggregates[cluster.kind] = report.aggregates.get(cluster.kind, 0) + 1
        if len(cluster.members) > 1:
            report.merged_clusters += 1
        for link in cluster.links.values():
            report.links[link.method] = report.links.get(link.method, 0) + 1
    report.new_ids = len(assignment.new)
    for gone in assignment.retired:
        report.retired[gone.status] = report.retired.get(gone.status, 0) + 1
    report.uncertain = len(matching.candidates(settings))
    report.refusals = len(matching.refusals)
    report.skipped_blocks = matching.skipped_blocks
    report.unknown_overrides = matching.unknown_overrides
    report.seconds = time.monotonic() - started
    return report


@dataclass(frozen=True, slots=True)
class _Run:
    """What one run writes: its clusters with the ids the registry assigned them."""

    base: str
    meta: NamedNode
    entities: dict[str, Entity]
    clusters: list[Cluster]
    assignment: Assignment


def _write(store: Store, run: _Run, registry: Registry) -> int:
    """Write the aggregates (reconciliation graph), their links and retired ids (meta
    graph), changing only the subjects that changed; how many did."""
    graph = reconciliation_graph(run.base)
    ids = run.assignment.ids
    live_kinds = {ident: c.kind for ident, c in zip(ids, run.clusters, strict=True)}
    recon_quads = []
    meta_quads = []
    for ident, cluster in zip(ids, run.clusters, strict=True):
        iri = aggregate_iri(run.base, cluster.kind, ident)
        recon_quads += aggregate_quads(graph, iri, cluster, run.entities)
        meta_quads += link_quads(run.meta, iri, cluster)
    retired = _merge_retired(registry.retired(), run.assignment.retired)
    retired_kinds = {r.id: r.kind for r in retired}
    lineage = registry.lineage()
    for ident, parents in run.assignment.lineage.items():
        lineage.setdefault(ident, set()).update(parents)
    meta_quads += retired_quads(run.meta, run.base, retired, live_kinds, lineage, retired_kinds)
    changed = write_subjects(store, graph, list(store.graph_quads(graph)), recon_quads)
    prefixes = " || ".join(
        f'STRSTARTS(STR(?s), "{run.base}{kind}/")' for kind in ("person", "group", "place")
    )
    # Only the redirects and tombstones of aggregates are reconciliation's: a source's party
    # retired by a re-harvest (``publish.departures``) has one too, under the source's IRIs.
    existing = existing_subject_quads(
        store,
        run.meta,
        f"{{ ?s a ?t VALUES ?t {{ {MUSEION.Aggregate} {MUSEION.ReconciliationLink} }} }} "
        f"UNION {{ ?s a ?t VALUES ?t {{ {MUSEION.Redirect} {MUSEION.Tombstone} }} "
        f"FILTER ({prefixes}) }}",
    )
    return changed + write_subjects(store, run.meta, existing, meta_quads)


def _merge_retired(previous: list[Retired], new: list[Retired]) -> list[Retired]:
    """Retirements known to the registry, updated by this run's: a redirect to an id retired
    now points where that id went."""
    by_id = {r.id: r for r in previous}
    for gone in new:
        by_id[gone.id] = gone
        for other in list(by_id.values()):
            if gone.id in other.replaced_by and other.id != gone.id:
                targets = [t for t in other.replaced_by if t != gone.id]
                targets += [t for t in gone.replaced_by if t not in targets]
                by_id[other.id] = dataclasses.replace(other, replaced_by=tuple(sorted(targets)))
    return sorted(by_id.values(), key=lambda r: r.id)


def _anonymous_only(cluster: Cluster, entities: dict[str, Entity]) -> bool:
    return all(
        entities[m].kind != "place"
        and bool(entities[m].names)
        and all(is_anonymous(n) for n in entities[m].names)
        for m in cluster.members
    )
