"""``store.isomorphism.same_statements``: the same statements but for blank node names, told
in bounded time. Each test fails if the comparison says "the same" of a change, "not the
same" of a renaming it can tell, or goes back to canonicalising every knot (then the knot's
test runs for minutes)."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from store import same_graph
from store.isomorphism import MAX_ALIKE, same_statements

EX = "https://example.org/"
GRAPH = NamedNode(EX + "graph/record/1")
OBJECT = NamedNode(EX + "object/1")


def _n(name: str) -> NamedNode:
    return NamedNode(EX + name)


def _dimensions(values: list[tuple[str, str]], prefix: str) -> set[Quad]:
    """An object with a blank dimension node per (kind, value), as Linked Art writes them."""
    quads: set[Quad] = set()
    for i, (kind, value) in enumerate(values):
        node = BlankNode(f"{prefix}{i}")
        quads |= {
            Quad(OBJECT, _n("dimension"), node, GRAPH),
            Quad(node, _n("classified_as"), _n(kind), GRAPH),
            Quad(node, _n("value"), Literal(value), GRAPH),
        }
    return quads


def _knot(size: int, prefix: str) -> set[Quad]:
    """``size`` blank nodes, each linked to all the others: alike in everything but name."""
    nodes = [BlankNode(f"{prefix}{i}") for i in range(size)]
    quads = {Quad(OBJECT, _n("part"), node, GRAPH) for node in nodes}
    return quads | {Quad(a, _n("part"), b, GRAPH) for a in nodes for b in nodes if a != b}


def test_renamed_blank_nodes_are_the_same_statements() -> None:
    values = [("height", "10"), ("width", "20"), ("depth", "3")]
    assert same_statements(_dimensions(values, "a"), _dimensions(values, "zz"))


def test_a_changed_value_under_a_blank_node_is_a_change() -> None:
    before = _dimensions([("height", "10"), ("width", "20")], "a")
    after = _dimensions([("height", "10"), ("width", "21")], "b")
    assert not same_statements(before, after)


def test_values_moved_between_blank_nodes_are_a_change() -> None:
    """The same literals and the same kinds, paired otherwise: only the links tell."""
    before = _dimensions([("height", "10"), ("width", "20")], "a")
    after = _dimensions([("height", "20"), ("width", "10")], "b")
    assert not same_statements(before, after)


def test_blank_nodes_alike_but_for_their_names_are_told_by_rdfc() -> None:
    """Two identical dimension nodes share a colour: the canonical labelling decides."""
    twins = [("height", "10"), ("height", "10"), ("width", "20")]
    assert same_statements(_dimensions(twins, "a"), _dimensions(twins, "b"))
    other = [("height", "10"), ("height", "10"), ("width", "21")]
    assert not same_statements(_dimensions(twins, "a"), _dimensions(other, "b"))
    small = _knot(MAX_ALIKE, "a")
    assert same_statements(small, _knot(MAX_ALIKE, "b"))


def test_a_knot_of_blank_nodes_is_answered_at_once_as_not_the_same() -> None:
    """Eleven nodes each linked to all the others took RDFC-1.0 more than a minute; past
    MAX_ALIKE such nodes the answer is "not the same" (a remap then writes the record)."""
    assert not same_statements(_knot(11, "a"), _knot(11, "b"))
    assert not same_statements(_knot(40, "a"), _knot(40, "b"))


def test_same_graph_reads_the_store_s_own_forms() -> None:
    """Text the store holds against a mapping's text: a double written otherwise, blank
    nodes named otherwise."""
    held = (
        f"<{OBJECT.value}> <{EX}dimension> _:x <{GRAPH.value}> .\n"
        f'_:x <{EX}value> "39.4"^^<http://www.w3.org/2001/XMLSchema#double> <{GRAPH.value}> .\n'
    ).encode()
    mapped = (
        f"<{OBJECT.value}> <{EX}dimension> _:d0 <{GRAPH.value}> .\n"
        f'_:d0 <{EX}value> "3.94E1"^^<http://www.w3.org/2001/XMLSchema#double> <{GRAPH.value}> .\n'
    ).encode()
    assert same_graph(held, mapped)
    assert not same_graph(held, mapped.replace(b"3.94E1", b"3.95E1"))


def _ring(names: list[str]) -> set[Quad]:
    nodes = [BlankNode(name) for name in names]
    return {Quad(a, _n("next"), nodes[(i + 1) % len(nodes)], GRAPH) for i, a in enumerate(nodes)}


def test_rings_that_colours_cannot_tell_apart_are_told_by_rdfc() -> None:
    """A ring of six blank nodes and two rings of three: every node states and is stated of
    the same, so colour refinement finds one class in both; they are not the same graph."""
    six = _ring([f"a{i}" for i in range(6)])
    two_threes = _ring(["b0", "b1", "b2"]) | _ring(["c0", "c1", "c2"])
    assert not same_statements(six, two_threes)
    assert same_statements(six, _ring([f"z{i}" for i in range(6)]))
