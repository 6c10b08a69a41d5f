"""What a source's reports folder says of its latest run, without rendering anything: the
note of a harvest that failed since (``NAME.failure``), and what a link to the source's report
calls it, by the kind of run the report is of.

Apart from ``report_page`` because the pages for people (a partner's page) read it, and
``report_page`` renders with the pages' templates, which import those pages.
"""

from __future__ import annotations

import json
from pathlib import Path

from publish import RunKind

__all__ = [
    "FAILURE_SUFFIX",
    "FIRST_HARVEST_FAILED",
    "HARVEST_REPORT",
    "REMAP_REPORT",
    "UPLOAD_FAILED",
    "UPLOAD_FORM",
    "UPLOAD_REPORT",
    "failure_note",
    "harvest_failure",
    "latest_report_link",
    "partner_source",
    "report_link",
    "report_stamp",
    "run_kind",
]

FAILURE_SUFFIX = ".failure"
"""``reports/NAME.failure``: the source's latest harvest failed before it could be judged (a
partner's server down, a broken resumption token), as JSON ``{"at", "reason", "partner"}``.
Written by the harvest, removed by the next run that is judged; not ``.json``, so the partners
list does not take it for a report."""


def failure_note(folder: Path, name: str) -> Path:
    """Where the note of ``name``'s failed harvest is kept (``FAILURE_SUFFIX``)."""
    return folder / f"{name}{FAILURE_SUFFIX}"


def harvest_failure(folder: Path, name: str) -> dict[str, str] | None:
    """When and why the source's latest harvest failed, if it did and nothing judged since."""
    try:
        note = json.loads(failure_note(folder, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(note, dict) or not note.get("reason"):
        return None
    partner = str(note.get("partner") or name)
    return {"at": str(note.get("at") or ""), "reason": str(note["reason"]), "partner": partner}


HARVEST_REPORT = "Harvest report"
UPLOAD_REPORT = "Upload report"
REMAP_REPORT = "Remap report"
"""What a link to a source's report (``/sources/NAME``) calls it: the report of the run it
shows, by how that run came about (``publish.RunKind``). A remap (``museion remap``) maps the
stored records again and reads no feed, and an upload reads the files its partner sent, so
neither's report is a harvest's: the report page names each ("remap of stored records",
"upload of the partner's files")."""
UPLOAD_FORM = "Upload form"
"""What the partners list calls the link to a source that takes its partner's uploads and has
no report yet: the page it leads to holds the upload form and no report (not the "Harvest
report" of a source that may never be harvested)."""
FIRST_HARVEST_FAILED = "Why the first harvest failed"
"""What a link to a source calls it when its first harvest failed and it has no report: the
page it leads to says that harvest failed, and why (not a "Harvest report" of nothing)."""
UPLOAD_FAILED = "Why the upload failed"
"""What the partners list calls the link to a source that takes uploads, has no report, and
whose latest upload failed: it leads to that upload's page, which says why and what the
partner can do (send the files again, tell the coordinator), not to an empty upload form."""
_LINKS = {
    RunKind.HARVEST: HARVEST_REPORT,
    RunKind.UPLOAD: UPLOAD_REPORT,
    RunKind.REMAP: REMAP_REPORT,
}


def run_kind(run: object) -> RunKind:
    """How the run of a report's ``run`` came about: its ``kind``; a report written before
    the kind was said has only ``remap`` (an upload's is then taken for a harvest's)."""
    if not isinstance(run, dict):
        return RunKind.HARVEST
    try:
        return RunKind(str(run.get("kind")))
    except ValueError:
        return RunKind.REMAP if run.get("remap") else RunKind.HARVEST


def report_link(run: object, *, failed: bool = False) -> str:
    """What a link to the report of ``run`` (a report's ``run``) calls it, in English
    (``HARVEST_REPORT``, ``UPLOAD_REPORT`` or ``REMAP_REPORT``); ``failed``: a harvest failed
    after it, and the report's page opens with that harvest's failure."""
    return HARVEST_REPORT if failed else _LINKS[run_kind(run)]


def latest_report_link(folder: Path | None, name: str) -> str:
    """What a link to source ``name``'s report calls it (``report_link``), from the report
    its latest run wrote in ``folder``: a report that cannot be read is a harvest's."""
    if folder is None:
        return HARVEST_REPORT
    path = folder / f"{name}.json"
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        report = None
    run = report.get("run") if isinstance(report, dict) else None
    failed = harvest_failure(folder, name) is not None
    if failed and not path.exists():  # no run was ever judged: its first harvest failed
        return FIRST_HARVEST_FAILED
    return report_link(run, failed=failed)


def partner_source(local: str) -> str | None:
    """The source whose partner page ``local`` (an IRI's path under the base, ``partner/NAME``)
    is, or None: the pages that link to a source's latest report by what its run was."""
    if local.startswith("partner/") and local.count("/") == 1:
        return local.removeprefix("partner/")
    return None


def report_stamp(folder: Path | None, name: str) -> str:
    """When source ``name``'s report and failure note were last written, for the validators
    of a page that links to the report by what its run was (``latest_report_link``): a remap
    that changed nothing publishes no new snapshot, yet its report is the latest."""
    if folder is None:
        return ""
    stamps = []
    for path in (folder / f"{name}.json", failure_note(folder, name)):
        try:
            stamps.append(str(path.stat().st_mtime_ns))
        except OSError:
            stamps.append("-")
    return "/".join(stamps)
