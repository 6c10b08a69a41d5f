"""What every command shares: the config it reads, one-line errors, exit codes, options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import click
from rich.markup import escape

from museion_core.errors import ConfigError, MuseionError, system_refusal
from publish import RunStatus
from sparql import UI_LANGUAGES

from ..config import Config, load_config
from ..console import err, print_summary, progress
from ..pipeline import HarvestSummary, Pipeline, PublishFailedError, SourcesFailedError

__all__ = [
    "EXIT_CONFIG",
    "EXIT_FAILED",
    "EXIT_HELD",
    "EXIT_QUARANTINED",
    "JOBS_OPTION",
    "State",
    "exit_code",
    "exit_with",
    "html_language",
    "report_options",
    "reports_errors",
    "run_harvest",
]

EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_QUARANTINED = 3
EXIT_HELD = 4

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class State:
    """The group's options, passed to every command (the config is read when a command
    needs it, so `museion demo` and `museion mapping` work without one)."""

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
            err.print(f"[bold red]error:[/] {escape(system_refusal(exc))}")
            raise SystemExit(EXIT_FAILED) from None
        except KeyboardInterrupt:
            err.print("[bold red]interrupted[/] (the next harvest resumes where this one stopped)")
            raise SystemExit(130) from None

    return run


JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 1024),
    default=None,
    metavar="N",
    help="Map records in N processes (default: [store] jobs, else one per CPU); with N > 1 "
    "several sources are also harvested at once. One writer either way.",
)


def report_options(command: Callable[P, R]) -> Callable[P, R]:
    """``--json``, ``--html FILE`` and ``--lang``, for report and check."""
    html = click.option(
        "--html",
        "html_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the report as an HTML page to this file.",
    )
    as_json = click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
    lang = click.option(
        "--lang",
        type=click.Choice(list(UI_LANGUAGES)),
        help="The language of the --html page (default: en); the text and JSON stay English.",
    )
    return as_json(html(lang(command)))


def html_language(lang: str | None, html_file: Path | None) -> str:
    """The --html page's language: a partner's registrar reads the page a run wrote in French
    or Arabic, as the endpoint shows it, without a server. The text report and the JSON are
    English (scripts read them), so --lang without --html is a mistake, not a no-op."""
    if lang is not None and html_file is None:
        raise click.UsageError("--lang sets the language of the --html page: give --html FILE")
    return lang or "en"


def run_harvest(
    config: Config,
    names: tuple[str, ...] = (),
    records: tuple[str, ...] = (),
    jobs: int | None = None,
) -> list[HarvestSummary]:
    """Harvest with a progress bar and print each source's summary; when sources fail, the
    others' summaries are printed first and then one line per failure, and so when the
    publish fails, before its own line."""
    try:
        with progress() as update:
            summaries = Pipeline(config, progress=update, jobs=jobs).harvest(names, records)
    except SourcesFailedError as failed:
        for summary in failed.summaries:  # the sources that did not fail, then one line each
            print_summary(summary)
        for failure in failed.failures[:-1]:
            err.print(f"[bold red]error:[/] {escape(failure.one_line())}")
        raise failed.failures[-1] from None
    except PublishFailedError as failed:
        for summary in failed.summaries:  # what each source applied, then why none is public
            print_summary(summary)
        for failure in failed.failures:
            err.print(f"[bold red]error:[/] {escape(failure.one_line())}")
        raise
    for summary in summaries:
        print_summary(summary)
    return summaries


def exit_code(summaries: list[HarvestSummary]) -> int:
    """The documented exit code of runs: failed beats held beats quarantined records."""
    if any(s.status == RunStatus.FAILED for s in summaries):
        return EXIT_FAILED
    if any(s.status == RunStatus.HELD for s in summaries):
        return EXIT_HELD
    if any(s.rejected for s in summaries):
        return EXIT_QUARANTINED
    return 0


def exit_with(summaries: list[HarvestSummary]) -> None:
    """Leave with the runs' exit code when it is not 0."""
    code = exit_code(summaries)
    if code:
        raise SystemExit(code)
