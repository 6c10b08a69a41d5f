"""An entity as a Linked Art JSON-LD document, compacted with the bundled context, offline.

The Linked Art context ships with the package (``sparql/data/linked-art-context.json``, CC BY
4.0); the JSON-LD processor's document loader serves it and refuses every other URL, so no
context is ever fetched over the network. Nodes Museion minted under the entity's IRI
(``{object}/production``, ``{object}/title/1``) are embedded without ``id``, as the Linked
Art API schemas require (ARCHITECTURE §4).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from pyld import jsonld
from pyoxigraph import RdfFormat, Triple, serialize

from museion_errors import QueryError

from .negotiation import LINKED_ART_PROFILE

__all__ = ["CONTEXT_URL", "linked_art_document"]

CONTEXT_URL = LINKED_ART_PROFILE


@cache
def _context() -> dict[str, Any]:
    text = resources.files("sparql").joinpath("data/linked-art-context.json").read_text("utf-8")
    context: dict[str, Any] = json.loads(text)
    return context


def _loader(url: str, _options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url.rstrip("/") == CONTEXT_URL:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": _context(),
        }
    raise QueryError(f"refusing to fetch the JSON-LD document {url} (Museion works offline)")


def linked_art_document(iri: str, triples: Iterable[Triple]) -> dict[str, Any]:
    """The entity, its embedded nodes inline, in the Linked Art context."""
    data = serialize(list(triples), format=RdfFormat.N_TRIPLES) or b""
    options = {"documentLoader": _loader}
    expanded = jsonld.from_rdf(data.decode("utf-8"), {"format": "application/n-quads"})
    framed = jsonld.frame(
        expanded,
        {"@context": CONTEXT_URL, "@id": iri, "@embed": "@always"},
        {**options, "omitGraph": True},
    )
    document = {"@context": CONTEXT_URL, **{k: v for k, v in framed.items() if k != "@context"}}
    stripped: dict[str, Any] = _strip_ids(document, iri, top=True)
    return stripped


def _strip_ids(node: Any, iri: str, *, top: bool = False) -> Any:
    if isinstance(node, list):
        return [_strip_ids(item, iri) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "id" and not top and isinstance(value, str) and value.startswith(iri + "/"):
            continue
        out[key] = _strip_ids(value, iri)
    return out
