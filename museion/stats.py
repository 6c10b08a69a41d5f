"""Museion's figures per source, read from a store: what ``museion stats`` prints.

Apart from the partner report (``museion.report``), which reads a run and the record index:
these are counted by SPARQL over the published graphs, whatever run put them there.
"""

from __future__ import annotations

from museion_core.vocab import CRM, MUSEION, VOID
from publish import dataset_graphs, meta_graph
from store import Store

from .config import Config


def source_counts(store: Store, config: Config) -> list[dict[str, object]]:
    """Per source: records, objects, persons, triples and quarantined records in a store."""
    meta = meta_graph(config.base_iri)
    # A source's graphs: its records', and the entity graph of what they share (an artist's
    # names, said once for all the records that name them).
    graphs = dataset_graphs(
        config.base_iri,
        meta.value,
        {f"{config.base_iri}dataset/{s.name}": s.name for s in config.sources},
    )
    rows = store.select(f"""
        SELECT ?dataset ?kind (COUNT(?g) AS ?n) WHERE {{
          GRAPH {meta} {{ ?g a {MUSEION.RecordGraph} ; {VOID.inDataset} ?dataset ;
                            {MUSEION.recordKind} ?kind }}
        }} GROUP BY ?dataset ?kind""")
    triples = store.select(f"""
        SELECT ?dataset (COUNT(*) AS ?n) WHERE {{
          {graphs}
          GRAPH ?g {{ ?s ?p ?o }}
        }} GROUP BY ?dataset""")
    quarantined = store.select(f"""
        SELECT ?dataset (COUNT(?q) AS ?n) WHERE {{
          GRAPH {meta} {{ ?q a {MUSEION.QuarantinedRecord} ; {VOID.inDataset} ?dataset }}
        }} GROUP BY ?dataset""")
    # The persons a source's records describe: records of their own (Tate's artists) or
    # named by the objects' records (LIDO's actors), each once.
    persons = store.select(f"""
        SELECT ?dataset (COUNT(DISTINCT ?p) AS ?n) WHERE {{
          {graphs}
          GRAPH ?g {{ ?p a {CRM.E21_Person} }}
        }} GROUP BY ?dataset""")
    out = []
    for source in config.sources:
        dataset = f"{config.base_iri}dataset/{source.name}"
        kinds = {r["kind"]: int(r["n"]) for r in rows if r["dataset"] == dataset}
        out.append(
            {
                "source": source.name,
                "partner": source.partner.label,
                "records": sum(kinds.values()),
                "objects": kinds.get("object", 0),
                "persons": next((int(r["n"]) for r in persons if r["dataset"] == dataset), 0),
                "triples": next((int(r["n"]) for r in triples if r["dataset"] == dataset), 0),
                "quarantined": next(
                    (int(r["n"]) for r in quarantined if r["dataset"] == dataset), 0
                ),
            }
        )
    return out
