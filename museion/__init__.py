"""Museion: the application shell (CLI, config, pipeline) over the stage packages."""

from museion_errors import MuseionError

from .config import Config, SourceConfig, load_config
from .pipeline import HarvestSummary, harvest_source, source_counts
from .workspace import Workspace

__all__ = [
    "Config",
    "HarvestSummary",
    "MuseionError",
    "SourceConfig",
    "Workspace",
    "harvest_source",
    "load_config",
    "source_counts",
]
