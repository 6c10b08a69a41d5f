"""Museion: the application shell (CLI, config, pipeline) over the stage packages."""

import os
import sys
from pathlib import Path

# ``python -m museion`` puts the working folder first on the import path, and a data folder
# holds ``store/`` (the README's store path): in an editable install that folder would be
# taken for the store package. Museion imports nothing from the working folder.
if (
    sys.argv[:1] == ["-m"]
    and sys.path[:1] == [os.getcwd()]
    and Path(__file__).resolve().parent.parent != Path.cwd().resolve()
):
    del sys.path[0]

from museion_core.errors import MuseionError
from publish import Workspace

from .config import Config, SourceConfig, load_config
from .pipeline import HarvestSummary, Pipeline
from .report import build_report, render_html
from .stats import source_counts

__all__ = [
    "Config",
    "HarvestSummary",
    "MuseionError",
    "Pipeline",
    "SourceConfig",
    "Workspace",
    "build_report",
    "load_config",
    "render_html",
    "source_counts",
]
