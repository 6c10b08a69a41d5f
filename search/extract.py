"""What search indexes of each published object, read from a snapshot with a few SPARQL queries.

One query per kind of fact, each over every object at once (not one query per object): titles
and identifiers, statements, types and materials, subjects, makers through the reconciled
aggregates (with every name their members carry), dates, places, images and dimensions. An
object is a ``crm:E22_Human-Made_Object`` with a current keeper (its lending partner); parts
such as frames have none and are not listed on their own.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from pyoxigraph import Literal, QuerySolutions

from museion_core.instants import instant_year
from museion_core.vocab import AAT, CRM, LA, MUSEION, RDFS, SKOS
from store import Store

__all__ = ["ObjectDoc", "extract_objects"]


@dataclass
class ObjectDoc:
    iri: str
    partner: str = ""
    source: str = ""
    title: str = ""
    title_language: str | None = None
    accession: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    makers: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    """Whom the production followed ("after Turner": ``P15_was_influenced_by``), not makers."""
    types: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    date: str | None = None
    begin: int | None = None
    end: int | None = None
    image: str | None = None
    longest_cm: float | None = None


def _v(node: object) -> str:
    return f"<{node.value}>" if hasattr(node, "value") else str(node)


_OBJECTS = f"?o {_v(CRM.P50_has_current_keeper)} ?keeper ."
_LABEL = f"{_v(RDFS.label)}|{_v(SKOS.prefLabel)}"
_NAMES = f"{_v(RDFS.label)}|{_v(CRM.P1_is_identified_by)}/{_v(CRM.P190_has_symbolic_content)}"
_INDEXED_STATEMENTS = {
    AAT.DESCRIPTION.value,
    AAT.INSCRIPTION.value,
    AAT.INSCRIPTIONS.value,
    AAT.MATERIAL_STATEMENT.value,
    AAT.BRIEF_TEXT.value,
    AAT.CREDIT_LINE.value,
    AAT.PRODUCTION_STATEMENT.value,
}
_SIDES = ", ".join(_v(t) for t in (AAT.HEIGHT, AAT.WIDTH, AAT.DEPTH, AAT.DIAMETER, AAT.LENGTH))


def _rows(store: Store, sparql: str) -> Iterator[dict[str, object]]:
    results = store.query(sparql)
    assert isinstance(results, QuerySolutions)
    names = [v.value for v in results.variables]
    for solution in results:
        yield {name: solution[name] for name in names}


def _text(term: object) -> str:
    return str(getattr(term, "value", "") or "")


def _lang(term: object) -> str | None:
    return term.language if isinstance(term, Literal) else None


def _best_label(labels: list[tuple[str, str | None]]) -> str:
    """English, else a label without a language, else the first (sorted, so stable)."""
    for wanted in ("en", None):
        for text, lang in sorted(labels, key=lambda x: (x[0], x[1] or "")):
            if (lang or None) == wanted or (wanted == "en" and (lang or "").startswith("en-")):
                return text
    return sorted(labels)[0][0] if labels else ""


def extract_objects(store: Store) -> list[ObjectDoc]:
    """Every published object with what search needs of it."""
    docs = _objects(store)
    _identifiers(store, docs)
    _statements(store, docs)
    _concepts(store, docs)
    _makers(store, docs)
    _dates_places_images(store, docs)
    return list(docs.values())


def _objects(store: Store) -> dict[str, ObjectDoc]:
    """The objects with their partner (keeper) and a first title."""
    docs: dict[str, ObjectDoc] = {}
    for row in _rows(
        store,
        f"SELECT ?o ?keeper ?partner ?label WHERE {{ {_OBJECTS} "
        f"OPTIONAL {{ ?keeper {_v(RDFS.label)} ?partner }} "
        f"OPTIONAL {{ ?o {_v(RDFS.label)} ?label }} }}",
    ):
        iri = _text(row["o"])
        doc = docs.setdefault(iri, ObjectDoc(iri))
        keeper = _text(row["keeper"])
        doc.source = keeper.rstrip("/").rsplit("/", 1)[-1]
        doc.partner = doc.partner or _text(row["partner"]) or doc.source
        if row["label"] is not None and not doc.title:
            doc.title, doc.title_language = _text(row["label"]), _lang(row["label"])
    return docs


def _identifiers(store: Store, docs: dict[str, ObjectDoc]) -> None:
    """Titles (every language) and identifiers (accession numbers)."""
    for row in _rows(
        store,
        f"SELECT ?o ?text ?type WHERE {{ {_OBJECTS} ?o {_v(CRM.P1_is_identified_by)} ?n . "
        f"?n {_v(CRM.P190_has_symbolic_content)} ?text . "
        f"OPTIONAL {{ ?n {_v(CRM.P2_has_type)} ?type }} }}",
    ):
        doc = docs[_text(row["o"])]
        text = _text(row["text"])
        if _text(row["type"]) == AAT.ACCESSION_NUMBER.value:
            doc.accession.append(text)
        doc.texts.append(text)
        if not doc.title:
            doc.title, doc.title_language = text, _lang(row["text"])


def _statements(store: Store, docs: dict[str, ObjectDoc]) -> None:
    """Descriptions, inscriptions, material statements, credit lines."""
    for row in _rows(
        store,
        f"SELECT ?o ?text ?type WHERE {{ {_OBJECTS} "
        f"{{ ?o {_v(CRM.P67i_is_referred_to_by)} ?s . ?s {_v(CRM.P2_has_type)} ?type }} UNION "
        f"{{ ?o {_v(CRM.P128_carries)} ?s . BIND({_v(AAT.INSCRIPTIONS)} AS ?type) }} "
        f"?s {_v(CRM.P190_has_symbolic_content)} ?text }}",
    ):
        if _text(row["type"]) in _INDEXED_STATEMENTS:
            docs[_text(row["o"])].texts.append(_text(row["text"]))


def _concepts(store: Store, docs: dict[str, ObjectDoc]) -> None:
    """Object types, materials and subjects, with their labels in every language."""
    labels: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    kinds: dict[str, set[tuple[str, str]]] = defaultdict(set)
    concepts = (
        f"{{ ?o {_v(CRM.P2_has_type)} ?c BIND('type' AS ?kind) }} UNION "
        f"{{ ?o {_v(CRM.P45_consists_of)} ?c BIND('material' AS ?kind) }} UNION "
        f"{{ ?o {_v(CRM.P65_shows_visual_item)}/({_v(CRM.P129_is_about)}|"
        f"{_v(CRM.P138_represents)}) ?c BIND('subject' AS ?kind) }}"
    )
    for row in _rows(store, f"SELECT ?o ?kind ?c WHERE {{ {_OBJECTS} {concepts} }}"):
        kinds[_text(row["o"])].add((_text(row["kind"]), _text(row["c"])))
    for row in _rows(  # the labels of the few distinct concepts, once each
        store,
        f"SELECT ?c ?label WHERE {{ {{ SELECT DISTINCT ?c WHERE {{ {_OBJECTS} {concepts} }} }} "
        f"?c {_LABEL} ?label }}",
    ):
        label = (_text(row["label"]), _lang(row["label"]))
        if label not in labels[_text(row["c"])]:
            labels[_text(row["c"])].append(label)
    for iri, pairs in kinds.items():
        doc = docs[iri]
        for kind, concept in sorted(pairs):
            doc.texts.extend(text for text, _ in labels[concept])
            best = _best_label(labels[concept])
            if kind == "type" and best not in doc.types:
                doc.types.append(best)
            elif kind == "material" and best not in doc.materials:
                doc.materials.append(best)


def _makers(store: Store, docs: dict[str, ObjectDoc]) -> None:
    """Makers (directly or through the parts of an attributed production), shown by their
    aggregate's label; every name of every partner entity of the aggregate is indexed."""
    aggregate_names: dict[str, set[str]] = defaultdict(set)
    for row in _rows(
        store,
        f"SELECT ?agg ?name WHERE {{ ?agg a {_v(MUSEION.Aggregate)} ; "
        f"{_v(LA.equivalent)} ?member . ?member {_NAMES} ?name }}",
    ):
        aggregate_names[_text(row["agg"])].add(_text(row["name"]))
    seen: set[tuple[str, str]] = set()
    for row in _rows(
        store,
        f"SELECT ?o ?actor ?after ?label ?agg ?aggLabel WHERE {{ {_OBJECTS} "
        f"?o {_v(CRM.P108i_was_produced_by)} ?p . "
        f"{{ ?p {_v(CRM.P14_carried_out_by)} ?actor }} UNION "
        f"{{ ?p {_v(CRM.P9_consists_of)}/{_v(CRM.P14_carried_out_by)} ?actor }} UNION "
        f"{{ ?p {_v(CRM.P15_was_influenced_by)} ?actor BIND(true AS ?after) }} "
        f"OPTIONAL {{ ?actor {_v(RDFS.label)} ?label }} "
        f"OPTIONAL {{ ?agg {_v(LA.equivalent)} ?actor ; a {_v(MUSEION.Aggregate)} ; "
        f"{_v(RDFS.label)} ?aggLabel }} }}",
    ):
        iri, actor = _text(row["o"]), _text(row["actor"])
        if (iri, actor) in seen:
            continue
        seen.add((iri, actor))
        doc = docs[iri]
        name = _text(row["aggLabel"]) or _text(row["label"])
        listed = doc.after if row["after"] is not None else doc.makers
        if name and name not in listed:
            listed.append(name)
        doc.texts.append(_text(row["label"]))
        doc.texts.extend(sorted(aggregate_names.get(_text(row["agg"]), ())))


def _dates_places_images(store: Store, docs: dict[str, ObjectDoc]) -> None:
    for row in _rows(
        store,
        f"SELECT ?o ?begin ?end ?text WHERE {{ {_OBJECTS} "
        f"?o {_v(CRM.P108i_was_produced_by)}/{_v(CRM.P4_has_time_span)} ?ts . "
        f"OPTIONAL {{ ?ts {_v(CRM.P82a_begin_of_the_begin)} ?begin }} "
        f"OPTIONAL {{ ?ts {_v(CRM.P82b_end_of_the_end)} ?end }} "
        f"OPTIONAL {{ ?ts {_v(CRM.P1_is_identified_by)}/{_v(CRM.P190_has_symbolic_content)} "
        f"?text }} }}",
    ):
        doc = docs[_text(row["o"])]
        begin, end = instant_year(_text(row["begin"])), instant_year(_text(row["end"]))
        if begin is not None and (doc.begin is None or begin < doc.begin):
            doc.begin = begin
        if end is not None and (doc.end is None or end > doc.end):
            doc.end = end
        doc.date = doc.date or _text(row["text"]) or None
    for doc in docs.values():
        if doc.date is None and doc.begin is not None:
            doc.date = str(doc.begin) if doc.begin == doc.end else f"{doc.begin}–{doc.end or ''}"

    for row in _rows(
        store,
        f"SELECT ?o ?place ?label ?aggLabel WHERE {{ {_OBJECTS} "
        f"?o {_v(CRM.P108i_was_produced_by)} ?p . "
        f"{{ ?p {_v(CRM.P7_took_place_at)} ?place }} UNION "
        f"{{ ?p {_v(CRM.P9_consists_of)}/{_v(CRM.P7_took_place_at)} ?place }} "
        f"OPTIONAL {{ ?place {_v(RDFS.label)} ?label }} "
        f"OPTIONAL {{ ?agg {_v(LA.equivalent)} ?place ; a {_v(MUSEION.Aggregate)} ; "
        f"{_v(RDFS.label)} ?aggLabel }} }}",
    ):
        doc = docs[_text(row["o"])]
        name = _text(row["aggLabel"]) or _text(row["label"])
        if name and name not in doc.places:
            doc.places.append(name)
            doc.texts.append(name)

    for row in _rows(
        store,
        f"SELECT ?o (SAMPLE(?url) AS ?image) WHERE {{ {_OBJECTS} "
        f"?o {_v(CRM.P138i_has_representation)}/{_v(LA.digitally_shown_by)}/"
        f"{_v(LA.access_point)} ?url }} GROUP BY ?o",
    ):
        docs[_text(row["o"])].image = _text(row["image"]) or None

    for row in _rows(
        store,
        f"SELECT ?o (MAX(?value) AS ?longest) WHERE {{ {_OBJECTS} "
        f"?o {_v(CRM.P43_has_dimension)} ?d . ?d {_v(CRM.P91_has_unit)} "
        f"{_v(AAT.CENTIMETRES)} ; {_v(CRM.P2_has_type)} ?side ; {_v(CRM.P90_has_value)} ?value "
        f"FILTER(?side IN ({_SIDES})) }} GROUP BY ?o",
    ):
        try:
            value = float(_text(row["longest"]))
        except ValueError:
            continue
        if math.isfinite(value):
            docs[_text(row["o"])].longest_cm = value
