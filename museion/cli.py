"""``museion``: the command line. Every failure is one line on stderr and a non-zero exit code.

Exit codes: 0 done; 1 a source or the store failed; 2 bad usage or configuration;
3 the harvest finished but records were quarantined (each is listed with its reason).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

import sparql
from museion_errors import ConfigError, MuseionError

from .config import Config, load_config
from .demo import DEMO_QUESTIONS, demo_config
from .pipeline import HarvestSummary, harvest_source, source_counts
from .serving import endpoint_settings
from .workspace import Workspace

__all__ = ["main"]

EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_QUARANTINED = 3
SHOWN_REJECTIONS = 20

P = ParamSpec("P")
R = TypeVar("R")

err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)


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
        except KeyboardInterrupt:
            err.print("[bold red]interrupted[/]")
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


@contextmanager
def _progress(label: str) -> Iterator[Callable[[HarvestSummary], None]]:
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(label)

        def update(summary: HarvestSummary) -> None:
            progress.update(
                task,
                description=(
                    f"{label}: {summary.read} read, {summary.mapped} mapped, "
                    f"{summary.rejected} rejected"
                ),
            )

        yield update


def _print_summary(summary: HarvestSummary) -> None:
    err.print(
        f"[bold]{summary.source}[/]: {summary.read} records read, {summary.mapped} mapped, "
        f"{summary.rejected} rejected, {summary.deleted} deleted "
        f"({summary.quads} triples, {summary.seconds:.1f} s)"
    )
    for rejection in summary.rejections[:SHOWN_REJECTIONS]:
        err.print(f"  [red]rejected[/] {escape(rejection.line(summary.source))}")
    if summary.rejected > SHOWN_REJECTIONS:
        err.print(
            f"  … and {summary.rejected - SHOWN_REJECTIONS} more rejected records "
            "(all are kept in the store's quarantine with their reasons)"
        )
    if summary.warnings:
        total = sum(summary.warnings.values())
        err.print(f"  {total} warnings, most common:")
        for warning, count in summary.warnings.most_common(5):
            err.print(f"    {count} × {escape(warning)}")


def run_harvest(config: Config, names: tuple[str, ...] = ()) -> list[HarvestSummary]:
    sources = [config.source(n) for n in names] if names else config.sources
    if not sources:
        raise ConfigError("no [[sources]] to harvest", file=str(config.path))
    workspace = Workspace(config.data_dir)
    summaries = []
    store = workspace.open_writer()
    for source in sources:
        with workspace.writing(), _progress(f"harvesting {source.name}") as update:
            checkpoint = workspace.source_state(source.name).get("checkpoint")
            summary = harvest_source(config, source, store, update, checkpoint=checkpoint)
        workspace.save_source_state(
            source.name, checkpoint=summary.checkpoint, harvested=datetime.now(UTC).isoformat()
        )
        _print_summary(summary)
        summaries.append(summary)
    snapshot = workspace.publish(store)
    store.close()
    err.print(f"published {snapshot.name}")
    return summaries


@main.command()
@click.argument("sources", nargs=-1)
@click.pass_obj
@reports_errors
def harvest(state: State, sources: tuple[str, ...]) -> None:
    """Harvest, map and load SOURCES (all configured sources by default)."""
    summaries = run_harvest(state.config(), sources)
    if any(s.rejected for s in summaries):
        raise SystemExit(EXIT_QUARANTINED)


def _query_text(text: str) -> str:
    if text == "-":
        return sys.stdin.read()
    if text.startswith("@"):
        return Path(text[1:]).read_text(encoding="utf-8")
    return text


def _with_prefixes(query: str) -> str:
    missing = [
        p for p in sparql.PREFIXES if f"{p}:" in query and f"prefix {p}:" not in query.lower()
    ]
    return "".join(f"PREFIX {p}: <{sparql.PREFIXES[p]}>\n" for p in missing) + query


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
    results = store.query(_with_prefixes(_query_text(query)))
    print_results(results, fmt)


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
    table = Table(
        "source",
        "partner",
        "records",
        "objects",
        "persons",
        "triples",
        "quarantined",
        header_style="bold",
    )
    for row in counts:
        table.add_row(
            *(
                str(row[k])
                for k in (
                    "source",
                    "partner",
                    "records",
                    "objects",
                    "persons",
                    "triples",
                    "quarantined",
                )
            )
        )
    out.print(table)


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
    if then_serve:
        _serve(config, host="127.0.0.1", port=8000)
    else:
        out.print(
            f"or in the browser: museion --config {config.path} serve  (or: museion demo --serve)"
        )


def _serve(config: Config, *, host: str, port: int, workers: int = 1, **options: Any) -> None:
    settings = endpoint_settings(config, **options)
    if Workspace(config.data_dir).published_path() is None:
        err.print(
            "[yellow]warning:[/] nothing is published yet; queries are answered 503 "
            "until `museion harvest` publishes a snapshot"
        )
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    err.print(
        f"Query UI: [bold]http://{shown}:{port}/[/]   SPARQL endpoint: http://{shown}:{port}/sparql"
    )
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
