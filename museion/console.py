"""What the command line prints: progress, run summaries, reports and query results.

Data goes to stdout; progress, summaries and messages to stderr, so output can be piped.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

import sparql
from museion_core import messages
from publish import HarvestSummary, RunStatus

from .report import render_html

__all__ = [
    "counted",
    "emit_report",
    "err",
    "out",
    "print_results",
    "print_summary",
    "progress",
]

SHOWN_REJECTIONS = 20
SHOWN_KINDS = 5
"""Kinds of warning, or of quarantine reason, summed up (``museion_core.messages.kinds``):
a fault of the export is one line, not one per record."""
SUMMED_ABOVE = 5
"""Quarantined records above which ``museion report`` first sums them up by kind."""

UNWRAPPED = 10_000
"""The width of a console writing to a file or a pipe: no line of it is broken."""


def _console(stream: TextIO, **options: Any) -> Console:
    """A console for ``stream``, as wide as the terminal when it is one. Written to a file or
    a pipe — the log of a cron job, ``2>&1 | tee`` — a message is one line and a table keeps
    its cells whole, however long: Rich would break them at 80 columns, and a log's reader
    (or ``grep error:``) then finds half an error. ``COLUMNS`` still sets a width."""
    wrapped = stream.isatty() or "COLUMNS" in os.environ
    return Console(width=None if wrapped else UNWRAPPED, highlight=False, emoji=False, **options)


err = _console(sys.stderr, stderr=True)
out = _console(sys.stdout, soft_wrap=True)


def counted(number: int, noun: str, plural: str = "") -> str:
    """``number`` and its noun, singular for one: "1 record", "2 records" (the terminal speaks
    English; the pages' plural forms are ``sparql.i18n``'s)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


@contextmanager
def progress(doing: str = "harvesting") -> Iterator[Callable[[HarvestSummary], None]]:
    """A spinner on a terminal, saying ``doing`` ("harvesting", "remapping"...) until the
    run's first counts replace it; the function yielded gives it a run's counts."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(doing)

        def update(summary: HarvestSummary) -> None:
            progress.update(
                task,
                description=(
                    f"{summary.source}: {summary.read} read, {summary.mapped} mapped, "
                    f"{summary.unchanged} unchanged, {summary.rejected} rejected"
                ),
            )

        yield update


def _where_unchanged(summary: HarvestSummary) -> str:
    """Where an unchanged run's records are: the snapshot its harvest published, or the one
    that stayed; only named for a run recorded before that was (``snapshot_is_new``)."""
    if summary.new_snapshot is None:
        return f"in snapshot {summary.snapshot}"
    if summary.new_snapshot:
        return f"in the new snapshot {summary.snapshot}"
    return f"still served from snapshot {summary.snapshot} (no new snapshot)"


def print_summary(summary: HarvestSummary) -> None:
    err.print(
        f"[bold]{summary.source}[/]: {counted(summary.read, 'record')} read: {summary.new} new, "
        f"{summary.changed} changed, {summary.unchanged} unchanged, {summary.deleted} withdrawn, "
        f"{summary.rejected} rejected ({summary.quads} triples written, {summary.seconds:.1f} s)"
    )
    for rejection in summary.rejections[:SHOWN_REJECTIONS]:
        err.print(f"  [red]rejected[/] {escape(rejection.line(summary.source))}")
    if summary.rejected > SHOWN_REJECTIONS:
        err.print(
            f"  … and {counted(summary.rejected - SHOWN_REJECTIONS, 'more rejected record')} "
            f"(museion report {summary.source} lists them all)"
        )
    for kind in ("date", "dimensions"):
        texts = [(text, at) for (what, text, at) in summary.unparsed if what == kind]
        if texts:
            count = sum(n for (what, _, _), n in summary.unparsed.items() if what == kind)
            shown = ", ".join(f"{t!r}{f' in {at!r}' if at else ''}" for t, at in texts[:3])
            more = ", …" if len(texts) > 3 else ""
            said = f"{counted(count, kind + ' text')} kept without values: {shown}{more}"
            err.print(f"  {escape(said)}")
    if summary.warnings:
        err.print(f"  {counted(sum(summary.warnings.values()), 'warning')}, most common:")
        for warned in messages.kinds(summary.warnings.items())[:SHOWN_KINDS]:
            err.print(f"    {warned.count} × {escape(warned.english)}")
    if summary.local_terms:
        err.print(
            f"  {counted(len(summary.local_terms), 'term')} matched no vocabulary (kept as local "
            "terms; see the report)"
        )
    if summary.status == RunStatus.FAILED:
        err.print(f"  [bold red]failed, not published:[/] {escape(summary.reason or '')}")
    if summary.status == RunStatus.HELD:
        err.print(f"  [bold red]held, not published:[/] {escape(summary.reason or '')}")
        err.print(f"  (museion publish {summary.source} --force publishes it anyway)")
    elif summary.status == RunStatus.CHECKED and summary.reason:
        err.print(f"  [bold red]a harvest would be held:[/] {escape(summary.reason)}")
    elif summary.wrote_nothing and summary.snapshot:
        # a remap reads no feed: what stayed the same is what its mapping made of the records
        same = "the mapping gave the same output" if summary.remap else "nothing changed"
        records = counted(summary.records_after, "record")
        err.print(f"  {summary.status}: {records}, {same}: {_where_unchanged(summary)}")
    else:
        err.print(f"  {summary.status}: {counted(summary.records_after, 'record')}")


def emit_report(
    data: dict[str, Any], as_json: bool, html_file: Path | None, lang: str = "en"
) -> None:
    if html_file is not None:
        html_file.parent.mkdir(parents=True, exist_ok=True)
        html_file.write_text(render_html(data, lang), encoding="utf-8")
        err.print(f"wrote {html_file}")
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif html_file is None:
        print_report(data)


def print_report(data: dict[str, Any]) -> None:
    run, counts = data["run"], data["counts"]
    out.print(
        f"[bold]{escape(data['partner'])}[/] ({data['source']}), run {run['id']}: {run['status']}"
    )
    failed = data.get("latest_harvest_failed")
    if failed:
        reason = escape(failed["reason"])
        out.print(f"  [red]the latest harvest failed ({failed['at']}): {reason}[/]")
        if run["status"] in (RunStatus.STAGING, RunStatus.APPLYING):
            out.print(f"  [red]it left this run {run['status']}: the next harvest takes it up[/]")
    if run["reason"]:
        out.print(f"  [red]{escape(run['reason'])}[/]")
    out.print(
        "  "
        + ", ".join(
            f"{counts[k]} {k}"
            for k in ("read", "new", "changed", "unchanged", "deleted", "quarantined")
        )
    )
    out.print(f"  records: {counts['records_before']} → {counts['records_after']}")
    table = Table("coverage", "objects", "share", header_style="bold")
    for row in data["coverage"]["fields"]:
        table.add_row(row["field"], str(row["records"]), f"{row['share']:.1%}")
    out.print(table)
    print_object_id(data)
    quarantined = data["quarantined"]
    if len(quarantined) > SUMMED_ABOVE:
        out.print(f"  {len(quarantined)} quarantined, most common reasons:")
        for held in messages.kinds((q["reason"], 1) for q in quarantined)[:SHOWN_KINDS]:
            out.print(f"    {held.count} × {escape(held.english)}")
    for q in quarantined:
        where = escape(messages.record_name(q["record"], q["origin"]))
        earlier = " (by an earlier run, still in quarantine)" if q.get("earlier") else ""
        out.print(f"  [red]quarantined[/] {where}: {escape(q['reason'])}{earlier}")
    print_notes(data)
    for gone in data.get("missing_fields", []):
        like = f" (the records have {gone['like']!r}: a typo?)"
        if gone.get("differs"):  # two names that look the same: what tells them apart
            like = f" (the records have {gone['like']!r}: {gone['differs']})"
        out.print(
            f"  [yellow]no record fills {escape(repr(gone['field']))}[/], "
            f"which the mapping reads{escape(like)}"
        )
    if data["unused_fields"]:
        out.print(
            "  fields the mapping never reads: "
            + ", ".join(f["field"] for f in data["unused_fields"])
        )
    print_diff(data["diff"])


def print_diff(diff: dict[str, Any], shown: int = 20) -> None:
    """The counts against the previous published run, then which records: the first
    ``shown`` of each (``--json`` and ``--html`` list more), a removal with its reason."""
    out.print(
        f"  since the previous published run: {diff['added_count']} added, "
        f"{diff['changed_count']} changed, {diff['removed_count']} removed"
    )
    sections = (
        ("added", [escape(i) for i in diff["added"]]),
        ("changed", [escape(i) for i in diff["changed"]]),
        ("removed", [f"{escape(r['record'])} ({escape(r['reason'])})" for r in diff["removed"]]),
    )
    for name, listed in sections:
        if not listed:
            continue
        more = diff[f"{name}_count"] - min(len(listed), shown)
        tail = f", … and {more} more" if more > 0 else ""
        out.print(f"    {name}: " + ", ".join(listed[:shown]) + tail)
        if name == "changed":
            print_edits(diff, shown)


def print_edits(diff: dict[str, Any], shown: int) -> None:
    """What changed in each changed record listed: field, value before, value now."""
    for local_id in diff["changed"][:shown]:
        edit = diff.get("edits", {}).get(local_id)
        if not edit:
            continue
        fields = [f"{f['field']} {f['before']!r} → {f['after']!r}" for f in edit["fields"]]
        if edit["more"]:
            fields.append(f"{edit['more']} more fields")
        said = "; ".join(fields) or "the same in the export (a new version of the mapping)"
        out.print(f"      {escape(local_id)}: {escape(said)}")


def print_notes(data: dict[str, Any], shown: int = 20) -> None:
    """The terms no vocabulary knew, the texts kept without values and the warnings, over the
    records the source holds (the harvest's summary points here for them)."""
    sections = (
        ("term", "no vocabulary knew", data["local_terms"], "{scheme}: {label}", "records"),
        ("text", "kept without values", _unread(data["unparsed"]), "{kind}: {text}", "records"),
        ("warning", "", data["warnings"], "{text}", "count"),
    )
    for noun, title, rows, form, count in sections:
        if not rows:
            continue
        out.print(f"  {' '.join(filter(None, (counted(len(rows), noun), title)))}:")
        for row in rows[:shown]:
            out.print(f"    {row[count]} × {escape(form.format(**row))}{_examples(row)}")
        if len(rows) > shown:
            out.print(f"    … and {len(rows) - shown} more (--json or --html lists them)")
    if data.get("notes_unknown"):
        out.print(
            f"  ({counted(data['notes_unknown'], 'record')} mapped before Museion kept these "
            "notes: "
            f"`museion remap {data['source']}` counts them too)"
        )


def _unread(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The texts kept without values, each kind with the source field it came from ("date
    (Date)"): a report written before the field was kept has none."""
    return [
        {**row, "kind": f"{row['kind']} ({row['field']})" if row.get("field") else row["kind"]}
        for row in rows
    ]


def _examples(row: dict[str, Any]) -> str:
    """ " (in A-1, A-7, … )": the first records a note concerns, so a partner can open them."""
    shown = row.get("examples") or []
    if not shown:
        return ""
    more = ", …" if (row.get("records") or row.get("count") or 0) > len(shown) else ""
    return " (in " + escape(", ".join(shown)) + more + ")"


def print_object_id(data: dict[str, Any], shown: int = 10) -> None:
    """ICOM Object ID completeness: per element, then the records that miss most."""
    oid = data["object_id"]
    out.print(
        f"  Object ID: {oid['share']:.1%} of the elements given; {oid['complete']} of "
        f"{data['coverage']['objects']} objects complete"
    )
    table = Table("Object ID element", "objects", "share", header_style="bold")
    for row in oid["elements"]:
        table.add_row(row["element"], str(row["records"]), f"{row['share']:.1%}")
    out.print(table)
    for row in oid["records"][:shown]:
        out.print(
            f"  {escape(row['record'])}: {row['present']}/{oid['elements_total']}, missing "
            + escape(", ".join(row["missing"]))
        )
    if oid["incomplete"] > shown:
        out.print(f"  … and {oid['incomplete'] - shown} more objects miss elements")


def print_results(results: Any, fmt: str) -> None:
    rendered = sparql.render_results(results, fmt)
    if isinstance(rendered, bytes):
        sys.stdout.buffer.write(rendered)
        sys.stdout.buffer.flush()
        return
    names, rows = rendered
    table = Table(*names, show_lines=False, header_style="bold")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    out.print(table)
    err.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}")
