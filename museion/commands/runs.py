"""Commands that write runs: harvest, publish, remap, upload; and the partner reports of
runs: report, check."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from museion_core import messages
from museion_core.errors import ConfigError
from publish import RecordIndex, Workspace
from sparql import harvest_failure, with_failure

from ..config import Config
from ..console import emit_report, err, out, print_summary, progress
from ..pipeline import Pipeline
from ..report import build_report, latest_run
from ..uploads import (
    UPLOAD_KINDS,
    left_to_uploads,
    run_upload,
    upload_store,
    upload_suffixes,
)
from .common import (
    EXIT_HELD,
    JOBS_OPTION,
    State,
    exit_with,
    html_language,
    report_options,
    reports_errors,
    run_harvest,
)

__all__ = ["check", "harvest", "publish", "remap", "report", "upload"]


@click.command()
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
    """Harvest, map and load SOURCES (all by default); publish what passes its gates.

    Of all sources, one whose partner uploads its files and whose location holds none is
    passed by with a note, not failed (``museion.uploads.left_to_uploads``)."""
    config = state.config()
    if not sources and not records:
        left = [s for s in config.sources if left_to_uploads(s)]
        for source in left:
            err.print(
                f"[bold]{source.name}[/]: nothing to harvest at {escape(source.location)}; "
                "the source takes its partner's uploads (the latest one stands)"
            )
        if left:
            sources = tuple(s.name for s in config.sources if s not in left)
            if not sources:
                return
    exit_with(run_harvest(config, sources, records, jobs))


@click.command()
@click.argument("source")
@click.option("--force", is_flag=True, help="Publish the held run although it failed a gate.")
@click.pass_obj
@reports_errors
def publish(state: State, source: str, force: bool) -> None:
    """Publish SOURCE's held run (a person decided the gate was wrong)."""
    summary = Pipeline(state.config()).publish_held(source, force=force)
    print_summary(summary)


@click.command()
@click.argument("source")
@JOBS_OPTION
@click.pass_obj
@reports_errors
def remap(state: State, source: str, jobs: int | None) -> None:
    """Rebuild SOURCE's graphs from the stored payloads (after a mapping change).

    A source that holds no record (its feed left none) has nothing to remap: said in one
    line, and, as for a harvest with nothing to do, exit 0 and nothing published."""
    with progress("remapping") as update:  # it reads no feed: not "harvesting"
        summary = Pipeline(state.config(), progress=update, jobs=jobs).remap(source)
    if summary is None:
        err.print(f"[bold]{escape(source)}[/]: {escape(messages.NOTHING_TO_REMAP())}")
        return
    print_summary(summary)
    exit_with([summary])


@click.command()
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
        upload_id = _receive(config, source, files)
    summary = run_upload(config, source, upload_id)
    print_summary(summary)
    out.print(f"upload {upload_id}: {upload_store(config.data_dir).folder(source, upload_id)}")
    exit_with([summary])


def _receive(config: Config, source: str, files: tuple[Path, ...]) -> str:
    """Keep FILES as a new upload (after checking the source reads them): its id."""
    if not files:
        raise ConfigError("give the FILES to upload (or --stored ID)")
    suffixes = upload_suffixes(config.source(source))
    for path in files:
        if path.suffix.lower() not in suffixes:
            raise ConfigError(f"{path}: source {source!r} reads {', '.join(suffixes)} files")
    data_dir = config.data_dir
    handles = [path.open("rb") for path in files]
    try:
        return upload_store(data_dir).receive(
            source, zip([p.name for p in files], handles, strict=True)
        )
    finally:
        for handle in handles:
            handle.close()


@click.command()
@click.argument("source")
@report_options
@click.option("--run", "run_id", help="Report this run instead of the latest.")
@click.pass_obj
@reports_errors
def report(
    state: State,
    source: str,
    *,
    as_json: bool,
    html_file: Path | None,
    lang: str | None,
    run_id: str | None,
) -> None:
    """What became of SOURCE's records in its latest run (or --run RUN)."""
    page_lang = html_language(lang, html_file)
    config = state.config()
    chosen = config.source(source)
    workspace = Workspace(config.data_dir)
    # The latest run's report says so when the source's latest harvest failed (as its page
    # does): its run is then the one left unfinished, which the next harvest takes up.
    failure = harvest_failure(workspace.reports_dir, source) if run_id is None else None
    run = latest_run(workspace.run_dirs(source), run_id, source)
    index = RecordIndex(workspace.index_path)
    try:
        data = build_report(chosen, index, run)
    finally:
        run.close()
        index.close()
    emit_report(
        data if failure is None else with_failure(data, failure), as_json, html_file, page_lang
    )


@click.command()
@click.argument("source")
@report_options
@click.pass_obj
@reports_errors
def check(
    state: State, source: str, as_json: bool, html_file: Path | None, lang: str | None
) -> None:
    """Dry run: harvest, map and validate SOURCE, and report the diff against what is
    published — changing nothing. Exits as a harvest would: 4 if its gates would hold the
    run, 3 if records would be quarantined."""
    page_lang = html_language(lang, html_file)
    config = state.config()
    pipeline = Pipeline(config)
    with progress("checking") as update:  # a dry run: it harvests, and publishes nothing
        pipeline.progress = update
        with pipeline.check(source) as (summary, run):
            index = RecordIndex(pipeline.workspace.index_path)
            try:
                data = build_report(config.source(source), index, run)
            finally:
                index.close()
    print_summary(summary)
    emit_report(data, as_json, html_file, page_lang)
    if summary.reason:
        raise SystemExit(EXIT_HELD)
    exit_with([summary])
