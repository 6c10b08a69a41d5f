"""``museion``: the command line. Every failure is one line on stderr and a non-zero exit code.

Exit codes: 0 done; 1 a source or the store failed; 2 bad usage or configuration;
3 published, but records were quarantined (each is listed with its reason);
4 a run was held by its quality gates and not published (the reason is printed).

The commands live in ``museion.commands``, grouped by what they touch; this module is the
group that holds them and its one global option, ``--config``.
"""

from __future__ import annotations

from pathlib import Path

import click

from .commands import COMMANDS, State, run_harvest
from .memory import cap_malloc_arenas

__all__ = ["main", "run_harvest"]


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
    # Before any command opens the store or starts a thread (see museion.memory).
    cap_malloc_arenas()
    ctx.obj = State(config_path)


for _command in COMMANDS:
    main.add_command(_command)
