"""OAI-PMH 2.0 harvesting (``kind = "oaipmh"``): a client for the six verbs and the harvester."""

from .client import OaiClient
from .harvester import OaiHarvester, OaiOptions, at_granularity
from .responses import (
    Header,
    Identity,
    MetadataFormat,
    OaiProtocolError,
    OaiRecord,
    OaiSet,
    Page,
    ResumptionToken,
)
from .salvage import BrokenRecord

__all__ = [
    "BrokenRecord",
    "Header",
    "Identity",
    "MetadataFormat",
    "OaiClient",
    "OaiHarvester",
    "OaiOptions",
    "OaiProtocolError",
    "OaiRecord",
    "OaiSet",
    "Page",
    "ResumptionToken",
    "at_granularity",
]
