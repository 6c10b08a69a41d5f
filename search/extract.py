"""What search indexes of each published object, read from a snapshot with a few SPARQL queries.

One query per kind of fact, each over every object at once (not one query per object): titles
and identifiers, statements, types, materials, subjects and the techniques of the production,
makers through the reconciled aggregates (with every name their members carry), dates, places,
images and dimensions. An object is a ``crm:E22_Human-Made_Object`` with a current keeper (its
lending partner); parts such as frames have none and are not listed on their own.

Three things keep the build fast and its memory flat:

- The queries' rows are not gathered into documents in memory: they go to a temporary SQLite
  file on disk (``sqlite3.connect("")``), which sorts them by object; the documents are then
  made one object at a time, in IRI order (the order the index numbers them).
- The queries run a few at once, in threads (``museion_core.parallel``), their rows handed
  to the one thread that writes the scratch file: on two cores the build of 50,000 objects
  took 24.5-24.7 s against 34.9-35.2 s one query at a time, for 25 MB more peak RSS
  (``bench/search_build.py``).
- Every query starts from the objects (``?o crm:P50_has_current_keeper ?keeper``) and reaches
  the rest by one index lookup per row. Oxigraph would otherwise join two whole predicates by
  hashing one of them, which was a little faster but held every row of that predicate in
  memory while the query ran: at 50,000 objects the build's peak was 418 MB with those hash
  joins, 231 MB with lookups (``bench/search_build.py``), and it no longer grows with the
  collection beyond what Oxigraph's own reads take.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, groupby, islice
from operator import itemgetter
from typing import Any, NamedTuple

from pyoxigraph import Literal, QuerySolutions

from mappings import aat_reading
from museion_core.instants import instant_year
from museion_core.malloc import release_free_memory
from museion_core.parallel import gathered, usable_cpus
from museion_core.vocab import AAT, CRM, LA, MUSEION, RDFS, SKOS
from store import Store

__all__ = ["ObjectDoc", "extract_objects"]

_VALUES = 1000
"""Concepts or aggregates per query that reads their labels or names."""
_CHUNK = 2000
"""Rows of a query handed from the thread that reads them to the one that keeps them."""


@dataclass
class ObjectDoc:
    iri: str
    partner: str = ""
    source: str = ""
    title: str = ""
    title_language: str | None = None
    titles: dict[str, str] = field(default_factory=dict)
    """The first title in each language the record names it in (its primary language tag:
    ``fr`` for ``fr-CH``), for a page in that language."""
    accession: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    makers: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    """Whom the production followed ("after Turner": ``P15_was_influenced_by``), not makers."""
    terms: list[str] = field(default_factory=list)
    """Its concepts' labels in every language: words, never Arabic skeletons (``search.text``,
    for names): an etching's Arabic label "حفر حمضي" is "hmd", and "Ahmad" found etchings."""
    types: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    languages: dict[str, str] = field(default_factory=dict)
    """A type's or material's value that is a lender's own word in a language not English
    (``_facet_value``) → that language: "Suppenschälchen" → ``de``."""
    places: list[str] = field(default_factory=list)
    maker_names: list[str] = field(default_factory=list)
    """Every name of its makers' and followed artists' aggregates (each partner's spellings,
    alternative names: Botticelli's "Filipepi, Alessandro"), whose consonants an Arabic-script
    query asks for (``search.text.name_keys``), as it does the names shown."""
    known: list[str] = field(default_factory=list)
    """Names the records give that search does not look in, for the speller alone: the places
    its makers and followed artists were born and died at (formed, dissolved), and the other
    names of the places it was made at (the one shown is searched). Searching "London" does
    not find every work of an artist born there, but "Malaga" is no misspelling of "Madama"
    (``search.mending``)."""
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
        yield dict(zip(names, solution, strict=True))


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


_OBJECTS = f"?o {_KEEPER} ?keeper ."
_PRODUCED = f"?o {_v(CRM.P108i_was_produced_by)} ?p ."
"""The queries of facts that are the same however many times they come (makers, dates,
places, the image, sizes) do not join the keeper: Oxigraph took 1.3 to 2 times as long with
the join (21.6 against 14.8 s for the five of them at 50,000 records). Their rows about
anything that is not an object are dropped with the documents (``extract_objects``). Names,
statements and concepts keep it: their rows count, and they were slower without it."""
_SHOWS = (
    f"{_v(CRM.P65_shows_visual_item)}/({_v(CRM.P129_is_about)}|{_v(CRM.P138_represents)}"
    f"|{_v(CRM.P199_represents_instance_of_type)})"
)
"""What an object's image is of: Linked Art's ``about``, ``represents`` and
``represents_instance_of_type`` (the subjects of the Tate's and the spreadsheets' mappings).
A subject's broader concept, one level up, is indexed with it: Tate files what a picture
shows under its place or theme ("Hampton Court Palace" under "UK London", "man" under
"adults"), and a curator searching "London" missed the works that show a place in it."""
_PART = _v(CRM.P9_consists_of)
_TECHNIQUE = (
    f"{_v(CRM.P108i_was_produced_by)}/({_v(CRM.P32_used_general_technique)}"
    f"|{_PART}/{_v(CRM.P32_used_general_technique)})"
)
"""The techniques of an object's production (``technique``: "dinanderie", "etching"), or of
a part of it (as its makers are reached): searchable by every label, as materials are."""
_NAMED = f"{_v(CRM.P1_is_identified_by)}/{_v(CRM.P190_has_symbolic_content)}"
_LIFE = "|".join(
    _v(p)
    for p in (
        CRM.P98i_was_born,
        CRM.P100i_died_in,
        CRM.P95i_was_formed_by,
        CRM.P99i_was_dissolved_by,
    )
)
"""A person's birth and death, a group's formation and dissolution: where they took place."""
_STATEMENT_TYPES = ", ".join(f"<{t}>" for t in sorted(_INDEXED_STATEMENTS))
_AGGREGATE = (
    f"?agg {_v(LA.equivalent)} ?%s ; a {_v(MUSEION.Aggregate)} ; {_v(RDFS.label)} ?aggLabel"
)

# The kinds of facts, in the order a document takes them in, with their query and columns.
_OBJECT, _NAME, _STATEMENT, _CONCEPT, _MAKER, _DATE, _PLACE, _IMAGE, _SIZE = range(9)
_QUERIES: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        _OBJECT,  # the partner (keeper) and a first title, in the order of the old build
        f"SELECT ?o ?keeper ?partner ?label WHERE {{ {_OBJECTS} "
        f"OPTIONAL {{ ?keeper {_v(RDFS.label)} ?partner }} "
        f"OPTIONAL {{ ?o {_v(RDFS.label)} ?label }} }}",
        ("keeper", "partner", "label", "label@"),
    ),
    (
        _NAME,  # titles (every language) and identifiers: a row per type of name
        f"SELECT ?o ?text ?accession WHERE {{ {_OBJECTS} ?o {_v(CRM.P1_is_identified_by)} ?n . "
        f"?n {_v(CRM.P190_has_symbolic_content)} ?text . "
        f"OPTIONAL {{ ?n {_v(CRM.P2_has_type)} ?type "
        f"BIND(?type = {_v(AAT.ACCESSION_NUMBER)} AS ?accession) }} }}",
        ("text", "text@", "accession"),
    ),
    (
        _STATEMENT,  # descriptions, inscriptions, material statements, credit lines
        f"SELECT ?o ?text WHERE {{ {_OBJECTS} "
        f"{{ ?o {_v(CRM.P67i_is_referred_to_by)} ?s . ?s {_v(CRM.P2_has_type)} ?type "
        f"FILTER(?type IN ({_STATEMENT_TYPES})) }} UNION {{ ?o {_v(CRM.P128_carries)} ?s }} "
        f"?s {_v(CRM.P190_has_symbolic_content)} ?text }}",
        ("text",),
    ),
    (
        _CONCEPT,  # object types, materials, subjects and the production's techniques
        f"SELECT ?o ?kind ?c WHERE {{ {_OBJECTS} "
        f"{{ ?o {_v(CRM.P2_has_type)} ?c BIND('type' AS ?kind) }} UNION "
        f"{{ ?o {_v(CRM.P45_consists_of)} ?c BIND('material' AS ?kind) }} UNION "
        f"{{ ?o {_SHOWS} ?c BIND('subject' AS ?kind) }} UNION "
        f"{{ ?o {_SHOWS}/{_v(SKOS.broader)} ?c BIND('subject' AS ?kind) }} UNION "
        f"{{ ?o {_TECHNIQUE} ?c BIND('technique' AS ?kind) }} }}",
        ("kind", "c"),
    ),
    (
        _MAKER,  # makers, directly or through the parts of a production, and whom it followed
        f"SELECT ?o ?actor ?after ?label ?agg ?aggLabel WHERE {{ {_PRODUCED} "
        f"{{ ?p {_v(CRM.P14_carried_out_by)} ?actor }} UNION "
        f"{{ ?p {_PART}/{_v(CRM.P14_carried_out_by)} ?actor }} UNION "
        f"{{ ?p {_v(CRM.P15_was_influenced_by)} ?actor BIND(true AS ?after) }} "
        f"OPTIONAL {{ ?actor {_v(RDFS.label)} ?label }} "
        f"OPTIONAL {{ {_AGGREGATE % 'actor'} }} }}",
        ("actor", "after", "label", "agg", "aggLabel"),
    ),
    (
        _DATE,  # a production's time spans
        f"SELECT ?o ?begin ?end ?text WHERE {{ {_PRODUCED} ?p {_v(CRM.P4_has_time_span)} ?ts "
        f"OPTIONAL {{ ?ts {_v(CRM.P82a_begin_of_the_begin)} ?begin }} "
        f"OPTIONAL {{ ?ts {_v(CRM.P82b_end_of_the_end)} ?end }} "
        f"OPTIONAL {{ ?ts {_NAMED} ?text }} }}",
        ("begin", "end", "text"),
    ),
    (
        _PLACE,  # where it was made, shown by the place's aggregate's label
        f"SELECT ?o ?label ?aggLabel ?place WHERE {{ {_PRODUCED} "
        f"{{ ?p {_v(CRM.P7_took_place_at)} ?place }} UNION "
        f"{{ ?p {_v(CRM.P9_consists_of)}/{_v(CRM.P7_took_place_at)} ?place }} "
        f"OPTIONAL {{ ?place {_v(RDFS.label)} ?label }} "
        f"OPTIONAL {{ {_AGGREGATE % 'place'} }} }}",
        ("label", "aggLabel", "place"),
    ),
    (
        _IMAGE,
        f"SELECT ?o ?url WHERE {{ ?o {_v(CRM.P138i_has_representation)}/"
        f"{_v(LA.digitally_shown_by)}/{_v(LA.access_point)} ?url }}",
        ("url",),
    ),
    (
        _SIZE,  # the sides measured in centimetres; the longest is taken per object
        f"SELECT ?o ?value WHERE {{ ?o {_v(CRM.P43_has_dimension)} ?d . "
        f"?d {_v(CRM.P91_has_unit)} {_v(AAT.CENTIMETRES)} ; {_v(CRM.P2_has_type)} ?side ; "
        f"{_v(CRM.P90_has_value)} ?value FILTER(?side IN ({_SIDES})) }}",
        ("value",),
    ),
)


def extract_objects(
    store: Store, only: Iterable[str] | None = None, *, threads: int | None = None
) -> Iterator[ObjectDoc]:
    """Every published object with what search needs of it, one at a time, in IRI order.

    ``only``: just these IRIs, those of them that are published objects (each query then
    starts from ``VALUES ?o``, a thousand objects at a time): the objects a re-harvest
    touched, when the documents of the others are reused (``search.reuse``).

    ``threads``: queries run at once (default: the CPUs this process may use). Oxigraph
    evaluates them without holding the GIL, and evaluating them is nearly all of the build's
    reading (iterating their rows alone cost as much as making the facts of them). Each
    query's rows still reach the scratch table in their own order, which is all a document's
    order depends on."""
    threads = usable_cpus() if threads is None else threads
    with closing(sqlite3.connect("")) as db:  # "": a temporary file, removed on close
        db.executescript(  # scratch: nothing to roll back, nothing to keep after a crash
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE f(iri TEXT NOT NULL, kind INTEGER NOT NULL, a, b, c, d, e);"
        )
        tasks = (
            (kind, _restricted(sparql, values), columns)
            for values in values_blocks("o", only)
            for kind, sparql, columns in _QUERIES
        )
        for chunk in gathered(tasks, partial(_chunks, store), min(threads, len(_QUERIES))):
            db.executemany("INSERT INTO f VALUES (?,?,?,?,?,?,?)", chunk)
        labels = _concept_labels(store, _distinct(db, _CONCEPT, "b"))
        makers = list(_distinct(db, _MAKER, "d"))
        names = _aggregate_names(store, makers)
        lives = _life_places(store, makers)
        places = _place_names(
            store,
            chain(_distinct(db, _PLACE, "c"), (p for found in lives.values() for p in found)),
        )
        facts = db.execute("SELECT * FROM f ORDER BY iri, kind, rowid")
        for iri, rows in groupby(facts, key=itemgetter(0)):
            group = list(rows)  # one object's facts: a few dozen rows
            if group[0][1] != _OBJECT:  # facts about a production or part no partner keeps
                continue
            yield _document(iri, group, labels, names, _Places(lives, places))


def _restricted(sparql: str, values: str) -> str:
    restricted = sparql.replace(" WHERE { ", " WHERE { " + values, 1)
    assert values in restricted, "each query is 'SELECT ... WHERE { ...'"
    return restricted


def _chunks(
    store: Store, task: tuple[int, str, tuple[str, ...]]
) -> Iterator[list[tuple[object, ...]]]:
    """A query's rows (``_facts``), ``_CHUNK`` at a time: one hand-over between threads each.

    Once they are all read, what the query's evaluation freed goes back to the system
    (``malloc_trim``): malloc kept it, and the build's peak RSS at 20,000 objects was 204 MB
    against 186 MB trimmed, 180 MB with the queries one at a time (arenas capped at two, as
    ``museion`` caps them; ``bench/search_build.py``)."""
    facts = _facts(store, *task)
    while chunk := list(islice(facts, _CHUNK)):
        yield chunk
    del facts  # the finished query, and its solutions, before the trim
    release_free_memory()


def _facts(
    store: Store, kind: int, sparql: str, columns: tuple[str, ...]
) -> Iterator[tuple[object, ...]]:
    """The rows of the facts table a query gives: the object, the kind, and the ``columns``
    (``name@``: the language of ``name``), padded to five. Straight from the solutions: a
    dict per row cost a tenth of the build."""
    results = store.query(sparql)
    assert isinstance(results, QuerySolutions)
    names = [v.value for v in results.variables]
    first = names.index("o")
    picks = [(names.index(name.rstrip("@")), name.endswith("@")) for name in columns]
    padding = (None,) * (5 - len(columns))
    for solution in results:
        terms = list(solution)
        yield (
            terms[first].value,
            kind,
            *[_lang(terms[i]) if lang else (_text(terms[i]) or None) for i, lang in picks],
            *padding,
        )


def _distinct(db: sqlite3.Connection, kind: int, column: str) -> Iterator[str]:
    yield from (v for (v,) in db.execute(f"SELECT DISTINCT {column} FROM f WHERE kind = {kind}"))


def values_blocks(var: str, iris: Iterable[str | None] | None) -> Iterator[str]:
    """``VALUES ?var { ... } `` blocks that restrict a query to ``iris`` (empty ones left out),
    a thousand at a time; for ``None``, one empty block: the query over everything."""
    if iris is None:
        yield ""
        return
    stream = (iri for iri in iris if iri)
    while chunk := list(islice(stream, _VALUES)):
        terms = " ".join(f"<{iri}>" for iri in chunk)
        yield f"VALUES ?{var} {{ {terms} }} "


def _concept_labels(
    store: Store, concepts: Iterable[str]
) -> dict[str, list[tuple[str, str | None]]]:
    """The labels of the (few) distinct concepts, in every language."""
    labels: dict[str, list[tuple[str, str | None]]] = {}
    for values in values_blocks("c", concepts):
        for row in _rows(store, f"SELECT ?c ?label WHERE {{ {values}?c {_LABEL} ?label }}"):
            label = (_text(row["label"]), _lang(row["label"]))
            known = labels.setdefault(_text(row["c"]), [])
            if label not in known:
                known.append(label)
    return labels


def _aggregate_names(store: Store, aggregates: Iterable[str]) -> dict[str, list[str]]:
    """Every name of every partner entity of the makers' aggregates, sorted."""
    return _grouped(
        store, "agg", aggregates, f"?agg {_v(LA.equivalent)} ?member . ?member {_NAMES} ?name"
    )


def _life_places(store: Store, aggregates: Iterable[str]) -> dict[str, list[str]]:
    """The places every partner entity of the makers' aggregates was born and died at
    (formed, dissolved at), sorted."""
    return _grouped(
        store,
        "agg",
        aggregates,
        f"?agg {_v(LA.equivalent)} ?member . "
        f"?member {_LIFE} ?event . ?event {_v(CRM.P7_took_place_at)} ?name",
    )


def _place_names(store: Store, places: Iterable[str]) -> dict[str, list[str]]:
    """Every name of each place: its own, and its aggregate's with every name of that
    aggregate's members ("Florence", "Firenze" and "Florenz"), sorted."""
    aggregate = f"?agg {_v(LA.equivalent)} ?place ; a {_v(MUSEION.Aggregate)} ."
    return _grouped(
        store,
        "place",
        dict.fromkeys(places),
        f"{{ ?place {_NAMES} ?name }} UNION "
        f"{{ {aggregate} ?agg {_v(RDFS.label)} ?name }} UNION "
        f"{{ {aggregate} ?agg {_v(LA.equivalent)} ?member . ?member {_NAMES} ?name }}",
    )


def _grouped(store: Store, var: str, iris: Iterable[str], pattern: str) -> dict[str, list[str]]:
    """For each of ``iris`` (bound to ``?var``, a block of them a query), the texts
    ``pattern`` binds ``?name`` to, sorted and each once."""
    found: dict[str, set[str]] = {}
    for values in values_blocks(var, iris):
        for row in _rows(store, f"SELECT ?{var} ?name WHERE {{ {values}{pattern} }}"):
            found.setdefault(_text(row[var]), set()).add(_text(row["name"]))
    return {iri: sorted(texts) for iri, texts in found.items()}


class _Places(NamedTuple):
    """What the speller is told of places (``ObjectDoc.known``)."""

    lives: dict[str, list[str]]
    """Aggregate → the places its members were born and died at."""
    names: dict[str, list[str]]
    """Place → every name of it."""


class _Maker(NamedTuple):
    """A row of the makers query; they sort by makers before the artists followed, then
    name. The graph holds no order among an object's makers, and the query's own order
    changed from one run to the next (its joins hash): sorted, the same snapshot gives the
    same index."""

    after: bool
    name: str
    label: str
    actor: str
    agg: str


def _document(
    iri: str,
    facts: Iterable[tuple[Any, ...]],
    labels: dict[str, list[tuple[str, str | None]]],
    names: dict[str, list[str]],
    places: _Places,
) -> ObjectDoc:
    """One object's document from its facts, in the order of their kinds."""
    doc = ObjectDoc(iri)
    concepts: set[tuple[str, str]] = set()
    makers: list[_Maker] = []
    sides: list[float] = []
    for _, kind, a, b, c, d, e in facts:
        if kind <= _NAME:
            _title(doc, kind, (a, b, c, d))
        elif kind == _STATEMENT:
            doc.texts.append(a or "")
        elif kind == _CONCEPT:
            concepts.add((a, b))
        elif kind == _MAKER:
            makers.append(_Maker(b is not None, e or c or "", c or "", a, d or ""))
        elif kind == _DATE:
            _date(doc, instant_year(a or ""), instant_year(b or ""), c)
        elif kind == _PLACE:
            _place(doc, b or a, places.names.get(c or "", ()))
        elif kind == _IMAGE:
            doc.image = doc.image or a
        elif kind == _SIZE:
            sides.extend(_number(a))
    if doc.date is None and doc.begin is not None:
        doc.date = str(doc.begin) if doc.begin == doc.end else f"{doc.begin}–{doc.end or ''}"
    _concepts(doc, concepts, labels)
    _makers(doc, makers, names)
    for maker in makers:
        for place in places.lives.get(maker.agg, ()):
            _know(doc, places.names.get(place, ()))
    doc.longest_cm = max(sides, default=None)
    return doc


def _title(doc: ObjectDoc, kind: int, cells: tuple[Any, ...]) -> None:
    """The partner and the title (the first label, else the first name); names and
    accession numbers."""
    a, b, c, d = cells
    if kind == _OBJECT:
        doc.source = a.rstrip("/").rsplit("/", 1)[-1]
        doc.partner = doc.partner or b or doc.source
        if c is not None and not doc.title:
            doc.title, doc.title_language = c, d
        return
    if c == "true":
        doc.accession.append(a or "")
    elif a and b:
        doc.titles.setdefault(str(b).split("-", 1)[0].lower(), a)
    doc.texts.append(a or "")
    if not doc.title:
        doc.title, doc.title_language = a or "", b


def _place(doc: ObjectDoc, name: str | None, names: Iterable[str]) -> None:
    """A place it was made at, searched by the name shown; its other names are the speller's
    (``ObjectDoc.known``)."""
    if not name:
        return
    if name not in doc.places:
        doc.places.append(name)
        doc.texts.append(name)
    _know(doc, (other for other in names if other != name))


def _date(doc: ObjectDoc, begin: int | None, end: int | None, text: str | None) -> None:
    if begin is not None and (doc.begin is None or begin < doc.begin):
        doc.begin = begin
    if end is not None and (doc.end is None or end > doc.end):
        doc.end = end
    doc.date = doc.date or text or None


def _number(text: str | None) -> list[float]:
    try:
        value = float(text or "")
    except ValueError:
        return []
    return [value] if math.isfinite(value) else []


_SCHEMES = {"type": ("object_type",), "material": ("material", "technique")}
"""The schemes of Museion's AAT table a type's or material's label is read in."""


def _facet_value(kind: str, labels: list[tuple[str, str | None]]) -> tuple[str, str | None]:
    """A type's or material's value in its facet: its English label (or one without a
    language), which the search page writes in its reader's language when it is AAT's; and
    the value's language where it is a lender's own word in another.

    A lender's own term with no English label is read through Museion's AAT table: the
    LWL's print is both AAT's print and its own "Druckgraphik", and the French search page
    listed "estampe" and "Druckgraphik", one concept under two languages' words. It is the
    AAT concept's value, once; a term the table does not know keeps its own label, in its own
    language ("Suppenschälchen", ``de``), which the page says beside it."""
    best = _best_label(labels)
    if any(lang is None or lang == "en" or lang.startswith("en-") for _, lang in labels):
        return best, None
    texts = (text for text, _ in sorted(labels, key=lambda x: (x[0], x[1] or "")))
    found = aat_reading(texts, _SCHEMES[kind], ("en",))
    if found is not None:
        return found[0], None
    return best, next((lang for text, lang in sorted(labels) if text == best), None)


def _concepts(
    doc: ObjectDoc,
    concepts: set[tuple[str, str]],
    labels: dict[str, list[tuple[str, str | None]]],
) -> None:
    """Types and materials by their facet value (``_facet_value``); every label of every
    concept (subjects and techniques too) is indexed."""
    for kind, concept in sorted(concepts):
        found = labels.get(concept, [])
        doc.terms.extend(text for text, _ in found)
        if kind not in _SCHEMES:
            continue
        best, language = _facet_value(kind, found)
        listed = doc.types if kind == "type" else doc.materials
        if best not in listed:
            listed.append(best)
            if language:
                doc.languages.setdefault(best, language)


def _makers(doc: ObjectDoc, makers: list[_Maker], names: dict[str, list[str]]) -> None:
    """Makers shown by their aggregate's label; every name of every partner entity of the
    aggregate is indexed."""
    seen: set[str] = set()
    for maker in sorted(makers):
        if maker.actor in seen:
            continue
        seen.add(maker.actor)
        listed = doc.after if maker.after else doc.makers
        if maker.name and maker.name not in listed:
            listed.append(maker.name)
        doc.texts.append(maker.label)
        doc.texts.extend(names.get(maker.agg, ()))
        doc.maker_names.extend(n for n in names.get(maker.agg, ()) if n not in doc.maker_names)


def _know(doc: ObjectDoc, names: Iterable[str]) -> None:
    """``names`` told to the speller (``ObjectDoc.known``), each once."""
    doc.known.extend(name for name in names if name and name not in doc.known)
