"""What reconciliation knows of each partner entity, read from the store in a few queries.

Partner entities are the persons, groups and places the mappings minted under a source's IRIs
(``{base}{source}/person/{id}``, ``.../group/{id}``, ``.../place/{id}``). For each one it
reads what tells people apart: names (display, sort and alternative names), birth and death
(formation and dissolution) years and places, gender and nationality, the roles it played in
productions and the years of the works it made, and its authority links, normalised to
entity IRIs whatever form the record gave them in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from pyoxigraph import Literal as RdfLiteral
from pyoxigraph import QuerySolutions

from mappings import normalise_authority
from museion_core.instants import instant_year
from museion_core.vocab import AAT, CRM, LA, RDFS
from store import Store

__all__ = ["Entity", "EntityKind", "read_entities", "source_of"]

EntityKind = Literal["person", "group", "place"]
KINDS: tuple[EntityKind, ...] = ("person", "group", "place")
_KIND_NAMES: dict[str, EntityKind] = {"person": "person", "group": "group", "place": "place"}
_CLASSES: dict[str, EntityKind] = {
    CRM.E21_Person.value: "person",
    CRM.E74_Group.value: "group",
    CRM.E53_Place.value: "place",
}


@dataclass(slots=True)
class Entity:
    """One partner entity, as far as telling it apart from others goes."""

    iri: str
    source: str
    kind: EntityKind
    labels: list[tuple[str, str | None]] = field(default_factory=list)
    """``rdfs:label`` values with their language tags."""
    names: list[str] = field(default_factory=list)
    """Every name: labels, primary, sort and alternative names."""
    sort_names: list[str] = field(default_factory=list)
    birth: tuple[int | None, int | None] | None = None
    """Earliest and latest year of birth (formation, for a group)."""
    death: tuple[int | None, int | None] | None = None
    floruit: tuple[int, int] | None = None
    """The years of the works it made (productions it carried out)."""
    birth_places: list[str] = field(default_factory=list)
    death_places: list[str] = field(default_factory=list)
    gender: set[str] = field(default_factory=set)
    nationality: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    equivalents: set[str] = field(default_factory=set)
    """Authority entity IRIs (ULAN, GND, Wikidata, ...), normalised."""
    within: list[str] = field(default_factory=list)
    """For a place: labels of the places it falls within (``crm:P89_falls_within``)."""

    def label(self) -> str:
        return self.labels[0][0] if self.labels else (self.names[0] if self.names else self.iri)


def source_of(base: str, iri: str, sources: Iterable[str]) -> tuple[str, EntityKind] | None:
    """(source, kind) of a partner entity IRI ``{base}{source}/{kind}/{id}``, else None."""
    if not iri.startswith(base):
        return None
    source, _, rest = iri[len(base) :].partition("/")
    kind = rest.partition("/")[0]
    if source in sources and kind in KINDS:
        return source, _KIND_NAMES[kind]
    return None


def read_entities(store: Store, base: str, sources: Iterable[str]) -> dict[str, Entity]:
    """Every partner entity of ``sources`` in the store, by IRI."""
    names = set(sources)
    entities: dict[str, Entity] = {}
    rows = store.select(
        "SELECT ?e ?class WHERE { VALUES ?class { "
        f"{CRM.E21_Person} {CRM.E74_Group} {CRM.E53_Place} }} ?e a ?class }}"
    )
    for row in rows:
        found = source_of(base, row["e"], names)
        if found is None or row["e"] in entities:
            continue
        source, _kind = found
        entities[row["e"]] = Entity(row["e"], source, _CLASSES[row["class"]])
    if not entities:
        return entities
    _read_labels(store, entities)
    _read_names(store, entities)
    _read_life(store, entities)
    _read_types(store, entities)
    _read_roles(store, entities)
    _read_equivalents(store, entities)
    _read_within(store, entities)
    for entity in entities.values():
        entity.labels.sort(key=lambda pair: (pair[1] or "", pair[0]))
    return entities


def _by_entity(
    rows: Iterable[dict[str, Any]], entities: dict[str, Entity]
) -> Iterator[tuple[Entity, dict[str, Any]]]:
    """The rows whose ``?e`` is one of ``entities``, with that entity."""
    for row in rows:
        entity = entities.get(row["e"])
        if entity is not None:
            yield entity, row


def _read_labels(store: Store, entities: dict[str, Entity]) -> None:
    results = store.query(
        f"SELECT ?e ?label WHERE {{ VALUES ?c {{ {CRM.E21_Person} {CRM.E74_Group} "
        f"{CRM.E53_Place} }} ?e a ?c ; {RDFS.label} ?label }}"
    )
    assert isinstance(results, QuerySolutions)
    for solution in results:
        subject, label = solution["e"], solution["label"]
        entity = entities.get(subject.value) if subject is not None else None
        if entity is None or not isinstance(label, RdfLiteral):
            continue
        pair = (label.value, label.language)
        if pair not in entity.labels:
            entity.labels.append(pair)
        if label.value not in entity.names:
            entity.names.append(label.value)


def _read_names(store: Store, entities: dict[str, Entity]) -> None:
    rows = store.select(
        f"SELECT ?e ?name ?type WHERE {{ VALUES ?c {{ {CRM.E21_Person} {CRM.E74_Group} "
        f"{CRM.E53_Place} }} ?e a ?c ; {CRM.P1_is_identified_by} ?n . "
        f"?n a {CRM.E33_E41_Linguistic_Appellation} ; {CRM.P190_has_symbolic_content} ?name . "
        f"OPTIONAL {{ ?n {CRM.P2_has_type} ?type }} }}"
    )
    for entity, row in _by_entity(rows, entities):
        if row["name"] not in entity.names:
            entity.names.append(row["name"])
        if row["type"] == AAT.SORT_NAME.value and row["name"] not in entity.sort_names:
            entity.sort_names.append(row["name"])


_SPAN_ENDS = (
    f"OPTIONAL {{ ?ts {CRM.P82a_begin_of_the_begin} ?begin }} "
    f"OPTIONAL {{ ?ts {CRM.P82b_end_of_the_end} ?end }}"
)
"""The begin and end of a time-span ``?ts``, when it has them."""


def _read_life(store: Store, entities: dict[str, Entity]) -> None:
    for which, props in (
        ("birth", f"{CRM.P98i_was_born}|{CRM.P95i_was_formed_by}"),
        ("death", f"{CRM.P100i_died_in}|{CRM.P99i_was_dissolved_by}"),
    ):
        rows = store.select(
            f"SELECT ?e ?begin ?end ?place WHERE {{ ?e {props} ?event . "
            f"OPTIONAL {{ ?event {CRM.P4_has_time_span} ?ts . {_SPAN_ENDS} }} "
            f"OPTIONAL {{ ?event {CRM.P7_took_place_at}/{RDFS.label} ?place }} }}"
        )
        for entity, row in _by_entity(rows, entities):
            begin, end = instant_year(row["begin"]), instant_year(row["end"])
            if begin is not None or end is not None:
                setattr(entity, which, (begin, end))
            places = entity.birth_places if which == "birth" else entity.death_places
            if row["place"] and row["place"] not in places:
                places.append(row["place"])
    rows = store.select(
        "SELECT ?e (MIN(?begin) AS ?first) (MAX(?end) AS ?last) WHERE { "
        f"?object {CRM.P108i_was_produced_by} ?production . "
        f"?production {CRM.P9_consists_of}?/{CRM.P14_carried_out_by} ?e . "
        f"?production {CRM.P4_has_time_span} ?ts . {_SPAN_ENDS} }} GROUP BY ?e"
    )
    for entity, row in _by_entity(rows, entities):
        first, last = instant_year(row["first"]), instant_year(row["last"])
        if first is not None and last is not None:
            entity.floruit = (first, last)


def _read_types(store: Store, entities: dict[str, Entity]) -> None:
    rows = store.select(
        f"SELECT ?e ?meta ?t ?label WHERE {{ ?e {CRM.P2_has_type} ?t . "
        f"?t {CRM.P2_has_type} ?meta . VALUES ?meta {{ {AAT.GENDER} {AAT.NATIONALITY} }} "
        f"OPTIONAL {{ ?t {RDFS.label} ?label }} }}"
    )
    for entity, row in _by_entity(rows, entities):
        value = (row["label"] or row["t"]).casefold()
        (entity.gender if row["meta"] == AAT.GENDER.value else entity.nationality).add(value)


def _read_roles(store: Store, entities: dict[str, Entity]) -> None:
    rows = store.select(
        f"SELECT DISTINCT ?e ?role ?label WHERE {{ ?part {CRM.P14_carried_out_by} ?e . "
        f"OPTIONAL {{ ?part {CRM.P2_has_type} ?role OPTIONAL {{ ?role {RDFS.label} ?label }} }} }}"
    )
    for entity, row in _by_entity(rows, entities):
        entity.roles.add((row["label"] or row["role"] or "maker").casefold())
    influenced = store.select(f"SELECT DISTINCT ?e WHERE {{ ?p {CRM.P15_was_influenced_by} ?e }}")
    for entity, _row in _by_entity(influenced, entities):
        entity.roles.add("after (influenced)")


def _read_equivalents(store: Store, entities: dict[str, Entity]) -> None:
    rows = store.select(f"SELECT ?e ?x WHERE {{ ?e {LA.equivalent} ?x }}")
    for entity, row in _by_entity(rows, entities):
        entity.equivalents.add(normalise_authority(row["x"]))


def _read_within(store: Store, entities: dict[str, Entity]) -> None:
    grouped: dict[str, list[str]] = defaultdict(list)
    for row in store.select(
        f"SELECT ?e ?label WHERE {{ ?e {CRM.P89_falls_within}+ ?c . ?c {RDFS.label} ?label }}"
    ):
        grouped[row["e"]].append(row["label"])
    for iri, labels in grouped.items():
        entity = entities.get(iri)
        if entity is not None:
            entity.within = sorted(set(labels))
