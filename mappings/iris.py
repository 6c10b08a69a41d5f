"""Deterministic IRIs (ARCHITECTURE §4): re-harvesting a record never changes an IRI.

``{base}{source}/object/{id}``, ``.../person/{id}``, ``.../group/{id}``, ``.../place/{id}``,
``.../concept/{scheme}/{id}``, ``.../set/{id}``; the record's named graph is
``{base}{source}/record/{id}``; local ids are percent-encoded. Nodes inside a record hang under
the object's IRI (``{object}/production``, ``{object}/title/1``) so records diff exactly.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from pyoxigraph import NamedNode

from .nquads import lone_surrogate

__all__ = ["RESERVED_SOURCE_NAMES", "Minter", "encode_id", "label_key", "slug"]

RESERVED_SOURCE_NAMES = frozenset(
    {
        "api",
        "concept",
        "graph",
        "group",
        "meta",
        "ns",
        "partner",
        "person",
        "place",
        "query",
        "reconcile",
        "sources",
        "sparql",
        "static",
        "void",
        "well-known",
        "ui",
        "dataset",
    }
)
"""Top-level path segments Museion uses for itself; no source may be named like them."""

_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


@lru_cache(maxsize=16384)
def encode_id(local_id: str) -> str:
    """Percent-encode a partner's identifier so that it is one IRI path segment (cached: the
    same actors, places and terms come back in record after record)."""
    try:
        return quote(local_id, safe="")
    except UnicodeEncodeError as exc:  # a lone surrogate (JSON can escape one): no IRI holds it
        raise (lone_surrogate(local_id) or exc) from None


def label_key(text: str) -> str:
    """A stable identifier for a thing known only by its label: case, spacing and punctuation
    do not matter ("On paper, unique" and "on paper unique" are one term)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_WORD.sub("-", folded).strip("-_") or "-"


def slug(text: str) -> str:
    """``label_key`` as one percent-encoded IRI path segment."""
    return encode_id(label_key(text))


@dataclass(frozen=True, slots=True)
class Minter:
    """Mints the IRIs of one source under one base IRI."""

    base: str
    source: str

    @property
    def prefix(self) -> str:
        return f"{self.base}{self.source}/"

    def object(self, local_id: str) -> NamedNode:
        return NamedNode(f"{self.base}{self.source}/object/{encode_id(local_id)}")

    def record_graph(self, local_id: str) -> NamedNode:
        return NamedNode(f"{self.base}{self.source}/record/{encode_id(local_id)}")

    def actor(self, kind: str, local_id: str) -> NamedNode:
        """``kind`` is ``person`` or ``group``."""
        return NamedNode(f"{self.base}{self.source}/{kind}/{encode_id(local_id)}")

    def place(self, local_id: str) -> NamedNode:
        return NamedNode(f"{self.base}{self.source}/place/{encode_id(local_id)}")

    def concept(self, scheme: str, term: str) -> NamedNode:
        return NamedNode(f"{self.base}{self.source}/concept/{scheme}/{slug(term)}")

    def set(self, local_id: str) -> NamedNode:
        return NamedNode(f"{self.base}{self.source}/set/{encode_id(local_id)}")

    def partner(self) -> NamedNode:
        return NamedNode(f"{self.base}partner/{self.source}")

    def dataset(self) -> NamedNode:
        return NamedNode(f"{self.base}dataset/{self.source}")
