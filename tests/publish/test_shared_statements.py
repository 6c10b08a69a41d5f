"""What records share (an artist's names) is held once, for as long as one record says it.

Each record graph holds what its record says of its own nodes; what several records say of a
person is held once, in the source's entity graph, and counted in the record index: it leaves
with the last record that says it (``publish.shared``). A store an earlier Museion wrote (each
record graph holding all its record said, and the default graph a copy of every triple) is
converted by the first writer that opens it (``publish.layout``)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, parse

from museion import Pipeline, Workspace, load_config
from museion.config import Config
from museion_core.vocab import MUSEION
from publish import RecordIndex, RunStatus, source_entity_graph
from publish.shared import Shared, split, unpack
from store import Store
from tests.conftest import BASE, ConfigWriter, files_source
from tests.helpers.rdf import held_twice

MAPPING = """
[mapping]
name = "m"
[object]
id = "id"
titles = "title"
[object.production.creators]
each = "makers[]"
id = "id"
name = "name"
"""

CRM = "http://www.cidoc-crm.org/cidoc-crm/"


def record(feed: Path, ident: str, title: str, *makers: tuple[str, str]) -> None:
    document = {"id": ident, "title": title, "makers": [{"id": i, "name": n} for i, n in makers]}
    (feed / f"{ident}.json").write_text(json.dumps(document), encoding="utf-8")


def harvest(config: Config) -> None:
    [run] = Pipeline(config).harvest()
    assert run.status == RunStatus.PUBLISHED


def names(store: Store, source: str = "src") -> Counter[str]:
    """Each name of the source's persons (not reconciliation's), as often as a query
    reads it."""
    rows = store.select(
        f"SELECT ?n WHERE {{ ?p a <{CRM}E21_Person> ; <{CRM}P1_is_identified_by> ?x . "
        f'?x <{CRM}P190_has_symbolic_content> ?n FILTER (STRSTARTS(STR(?p), "{BASE}{source}/")) }}'
    )
    return Counter(str(r["n"]) for r in rows)


def published(config: Config) -> closing[Store]:
    """The published snapshot, closed at the end of a ``with`` block."""
    return closing(Workspace(config.data_dir).open_published())


def check_counts(config: Config) -> None:
    """The index's count of each shared statement is the number of live records whose list
    holds it, and the entity graph holds it unless a record graph does."""
    db = sqlite3.connect(config.data_dir / "records.sqlite")
    try:
        lists: Counter[int] = Counter()
        for (packed,) in db.execute(
            "SELECT statements FROM records WHERE deleted_at IS NULL"
        ).fetchall():
            lists.update(unpack(packed))
        counts = dict(db.execute("SELECT digest, holders FROM statements").fetchall())
        assert counts == dict(lists)
    finally:
        db.close()


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    folder = tmp_path / "feed"
    folder.mkdir()
    return folder


@pytest.fixture
def config(write_config: ConfigWriter, tmp_path: Path, feed: Path) -> Config:
    mapping = tmp_path / "m.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return load_config(write_config(files_source("src", feed, str(mapping))))


def test_an_artist_named_by_two_records_is_held_once_until_the_last_goes(
    config: Config, feed: Path
) -> None:
    record(feed, "r1", "First", ("p1", "Ann Maker"))
    record(feed, "r2", "Second", ("p1", "Ann Maker"))
    record(feed, "r3", "Third", ("p2", "Bo Maker"))
    harvest(config)
    with published(config) as store:
        assert held_twice(store.oxigraph.quads_for_pattern(None, None, None)) == set()
        assert names(store) == {"Ann Maker": 1, "Bo Maker": 1}
        # the record graph holds what the record says of its object; the artist's names are
        # in the source's entity graph
        person = NamedNode(f"{BASE}src/person/p1")
        entities = NamedNode(source_entity_graph(BASE, "src"))
        assert next(store.oxigraph.quads_for_pattern(person, None, None, entities), None)
        for graph in (f"{BASE}src/record/r1", f"{BASE}src/record/r2"):
            said = list(store.graph_quads(NamedNode(graph)))
            assert said
            assert all(str(q.subject).startswith(f"<{BASE}src/object/") for q in said)
        # the default graph is empty: queries read the union
        assert (
            next(store.oxigraph.quads_for_pattern(None, None, None, DefaultGraph()), None) is None
        )
    check_counts(config)

    (feed / "r1.json").unlink()  # r2 still names Ann Maker
    harvest(config)
    with published(config) as store:
        assert names(store) == {"Ann Maker": 1, "Bo Maker": 1}
    check_counts(config)

    record(feed, "r2", "Second", ("p1", "Ann B. Maker"))  # the last to name her otherwise
    harvest(config)
    with published(config) as store:
        assert names(store) == {"Ann B. Maker": 1, "Bo Maker": 1}
        assert held_twice(store.oxigraph.quads_for_pattern(None, None, None)) == set()
    check_counts(config)

    (feed / "r2.json").unlink()
    harvest(config)
    with published(config) as store:
        assert names(store) == {"Bo Maker": 1}
        person = NamedNode(f"{BASE}src/person/p1")
        # what is left of her is her tombstone in the metadata graph (publish.departures)
        left = list(store.oxigraph.quads_for_pattern(person, None, None, None))
        assert {q.graph_name.value for q in left if isinstance(q.graph_name, NamedNode)} == {
            f"{BASE}meta"
        }
        assert any(q.object == MUSEION.Tombstone for q in left)
    check_counts(config)


def earlier_layout(config: Config) -> None:
    """Make the working store as an earlier Museion wrote it: every record graph holding all
    its record says, the default graph a copy of every triple, no entity graph, and an index
    that knows nothing of shared statements."""
    db = sqlite3.connect(config.data_dir / "records.sqlite")
    store = Store(config.data_dir / "working")
    try:
        lines = {
            int(d): bytes(line) for d, line in db.execute("SELECT digest, line FROM statements")
        }
        for graph, packed in db.execute(
            "SELECT graph, statements FROM records WHERE deleted_at IS NULL"
        ).fetchall():
            node = NamedNode(graph)
            text = b"".join(lines[d] for d in unpack(packed))
            store.oxigraph.extend(
                Quad(t.subject, t.predicate, t.object, node)
                for t in parse(text, format=RdfFormat.N_TRIPLES)
            )
        for graph in list(store.named_graphs()):
            if graph.value.startswith(f"{BASE}graph/entities"):
                store.oxigraph.remove_graph(graph)
        store.oxigraph.extend(
            Quad(q.subject, q.predicate, q.object, DefaultGraph())
            for q in list(store.oxigraph.quads_for_pattern(None, None, None, None))
        )
        db.execute("UPDATE records SET statements = NULL")
        db.execute("DELETE FROM statements")
        db.commit()
    finally:
        store.close()
        db.close()


def union(store: Store) -> set[tuple[object, object, object]]:
    """Every triple of the named graphs, but what each run says of itself and its dataset."""
    return {
        (q.subject, q.predicate, q.object)
        for q in store.oxigraph.quads_for_pattern(None, None, None, None)
        if not any(part in str(q.subject) for part in ("/dataset/", "/run/"))
    }


def check_converted(config: Config, before: set[tuple[object, object, object]]) -> None:
    """The working store holds each triple once, as much as ``before``, with counts that
    are its records' lists, and the published names are read once each."""
    working = Store(config.data_dir / "working", read_only=True)
    try:
        assert not working.merged_default
        assert held_twice(working.oxigraph.quads_for_pattern(None, None, None)) == set()
        assert union(working) == before
    finally:
        working.close()
    check_counts(config)
    with published(config) as store:
        assert names(store) == {"Ann Maker": 1, "Bo Maker": 1}


def harvested_in_the_earlier_layout(
    config: Config, feed: Path
) -> set[tuple[object, object, object]]:
    """Harvest two records naming two makers, then make the store as an earlier Museion
    wrote it; what the store held (``union``) before."""
    record(feed, "r1", "First", ("p1", "Ann Maker"), ("p2", "Bo Maker"))
    record(feed, "r2", "Second", ("p1", "Ann Maker"))
    harvest(config)
    working = Store(config.data_dir / "working", read_only=True)
    try:
        before = union(working)
    finally:
        working.close()
    earlier_layout(config)
    return before


def test_a_store_of_the_earlier_layout_is_converted(config: Config, feed: Path) -> None:
    before = harvested_in_the_earlier_layout(config, feed)
    old = Store(config.data_dir / "working", read_only=True)
    try:
        assert old.merged_default
        assert names(old) == {"Ann Maker": 1, "Bo Maker": 1}  # read from the default graph
    finally:
        old.close()

    harvest(config)  # nothing changed: the writer converts the store, and publishes it
    check_converted(config, before)
    # and a record changed after the conversion takes its shared statements with it
    record(feed, "r1", "First", ("p2", "Bo Maker"))
    (feed / "r2.json").unlink()
    harvest(config)
    with published(config) as store:
        assert names(store) == {"Bo Maker": 1}
    check_counts(config)


TATE = Path(__file__).resolve().parents[2] / "museion" / "examples" / "tate"


def test_what_an_artists_own_record_says_is_held_there_not_twice(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """Tate's artists are records of their own, and each artwork restates its artist's
    names: held by the artist's record graph, the names stay out of the entity graph, and
    go to it when the artist's record is withdrawn while artworks still name them."""
    feed = tmp_path / "tate"
    (feed / "artists").mkdir(parents=True)
    (feed / "artworks").mkdir()
    artist = feed / "artists" / "jones-george-300.json"
    artist.write_bytes((TATE / "artists" / artist.name).read_bytes())
    for name in ("a00344-7374.json", "a00514-7544.json"):
        (feed / "artworks" / name).write_bytes((TATE / "artworks" / name).read_bytes())
    config = load_config(write_config(files_source("tate", feed, "tate")))
    person = NamedNode(f"{BASE}tate/person/300")
    entities = NamedNode(source_entity_graph(BASE, "tate"))

    def where_named(store: Store) -> set[str]:
        """The graphs that hold the artist's statements (but its tombstone's)."""
        return {
            q.graph_name.value
            for q in store.oxigraph.quads_for_pattern(person, None, None, None)
            if isinstance(q.graph_name, NamedNode) and q.graph_name.value != f"{BASE}meta"
        }

    harvest(config)
    with published(config) as store:
        assert held_twice(store.oxigraph.quads_for_pattern(None, None, None)) == set()
        assert where_named(store) == {f"{BASE}tate/record/person%3A300"}
        assert names(store, "tate")["George Jones"] == 1
    check_counts(config)

    artist.unlink()
    harvest(config)
    with published(config) as store:
        assert held_twice(store.oxigraph.quads_for_pattern(None, None, None)) == set()
        assert where_named(store) == {entities.value}
        assert names(store, "tate")["George Jones"] == 1

    artist.write_bytes((TATE / "artists" / artist.name).read_bytes())
    harvest(config)
    with published(config) as store:
        assert held_twice(store.oxigraph.quads_for_pattern(None, None, None)) == set()
        assert f"{BASE}tate/record/person%3A300" in where_named(store)
    check_counts(config)


@pytest.mark.parametrize("step", ["set_statements", "replace_serialized_graphs", "write"])
def test_a_conversion_cut_short_is_taken_up_without_losing_what_records_share(
    config: Config, feed: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    """A conversion stopped part-way (as the index keeps what records share, as their graphs
    are brought down to what they say of their own nodes, as the entity graphs are written)
    and taken up again loses nothing the records shared: once a graph is brought down, it is
    no longer in it."""
    before = harvested_in_the_earlier_layout(config, feed)

    from publish.index import RecordIndex
    from publish.shared import Shared

    owner = {"set_statements": RecordIndex, "replace_serialized_graphs": Store, "write": Shared}

    def cut_short(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt  # the process stopped between the store and the index

    with monkeypatch.context() as patched:
        patched.setattr(owner[step], step, cut_short)
        with pytest.raises(KeyboardInterrupt):
            Pipeline(config).harvest()

    harvest(config)  # the conversion is taken up again
    check_converted(config, before)


@pytest.mark.slow
def test_a_maker_name_too_long_for_the_store_quarantines_its_record(
    write_config: ConfigWriter, tmp_path: Path, feed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A statement too long for the store is refused with its record, whether the record
    graph holds it or the entity graph would (a 20 MB maker's name): the record is
    quarantined, and the run goes on, not failed by the entity graph's write."""
    monkeypatch.setattr("museion.mapper.MAX_STATEMENT_BYTES", 1 << 40)  # slips past staging
    mapping = tmp_path / "m.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    options = {"gates": "{ max_quarantined = 1.0 }", "max_record_bytes": "67108864"}
    config = load_config(write_config(files_source("src", feed, str(mapping), **options)))
    record(feed, "huge", "Huge", ("p9", "x" * 20_000_000))
    record(feed, "fine", "Fine", ("p1", "Ann Maker"))
    [summary] = Pipeline(config, jobs=1).harvest()
    assert summary.status == RunStatus.PUBLISHED
    assert (summary.new, summary.rejected) == (1, 1)
    [rejection] = summary.rejections
    assert "the store refused the record" in rejection.reason
    with published(config) as store:
        assert names(store) == {"Ann Maker": 1}
    check_counts(config)


def test_a_statement_museions_own_graphs_hold_too_stays_in_the_entity_graph(
    tmp_path: Path,
) -> None:
    """Only a record graph keeps a shared statement out of the entity graph: Museion's own
    graphs (the vocabulary) change on their own, and a statement left out for them would be
    lost when they drop it."""
    index = RecordIndex(tmp_path / "records.sqlite")
    store = Store(tmp_path / "store")
    try:
        shared = Shared(index.db, BASE)
        label = (
            b"<http://vocab.getty.edu/aat/300033618> "
            b'<http://www.w3.org/2000/01/rdf-schema#label> "paintings"@en'
        )
        vocabulary, record = NamedNode(f"{BASE}vocabulary"), NamedNode(f"{BASE}src/record/r1")
        store.replace_serialized_graphs({vocabulary: label + f" {vocabulary} .\n".encode()})
        parts = split(label + f" {record} .\n".encode(), record.value, f"{BASE}src/object/r1", BASE)
        assert parts.own == b""
        change = shared.change("src", {"r1": parts.shared})
        shared.write(store, change)
        index.set_statements("src", {}, change)  # the counts, as a run keeps them
        graphs = {
            q.graph_name.value
            for q in store.oxigraph.quads_for_pattern(None, None, None, None)
            if isinstance(q.graph_name, NamedNode)
        }
        assert graphs == {vocabulary.value, f"{BASE}graph/entities"}
        # held by a record graph, it is left out
        store.replace_serialized_graphs({record: label + f" {record} .\n".encode()})
        shared.write(store, shared.everything())
        assert not list(store.graph_quads(NamedNode(f"{BASE}graph/entities")))
    finally:
        store.close()
        index.close()
