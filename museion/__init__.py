"""Museion: the application shell (CLI, config, pipeline) over the stage packages."""

from museion_core.errors import MuseionError
from publish import Workspace

from .config import Config, SourceConfig, load_config
from .pipeline import HarvestSummary, Pipeline
from .report import build_report, render_html, source_counts

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
