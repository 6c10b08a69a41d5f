"""A remote store's version, built on the server in bounded parts, then checked whole.

A version (``store.remote``) is one named graph holding the merge of every record graph. It
was built by one ``INSERT … WHERE`` over them all: one transaction as large as the network.
Virtuoso aborts a transaction whose roll-forward log passes its ``TransactionAfterImageLimit``
(virtuoso.ini's ``[Parameters]``, 50,000,000 bytes by default; a copied statement logs some
50–100 bytes), so a first harvest of 10,000 records (1.1 million statements) could not be
published on a Virtuoso with its default settings (``SR325``).

So a version is built in parts, each one update of at most ``PART_STATEMENTS`` statements as
the working store counts them (the server holds the same graphs: every write to it was
checked): graphs whole, packed up to that size, and a graph larger than that (the metadata
graph: some 13 statements a record) by its subjects. The parts need not be one transaction:
no reader reads a version before the pointer is moved to it, by one small update, after
every part is built and checked (``RemoteStore.publish_version``); a publish that fails
midway drops what it built of its version (which no reader was pointed at).

Each part is then checked: the server is asked how many statements of the part's graphs its
version lacks (one query per part, on the server's own terms, so values it keeps typed
compare as they are held). A part's update the server (or a proxy before it) acknowledged
and did not keep fails the publish before readers are moved, where the one update, kept or
lost whole, could only be caught as a version holding nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, QuerySolutions

from museion_core.errors import StoreError, StoreFaultError

from .oxigraph import Store
from .protocol import RemoteEndpoint, SparqlClient

__all__ = [
    "PART_NAMES",
    "PART_STATEMENTS",
    "Part",
    "build",
    "check_built",
    "drop",
    "is_mine",
    "leftovers",
    "mine",
    "parts",
    "pointer",
    "pointer_names",
    "too_large",
]


def mine(remote: RemoteEndpoint) -> str:
    """A filter on ``?g`` keeping the graphs Museion writes (not its own bookkeeping)."""
    prefix, own = Literal(remote.graphs), Literal(remote.own)  # written escaped, quoted
    return f"FILTER (STRSTARTS(STR(?g), {prefix}) && !STRSTARTS(STR(?g), {own}))"


def is_mine(remote: RemoteEndpoint, graph: str) -> bool:
    """``mine``, of one graph: one Museion writes, not of its own bookkeeping."""
    return graph.startswith(remote.graphs) and not graph.startswith(remote.own)


PART_STATEMENTS = 20_000
"""Statements one update of a version's build copies at most (a single subject with more
goes alone): some 2 MB of Virtuoso's log, a 25th of its default limit."""
PART_NAMES = 200
"""Graphs (or subjects) one part names: servers compile an update whole."""
TRANSACTION_TOO_LARGE = "SR325"
"""Virtuoso's error for a transaction whose log passed ``TransactionAfterImageLimit``."""


@dataclass(frozen=True)
class Part:
    """What one update copies into a version: graphs whole, or the statements of one graph
    about some of its subjects (``subjects``), or about its subjects that are not IRIs
    (``others``: blank nodes, which no query can name)."""

    statements: int
    """As the working store counts them."""
    graphs: tuple[str, ...]
    subjects: tuple[str, ...] = ()
    others: bool = False

    def pattern(self) -> str:
        """The part's statements, as ``?s ?p ?o``."""
        if self.subjects:
            return f"VALUES ?s {{ {_iris(self.subjects)} }} GRAPH <{self.graphs[0]}> {{ ?s ?p ?o }}"
        if self.others:
            # (Virtuoso holds a blank node as an IRI of its own: isIRI is true of it)
            return f"GRAPH <{self.graphs[0]}> {{ ?s ?p ?o FILTER (isBlank(?s) || !isIRI(?s)) }}"
        return f"VALUES ?g {{ {_iris(self.graphs)} }} GRAPH ?g {{ ?s ?p ?o }}"


def _iris(iris: Sequence[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def parts(store: Store, mine: Callable[[str], bool]) -> Iterator[Part]:
    """The parts of a version holding every graph of ``store`` that is ``mine``."""
    graphs: list[str] = []
    size = 0
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    for graph, n in _counts(store, query):
        if not isinstance(graph, NamedNode) or not mine(graph.value):
            continue
        if n > PART_STATEMENTS:
            yield from _by_subject(store, graph.value)
            continue
        if graphs and (size + n > PART_STATEMENTS or len(graphs) == PART_NAMES):
            yield Part(size, tuple(graphs))
            graphs, size = [], 0
        graphs.append(graph.value)
        size += n
    if graphs:
        yield Part(size, tuple(graphs))


def _by_subject(store: Store, graph: str) -> Iterator[Part]:
    """The parts of one graph too large for one: its subjects, packed."""
    subjects: list[str] = []
    size = others = 0
    query = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?g ?p ?o }} }} GROUP BY ?g"
    for subject, n in _counts(store, query):
        if not isinstance(subject, NamedNode):
            others += n
            continue
        if subjects and (size + n > PART_STATEMENTS or len(subjects) == PART_NAMES):
            yield Part(size, (graph,), tuple(subjects))
            subjects, size = [], 0
        subjects.append(subject.value)
        size += n
    if subjects:
        yield Part(size, (graph,), tuple(subjects))
    if others:
        yield Part(others, (graph,), others=True)


def _counts(store: Store, query: str) -> Iterator[tuple[object, int]]:
    """(``?g``, ``?n``) of a counting query on the working store, as Oxigraph yields them."""
    results = store.query(query)
    assert isinstance(results, QuerySolutions)
    for row in results:
        count = row["n"]
        yield row["g"], int(count.value) if count is not None else 0


def build(client: SparqlClient, where: str, version: str, each: Sequence[Part]) -> None:
    """Copy the parts into ``version`` (emptied first), one update each."""
    client.update(f"DROP SILENT GRAPH <{version}>")
    for part in each:
        try:
            client.update(
                f"INSERT {{ GRAPH <{version}> {{ ?s ?p ?o }} }} WHERE {{ {part.pattern()} }}"
            )
        except StoreError as exc:
            what = f"to copy {part.statements:,} statements into its new version <{version}>"
            raise too_large(exc, where, what, "; readers were not moved to it") from exc


def too_large(exc: StoreError, where: str, what: str, after: str = "") -> StoreError:
    """``exc``, if it is the server's refusal of a transaction larger than it allows
    (Virtuoso's ``SR325``), as one line saying so and naming the setting to raise; else
    ``exc`` itself. ``what``: what it refused to do in one request (``"to copy …"``)."""
    if TRANSACTION_TOO_LARGE not in exc.cause:
        return exc
    said = re.sub(r"^the remote store at \S+ ", "it ", exc.cause)
    return StoreError(
        f"the remote store at {where} refused {what} in one request, a transaction larger "
        "than it allows (on Virtuoso, raise TransactionAfterImageLimit in the [Parameters] "
        "of virtuoso.ini: 50,000,000 bytes by default, some 100 to 250 bytes a statement"
        f"{after}): {said}"
    )


def check_built(client: SparqlClient, where: str, version: str, each: Sequence[Part]) -> None:
    """Fail (``StoreFaultError``) unless ``version`` holds every statement of every part."""
    for part in each:
        rows = list(
            client.select(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ {part.pattern()} "
                f"FILTER NOT EXISTS {{ GRAPH <{version}> {{ ?s ?p ?o }} }} }}"
            )
        )
        lacks = rows[0].get("n") if len(rows) == 1 else None
        if lacks == "0":
            continue
        of = f"the {part.statements:,} statements of {_named(part)}"
        raise StoreFaultError(
            f"the remote store at {where} accepted the build of its new version <{version}> "
            + (
                f"but lacks {lacks} of {of} there: the server, or a proxy before it, did not "
                "keep an update"
                if lacks is not None
                else f"but did not count what it lacks of {of}"
            )
            + " (readers were not moved to it)"
        )


def _named(part: Part) -> str:
    if part.subjects:
        return f"{len(part.subjects)} subjects of <{part.graphs[0]}>"
    if part.others:
        return f"<{part.graphs[0]}> about blank nodes"
    return f"{len(part.graphs)} graphs (<{part.graphs[0]}> …)"


def leftovers(client: SparqlClient, prefix: str, current: str, kept: Collection[str]) -> list[str]:
    """The version graphs (IRIs starting with ``prefix``) the server holds but ``current``
    and ``kept``. They are listed by ``GRAPH ?g { }``, which a server following the standard
    answers from its list of graphs, without reading their statements; one that lists none
    that way (Virtuoso: not even ``current``, which holds the data) is asked for the graphs
    of its statements instead."""
    within = f'FILTER (STRSTARTS(STR(?g), "{prefix}"))'
    found = _graphs(client, f"SELECT ?g WHERE {{ GRAPH ?g {{ }} {within} }}")
    if current not in found:
        found = _graphs(client, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {within} }}")
    return sorted(found - {current, *kept})


def _graphs(client: SparqlClient, select: str) -> set[str]:
    return {str(row["g"]) for row in client.select(select) if row.get("g")}


def drop(client: SparqlClient, graphs: Sequence[str]) -> None:
    """Drop version graphs, ``PART_NAMES`` an update."""
    for start in range(0, len(graphs), PART_NAMES):
        names = graphs[start : start + PART_NAMES]
        client.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in names))


def pointer_names(remote: RemoteEndpoint) -> tuple[str, str, str]:
    """The pointer graph and its two predicates (the current version, a kept one), as
    ``<IRI>``, under the endpoint's own prefix."""
    return f"<{remote.own}pointer>", f"<{remote.own}current>", f"<{remote.own}kept>"


def pointer(client: SparqlClient) -> tuple[str | None, list[str]]:
    """The current version and the kept ones (oldest first), from the pointer graph."""
    graph, current_, kept_ = pointer_names(client.endpoint)
    found = list(client.select(f"SELECT ?p ?v WHERE {{ GRAPH {graph} {{ {graph} ?p ?v }} }}"))
    current = next((r["v"] for r in found if r["p"] == current_[1:-1]), None)
    kept = sorted(r["v"] for r in found if r["p"] == kept_[1:-1] and r["v"])
    return current, kept
