"""Whether a remote server holds what it accepted: the check after each batch of writes.

A server, or a proxy before it, that answered a write 204 and did not keep it had the batch's
records indexed as written and published, and they were never sent again (the next run sends
only its changes). So after each batch Museion asks the server how many statements it holds
in each graph the batch wrote, one query per ``CHECKED`` graphs, and compares them with what
it sent; a batch not held as sent is a ``StoreFaultError``, raised before its records are
indexed, so that the next run writes them again.
"""

from __future__ import annotations

from collections.abc import Mapping

from pyoxigraph import NamedNode

from museion_core.errors import StoreFaultError

from .protocol import SparqlClient

__all__ = ["CHECKED", "check_graphs", "statements"]

CHECKED = 200
"""Graphs one check names (as many as one update names: a server compiles a query whole)."""


def statements(ntriples: bytes) -> int:
    """How many statements a graph written as these N-Triples holds (as pyoxigraph wrote
    them: one statement a line, the same statement always the same line)."""
    return len(set(ntriples.splitlines()) - {b""})


def check_graphs(client: SparqlClient, where: str, graphs: Mapping[NamedNode, bytes]) -> None:
    """Fail (``StoreFaultError``) unless the server holds each graph as it was sent: as many
    statements as its N-Triples (``where``: the service the graphs were written to)."""
    items = list(graphs.items())
    short: list[tuple[str, int, int]] = []
    for start in range(0, len(items), CHECKED):
        chunk = items[start : start + CHECKED]
        sent = {graph.value: statements(text) for graph, text in chunk}
        values = " ".join(f"<{g}>" for g in sent)
        held = {
            row["g"]: int(row["n"] or 0)
            for row in client.select(
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            )
        }
        short += [(g, held.get(g, 0), n) for g, n in sent.items() if held.get(g, 0) != n]
    if short:
        graph, got, expected = short[0]
        raise StoreFaultError(
            f"the remote store at {where} accepted the write of {len(items)} graphs but "
            f"does not hold {len(short)} of them as sent (<{graph}>: {got} of {expected} "
            "statements): the server, or a proxy before it, did not keep part of the "
            "write; their records are written again by the next run"
        )
