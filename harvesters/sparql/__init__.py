"""``kind = "sparql"``: harvest a partner's SPARQL endpoint (another Museion among them)."""

from .client import SparqlClient, canonical_ntriples
from .harvester import NTRIPLES, SparqlHarvester, SparqlOptions, default_query

__all__ = [
    "NTRIPLES",
    "SparqlClient",
    "SparqlHarvester",
    "SparqlOptions",
    "canonical_ntriples",
    "default_query",
]
