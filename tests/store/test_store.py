"""The store keeps its default graph the exact, duplicate-free merge of its named graphs."""

from __future__ import annotations

import gc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, RdfFormat, serialize

from museion_core.errors import QueryError, StoreError
from store import Store

P = NamedNode("http://example.org/p")
NAME = NamedNode("http://example.org/name")


def g(name: str) -> NamedNode:
    return NamedNode(f"http://example.org/graph/{name}")


def quad(subject: str, value: str, graph: NamedNode) -> Quad:
    return Quad(NamedNode(f"http://example.org/{subject}"), NAME, Literal(value), graph)


def names(store: Store) -> list[str]:
    rows = store.select("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o")
    return [r["o"] for r in rows]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "oxigraph")


def test_queries_read_the_union_of_the_graphs(store: Store) -> None:
    """The store writes nothing twice: queries read the union of the named graphs, which
    holds a triple once per graph that holds it. Keeping each triple in one graph is the
    writer's part (``publish.shared``)."""
    store.replace_graphs(
        {
            g("a"): [quad("picasso", "Pablo Picasso", g("a")), quad("a", "only a", g("a"))],
            g("b"): [quad("b", "only b", g("b"))],
        }
    )
    assert names(store) == ["Pablo Picasso", "only a", "only b"]
    count = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count == [{"n": "3"}]
    assert len(store) == 3  # no default-graph copies
    store.replace_graphs({g("a"): [quad("a", "new", g("a"))]})
    assert names(store) == ["new", "only b"]
    store.remove_graphs([g("b")])
    assert names(store) == ["new"]


def test_replacing_twice_makes_no_duplicates(store: Store) -> None:
    for _ in range(2):
        store.replace_graphs({g("a"): [quad("a", "x", g("a")), quad("a", "y", g("a"))]})
    assert len(store) == 2  # in the named graph, and no default-graph copy


def test_replace_subjects_in_a_shared_graph(store: Store) -> None:
    meta = g("meta")
    store.replace_subjects(meta, [], [quad("r1", "first", meta), quad("r2", "other", meta)])
    subject = NamedNode("http://example.org/r1")
    store.replace_subjects(meta, [subject], [quad("r1", "second", meta)])
    assert names(store) == ["other", "second"]


def test_a_store_of_the_earlier_layout_is_read_by_its_default_graph(tmp_path: Path) -> None:
    """A store an earlier Museion wrote kept the merge of its graphs in the default graph:
    it is read there (the union would repeat what two graphs hold) until it is converted."""
    writer = Store(tmp_path / "s")
    assert not writer.merged_default
    writer.replace_graphs({g("a"): [quad("a", "x", g("a"))], g("b"): [quad("a", "x", g("b"))]})
    assert names(writer) == ["x", "x"]  # each graph's triple, read through the union
    writer.update("INSERT DATA { <http://example.org/a> <http://example.org/name> 'x' }")
    writer.flush()
    del writer
    old = Store(tmp_path / "s")
    assert old.merged_default
    assert names(old) == ["x"]
    old.drop_merged_default()
    assert names(old) == ["x", "x"]


def test_read_only_store(tmp_path: Path) -> None:
    writer = Store(tmp_path / "s")
    writer.replace_graphs({g("a"): [quad("a", "x", g("a"))]})
    writer.flush()
    del writer
    reader = Store(tmp_path / "s", read_only=True)
    assert names(reader) == ["x"]
    with pytest.raises(StoreError, match="read-only"):
        reader.replace_graphs({g("b"): []})


def test_no_store_yet(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="museion harvest"):
        Store(tmp_path / "missing", read_only=True)


def test_bad_query_is_a_query_error(store: Store) -> None:
    with pytest.raises(QueryError, match="not valid SPARQL") as caught:
        store.query("SELEKT * WHERE { ?s ?p ?o }")
    assert "update=" not in str(caught.value)


@pytest.mark.parametrize("clause", ["LIMIT", "OFFSET"])
def test_a_limit_beyond_the_engines_count_says_so(store: Store, clause: str) -> None:
    """Oxigraph said "expected one of The query limit should be a non negative integer,
    ['0'..='9']" of a number with too many digits."""
    with pytest.raises(QueryError) as caught:
        store.query(f"SELECT * WHERE {{ ?s ?p ?o }} {clause} 99999999999999999999999")
    message = str(caught.value)
    assert f"{clause} must be a whole number no larger than 18,446,744,073,709,551,615" in message
    assert "expected" not in message
    answer = store.query(f"SELECT * WHERE {{ ?s ?p ?o }} {clause} {2**64 - 1}")
    assert isinstance(answer, QuerySolutions)
    assert list(answer) == []


def test_an_update_sent_as_a_query_says_how_to_send_it(store: Store) -> None:
    """Its message was only the parser's ("expected CONSTRUCT")."""
    update = "PREFIX ex: <http://e/>\n# a note\nINSERT DATA { GRAPH ex:g { ex:s ex:p ex:o } }"
    with pytest.raises(QueryError, match="send it as update=, by POST"):
        store.query(update)


def nquads(*quads: Quad) -> bytes:
    return serialize(quads, format=RdfFormat.N_QUADS) or b""


def count(store: Store) -> str:
    return str(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])


def test_serialized_records_are_written_as_they_are(store: Store) -> None:
    """The pipeline's write (N-Quads text, batch by batch) writes each graph's lines, and no
    copy: that two records state a triple is the writer's to avoid (``publish.shared``
    holds what records share once, in an entity graph)."""
    store.replace_serialized_graphs(
        {
            g("a"): nquads(quad("picasso", "Pablo Picasso", g("a")), quad("a", "only a", g("a"))),
            g("b"): nquads(quad("b", "only b", g("b"))),
        }
    )
    assert (names(store), count(store), len(store)) == (
        ["Pablo Picasso", "only a", "only b"],
        "3",
        3,
    )
    store.replace_serialized_graphs({g("a"): nquads(quad("a", "only a", g("a")))})
    store.remove_graphs([g("b")])
    assert (names(store), count(store), len(store)) == (["only a"], "1", 1)


@pytest.mark.parametrize("other", [False, True])
def test_metadata_written_with_the_graphs_is_read(store: Store, other: bool) -> None:
    """The metadata quads of a write (all in the shared graph, or not all) are read with the
    graphs, and replacing their subjects takes them away again."""
    meta = g("meta")
    said = [quad("a", "checksum a", meta), quad("b", "checksum b", g("x") if other else meta)]
    store.replace_serialized_graphs({g("a"): nquads(quad("a", "only a", g("a")))}, meta, [], said)
    assert names(store) == ["checksum a", "checksum b", "only a"]
    subject = NamedNode("http://example.org/a")
    store.replace_serialized_graphs({}, meta, [subject], [quad("a", "checksum 2", meta)])
    assert names(store) == ["checksum 2", "checksum b", "only a"]


def test_a_select_failing_in_a_worker_thread_leaves_its_results_on_that_thread(
    tmp_path: Path,
) -> None:
    """pyoxigraph's results may be dropped only on the thread that made them. ``select``
    run in a pool's thread (reconciliation reads so) and failing midway raised its error in
    the waiting thread with frames that held the results, which that thread then dropped
    ("QuerySolutions is unsendable, but is being dropped on another thread")."""
    store = Store(tmp_path / "store")
    failing = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    try:
        with ThreadPoolExecutor(1) as pool:
            gc.collect()
            gc.disable()  # what is left alive by reference, not what a collection would free
            try:
                future = pool.submit(store.select, failing)
                with pytest.raises(OSError, match="port 9"):
                    future.result()
                del future
                left = [o for o in gc.get_objects() if isinstance(o, QuerySolutions)]
            finally:
                gc.enable()
    finally:
        store.close()
    assert left == []
