"""A graph the store holds already is rewritten by its difference, and the default graph stays
the exact merge of the named graphs through every kind of change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, serialize

from store import Store
from tests.helpers.rdf import default_and_named
from tests.store.test_store import NAME, g, nquads, quad


def said(graph: NamedNode, *values: str) -> bytes:
    return nquads(*(quad("thing", v, graph) for v in values))


def check_merge(store: Store) -> set[str]:
    """The values the named graphs hold together; nothing is written to the default graph
    (queries read the union of the named graphs)."""
    default, named = default_and_named(store.oxigraph.quads_for_pattern(None, None, None))
    assert default == set()
    return {o.value for _, _, o in named}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "oxigraph")


@pytest.mark.parametrize("exact", [False, True])
def test_every_change_leaves_the_graphs_as_written(store: Store, exact: bool) -> None:
    a, b, c = g("a"), g("b"), g("c")
    store.replace_serialized_graphs(
        {a: said(a, "shared", "only a", "kept"), b: said(b, "shared", "only b")}, exact=exact
    )
    assert check_merge(store) == {"shared", "only a", "kept", "only b"}
    # a drops a triple b still states, changes one of its own and keeps one
    store.replace_serialized_graphs({a: said(a, "kept", "new a")}, exact=exact)
    assert check_merge(store) == {"shared", "kept", "new a", "only b"}
    # both drop the same triple in one write, and c states it anew in the same write
    store.replace_serialized_graphs(
        {a: said(a, "kept"), b: said(b, "new a", "only b"), c: said(c, "moved")}, exact=exact
    )
    assert check_merge(store) == {"kept", "new a", "only b", "moved"}
    # a triple moves from one graph to another in one write
    store.replace_serialized_graphs(
        {b: said(b, "only b"), c: said(c, "moved", "new a")}, exact=exact
    )
    assert check_merge(store) == {"kept", "new a", "only b", "moved"}
    # a graph that becomes empty goes, as a dropped graph does
    store.replace_serialized_graphs({a: b""}, exact=exact)
    assert check_merge(store) == {"new a", "only b", "moved"}
    assert not store.has_graph(a)
    # the same text again changes nothing
    store.replace_serialized_graphs({b: said(b, "only b")}, exact=exact)
    assert check_merge(store) == {"new a", "only b", "moved"}


def test_a_graph_with_blank_nodes_is_replaced_whole(store: Store) -> None:
    a = g("a")
    node = BlankNode()
    first = [Quad(node, NAME, Literal("dimension"), a), Quad(node, NAME, Literal("12"), a)]
    store.replace_serialized_graphs({a: serialize(first, format=RdfFormat.N_QUADS) or b""})
    again = [Quad(BlankNode(), NAME, Literal("dimension"), a)]
    store.replace_serialized_graphs({a: serialize(again, format=RdfFormat.N_QUADS) or b""})
    assert check_merge(store) == {"dimension"}
    assert len(list(store.graph_quads(a))) == 1


class Recording:
    """The pyoxigraph store, with what is loaded into it noted."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.loaded: list[bytes] = []

    def load(self, data: bytes, **options: Any) -> None:
        self.loaded.append(data)
        self.inner.load(data, **options)

    def bulk_load(self, data: bytes, **options: Any) -> None:
        self.loaded.append(data)
        self.inner.bulk_load(data, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.parametrize("exact", [False, True])
def test_a_record_changed_in_one_line_writes_that_line(store: Store, exact: bool) -> None:
    """A re-harvested record whose title changed: its one new line is all that is loaded,
    and nothing is dropped, unless the write is ``exact``."""
    a = g("a")
    values = [f"value {n}" for n in range(200)]
    store.replace_serialized_graphs({a: said(a, *values)})
    recording = Recording(store.oxigraph)
    store._store = recording  # type: ignore[assignment]
    store.replace_serialized_graphs({a: said(a, *values[1:], "new title")}, exact=exact)
    text = b"".join(recording.loaded)
    if exact:
        assert text.count(b"\n") == 200
    else:
        assert text == said(a, "new title")
    assert check_merge(store) == {*values[1:], "new title"}
