"""A publish reuses the search documents of the records a re-harvest did not touch
(``search.reuse``, ``publish.search_basis``), and its index is the one a full build makes."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from itertools import pairwise
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, serialize

from museion import Pipeline, Workspace, load_config
from museion.config import Config
from museion_core.vocab import CRM, LA, MUSEION, RDF, RDFS
from publish import RecordIndex, search_basis
from publish.index import IndexedRecord, IndexEntry
from publish.shared import Shared, pack, split
from reconcile import reconciliation_graph
from search import (
    Basis,
    FtsEngine,
    Searcher,
    SearchRequest,
    build_snapshot_index,
    docs_path,
    index_path,
    reuse,
)
from search.extract import extract_objects
from search.reuse import decode
from store import Store
from tests.conftest import BASE, ConfigWriter, files_source
from tests.helpers.samples import sample_feeds

INDEX_TABLES = ("docs", "nums", "facet_values", "doc_facets", "meta")
FTS_TABLES = ("fts_data", "fts_idx", "fts_docsize")


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    copy = tmp_path / "feed"
    shutil.copytree(sample_feeds() / "cmoa", copy)
    return copy


@pytest.fixture
def config(write_config: ConfigWriter, feed: Path) -> Config:
    return load_config(write_config(files_source("cmoa", feed, "cmoa", label="CMOA")))


def files(feed: Path) -> list[Path]:
    return sorted(feed.glob("*.json"))


def edit(path: Path, **changes: object) -> None:
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


def current(config: Config) -> Path:
    snapshot = Workspace(config.data_dir).published_path()
    assert snapshot is not None
    return snapshot


def kept(config: Config) -> dict[str, str]:
    """What the current snapshot's kept documents say of their build."""
    with closing(sqlite3.connect(docs_path(current(config)))) as db:
        found = db.execute("SELECT key, value FROM meta WHERE key NOT IN ('context', 'extraction')")
        return dict(found.fetchall())


def assert_same_as_a_full_build(config: Config, tmp_path: Path) -> None:
    """Every table of the published index, the full-text index's included, is what building
    it from scratch out of the same snapshot gives."""
    snapshot = current(config)
    full = tmp_path / "full.search.sqlite"
    store = Store(snapshot, read_only=True)
    try:
        FtsEngine().build(store, full, BASE)
    finally:
        store.close()
    with (
        closing(sqlite3.connect(index_path(snapshot))) as built,
        closing(sqlite3.connect(full)) as fresh,
    ):
        for table in INDEX_TABLES + FTS_TABLES:
            query = f"SELECT * FROM {table} ORDER BY 1, 2"
            assert built.execute(query).fetchall() == fresh.execute(query).fetchall(), table


def titles_found(config: Config, text: str) -> list[str]:
    with Searcher(config.data_dir / "published") as searcher:
        return [hit.title for hit in searcher.search(SearchRequest(text=text)).hits]


def test_a_reharvest_extracts_only_what_it_touched(
    config: Config, feed: Path, tmp_path: Path
) -> None:
    Pipeline(config).harvest()
    assert kept(config) == {"touched": "all", "extracted": "24", "reused": "0"}
    edit(files(feed)[0], title="Quillwork Lantern")
    edit(files(feed)[1], medium="oil on panel")
    Pipeline(config).harvest()
    assert kept(config) == {"touched": "2", "extracted": "2", "reused": "22"}
    assert titles_found(config, "quillwork") == ["Quillwork Lantern"]
    assert_same_as_a_full_build(config, tmp_path)
    published = current(config)
    Pipeline(config).harvest()  # nothing changed: nothing published
    assert current(config) == published
    Pipeline(config).reconcile()  # a publish of the same records: nothing to extract
    assert current(config) != published
    assert kept(config) == {"touched": "0", "extracted": "0", "reused": "24"}
    assert_same_as_a_full_build(config, tmp_path)


def test_more_than_a_tenth_of_the_records_touched_extracts_every_document(
    config: Config, feed: Path, tmp_path: Path
) -> None:
    """Three records of 24 changed: the checks would cost more than reading every document."""
    Pipeline(config).harvest()
    for path in files(feed)[:3]:
        edit(path, title=f"Quillwork {path.stem}")
    Pipeline(config).harvest()
    assert kept(config) == {"touched": "all", "extracted": "24", "reused": "0"}
    assert_same_as_a_full_build(config, tmp_path)


@pytest.mark.parametrize(
    ("record", "found"),
    [
        (17, {"touched": "all", "extracted": "24", "reused": "0"}),
        (0, {"touched": "1", "extracted": "1", "reused": "23"}),
    ],
)
def test_a_renamed_artist_extracts_the_documents_that_read_the_name(
    config: Config, feed: Path, tmp_path: Path, record: int, found: dict[str, str]
) -> None:
    """A creator's name is a shared line: when another object is by the same artist (the
    sample's 17th and 20th records), its document reads it too and every document is made
    again; when the artist made only this object (the first record), only its own is."""
    Pipeline(config).harvest()
    path = files(feed)[record]
    creators = json.loads(path.read_text())["creator"]
    edit(path, creator=[{**creators[0], "full_name": "Quillon Marchetti"}, *creators[1:]])
    Pipeline(config).harvest()
    assert kept(config) == found
    assert titles_found(config, "marchetti")
    assert_same_as_a_full_build(config, tmp_path)


def test_a_withdrawn_record_leaves_the_index(config: Config, feed: Path, tmp_path: Path) -> None:
    Pipeline(config).harvest()
    files(feed)[0].unlink()
    Pipeline(config).harvest()
    assert int(kept(config)["extracted"]) + int(kept(config)["reused"]) == 23
    assert_same_as_a_full_build(config, tmp_path)


@pytest.mark.parametrize("artist", ["known", "new"])
def test_a_record_added_and_withdrawn_again_is_all_that_is_extracted(
    config: Config, feed: Path, tmp_path: Path, artist: str
) -> None:
    """A partner's new record by an artist it already lends, or by one nobody else names
    (reconciliation makes an aggregate for the artist; the artist's names are nodes of its
    own), in a medium already named, adds nothing other documents read; withdrawing it takes
    only its own document."""
    Pipeline(config).harvest()
    record = json.loads(files(feed)[3].read_text())
    if artist == "new":
        creator = {**record["creator"][0], "artist_id": "cmoa:q", "full_name": "Quillon Marchetti"}
        record["creator"] = [creator]
    copy = feed / "copy.json"
    copy.write_text(json.dumps({**record, "id": "cmoa:copy-1"}))
    Pipeline(config).harvest()
    assert kept(config) == {"touched": "1", "extracted": "1", "reused": "24"}
    assert_same_as_a_full_build(config, tmp_path)
    copy.unlink()
    Pipeline(config).harvest()
    assert kept(config) == {"touched": "1", "extracted": "0", "reused": "24"}
    assert_same_as_a_full_build(config, tmp_path)


def test_a_sparql_update_makes_the_next_publish_extract_everything(
    config: Config, feed: Path, tmp_path: Path
) -> None:
    """The record index does not see what an update changes, so its documents are not reused;
    nor if the update's publish never happened (the process died between the two)."""
    Pipeline(config).harvest()
    workspace = Workspace(config.data_dir)
    store = Store(current(config), read_only=True)
    try:
        [graph] = [
            row["g"]
            for row in store.select(
                "SELECT ?g WHERE { GRAPH ?g { ?o <http://www.cidoc-crm.org/cidoc-crm/"
                "P50_has_current_keeper> ?k } } ORDER BY ?g LIMIT 1"
            )
        ]
    finally:
        store.close()
    update = f'INSERT DATA {{ GRAPH <{graph}> {{ <{graph}#note> <{BASE}note> "quillwork" }} }}'

    def change_and_die(store: Store) -> None:
        store.update_named_graphs(update)
        raise OSError("the process died before publishing")

    with pytest.raises(OSError, match="died"):
        workspace.update(change_and_die, BASE, wait=1)
    edit(files(feed)[0], title="Quillwork Lantern")
    Pipeline(config).harvest()
    assert kept(config)["touched"] == "all"
    assert_same_as_a_full_build(config, tmp_path)


def test_documents_of_some_objects_are_those_of_a_full_extraction(config: Config) -> None:
    Pipeline(config).harvest()
    store = Store(current(config), read_only=True)
    try:
        every = list(extract_objects(store))
        some = [every[3].iri, every[17].iri, f"{BASE}not-an-object", every[0].iri]
        assert list(extract_objects(store, some)) == [every[0], every[3], every[17]]
    finally:
        store.close()


def test_the_context_covers_records_of_other_kinds_not_objects(config: Config) -> None:
    """An object record written again, its shared lines changed or not, changes only its
    token (``search.reuse`` compares its lines itself); another kind of record written again,
    or with other shared lines, changes the context."""
    Pipeline(config).harvest()
    workspace = Workspace(config.data_dir)

    def basis() -> tuple[str, list[tuple[str, str, str]]]:
        store, index = workspace.open_writer(), RecordIndex(workspace.index_path)
        try:
            found = search_basis(store, index, BASE, aggregates=[reconciliation_graph(BASE)])
            return found.context, sorted(found.records())
        finally:
            index.close()
            store.close()

    def change(sql: str) -> None:
        with closing(sqlite3.connect(workspace.index_path)) as db:
            db.execute(sql + " WHERE local_id = (SELECT min(local_id) FROM records)")
            db.commit()

    context, records = basis()
    assert len(records) == 24
    change("UPDATE records SET last_run = 'another run'")
    assert basis()[0] == context
    assert basis()[1] != records
    change("UPDATE records SET entities = 'another signature'")
    assert basis()[0] == context
    change("UPDATE records SET kind = 'person'")
    assert basis()[0] != context
    context, records = basis()
    assert len(records) == 23
    change("UPDATE records SET last_run = 'yet another run'")
    assert basis()[0] != context
    context = basis()[0]
    change("UPDATE records SET entities = 'yet another signature'")
    assert basis()[0] != context


EX = "https://ex.org/"
KEEPER, PLACE = NamedNode(f"{EX}partner"), NamedNode(f"{EX}place/1")
FIRST, SECOND = NamedNode(f"{EX}obj/1"), NamedNode(f"{EX}obj/2")


Graphs = dict[NamedNode, list[Quad]]
Line = tuple[NamedNode, NamedNode, NamedNode | Literal]
Lines = tuple[Line, ...]
AGGREGATES = NamedNode(f"{EX}graph/aggregates")


def _object(graph: str, iri: NamedNode, title: str, *more: Line) -> Graphs:
    g = NamedNode(f"{EX}graph/{graph}")
    quads = [
        Quad(iri, CRM.P50_has_current_keeper, KEEPER, g),
        Quad(iri, RDFS.label, Literal(title), g),
    ]
    return {g: quads + [Quad(s, p, o, g) for s, p, o in more]}


def _graphs(*, place: str = "Lutetia", second: str = "Second", third: bool = True) -> Graphs:
    """Ten objects; the first made at a place that has a record of its own, after the second."""
    production = NamedNode(f"{FIRST.value}/production")
    graphs: Graphs = {}
    for i in range(3, 10):
        if i != 3 or third:
            graphs |= _object(f"x{i}", NamedNode(f"{EX}obj/{i}"), f"Object {i}")
    graphs |= _object(
        "obj1",
        FIRST,
        "First",
        (FIRST, CRM.P108i_was_produced_by, production),
        (production, CRM.P7_took_place_at, PLACE),
        (production, CRM.P15_was_influenced_by, SECOND),
    )
    graphs |= _object("obj2", SECOND, second)
    place_graph = NamedNode(f"{EX}graph/place1")
    graphs[place_graph] = [Quad(PLACE, RDFS.label, Literal(place), place_graph)]
    return graphs


class Snapshots:
    """A working store, snapshotted and indexed with a basis as a publish does."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.store, self.published = folder, Store(folder / "working"), 0
        self.tokens: dict[str, str] = {}

    def publish(
        self, graphs: Graphs, changed: frozenset[str] = frozenset(), aggregates: Lines = ()
    ) -> dict[str, str]:
        """Write ``graphs`` (the ``changed`` ones with a new token) and the ``aggregates``
        graph (``AGGREGATES``, not a record's), snapshot, index; what the kept documents say
        of their build. The kept documents must be those a full extraction of the snapshot
        gives."""
        self.store.replace_graphs(graphs)
        self.store.remove_graphs([AGGREGATES])
        self.store.replace_graphs({AGGREGATES: [Quad(*line, AGGREGATES) for line in aggregates]})
        for graph in graphs:
            version = self.tokens.get(graph.value, "0")
            self.tokens[graph.value] = str(int(version) + 1) if graph.value in changed else version
        for gone in set(self.tokens) - {g.value for g in graphs}:
            self.store.remove_graphs([NamedNode(gone)])
            del self.tokens[gone]
        previous = self.folder / str(self.published) if self.published else None
        self.published += 1
        snapshot = self.folder / str(self.published)
        self.store.flush()
        self.store.backup(snapshot)
        subjects = {g.value: str(quads[0].subject) for g, quads in graphs.items()}
        records = sorted((g, subjects[g][1:-1], t) for g, t in self.tokens.items())
        build_snapshot_index(
            snapshot,
            EX,
            source=self.store,
            basis=Basis("same", lambda: records, aggregates=(AGGREGATES.value,)),
            previous=previous,
        )
        with closing(sqlite3.connect(docs_path(snapshot))) as db:
            kept = [decode(blob) for (blob,) in db.execute("SELECT doc FROM docs ORDER BY iri")]
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key = 'touched'"))
            meta |= dict(
                db.execute("SELECT key, value FROM meta WHERE key IN ('extracted', 'reused')")
            )
        assert kept == list(extract_objects(self.store))
        return meta


@pytest.fixture
def snapshots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Snapshots]:
    """Ten records: one of them is a tenth, past which a real network rebuilds everything."""
    monkeypatch.setattr(reuse, "REUSE_LIMIT", 0.3)
    made = Snapshots(tmp_path)
    yield made
    made.store.close()


def test_a_change_to_an_objects_own_lines_is_extracted_alone(snapshots: Snapshots) -> None:
    assert snapshots.publish(_graphs())["touched"] == "all"
    graphs = _graphs() | _object("x5", NamedNode(f"{EX}obj/5"), "Object 5, retitled")
    changed = snapshots.publish(graphs, frozenset({f"{EX}graph/x5"}))
    assert changed == {"touched": "1", "extracted": "1", "reused": "8"}


def test_an_object_that_stops_being_one_leaves_the_index(snapshots: Snapshots) -> None:
    """Its graph stays and says no keeper: the object at home there before is extracted
    again, found to be no object, and its kept document goes."""
    snapshots.publish(_graphs())
    graphs = _graphs() | {
        NamedNode(f"{EX}graph/x3"): [
            Quad(
                NamedNode(f"{EX}obj/3"), RDFS.label, Literal("Object 3"), NamedNode(f"{EX}graph/x3")
            )
        ]
    }
    assert snapshots.publish(graphs, frozenset({f"{EX}graph/x3"})) == {
        "touched": "1",
        "extracted": "0",
        "reused": "8",
    }


def test_a_record_other_objects_read_is_never_reused_around(snapshots: Snapshots) -> None:
    """A place's record is an object record to the index (the mapping's default kind) but holds
    no object; an object another points at is read by the other's document too. Either way
    every document is extracted again."""
    snapshots.publish(_graphs())
    assert (
        snapshots.publish(_graphs(place="Paris"), frozenset({f"{EX}graph/place1"}))["touched"]
        == "all"
    )
    assert (
        snapshots.publish(_graphs(place="Paris", second="Seconde"), frozenset({f"{EX}graph/obj2"}))[
            "touched"
        ]
        == "all"
    )


def _made_at(graph: str, number: int, place: NamedNode, *lines: Line) -> Graphs:
    """A new object made at ``place``, with more ``lines`` in its graph."""
    iri = NamedNode(f"{EX}obj/{number}")
    production = NamedNode(f"{iri.value}/production")
    return _object(
        graph,
        iri,
        f"Object {number}",
        (iri, CRM.P108i_was_produced_by, production),
        (production, CRM.P7_took_place_at, place),
        *lines,
    )


def test_an_added_record_saying_what_others_say_is_extracted_alone(snapshots: Snapshots) -> None:
    """Its lines about the place repeat what the place's record says: the merge the documents
    read does not change beyond its own lines."""
    snapshots.publish(_graphs())
    added = _graphs() | _made_at("x10", 10, PLACE, (PLACE, RDFS.label, Literal("Lutetia")))
    assert snapshots.publish(added) == {"touched": "1", "extracted": "1", "reused": "9"}


def test_an_added_record_with_a_place_nobody_else_names_is_extracted_alone(
    snapshots: Snapshots,
) -> None:
    """A new place and its label appear in the merge, but only the new object points at it."""
    snapshots.publish(_graphs())
    novel = NamedNode(f"{EX}place/novel")
    added = _graphs() | _made_at("x10", 10, novel, (novel, RDFS.label, Literal("Aquincum")))
    assert snapshots.publish(added) == {"touched": "1", "extracted": "1", "reused": "9"}
    assert snapshots.publish(_graphs()) == {"touched": "1", "extracted": "0", "reused": "9"}


def test_an_added_record_that_adds_to_what_others_read_extracts_every_document(
    snapshots: Snapshots,
) -> None:
    """A second name for a place an untouched object was made at, or a line about another
    record's object, changes those objects' documents."""
    snapshots.publish(_graphs())
    alias = _made_at("x10", 10, PLACE, (PLACE, RDFS.label, Literal("Paris")))
    assert snapshots.publish(_graphs() | alias)["touched"] == "all"
    assert snapshots.publish(_graphs())["touched"] == "all"  # and withdrawing it again
    fifth = NamedNode(f"{EX}obj/5")  # nothing points at it: its own document reads the line
    about = _object("x11", NamedNode(f"{EX}obj/11"), "Object 11", (fifth, RDFS.label, Literal("V")))
    assert snapshots.publish(_graphs() | about)["touched"] == "all"


def test_a_withdrawn_record_whose_lines_others_still_say_is_removed_alone(
    snapshots: Snapshots,
) -> None:
    snapshots.publish(_graphs())
    assert snapshots.publish(_graphs(third=False)) == {
        "touched": "1",
        "extracted": "0",
        "reused": "8",
    }


def _aggregate(number: int, label: str, *members: NamedNode) -> Lines:
    iri = NamedNode(f"{EX}aggregate/{number}")
    return (
        (iri, RDF.type, MUSEION.Aggregate),
        (iri, RDFS.label, Literal(label)),
        *((iri, LA.equivalent, member) for member in members),
    )


def test_an_aggregate_only_a_new_record_reads_is_extracted_with_it(snapshots: Snapshots) -> None:
    """Reconciliation makes an aggregate for a new record's new place: only the new object
    reads it."""
    lutetia = _aggregate(1, "Lutetia Parisiorum", PLACE)
    snapshots.publish(_graphs(), aggregates=lutetia)
    novel = NamedNode(f"{EX}place/novel")
    added = _graphs() | _made_at("x10", 10, novel, (novel, RDFS.label, Literal("Aquincum")))
    aquincum = _aggregate(2, "Aquincum", novel)
    found = snapshots.publish(added, aggregates=lutetia + aquincum)
    assert found == {"touched": "1", "extracted": "1", "reused": "9"}


@pytest.mark.parametrize("change", ["a member", "a label"])
def test_an_aggregate_untouched_objects_read_extracts_every_document(
    snapshots: Snapshots, change: str
) -> None:
    """An aggregate of the place the first object was made at gains the new record's place
    as a member (the first object's document reads its members' names), or a new label
    with no record touched at all (reconciliation run again)."""
    snapshots.publish(_graphs(), aggregates=_aggregate(1, "Lutetia Parisiorum", PLACE))
    if change == "a member":
        novel = NamedNode(f"{EX}place/novel")
        graphs = _graphs() | _made_at("x10", 10, novel, (novel, RDFS.label, Literal("Parisii")))
        aggregate = _aggregate(1, "Lutetia Parisiorum", PLACE, novel)
    else:
        graphs, aggregate = _graphs(), _aggregate(1, "Paris", PLACE)
    assert snapshots.publish(graphs, aggregates=aggregate)["touched"] == "all"


def test_a_new_name_for_a_member_of_an_aggregate_others_read_extracts_every_document(
    snapshots: Snapshots,
) -> None:
    """The first object is by an artist whose aggregate also stands for the new record's
    artist: the first object's document reads every name of the aggregate's members, so a
    second name the new record gives its own artist reaches it."""
    first, other = NamedNode(f"{EX}person/1"), NamedNode(f"{EX}person/2")
    obj1, production = NamedNode(f"{EX}graph/obj1"), NamedNode(f"{FIRST.value}/production")
    ten, made = NamedNode(f"{EX}obj/10"), NamedNode(f"{EX}obj/10/production")

    def graphs(name: str) -> Graphs:
        found = _graphs()
        found[obj1] = [*found[obj1], Quad(production, CRM.P14_carried_out_by, first, obj1)]
        by = ((ten, CRM.P108i_was_produced_by, made), (made, CRM.P14_carried_out_by, other))
        return found | _object("x10", ten, "Object 10", *by, (other, RDFS.label, Literal(name)))

    artists = _aggregate(1, "Anonymous", first, other)
    snapshots.publish(graphs("Anon"), aggregates=artists)
    changed = frozenset({f"{EX}graph/x10"})
    assert snapshots.publish(graphs("Maître anonyme"), changed, artists)["touched"] == "all"


def test_a_line_about_an_aggregate_others_read_extracts_every_document(
    snapshots: Snapshots,
) -> None:
    """Documents read an aggregate from its members, against the direction of its links:
    a label a new record gives the aggregate of the place the first object was made at
    reaches the first object's document, though nothing points at the aggregate."""
    lutetia = _aggregate(1, "Lutetia Parisiorum", PLACE)
    snapshots.publish(_graphs(), aggregates=lutetia)
    novel, aggregate = NamedNode(f"{EX}place/novel"), NamedNode(f"{EX}aggregate/1")
    added = _graphs() | _made_at("x10", 10, novel, (aggregate, RDFS.label, Literal("Paris")))
    assert snapshots.publish(added, aggregates=lutetia)["touched"] == "all"


def test_a_member_a_record_gives_an_aggregate_others_read_extracts_every_document(
    snapshots: Snapshots,
) -> None:
    """The first object's maker's aggregate gains the new record's artist as a member: the
    first object's document reads every member's names."""
    first, other = NamedNode(f"{EX}person/1"), NamedNode(f"{EX}person/new")
    obj1, production = NamedNode(f"{EX}graph/obj1"), NamedNode(f"{FIRST.value}/production")
    ten, made = NamedNode(f"{EX}obj/10"), NamedNode(f"{EX}obj/10/production")
    found = _graphs()
    found[obj1] = [*found[obj1], Quad(production, CRM.P14_carried_out_by, first, obj1)]
    artists = _aggregate(1, "Anonymous", first)
    snapshots.publish(found, aggregates=artists)
    by = ((ten, CRM.P108i_was_produced_by, made), (made, CRM.P14_carried_out_by, other))
    member = (NamedNode(f"{EX}aggregate/1"), LA.equivalent, other)
    named = (other, RDFS.label, Literal("Zedekiah"))
    added = found | _object("x10", ten, "Object 10", *by, named, member)
    assert snapshots.publish(added, aggregates=artists)["touched"] == "all"


def test_a_record_that_makes_an_aggregate_of_its_own_extracts_every_document(
    snapshots: Snapshots,
) -> None:
    """Only reconciliation says what is an aggregate; a record that does so (here, of the
    place the first object was made at) is not reused around."""
    snapshots.publish(_graphs())
    own = NamedNode(f"{EX}obj/10/aggregate")
    novel = NamedNode(f"{EX}place/novel")
    lines = ((own, RDF.type, MUSEION.Aggregate), (own, LA.equivalent, PLACE))
    added = _graphs() | _made_at("x10", 10, novel, *lines, (own, RDFS.label, Literal("Fake")))
    assert snapshots.publish(added)["touched"] == "all"


def test_a_long_chain_of_pointers_extracts_every_document(snapshots: Snapshots) -> None:
    """Places within places, hundreds deep, in an untouched record: a new label for the
    innermost is not followed out to its end (Python's stack), and every document is read."""
    x4 = NamedNode(f"{EX}graph/x4")
    places = [NamedNode(f"{EX}place/chain/{i}") for i in range(700)]
    within = [Quad(inner, CRM.P89_falls_within, outer, x4) for outer, inner in pairwise(places)]
    found = _graphs()
    found[x4] = [*found[x4], *within]
    snapshots.publish(found)
    added = found | _made_at("x10", 10, places[0], (places[0], RDFS.label, Literal("Inner")))
    assert snapshots.publish(added)["touched"] == "all"


def test_documents_an_earlier_version_kept_are_not_reused(config: Config, feed: Path) -> None:
    Pipeline(config).harvest()
    with closing(sqlite3.connect(docs_path(current(config)))) as db:
        db.execute("UPDATE meta SET value = 'an earlier extraction' WHERE key = 'extraction'")
        db.commit()
    edit(files(feed)[0], title="Quillwork Lantern")
    Pipeline(config).harvest()
    assert kept(config)["touched"] == "all"


def test_a_node_of_a_record_that_is_an_object_elsewhere_is_extracted_again(
    snapshots: Snapshots,
) -> None:
    """A part minted under an object is an object itself, its keeper stated in another graph:
    a change to its label in its record's graph reaches its document."""
    part = NamedNode(f"{EX}obj/5/part")
    x4, x5 = NamedNode(f"{EX}graph/x4"), NamedNode(f"{EX}graph/x5")

    def graphs(label: str) -> Graphs:
        found = _graphs()
        found[x5] = [*found[x5], Quad(part, RDFS.label, Literal(label), x5)]
        found[x4] = [*found[x4], Quad(part, CRM.P50_has_current_keeper, KEEPER, x4)]
        return found

    snapshots.publish(graphs("Part A"))
    assert snapshots.publish(graphs("Part B"), frozenset({x5.value})) == {
        "touched": "1",
        "extracted": "2",
        "reused": "8",
    }


def test_a_statement_about_a_records_nodes_in_another_graph_is_not_reused_around(
    snapshots: Snapshots,
) -> None:
    """Another record's graph says where a node minted under an object was made: its own
    object's document reads that place's label, so it is not reused around."""
    fourth, made, at = (NamedNode(f"{EX}obj/{x}") for x in ("4", "5/x", "5/y"))
    x4, x5 = NamedNode(f"{EX}graph/x4"), NamedNode(f"{EX}graph/x5")

    def graphs(label: str) -> Graphs:
        found = _graphs()
        found[x5] = [*found[x5], Quad(at, RDFS.label, Literal(label), x5)]
        found[x4] = [
            *found[x4],
            Quad(fourth, CRM.P108i_was_produced_by, made, x4),
            Quad(made, CRM.P7_took_place_at, at, x4),
        ]
        return found

    snapshots.publish(graphs("Ypres"))
    assert snapshots.publish(graphs("Yser"), frozenset({x5.value}))["touched"] == "all"


@pytest.mark.parametrize("damage", ["file", "document"])
def test_damaged_kept_documents_are_built_afresh(config: Config, feed: Path, damage: str) -> None:
    """A kept file that is not a database, or a document in it that cannot be read back,
    makes the next publish build from scratch; it never fails the harvest."""
    Pipeline(config).harvest()
    kept_at = docs_path(current(config))
    if damage == "file":
        kept_at.write_bytes(b"not a database" * 1000)
    else:
        with closing(sqlite3.connect(kept_at)) as db:
            db.execute("UPDATE docs SET doc = x'00ff'")  # not zlib
            db.commit()
    edit(files(feed)[0], title="Quillwork Lantern")
    Pipeline(config).harvest()
    assert kept(config)["touched"] == "all"
    assert titles_found(config, "quillwork") == ["Quillwork Lantern"]


def test_an_entity_graph_the_run_emptied_is_compared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What records share is held in entity graphs, compared line by line with the snapshot
    before; those of the sources and the global one, and those the index counts statements
    in. A place under the base but under no source (``{base}partner/...``) has an entity
    graph of its own: when the last record that named it stopped, the graph was counted in
    no more and not compared, and an untouched object made there kept its document with the
    name that had gone. The index now remembers every entity graph a change wrote, until a
    publish has compared it (``test_the_entity_graphs_a_run_wrote_are_forgotten_...``)."""
    monkeypatch.setattr(reuse, "REUSE_LIMIT", 0.3)
    place = NamedNode(f"{BASE}partner/place/1")
    entities = NamedNode(f"{BASE}graph/entities/partner")
    index, store = RecordIndex(tmp_path / "records.sqlite"), Store(tmp_path / "working")
    shared = Shared(index.db, BASE)
    snapshots: list[Path] = []

    def lines(n: int, *, named: bool) -> list[Line]:
        """Object ``n``; the first two made at the place, the first naming it (``named``)."""
        obj = NamedNode(f"{BASE}src/object/r{n}")
        made = NamedNode(f"{obj.value}/production")
        found: list[Line] = [
            (obj, CRM.P50_has_current_keeper, KEEPER),
            (obj, RDFS.label, Literal(f"Object {n}")),
        ]
        if n in (1, 2):
            found += [(obj, CRM.P108i_was_produced_by, made), (made, CRM.P7_took_place_at, place)]
        if n == 1 and named:
            found.append((place, RDFS.label, Literal("Lutetia")))
        return found

    def publish(version: int, numbers: Iterable[int], *, named: bool) -> dict[str, str]:
        """Write records ``numbers`` as a run does (their shared lines to the entity graphs,
        counted in the index), snapshot, index; what the kept documents say of their build,
        which must be those a full extraction gives."""
        for n in numbers:
            graph, subject = f"{BASE}src/record/r{n}", f"{BASE}src/object/r{n}"
            quads = [Quad(*line, NamedNode(graph)) for line in lines(n, named=named)]
            parts = split(serialize(quads, format=RdfFormat.N_QUADS) or b"", graph, subject, BASE)
            store.replace_serialized_graphs({NamedNode(graph): parts.own})
            change = shared.change("src", {f"r{n}": parts.shared}, [subject])
            shared.write(store, change)
            row = IndexedRecord(
                "src",
                f"r{n}",
                graph,
                subject,
                "object",
                f"v{version}",
                "m",
                "application/json",
                None,
                None,
                None,
                0,
                "2026-01-01",
                "2026-01-01",
                f"run{version}",
                None,
            )
            index.upsert([IndexEntry(row, b"", statements=pack(change.records[f"r{n}"]))], change)
        store.flush()
        snapshots.append(tmp_path / f"snapshot{version}")
        store.backup(snapshots[-1])
        build_snapshot_index(
            snapshots[-1],
            BASE,
            source=store,
            basis=search_basis(store, index, BASE),
            previous=snapshots[-2] if len(snapshots) > 1 else None,
        )
        with closing(sqlite3.connect(docs_path(snapshots[-1]))) as db:
            docs = [decode(blob) for (blob,) in db.execute("SELECT doc FROM docs ORDER BY iri")]
            meta = dict(
                db.execute("SELECT key, value FROM meta WHERE key NOT IN ('context', 'extraction')")
            )
        assert docs == list(extract_objects(store))
        return meta

    try:
        publish(1, range(1, 11), named=True)
        assert {q.object for q in store.graph_quads(entities)} == {Literal("Lutetia")}
        assert publish(2, [1], named=False)["touched"] == "all"  # the second object read it
        assert not list(store.graph_quads(entities))
    finally:
        store.close()
        index.close()


def _turtle(numbers: range, places: dict[int, int], named: int | None = None) -> str:
    """Partner objects ``numbers`` in Turtle, object N made at ``{base}site-{places[N]}/...``
    (an IRI under the base and under no source), and that place named if it is ``named``."""
    crm = "http://www.cidoc-crm.org/cidoc-crm/"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    lines = []
    for n in numbers:
        obj = f"<https://partner.example.org/object/{n}>"
        lines.append(f'{obj} a <{crm}E22_Human-Made_Object> ; {label} "Object {n}"@en ;')
        lines.append(f"    <{crm}P50_has_current_keeper> <https://partner.example.org/group> .")
        if n in places:
            made = f"<https://partner.example.org/object/{n}/production>"
            lines.append(f"{obj} <{crm}P108i_was_produced_by> {made} .")
            lines.append(f"{made} <{crm}P7_took_place_at> <{BASE}site-{places[n]}/place/1> .")
    if named is not None:
        lines.append(f'<{BASE}site-{named}/place/1> {label} "Site {named}"@en .')
    return "\n".join(lines) + "\n"


def test_the_entity_graphs_a_run_wrote_are_forgotten_once_published(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """The record index remembered every entity graph a change ever wrote, for the search
    documents' reuse to compare with the snapshot before, and never forgot one: a record
    naming a place under the base but under no source (``{base}site-N/...``) added a graph
    for every such name it ever gave, compared at every publish. A publish now forgets them
    once its documents are built; a graph the run emptied is still compared by the publish
    that follows the run, and the documents are those of a full build at every publish.

    One partner's object names a place another partner's object was made at (each record
    of an RDF dump carries what its dump says of the nodes it reaches)."""
    feeds = {name: tmp_path / name for name in ("lender", "other")}
    sources = []
    for name, feed in feeds.items():
        feed.mkdir()
        sources.append(
            f'name = "{name}"\nkind = "rdf"\nlocation = "{feed.as_posix()}"\n'
            f'mapping = "linkedart"\n[sources.partner]\nlabel = "{name.title()}"'
        )
    (feeds["other"] / "objects.ttl").write_text(_turtle(range(2, 13), {2: 1}), encoding="utf-8")
    config = load_config(write_config(*sources))
    index_path = config.data_dir / "records.sqlite"

    def remembered() -> list[str]:
        with closing(sqlite3.connect(index_path)) as db:
            return [str(g) for (g,) in db.execute("SELECT graph FROM entity_graphs")]

    def harvest(place: int, *, named: bool) -> dict[str, str]:
        lender = _turtle(range(1, 2), {1: place}, place if named else None)
        (feeds["lender"] / "objects.ttl").write_text(lender, encoding="utf-8")
        assert {s.status for s in Pipeline(config).harvest()} == {"published"}
        assert_same_as_a_full_build(config, tmp_path)
        return kept(config)

    harvest(1, named=True)
    assert titles_found(config, "site") == ["Object 1", "Object 2"]
    assert remembered() == []
    # the first object stops naming the place the second was made at: the entity graph of
    # "site-1" is emptied, and compared, so the second object's document is extracted again
    assert harvest(1, named=False)["touched"] == "all"
    assert remembered() == []
    counts = []
    for place in range(2, 7):  # a new place named each run, the one before emptied
        assert harvest(place, named=True)["touched"] == "1"
        counts.append(len(remembered()))
    assert counts == [0] * 5
