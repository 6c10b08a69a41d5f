"""What Museion records about the data it holds: sources, record graphs, quarantined records.

Record bookkeeping lives in the metadata graph ``{base}meta``; each source's description (its
``void:Dataset`` and the partner ``crm:E74_Group`` that owns and keeps its objects) lives in the
graph ``{base}dataset/{source}``. Both are merged into the default graph like every other graph,
so SPARQL can ask which source a statement came from and what was rejected and why.
"""

from __future__ import annotations

import base64
import hashlib

from pyoxigraph import Literal, NamedNode, Quad

from harvesters import RejectedRecord, SourceRecord
from mappings import MappingResult, Minter
from mappings.vocab import AAT, CRM, DCTERMS, DIG, FOAF, LA, MUSEION, RDF, RDFS, VOID, XSD

from .config import SourceConfig

__all__ = [
    "QUARANTINE_PAYLOAD_LIMIT",
    "meta_graph",
    "quarantine_iri",
    "quarantine_quads",
    "record_meta_quads",
    "source_quads",
    "vocabulary_graph",
]

QUARANTINE_PAYLOAD_LIMIT = 256 * 1024
"""Bytes of a rejected record kept in the store; the reason and origin are always kept."""


def meta_graph(base_iri: str) -> NamedNode:
    return NamedNode(f"{base_iri}meta")


def vocabulary_graph(base_iri: str) -> NamedNode:
    """Museion's own knowledge of AAT concepts (labels, classes), shared by all sources."""
    return NamedNode(f"{base_iri}vocabulary")


def source_quads(minter: Minter, source: SourceConfig) -> list[Quad]:
    """The source's dataset and its partner institution, in the source's dataset graph."""
    graph = minter.dataset()
    dataset, partner = minter.dataset(), minter.partner()
    label = (
        Literal(source.partner.label, language=source.partner.language)
        if source.partner.language
        else Literal(source.partner.label)
    )
    quads = [
        Quad(dataset, RDF.type, VOID.Dataset, graph),
        Quad(dataset, RDF.type, MUSEION.Source, graph),
        Quad(dataset, DCTERMS.title, label, graph),
        Quad(dataset, DCTERMS.identifier, Literal(source.name), graph),
        Quad(dataset, DCTERMS.publisher, partner, graph),
        Quad(dataset, MUSEION.partner, partner, graph),
        Quad(dataset, MUSEION.mapping, Literal(source.mapping_name), graph),
        Quad(partner, RDF.type, CRM.E74_Group, graph),
        Quad(partner, RDFS.label, label, graph),
    ]
    name = NamedNode(f"{partner.value}/name/1")
    quads += [
        Quad(partner, CRM.P1_is_identified_by, name, graph),
        Quad(name, RDF.type, CRM.E33_E41_Linguistic_Appellation, graph),
        Quad(name, CRM.P2_has_type, AAT.PRIMARY_NAME, graph),
        Quad(name, CRM.P190_has_symbolic_content, label, graph),
    ]
    for target in source.partner.equivalent:
        quads.append(Quad(partner, LA.equivalent, NamedNode(target), graph))
    if source.partner.homepage:
        page = NamedNode(f"{partner.value}/page/1")
        digital = NamedNode(f"{page.value}/digital")
        quads += [
            Quad(partner, CRM.P129i_is_subject_of, page, graph),
            Quad(page, RDF.type, CRM.E33_Linguistic_Object, graph),
            Quad(page, LA.digitally_carried_by, digital, graph),
            Quad(digital, RDF.type, DIG.D1_Digital_Object, graph),
            Quad(digital, CRM.P2_has_type, AAT.WEB_PAGE, graph),
            Quad(digital, LA.access_point, NamedNode(source.partner.homepage), graph),
        ]
    return quads


def record_meta_quads(
    meta: NamedNode, minter: Minter, record: SourceRecord, result: MappingResult, mapping: str
) -> list[Quad]:
    g = result.graph
    quads = [
        Quad(g, RDF.type, MUSEION.RecordGraph, meta),
        Quad(g, VOID.inDataset, minter.dataset(), meta),
        Quad(g, DCTERMS.identifier, Literal(record.local_id), meta),
        Quad(g, MUSEION.checksum, Literal(record.checksum), meta),
        Quad(g, MUSEION.recordKind, Literal(result.kind), meta),
        Quad(g, MUSEION.mapping, Literal(mapping), meta),
        Quad(g, FOAF.primaryTopic, result.subject, meta),
    ]
    if record.origin:
        quads.append(Quad(g, MUSEION.origin, Literal(record.origin), meta))
    if record.datestamp:
        quads.append(Quad(g, DCTERMS.modified, Literal(record.datestamp), meta))
    if record.provider_id:
        quads.append(Quad(g, MUSEION.providerId, Literal(record.provider_id), meta))
    return quads


def quarantine_iri(minter: Minter, origin: str) -> NamedNode:
    """The quarantine entry of whatever was read at ``origin`` (one per record, over harvests)."""
    key = hashlib.sha256(origin.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return NamedNode(f"{minter.prefix}quarantine/{key}")


def quarantine_quads(meta: NamedNode, minter: Minter, rejected: RejectedRecord) -> list[Quad]:
    node = quarantine_iri(minter, rejected.origin)
    quads = [
        Quad(node, RDF.type, MUSEION.QuarantinedRecord, meta),
        Quad(node, VOID.inDataset, minter.dataset(), meta),
        Quad(node, MUSEION.origin, Literal(rejected.origin), meta),
        Quad(node, MUSEION.reason, Literal(rejected.reason), meta),
    ]
    if rejected.local_id:
        quads.append(Quad(node, DCTERMS.identifier, Literal(rejected.local_id), meta))
    if rejected.payload:
        payload = base64.b64encode(rejected.payload[:QUARANTINE_PAYLOAD_LIMIT]).decode("ascii")
        quads.append(Quad(node, MUSEION.payload, Literal(payload, datatype=XSD.base64Binary), meta))
    return quads
