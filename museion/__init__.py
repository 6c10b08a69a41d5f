"""Museion: the application shell (CLI, config, pipeline) over the stage packages."""

from museion_core.errors import MuseionError

from .config import Config, SourceConfig, load_config
from .pipeline import HarvestSummary, Pipeline
from .report import build_report, render_html, source_counts
from .workspace import Workspace

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
