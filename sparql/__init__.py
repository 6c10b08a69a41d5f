"""The HTTP side: SPARQL 1.1 Protocol, query UI, entity pages, VoID, example queries (*.rq)."""

from .checklists import Checklist, ChecklistStore, plan, read_rows
from .examples import ExampleQuery, example_queries, example_query
from .guard import checked_query
from .i18n import LANGUAGES as UI_LANGUAGES
from .prefixes import PREFIXES, prologue
from .reconciliation import ReconciliationService
from .render import render_results
from .report_page import failure_note, harvest_failure, report_html, with_failure
from .server import serve
from .settings import EndpointSettings, UploadSource
from .site import root_of as site_root
from .uploads import UploadStore

__all__ = [
    "PREFIXES",
    "UI_LANGUAGES",
    "Checklist",
    "ChecklistStore",
    "EndpointSettings",
    "ExampleQuery",
    "ReconciliationService",
    "UploadSource",
    "UploadStore",
    "checked_query",
    "example_queries",
    "example_query",
    "failure_note",
    "harvest_failure",
    "plan",
    "prologue",
    "read_rows",
    "render_results",
    "report_html",
    "serve",
    "site_root",
    "with_failure",
]
