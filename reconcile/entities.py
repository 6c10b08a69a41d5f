"""What reconciliation knows of each partner entity, read from the store in a few queries.

Partner entities are the persons, groups and places the mappings minted under a source's IRIs
(``{base}{source}/person/{id}``, ``.../group/{id}``, ``.../place/{id}``). For each one it
reads what tells people apart: names (display, sort and alternative names), birth and death
(formation and dissolution) years and places, gender and nationality, the roles it played in
productions and the years of the works it made, and its authority links, normalised to
entity IRIs whatever form the record gave them in.
"""

from __future__ import annotations

import traceback
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from pyoxigraph import Literal as RdfLiteral
from pyoxigraph import QuerySolutions

from mappings import normalise_authority
from museion_core.instants import instant_year
from museion_core.parallel import usable_cpus
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


_SPAN_ENDS = (
    f"OPTIONAL {{ ?ts {CRM.P82a_begin_of_the_begin} ?begin }} "
    f"OPTIONAL {{ ?ts {CRM.P82b_end_of_the_end} ?end }}"
)
"""The begin and end of a time-span ``?ts``, when it has them."""

_ONLY = "#partner-entities#"
"""Where each query keeps only the rows of partner entities (``_only``)."""

_ASKED: dict[str, str] = {
    "entities": (
        "SELECT ?e ?class WHERE { VALUES ?class { "
        f"{CRM.E21_Person} {CRM.E74_Group} {CRM.E53_Place} }} ?e a ?class {_ONLY} }}"
    ),
    "names": (
        f"SELECT ?e ?name ?type WHERE {{ VALUES ?c {{ {CRM.E21_Person} {CRM.E74_Group} "
        f"{CRM.E53_Place} }} ?e a ?c ; {CRM.P1_is_identified_by} ?n . "
        f"?n a {CRM.E33_E41_Linguistic_Appellation} ; {CRM.P190_has_symbolic_content} ?name . "
        f"OPTIONAL {{ ?n {CRM.P2_has_type} ?type }} {_ONLY} }}"
    ),
    **{
        which: (
            f"SELECT ?e ?begin ?end ?place WHERE {{ ?e {props} ?event . "
            f"OPTIONAL {{ ?event {CRM.P4_has_time_span} ?ts . {_SPAN_ENDS} }} "
            f"OPTIONAL {{ ?event {CRM.P7_took_place_at}/{RDFS.label} ?place }} {_ONLY} }}"
        )
        for which, props in (
            ("birth", f"{CRM.P98i_was_born}|{CRM.P95i_was_formed_by}"),
            ("death", f"{CRM.P100i_died_in}|{CRM.P99i_was_dissolved_by}"),
        )
    },
    "floruit": (
        "SELECT ?e (MIN(?begin) AS ?first) (MAX(?end) AS ?last) WHERE { "
        f"?object {CRM.P108i_was_produced_by} ?production . "
        f"?production {CRM.P9_consists_of}?/{CRM.P14_carried_out_by} ?e . "
        f"?production {CRM.P4_has_time_span} ?ts . {_SPAN_ENDS} {_ONLY} }} GROUP BY ?e"
    ),
    "types": (
        f"SELECT ?e ?meta ?t ?label WHERE {{ ?e {CRM.P2_has_type} ?t . "
        f"?t {CRM.P2_has_type} ?meta . VALUES ?meta {{ {AAT.GENDER} {AAT.NATIONALITY} }} "
        f"OPTIONAL {{ ?t {RDFS.label} ?label }} {_ONLY} }}"
    ),
    "roles": (
        f"SELECT DISTINCT ?e ?role ?label WHERE {{ ?part {CRM.P14_carried_out_by} ?e . "
        f"OPTIONAL {{ ?part {CRM.P2_has_type} ?role OPTIONAL {{ ?role {RDFS.label} ?label }} }} "
        f"{_ONLY} }}"
    ),
    "influenced": f"SELECT DISTINCT ?e WHERE {{ ?p {CRM.P15_was_influenced_by} ?e {_ONLY} }}",
    "equivalents": f"SELECT ?e ?x WHERE {{ ?e {LA.equivalent} ?x {_ONLY} }}",
    "within": (
        f"SELECT ?e ?label WHERE {{ ?e {CRM.P89_falls_within}+ ?c . ?c {RDFS.label} ?label "
        f"{_ONLY} }}"
    ),
}
"""The queries reconciliation reads entities with, but their labels (``_labels``): rows of
plain values (``Store.select``), each of partner entities only (``_ONLY``)."""


def _only(base: str, sources: Iterable[str]) -> str:
    """A filter keeping the rows whose ``?e`` may be a partner entity of ``sources``.

    The store holds many more persons, groups and places than the partners' own: a party
    to each object's acquisition, a place in each record. Without it every query's answer
    grew with the records and was held whole; with it, with the partners' entities. The
    prefixes keep a superset of what ``source_of`` takes, which still decides."""
    prefixes = sorted(f"{base}{source}/{kind}" for source in set(sources) for kind in KINDS)
    if not prefixes:
        return "FILTER(false)"
    tests = " || ".join(f"STRSTARTS(STR(?e), {RdfLiteral(prefix)})" for prefix in prefixes)
    return f"FILTER({tests})"


def read_entities(
    store: Store, base: str, sources: Iterable[str], *, threads: int | None = None
) -> dict[str, Entity]:
    """Every partner entity of ``sources`` in the store, by IRI.

    The queries are independent: up to ``threads`` of them (default: the CPUs this process
    may use) are asked at once, Oxigraph evaluating each without the GIL, and their answers
    are read in a fixed order, so an entity's names are in the same order however they ran."""
    names = set(sources)
    only = _only(base, names)
    threads = usable_cpus() if threads is None else threads
    pool = ThreadPoolExecutor(max(1, threads), "reconcile")
    try:
        asked = {
            key: pool.submit(store.select, sparql.replace(_ONLY, only))
            for key, sparql in _ASKED.items()
        }
        labels = pool.submit(_labels, store, only)
        answers = {key: future.result() for key, future in asked.items()}
        entities: dict[str, Entity] = {}
        for row in answers["entities"]:
            found = source_of(base, row["e"], names)
            if found is None or row["e"] in entities:
                continue
            entities[row["e"]] = Entity(row["e"], found[0], _CLASSES[row["class"]])
        if not entities:
            return entities
        _read_labels(labels.result(), entities)
    finally:
        # An interrupt (or a failed query) waits only for the queries already running.
        pool.shutdown(wait=True, cancel_futures=True)
    _read_names(answers["names"], entities)
    _read_life(answers, entities)
    _read_types(answers["types"], entities)
    _read_roles(answers["roles"], answers["influenced"], entities)
    _read_equivalents(answers["equivalents"], entities)
    _read_within(answers["within"], entities)
    for entity in entities.values():
        entity.labels.sort(key=lambda pair: (pair[1] or "", pair[0]))
    return entities


Rows = list[dict[str, Any]]


def _by_entity(
    rows: Iterable[dict[str, Any]], entities: dict[str, Entity]
) -> Iterator[tuple[Entity, dict[str, Any]]]:
    """The rows whose ``?e`` is one of ``entities``, with that entity."""
    for row in rows:
        entity = entities.get(row["e"])
        if entity is not None:
            yield entity, row


def _labels(store: Store, only: str) -> list[tuple[str, str, str | None]]:
    """Every partner person's, group's and place's ``rdfs:label``: (IRI, text, language)."""
    results = store.query(
        f"SELECT ?e ?label WHERE {{ VALUES ?c {{ {CRM.E21_Person} {CRM.E74_Group} "
        f"{CRM.E53_Place} }} ?e a ?c ; {RDFS.label} ?label {only} }}"
    )
    assert isinstance(results, QuerySolutions)
    found = []
    try:
        for solution in results:
            subject, label = solution["e"], solution["label"]
            if subject is not None and isinstance(label, RdfLiteral):
                found.append((subject.value, label.value, label.language))
    except BaseException as exc:
        # asked in a worker thread: its error reaches the waiting thread without the
        # results, which pyoxigraph lets be dropped only where they were made (Store.select)
        traceback.clear_frames(exc.__traceback__)
        raise
    finally:
        del results
    return found


def _read_labels(labels: list[tuple[str, str, str | None]], entities: dict[str, Entity]) -> None:
    for iri, text, language in labels:
        entity = entities.get(iri)
        if entity is None:
            continue
        pair = (text, language)
        if pair not in entity.labels:
            entity.labels.append(pair)
        if text not in entity.names:
            entity.names.append(text)


def _read_names(rows: Rows, entities: dict[str, Entity]) -> None:
    for entity, row in _by_entity(rows, entities):
        if row["name"] not in entity.names:
            entity.names.append(row["name"])
        if row["type"] == AAT.SORT_NAME.value and row["name"] not in entity.sort_names:
            entity.sort_names.append(row["name"])


def _read_life(answers: dict[str, Rows], entities: dict[str, Entity]) -> None:
    for which in ("birth", "death"):
        for entity, row in _by_entity(answers[which], entities):
            begin, end = instant_year(row["begin"]), instant_year(row["end"])
            if begin is not None or end is not None:
                setattr(entity, which, (begin, end))
            places = entity.birth_places if which == "birth" else entity.death_places
            if row["place"] and row["place"] not in places:
                places.append(row["place"])
    for entity, row in _by_entity(answers["floruit"], entities):
        first, last = instant_year(row["first"]), instant_year(row["last"])
        if first is not None and last is not None:
            entity.floruit = (first, last)


def _read_types(rows: Rows, entities: dict[str, Entity]) -> None:
    for entity, row in _by_entity(rows, entities):
        value = (row["label"] or row["t"]).casefold()
        (entity.gender if row["meta"] == AAT.GENDER.value else entity.nationality).add(value)


def _read_roles(rows: Rows, influenced: Rows, entities: dict[str, Entity]) -> None:
    for entity, row in _by_entity(rows, entities):
        entity.roles.add((row["label"] or row["role"] or "maker").casefold())
    for entity, _row in _by_entity(influenced, entities):
        entity.roles.add("after (influenced)")


def _read_equivalents(rows: Rows, entities: dict[str, Entity]) -> None:
    for entity, row in _by_entity(rows, entities):
        entity.equivalents.add(normalise_authority(row["x"]))


def _read_within(rows: Rows, entities: dict[str, Entity]) -> None:
    grouped: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        grouped[row["e"]].append(row["label"])
    for iri, labels in grouped.items():
        entity = entities.get(iri)
        if entity is not None:
            entity.within = sorted(set(labels))
