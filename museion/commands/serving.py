"""``museion serve`` and ``museion demo`` (which may end serving the demo's data)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

import sparql
from museion_core.errors import ConfigError
from publish import Workspace
from sparql import plan

from ..config import Config
from ..console import counted, err, out, print_results
from ..demo import DEMO_QUESTIONS, demo_config, sample_checklist
from ..serving import endpoint_settings, is_public_host, listening_at
from .common import State, reports_errors, run_harvest

__all__ = ["demo", "serve"]


@click.command()
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
    help="Then serve the demo's data: the query UI at http://127.0.0.1:8000/.",
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
        f"{counted(summary.objects, 'object')} from {counted(len(summary.lenders), 'lender')}; "
        "wall length "
        f"{summary.wall_m:.2f} m; {light} light-sensitive; exports: "
        f"/checklists/{checklist.id}.xlsx, .csv, .jsonld, /checklists/{checklist.id}/loans"
    )


def _check_listening(config: Config, host: str, port: int) -> None:
    """Fail as a configuration fault (exit 2), before the addresses are printed, when the
    server cannot listen there: it printed its URLs, then uvicorn's "[Errno 98]" and exit 3,
    which says "published, but records were quarantined"."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host.strip("[]"), port))
    except OSError as exc:
        raise ConfigError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port or "
            "--host, or stop what listens there",
            file=str(config.path),
            key="endpoint",
        ) from None


def _serve(config: Config, *, host: str, port: int, workers: int = 1, **options: Any) -> None:
    proxied = tuple(config.endpoint.trusted_proxies)
    # behind a reverse proxy the server listens on loopback, but the world reaches it
    settings = endpoint_settings(config, public=is_public_host(host) or bool(proxied), **options)
    _check_listening(config, host, port)
    if Workspace(config.data_dir).published_path() is None:
        err.print(
            "[yellow]warning:[/] nothing is published yet; queries are answered 503 "
            "until `museion harvest` publishes a snapshot"
        )
    found, note = listening_at(host, port)
    url = escape(found + sparql.site_root(config.base_iri))  # "[::1]" is an address, not markup
    if note:
        err.print(escape(note))
    err.print(f"Query UI: [bold]{url}/[/]   SPARQL endpoint: {url}/sparql", soft_wrap=True)
    err.print(f"Search: [bold]{url}/search[/]", soft_wrap=True)
    sparql.serve(settings, host=host, port=port, workers=workers, trusted_proxies=proxied)


@click.command()
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
