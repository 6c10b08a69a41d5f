"""Whether a remote server holds what it accepted: the checks after each batch of writes.

A server, or a proxy before it, that answered a write 204 and did not keep it had the batch's
records indexed as written and published, and they were never sent again (the next run sends
only its changes). So after each batch Museion asks the server how many statements it holds
in each graph the batch wrote, one query per ``CHECKED`` graphs, and compares them with what
it sent; so too for the graphs it dropped (withdrawn records) and for the subjects of the
metadata graph it updated. A batch not held as sent is a ``StoreFaultError``, raised before
its records are indexed (or marked withdrawn), so that the next run writes them again.

A server may keep typed values rather than their text: Oxigraph and Virtuoso both hold
``"01"`` and ``"1"`` as one ``xsd:integer`` (and ``"true"`` and ``"1"`` as one boolean), so a
graph that states one value in two forms is held with fewer statements than it was sent with.
Such a graph, and only such a graph, passes with as few statements as its typed values could
merge into, if the server holds every subject–predicate pair it was sent (one more query,
for those graphs alone): a write the server lost part of loses pairs with it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Quad, QueryBoolean, RdfFormat, Triple, parse

from museion_core.errors import QueryError, StoreFaultError
from museion_core.vocab import XSD

from .protocol import SparqlClient

__all__ = [
    "CHECKED",
    "GRAPHS",
    "NOTHING",
    "Sent",
    "asked",
    "check_dropped",
    "check_graphs",
    "check_subjects",
    "statements",
    "unheld",
]

CHECKED = 200
"""Graphs (or subjects) one check names: a server compiles a query whole, as an update."""

GRAPHS = ("g", "GRAPH ?g { ?s ?p ?o }")
"""What ``unheld`` counts for graphs: the statements of graph ``?g``."""


def statements(ntriples: bytes) -> int:
    """How many statements a graph written as these N-Triples holds (as pyoxigraph wrote
    them: one statement a line, the same statement always the same line)."""
    return len(set(ntriples.splitlines()) - {b""})


@dataclass(frozen=True)
class Sent:
    """What one graph (or what one subject of a shared graph) was sent as."""

    statements: int
    """Its statements as written: what a server that keeps their text holds."""
    triples: Callable[[], Iterable[Triple]] | None
    """The statements themselves, read only when the server holds another number; ``None``
    for statements read from the working store (``store.streamed``), which keeps values as
    a server that keeps values does: it is to hold exactly ``statements``."""

    @classmethod
    def ntriples(cls, text: bytes) -> Sent:
        return cls(
            statements(text),
            lambda: (q.triple for q in parse(text, format=RdfFormat.N_TRIPLES)),
        )

    @classmethod
    def of(cls, triples: Sequence[Triple]) -> Sent:
        return cls(len(set(triples)), lambda: triples)

    def bounds(self) -> tuple[int, int]:
        """(the fewest statements a server that keeps values may hold, the distinct
        subject–predicate pairs). Two typed values of one subject and predicate may be one
        value: all but one of them count as possibly merged (a language tag's case and an
        explicit ``xsd:string`` are merged already, as pyoxigraph reads them)."""
        if self.triples is None:
            return self.statements, -1  # held exactly, or not as sent
        try:
            distinct = set(self.triples())
        except (SyntaxError, ValueError):
            return self.statements, -1  # not read back: held exactly, or not at all
        typed = Counter(
            (t.subject, t.predicate)
            for t in distinct
            if isinstance(t.object, Literal)
            and t.object.language is None
            and t.object.datatype != XSD.string
        )
        merged = sum(n - 1 for n in typed.values())
        return len(distinct) - merged, len({(t.subject, t.predicate) for t in distinct})


NOTHING = Sent(0, tuple)
"""What a dropped graph holds."""


def unheld(
    client: SparqlClient, sent: Mapping[str, Sent], unit: tuple[str, str]
) -> list[tuple[str, int, int]]:
    """Of ``sent`` (by IRI), those the server does not hold as sent, as (IRI, statements held,
    statements sent). ``unit``: the variable that names one of them, and the pattern of its
    statements as ``?s ?p ?o`` (``GRAPHS``, or the subjects of one graph)."""
    short: list[tuple[str, int, int]] = []
    items = list(sent.items())
    for start in range(0, len(items), CHECKED):
        chunk = dict(items[start : start + CHECKED])
        held = _counted(client, unit, chunk)
        odd = {k: s.bounds() for k, s in chunk.items() if held.get(k, 0) != s.statements}
        merged = [
            k for k, (fewest, _) in odd.items() if fewest <= held.get(k, 0) < sent[k].statements
        ]
        pairs = _counted(client, unit, merged, pairs=True) if merged else {}
        short += [
            (k, held.get(k, 0), chunk[k].statements)
            for k, (_, sent_pairs) in odd.items()
            if k not in merged or pairs.get(k, 0) != sent_pairs
        ]
    return short


def _counted(
    client: SparqlClient, unit: tuple[str, str], keys: Iterable[str], *, pairs: bool = False
) -> dict[str, int]:
    """Statements (or distinct subject–predicate pairs) the server holds of each of ``keys``,
    in one query."""
    key, pattern = unit
    where = f"VALUES ?{key} {{ {' '.join(f'<{k}>' for k in keys)} }} {pattern}"
    if pairs:
        projected = " ".join(dict.fromkeys((f"?{key}", "?s", "?p")))
        where = f"SELECT DISTINCT {projected} WHERE {{ {where} }}"
    rows = client.select(f"SELECT ?{key} (COUNT(*) AS ?n) WHERE {{ {where} }} GROUP BY ?{key}")
    return {row[key] or "": int(row["n"] or 0) for row in rows}


def asked(client: SparqlClient, ask: str) -> bool:
    """The answer of the server to an ASK query (a ``QueryError`` if it is not a boolean)."""
    answer = client.query(ask)
    if not isinstance(answer, QueryBoolean):
        raise QueryError(
            "the remote store answered an ASK query without a boolean", http_status=502
        )
    return bool(answer)


def check_graphs(client: SparqlClient, where: str, graphs: Mapping[NamedNode, bytes]) -> None:
    """Fail (``StoreFaultError``) unless the server holds each graph as it was sent
    (``where``: the service the graphs were written to)."""
    short = unheld(client, {g.value: Sent.ntriples(text) for g, text in graphs.items()}, GRAPHS)
    if short:
        graph, got, expected = short[0]
        raise StoreFaultError(
            f"the remote store at {where} accepted the write of {len(graphs)} graphs but "
            f"does not hold {len(short)} of them as sent (<{graph}>: {got} of {expected} "
            "statements): the server, or a proxy before it, did not keep part of the "
            "write; their records are written again by the next run"
        )


def check_dropped(client: SparqlClient, where: str, graphs: Sequence[str]) -> None:
    """Fail (``StoreFaultError``) if the server still holds any of the graphs it was told to
    drop: withdrawn records would stay published, in every version built after."""
    short = unheld(client, dict.fromkeys(graphs, NOTHING), GRAPHS)
    if short:
        graph, got, _ = short[0]
        raise StoreFaultError(
            f"the remote store at {where} accepted the withdrawal of {len(set(graphs))} graphs "
            f"but still holds {len(short)} of them (<{graph}>: {got} statements): the server, "
            "or a proxy before it, did not keep the update; the next run withdraws them again"
        )


def check_subjects(
    client: SparqlClient,
    where: str,
    graph: NamedNode,
    subjects: Sequence[NamedNode],
    quads: Sequence[Quad],
) -> None:
    """Fail (``StoreFaultError``) unless ``graph`` (Museion's metadata) holds what ``quads``
    say of each of ``subjects``, and nothing more: stale metadata on the server (a withdrawn
    record's missing tombstone, a record come back still tombstoned, an old checksum) would
    be published. (Museion's callers name every subject their quads speak of.)"""
    said: dict[str, list[Triple]] = {s.value: [] for s in subjects}
    for quad in quads:
        node = quad.subject
        if quad.graph_name == graph and isinstance(node, NamedNode) and node.value in said:
            said[node.value].append(quad.triple)
    unit = ("s", f"GRAPH {graph} {{ ?s ?p ?o }}")
    short = unheld(client, {s: Sent.of(triples) for s, triples in said.items()}, unit)
    if short:
        first, got, expected = short[0]
        raise StoreFaultError(
            f"the remote store at {where} accepted the update of {graph.value} but does not "
            f"hold what it says of {len(short)} of {len(said)} subjects (<{first}>: {got} of "
            f"{expected} statements): the server, or a proxy before it, did not keep the "
            "update; the next run writes it again"
        )
