"""Commands that read the published data: query, search, stats; and the ones that rebuild
what is derived from it: reindex, reconcile."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

import search
import sparql
from museion_core.errors import MuseionError
from publish import RecordIndex, Workspace
from reconcile import default_overrides_path, match, read_entities, review_json, review_toml

from ..config import Config
from ..console import counted, err, out, print_results
from ..pipeline import Pipeline
from ..search_output import print_search
from ..stats import source_counts
from .common import State, reports_errors

__all__ = ["query", "reconcile", "reindex", "search_command", "stats"]

STATS_COLUMNS = ("source", "partner", "records", "objects", "persons", "triples", "quarantined")


def _query_text(text: str) -> str:
    if text == "-":
        return sys.stdin.read()
    if text.startswith("@"):
        return Path(text[1:]).read_text(encoding="utf-8")
    return text


@click.command()
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "tsv", "xml"]),
    default="table",
    show_default=True,
    help="How to print the results.",
)
@click.pass_obj
@reports_errors
def query(state: State, query: str, fmt: str) -> None:
    """Run a SPARQL QUERY over all graphs ('-' reads it from stdin, '@FILE' from a file).

    Common prefixes (crm:, la:, aat:, rdfs:, ...) may be used without declaring them.
    """
    config = state.config()
    # The endpoint's rules: no SERVICE call outside [endpoint] service_allowlist (a query
    # pasted from elsewhere must not make requests from this machine's network).
    text = sparql.checked_query(
        _query_text(query), tuple(config.endpoint.service_allowlist), config.base_iri
    )
    store = Workspace(config.data_dir).open_published()
    print_results(store.query(text, base_iri=config.base_iri, prefixes=sparql.PREFIXES), fmt)


@click.command("search")
@click.argument("text", metavar="QUERY", default="")
@click.option("--partner", help="Only objects this partner lends (its label or source name).")
@click.option(
    "--facet",
    "facets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Filter: partner, maker, type, material, place, date=1900..1950, has_image=yes, "
    "longest_side_cm<=100 (repeatable; values of one key are alternatives).",
)
@click.option(
    "--limit",
    type=click.IntRange(0, search.MAX_LIMIT),
    default=20,
    show_default=True,
    help="Hits per page.",
)
@click.option(
    "--offset",
    type=click.IntRange(0, search.MAX_OFFSET),
    default=0,
    show_default=True,
    help="Hits to skip (the next page: --offset 20).",
)
@click.option(
    "--sort",
    type=click.Choice(search.SORTS),
    default="relevance",
    show_default=True,
    help="Order of the hits: relevance to the words (by title without words), title, date "
    "(earliest made first) or -date (latest first); undated objects come last.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="How to print the hits and facets.",
)
@click.pass_obj
@reports_errors
def search_command(  # noqa: PLR0917
    state: State,
    text: str,
    partner: str | None,
    facets: tuple[str, ...],
    limit: int,
    offset: int,
    sort: str,
    fmt: str,
) -> None:
    """Full-text and faceted search over the published objects (every word must match)."""
    config = state.config()
    request = search.parse_facets(
        list(facets), partner=partner, text=text, limit=limit, offset=offset, sort=sort
    )
    with search.Searcher(Workspace(config.data_dir).published_dir) as searcher:
        result = searcher.search(request)
    print_search(result, fmt, request)


@click.command()
@click.pass_obj
@reports_errors
def reindex(state: State) -> None:
    """Rebuild the search index of the published snapshot (normally built at every publish)."""
    config = state.config()
    workspace = Workspace(config.data_dir)
    with workspace.lock():
        snapshot = workspace.published_path()
        if snapshot is None:
            raise MuseionError("nothing is published yet; run `museion harvest` first")
        count = search.build_snapshot_index(snapshot, config.base_iri)
    err.print(f"indexed {counted(count, 'object')} of snapshot {snapshot.name}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
@reports_errors
def stats(state: State, as_json: bool) -> None:
    """Records, objects, persons, triples and quarantined records per source, and how each
    source's latest run ended (published, held or failed: when, and why)."""
    config = state.config()
    store = Workspace(config.data_dir).open_published()
    counts = source_counts(store, config)
    latest = last_runs(config)
    for row in counts:
        row["last_run"] = latest.get(str(row["source"]))
    if as_json:
        click.echo(json.dumps({"sources": counts, "quads": len(store)}, indent=2))
        return
    table = Table(*STATS_COLUMNS, "last run", header_style="bold")
    for row in counts:
        run = latest.get(str(row["source"]))
        shown = f"{run['status']} {run['at']}" if run else "none"
        table.add_row(*(str(row[k]) for k in STATS_COLUMNS), shown)
    out.print(table)
    for name, run in latest.items():
        if run["status"] != "published" and run["reason"]:
            out.print(f"{name}: {run['status']} {run['at']}: {escape(run['reason'])}")


def last_runs(config: Config) -> dict[str, dict[str, str]]:
    """How each source's latest run ended: ``status`` (published, held, failed), ``at`` (when)
    and ``reason`` (why it was held or failed; empty otherwise). A harvest that failed before
    its run was judged (the partner's server down) counts when it is the latest, as on the
    source's page: an operator reads here whether last night's cron run published."""
    workspace = Workspace(config.data_dir)
    index = RecordIndex(workspace.index_path)
    found: dict[str, dict[str, str]] = {}
    try:
        for source in config.sources:
            runs = index.runs(source.name)
            if runs:
                run = runs[-1]
                at = run.ended or run.started
                found[source.name] = {"status": run.status, "at": at, "reason": run.reason or ""}
            failure = sparql.harvest_failure(workspace.reports_dir, source.name)
            if failure is not None and failure["at"] >= found.get(source.name, {}).get("at", ""):
                found[source.name] = {
                    "status": "failed",
                    "at": failure["at"],
                    "reason": failure["reason"],
                }
    finally:
        index.close()
    return found


@click.command()
@click.option(
    "--review",
    is_flag=True,
    help="List the uncertain pairs with their evidence (changes nothing).",
)
@click.option("--json", "as_json", is_flag=True, help="With --review: print JSON.")
@click.pass_obj
@reports_errors
def reconcile(state: State, review: bool, as_json: bool) -> None:
    """Reconcile persons, groups and places across partners, and publish.

    With --review, print the pairs scored just below and above the threshold as blocks to
    paste into the overrides file ([reconciliation] overrides).
    """
    config = state.config()
    if review:
        _review(config, as_json)
        return
    report = Pipeline(config).reconcile()
    aggregates = ", ".join(f"{n} {kind}s" for kind, n in sorted(report.aggregates.items()))
    links = ", ".join(f"{n} by {method}" for method, n in sorted(report.links.items()))
    err.print(
        f"reconciled {report.entities} partner entities into {aggregates or 'no aggregates'} "
        f"({report.merged_clusters} joining several; links: {links or 'none'}; "
        f"{report.uncertain} uncertain pairs: museion reconcile --review)"
    )
    if report.retired:
        err.print(
            "  retired ids: "
            + ", ".join(f"{n} {status}" for status, n in sorted(report.retired.items()))
        )
    # The pairs shipped for the demo's partners name entities other stores do not hold: only a
    # deployment's own file is checked against its store.
    if config.reconciliation.overrides.path != default_overrides_path():
        for iri in report.unknown_overrides:
            err.print(
                f"  [yellow]overrides name an entity the store does not hold:[/] {escape(iri)}"
            )


def _review(config: Config, as_json: bool) -> None:
    """Print the uncertain pairs no reviewed override decides yet (changes nothing)."""
    store = Workspace(config.data_dir).open_published()
    settings = config.reconciliation
    entities = read_entities(store, config.base_iri, [s.name for s in config.sources])
    matching = match(entities, settings.settings, settings.overrides, config.base_iri)
    same, different = settings.overrides.resolve(config.base_iri)
    decided = {frozenset((a, b)) for a, b, _ in same} | {frozenset(p) for p in different}
    render = review_json if as_json else review_toml
    click.echo(render(matching, settings.settings, config.base_iri, decided), nl=False)
