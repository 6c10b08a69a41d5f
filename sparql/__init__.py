"""The HTTP side: SPARQL 1.1 Protocol, query UI, entity pages, VoID, example queries (*.rq)."""

from .examples import ExampleQuery, example_queries, example_query
from .prefixes import PREFIXES, prologue
from .render import render_results

__all__ = [
    "PREFIXES",
    "ExampleQuery",
    "example_queries",
    "example_query",
    "prologue",
    "render_results",
]
