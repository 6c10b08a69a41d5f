"""An object's record graph, read into memory, and the lookups a page makes in it.

The object page reads every statement of the record graph(s) that type an IRI as an object
(every node minted under the object comes with it) once, then looks up what it shows node by
node: a dictionary of subjects to predicates to objects, no query per field.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode

from museion_core.vocab import CRM
from publish import entity_graphs_prefix

from .readers import Text, iri_ref, select, text_of

if TYPE_CHECKING:
    from .executor import Worker
    from .readers import Term

__all__ = ["Graph", "nodes", "out", "parts", "record_graph", "texts", "types"]

Graph = dict[str, dict[str, list[object]]]
"""subject IRI → predicate IRI → objects (pyoxigraph terms)."""


def record_graph(worker: Worker, iri: str) -> Graph:
    """Every statement of the record graph(s) that type ``iri`` as an object.

    Two queries, not one join: a server that evaluates ``GRAPH ?g { ?s ?p ?o }`` before the
    lookup that binds ``?g`` (Virtuoso 7.2) reads every quad it holds first (11 s on the
    demo, then an answer too long to send). The graphs are named under the base IRI: a
    remote server also holds Museion's versions (whole copies of the data) and its own."""
    found = select(
        worker,
        f"""SELECT DISTINCT ?g WHERE {{
  GRAPH ?g {{ {iri_ref(iri)} a {CRM.E22_Human_Made_Object} }}
  FILTER (STRSTARTS(STR(?g), {Literal(worker.settings.base_iri)}))
}}""",
    )
    graphs = sorted({str(row["g"]) for row in found if isinstance(row.get("g"), NamedNode)})
    if not graphs:
        return defaultdict(lambda: defaultdict(list))
    rows = select(
        worker,
        f"SELECT ?s ?p ?o WHERE {{ VALUES ?g {{ {' '.join(graphs)} }} GRAPH ?g {{ ?s ?p ?o }} }}",
    )
    graph: Graph = defaultdict(lambda: defaultdict(list))
    _add(graph, rows)
    _add_shared(worker, graph)
    return graph


def _add(graph: Graph, rows: list[dict[str, Term]]) -> None:
    for row in rows:
        s, p, o = row.get("s"), row.get("p"), row.get("o")
        if isinstance(s, NamedNode) and isinstance(p, NamedNode) and o is not None:
            graph[s.value][p.value].append(o)


_SHARED_ROUNDS = 4
"""How far from the record the page follows what records share: a maker, its name, the
name's type."""


def _add_shared(worker: Worker, graph: Graph) -> None:
    """Add what the entity graphs say of the persons, places and terms the record names (and
    of the nodes under them, such as a person's name): the record's graph holds only what it
    says of its own nodes (``publish.shared``)."""
    prefix = Literal(entity_graphs_prefix(worker.settings.base_iri))
    for _ in range(_SHARED_ROUNDS):
        wanted = {
            o.value
            for props in graph.values()
            for objects in props.values()
            for o in objects
            if isinstance(o, NamedNode) and o.value not in graph
        }
        if not wanted:
            return
        values = " ".join(iri_ref(w) for w in sorted(wanted))
        rows = select(
            worker,
            f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }}"
            f" GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), {prefix})) }}",
        )
        if not rows:
            return
        _add(graph, rows)


def out(graph: Graph, node: str, prop: NamedNode) -> list[object]:
    return graph.get(node, {}).get(prop.value, [])


def nodes(graph: Graph, node: str, prop: NamedNode) -> list[str]:
    return [t.value for t in out(graph, node, prop) if isinstance(t, NamedNode)]


def texts(graph: Graph, node: str) -> list[Text]:
    return [text_of(t) for t in out(graph, node, CRM.P190_has_symbolic_content)]


def types(graph: Graph, node: str) -> set[str]:
    return set(nodes(graph, node, CRM.P2_has_type))


def parts(graph: Graph, iri: str) -> list[str]:
    """The object's parts (frame, mount), whichever way the record links them."""
    parts = nodes(graph, iri, CRM.P46_is_composed_of)
    for node in graph:
        if iri in nodes(graph, node, CRM.P46i_forms_part_of) and node not in parts:
            parts.append(node)
    return sorted(parts)
