"""Provenance: what Museion records about the data it holds, as RDF anyone can query.

Record bookkeeping lives in the metadata graph ``{base}meta``; each source's description (its
``void:Dataset`` and the partner ``crm:E74_Group`` that owns and keeps its objects) lives in the
graph ``{base}dataset/{source}``. The metadata graph also holds each harvest run (a
``prov:Activity`` with counts and outcome), tombstones of withdrawn records, and quarantined
records with reason and payload. Both graphs are merged into the default graph like every other
graph, so SPARQL can ask which run wrote a statement, and what was rejected and why.
"""

from __future__ import annotations

import base64
import hashlib
import re

from pyoxigraph import Literal, NamedNode, Quad

import mappings
from mappings import Minter, last_day_of_month, normalise_authority
from museion_core.vocab import (
    AAT,
    CRM,
    DCTERMS,
    DIG,
    FOAF,
    LA,
    MUSEION,
    PROV,
    RDF,
    RDFS,
    VOID,
    XSD,
)

from .index import IndexedRecord, RunRow
from .runs import QuarantinedRecord, StagedRecord
from .settings import SourceSettings

RUN_COUNTS = {
    "read": MUSEION.recordsRead,
    "new": MUSEION.recordsNew,
    "changed": MUSEION.recordsChanged,
    "unchanged": MUSEION.recordsUnchanged,
    "deleted": MUSEION.recordsDeleted,
    "quarantined": MUSEION.recordsQuarantined,
}

__all__ = [
    "QUARANTINE_PAYLOAD_LIMIT",
    "after_applying",
    "dataset_state_quads",
    "datestamp_literal",
    "digest_of_kept",
    "meta_graph",
    "payload_digest",
    "quarantine_quads",
    "record_meta_quads",
    "run_iri",
    "run_quads",
    "source_quads",
    "tombstone_quads",
    "vocabulary_graph",
]

QUARANTINE_PAYLOAD_LIMIT = 256 * 1024
"""Bytes of a rejected record kept in the store; the reason and origin are always kept, and
the digest of the whole payload (``payload_digest``), by which an entry is told from another."""


def meta_graph(base_iri: str) -> NamedNode:
    return NamedNode(f"{base_iri}meta")


def vocabulary_graph(base_iri: str) -> NamedNode:
    """Museion's own knowledge of AAT concepts (labels, classes), shared by all sources."""
    return NamedNode(f"{base_iri}vocabulary")


def standing_graphs(
    base_iri: str, minter: Minter, source: SourceSettings
) -> dict[NamedNode, list[Quad]]:
    """The graphs every run of ``source`` writes as its configuration and Museion make them,
    only where the store holds them otherwise (``Store.ensure_graphs``): the source's dataset
    description and Museion's vocabulary."""
    vocabulary = vocabulary_graph(base_iri)
    return {
        minter.dataset(): source_quads(minter, source),
        vocabulary: mappings.vocabulary_quads(vocabulary),
    }


def source_quads(minter: Minter, source: SourceSettings) -> list[Quad]:
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
        quads.append(Quad(partner, LA.equivalent, NamedNode(normalise_authority(target)), graph))
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


def _when(text: str) -> Literal:
    return Literal(text, datatype=XSD.dateTime)


_YEAR_MONTH_DAY = r"(?P<year>-?(?:[1-9][0-9]{3,}|0[0-9]{3}))-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
_ZONE = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_DATE = re.compile(_YEAR_MONTH_DAY + _ZONE)
_DATE_TIME = re.compile(
    _YEAR_MONTH_DAY
    + r"T(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
    + _ZONE
)


def _real_day(match: re.Match[str]) -> bool:
    """Whether the month and day exist (XSD's proleptic Gregorian calendar, year 0 a leap
    year, as the mappings count days): "2023-02-29" matches the pattern, and is no date."""
    year, month, day = (int(match.group(k)) for k in ("year", "month", "day"))
    return 1 <= month <= 12 and 1 <= day <= last_day_of_month(year, month)


def datestamp_literal(text: str) -> Literal:
    """A source's datestamp as the value it is: ``xsd:dateTime`` (an OAI-PMH
    ``2024-05-01T12:00:00Z``), ``xsd:date`` (a day-granular repository's ``2024-05-01``),
    and a plain string only for a value that is neither ("yesterday", "2024-02-30"), which
    no typed literal may hold."""
    value = text.strip()
    for pattern, datatype in ((_DATE_TIME, XSD.dateTime), (_DATE, XSD.date)):
        match = pattern.fullmatch(value)
        if match is not None and _real_day(match):
            return Literal(value, datatype=datatype)
    return Literal(text)


def run_iri(minter: Minter, run_id: str) -> NamedNode:
    return NamedNode(f"{minter.prefix}run/{run_id}")


def after_applying(
    before: IndexedRecord | None,
    staged: StagedRecord,
    *,
    source: str,
    mapping: str,
    when: str,
    run_id: str,
) -> IndexedRecord:
    """The index row a staged record will have (``RecordIndex.upsert`` keeps first_seen, and
    last_changed unless the payload changed or the record had been withdrawn)."""
    unchanged = before is not None and before.live and before.checksum == staged.checksum
    return IndexedRecord(
        source=source,
        local_id=staged.local_id,
        graph=staged.graph,
        subject=staged.subject,
        kind=staged.kind,
        checksum=staged.checksum,
        mapping=mapping,
        media_type=staged.media_type,
        datestamp=staged.datestamp,
        origin=staged.origin,
        provider_id=staged.provider_id,
        flags=staged.flags,
        first_seen=before.first_seen if before is not None else when,
        last_changed=before.last_changed if unchanged and before is not None else when,
        last_run=run_id,
        deleted_at=None,
    )


def record_meta_quads(meta: NamedNode, minter: Minter, record: IndexedRecord) -> list[Quad]:
    """Where a record graph came from: source, original identifier, checksum, first seen,
    last changed, and the run that wrote it (PROV-O)."""
    g = NamedNode(record.graph)
    quads = [
        Quad(g, RDF.type, MUSEION.RecordGraph, meta),
        Quad(g, RDF.type, PROV.Entity, meta),
        Quad(g, VOID.inDataset, minter.dataset(), meta),
        Quad(g, DCTERMS.identifier, Literal(record.local_id), meta),
        Quad(g, MUSEION.checksum, Literal(record.checksum), meta),
        Quad(g, MUSEION.recordKind, Literal(record.kind), meta),
        Quad(g, MUSEION.mapping, Literal(record.mapping), meta),
        Quad(g, FOAF.primaryTopic, NamedNode(record.subject), meta),
        Quad(g, DCTERMS.created, _when(record.first_seen), meta),
        Quad(g, DCTERMS.modified, _when(record.last_changed), meta),
        Quad(g, PROV.wasGeneratedBy, run_iri(minter, record.last_run), meta),
    ]
    if record.origin:
        quads.append(Quad(g, MUSEION.origin, Literal(record.origin), meta))
    if record.datestamp:
        quads.append(Quad(g, MUSEION.datestamp, datestamp_literal(record.datestamp), meta))
    if record.provider_id:
        quads.append(Quad(g, MUSEION.providerId, Literal(record.provider_id), meta))
    return quads


def tombstone_quads(
    meta: NamedNode, minter: Minter, record: IndexedRecord, when: str, run_id: str
) -> list[Quad]:
    """A withdrawn record's entity answers 410 Gone: its IRI is the tombstone's subject."""
    node = NamedNode(record.subject)
    return [
        Quad(node, RDF.type, MUSEION.Tombstone, meta),
        Quad(node, MUSEION.deletedAt, _when(when), meta),
        Quad(node, VOID.inDataset, minter.dataset(), meta),
        Quad(node, DCTERMS.identifier, Literal(record.local_id), meta),
        Quad(node, MUSEION.recordGraph, NamedNode(record.graph), meta),
        Quad(node, PROV.wasInvalidatedBy, run_iri(minter, run_id), meta),
    ]


def run_quads(meta: NamedNode, minter: Minter, run: RunRow) -> list[Quad]:
    """A harvest run as a ``prov:Activity`` with its counts and outcome."""
    node = run_iri(minter, run.run_id)
    quads = [
        Quad(node, RDF.type, PROV.Activity, meta),
        Quad(node, RDF.type, MUSEION.HarvestRun, meta),
        Quad(node, PROV.used, minter.dataset(), meta),
        Quad(node, VOID.inDataset, minter.dataset(), meta),
        Quad(node, PROV.startedAtTime, _when(run.started), meta),
        Quad(node, MUSEION.outcome, Literal(run.status), meta),
        Quad(node, MUSEION.mapping, Literal(run.mapping), meta),
    ]
    if run.ended:
        quads.append(Quad(node, PROV.endedAtTime, _when(run.ended), meta))
    if run.reason:
        quads.append(Quad(node, MUSEION.reason, Literal(run.reason), meta))
    for name, value in sorted(run.counts.items()):
        if isinstance(value, int) and name in RUN_COUNTS:
            quads.append(
                Quad(node, RUN_COUNTS[name], Literal(str(value), datatype=XSD.integer), meta)
            )
    return quads


def dataset_state_quads(meta: NamedNode, minter: Minter, run: RunRow) -> list[Quad]:
    """The source's last published harvest, on its dataset (VoID reads it)."""
    dataset = minter.dataset()
    quads = [Quad(dataset, MUSEION.lastRun, run_iri(minter, run.run_id), meta)]
    if run.ended:
        quads.append(Quad(dataset, DCTERMS.modified, _when(run.ended), meta))
    return quads


def quarantine_iri(minter: Minter, origin: str) -> NamedNode:
    key = hashlib.sha256(origin.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return NamedNode(f"{minter.prefix}quarantine/{key}")


def _kept_payload(payload: bytes) -> str:
    """A quarantined record's payload as its entry keeps it: its first
    ``QUARANTINE_PAYLOAD_LIMIT`` bytes, in base64."""
    return base64.b64encode(payload[:QUARANTINE_PAYLOAD_LIMIT]).decode("ascii")


def payload_digest(payload: bytes) -> str:
    """The SHA-256 of a whole payload, in hex, as a record graph's ``museion:checksum`` is:
    what a quarantine entry is compared by. Its kept text is only the first
    ``QUARANTINE_PAYLOAD_LIMIT`` bytes, and two versions may differ only past them."""
    return hashlib.sha256(payload).hexdigest()


def digest_of_kept(kept: str) -> str | None:
    """The digest of the payload an entry written before entries kept one holds
    (``_kept_payload``'s text): known if the entry kept it whole, unknown (None) if it may
    have been cut, or cannot be read."""
    try:
        payload = base64.b64decode(kept, validate=True)
    except ValueError:
        return None
    return payload_digest(payload) if len(payload) < QUARANTINE_PAYLOAD_LIMIT else None


def quarantine_quads(
    meta: NamedNode, minter: Minter, entry: QuarantinedRecord, run_id: str
) -> list[Quad]:
    origin, local_id, reason, payload = entry
    node = quarantine_iri(minter, origin)
    quads = [
        Quad(node, RDF.type, MUSEION.QuarantinedRecord, meta),
        Quad(node, VOID.inDataset, minter.dataset(), meta),
        Quad(node, MUSEION.origin, Literal(origin), meta),
        Quad(node, MUSEION.reason, Literal(reason), meta),
        Quad(node, PROV.wasGeneratedBy, run_iri(minter, run_id), meta),
    ]
    if local_id:
        quads.append(Quad(node, DCTERMS.identifier, Literal(local_id), meta))
    if payload:
        data = _kept_payload(payload)
        quads.append(Quad(node, MUSEION.payload, Literal(data, datatype=XSD.base64Binary), meta))
        quads.append(Quad(node, MUSEION.checksum, Literal(payload_digest(payload)), meta))
    return quads
