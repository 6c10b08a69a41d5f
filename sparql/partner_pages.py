"""The partners' pages: ``/sources/`` lists the partners, ``/sources/NAME`` serves the report
a harvest run wrote (HTML with the site's header, or JSON), with the upload form for a partner
that uploads its files."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from . import i18n
from .negotiation import VARY, accepts_html
from .pages import templates
from .report_files import (
    FAILURE_SUFFIX,
    FIRST_HARVEST_FAILED,
    UPLOAD_FAILED,
    UPLOAD_FORM,
    harvest_failure,
    report_link,
)
from .report_page import Names, failure_banner, stored_report, with_failure, with_site_header
from .settings import EndpointSettings, UploadSource
from .upload_store import UploadStore
from .uploads import UploadViews, own_reason, upload_form
from .web import here, text_error, ui_lang

__all__ = ["partner_page"]

SOURCE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def partner_page(
    request: Request, settings: EndpointSettings, uploads: UploadViews | None
) -> Response:
    """Partner reports (``/sources/NAME``, HTML or JSON), written by each harvest run."""
    folder = settings.reports_dir
    name = request.path_params.get("name", "")
    if folder is None or (not folder.is_dir() and not settings.upload_sources):
        return text_error(404, "no partner reports are published here")
    if not name:
        return HTMLResponse(
            i18n.render(
                templates().get_template("partners.html"),
                ui_lang(request),
                here(request),
                nav="partners",
                title=settings.title,
                base_path=settings.base_path,
                partners=_partner_reports(
                    folder,
                    settings.upload_sources,
                    settings.partners,
                    None if settings.uploads_dir is None else UploadStore(settings.uploads_dir),
                ),
            )
        )
    if not SOURCE_NAME.match(name):
        return text_error(404, f"there is no source named {name!r}")
    wants_json = request.query_params.get("format") == "json" or (
        "application/json" in request.headers.get("accept", "")
        and not accepts_html(request.headers.get("accept"))
    )
    path = folder / f"{name}.{'json' if wants_json else 'html'}"
    suffixes = None if wants_json or not uploads else uploads.accepts(name)
    failure = harvest_failure(folder, name)
    if not path.is_file() and suffixes is None and (wants_json or failure is None):
        return text_error(404, f"there is no report for a source named {name!r}")
    if wants_json:
        return _report_json(path, failure)
    names = uploads.names(name) if uploads is not None else None  # an upload's files as sent
    failed = _upload_failure(uploads, name, path.with_suffix(".json")) if uploads else None
    return _report_page(
        request,
        settings,
        name,
        path,
        suffixes,
        failure=failure,
        names=names,
        partner=_label(settings.partners, name, failure),
        upload_failed=failed,
    )


def _upload_failure(uploads: UploadViews, name: str, report: Path) -> dict[str, str] | None:
    """The source's latest upload if its run failed after the run whose report is ``report``
    (or before any run was judged): its id, when and why, for the notice at the top of the
    partner's page. A failed run writes no report, so the page showed the run before it as
    if the partner's files had never come; only the partners list said it had failed."""
    latest = uploads.store.latest(name)
    if latest is None or latest[1].get("status") != "failed":
        return None
    upload_id, status = latest
    try:
        shown = json.loads(report.read_text(encoding="utf-8"))
        run = str(shown["run"]["id"]) if isinstance(shown, dict) else ""
    except (OSError, ValueError, KeyError, TypeError):
        run = ""
    if run >= upload_id:  # a run judged since (ids sort by time): its report says what stands
        return None
    return {
        "upload": upload_id,
        "at": str(status.get("updated") or ""),
        "reason": own_reason(str(status.get("reason") or ""), name),
    }


def _report_page(
    request: Request,
    settings: EndpointSettings,
    name: str,
    path: Path,
    suffixes: tuple[str, ...] | None,
    *,
    failure: dict[str, str] | None,
    names: Names | None = None,
    partner: str = "",
    upload_failed: dict[str, str] | None = None,
) -> Response:
    lang = ui_lang(request)
    stored = stored_report(path.with_suffix(".json"), lang, names)  # in the reader's language
    if stored is not None:
        page = stored
    else:  # a partner that only uploads, before its first upload; or whose first harvest failed
        # (the failure's banner says so, and why, under the heading)
        title = escape(partner or name)
        page = (
            f'<!doctype html><html lang="{lang}" dir="{i18n.direction(lang)}"><head>'
            f"<meta charset=utf-8><title>{title}</title></head><body>"
            f'<h1 dir="auto">{title}</h1></body></html>'
        )
    above = ""
    if failure is not None:  # the latest harvest failed: the report below is older than it
        above += failure_banner(failure, lang, has_report=stored is not None)
    if upload_failed is not None:  # its latest upload failed: said, with a link to why
        template = templates().get_template("_upload_failed.html")
        above += i18n.render(
            template, lang, name=name, has_report=stored is not None, **upload_failed
        )
    elif failure is None and stored is None:  # takes uploads, before its first run
        above += _said(_NO_REPORT, lang, "no-report")
    if suffixes is not None:  # the partner's page carries its upload form
        above += upload_form(name, suffixes, lang)
    if above:
        at = page.find("</h1>")
        at = at + len("</h1>") if at >= 0 else 0
        page = page[:at] + above + page[at:]
    page = with_site_header(page, lang, here(request), settings.title)
    return HTMLResponse(page, headers=VARY)


_NO_REPORT = "No report yet."
"""The page of a source that takes uploads and has had no run yet, above its upload form
(whose words say what the page shows once files are sent): a partner that only uploads read
"Nothing harvested yet.", of a feed it does not have."""


def _said(text: str, lang: str, ident: str = "") -> str:
    """A paragraph of the page's own words, in the reader's language."""
    at = f' id="{ident}"' if ident else ""
    return f"<p{at}>{escape(i18n.translate(text, lang))}</p>"


def _report_json(path: Path, failure: dict[str, str] | None) -> Response:
    """The report as the run wrote it; with ``latest_harvest_failed`` (when, why) added if a
    harvest failed since, for the scripts that watch a partner's feed."""
    body = path.read_bytes()
    if failure is not None:
        try:
            report = json.loads(body)
        except ValueError:
            report = None
        if isinstance(report, dict):
            report = with_failure(report, failure)
            body = json.dumps(report, indent=2, ensure_ascii=False).encode("utf-8")
    return Response(body, media_type="application/json", headers=VARY)


def _label(partners: Mapping[str, str], name: str, failure: dict[str, str] | None) -> str:
    """The partner's name for the pages of source ``name`` before it has a report: as its
    failed harvest noted it, or as its configuration gives it (``partners``)."""
    if failure is not None:
        return failure["partner"]
    return partners.get(name) or name


def _partner_reports(
    folder: Path,
    upload_sources: Mapping[str, UploadSource] | None = None,
    partners: Mapping[str, str] | None = None,
    uploads: UploadStore | None = None,
) -> list[dict[str, str]]:
    """Each partner report's source name and partner label, for the partners page (and the
    sources that take uploads but have no report yet; ``partners``: their partners' names;
    ``uploads``: their uploads, the latest of which may have failed). ``href``: where its
    link leads, under the site's root."""
    upload_sources = upload_sources or {}
    out = []
    reports = sorted(folder.glob("*.json")) if folder.is_dir() else []
    failed = {p.stem for p in folder.glob(f"*{FAILURE_SUFFIX}")} if folder.is_dir() else set()
    for name in sorted((set(upload_sources) | failed) - {p.stem for p in reports}):
        failure = harvest_failure(folder, name)
        href = f"/sources/{name}"
        latest = uploads.latest(name) if uploads is not None and failure is None else None
        if failure is not None:  # its first harvest failed: its page opens with the failure
            status, when, link = "failed", failure["at"], FIRST_HARVEST_FAILED
        elif latest is not None and latest[1].get("status") == "failed":
            # its upload failed, and none was judged since: the upload's page says why, and
            # what the partner can do (its own page would show an empty form and "No report")
            upload_id, said = latest
            status, when, link = "failed", str(said.get("updated") or ""), UPLOAD_FAILED
            href = f"/sources/{name}/uploads/{upload_id}"
        else:  # it takes uploads and none was run yet: its page holds the upload form alone
            status, when, link = "no report yet", "", UPLOAD_FORM
        partner = _label(partners or {}, name, failure)
        out.append(
            {
                "source": name,
                "partner": partner,
                "status": status,
                "ended": when,
                "report": link,
                "href": href,
                "reason": "",
            }
        )
    for path in reports:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            report = {}
        run = report.get("run") if isinstance(report.get("run"), dict) else {}
        failure = harvest_failure(folder, path.stem) if path.stem in failed else None
        status = "failed" if failure else str((run or {}).get("status") or "")
        # a held run published nothing: the list says why (its gate's reason), as its report does
        held = status == "held" and isinstance((run or {}).get("reason"), str)
        out.append(
            {
                "source": path.stem,
                "partner": str(report.get("partner") or path.stem),
                "status": status,
                "ended": failure["at"] if failure else str((run or {}).get("ended") or ""),
                "report": report_link(run, failed=failure is not None),
                "href": f"/sources/{path.stem}",
                "reason": str((run or {}).get("reason")) if held else "",
            }
        )
    return out
