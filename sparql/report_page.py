"""A partner report (``museion.report``'s JSON) as a page, in the reader's language.

The harvest writes each report as JSON and, for anyone with the data directory, as an English
page; the endpoint renders the JSON again for each reader (``/sources/NAME`` and an upload's
page), so a partner reads what became of its records in French or Arabic. What Museion says
in English inside it (a quarantine reason, a warning) stays English and is marked so.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import TemplateError
from markupsafe import Markup

from museion_core import messages
from publish import snapshot_is_new

from . import i18n, site
from .pages import templates
from .report_files import failure_note, harvest_failure, run_kind

__all__ = [
    "failure_banner",
    "failure_note",
    "harvest_failure",
    "report_html",
    "stored_report",
    "with_site_header",
]

REPORT_KEYS = frozenset(
    {
        "partner", "source", "run", "counts", "quarantined", "coverage", "object_id",
        "unparsed", "local_terms", "unused_fields", "diff", "history", "warnings", "generated",
    }
)  # fmt: skip
"""What the template reads of a report. A report a Museion before the latest written lacks
some (``object_id``, ``unparsed``...): it is served as the English page written beside it,
rather than as a 500 or a page that says "every date was read" for want of the key."""


QUARANTINE_LISTED = 500
"""Quarantined records listed on the page (the JSON lists them all; the kinds count them all)."""
QUARANTINE_KINDS = 20
"""Kinds of reason shown, the commonest first."""


Names = Callable[[str], Mapping[str, str]]
"""A run's id → the names its files were kept under → the names they were sent with (an
upload keeps ``inventaire.csv`` as ``001-inventaire.csv``)."""


def report_html(
    report: dict[str, Any], lang: str = i18n.DEFAULT, names: Mapping[str, str] | None = None
) -> str:
    """The report page (self-contained: its own style, no site header) in ``lang``; a file a
    record came from is named as in ``names`` (stored name → name as sent) if it is there."""
    template = templates().get_template("report.html")
    run = report.get("run")
    if isinstance(run, dict):
        said: dict[str, Any] = {}  # what a report written before it was kept lacks
        if "new_snapshot" not in run:
            said["new_snapshot"] = snapshot_is_new(run)
        if "kind" not in run:
            said["kind"] = run_kind(run)
        if said:
            report = {**report, "run": {**run, **said}}
    if names and isinstance(report.get("warnings"), list):  # "001-x.csv could not be read"
        report = {**report, "warnings": [_as_sent(w, names) for w in report["warnings"]]}
    reason = run.get("reason") if isinstance(run, dict) else None
    # which gate held the run: a partner mends its own data (quarantined records, a field it
    # lost), and asks the coordinator only to publish the run as it is
    gate = messages.gate_of(reason) if isinstance(reason, str) else None
    return i18n.render(
        template,
        lang,
        r=report,
        gate=gate,
        bars=_bars(report),
        quarantine=_quarantine(report),
        place=lambda origin: place_html(origin, names or {}),
    )


def _as_sent(warning: Any, names: Mapping[str, str]) -> Any:
    """A report's warning with the files it names ("nothing was withdrawn: 001-x.csv could
    not be read at all") named as they were sent (``names``: stored name → name as sent)."""
    if not isinstance(warning, dict) or not isinstance(warning.get("text"), str):
        return warning
    text = warning["text"]
    for stored in sorted(names, key=len, reverse=True):
        text = text.replace(stored, names[stored])
    return {**warning, "text": text}


_PLACE = re.compile(r"^(?P<file>.+?)(?P<where>(?:, (?:line|row|item|record|sheet) [^,]+)+)$")
_WHERE = re.compile(r", (line|row|item|record|sheet) ([^,]+)")


def place_html(origin: str, names: Mapping[str, str]) -> Markup:
    """Where a record was, "inventaire.csv, line 4", as its partner reads it: the file as it
    was sent (``names``), isolated left to right, and the position's words ("line", "row",
    "item", "record", "sheet"; "workbook", a file read as none) in the language being rendered:
    "inventaire.csv, ligne 4". The
    origin is kept in English wherever it is stored (the run, the provenance graph)."""
    file, whole, _ = origin.rpartition(", workbook")
    if whole and not _:  # a file no sheet of which could be read: "faux.xlsx, workbook"
        said = i18n.gettext(", workbook")
        return Markup('<bdi dir="ltr">{}</bdi>{}').format(names.get(file, file), said)
    found = None if "://" in origin else _PLACE.match(origin)
    if found is None:
        return Markup('<bdi dir="ltr">{}</bdi>').format(names.get(origin, origin))
    file = found.group("file")
    out = Markup('<bdi dir="ltr">{}</bdi>').format(names.get(file, file))
    for word, value in _WHERE.findall(found.group("where")):
        shown = i18n.gettext(f", {word} {{n}}", n="\x00")  # ", line {n}": ", ligne {n}"
        before, _, after = shown.partition("\x00")
        comma, space, said = before.partition(" ")  # "," and "ligne "; "،" and "السطر "
        # "ligne 4" is kept on one line (a break between them left "4)" alone in Arabic)
        out += Markup('{}{}<span class="pos">{}<bdi>{}</bdi>{}</span>').format(
            comma, space, said, value, after
        )
    return out


def _quarantine(report: dict[str, Any]) -> dict[str, Any]:
    """The quarantine as a partner can act on it: how many records each kind of reason held
    back (a template whatever its values, "undecodable byte … in column …": one fault of the
    export, not five thousand; the text itself when every record of the kind was held back for
    the same words), and the records themselves, the first ``QUARANTINE_LISTED``."""
    entries = report["quarantined"]
    kinds = messages.kinds((entry["reason"], 1) for entry in entries)
    return {
        "kinds": [
            {"reason": k.example, "records": k.count, "varied": k.varied}
            for k in kinds[:QUARANTINE_KINDS]
        ]
        if len(entries) > 1
        else [],
        "more_kinds": max(len(kinds) - QUARANTINE_KINDS, 0),
        "listed": entries[:QUARANTINE_LISTED],
        "more": max(len(entries) - QUARANTINE_LISTED, 0),
    }


def stored_report(data: Path, lang: str, names: Names | None = None) -> str | None:
    """The report kept as ``data`` (``NAME.json``) as a page in ``lang``; the English page
    kept beside it (``NAME.html``) if the JSON is not one this version can render; None if
    there is neither. ``names``: how the run's files were named when they were sent."""
    try:
        report = json.loads(data.read_text(encoding="utf-8"))
        if isinstance(report, dict) and report.keys() >= REPORT_KEYS:
            run = report["run"].get("id") if isinstance(report["run"], dict) else None
            sent = names(str(run)) if names is not None and run else None
            return report_html(report, lang, sent)
    except (OSError, ValueError, KeyError, TypeError, TemplateError):
        pass
    page = data.with_suffix(".html")
    return page.read_text(encoding="utf-8") if page.is_file() else None


def with_failure(report: dict[str, Any], failure: dict[str, str]) -> dict[str, Any]:
    """``report`` with ``latest_harvest_failed`` (when, why) added: a harvest failed after the
    report's run (``harvest_failure``), for the scripts that watch a partner's feed."""
    return {**report, "latest_harvest_failed": {"at": failure["at"], "reason": failure["reason"]}}


def failure_banner(failure: dict[str, str], lang: str, *, has_report: bool) -> str:
    """The notice at the top of a partner's page that its latest harvest failed, and why
    (``has_report``: an older run's report follows it)."""
    template = templates().get_template("_harvest_failed.html")
    return i18n.render(template, lang, failure=failure, has_report=has_report)


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


def with_site_header(report: str, lang: str, here: str, title: str) -> str:
    """A report page (self-contained) served inside the site's header (in ``lang``, its
    language menu linking ``here``), icon and stylesheet, so it keeps the navigation of every
    other page."""
    header = i18n.render(
        templates().get_template("_site_header.html"), lang, here, nav="partners", title=title
    )
    static = html.escape(site.url("/static"))
    head = (
        f'<link rel="icon" href="{static}/favicon.svg" type="image/svg+xml">'
        f'<link rel="stylesheet" href="{static}/museion.css"></head>'
    )
    report = report.replace("</head>", head, 1)
    # the report is the page's main content, where the header's "skip to content" leads
    main = '<main id="main" class="report">'
    report = report.replace("<body>", f'<body class="report-page">{header}{main}', 1)
    return report.replace("</body>", "</main></body>", 1)
