"""Partner reports: what became of a source's records in a run, as JSON and as an HTML page.

A report covers one run (the latest by default): counts, every quarantined record with its
reason, field coverage of the source as the run leaves it, vocabulary terms nothing matched,
source fields the mapping never reads, the diff against the previously published run, and the
source's history of runs. Held and dry runs are reported as they *would* leave the source.

This module assembles a report from the run and writes it (the page is rendered by
``sparql.report_html``), and keeps the note of a harvest that failed before its run could be
judged. What is counted over the source's records is ``museion.report_records``; the store's
figures per source (``source_counts``, re-exported here) are ``museion.stats``.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from harvesters import location_folder
from museion_core.errors import HarvestError
from publish import HarvestSummary, RecordIndex, Run, RunKind, RunStatus, now, write_atomically
from sparql import failure_note, report_html

from .config import SourceConfig
from .edits import SHOWN, payload_edits
from .report_records import (
    LISTED,
    _Held,
    _missing_fields,
    _Notes,
    _Reads,
    _source_as_left,
    _Tally,
    _unused_fields,
)
from .stats import source_counts

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
        # the partner sends its files (it has an upload token): a held run's advice is to
        # upload again, where a harvested source's partner mends its feed
        "uploads": source.partner.upload_token() is not None,
        "generated": now(),
        "run": {
            "id": run.run_id,
            "status": summary.status,
            "started": info.get("started"),
            "ended": info.get("ended"),
            "mapping": info.get("mapping"),
            "reason": summary.reason,
            # how the run came about (harvest, upload, remap: ``publish.RunKind``); a report
            # written before it was said has "remap" alone, kept for such readers
            "kind": RunKind.of_info(info),
            "remap": bool(info.get("remap")),
            # the snapshot that holds the data as the run left it; "new_snapshot": its harvest
            # published that snapshot (else the one before stayed); "wrote_nothing": the run
            # changed nothing
            "snapshot": summary.snapshot,
            "new_snapshot": summary.new_snapshot,
            "wrote_nothing": summary.wrote_nothing,
        },
        "counts": _counts(summary),
        "quarantined": _quarantined(run),
        "coverage": tally.coverage(),
        "object_id": tally.object_id(),
        "local_terms": [
            {"scheme": s, "label": label, "records": n, "examples": notes.records((s, label))}
            for (s, label), n in notes.local_terms()
        ],
        "unparsed": [
            {"kind": k, "text": t, "field": f, "records": n, "examples": notes.records((k, t, f))}
            for (k, t, f), n in notes.unparsed()
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


def _quarantined(run: Run) -> list[dict[str, Any]]:
    """The source's quarantine as the run leaves it: what the run quarantined, then what
    earlier runs did and it left there ("earlier": after a remap, an incremental harvest), but
    an entry the run's own replaced (the store refused, while applying, a record read there)."""
    own = run.quarantined()
    places = {entry.origin for entry in own}
    earlier = [entry for entry in run.standing() if entry.origin not in places]
    return [
        {"record": local_id, "origin": origin, "reason": reason, "earlier": before}
        for before, entries in ((False, own), (True, earlier))
        for origin, local_id, reason, _ in entries
    ]


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
    if run.info().get("wrote_nothing"):
        changed = []  # staged to be mapped again (a remap), each found as the store held it
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


def note_failure(
    folder: Path, source: SourceConfig, error: HarvestError | str, config: Path
) -> None:
    """Keep, for the partner's page (``/sources/NAME``), that the source's harvest failed before
    it was published, and why: its report would otherwise go on showing the run before as if
    nothing had happened. ``error``: its feed's error, or a message that says why in words the
    partner's page translates (the store failed: ``messages.HARVEST_NOT_WRITTEN``). The page is
    public: the folder of the configuration (where relative locations start) is taken out of
    the reason, and so is the source's own location folder. A note that cannot be written is
    logged; the other sources' harvests go on."""
    reason = " ".join((error if isinstance(error, str) else error.cause).split())
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
