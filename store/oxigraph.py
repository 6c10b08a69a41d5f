"""The embedded Oxigraph store, with the default graph kept as the merge of all named graphs.

Each record lives in its own named graph so it can be replaced exactly. Queries should see the
union of all graphs, but Oxigraph's "default graph as union" repeats a triple once per graph
that holds it (a person described by forty records would have forty names), which breaks
``COUNT`` and ``DISTINCT``-less queries. So Museion materialises the default graph as the RDF
merge — a set — of every named graph, and maintains it on every write: a triple leaves the
default graph only when no named graph holds it any more. Queries then read the plain default
graph, which is also the fastest thing Oxigraph can read.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pyoxigraph import (
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    parse,
    serialize,
)
from pyoxigraph import (
    Store as OxStore,
)

from museion_core.errors import QueryError, StoreError

from .text import (
    MAX_STATEMENT_BYTES,
    ChunkStream,
    checked_copy,
    longest_statement,
    oversized_statement,
    with_default_copies,
    with_default_text,
    without_graph_name,
)

__all__ = [
    "MAX_STATEMENT_BYTES",
    "QueryResult",
    "Store",
    "longest_statement",
    "oversized_statement",
    "without_graph_name",
]

_OVERSIZED = re.compile(
    r"expected one of The query (limit|offset) should be a non negative integer, \['0'\.\.='9'\]"
)


def _plain(exc: SyntaxError) -> str:
    """Oxigraph's parse error, with the one message it garbles (a ``LIMIT`` or ``OFFSET``
    beyond what it can count, which it reports as an expected digit) said plainly."""
    return _OVERSIZED.sub(
        lambda match: (
            f"{match.group(1).upper()} must be a whole number no larger than {2**64 - 1:,}"
        ),
        str(exc),
    )


_PROLOGUE = re.compile(r"(?:\s+|#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*+", re.I)
"""Whitespace, comments and the prologue that may come before a query's or update's form."""
_UPDATE = re.compile(r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)
"""The words an update operation starts with (SPARQL 1.1 Update)."""

QueryResult = QuerySolutions | QueryBoolean | QueryTriples

_DEFAULT = DefaultGraph()

BULK_THRESHOLD = 20_000
"""Quads from which the bulk loader beats a transaction (it costs ~0.1 s per call)."""


def _values(graphs: Iterable[NamedNode]) -> str:
    return " ".join(str(g) for g in graphs)


_REDERIVE_DEFAULT = (
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;\n"
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"
)
"""Make the default graph the merge of the named graphs again, touching only what differs."""


class Store:
    """One Oxigraph store: read-write in the one process that writes, read-only elsewhere."""

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        try:
            if path is None:
                self._store = OxStore()
            elif read_only:
                if not Path(path).is_dir():
                    raise StoreError(f"there is no store at {path}; run `museion harvest` first")
                self._store = OxStore.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = OxStore(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    @property
    def oxigraph(self) -> OxStore:
        """The underlying pyoxigraph store, for the endpoint's streaming serialisers."""
        return self._store

    # -- reading -------------------------------------------------------------------------
    def query(self, sparql: str, *, base_iri: str | None = None, **options: Any) -> QueryResult:
        """Run a query against the merged default graph (or the dataset ``options`` name)."""
        try:
            return self._store.query(sparql, base_iri=base_iri, **options)
        except SyntaxError as exc:
            prologue = _PROLOGUE.match(sparql)
            hint = ""
            if _UPDATE.match(sparql, prologue.end() if prologue else 0):
                hint = " (it reads as an update: send it as update=, by POST)"
            raise QueryError(f"the query is not valid SPARQL{hint}: {_plain(exc)}") from exc
        except OSError as exc:
            raise QueryError(f"the query failed: {exc}", http_status=500) from exc

    def triples(
        self,
        subject: NamedNode | None = None,
        predicate: NamedNode | None = None,
        obj: NamedNode | Literal | None = None,
    ) -> Iterator[Quad]:
        """Statements of the merged default graph matching a pattern (None matches anything)."""
        return self._store.quads_for_pattern(subject, predicate, obj, _DEFAULT)

    def select(self, sparql: str) -> list[dict[str, Any]]:
        """A SELECT query's rows as dicts of plain Python values, for Museion's own bookkeeping."""
        results = self.query(sparql)
        if not isinstance(results, QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in results.variables]
        rows = []
        for solution in results:
            row: dict[str, Any] = {}
            for name in names:
                term = solution[name]
                row[name] = None if term is None else term.value
            rows.append(row)
        return rows

    def graph_quads(self, graph: NamedNode) -> Iterator[Quad]:
        return self._store.quads_for_pattern(None, None, None, graph)

    def graphs_with_subject(self, subject: NamedNode) -> set[NamedNode]:
        """The named graphs that say something about ``subject`` (its records, provenance)."""
        return {
            q.graph_name
            for q in self._store.quads_for_pattern(subject, None, None, None)
            if isinstance(q.graph_name, NamedNode)
        }

    def named_graphs(self) -> Iterator[NamedNode]:
        for graph in self._store.named_graphs():
            if isinstance(graph, NamedNode):
                yield graph

    def has_graph(self, graph: NamedNode) -> bool:
        return self._store.contains_named_graph(graph)

    def __len__(self) -> int:
        return len(self._store)

    # -- writing -------------------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")

    def replace_graphs(self, graphs: Mapping[NamedNode, Sequence[Quad]]) -> None:
        """Make each named graph hold exactly the given quads, and the default graph follow."""
        self._writable()
        if not graphs:
            return
        self._drop(list(graphs))
        self._load(q for qs in graphs.values() for q in qs)

    def replace_serialized_graphs(
        self,
        graphs: Mapping[NamedNode, bytes],
        shared: NamedNode | None = None,
        subjects: Sequence[NamedNode] = (),
        quads: Sequence[Quad] = (),
        *,
        exact: bool = False,
    ) -> None:
        """``replace_graphs`` for graphs given as N-Quads (as pyoxigraph wrote them, each
        line in that graph), and, in the same write, ``replace_subjects(shared, subjects,
        quads)`` (the metadata of those graphs): parsed and loaded by Oxigraph in one call.

        The default-graph copy is the same text with each line's graph name taken off
        (``without_graph_name``), which N-Quads reads as a triple of the default graph.

        A graph the store holds already is brought to the new text by its difference
        (``_differences``): a re-harvested record usually changes a line or two of its graph,
        and dropping and loading all of it cost a re-harvest of 1% of 100,000 records most of
        its apply. ``exact``: drop and load every graph whole, as a write that may have been
        interrupted needs (a bulk load that stopped part-way can leave a quad of a record graph
        without its default copy, which the difference would not see).
        """
        self._writable()
        if not graphs and not subjects and not quads:
            return
        copies: dict[NamedNode, bytes] = {}  # each graph's default copy, taken once
        for graph, nquads in graphs.items():  # refused before anything is dropped
            copies[graph] = checked_copy(graph, nquads)
        if exact:
            self._drop(list(graphs))
            additions: Mapping[NamedNode, bytes] = graphs
        else:
            additions = self._differences(graphs)
        if shared is not None:
            self._delete_subjects(shared, subjects)
        parts = []
        for graph, nquads in additions.items():
            # A graph loaded whole (new, or exact) is its text itself: its copy is taken.
            copy = copies[graph] if nquads is graphs[graph] else without_graph_name(graph, nquads)
            parts += [nquads, copy]
        if quads:
            parts.append(with_default_text(shared, quads))
        text = b"".join(parts)
        if not text:
            return
        load = self._store.load if text.count(b"\n") < BULK_THRESHOLD else self._store.bulk_load
        try:
            load(text, format=RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError, MemoryError) as exc:
            # MemoryError: Oxigraph's "Reached the buffer maximal size" for an overlong token.
            raise StoreError(f"writing {len(graphs)} graphs failed: {exc}") from exc

    streams_new_graphs = True
    """Whether ``load_new_graphs`` writes in one bulk load (the embedded store does)."""

    def load_new_graphs(
        self, graphs: Iterable[tuple[NamedNode, bytes, Sequence[Quad]]], shared: NamedNode
    ) -> int:
        """Add graphs the store does not hold, each with its metadata (quads in ``shared``),
        and the default copies of both, in one bulk load that reads them as it goes.

        For a large first harvest: one load of a whole run costs a fifth to a quarter less
        CPU than a load per batch, for the loader's memory: it holds up to a million quads per
        thread (``bench/apply_write.py``). The store is smaller only until it is compacted.
        Each graph is checked as ``replace_serialized_graphs`` checks it; the first that fails
        ends the load, and the error is raised once what came before it is written (as after
        an interrupted write: write the graphs again, whole). Returns the graphs loaded."""
        self._writable()
        loaded = 0

        def chunks() -> Iterator[bytes]:
            nonlocal loaded
            for graph, nquads, metadata in graphs:
                copy = checked_copy(graph, nquads)
                yield nquads + copy + (with_default_text(shared, metadata) if metadata else b"")
                loaded += 1

        stream = ChunkStream(chunks())
        try:
            self._store.bulk_load(io.BufferedReader(stream, 1 << 20), format=RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError, MemoryError) as exc:
            raise StoreError(f"loading new graphs failed after {loaded}: {exc}") from exc
        if stream.error is not None:
            raise stream.error
        return loaded

    def _differences(self, graphs: Mapping[NamedNode, bytes]) -> dict[NamedNode, bytes]:
        """Take out of the store what ``graphs`` no longer say; the N-Quads still to load.

        A graph the store does not hold is all to load. One it holds is compared line by
        line with the store's own serialisation of it (pyoxigraph writes both, so a quad
        kept is the same line): the lines gone are removed, with their default copies unless
        another named graph still states the triple, and only the new lines are returned.
        Dropped whole instead, and loaded in full: a graph that becomes empty (so that it
        goes, as a dropped graph does) and one with blank nodes, whose labels differ from
        one serialisation to the next."""
        additions: dict[NamedNode, bytes] = {}
        whole: list[NamedNode] = []
        gone: list[bytes] = []
        for graph, nquads in graphs.items():
            if not self._store.contains_named_graph(graph):
                additions[graph] = nquads
                continue
            held = (
                serialize(
                    self._store.quads_for_pattern(None, None, None, graph),
                    format=RdfFormat.N_QUADS,
                )
                or b""
            )
            if not nquads or b"_:" in nquads or b"_:" in held:
                whole.append(graph)
                additions[graph] = nquads
                continue
            before = set(held.splitlines())
            lines = nquads.splitlines()
            additions[graph] = b"".join(line + b"\n" for line in lines if line not in before)
            gone.extend(before.difference(lines))
        self._drop(whole)
        if gone:
            self._remove_quads(b"\n".join(gone) + b"\n")
        return additions

    def _remove_quads(self, nquads: bytes) -> None:
        """Remove quads of named graphs, and the default copy of each triple that no named
        graph states any more (looked up in the store: the first other graph that states it
        ends the look)."""
        removed: list[Quad] = []
        try:
            removed = list(parse(nquads, format=RdfFormat.N_QUADS))
            for quad in removed:
                self._store.remove(quad)
            for quad in removed:
                holders = self._store.quads_for_pattern(quad.subject, quad.predicate, quad.object)
                if all(isinstance(h.graph_name, DefaultGraph) for h in holders):
                    self._store.remove(Quad(quad.subject, quad.predicate, quad.object, _DEFAULT))
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"removing {len(removed)} quads failed: {exc}") from exc

    def _load(self, quads: Iterable[Quad]) -> None:
        """Add quads and their default-graph copies with Oxigraph's bulk loader.

        The bulk loader is several times faster than a transaction on disk, but it is not
        atomic and must not run beside other writers. Museion has one writer per store (the
        workspace lock), nothing reads the working store while it writes (readers use
        published snapshots), and every write is repeatable, so an interrupted load is simply
        done again (see museion.apply).
        """
        both = list(with_default_copies(quads))
        try:
            if len(both) < BULK_THRESHOLD:
                self._store.extend(both)  # a small write: a transaction is cheaper
            else:
                self._store.bulk_extend(both)
        except (OSError, ValueError) as exc:
            raise StoreError(f"writing to the store failed: {exc}") from exc

    def ensure_graphs(self, graphs: Mapping[NamedNode, Sequence[Quad]]) -> None:
        """``replace_graphs`` for graphs that rarely change: writes only those that differ."""
        changed = {
            graph: quads
            for graph, quads in graphs.items()
            if set(self.graph_quads(graph)) != set(quads)
        }
        self.replace_graphs(changed)

    def remove_graphs(self, graphs: Sequence[NamedNode]) -> None:
        self._writable()
        if graphs:
            self._drop(graphs)

    def _drop(self, graphs: Sequence[NamedNode]) -> None:
        existing = [g for g in graphs if self._store.contains_named_graph(g)]
        if not existing:
            return
        values = _values(existing)
        try:
            # Leave the default graph only where no other named graph still holds the triple.
            self._store.update(
                "DELETE { ?s ?p ?o } WHERE { VALUES ?g { " + values + " } GRAPH ?g { ?s ?p ?o } "
                "FILTER NOT EXISTS { GRAPH ?h { ?s ?p ?o } FILTER (?h NOT IN ("
                + ", ".join(str(g) for g in existing)
                + ")) } }"
            )
            for graph in existing:
                self._store.remove_graph(graph)
        except (OSError, ValueError) as exc:
            raise StoreError(f"removing {len(existing)} graphs failed: {exc}") from exc

    def replace_subjects(
        self, graph: NamedNode, subjects: Sequence[NamedNode], quads: Sequence[Quad]
    ) -> None:
        """In a shared graph (Museion's metadata), replace everything said about ``subjects``."""
        self._writable()
        self._delete_subjects(graph, subjects)
        self._load(quads)

    def _delete_subjects(self, graph: NamedNode, subjects: Sequence[NamedNode]) -> None:
        """Remove what ``graph`` says about ``subjects`` (and the default graph's copy, unless
        another graph says it too)."""
        present = [
            s
            for s in subjects
            if next(self._store.quads_for_pattern(s, None, None, graph), None) is not None
        ]
        if not present:
            return  # nothing to delete: spare a query over the whole store
        values = _values(present)
        try:
            self._store.update(
                "DELETE { ?s ?p ?o } WHERE { VALUES ?s { " + values + " } "
                f"GRAPH {graph} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} "
                f"FILTER (?h != {graph}) }} }};\n"
                f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {values} }} "
                f"GRAPH {graph} {{ ?s ?p ?o }} }}"
            )
        except (OSError, ValueError) as exc:
            raise StoreError(f"updating {graph} failed: {exc}") from exc

    def rebuild_default_graph(self) -> None:
        """Recompute the default graph from the named graphs (after an interrupted write)."""
        self._writable()
        self._store.update(
            "DROP SILENT DEFAULT; INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
        )

    def update_named_graphs(
        self,
        sparql: str,
        *,
        base_iri: str | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        """Run a SPARQL update that changes named graphs, and let the default graph follow it.

        The update and the re-derivation of the default graph run as one transaction: a reader
        of the store sees both or neither. The re-derivation reads the whole store (it cannot
        know which triples the update's patterns touched), which suits corrections, not bulk
        loads. ``sparql`` must hold at least one operation and no trailing ``;``. Writes
        aimed at the default graph itself must be refused by the caller: the default graph is
        derived, and they would be undone here.
        """
        self._writable()
        try:
            self._store.update(
                sparql + "\n;\n" + _REDERIVE_DEFAULT,
                base_iri=base_iri,
                prefixes=dict(prefixes) if prefixes else None,
            )
        except SyntaxError as exc:
            raise QueryError(f"the update is not valid SPARQL: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"the update failed: {exc}") from exc

    def update(self, sparql: str) -> None:
        self._writable()
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"the update is not valid SPARQL: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"the update failed: {exc}") from exc

    def probe_write(self) -> None:
        """Raise the store's refusal of a small write of its own, if it refuses one: whether a
        refused batch was the store's fault or a record's (``publish.refusals``). The embedded
        store refuses records, not writes: nothing to try."""

    def publish_version(self, name: str, keep: int) -> None:
        """Make a published snapshot visible on a server: nothing to do for the embedded
        store, whose readers open the snapshot itself (see ``store.remote``)."""

    def backup(self, target: str | os.PathLike[str]) -> None:
        """A consistent copy of the store (hard links where it can), for published snapshots."""
        try:
            self._store.backup(str(target))
        except OSError as exc:
            raise StoreError(f"cannot back up the store to {target}: {exc}") from exc

    def close(self) -> None:
        """Flush and release the store (and its lock); the object is unusable afterwards."""
        self.flush()
        del self._store

    def flush(self) -> None:
        if not self.read_only:
            self._store.flush()

    def optimize(self) -> None:
        """Compact the whole store (RocksDB's full compaction: it needs room on the disk for
        what it writes before what it replaces goes)."""
        if not self.read_only:
            try:
                self._store.optimize()
            except OSError as exc:
                raise StoreError(f"cannot compact the store: {exc}") from exc
