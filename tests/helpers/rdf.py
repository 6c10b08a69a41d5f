"""Comparing RDF datasets by graph isomorphism, with a diff a person can read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pyoxigraph import DefaultGraph, Quad, RdfFormat, parse, serialize
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

Graphs = dict[str, Graph]
Triples = set[tuple[Any, Any, Any]]


def default_and_named(quads: Iterable[Quad]) -> tuple[Triples, Triples]:
    """The triples of the default graph, and those of all named graphs together: a store whose
    default graph is the merge of its named graphs has the two equal."""
    default: Triples = set()
    named: Triples = set()
    for q in quads:
        kept = default if isinstance(q.graph_name, DefaultGraph) else named
        kept.add((q.subject, q.predicate, q.object))
    return default, named


def held_twice(quads: Iterable[Quad]) -> Triples:
    """The triples a store holds in its default graph or in two named graphs: none, in a
    store that holds each triple once (``publish.shared``), whose queries read the union."""
    seen: Triples = set()
    twice: Triples = set()
    for q in quads:
        triple = (q.subject, q.predicate, q.object)
        if isinstance(q.graph_name, DefaultGraph) or triple in seen:
            twice.add(triple)
        seen.add(triple)
    return twice


def to_graphs(quads: Iterable[Quad]) -> Graphs:
    """Quads as one rdflib Graph per graph name (rdflib's own Dataset is not needed here)."""
    grouped: dict[str, list[Quad]] = defaultdict(list)
    for quad in quads:
        grouped[str(quad.graph_name)].append(quad)
    graphs = {}
    for name, members in grouped.items():
        data = serialize([q.triple for q in members], format=RdfFormat.N_TRIPLES) or b""
        graphs[name] = Graph().parse(data=data.decode("utf-8"), format="nt")
    return graphs


def parse_nquads(text: str) -> Graphs:
    return to_graphs(
        q for q in parse(text.encode("utf-8"), format=RdfFormat.N_QUADS) if isinstance(q, Quad)
    )


def dataset_diff(expected: Graphs, actual: Graphs) -> str:
    """Empty when the datasets are isomorphic graph by graph; else the differing triples."""
    lines: list[str] = []
    for name in sorted(set(expected) | set(actual)):
        want = to_isomorphic(expected.get(name, Graph()))
        got = to_isomorphic(actual.get(name, Graph()))
        if want == got:
            continue
        _, only_expected, only_actual = graph_diff(want, got)
        lines.append(f"graph {name}:")
        lines += [f"  - {line}" for line in sorted(_nt(only_expected))]
        lines += [f"  + {line}" for line in sorted(_nt(only_actual))]
    return "\n".join(lines)


def _nt(graph: Graph) -> list[str]:
    text = graph.serialize(format="nt")
    return [line for line in text.splitlines() if line.strip()]
