"""The HTTP side: SPARQL 1.1 Protocol, query UI, entity pages, VoID, example queries (*.rq)."""

from .examples import ExampleQuery, example_queries, example_query
from .prefixes import PREFIXES, prologue
from .reconciliation import ReconciliationService
from .render import render_results
from .server import serve
from .settings import EndpointSettings

__all__ = [
    "PREFIXES",
    "EndpointSettings",
    "ExampleQuery",
    "ReconciliationService",
    "example_queries",
    "example_query",
    "prologue",
    "render_results",
    "serve",
]
