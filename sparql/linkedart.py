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


_NUMBERS = {"xsd:decimal", "xsd:integer", "xsd:double", "xsd:float", "xsd:int", "xsd:long"}
_FIRST = ("@context", "id", "type", "_label")


def _strip_ids(node: Any, iri: str, *, top: bool = False) -> Any:
    """Drop the ``id`` of nodes minted under the entity, write numbers as JSON numbers and
    labels as plain strings, and put ``id``, ``type`` and ``_label`` first, as Linked Art
    documents do."""
    if isinstance(node, list):
        return [_strip_ids(item, iri) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"type", "@value"} and node["type"] in _NUMBERS:
        number = float(node["@value"])
        return int(number) if number.is_integer() and "." not in node["@value"] else number
    out: dict[str, Any] = {}
    for key in sorted(node, key=lambda k: _FIRST.index(k) if k in _FIRST else len(_FIRST)):
        value = node[key]
        if key == "id" and not top and isinstance(value, str) and value.startswith(iri + "/"):
            continue
        if key == "_label" and isinstance(value, dict) and "@value" in value:
            value = value["@value"]
        out[key] = _strip_ids(value, iri)
    return out
