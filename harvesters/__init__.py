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
    location_folder,
    options_model,
)
from .csvrows import read_csv
from .files import EXTENSIONS as FILE_EXTENSIONS
from .iiif import IIIF_KEY
from .jsonload import load_json
from .jsonscan import records_key
from .rdf import EXTENSIONS as RDF_EXTENSIONS
from .readers import Parsed, Unreadable, read_json, sniff_format
from .records import HarvestItem, RejectedRecord, SourceRecord
from .sheets import SHEET_FORMATS, read_sheet, sheet_names, sheet_rows
from .xml import LIDO_NS, LIDO_RECORD, XmlError, parse_xml, safe_parser

__all__ = [
    "FILE_EXTENSIONS",
    "IIIF_KEY",
    "LIDO_NS",
    "LIDO_RECORD",
    "RDF_EXTENSIONS",
    "SHEET_FORMATS",
    "HarvestError",
    "HarvestItem",
    "Harvester",
    "HarvesterOptions",
    "Identify",
    "Parsed",
    "RejectedRecord",
    "SourceRecord",
    "SourceSpec",
    "Unreadable",
    "XmlError",
    "available_kinds",
    "create_harvester",
    "load_json",
    "location_folder",
    "options_model",
    "parse_xml",
    "read_csv",
    "read_json",
    "read_sheet",
    "records_key",
    "safe_parser",
    "sheet_names",
    "sheet_rows",
    "sniff_format",
]
