"""The ``linkedart`` mapping: a partner's own Linked Art (from ``kind = "rdf"``), kept as is.

The record's triples go into its named graph unchanged — the partner's IRIs, types and
structure — after a check against the closed vocabulary: every property and class must be one
the Linked Art context names (CIDOC-CRM, the Linked Art extension, and the other vocabularies
it uses), or one of RDF/RDFS/OWL/SKOS/Dublin Core's basics. An unknown term is kept (dropping
it would lose what the partner said) but reported as a warning in the harvest summary and the
partner report, so nothing outside the vocabulary enters silently. Blank nodes are renamed per
record, so that two records' ``_:b0`` stay two nodes in one store.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

from pyoxigraph import BlankNode, NamedNode, Quad, RdfFormat, Triple, parse

from harvesters import SourceRecord
from museion_core import messages
from museion_core.errors import MappingError
from museion_core.vocab import DCTERMS, RDF, RDFS, SKOS, UNDEFINED_TERM_NS

from .base import MappingContext, MappingResult
from .registry import register_mapping

__all__ = ["LinkedArtMapping", "known_terms"]

SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


@cache
def known_terms() -> frozenset[str]:
    """Every property and class IRI the bundled Linked Art context names, and the basics."""
    text = resources.files("sparql").joinpath("data/linked-art-context.json").read_text("utf-8")
    context: dict[str, Any] = json.loads(text)["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("/", "#"))}
    found: set[str] = set()

    def expand(value: str) -> str:
        prefix, _, rest = value.partition(":")
        return prefixes[prefix] + rest if prefix in prefixes else value

    def walk(definitions: dict[str, Any]) -> None:
        for name, value in definitions.items():
            if name.startswith("@") or name in prefixes:
                continue
            if isinstance(value, str):
                found.add(expand(value))
            elif isinstance(value, dict):
                if isinstance(value.get("@id"), str):
                    found.add(expand(value["@id"]))
                if isinstance(value.get("@context"), dict):
                    walk(value["@context"])

    walk(context)
    basics = [RDF.type, RDF.value, RDFS.label, RDFS.comment, RDFS.seeAlso, SKOS.prefLabel]
    basics += [DCTERMS.identifier, DCTERMS.title]
    return frozenset(found | {node.value for node in basics} | {SAME_AS})


def _note_unknown(triple: Triple, known: frozenset[str], warnings: dict[str, None]) -> None:
    """Say what Linked Art does not know: a property, a class, or a JSON-LD key the context
    does not define (kept under ``UNDEFINED_TERM_NS`` by the harvester)."""
    p, o = triple.predicate, triple.object
    if p.value.startswith(UNDEFINED_TERM_NS):
        term = p.value.removeprefix(UNDEFINED_TERM_NS)
        warnings[messages.UNDEFINED_TERM(term=term, iri=p.value)] = None
    elif p.value not in known:
        warnings[messages.UNKNOWN_PROPERTY(iri=p.value)] = None
    if p == RDF.type and isinstance(o, NamedNode) and o.value not in known:
        warnings[messages.UNKNOWN_CLASS(iri=o.value)] = None


class LinkedArtMapping:
    name = "linkedart"
    version = "2"
    """Bumped when what a record maps to changes (here: its coverage flags count rights
    stated with P104), so that the next harvest maps every stored record again."""

    def identify(self, record: Any) -> str:  # noqa: ARG002 - the protocol's signature
        raise ValueError(
            "a linkedart record is identified by its subject IRI (kind = 'rdf' or 'sparql')"
        )

    def map(self, record: SourceRecord, context: MappingContext) -> MappingResult:
        def fail(cause: str) -> MappingError:
            return MappingError(cause, source=record.source, record=record.local_id)

        if record.media_type != "application/n-triples":
            raise fail(messages.LINKED_ART_NOT_RDF(media_type=record.media_type))
        try:
            triples = [q.triple for q in parse(record.payload, RdfFormat.N_TRIPLES)]
        except SyntaxError as exc:
            raise fail(messages.TRIPLES_DO_NOT_PARSE(detail=exc)) from exc
        try:
            subject = NamedNode(record.local_id)
        except ValueError as exc:
            raise fail(messages.ID_NOT_IRI(detail=exc)) from exc
        graph = context.minter.record_graph(record.local_id)
        salt = hashlib.sha256(record.local_id.encode()).hexdigest()[:16]
        known = known_terms()
        warnings: dict[str, None] = {}  # once per record, in order
        quads = []
        kind = None
        for triple in triples:
            s, p, o = triple.subject, triple.predicate, triple.object
            _note_unknown(triple, known, warnings)
            if p == RDF.type and isinstance(o, NamedNode) and s == subject:
                kind = kind or _kind(o.value)
            if isinstance(s, BlankNode):
                s = BlankNode(salt + s.value)
            if isinstance(o, BlankNode):
                o = BlankNode(salt + o.value)
            quads.append(Quad(s, p, o, graph))
        if not quads:
            raise fail(messages.NO_TRIPLES())
        if not any(q.subject == subject for q in quads):
            raise fail(messages.NOTHING_ABOUT_ITSELF(iri=record.local_id))
        return MappingResult(graph, subject, kind or "object", quads, list(warnings))


def _kind(class_iri: str) -> str | None:
    local = class_iri.rsplit("/", 1)[-1]
    if local.startswith(("E21_", "E74_")):
        return "person"
    if local.startswith("E22_"):
        return "object"
    return None


@register_mapping("linkedart")
def _linkedart() -> LinkedArtMapping:
    return LinkedArtMapping()
