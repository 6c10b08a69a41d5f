"""harvest → map → load: one source at a time, in batches, with every rejection kept."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from pyoxigraph import NamedNode, Quad

import harvesters
import mappings
from harvesters import RejectedRecord
from mappings import MappingContext, MappingError, Minter
from mappings.vocab import MUSEION, RDF, VOID
from store import Store

from .bookkeeping import (
    meta_graph,
    quarantine_quads,
    record_meta_quads,
    source_quads,
    vocabulary_graph,
)
from .config import Config, SourceConfig

__all__ = ["BATCH_SIZE", "HarvestSummary", "Rejection", "harvest_source", "source_counts"]

BATCH_SIZE = 500


@dataclass(frozen=True, slots=True)
class Rejection:
    record: str
    reason: str

    def line(self, source: str) -> str:
        return f"{source}: {self.record}: {self.reason}"


@dataclass
class HarvestSummary:
    source: str
    read: int = 0
    mapped: int = 0
    deleted: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warnings: Counter[str] = field(default_factory=Counter)
    local_terms: Counter[tuple[str, str]] = field(default_factory=Counter)
    unparsed: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(``date`` or ``dimensions``, text) of texts kept without values, for the partner report."""
    quads: int = 0
    seconds: float = 0.0
    checkpoint: Mapping[str, Any] = field(default_factory=dict)
    """Where the harvester stands: after a complete harvest, what the next one continues from."""

    @property
    def rejected(self) -> int:
        return len(self.rejections)


Progress = Callable[[HarvestSummary], None]


def _batches(
    items: Iterable[harvesters.HarvestItem], size: int
) -> Iterator[list[harvesters.HarvestItem]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def harvest_source(
    config: Config,
    source: SourceConfig,
    store: Store,
    progress: Progress | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    checkpoint: Mapping[str, Any] | None = None,
) -> HarvestSummary:
    """Harvest one source into ``store``. Bad records are quarantined, never fatal; a feed that
    cannot be read at all raises ``HarvestError``."""
    started = time.monotonic()
    summary = HarvestSummary(source.name)
    minter = Minter(config.base_iri, source.name)
    meta = meta_graph(config.base_iri)
    context = MappingContext(config.base_iri, source.name, source.language)
    mapping_label = f"{source.mapping.name}@{source.mapping.version}"
    harvester = harvesters.create_harvester(
        source.kind,
        harvesters.SourceSpec(
            name=source.name,
            location=source.location,
            options=source.options,
            identify=source.mapping.identify,
            checkpoint=checkpoint or {},
        ),
    )
    vocabulary = vocabulary_graph(config.base_iri)
    store.replace_graphs(
        {
            minter.dataset(): source_quads(minter, source),
            vocabulary: mappings.vocabulary_quads(vocabulary),
        }
    )
    quarantine: list[Quad] = []
    for batch in _batches(harvester, batch_size):
        graphs: dict[NamedNode, list[Quad]] = {}
        metadata: list[Quad] = []
        removed: list[NamedNode] = []
        for item in batch:
            summary.read += 1
            if isinstance(item, RejectedRecord):
                _reject(summary, quarantine, meta, minter, item)
                continue
            if item.deleted:
                removed.append(minter.record_graph(item.local_id))
                summary.deleted += 1
                continue
            try:
                result = source.mapping.map(item, context)
            except MappingError as exc:
                _reject(
                    summary,
                    quarantine,
                    meta,
                    minter,
                    RejectedRecord(
                        source.name,
                        item.origin or item.local_id,
                        exc.cause,
                        item.payload,
                        item.local_id,
                    ),
                )
                continue
            graphs[result.graph] = result.quads
            metadata.extend(record_meta_quads(meta, minter, item, result, mapping_label))
            summary.mapped += 1
            summary.quads += len(result.quads)
            summary.warnings.update(result.warnings)
            summary.local_terms.update(result.local_terms)
            summary.unparsed.update(result.unparsed)
        store.replace_graphs(graphs)
        store.remove_graphs(removed)
        store.replace_subjects(meta, [*graphs, *removed], metadata)
        summary.checkpoint = dict(harvester.checkpoint)
        if progress is not None:
            progress(summary)
    old = [
        NamedNode(row["q"])
        for row in store.select(
            f"SELECT ?q WHERE {{ GRAPH {meta} {{ ?q a {MUSEION.QuarantinedRecord} ; "
            f"{VOID.inDataset} {minter.dataset()} }} }}"
        )
    ]
    new = [q.subject for q in quarantine if q.predicate == RDF.type]
    store.replace_subjects(meta, old + [s for s in new if isinstance(s, NamedNode)], quarantine)
    store.flush()
    summary.checkpoint = dict(harvester.checkpoint)
    summary.seconds = time.monotonic() - started
    return summary


def _reject(
    summary: HarvestSummary,
    quarantine: list[Quad],
    meta: NamedNode,
    minter: Minter,
    rejected: RejectedRecord,
) -> None:
    summary.rejections.append(Rejection(rejected.local_id or rejected.origin, rejected.reason))
    quarantine.extend(quarantine_quads(meta, minter, rejected))


def source_counts(store: Store, config: Config) -> list[dict[str, object]]:
    """Per source: records, objects, persons, triples and quarantined records in the store."""
    meta = meta_graph(config.base_iri)
    rows = store.select(f"""
        SELECT ?dataset ?kind (COUNT(?g) AS ?n) WHERE {{
          GRAPH {meta} {{ ?g a {MUSEION.RecordGraph} ; {VOID.inDataset} ?dataset ;
                            {MUSEION.recordKind} ?kind }}
        }} GROUP BY ?dataset ?kind""")
    triples = store.select(f"""
        SELECT ?dataset (COUNT(*) AS ?n) WHERE {{
          GRAPH {meta} {{ ?g {VOID.inDataset} ?dataset }} GRAPH ?g {{ ?s ?p ?o }}
        }} GROUP BY ?dataset""")
    quarantined = store.select(f"""
        SELECT ?dataset (COUNT(?q) AS ?n) WHERE {{
          GRAPH {meta} {{ ?q a {MUSEION.QuarantinedRecord} ; {VOID.inDataset} ?dataset }}
        }} GROUP BY ?dataset""")
    out = []
    for source in config.sources:
        dataset = Minter(config.base_iri, source.name).dataset().value
        kinds = {r["kind"]: int(r["n"]) for r in rows if r["dataset"] == dataset}
        out.append(
            {
                "source": source.name,
                "partner": source.partner.label,
                "records": sum(kinds.values()),
                "objects": kinds.get("object", 0),
                "persons": kinds.get("person", 0),
                "triples": next((int(r["n"]) for r in triples if r["dataset"] == dataset), 0),
                "quarantined": next(
                    (int(r["n"]) for r in quarantined if r["dataset"] == dataset), 0
                ),
            }
        )
    return out
