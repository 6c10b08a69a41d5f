"""OAI-PMH 2.0 harvesting (``kind = "oaipmh"``): a client for the six verbs and the harvester."""

from .client import (
    BrokenRecord,
    Header,
    Identity,
    MetadataFormat,
    OaiClient,
    OaiProtocolError,
    OaiRecord,
    OaiSet,
    Page,
    ResumptionToken,
)
from .harvester import OaiHarvester, OaiOptions, at_granularity

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
