"""What a mapped record contains, for the partner report: coverage flags and source fields.

Flags are read off the quads a mapping made (the Linked Art patterns of ARCHITECTURE §6), so
they mean the same for every mapping, tabular, JSON or LIDO.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from enum import IntFlag
from typing import Any

from lxml import etree
from pyoxigraph import NamedNode, Quad

from harvesters import load_json, safe_parser
from mappings import name_difference, nquads, spaced_name
from museion_core import messages
from museion_core.vocab import AAT, CRM, LA, RDF

__all__ = [
    "LINKS",
    "OBJECT_ID",
    "Coverage",
    "coverage_flags",
    "coverage_flags_text",
    "entity_signature",
    "fields_read",
    "fields_read_by",
    "fields_used",
    "json_fields",
    "missing_entry",
    "payload_fields",
]


class Coverage(IntFlag):
    TITLE = 1
    DATE = 2
    """The production has a time-span with a begin or an end."""
    DATE_TEXT_ONLY = 4
    """A date text that could not be read as begin/end ("date not known")."""
    CREATOR = 8
    CREATOR_AUTHORITY = 16
    """A creator linked to an authority (ULAN, Wikidata, GND, ...)."""
    DIMENSIONS = 32
    IMAGE = 64
    RIGHTS = 128
    TYPE = 256
    """The object is classified (a painting, a coin): ``crm:P2_has_type``."""
    MATERIALS = 512
    """Materials or techniques: ``P45_consists_of``, ``P32_used_general_technique``, or a
    material statement."""
    INSCRIPTIONS = 1024
    """Inscriptions and markings: a text the object carries, or an inscription statement."""
    FEATURES = 2048
    """Distinguishing features: a physical statement (marks, damage, repairs)."""
    SUBJECT = 4096
    """What it shows: ``P65_shows_visual_item``."""


REPORTED = (
    (Coverage.TITLE, "title"),
    (Coverage.DATE, "date"),
    (Coverage.CREATOR, "creator"),
    (Coverage.CREATOR_AUTHORITY, "creator linked to an authority"),
    (Coverage.DIMENSIONS, "dimensions"),
    (Coverage.IMAGE, "image"),
    (Coverage.RIGHTS, "rights"),
)


OBJECT_ID = (
    (Coverage.TYPE, "type of object"),
    (Coverage.MATERIALS, "materials and techniques"),
    (Coverage.DIMENSIONS, "measurements"),
    (Coverage.INSCRIPTIONS, "inscriptions and markings"),
    (Coverage.FEATURES, "distinguishing features"),
    (Coverage.TITLE, "title"),
    (Coverage.SUBJECT, "subject"),
    (Coverage.DATE, "date or period"),
    (Coverage.CREATOR, "maker"),
    (Coverage.IMAGE, "photograph"),
)
"""ICOM's Object ID: the minimum description that lets a stolen object be identified, in the
standard's order, each read off the mapped record as a coverage flag."""


LINKS = frozenset(
    {
        RDF.type,
        CRM.P1_is_identified_by,
        CRM.P108i_was_produced_by,
        CRM.P4_has_time_span,
        CRM.P82a_begin_of_the_begin,
        CRM.P82b_end_of_the_end,
        CRM.P14_carried_out_by,
        CRM.P15_was_influenced_by,
        CRM.P9_consists_of,
        CRM.P140i_was_attributed_by,
        CRM.P141_assigned,
        LA.equivalent,
        CRM.P43_has_dimension,
        CRM.P138i_has_representation,
        CRM.P67i_is_referred_to_by,
        CRM.P2_has_type,
        CRM.P32_used_general_technique,
        CRM.P45_consists_of,
        CRM.P128_carries,
        CRM.P65_shows_visual_item,
        CRM.P104_is_subject_to,
        LA.digitally_shown_by,
    }
)
"""The predicates the flags are read from: a mapping that writes N-Quads indexes only these."""


def coverage_flags(
    subject: NamedNode, quads: Iterable[Quad], predicates: frozenset[NamedNode] | None = LINKS
) -> int:
    """The flags of a record mapped as quads (the reference path); ``predicates=None`` reads
    every quad, to prove that ``LINKS`` misses none the flags need."""
    links: dict[tuple[object, object], list[object]] = defaultdict(list)
    for quad in quads:
        predicate = quad.predicate
        if predicates is None or predicate in predicates:
            links[(quad.subject, predicate)].append(quad.object)
    return _flags(subject, links, lambda node: node)


def coverage_flags_text(subject: str, links: Mapping[tuple[str, str], list[str]]) -> int:
    """The flags of a record written as N-Quads (``NQuadsResult.links``: terms as N-Quads
    text), read exactly as ``coverage_flags`` reads quads."""
    return _flags(nquads.iri(subject), links, nquads.term)


def _flags(
    subject: object,
    links: Mapping[tuple[Any, Any], list[Any]],
    term: Callable[[NamedNode], object],
) -> int:
    def objects(node: object, predicate: NamedNode) -> list[object]:
        return links.get((node, term(predicate)), [])

    flags = Coverage(0)
    if any(
        term(CRM.E33_E41_Linguistic_Appellation) in objects(name, RDF.type)
        for name in objects(subject, CRM.P1_is_identified_by)
    ):
        flags |= Coverage.TITLE
    actors: list[object] = []
    for production in objects(subject, CRM.P108i_was_produced_by):
        for span in objects(production, CRM.P4_has_time_span):
            if objects(span, CRM.P82a_begin_of_the_begin) or objects(span, CRM.P82b_end_of_the_end):
                flags |= Coverage.DATE
            elif objects(span, CRM.P1_is_identified_by):
                flags |= Coverage.DATE_TEXT_ONLY
        actors += objects(production, CRM.P14_carried_out_by)
        actors += objects(production, CRM.P15_was_influenced_by)
        for part in objects(production, CRM.P9_consists_of):
            actors += objects(part, CRM.P14_carried_out_by)
        for attribution in objects(production, CRM.P140i_was_attributed_by):
            actors += objects(attribution, CRM.P141_assigned)  # "attributed to", "possibly by"
    if actors:
        flags |= Coverage.CREATOR
        if any(objects(actor, LA.equivalent) for actor in actors):
            flags |= Coverage.CREATOR_AUTHORITY
    if objects(subject, CRM.P43_has_dimension):
        flags |= Coverage.DIMENSIONS
    if objects(subject, CRM.P138i_has_representation):
        flags |= Coverage.IMAGE
    return int(flags | _described(subject, objects, term))


def _statement_types(
    node: object, objects: Callable[[object, NamedNode], list[object]]
) -> set[object]:
    """The types of the statements about ``node`` (material, inscription, rights...)."""
    return {
        kind
        for statement in objects(node, CRM.P67i_is_referred_to_by)
        for kind in objects(statement, CRM.P2_has_type)
    }


def _has_rights(
    subject: object,
    objects: Callable[[object, NamedNode], list[object]],
    term: Callable[[NamedNode], object],
    statement_types: set[object],
) -> bool:
    """Rights are stated for the object or its image: a right it is subject to
    (``P104_is_subject_to``, as LIDO's rights and Linked Art's ``subject_to`` map) or a
    rights statement, on the object (``statement_types``: its statements' types), its visual
    item or the item's digital files."""
    if objects(subject, CRM.P104_is_subject_to) or term(AAT.RIGHTS_STATEMENT) in statement_types:
        return True
    images = objects(subject, CRM.P138i_has_representation)
    files = [f for image in images for f in objects(image, LA.digitally_shown_by)]
    return any(
        objects(node, CRM.P104_is_subject_to)
        or term(AAT.RIGHTS_STATEMENT) in _statement_types(node, objects)
        for node in (*images, *files)
    )


def _described(
    subject: object,
    objects: Callable[[object, NamedNode], list[object]],
    term: Callable[[NamedNode], object],
) -> Coverage:
    """The Object ID flags read off statements, types, materials and visual content."""
    flags = Coverage(0)
    statement_types = _statement_types(subject, objects)
    if _has_rights(subject, objects, term, statement_types):
        flags |= Coverage.RIGHTS
    if objects(subject, CRM.P2_has_type):
        flags |= Coverage.TYPE
    techniques = [
        t
        for production in objects(subject, CRM.P108i_was_produced_by)
        for t in objects(production, CRM.P32_used_general_technique)
    ]
    if (
        objects(subject, CRM.P45_consists_of)
        or techniques
        or term(AAT.MATERIAL_STATEMENT) in statement_types
    ):
        flags |= Coverage.MATERIALS
    if objects(subject, CRM.P128_carries) or term(AAT.INSCRIPTION) in statement_types:
        flags |= Coverage.INSCRIPTIONS
    if term(AAT.PHYSICAL_STATEMENT) in statement_types:
        flags |= Coverage.FEATURES
    if objects(subject, CRM.P65_shows_visual_item):
        flags |= Coverage.SUBJECT
    return flags


def payload_fields(media_type: str, payload: bytes) -> set[str]:
    """The field paths a record fills: ``a.b`` for JSON keys (lists walked through), element
    paths such as ``lido/descriptiveMetadata/objectIdentificationWrap`` for XML."""
    found: set[str] = set()
    if "json" in media_type:
        try:
            return json_fields(load_json(payload))
        except (ValueError, UnicodeDecodeError):
            return found
    elif "xml" in media_type:
        # the harvesters' safe parser (no entities, DTD or network), not ``parse_xml``: a
        # record that declares a DTD still has its fields listed, and this is the map
        # workers' hot path, where refusing DTDs costs ~10% on a small record
        try:
            root = etree.fromstring(payload, safe_parser())
        except etree.XMLSyntaxError:
            return found
        _xml_paths(root, "", found)
    return found


def json_fields(value: object) -> set[str]:
    """``payload_fields`` of a JSON payload already parsed (the compiled mapping path hands
    on the one it parsed, so a record's payload is parsed once)."""
    found: set[str] = set()
    _json_paths(value, "", found)
    return found


def _json_paths(value: object, prefix: str, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(item, dict | list):
                _json_paths(item, path, found)
            elif item is not None and item != "" and path:  # a leaf, without a call
                found.add(path)
    elif isinstance(value, list):
        for item in value:
            _json_paths(item, prefix, found)
    elif value not in (None, "") and prefix:
        found.add(prefix)


def _xml_paths(element: etree._Element, prefix: str, found: set[str]) -> None:
    name = etree.QName(element).localname if isinstance(element.tag, str) else ""
    if not name:
        return
    path = f"{prefix}/{name}" if prefix else name
    children = [c for c in element if isinstance(c.tag, str)]
    if not children and (element.text or "").strip():
        found.add(path)
    for child in children:
        _xml_paths(child, path, found)


def fields_read(mapping: object) -> list[str] | None:
    """The field paths ``mapping`` reads, without ``[]``, sorted; None when the mapping does
    not list the fields it reads (a Python mapping)."""
    reader = getattr(mapping, "fields_read", None)
    return None if reader is None else sorted(str(path).replace("[]", "") for path in reader())


def fields_read_by(mapping: object, present: Iterable[str]) -> set[str] | None:
    """Which of the ``present`` field paths ``mapping`` reads (``fields_used``); None when the
    mapping does not list the fields it reads (a Python mapping)."""
    read = fields_read(mapping)
    return None if read is None else fields_used(present, read)


def fields_used(present: Iterable[str], read: Iterable[str]) -> set[str]:
    """Which of the ``present`` field paths a mapping reads: the path itself, or a whole
    subtree above it (a mapping that reads ``subjects`` reads ``subjects.name`` too); names
    compared as the mapping matches them, their white space made plain (Excel's
    "N°\u00a0inventaire" is read by a path "N° inventaire")."""
    reads = {spaced_name(r.replace("[]", "")) for r in read}
    used = set()
    for path in present:
        parts = path.split(".")
        if any(spaced_name(".".join(parts[:n])) in reads for n in range(1, len(parts) + 1)):
            used.add(path)
    return used


def missing_entry(path: str, like: str) -> dict[str, str]:
    """A field the mapping reads that no record fills, and the one the records fill that looks
    like it; with what that one has where the mapping's has something else, when the eye
    cannot tell them apart (a zero-width space, "º" for "°": ``names.name_difference``)."""
    entry = {"field": path, "like": like}
    said = name_difference(path, like)
    if said is not None:
        found, wanted = said
        entry["differs"] = messages.FIELD_LOOKS_ALIKE(
            like=like, found=found, path=path, wanted=wanted
        )
    return entry


def entity_signature(subject: str, nquads: bytes) -> str:
    """A fingerprint of what a record says about anything but its own entity (the persons,
    groups, places and terms it names): equal fingerprints mean reconciliation has nothing new
    to see in this record."""
    own = (f"<{subject}>".encode(), f"<{subject}/".encode())
    lines = sorted(line for line in nquads.splitlines() if not line.startswith(own))
    return hashlib.sha256(b"\n".join(lines)).hexdigest()[:24] if lines else ""
