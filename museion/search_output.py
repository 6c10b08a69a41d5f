"""``museion search``: turning a search result into the terminal table or JSON."""

from __future__ import annotations

import json

import click
from rich.table import Table

from search import SearchRequest, SearchResult

from .console import counted, out

__all__ = ["print_search"]


def print_search(result: SearchResult, fmt: str, request: SearchRequest | None = None) -> None:
    if fmt == "json":
        click.echo(json.dumps(result.to_json(request), ensure_ascii=False, indent=2))
        return
    table = Table("title", "makers", "date", "partner", "iri", header_style="bold")
    for hit in result.hits:
        table.add_row(hit.title, "; ".join(hit.makers), hit.date or "", hit.partner, hit.iri)
    out.print(table)
    out.print(f"{len(result.hits)} of {counted(result.total, 'object')}")
    if result.suggestion:
        found = result.suggestion
        out.print(f"Did you mean: {found.text} ({counted(found.total, 'object')})?", markup=False)
    for key, values in result.facets.items():
        if values:
            top = ", ".join(f"{value} ({count})" for value, count in list(values.items())[:8])
            out.print(f"[bold]{key}[/]: {top}")
