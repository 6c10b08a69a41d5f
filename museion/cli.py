"""``museion``: the command line. Every failure is one line on stderr and a non-zero exit code.

Exit codes: 0 done; 1 a source or the store failed; 2 bad usage or configuration;
3 published, but records were quarantined (each is listed with its reason);
4 a run was held by its quality gates and not published (the reason is printed).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click
from rich.markup import escape
from rich.table import Table

import search
import sparql
from museion_core.errors import ConfigError, MuseionError
from reconcile import match, read_entities, review_json, review_toml
from sparql import plan

from .config import Config, load_config
from .console import emit_report, err, out, print_results, print_summary, progress
from .demo import DEMO_QUESTIONS, demo_config, sample_checklist
from .drafting import draft_mapping
from .index import RecordIndex
from .pipeline import HarvestSummary, Pipeline, SourcesFailedError
from .report import build_report, latest_run, source_counts
from .runs import RunStatus
from .search_output import print_search
from .serving import endpoint_settings, is_public_host
from .sheet_template import template_bytes
from .uploads import UPLOAD_KINDS, accepted_suffixes, run_upload, upload_store
from .workspace import Workspace

__all__ = ["main"]

EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_QUARANTINED = 3
EXIT_HELD = 4
STATS_COLUMNS = ("source", "partner", "records", "objects", "persons", "triples", "quarantined")

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class State:
    config_path: Path

    def config(self) -> Config:
        return load_config(self.config_path)


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn Museion's errors into one line on stderr and the documented exit code."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ConfigError as exc:
            err.print(f"[bold red]error:[/] {escape(exc.one_line())}")
            raise SystemExit(EXIT_CONFIG) from None
        except MuseionError as exc:
            err.print(f"[bold red]error:[/] {escape(exc.one_line())}")
            raise SystemExit(EXIT_FAILED) from None
        except OSError as exc:
            # A file or directory the system refuses (permissions, a full disk, a path that
            # is a file): one line, not a traceback.
            where = f": {exc.filename}" if exc.filename else ""
            err.print(f"[bold red]error:[/] {escape((exc.strerror or str(exc)) + where)}")
            raise SystemExit(EXIT_FAILED) from None
        except KeyboardInterrupt:
            err.print("[bold red]interrupted[/] (the next harvest resumes where this one stopped)")
            raise SystemExit(130) from None

    return run


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "-c",
    "config_path",
    default="museion.toml",
    show_default=True,
    envvar="MUSEION_CONFIG",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The configuration file (also MUSEION_CONFIG).",
)
@click.version_option(package_name="museion")
@click.pass_context
def main(ctx: click.Context, config_path: Path) -> None:
    """Museion: museum collection feeds → Linked Art (CIDOC-CRM) → SPARQL."""
    ctx.obj = State(config_path)


JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 1024),
    default=None,
    metavar="N",
    help="Map records in N processes (default: [store] jobs, else one per CPU); with N > 1 "
    "several sources are also harvested at once. One writer either way.",
)


def run_harvest(
    config: Config,
    names: tuple[str, ...] = (),
    records: tuple[str, ...] = (),
    jobs: int | None = None,
) -> list[HarvestSummary]:
    try:
        with progress() as update:
            summaries = Pipeline(config, progress=update, jobs=jobs).harvest(names, records)
    except SourcesFailedError as failed:
        for summary in failed.summaries:  # the sources that did not fail, then one line each
            print_summary(summary)
        for failure in failed.failures[:-1]:
            err.print(f"[bold red]error:[/] {escape(failure.one_line())}")
        raise failed.failures[-1] from None
    for summary in summaries:
        print_summary(summary)
    return summaries


def _exit_code(summaries: list[HarvestSummary]) -> int:
    if any(s.status == RunStatus.FAILED for s in summaries):
        return EXIT_FAILED
    if any(s.status == RunStatus.HELD for s in summaries):
        return EXIT_HELD
    if any(s.rejected for s in summaries):
        return EXIT_QUARANTINED
    return 0


@main.command()
@click.argument("sources", nargs=-1)
@click.option(
    "--record",
    "records",
    multiple=True,
    metavar="ID",
    help="Fetch only this record (its OAI-PMH identifier; repeatable) from SOURCE.",
)
@JOBS_OPTION
@click.pass_obj
@reports_errors
def harvest(
    state: State, sources: tuple[str, ...], records: tuple[str, ...], jobs: int | None
) -> None:
    """Harvest, map and load SOURCES (all by default); publish what passes its gates."""
    code = _exit_code(run_harvest(state.config(), sources, records, jobs))
    if code:
        raise SystemExit(code)


@main.command()
@click.argument("source")
@click.option("--force", is_flag=True, help="Publish the held run although it failed a gate.")
@click.pass_obj
@reports_errors
def publish(state: State, source: str, force: bool) -> None:
    """Publish SOURCE's held run (a person decided the gate was wrong)."""
    summary = Pipeline(state.config()).publish_held(source, force=force)
    print_summary(summary)


@main.command()
@click.argument("source")
@JOBS_OPTION
@click.pass_obj
@reports_errors
def remap(state: State, source: str, jobs: int | None) -> None:
    """Rebuild SOURCE's graphs from the stored payloads (after a mapping change)."""
    with progress() as update:
        summary = Pipeline(state.config(), progress=update, jobs=jobs).remap(source)
    print_summary(summary)
    code = _exit_code([summary])
    if code:
        raise SystemExit(code)


@main.command()
@click.argument("source")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--stored", "upload_id", metavar="ID", help="Run an upload already stored (by id).")
@click.pass_obj
@reports_errors
def upload(state: State, source: str, files: tuple[Path, ...], upload_id: str | None) -> None:
    """Take FILES as a partner's upload to SOURCE: keep them by checksum, harvest them as a
    run (waiting for another writer to finish), and publish or hold it."""
    config = state.config()
    kind = config.source(source).kind
    if kind not in UPLOAD_KINDS:
        raise ConfigError(f"source {source!r} is of kind {kind}; uploads go to files or rdf")
    if upload_id is None:
        if not files:
            raise ConfigError("give the FILES to upload (or --stored ID)")
        suffixes = accepted_suffixes(kind)
        for path in files:
            if path.suffix.lower() not in suffixes:
                raise ConfigError(f"{path}: a {kind} source reads {', '.join(suffixes)} files")
        uploads = upload_store(config.data_dir)
        handles = [path.open("rb") for path in files]
        try:
            upload_id = uploads.receive(source, zip([p.name for p in files], handles, strict=True))
        finally:
            for handle in handles:
                handle.close()
    summary = run_upload(config, source, upload_id)
    print_summary(summary)
    out.print(f"upload {upload_id}: {upload_store(config.data_dir).folder(source, upload_id)}")
    code = _exit_code([summary])
    if code:
        raise SystemExit(code)


def report_options(command: Callable[P, R]) -> Callable[P, R]:
    """``--json`` and ``--html FILE``, for report and check."""
    html = click.option(
        "--html",
        "html_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the report as an HTML page to this file.",
    )
    as_json = click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
    return as_json(html(command))


@main.command()
@click.argument("source")
@report_options
@click.option("--run", "run_id", help="Report this run instead of the latest.")
@click.pass_obj
@reports_errors
def report(
    state: State, source: str, as_json: bool, html_file: Path | None, run_id: str | None
) -> None:
    """What became of SOURCE's records in its latest run (or --run RUN)."""
    config = state.config()
    chosen = config.source(source)
    workspace = Workspace(config.data_dir)
    index = RecordIndex(workspace.index_path)
    run = latest_run(workspace.run_dirs(source), run_id, source)
    try:
        data = build_report(chosen, index, run)
    finally:
        run.close()
        index.close()
    emit_report(data, as_json, html_file)


@main.command()
@click.argument("source")
@report_options
@click.pass_obj
@reports_errors
def check(state: State, source: str, as_json: bool, html_file: Path | None) -> None:
    """Dry run: harvest, map and validate SOURCE, and report the diff against what is
    published — changing nothing."""
    config = state.config()
    pipeline = Pipeline(config)
    with progress() as update:
        pipeline.progress = update
        with pipeline.check(source) as (_, run):
            index = RecordIndex(pipeline.workspace.index_path)
            try:
                data = build_report(config.source(source), index, run)
            finally:
                index.close()
    emit_report(data, as_json, html_file)


@main.group()
def mapping() -> None:
    """Draft a mapping for a partner's file, or write the spreadsheet template."""


def _sheet(value: str | None) -> str | int | None:
    return int(value) if value is not None and value.isdigit() else value


@mapping.command()
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--sheet", help="The sheet to read: its name or number (default: the first).")
@click.option("--header-row", type=click.IntRange(1), default=1, show_default=True)
@click.option("--name", help="The mapping's name (default: from the file's name).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the mapping to this file (default: print it).",
)
@reports_errors
def draft(
    file: Path, sheet: str | None, header_row: int, name: str | None, output: Path | None
) -> None:
    """Draft a commented TOML mapping for FILE (xlsx, xls, ods, csv, tsv, json) from its
    headers and values; columns it cannot place are listed as comments."""
    drafted = draft_mapping(file, name=name, sheet=_sheet(sheet), header_row=header_row)
    if output is None:
        click.echo(drafted.text, nl=False)
    else:
        output.write_text(drafted.text, encoding="utf-8")
        err.print(f"wrote {output}")
    err.print(
        f"{drafted.rows} records profiled: {len(drafted.placed)} columns placed, "
        f"{len(drafted.unplaced)} not placed"
        + (f" ({', '.join(drafted.unplaced[:8])})" if drafted.unplaced else "")
    )


@mapping.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@reports_errors
def template(out: Path) -> None:
    """Write the spreadsheet template (xlsx, header notes in English, French and Arabic) that
    the shipped `template` mapping reads without any editing."""
    out.write_bytes(template_bytes())
    err.print(f'wrote {out}: fill one row per object, then use mapping = "template"')


def _query_text(text: str) -> str:
    if text == "-":
        return sys.stdin.read()
    if text.startswith("@"):
        return Path(text[1:]).read_text(encoding="utf-8")
    return text


@main.command()
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
    store = Workspace(config.data_dir).open_published()
    print_results(store.query(_query_text(query), prefixes=sparql.PREFIXES), fmt)


@main.command("search")
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
@click.option("--limit", type=click.IntRange(0, search.MAX_LIMIT), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0, search.MAX_OFFSET), default=0, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
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
    fmt: str,
) -> None:
    """Full-text and faceted search over the published objects (every word must match)."""
    config = state.config()
    request = search.parse_facets(
        list(facets), partner=partner, text=text, limit=limit, offset=offset
    )
    result = search.Searcher(Workspace(config.data_dir).published_dir).search(request)
    print_search(result, fmt)


@main.command()
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
    err.print(f"indexed {count} objects of snapshot {snapshot.name}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
@reports_errors
def stats(state: State, as_json: bool) -> None:
    """Records, objects, persons, triples and quarantined records per source."""
    config = state.config()
    store = Workspace(config.data_dir).open_published()
    counts = source_counts(store, config)
    if as_json:
        click.echo(json.dumps({"sources": counts, "quads": len(store)}, indent=2))
        return
    table = Table(*STATS_COLUMNS, header_style="bold")
    for row in counts:
        table.add_row(*(str(row[k]) for k in STATS_COLUMNS))
    out.print(table)


@main.command()
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
        store = Workspace(config.data_dir).open_published()
        settings = config.reconciliation
        entities = read_entities(store, config.base_iri, [s.name for s in config.sources])
        matching = match(entities, settings.settings, settings.overrides, config.base_iri)
        same, different = settings.overrides.resolve(config.base_iri)
        decided = {frozenset((a, b)) for a, b, _ in same} | {frozenset(p) for p in different}
        render = review_json if as_json else review_toml
        click.echo(render(matching, settings.settings, config.base_iri, decided), nl=False)
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
    for iri in report.unknown_overrides:
        err.print(f"  [yellow]overrides name an entity the store does not hold:[/] {escape(iri)}")


@main.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("museion-demo"),
    show_default=True,
    help="Where the demo's store is written.",
)
@click.option(
    "--serve",
    "then_serve",
    is_flag=True,
    help="Then serve the demo's data: the query UI at http://localhost:8000/.",
)
@reports_errors
def demo(data_dir: Path, then_serve: bool) -> None:
    """Harvest the bundled Tate and CMOA samples and answer cross-institution questions."""
    config = demo_config(data_dir)
    err.print(f"Harvesting the bundled Tate and Carnegie Museum of Art samples into {data_dir}")
    run_harvest(config)
    store = Workspace(config.data_dir).open_published()
    for question, name in DEMO_QUESTIONS:
        out.print(f"\n[bold]{question}[/]")
        print_results(store.query(sparql.example_query(name).query), "table")
    out.print(f"\nAsk your own questions: museion --config {config.path} query 'SELECT ...'")
    out.print(f"Search across both partners: museion --config {config.path} search Durer")
    _print_sample_checklist(config)
    if then_serve:
        _serve(config, host="127.0.0.1", port=8000)
    else:
        out.print(
            f"or in the browser: museion --config {config.path} serve  (or: museion demo --serve)"
        )
        out.print("Search: [bold]http://localhost:8000/search[/] (while it serves)")


def _print_sample_checklist(config: Config) -> None:
    checklist = sample_checklist(config)
    summary = plan(checklist)
    out.print(
        f"\n[bold]{checklist.name}[/]: a checklist built from both partners, at "
        f"http://localhost:8000/checklists/{checklist.id} (while `museion demo --serve` runs)"
    )
    table = Table("No.", "Lender", "Accession no.", "Title", "Maker", "Date", "cm (h × w)")
    for number, item in enumerate(checklist.items, start=1):
        f = item.fields
        size = " × ".join(f"{round(v, 1):g}" for v in (f.height_cm, f.width_cm) if v is not None)
        table.add_row(
            str(number),
            escape(f.lender),
            escape(f.accession_number),
            escape(f.title),
            escape("; ".join(f.makers)),
            escape(f.date),
            size,
        )
    out.print(table)
    light = sum(1 for w in summary.warnings if w.kind == "light")
    out.print(
        f"{summary.objects} objects from {len(summary.lenders)} lenders; wall length "
        f"{summary.wall_m:.2f} m; {light} light-sensitive; exports: "
        f"/checklists/{checklist.id}.xlsx, .csv, .jsonld, /checklists/{checklist.id}/loans"
    )


def _serve(config: Config, *, host: str, port: int, workers: int = 1, **options: Any) -> None:
    settings = endpoint_settings(config, public=is_public_host(host), **options)
    if Workspace(config.data_dir).published_path() is None:
        err.print(
            "[yellow]warning:[/] nothing is published yet; queries are answered 503 "
            "until `museion harvest` publishes a snapshot"
        )
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    err.print(
        f"Query UI: [bold]http://{shown}:{port}/[/]   SPARQL endpoint: http://{shown}:{port}/sparql"
    )
    err.print(f"Search: [bold]http://{shown}:{port}/search[/]")
    sparql.serve(settings, host=host, port=port, workers=workers)


@main.command()
@click.option("--host", help="Address to listen on (default: [endpoint] host, 127.0.0.1).")
@click.option(
    "--port", type=click.IntRange(0, 65535), help="Port (default: [endpoint] port, 8000)."
)
@click.option("--workers", type=click.IntRange(1), help="HTTP worker processes (default 1).")
@click.option(
    "--query-timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop a query after this long and answer 503 (default 30).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(0),
    metavar="N",
    help="Most rows (or triples) in one answer, 0 for no cap (default 10000).",
)
@click.option(
    "--query-processes",
    type=click.IntRange(1),
    metavar="N",
    help="Query processes per HTTP worker (default: CPUs, at least 2).",
)
@click.pass_obj
@reports_errors
def serve(
    state: State,
    *,
    host: str | None,
    port: int | None,
    workers: int | None,
    query_timeout: float | None,
    max_rows: int | None,
    query_processes: int | None,
) -> None:
    """Serve the published data: SPARQL at /sparql, the query UI at /, entity pages.

    The admin token for SPARQL Update comes from [endpoint] admin_token or MUSEION_ADMIN_TOKEN.
    """
    config = state.config()
    section = config.endpoint
    _serve(
        config,
        host=host or section.host,
        port=section.port if port is None else port,
        workers=workers or section.workers,
        query_timeout=query_timeout,
        max_rows=max_rows,
        query_processes=query_processes,
    )
