"""Harvesters: read partner feeds and yield raw ``SourceRecord``s, lazily. They never map.

A harvester is found by the ``kind`` of its source in config (``files``, ``oaipmh``, ...).
"""

from museion_core.errors import HarvestError

from . import files as _files  # noqa: F401  (registers kind "files")
from . import jsonapi as _jsonapi  # noqa: F401  (registers kind "jsonapi")
from . import oaipmh as _oaipmh  # noqa: F401  (registers kind "oaipmh")
from . import rdf as _rdf  # noqa: F401  (registers kind "rdf")
from . import sparql as _sparql  # noqa: F401  (registers kind "sparql")
from .base import (
    Harvester,
    HarvesterOptions,
    Identify,
    SourceSpec,
    available_kinds,
    create_harvester,
    options_model,
)
from .iiif import IIIF_KEY
from .jsonscan import load_json
from .records import HarvestItem, RejectedRecord, SourceRecord
from .xml import LIDO_NS, LIDO_RECORD, XmlError, parse_xml, safe_parser

__all__ = [
    "IIIF_KEY",
    "LIDO_NS",
    "LIDO_RECORD",
    "HarvestError",
    "HarvestItem",
    "Harvester",
    "HarvesterOptions",
    "Identify",
    "RejectedRecord",
    "SourceRecord",
    "SourceSpec",
    "XmlError",
    "available_kinds",
    "create_harvester",
    "load_json",
    "options_model",
    "parse_xml",
    "safe_parser",
]
