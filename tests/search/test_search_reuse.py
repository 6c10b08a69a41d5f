"""A publish reuses the search documents of the records a re-harvest did not touch
(``search.reuse``, ``publish.search_basis``), and its index is the one a full build makes."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from museion import Pipeline, Workspace, load_config
from museion.config import Config
from museion_core.vocab import CRM, RDFS
from publish import RecordIndex, search_basis
from reconcile import reconciliation_graph
from search import (
    Basis,
    FtsEngine,
    Searcher,
    SearchRequest,
    build_snapshot_index,
    docs_path,
    index_path,
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
    Pipeline(config).harvest()  # nothing changed: nothing to extract
    assert kept(config) == {"touched": "0", "extracted": "0", "reused": "24"}
    assert_same_as_a_full_build(config, tmp_path)


def test_a_renamed_artist_extracts_every_document(
    config: Config, feed: Path, tmp_path: Path
) -> None:
    """A creator's name is a shared line (other objects by the artist read it): the context
    changes, and every document is made again."""
    Pipeline(config).harvest()
    first = files(feed)[0]
    creators = json.loads(first.read_text())["creator"]
    edit(first, creator=[{**creators[0], "full_name": "Quillon Marchetti"}, *creators[1:]])
    Pipeline(config).harvest()
    assert kept(config)["touched"] == "all"
    assert kept(config)["extracted"] == "24"
    assert_same_as_a_full_build(config, tmp_path)


def test_a_withdrawn_record_leaves_the_index(config: Config, feed: Path, tmp_path: Path) -> None:
    Pipeline(config).harvest()
    files(feed)[0].unlink()
    Pipeline(config).harvest()
    assert int(kept(config)["extracted"]) + int(kept(config)["reused"]) == 23
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


def test_the_context_covers_shared_lines_and_records_of_other_kinds(config: Config) -> None:
    """An object record written again changes only its token; a changed entity signature (a
    shared line) or another kind of record written again changes the context."""
    Pipeline(config).harvest()
    workspace = Workspace(config.data_dir)

    def basis() -> tuple[str, list[tuple[str, str, str]]]:
        store, index = workspace.open_writer(), RecordIndex(workspace.index_path)
        try:
            found = search_basis(store, index, BASE, [reconciliation_graph(BASE)])
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
    assert basis()[0] != context
    context, records = basis()
    change("UPDATE records SET kind = 'person'")
    assert basis()[0] != context
    context, records = basis()
    assert len(records) == 23
    change("UPDATE records SET last_run = 'yet another run'")
    assert basis()[0] != context


EX = "https://ex.org/"
KEEPER, PLACE = NamedNode(f"{EX}partner"), NamedNode(f"{EX}place/1")
FIRST, SECOND = NamedNode(f"{EX}obj/1"), NamedNode(f"{EX}obj/2")


Graphs = dict[NamedNode, list[Quad]]


def _object(graph: str, iri: NamedNode, title: str, *more: tuple[NamedNode, ...]) -> Graphs:
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

    def publish(self, graphs: Graphs, changed: frozenset[str] = frozenset()) -> dict[str, str]:
        """Write ``graphs`` (the ``changed`` ones with a new token), snapshot, index; what
        the kept documents say of their build. The kept documents must be those a full
        extraction of the snapshot gives."""
        self.store.replace_graphs(graphs)
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
            snapshot, EX, source=self.store, basis=Basis("same", lambda: records), previous=previous
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
def snapshots(tmp_path: Path) -> Iterator[Snapshots]:
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
