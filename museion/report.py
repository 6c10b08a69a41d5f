"""Partner reports: what became of a source's records in a run, as JSON and as an HTML page.

A report covers one run (the latest by default): counts, every quarantined record with its
reason, field coverage of the source as the run leaves it, vocabulary terms nothing matched,
source fields the mapping never reads, the diff against the previously published run, and the
source's history of runs. Held and dry runs are reported as they *would* leave the source.
"""

from __future__ import annotations

from collections import Counter
from importlib import resources
from typing import Any

from jinja2 import Environment, select_autoescape

from museion_core.errors import HarvestError
from museion_core.vocab import MUSEION, VOID
from publish import HarvestSummary, RecordIndex, Run, RunStatus, meta_graph, now
from store import Store

from .config import Config, SourceConfig
from .coverage import OBJECT_ID, REPORTED, Coverage, fields_used

__all__ = ["LISTED", "build_report", "render_html", "source_counts"]

LISTED = 200
"""Record ids listed per diff section (all are counted)."""

_APPLIED = (RunStatus.APPLIED, RunStatus.PUBLISHED)


def build_report(source: SourceConfig, index: RecordIndex, run: Run) -> dict[str, Any]:
    summary = HarvestSummary.of_run(source.name, run)
    info = run.info()
    kinds, flags, fields = _source_as_left(source, index, run, summary.status in _APPLIED)
    objects = [local_id for local_id, kind in kinds.items() if kind == "object"]
    return {
        "source": source.name,
        "partner": source.partner.label,
        "generated": now(),
        "run": {
            "id": run.run_id,
            "status": summary.status,
            "started": info.get("started"),
            "ended": info.get("ended"),
            "mapping": info.get("mapping"),
            "reason": summary.reason,
            "remap": bool(info.get("remap")),
        },
        "counts": _counts(summary),
        "quarantined": [
            {"record": local_id, "origin": origin, "reason": reason}
            for origin, local_id, reason, _ in run.quarantined()
        ],
        "coverage": _coverage(objects, flags),
        "object_id": object_id_completeness(objects, flags),
        "local_terms": [
            {"scheme": s, "label": label, "records": n} for s, label, n in run.local_terms()
        ],
        "unparsed": [
            {"kind": kind, "text": text, "records": n} for kind, text, n in run.unparsed()
        ],
        "warnings": [{"text": text, "count": n} for text, n in run.warnings()[:50]],
        "unused_fields": _unused_fields(source, fields),
        "diff": _diff(source, index, run),
        "history": _history(source, index),
    }


def _counts(summary: HarvestSummary) -> dict[str, int]:
    return {
        "read": summary.read,
        "new": summary.new,
        "changed": summary.changed,
        "unchanged": summary.unchanged,
        "deleted": summary.deleted,
        "quarantined": summary.rejected,
        "records_before": summary.records_before,
        "records_after": summary.records_after,
    }


def _coverage(objects: list[str], flags: dict[str, int]) -> dict[str, Any]:
    """The share of objects that give each reported field, and the dates read as text only."""
    fields = [
        {"field": label, "records": n, "share": round(n / len(objects), 4) if objects else 0.0}
        for bit, label in REPORTED
        for n in [sum(1 for i in objects if flags[i] & bit)]
    ]
    undated = sum(1 for i in objects if flags[i] & Coverage.DATE_TEXT_ONLY)
    return {"objects": len(objects), "fields": fields, "dates_not_understood": undated}


def _diff(source: SourceConfig, index: RecordIndex, run: Run) -> dict[str, Any]:
    """What the run adds, changes and removes, against the last run published before it."""
    previous = [
        r
        for r in index.runs(source.name)
        if r.status == RunStatus.PUBLISHED and r.run_id < run.run_id
    ]
    removed = run.removed()
    added, changed = run.staged_ids("new"), run.staged_ids("changed")
    return {
        "against": previous[-1].run_id if previous else None,
        "added": added[:LISTED],
        "added_count": len(added),
        "changed": changed[:LISTED],
        "changed_count": len(changed),
        "removed": [{"record": i, "reason": r} for i, r in removed[:LISTED]],
        "removed_count": len(removed),
    }


def _history(source: SourceConfig, index: RecordIndex) -> list[dict[str, Any]]:
    return [
        {
            "run": r.run_id,
            "started": r.started,
            "status": r.status,
            "records": r.counts.get("records_after", 0),
            "new": r.counts.get("new", 0),
            "changed": r.counts.get("changed", 0),
            "deleted": r.counts.get("deleted", 0),
            "quarantined": r.counts.get("quarantined", 0),
        }
        for r in index.runs(source.name)
    ]


def object_id_completeness(objects: list[str], flags: dict[str, int]) -> dict[str, Any]:
    """ICOM Object ID completeness: per element, the share of objects that give it; per record,
    what it misses, the records that miss most first (they are the hardest to find if stolen)."""
    total = len(OBJECT_ID)
    elements = [
        {"element": label, "records": n, "share": round(n / len(objects), 4) if objects else 0.0}
        for bit, label in OBJECT_ID
        for n in [sum(1 for i in objects if flags[i] & bit)]
    ]
    missing = {i: [label for bit, label in OBJECT_ID if not flags[i] & bit] for i in objects}
    ranked = sorted(objects, key=lambda i: (-len(missing[i]), i))
    given = sum(total - len(m) for m in missing.values())
    return {
        "elements_total": total,
        "complete": sum(1 for m in missing.values() if not m),
        "share": round(given / (total * len(objects)), 4) if objects else 0.0,
        "elements": elements,
        "records": [
            {"record": i, "present": total - len(missing[i]), "missing": missing[i]}
            for i in ranked[:LISTED]
            if missing[i]
        ],
        "incomplete": sum(1 for m in missing.values() if m),
    }


def _source_as_left(
    source: SourceConfig, index: RecordIndex, run: Run, applied: bool
) -> tuple[dict[str, str], dict[str, int], dict[str, str]]:
    """Kind, coverage flags and filled source fields of every record the source holds after
    ``run`` (for a held or dry run: as it would hold them)."""
    kinds: dict[str, str] = {}
    flags: dict[str, int] = {}
    fields: dict[str, str] = {}
    for local_id, kind, bits, filled in index.kinds_flags_fields(source.name):
        kinds[local_id], flags[local_id], fields[local_id] = kind, bits, filled
    if not applied:
        for batch in run.staged():
            for staged in batch:
                kinds[staged.local_id], flags[staged.local_id] = staged.kind, staged.flags
                fields[staged.local_id] = staged.fields
        for local_id, _ in run.removed():
            kinds.pop(local_id, None)
            fields.pop(local_id, None)
    return kinds, flags, fields


def _unused_fields(source: SourceConfig, fields: dict[str, str]) -> list[dict[str, Any]] | None:
    reader = getattr(source.mapping, "fields_read", None)
    if reader is None:
        return None
    present: Counter[str] = Counter()
    for filled in fields.values():
        present.update(filled.split("\n") if filled else ())
    used = fields_used(present, reader())
    return [{"field": f, "records": n} for f, n in sorted(present.items()) if f not in used]


def latest_run(workspace_runs: list[Any], run_id: str | None, source: str) -> Run:
    """The run to report: ``run_id``, or the latest run of the source."""
    for directory in reversed(workspace_runs):
        if run_id is None or directory.name == run_id:
            return Run.open(directory)
    which = f"run {run_id}" if run_id else "any run"
    raise HarvestError(
        f"has no {which} to report (runs are kept for the last few harvests)", source=source
    )


# -- HTML -----------------------------------------------------------------------------------

_env = Environment(autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)


def render_html(report: dict[str, Any]) -> str:
    template = (
        resources.files("museion").joinpath("templates/report.html").read_text(encoding="utf-8")
    )
    return _env.from_string(template).render(r=report, bars=_bars(report))


def _bars(report: dict[str, Any]) -> dict[str, Any]:
    """Geometry for the two small SVG charts (coverage, records over runs)."""
    history = report["history"][-20:]
    top = max([h["records"] for h in history] + [1])
    return {
        "object_id": [
            {"label": e["element"], "share": e["share"], "width": round(e["share"] * 300, 1)}
            for e in report["object_id"]["elements"]
        ],
        "coverage": [
            {"label": f["field"], "share": f["share"], "width": round(f["share"] * 300, 1)}
            for f in report["coverage"]["fields"]
        ],
        "history": [
            {
                "run": h["run"],
                "status": h["status"],
                "records": h["records"],
                "height": round(h["records"] / top * 100, 1),
                "x": 10 + n * 26,
            }
            for n, h in enumerate(history)
        ],
    }


# -- stats ----------------------------------------------------------------------------------


def source_counts(store: Store, config: Config) -> list[dict[str, object]]:
    """Per source: records, objects, persons, triples and quarantined records in a store."""
    meta = meta_graph(config.base_iri)
    rows = store.select(f"""
        SELECT ?dataset ?kind (COUNT(?g) AS ?n) WHERE {{
          GRAPH {meta} {{ ?g a {MUSEION.RecordGraph} ; {VOID.inDataset} ?dataset ;
                            {MUSEION.recordKind} ?kind }}
        }} GROUP BY ?dataset ?kind""")
    triples = store.select(f"""
        SELECT ?dataset (COUNT(*) AS ?n) WHERE {{
          GRAPH {meta} {{ ?g a {MUSEION.RecordGraph} ; {VOID.inDataset} ?dataset }}
          GRAPH ?g {{ ?s ?p ?o }}
        }} GROUP BY ?dataset""")
    quarantined = store.select(f"""
        SELECT ?dataset (COUNT(?q) AS ?n) WHERE {{
          GRAPH {meta} {{ ?q a {MUSEION.QuarantinedRecord} ; {VOID.inDataset} ?dataset }}
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
                "persons": kinds.get("person", 0),
                "triples": next((int(r["n"]) for r in triples if r["dataset"] == dataset), 0),
                "quarantined": next(
                    (int(r["n"]) for r in quarantined if r["dataset"] == dataset), 0
                ),
            }
        )
    return out
