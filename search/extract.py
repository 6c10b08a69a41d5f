"""What search indexes of each published object, read from a snapshot with a few SPARQL queries.

The objects are read in batches of ``BATCH`` (in IRI order, the order the index numbers them),
so the build holds one batch of documents at a time, not the collection: their IRIs wait in a
temporary SQLite file on disk, which sorts them. One query per kind of fact, each over every
object of a batch at once (``VALUES``, not one query per object): titles
and identifiers, statements, types and materials, subjects, makers through the reconciled
aggregates (with every name their members carry), dates, places, images and dimensions. An
object is a ``crm:E22_Human-Made_Object`` with a current keeper (its lending partner); parts
such as frames have none and are not listed on their own.
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from pyoxigraph import Literal, QuerySolutions

from museion_core.instants import instant_year
from museion_core.vocab import AAT, CRM, LA, MUSEION, RDFS, SKOS
from store import Store

__all__ = ["BATCH", "ObjectDoc", "extract_objects"]

BATCH = 2000
"""Objects per batch: large enough that a query's fixed cost is shared, small enough that a
batch's documents are a few megabytes."""
_CACHED = 100_000
"""Concept labels and aggregate names kept between batches (they repeat: a few hundred AAT
concepts, the makers of a collection); past this many the cache starts over."""


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


_KEEPER = _v(CRM.P50_has_current_keeper)
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


def extract_objects(store: Store, batch: int = BATCH) -> Iterator[ObjectDoc]:
    """Every published object with what search needs of it, in IRI order, a batch at a time."""
    caches = _Caches()
    for iris in _object_batches(store, batch):
        yield from _batch(store, iris, caches)


def _object_batches(store: Store, batch: int) -> Iterator[list[str]]:
    """The objects' IRIs in order, ``batch`` at a time, sorted in a temporary file on disk
    (SQLite's own: an empty name) rather than in a list of every IRI."""
    db = sqlite3.connect("")
    try:
        db.execute("CREATE TABLE o(iri TEXT PRIMARY KEY) WITHOUT ROWID")
        rows = _rows(store, f"SELECT DISTINCT ?o WHERE {{ ?o {_KEEPER} ?keeper }}")
        db.executemany("INSERT OR IGNORE INTO o VALUES (?)", ((_text(r["o"]),) for r in rows))
        cursor = db.execute("SELECT iri FROM o ORDER BY iri")
        while chunk := cursor.fetchmany(batch):
            yield [iri for (iri,) in chunk]
    finally:
        db.close()


@dataclass
class _Caches:
    """Labels of concepts and names of aggregates, looked up once each (bounded)."""

    labels: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)

    def trim(self) -> None:
        for cache in (self.labels, self.names):
            if len(cache) > _CACHED:
                cache.clear()


def _values(variable: str, iris: Sequence[str]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(f'<{iri}>' for iri in iris)} }}"


def _batch(store: Store, iris: list[str], caches: _Caches) -> list[ObjectDoc]:
    caches.trim()
    docs = {iri: ObjectDoc(iri) for iri in iris}
    objects = _values("o", iris)
    _objects(store, objects, docs)
    _identifiers(store, objects, docs)
    _statements(store, objects, docs)
    _concepts(store, objects, docs, caches)
    _makers(store, objects, docs, caches)
    _dates_places_images(store, objects, docs)
    return list(docs.values())


def _objects(store: Store, objects: str, docs: dict[str, ObjectDoc]) -> None:
    """The objects' partner (keeper) and a first title."""
    for row in _rows(
        store,
        f"SELECT ?o ?keeper ?partner ?label WHERE {{ {objects} ?o {_KEEPER} ?keeper "
        f"OPTIONAL {{ ?keeper {_v(RDFS.label)} ?partner }} "
        f"OPTIONAL {{ ?o {_v(RDFS.label)} ?label }} }}",
    ):
        doc = docs[_text(row["o"])]
        keeper = _text(row["keeper"])
        doc.source = keeper.rstrip("/").rsplit("/", 1)[-1]
        doc.partner = doc.partner or _text(row["partner"]) or doc.source
        if row["label"] is not None and not doc.title:
            doc.title, doc.title_language = _text(row["label"]), _lang(row["label"])


def _identifiers(store: Store, objects: str, docs: dict[str, ObjectDoc]) -> None:
    """Titles (every language) and identifiers (accession numbers): a row per type of name,
    whose IRI is compared in the query rather than sent."""
    for row in _rows(
        store,
        f"SELECT ?o ?text ?accession WHERE {{ {objects} ?o {_v(CRM.P1_is_identified_by)} ?n . "
        f"?n {_v(CRM.P190_has_symbolic_content)} ?text . "
        f"OPTIONAL {{ ?n {_v(CRM.P2_has_type)} ?type "
        f"BIND(?type = {_v(AAT.ACCESSION_NUMBER)} AS ?accession) }} }}",
    ):
        doc = docs[_text(row["o"])]
        text = _text(row["text"])
        if _text(row["accession"]) == "true":
            doc.accession.append(text)
        doc.texts.append(text)
        if not doc.title:
            doc.title, doc.title_language = text, _lang(row["text"])


def _statements(store: Store, objects: str, docs: dict[str, ObjectDoc]) -> None:
    """Descriptions, inscriptions, material statements, credit lines: a row per indexed type."""
    indexed = ", ".join(f"<{t}>" for t in sorted(_INDEXED_STATEMENTS))
    for row in _rows(
        store,
        f"SELECT ?o ?text WHERE {{ {objects} "
        f"{{ ?o {_v(CRM.P67i_is_referred_to_by)} ?s . ?s {_v(CRM.P2_has_type)} ?type }} UNION "
        f"{{ ?o {_v(CRM.P128_carries)} ?s . BIND({_v(AAT.INSCRIPTIONS)} AS ?type) }} "
        f"?s {_v(CRM.P190_has_symbolic_content)} ?text FILTER(?type IN ({indexed})) }}",
    ):
        docs[_text(row["o"])].texts.append(_text(row["text"]))


def _concepts(store: Store, objects: str, docs: dict[str, ObjectDoc], caches: _Caches) -> None:
    """Object types, materials and subjects, with their labels in every language."""
    kinds: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in _rows(
        store,
        f"SELECT ?o ?kind ?c WHERE {{ {objects} "
        f"{{ ?o {_v(CRM.P2_has_type)} ?c BIND('type' AS ?kind) }} UNION "
        f"{{ ?o {_v(CRM.P45_consists_of)} ?c BIND('material' AS ?kind) }} UNION "
        f"{{ ?o {_v(CRM.P65_shows_visual_item)}/({_v(CRM.P129_is_about)}|"
        f"{_v(CRM.P138_represents)}) ?c BIND('subject' AS ?kind) }} }}",
    ):
        kinds[_text(row["o"])].add((_text(row["kind"]), _text(row["c"])))
    labels = caches.labels
    if missing := sorted({c for pairs in kinds.values() for _, c in pairs} - labels.keys()):
        for concept in missing:
            labels[concept] = []
        for row in _rows(  # the labels of the concepts not seen before, once each
            store, f"SELECT ?c ?label WHERE {{ {_values('c', missing)} ?c {_LABEL} ?label }}"
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


def _aggregate_names(store: Store, aggregates: set[str], caches: _Caches) -> None:
    """Every name of every partner entity of the ``aggregates`` not seen before."""
    if not (missing := sorted(aggregates - caches.names.keys())):
        return
    found: dict[str, set[str]] = {agg: set() for agg in missing}
    for row in _rows(
        store,
        f"SELECT ?agg ?name WHERE {{ {_values('agg', missing)} "
        f"?agg {_v(LA.equivalent)} ?member . ?member {_NAMES} ?name }}",
    ):
        found[_text(row["agg"])].add(_text(row["name"]))
    for agg, names in found.items():
        caches.names[agg] = sorted(names)


def _makers(store: Store, objects: str, docs: dict[str, ObjectDoc], caches: _Caches) -> None:
    """Makers (directly or through the parts of an attributed production), shown by their
    aggregate's label; every name of every partner entity of the aggregate is indexed.

    An object's makers are listed in name order: the graph holds no order among them, and the
    query's own order changed from one run to the next (its joins hash), so the same snapshot
    gave indexes that differed."""
    rows = sorted(
        _maker_row(row)
        for row in _rows(
            store,
            f"SELECT ?o ?actor ?after ?label ?agg ?aggLabel WHERE {{ {objects} "
            f"?o {_v(CRM.P108i_was_produced_by)} ?p . "
            f"{{ ?p {_v(CRM.P14_carried_out_by)} ?actor }} UNION "
            f"{{ ?p {_v(CRM.P9_consists_of)}/{_v(CRM.P14_carried_out_by)} ?actor }} UNION "
            f"{{ ?p {_v(CRM.P15_was_influenced_by)} ?actor BIND(true AS ?after) }} "
            f"OPTIONAL {{ ?actor {_v(RDFS.label)} ?label }} "
            f"OPTIONAL {{ ?agg {_v(LA.equivalent)} ?actor ; a {_v(MUSEION.Aggregate)} ; "
            f"{_v(RDFS.label)} ?aggLabel }} }}",
        )
    )
    _aggregate_names(store, {row.agg for row in rows if row.agg}, caches)
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if (row.iri, row.actor) in seen:
            continue
        seen.add((row.iri, row.actor))
        doc = docs[row.iri]
        listed = doc.after if row.after else doc.makers
        if row.name and row.name not in listed:
            listed.append(row.name)
        doc.texts.append(row.label)
        doc.texts.extend(caches.names.get(row.agg, ()))


class _MakerRow(NamedTuple):
    """A row of the makers query; rows sort by object, makers before the artists followed,
    then by name."""

    iri: str
    after: bool
    name: str
    label: str
    actor: str
    agg: str


def _maker_row(row: dict[str, object]) -> _MakerRow:
    label = _text(row["label"])
    return _MakerRow(
        iri=_text(row["o"]),
        after=row["after"] is not None,
        name=_text(row["aggLabel"]) or label,
        label=label,
        actor=_text(row["actor"]),
        agg=_text(row["agg"]),
    )


def _dates_places_images(store: Store, objects: str, docs: dict[str, ObjectDoc]) -> None:
    for row in _rows(
        store,
        f"SELECT ?o ?begin ?end ?text WHERE {{ {objects} "
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
        f"SELECT ?o ?place ?label ?aggLabel WHERE {{ {objects} "
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
        f"SELECT ?o (SAMPLE(?url) AS ?image) WHERE {{ {objects} "
        f"?o {_v(CRM.P138i_has_representation)}/{_v(LA.digitally_shown_by)}/"
        f"{_v(LA.access_point)} ?url }} GROUP BY ?o",
    ):
        docs[_text(row["o"])].image = _text(row["image"]) or None

    for row in _rows(  # the unit in a FILTER: as a constant, the plan began with every dimension
        store,
        f"SELECT ?o (MAX(?value) AS ?longest) WHERE {{ {objects} "
        f"?o {_v(CRM.P43_has_dimension)} ?d . ?d {_v(CRM.P91_has_unit)} ?unit ; "
        f"{_v(CRM.P2_has_type)} ?side ; {_v(CRM.P90_has_value)} ?value "
        f"FILTER(?unit = {_v(AAT.CENTIMETRES)} && ?side IN ({_SIDES})) }} GROUP BY ?o",
    ):
        try:
            value = float(_text(row["longest"]))
        except ValueError:
            continue
        if math.isfinite(value):
            docs[_text(row["o"])].longest_cm = value
