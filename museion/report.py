"""Partner reports: what became of a source's records in a run, as JSON and as an HTML page.

A report covers one run (the latest by default): counts, every quarantined record with its
reason, field coverage of the source as the run leaves it, vocabulary terms nothing matched,
source fields the mapping never reads, the diff against the previously published run, and the
source's history of runs. Held and dry runs are reported as they *would* leave the source.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
import json
import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harvesters import location_folder
from museion_core.errors import HarvestError
from museion_core.vocab import CRM, MUSEION, VOID
from publish import (
    HarvestSummary,
    RecordIndex,
    RecordNotes,
    Run,
    RunStatus,
    meta_graph,
    now,
    write_atomically,
)
from sparql import failure_note, report_html
from store import Store

from .config import Config, SourceConfig
from .coverage import OBJECT_ID, REPORTED, Coverage, fields_read, fields_used
from .edits import SHOWN, payload_edits

__all__ = [
    "LISTED",
    "build_report",
    "clear_failure",
    "note_failure",
    "render_html",
    "source_counts",
    "write_report",
]

log = logging.getLogger("museion.report")

LISTED = 200
"""Record ids listed per diff section (all are counted)."""
EXAMPLES = 5
"""Record ids listed for each term no vocabulary knew, text kept without values and warning."""

_APPLIED = (RunStatus.APPLIED, RunStatus.PUBLISHED)


def build_report(source: SourceConfig, index: RecordIndex, run: Run) -> dict[str, Any]:
    summary = HarvestSummary.of_run(source.name, run)
    info = run.info()
    held = None if summary.status in _APPLIED else _Held.of(run)
    tally = _Tally.of(_source_as_left(source.name, index, held))
    notes = _Notes.of(source.name, index, held)
    reads = _Reads.of(source.mapping, tally.present)
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
        "coverage": tally.coverage(),
        "object_id": tally.object_id(),
        "local_terms": [
            {"scheme": s, "label": label, "records": n, "examples": notes.records((s, label))}
            for (s, label), n in notes.local_terms()
        ],
        "unparsed": [
            {"kind": kind, "text": text, "records": n, "examples": notes.records((kind, text))}
            for (kind, text), n in notes.unparsed()
        ],
        "warnings": [
            *_run_warnings(run, notes.warnings()),
            *(
                {"text": text, "count": n, "examples": notes.records(text)}
                for text, n in notes.warnings()[:50]
            ),
        ],
        "notes_unknown": notes.unknown,
        # a TOML mapping, whose [vocab.*] tables map terms (LIDO and Linked Art are code)
        "vocab_tables": reads is not None,
        "unused_fields": _unused_fields(reads, tally.present),
        "missing_fields": _missing_fields(reads, tally.present),
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


def _run_warnings(run: Run, of_records: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """What the run itself said that no record's notes hold (a file it could not read at all,
    so that nothing was withdrawn; a row repeated in the feed), first: the records' notes
    count over every record the source holds, these only over this run."""
    said = {text for text, _ in of_records}
    return [
        {"text": text, "count": n, "examples": []} for text, n in run.warnings() if text not in said
    ]


def note_edits(index: RecordIndex, run: Run, source: str) -> None:
    """Keep in ``run``, for the changed records its report names, what changed in each: the
    fields whose values differ from the version the index holds. Called before the run is
    applied, while the index still holds the version published before."""
    listed = run.staged_ids("changed")[:LISTED]
    edits = {}
    for local_id, (media_type, payload) in run.staged_payloads(listed).items():
        before = index.payload(source, local_id)
        if before is None:
            continue
        found = payload_edits(media_type, before, payload)
        shown = [edit.as_json() for edit in found[:SHOWN]]
        edits[local_id] = json.dumps({"fields": shown, "more": len(found) - len(shown)})
    if edits:
        run.note_edits(edits)


def _diff(source: SourceConfig, index: RecordIndex, run: Run) -> dict[str, Any]:
    """What the run adds, changes and removes, against the last run published before it."""
    previous = [
        r
        for r in index.runs(source.name)
        if r.status == RunStatus.PUBLISHED and r.run_id < run.run_id
    ]
    removed = run.removed()
    added, changed = run.staged_ids("new"), run.staged_ids("changed")
    edits = run.edits()
    return {
        "against": previous[-1].run_id if previous else None,
        "added": added[:LISTED],
        "added_count": len(added),
        "changed": changed[:LISTED],
        "changed_count": len(changed),
        "edits": {i: json.loads(edits[i]) for i in changed[:LISTED] if i in edits},
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


Row = tuple[str, str, int, str]
"""(local id, kind, coverage flags, filled source fields) of a record."""


@dataclass
class _Held:
    """What a held or dry run would change of its source: the records it staged (with their
    notes) and those it would remove."""

    staged: dict[str, tuple[Row, str | None]]
    removed: set[str]

    @classmethod
    def of(cls, run: Run) -> _Held:
        staged = {
            r.local_id: ((r.local_id, r.kind, r.flags, r.fields), r.notes)
            for batch in run.staged()
            for r in batch
        }
        return cls(staged, {local_id for local_id, _ in run.removed()})

    def replaces(self, local_id: str) -> bool:
        return local_id in self.staged or local_id in self.removed


def _source_as_left(source: str, index: RecordIndex, held: _Held | None) -> Iterator[Row]:
    """Every record the source holds after its run (for a held or dry run, ``held``: as it
    would hold them), one at a time. Gathered in dicts, all of them added 50-65 MB per 50,000
    records to a harvest's peak RSS (at 100,000 records, the largest part of it that still
    grew with the collection); now only a held or dry run's own records are held."""
    if held is None:
        yield from index.kinds_flags_fields(source)
        return
    for row in index.kinds_flags_fields(source):
        if not held.replaces(row[0]):
            yield row
    yield from (row for local_id, (row, _) in held.staged.items() if local_id not in held.removed)


@dataclass
class _Notes:
    """What the mapping noted of the source's records as its run leaves them: the terms no
    vocabulary knew, the texts kept without values and the warnings, counted over every
    record the source holds, not only over those the run mapped again (a re-harvest that
    changed four records said "every term matched a vocabulary"). ``unknown``: records mapped
    before Museion kept these notes (they count once mapped again: ``museion remap``)."""

    terms: Counter[tuple[str, str]] = field(default_factory=Counter)
    texts: Counter[tuple[str, str]] = field(default_factory=Counter)
    said: Counter[str] = field(default_factory=Counter)
    unknown: int = 0
    examples: dict[object, list[str]] = field(default_factory=dict)
    """The first ``EXAMPLES`` records (in id order) of each term, text and warning: which
    records to open, not only how many."""

    @classmethod
    def of(cls, source: str, index: RecordIndex, held: _Held | None) -> _Notes:
        found = cls()
        for local_id, text in index.notes(source):
            if held is None or not held.replaces(local_id):
                found.add(text, local_id)
        unknown = index.unnoted(source)
        if held is not None:
            unknown = {i for i in unknown if not held.replaces(i)}
            for local_id, (_, staged_notes) in held.staged.items():
                if local_id in held.removed:
                    continue
                if staged_notes is None:  # staged by an earlier Museion
                    unknown.add(local_id)
                else:
                    found.add(staged_notes, local_id)
        found.unknown = len(unknown)
        return found

    def add(self, text: str, local_id: str) -> None:
        notes = RecordNotes.of_text(text)
        self.terms.update(notes.local_terms)
        self.texts.update(notes.unparsed)
        self.said.update(notes.warnings)
        for key in {*notes.local_terms, *notes.unparsed, *notes.warnings}:
            listed = self.examples.setdefault(key, [])
            if len(listed) < EXAMPLES or local_id < listed[-1]:
                bisect.insort(listed, local_id)  # the first EXAMPLES by id, whatever order
                del listed[EXAMPLES:]

    def records(self, key: object) -> list[str]:
        return self.examples.get(key, [])

    def local_terms(self) -> list[tuple[tuple[str, str], int]]:
        """By vocabulary, the commonest first (as a run lists them)."""
        return sorted(self.terms.items(), key=lambda t: (t[0][0], -t[1], t[0][1]))

    def unparsed(self) -> list[tuple[tuple[str, str], int]]:
        return sorted(self.texts.items(), key=lambda t: (t[0][0], -t[1], t[0][1]))

    def warnings(self) -> list[tuple[str, int]]:
        return sorted(self.said.items(), key=lambda t: (-t[1], t[0]))


@dataclass
class _Tally:
    """What a report counts over a source's records, gathered in one pass over them."""

    objects: int = 0
    reported: Counter[int] = field(default_factory=Counter)
    undated: int = 0
    identified: Counter[int] = field(default_factory=Counter)
    complete: int = 0
    given: int = 0
    worst: list[tuple[int, str, list[str]]] = field(default_factory=list)
    """The objects missing most Object ID elements (at most ``LISTED``): (-missing, id, labels)."""
    incomplete: int = 0
    present: Counter[str] = field(default_factory=Counter)
    """How many records fill each source field."""

    @classmethod
    def of(cls, rows: Iterable[Row]) -> _Tally:
        tally = cls()
        flags = Counter[int]()
        tally.worst = heapq.nsmallest(LISTED, tally._missing(rows, flags))
        for value, count in flags.items():  # a few hundred values at most, not every object
            present = Coverage(value)
            tally.reported.update({bit: count for bit, _ in REPORTED if present & bit})
            tally.undated += count * bool(present & Coverage.DATE_TEXT_ONLY)
            given = [bit for bit, _ in OBJECT_ID if present & bit]
            tally.identified.update(dict.fromkeys(given, count))
            tally.given += count * len(given)
        return tally

    def _missing(
        self, rows: Iterable[Row], flags: Counter[int]
    ) -> Iterator[tuple[int, str, list[str]]]:
        """Count every row (each object's coverage flags into ``flags``); yield the objects
        that miss an Object ID element."""
        missing_of: dict[int, list[str]] = {}
        for local_id, kind, value, filled in rows:
            self.present.update(filled.split("\n") if filled else ())
            if kind != "object":
                continue
            self.objects += 1
            flags[value] += 1
            missing = missing_of.get(value)
            if missing is None:
                missing = missing_of[value] = [lb for b, lb in OBJECT_ID if not value & b]
            if missing:
                self.incomplete += 1
                yield (-len(missing), local_id, list(missing))
            else:
                self.complete += 1

    def _share(self, n: int) -> float:
        return round(n / self.objects, 4) if self.objects else 0.0

    def coverage(self) -> dict[str, Any]:
        """The share of objects that give each reported field, and the dates read as text only."""
        fields = [
            {
                "field": label,
                "records": self.reported[bit],
                "share": self._share(self.reported[bit]),
            }
            for bit, label in REPORTED
        ]
        return {"objects": self.objects, "fields": fields, "dates_not_understood": self.undated}

    def object_id(self) -> dict[str, Any]:
        """ICOM Object ID completeness: per element, the share of objects that give it; per
        record, what it misses, the records that miss most first (they are the hardest to find
        if stolen)."""
        total = len(OBJECT_ID)
        return {
            "elements_total": total,
            "complete": self.complete,
            "share": round(self.given / (total * self.objects), 4) if self.objects else 0.0,
            "elements": [
                {
                    "element": label,
                    "records": self.identified[bit],
                    "share": self._share(self.identified[bit]),
                }
                for bit, label in OBJECT_ID
            ],
            "records": [
                {"record": local_id, "present": total + minus, "missing": missing}
                for minus, local_id, missing in self.worst
            ],
            "incomplete": self.incomplete,
        }


@dataclass(frozen=True)
class _Reads:
    """What the mapping reads of the fields the source's records fill, worked out once for
    the report's unused and missing fields (each had read the mapping's fields again)."""

    read: list[str]
    """The field paths the mapping reads, without ``[]``, sorted."""
    unread: list[str]
    """The fields the records fill that the mapping never reads (``fields_used``), in the
    order the records first filled them."""

    @classmethod
    def of(cls, mapping: object, present: Counter[str]) -> _Reads | None:
        """None for a mapping that does not list the fields it reads (a Python mapping)."""
        read = fields_read(mapping)
        if read is None:
            return None
        used = fields_used(present, read)
        return cls(read, [f for f in present if f not in used])


def _unused_fields(reads: _Reads | None, present: Counter[str]) -> list[dict[str, Any]] | None:
    if reads is None:
        return None
    return [{"field": f, "records": present[f]} for f in sorted(reads.unread)]


def _missing_fields(reads: _Reads | None, present: Counter[str]) -> list[dict[str, Any]]:
    """The fields the mapping reads that no record of the run fills and that a field the
    records fill, which the mapping never reads, resembles: a column typed "Matériaus" in the
    export, which the mapping reads as "Matériaux", otherwise empties every record's materials
    without a word. A field with no such likeness is not listed: a column the file has but
    leaves empty (one row without an artist) is not missing, and is in no record either."""
    if reads is None or not present:
        return []
    filled = list(present)
    missing = []
    for path in reads.read:
        if any(f == path or f.startswith(path + ".") for f in filled):
            continue
        close = difflib.get_close_matches(path, reads.unread, n=1, cutoff=0.75)
        if close:
            missing.append({"field": path, "like": close[0]})
    return missing


def latest_run(workspace_runs: list[Any], run_id: str | None, source: str) -> Run:
    """The run to report: ``run_id``, or the latest run of the source."""
    for directory in reversed(workspace_runs):
        if run_id is None or directory.name == run_id:
            return Run.open(directory)
    what = f"has no run {run_id} to report" if run_id else "has no run to report yet"
    raise HarvestError(f"{what} (runs are kept for the last few harvests)", source=source)


# -- HTML -----------------------------------------------------------------------------------


def render_html(report: dict[str, Any], lang: str = "en") -> str:
    """The report as a page in ``lang`` (English unless asked: ``sparql.report_html``, with
    which the endpoint renders the same JSON in each reader's language)."""
    return report_html(report, lang)


def write_report(folder: Path, source: SourceConfig, index: RecordIndex, run: Run) -> None:
    """The partner report of the source's latest run, as JSON and HTML, in ``folder`` for the
    endpoint (``/sources/NAME``) and for anyone with the data directory; an upload's also
    where its partner reads it (the upload's own folder)."""
    report = build_report(source, index, run)
    folders = [(folder, source.name)]
    if run.info().get("report_dir"):
        folders.append((Path(run.info()["report_dir"]), "report"))
    texts = (
        ("json", json.dumps(report, indent=2, ensure_ascii=False)),
        ("html", render_html(report)),
    )
    for where, stem in folders:
        where.mkdir(parents=True, exist_ok=True)
        for suffix, text in texts:
            write_atomically(where / f"{stem}.{suffix}", text)


# -- a harvest that failed ------------------------------------------------------------------


def note_failure(folder: Path, source: SourceConfig, error: HarvestError, config: Path) -> None:
    """Keep, for the partner's page (``/sources/NAME``), that the source's harvest failed before
    its run could be judged, and why: its report would otherwise go on showing the run before
    as if nothing had happened. The page is public: the folder of the configuration (where
    relative locations start) is taken out of the reason, and so is the source's own location
    folder. A note that cannot be written is logged; the other sources' harvests go on."""
    reason = " ".join(error.cause.split())
    for path in _folders(config, source.location):
        reason = reason.replace(f"{path}{os.sep}", "")
    note = failure_note(folder, source.name)
    text = {"at": now(), "reason": reason, "partner": source.partner.label}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(note, json.dumps(text, ensure_ascii=False))
    except OSError as exc:
        log.warning("cannot note the failed harvest of %s in %s: %s", source.name, note, exc)


def _folders(config: Path, location: str) -> list[str]:
    """The folders a failure's reason may name: the configuration's, and the one the location
    names (``harvesters.location_folder``, as record origins are named from; resolved too, as
    the harvester may name either), the longest first."""
    found = {str(config.resolve().parent), str(config.parent.absolute())}
    folder = location_folder(location)
    if folder is not None:
        found |= {str(folder), str(Path(folder).resolve())}
    return sorted((f for f in found if f not in ("", ".", os.sep)), key=len, reverse=True)


def clear_failure(folder: Path, source: str) -> None:
    """The source's feed was read and its run judged: a note of an earlier failure is stale."""
    try:
        failure_note(folder, source).unlink(missing_ok=True)
    except OSError as exc:
        log.warning("cannot remove the stale failure note of %s: %s", source, exc)


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
    # The persons a source's records describe: records of their own (Tate's artists) or
    # described inside the objects' records (LIDO's actors), each once.
    persons = store.select(f"""
        SELECT ?dataset (COUNT(DISTINCT ?p) AS ?n) WHERE {{
          GRAPH {meta} {{ ?g a {MUSEION.RecordGraph} ; {VOID.inDataset} ?dataset }}
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
