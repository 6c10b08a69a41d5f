"""The index build: what it reads of an object from a real Oxigraph store, that it hands the
objects over one at a time in IRI order, and that writing them does not hold the collection
(peak RSS of a child process with ten times the objects)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import lxml.html
import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from museion_core.errors import StoreError
from museion_core.vocab import AAT, CRM, LA, MUSEION, RDF, RDFS, SKOS
from search import FtsEngine
from search.extract import _OBJECTS, _QUERIES, ObjectDoc, extract_objects
from sparql import i18n
from store import Store
from tests.helpers.together import TwoAtOnce

BASE = "https://data.example.org/"
XSD_DECIMAL = NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
XSD_DATETIME = NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


def _n(term: object) -> NamedNode:
    return NamedNode(str(getattr(term, "value", term)))


def _quads(triples: list[tuple[NamedNode, object, NamedNode | Literal]]) -> list[Quad]:
    return [Quad(s, _n(p), o, DefaultGraph()) for s, p, o in triples]


def _painting(store: Store, name: str, makers: list[str]) -> None:
    """An object with a title, an accession number, a statement, a type, two makers (one
    reconciled), a date, an image and two dimensions in centimetres (and one in inches)."""
    o = NamedNode(f"{BASE}object/{name}")
    triples: list[tuple[NamedNode, object, NamedNode | Literal]] = [
        (o, RDF.type, _n(CRM.E22_Human_Made_Object)),
        (o, CRM.P50_has_current_keeper, NamedNode(f"{BASE}partner/tate")),
        (o, RDFS.label, Literal(f"Painting {name}", language="en")),
        (o, CRM.P1_is_identified_by, NamedNode(f"{o.value}/acc")),
        (NamedNode(f"{o.value}/acc"), CRM.P190_has_symbolic_content, Literal(f"N{name}")),
        (NamedNode(f"{o.value}/acc"), CRM.P2_has_type, _n(AAT.ACCESSION_NUMBER)),
        (o, CRM.P67i_is_referred_to_by, NamedNode(f"{o.value}/desc")),
        (NamedNode(f"{o.value}/desc"), CRM.P2_has_type, _n(AAT.DESCRIPTION)),
        (NamedNode(f"{o.value}/desc"), CRM.P190_has_symbolic_content, Literal("A misty river")),
        (o, CRM.P2_has_type, NamedNode(f"{BASE}concept/painting")),
        (o, CRM.P108i_was_produced_by, NamedNode(f"{o.value}/prod")),
        (NamedNode(f"{o.value}/prod"), CRM.P4_has_time_span, NamedNode(f"{o.value}/ts")),
        (
            NamedNode(f"{o.value}/ts"),
            CRM.P82a_begin_of_the_begin,
            Literal("1840-01-01T00:00:00Z", datatype=XSD_DATETIME),
        ),
        (
            NamedNode(f"{o.value}/ts"),
            CRM.P82b_end_of_the_end,
            Literal("1845-12-31T23:59:59Z", datatype=XSD_DATETIME),
        ),
        (o, CRM.P138i_has_representation, NamedNode(f"{o.value}/img")),
        (NamedNode(f"{o.value}/img"), LA.digitally_shown_by, NamedNode(f"{o.value}/img/d")),
        (NamedNode(f"{o.value}/img/d"), LA.access_point, NamedNode(f"{o.value}.jpg")),
    ]
    for side, (kind, value, unit) in enumerate(
        [
            (AAT.HEIGHT, "91.0", AAT.CENTIMETRES),
            (AAT.WIDTH, "122.5", AAT.CENTIMETRES),
            (AAT.WIDTH, "200", NamedNode(f"{BASE}unit/inch")),
        ]
    ):
        d = NamedNode(f"{o.value}/dim/{side}")
        triples += [
            (o, CRM.P43_has_dimension, d),
            (d, CRM.P2_has_type, _n(kind)),
            (d, CRM.P90_has_value, Literal(value, datatype=XSD_DECIMAL)),
            (d, CRM.P91_has_unit, _n(unit)),
        ]
    for maker in makers:
        actor = NamedNode(f"{BASE}person/{maker.replace(' ', '-')}")
        triples += [
            (NamedNode(f"{o.value}/prod"), CRM.P14_carried_out_by, actor),
            (actor, RDFS.label, Literal(maker)),
        ]
    store.oxigraph.extend(_quads(triples))


@pytest.fixture
def store() -> Store:
    store = Store()  # in memory: a real Oxigraph store
    turner = NamedNode(f"{BASE}person/J-M-W-Turner")
    aggregate = NamedNode(f"{BASE}aggregate/turner")
    store.oxigraph.extend(
        _quads(
            [
                (NamedNode(f"{BASE}partner/tate"), RDFS.label, Literal("Tate")),
                (
                    NamedNode(f"{BASE}concept/painting"),
                    RDFS.label,
                    Literal("paintings", language="en"),
                ),
                (
                    NamedNode(f"{BASE}concept/painting"),
                    RDFS.label,
                    Literal("Gemälde", language="de"),
                ),
                (aggregate, RDF.type, _n(MUSEION.Aggregate)),
                (aggregate, RDFS.label, Literal("Joseph Mallord William Turner")),
                (aggregate, LA.equivalent, turner),
                (NamedNode(f"{BASE}other/turner"), RDFS.label, Literal("Turner, J. M. W.")),
                (aggregate, LA.equivalent, NamedNode(f"{BASE}other/turner")),
            ]
        )
    )
    _painting(store, "b", ["J M W Turner", "Anne Assistant"])
    _painting(store, "a", ["Zed Pupil"])
    _places(store)
    return store


def _places(store: Store) -> None:
    """Turner's other member born in London (whose aggregate also names it "Londres") and
    died in Chelsea; painting b made in Venice (its label "Venezia", also named "Venedig")."""
    other = NamedNode(f"{BASE}other/turner")
    london, londres = NamedNode(f"{BASE}place/london"), NamedNode(f"{BASE}other/london")
    chelsea, venice = NamedNode(f"{BASE}place/chelsea"), NamedNode(f"{BASE}place/venice")
    places = NamedNode(f"{BASE}aggregate/london")
    store.oxigraph.extend(
        _quads(
            [
                (other, CRM.P98i_was_born, NamedNode(f"{other.value}/birth")),
                (NamedNode(f"{other.value}/birth"), CRM.P7_took_place_at, london),
                (london, RDFS.label, Literal("London")),
                (places, RDF.type, _n(MUSEION.Aggregate)),
                (places, RDFS.label, Literal("London, England")),
                (places, LA.equivalent, london),
                (places, LA.equivalent, londres),
                (londres, CRM.P1_is_identified_by, NamedNode(f"{londres.value}/name")),
                (
                    NamedNode(f"{londres.value}/name"),
                    CRM.P190_has_symbolic_content,
                    Literal("Londres"),
                ),
                (other, CRM.P100i_died_in, NamedNode(f"{other.value}/death")),
                (NamedNode(f"{other.value}/death"), CRM.P7_took_place_at, chelsea),
                (chelsea, RDFS.label, Literal("Chelsea")),
                (NamedNode(f"{BASE}object/b/prod"), CRM.P7_took_place_at, venice),
                (venice, RDFS.label, Literal("Venezia")),
                (venice, CRM.P1_is_identified_by, NamedNode(f"{venice.value}/name")),
                (
                    NamedNode(f"{venice.value}/name"),
                    CRM.P190_has_symbolic_content,
                    Literal("Venedig"),
                ),
            ]
        )
    )


def test_an_object_read_from_the_store(store: Store) -> None:
    docs = extract_objects(store)
    assert not isinstance(docs, list)  # handed over one at a time, not gathered
    first, second = docs
    assert [first.iri, second.iri] == [f"{BASE}object/a", f"{BASE}object/b"]  # IRI order
    assert sorted(second.texts) == [
        "A misty river",
        "Anne Assistant",
        "J M W Turner",
        "J M W Turner",  # the maker's label, then every name of its aggregate's members
        "Nb",
        "Turner, J. M. W.",
        "Venezia",  # where it was made, by the name shown
    ]
    assert sorted(second.terms) == ["Gemälde", "paintings"]  # in the store's order
    second.texts = second.terms = []
    assert second == ObjectDoc(
        iri=f"{BASE}object/b",
        partner="Tate",
        source="tate",
        title="Painting b",
        title_language="en",
        accession=["Nb"],
        makers=["Anne Assistant", "Joseph Mallord William Turner"],  # by name, aggregate's label
        # every name of the aggregate, for an Arabic-script query (``names``)
        maker_names=["J M W Turner", "Turner, J. M. W."],
        places=["Venezia"],
        # for the speller alone: the place's other name, where its maker was born and died
        known=["Venedig", "Chelsea", "London", "London, England", "Londres"],
        types=["paintings"],
        date="1840–1845",
        begin=1840,
        end=1845,
        image=f"{BASE}object/b.jpg",
        longest_cm=122.5,  # centimetres only: the 200 inches do not count
    )


def test_the_queries_run_at_once_and_give_what_one_at_a_time_gives(store: Store) -> None:
    one = list(extract_objects(store, threads=1))
    assert list(extract_objects(store, threads=4)) == one
    assert list(extract_objects(store, [f"{BASE}object/b"], threads=3)) == one[1:]
    both = TwoAtOnce()
    both.oxigraph.extend(store.oxigraph)
    alone = list(extract_objects(both, threads=1))
    both.arm()
    assert list(extract_objects(both, threads=2)) == alone


def test_the_index_of_the_store_is_searchable(store: Store, tmp_path: Path) -> None:
    from search import parse_facets

    engine = FtsEngine()
    assert engine.build(store, tmp_path / "index.sqlite") == 2
    result = engine.search(tmp_path / "index.sqlite", parse_facets([], text="turner misty"))
    assert [hit.iri for hit in result.hits] == [f"{BASE}object/b"]
    engine.close()


def test_an_object_is_found_by_the_technique_of_its_production(
    store: Store, tmp_path: Path
) -> None:
    """A partner's objects described by their techniques alone ("dinanderie", "tissage":
    ``P32_used_general_technique`` on the production, or on a part of it) were found by none
    of them: the documents read materials, types and subjects, never techniques."""
    from search import parse_facets

    bowl, cloth = NamedNode(f"{BASE}object/bowl"), NamedNode(f"{BASE}object/cloth")
    dinanderie = NamedNode(f"{BASE}concept/dinanderie")  # a local concept
    tissage = NamedNode("http://vocab.getty.edu/aat/300053642")  # AAT's weaving
    triples: list[tuple[NamedNode, object, NamedNode | Literal]] = [
        (dinanderie, RDFS.label, Literal("dinanderie", language="fr")),
        (tissage, SKOS.prefLabel, Literal("tissage", language="fr")),
        (bowl, CRM.P108i_was_produced_by, NamedNode(f"{bowl.value}/production")),
        (NamedNode(f"{bowl.value}/production"), CRM.P32_used_general_technique, dinanderie),
        (cloth, CRM.P108i_was_produced_by, NamedNode(f"{cloth.value}/production")),
        (
            NamedNode(f"{cloth.value}/production"),
            CRM.P9_consists_of,
            NamedNode(f"{cloth.value}/production/1"),
        ),
        (NamedNode(f"{cloth.value}/production/1"), CRM.P32_used_general_technique, tissage),
    ]
    for o in (bowl, cloth):
        triples += [
            (o, RDF.type, _n(CRM.E22_Human_Made_Object)),
            (o, CRM.P50_has_current_keeper, NamedNode(f"{BASE}partner/tate")),
        ]
    store.oxigraph.extend(_quads(triples))
    docs = {doc.iri: doc for doc in extract_objects(store)}
    assert docs[bowl.value].terms == ["dinanderie"]
    assert docs[cloth.value].terms == ["tissage"]
    assert docs[bowl.value].materials == docs[bowl.value].types == []
    engine = FtsEngine()
    engine.build(store, tmp_path / "index.sqlite")
    for word, found in (("dinanderie", bowl), ("Dinanderie", bowl), ("tissage", cloth)):
        result = engine.search(tmp_path / "index.sqlite", parse_facets([], text=word))
        assert [hit.iri for hit in result.hits] == [found.value], word
    engine.close()


def test_an_object_is_found_by_the_broader_concept_of_its_subject(
    store: Store, tmp_path: Path
) -> None:
    """Tate files what a picture shows under a place or theme: "Hampton Court Palace" under
    "UK London". "london" found none of the works that show a place in London."""
    from search import parse_facets

    view = NamedNode(f"{BASE}object/view")
    palace, london = NamedNode(f"{BASE}concept/9286"), NamedNode(f"{BASE}concept/9301")
    places = NamedNode(f"{BASE}concept/106")
    shown = NamedNode(f"{view.value}/visual")
    triples: list[tuple[NamedNode, object, NamedNode | Literal]] = [
        (view, RDF.type, _n(CRM.E22_Human_Made_Object)),
        (view, CRM.P50_has_current_keeper, NamedNode(f"{BASE}partner/tate")),
        (view, CRM.P65_shows_visual_item, shown),
        (shown, CRM.P199_represents_instance_of_type, palace),
        (palace, RDFS.label, Literal("Hampton Court Palace")),
        (palace, SKOS.broader, london),
        (london, RDFS.label, Literal("UK London")),
        (london, SKOS.broader, places),
        (places, RDFS.label, Literal("places")),
    ]
    store.oxigraph.extend(_quads(triples))
    docs = {doc.iri: doc for doc in extract_objects(store)}
    assert sorted(docs[view.value].terms) == ["Hampton Court Palace", "UK London"]  # one up
    engine = FtsEngine()
    engine.build(store, tmp_path / "index.sqlite")
    result = engine.search(tmp_path / "index.sqlite", parse_facets([], text="london"))
    assert [hit.iri for hit in result.hits] == [view.value]
    engine.close()


def _docs(count: int) -> list[ObjectDoc]:
    return [
        ObjectDoc(iri=f"{BASE}o/{n:06d}", partner="Tate", title=f"river {n}", makers=[f"M{n % 5}"])
        for n in range(count)
    ]


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as db:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("docs", "nums", "facet_values", "doc_facets", "masks", "meta")
        }


def test_every_query_starts_from_the_objects_and_looks_the_rest_up() -> None:
    """A subquery (``{ SELECT ... }``) makes Oxigraph hash a whole predicate and hold it while
    the query runs: the build's peak memory then grows with the collection (418 MB against
    231 MB at 50,000 objects, ``bench/search_build.py``). Each query must instead start from
    the objects (their keeper, or what they say about their production, image or size) and
    reach the rest by index lookups."""
    for kind, sparql, _ in _QUERIES:
        where = sparql.split(" WHERE ", 1)[1]
        assert "SELECT" not in where.upper(), f"query {kind} holds a subquery"
        assert where.startswith("{ ?o <"), f"query {kind} does not start from objects"
    assert _QUERIES[0][1].split(" WHERE ", 1)[1].startswith(f"{{ {_OBJECTS}")


def test_what_no_partner_keeps_has_no_document(store: Store) -> None:
    """The queries of makers, dates, places, images and sizes do not ask for a keeper: a
    production, image or dimension of something that is not an object makes no document."""
    part = NamedNode(f"{BASE}object/b/part")  # no keeper: a part described in b's record
    store.oxigraph.extend(
        _quads(
            [
                (part, CRM.P108i_was_produced_by, NamedNode(f"{BASE}object/b/prod")),
                (part, CRM.P138i_has_representation, NamedNode(f"{BASE}object/b/img")),
                (part, CRM.P43_has_dimension, NamedNode(f"{BASE}object/b/dim/0")),
            ]
        )
    )
    assert [doc.iri for doc in extract_objects(store)] == [
        f"{BASE}object/a",
        f"{BASE}object/b",
    ]
    assert [doc.iri for doc in extract_objects(store, [part.value, f"{BASE}object/a"])] == [
        f"{BASE}object/a"
    ]


def test_a_stream_in_order_writes_what_a_list_does(tmp_path: Path) -> None:
    docs = _docs(2500)  # several chunks
    FtsEngine().write(list(reversed(docs)), tmp_path / "list.sqlite")  # a list is sorted
    FtsEngine().write(iter(docs), tmp_path / "stream.sqlite")
    assert _tables(tmp_path / "list.sqlite") == _tables(tmp_path / "stream.sqlite")
    with pytest.raises(StoreError, match="out of IRI order"):
        FtsEngine().write(iter(reversed(docs)), tmp_path / "unordered.sqlite")


_WRITER = """
import sys
from pathlib import Path
from search import FtsEngine
from sparql import i18n
from search.extract import ObjectDoc

def docs(count):
    for n in range(count):
        yield ObjectDoc(
            iri=f"https://data.example.org/o/{n:08d}", partner="Tate", source="tate",
            title=f"A river at dusk, number {n}", texts=["oil on canvas " * 20, f"N{n}"],
            makers=[f"Maker {n % 50}"], types=["paintings"], begin=1800 + n % 200,
            end=1810 + n % 200, longest_cm=float(n % 300),
        )

FtsEngine().write(docs(int(sys.argv[1])), Path(sys.argv[2]))
"""


def _peak_rss(count: int, target: Path) -> int:
    child = subprocess.Popen([sys.executable, "-c", _WRITER, str(count), str(target)])
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    assert child.returncode == 0
    return usage.ru_maxrss * 1024


def test_writing_ten_times_the_objects_does_not_hold_them(tmp_path: Path) -> None:
    small = _peak_rss(8_000, tmp_path / "small.sqlite")
    large = _peak_rss(80_000, tmp_path / "large.sqlite")
    # Held in a list (as before), the 72,000 more documents took about 150 MB more; streamed,
    # about 45 MB (SQLite's own work on the larger file).
    assert large < small + 100 * 2**20, (small, large)


def test_publish_indexes_the_store_it_copied_without_opening_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The publish step reads the writer's own store for the index: a second Oxigraph
    instance on the snapshot would hold caches of its own (about 100 MB at 100,000 records)."""
    import search.snapshot
    from publish import Workspace
    from search import parse_facets
    from search.snapshot import index_path

    opened: list[object] = []
    real = Store

    def spy(*args: object, **kwargs: object) -> Store:
        opened.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search.snapshot, "Store", spy)
    workspace = Workspace(tmp_path / "data")
    with workspace.lock():
        store = workspace.open_writer()
        try:
            _painting(store, "a", ["Zed Pupil"])
            snapshot = workspace.publish(store, BASE)
        finally:
            store.close()
    assert opened == []
    engine = FtsEngine()
    found = engine.search(index_path(snapshot), parse_facets([], text="misty"))
    assert [hit.iri for hit in found.hits] == [f"{BASE}object/a"]
    engine.close()


@pytest.mark.parametrize("sort", ["date", "-date"])
def test_the_date_orders_are_read_from_an_index(tmp_path: Path, sort: str) -> None:
    """Sorting by date scanned and sorted the whole docs table (0.18–0.26 s for the first
    page at a million objects): each order has an index matching its ORDER BY term for term,
    and the page is read from it, in the same order."""
    from search.fts import RANK_LIMIT, _date_page_sql, _date_source

    dates = [(1840, 1850), (None, 1842), (None, None), (-43, -43), (1840, 1845), (1900, None)]
    docs = [
        ObjectDoc(iri=f"{BASE}o/{n:06d}", title=f"river {n % 3}", begin=begin, end=end)
        for n, (begin, end) in enumerate(dates * 5)
    ]
    target = tmp_path / "index.sqlite"
    FtsEngine().write(docs, target)
    sql = _date_page_sql("docs d", sort)
    with closing(sqlite3.connect(target)) as db:
        plan = " | ".join(row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", [20, 0]))
        assert "TEMP B-TREE" not in plan, plan
        assert "USING INDEX docs_date" in plan, plan
        page = db.execute(sql, [40, 0]).fetchall()
        # a few matches are sorted on their own, not found along the whole index
        db.execute("CREATE TEMP TABLE m(id INTEGER PRIMARY KEY)")
        few = _date_page_sql(_date_source(0b1011), sort)
        plan = " | ".join(row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {few}", [20, 0]))
        assert plan.startswith("SCAN m"), plan
        assert "USING INDEX docs_date" not in plan, plan
        many = _date_source((1 << (RANK_LIMIT + 1)) - 1)
        plan = " | ".join(
            row[-1]
            for row in db.execute(f"EXPLAIN QUERY PLAN {_date_page_sql(many, sort)}", [20, 0])
        )
        assert "USING INDEX docs_date" in plan, plan
        db.execute("DROP INDEX docs_date")
        db.execute("DROP INDEX docs_date_desc")
        assert db.execute(sql, [40, 0]).fetchall() == page  # the order the table sorts to


def test_a_lenders_own_term_for_an_aat_concept_is_one_facet_value(
    store: Store, tmp_path: Path
) -> None:
    """The LWL's print is AAT's print and, as its own classification, "Druckgraphik" (a local
    term with a German label alone): the French search page listed "estampe" beside
    "Druckgraphik", one concept under two languages' words. A term Museion's AAT table reads
    as a concept it knows (a material in the technique table too: "eau-forte" is etching) is
    counted as that concept, whose label the page writes in its own language."""
    from search import parse_facets
    from sparql.search_page import _shown

    print_ = NamedNode("http://vocab.getty.edu/aat/300041273")
    etching = NamedNode("http://vocab.getty.edu/aat/300053241")
    local = NamedNode(f"{BASE}ddb/concept/classification/druckgraphik")
    own_etching = NamedNode(f"{BASE}fr/concept/material/eau-forte")
    unknown = NamedNode(f"{BASE}ddb/concept/object-type/suppenschalchen")
    one, two = NamedNode(f"{BASE}object/lwl"), NamedNode(f"{BASE}object/other")
    triples: list[tuple[NamedNode, object, NamedNode | Literal]] = [
        (print_, RDFS.label, Literal("prints (visual works)", language="en")),
        (print_, RDFS.label, Literal("estampe", language="fr")),
        (etching, RDFS.label, Literal("etching (printing process)", language="en")),
        (local, RDFS.label, Literal("Druckgraphik", language="de")),
        (own_etching, RDFS.label, Literal("eau-forte", language="fr")),
        (unknown, RDFS.label, Literal("Suppenschälchen", language="de")),
        (one, CRM.P2_has_type, print_),
        (one, CRM.P2_has_type, local),
        (one, CRM.P45_consists_of, etching),
        (two, CRM.P2_has_type, local),
        (two, CRM.P2_has_type, unknown),
        (two, CRM.P45_consists_of, own_etching),
    ]
    for o in (one, two):
        triples += [
            (o, RDF.type, _n(CRM.E22_Human_Made_Object)),
            (o, CRM.P50_has_current_keeper, NamedNode(f"{BASE}partner/tate")),
        ]
    store.oxigraph.extend(_quads(triples))
    docs = {doc.iri: doc for doc in extract_objects(store)}
    assert docs[one.value].types == ["prints (visual works)"]
    assert docs[two.value].types == ["prints (visual works)", "Suppenschälchen"]
    assert docs[one.value].materials == docs[two.value].materials == ["etching (printing process)"]
    assert "Druckgraphik" in docs[two.value].terms  # still found by the lender's own word
    engine = FtsEngine()
    engine.build(store, tmp_path / "index.sqlite")
    result = engine.search(tmp_path / "index.sqlite", parse_facets([], text="druckgraphik"))
    engine.close()
    assert result.facets["type"] == {"prints (visual works)": 2, "Suppenschälchen": 1}
    assert result.facets["material"] == {"etching (printing process)": 2}
    with i18n.using("fr"):
        assert [_shown("type", v) for v in result.facets["type"]] == [
            "estampe",
            "Suppenschälchen",
        ]
        assert _shown("material", "etching (printing process)") == "eau-forte"


@pytest.mark.parametrize(
    ("lang", "notes"),
    [
        ("fr", {"Suppenschälchen": "allemand", "soupière": None, "sur papier, œuvre unique": None}),
        ("en", {"Suppenschälchen": "German", "soupière": "French", "on paper, unique": None}),
        ("ar", {"Suppenschälchen": "الألمانية", "soupière": "الفرنسية", "على ورق، عمل فريد": None}),
    ],
)
def test_a_lenders_own_word_no_vocabulary_knows_is_its_own_value_in_its_own_language(
    store: Store, tmp_path: Path, lang: str, notes: dict[str, str | None]
) -> None:
    """``notes``: each type as the page shows it, and the language it is said to be in.

    The DSM's "Suppenschälchen" (a soup bowl: no vocabulary Museion maps to knows the word,
    and the record gives no English one) was listed among a French page's object types as if
    it were French, beside "estampe". It stays a value of its own, so that the lender's word
    still finds its objects, and the page says which language it is in (and marks it so
    for a screen reader's voice), unless it is the page's; an English term is not marked."""
    from starlette.requests import Request

    from search import parse_facets
    from sparql.search_page import render_page

    bowl = NamedNode(f"{BASE}ddb/concept/object-type/suppenschalchen")
    tureen = NamedNode(f"{BASE}musee/concept/object-type/soupiere")
    unique = NamedNode(f"{BASE}tate/concept/classification/on-paper-unique")
    triples: list[tuple[NamedNode, object, NamedNode | Literal]] = [
        (bowl, RDFS.label, Literal("Suppenschälchen", language="de")),
        (tureen, RDFS.label, Literal("soupière", language="fr")),
        (unique, RDFS.label, Literal("on paper, unique", language="en")),
    ]
    for name, kind in (("dsm", bowl), ("musee", tureen), ("tate", unique)):
        work = NamedNode(f"{BASE}object/{name}")
        triples += [
            (work, RDF.type, _n(CRM.E22_Human_Made_Object)),
            (work, CRM.P50_has_current_keeper, NamedNode(f"{BASE}partner/{name}")),
            (work, CRM.P2_has_type, kind),
        ]
    store.oxigraph.extend(_quads(triples))
    engine = FtsEngine()
    engine.build(store, tmp_path / "index.sqlite")
    request = parse_facets(["type=Suppenschälchen"], text="")
    result = engine.search(tmp_path / "index.sqlite", parse_facets([], text=""))
    chosen = engine.search(tmp_path / "index.sqlite", request)
    engine.close()
    assert result.languages["type"] == {"Suppenschälchen": "de", "soupière": "fr"}
    assert chosen.total == 1  # the word still finds its object
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/search",
        "query_string": f"lang={lang}".encode(),
        "headers": [],
        "server": ("127.0.0.1", 80),
        "scheme": "http",
    }
    with i18n.using(lang):
        page = lxml.html.fromstring(render_page(Request(scope), request, result, BASE))
    for value, note in notes.items():
        [facet] = [
            s
            for s in page.cssselect("aside span.v")
            if "".join(str(x) for x in s.itertext()).startswith(value)
        ]
        said = [s.text for s in facet.cssselect(".lang-note")]
        assert said == ([f"({note})"] if note else []), value
        tags = [s.get("lang") for s in facet.cssselect("[lang]")]
        assert tags == [t for t in [{"Suppenschälchen": "de", "soupière": "fr"}.get(value)] if t]


def test_the_spellings_left_out_are_ones_the_words_table_never_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build keeps how the records write a word only for words ``words`` may hold (no
    digit, not too short): accession numbers were each a spelling held to the end of the build.
    Kept for every word, the index is the same."""
    from search import fts_build

    docs = [
        ObjectDoc(
            iri=f"{BASE}o/{n:03d}",
            partner="Tate",
            title=f"Ölstudie Dürer Nr {n} Ab ABC AB12 ابن الرسم",
            accession=[f"T{n:05d}"],
            texts=[f"T{n:05d}", "Müller ÉTUDE Ça", "X1Y Zeichnung"],
            terms=["Öl", "ÖL auf LEINWAND"],
        )
        for n in range(30)
    ]
    FtsEngine().write(docs, tmp_path / "kept.sqlite")
    insert = fts_build._insert

    def keeping_every_spelling(db: sqlite3.Connection, docs: list[ObjectDoc]) -> int:
        with monkeypatch.context() as patched:  # not for the words table's own filter
            patched.setattr(fts_build, "_suggestible", lambda term: True)
            return insert(db, docs)

    monkeypatch.setattr(fts_build, "_insert", keeping_every_spelling)
    FtsEngine().write(docs, tmp_path / "all.sqlite")
    read = "SELECT term, docs, spelled FROM words ORDER BY term"
    with (
        closing(sqlite3.connect(tmp_path / "kept.sqlite")) as kept,
        closing(sqlite3.connect(tmp_path / "all.sqlite")) as every,
    ):
        rows = kept.execute(read).fetchall()
        assert rows == every.execute(read).fetchall()
    assert ("durer", 30, "Dürer") in rows
    assert ("abc", 30, "ABC") in rows


def test_the_words_table_and_the_spellings_kept_follow_one_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which words the ``words`` table holds, and whose spellings the build keeps, is one
    function (``_suggestible``): its SQL filter was written again beside it, and the two could
    drift apart (a word in the table with no spelling kept, shown as folded)."""
    from search import fts_build

    docs = [
        ObjectDoc(
            iri=f"{BASE}o/{n:03d}",
            partner="Tate",
            title=f"Ölstudie Dürer Nr {n} Ab ABC AB12",
            texts=["Müller ÉTUDE Ça Zeichnungen"],
        )
        for n in range(3)
    ]
    monkeypatch.setattr(fts_build, "_suggestible", lambda term: len(term) >= 6)
    FtsEngine().write(docs, tmp_path / "index.sqlite")
    with closing(sqlite3.connect(tmp_path / "index.sqlite")) as db:
        rows = db.execute("SELECT term, spelled FROM words ORDER BY term").fetchall()
    terms = {term for term, _ in rows}
    assert {"olstudie", "zeichnungen", "duerer"} <= terms  # "duerer": a form, not a spelling
    assert not {"durer", "etude", "abc"} & terms  # under six letters: the rule as patched
    assert ("zeichnungen", "Zeichnungen") in rows
    assert ("olstudie", "Ölstudie") in rows
