"""The commands of ``museion``, grouped by what they touch; ``museion.cli`` assembles them.

Each command is a click command of its own (not registered on the group here), so a module
never imports the CLI that lists it.
"""

from __future__ import annotations

import click

from .common import EXIT_CONFIG, EXIT_FAILED, EXIT_HELD, EXIT_QUARANTINED, State, run_harvest
from .mapping import mapping
from .read import query, reconcile, reindex, search_command, stats
from .runs import check, harvest, publish, remap, report, upload
from .serving import demo, serve

__all__ = [
    "COMMANDS",
    "EXIT_CONFIG",
    "EXIT_FAILED",
    "EXIT_HELD",
    "EXIT_QUARANTINED",
    "State",
    "run_harvest",
]

COMMANDS: tuple[click.Command, ...] = (
    harvest,
    publish,
    remap,
    upload,
    report,
    check,
    mapping,
    query,
    search_command,
    reindex,
    stats,
    reconcile,
    demo,
    serve,
)
"""Every top-level command, in the order of the README's table."""
