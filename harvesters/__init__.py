"""Harvesters: read partner feeds and yield raw ``SourceRecord``s, lazily. They never map.

A harvester is found by the ``kind`` of its source in config (``files``, ``oaipmh``, ...).
"""

from museion_errors import HarvestError

from . import files as _files  # noqa: F401  (registers kind "files")
from .base import (
    Harvester,
    HarvesterOptions,
    Identify,
    SourceSpec,
    available_kinds,
    create_harvester,
    options_model,
)
from .records import HarvestItem, RejectedRecord, SourceRecord

__all__ = [
    "HarvestError",
    "HarvestItem",
    "Harvester",
    "HarvesterOptions",
    "Identify",
    "RejectedRecord",
    "SourceRecord",
    "SourceSpec",
    "available_kinds",
    "create_harvester",
    "options_model",
]
