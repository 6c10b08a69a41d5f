"""The embedded Oxigraph store: each triple held once, queries reading the union of graphs.

Each record lives in its own named graph so it can be replaced exactly, and what records
share (an artist's names, a place, a term) is held once, in an entity graph
(``publish.shared``): no triple is in two graphs, so the union of the named graphs — which
Oxigraph repeats a triple in once per graph that holds it — is a set, and queries read it as
their default graph. Nothing is written to the default graph itself.

A store written by an earlier Museion kept the default graph as a materialised merge of the
named graphs (each triple written twice): it is read that way until it is converted
(``publish.layout``), and a snapshot of it keeps being read that way.
"""

from __future__ import annotations

import io
import os
import re
import traceback
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
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
    checked_graph,
    longest_statement,
    oversized_statement,
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
        self.merged_default = self._holds_default()
        """Whether the store keeps its default graph as the merge of its named graphs, as an
        earlier Museion wrote it: queries read that graph, not the union."""

    def _holds_default(self) -> bool:
        return next(self._store.quads_for_pattern(None, None, None, _DEFAULT), None) is not None

    @property
    def oxigraph(self) -> OxStore:
        """The underlying pyoxigraph store, for the endpoint's streaming serialisers."""
        return self._store

    # -- reading -------------------------------------------------------------------------
    def query(self, sparql: str, *, base_iri: str | None = None, **options: Any) -> QueryResult:
        """Run a query against the union of the graphs (or the dataset ``options`` name)."""
        if not self.merged_default and "default_graph" not in options:
            options["use_default_graph_as_union"] = True
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
        """Statements matching a pattern (None matches anything), each once: of the union of
        the graphs (of the merged default graph in a store not yet converted)."""
        graph = _DEFAULT if self.merged_default else None
        return self._store.quads_for_pattern(subject, predicate, obj, graph)

    def select(self, sparql: str) -> list[dict[str, Any]]:
        """A SELECT query's rows as dicts of plain Python values, for Museion's own bookkeeping."""
        results = self.query(sparql)
        try:
            return _plain_rows(results)
        except BaseException as exc:
            # pyoxigraph's results may be dropped only on the thread that made them, and an
            # error raised in a worker thread is dropped by the thread that waits for it
            # (reconciliation's reads): its frames keep none of them.
            traceback.clear_frames(exc.__traceback__)
            raise
        finally:
            del results

    def select_all_copies(self, sparql: str) -> list[dict[str, Any]]:
        """``select``'s rows from the working store and, for a remote store, from the
        server's graphs too (each row once): what a write is to replace where the server
        missed an earlier write, which left it apart from the working store."""
        return self.select(sparql)

    def graph_quads(self, graph: NamedNode) -> Iterator[Quad]:
        return self._store.quads_for_pattern(None, None, None, graph)

    def graphs_with_subject(self, subject: NamedNode) -> set[NamedNode]:
        """The named graphs that say something about ``subject`` (its records, provenance)."""
        return {
            q.graph_name
            for q in self._store.quads_for_pattern(subject, None, None, None)
            if isinstance(q.graph_name, NamedNode)
        }

    def named_graphs(self) -> Generator[NamedNode]:
        for graph in self._store.named_graphs():
            if isinstance(graph, NamedNode):
                yield graph

    def has_graph(self, graph: NamedNode) -> bool:
        return self._store.contains_named_graph(graph)

    def subject_quads(self, graph: NamedNode, subject: NamedNode) -> Iterator[Quad]:
        """What ``graph`` says about ``subject`` (Museion's metadata of one thing)."""
        return self._store.quads_for_pattern(subject, None, None, graph)

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
        self._load([q for qs in graphs.values() for q in qs])

    def replace_serialized_graphs(
        self,
        graphs: Mapping[NamedNode, bytes],
        shared: NamedNode | None = None,
        subjects: Sequence[NamedNode] = (),
        quads: Sequence[Quad] = (),
        *,
        exact: bool = False,
    ) -> dict[NamedNode, bytes]:
        """``replace_graphs`` for graphs given as N-Quads (as pyoxigraph wrote them, each
        line in that graph), and, in the same write, ``replace_subjects(shared, subjects,
        quads)`` (the metadata of those graphs): parsed and loaded by Oxigraph in one call.
        Returns the N-Quads each of the graphs the store held already held before (what a
        change refused later in the run is taken back to: ``publish.refusals``).

        A graph the store holds already is brought to the new text by its difference
        (``_differences``, which reads what it held anyway): a re-harvested record usually
        changes a line or two of its graph, and dropping and loading all of it cost a
        re-harvest of 1% of 100,000 records most of its apply. ``exact``: drop and load every
        graph whole, as a write that may have been interrupted needs.
        """
        self._writable()
        before: dict[NamedNode, bytes] = {}
        if not graphs and not subjects and not quads:
            return before
        for graph, nquads in graphs.items():  # refused before anything is dropped
            checked_graph(graph, nquads)
        if exact:
            before = {g: self.serialized_graph(g) for g in graphs if self.has_graph(g)}
            self._drop(list(graphs))
            additions: Mapping[NamedNode, bytes] = graphs
        else:
            additions = self._differences(graphs, before)
        if shared is not None:
            self._delete_subjects(shared, subjects)
        parts = list(additions.values())
        if quads:
            parts.append(serialize(quads, format=RdfFormat.N_QUADS) or b"")
        text = b"".join(parts)
        if not text:
            return before
        load = self._store.load if text.count(b"\n") < BULK_THRESHOLD else self._store.bulk_load
        try:
            load(text, format=RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError, MemoryError) as exc:
            # MemoryError: Oxigraph's "Reached the buffer maximal size" for an overlong token.
            raise StoreError(f"writing {len(graphs)} graphs failed: {exc}") from exc
        return before

    def serialized_graph(self, graph: NamedNode) -> bytes:
        """What ``graph`` holds, as N-Quads (b"" for a graph it does not hold)."""
        quads = self._store.quads_for_pattern(None, None, None, graph)
        return serialize(quads, format=RdfFormat.N_QUADS) or b""

    streams_new_graphs = True
    """Whether ``load_new_graphs`` writes in one bulk load (the embedded store does)."""

    def load_new_graphs(self, graphs: Iterable[tuple[NamedNode, bytes, Sequence[Quad]]]) -> int:
        """Add graphs the store does not hold, each with its metadata (quads of its graph),
        in one bulk load that reads them as it goes.

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
                checked_graph(graph, nquads)
                yield nquads + (serialize(metadata, format=RdfFormat.N_QUADS) or b"")
                loaded += 1

        stream = ChunkStream(chunks())
        try:
            self._store.bulk_load(io.BufferedReader(stream, 1 << 20), format=RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError, MemoryError) as exc:
            raise StoreError(f"loading new graphs failed after {loaded}: {exc}") from exc
        if stream.error is not None:
            raise stream.error
        return loaded

    def _differences(
        self, graphs: Mapping[NamedNode, bytes], before: dict[NamedNode, bytes]
    ) -> dict[NamedNode, bytes]:
        """Take out of the store what ``graphs`` no longer say; the N-Quads still to load
        (and, in ``before``, what each graph the store held held before).

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
            held = before[graph] = self.serialized_graph(graph)
            if not nquads or b"_:" in nquads or b"_:" in held:
                whole.append(graph)
                additions[graph] = nquads
                continue
            kept = set(held.splitlines())
            lines = nquads.splitlines()
            additions[graph] = b"".join(line + b"\n" for line in lines if line not in kept)
            gone.extend(kept.difference(lines))
        self._drop(whole)
        if gone:
            self._remove_quads(b"\n".join(gone) + b"\n")
        return additions

    def _remove_quads(self, nquads: bytes) -> None:
        """Remove quads of named graphs."""
        removed: list[Quad] = []
        try:
            removed = list(parse(nquads, format=RdfFormat.N_QUADS))
            for quad in removed:
                self._store.remove(quad)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"removing {len(removed)} quads failed: {exc}") from exc

    def _load(self, quads: Sequence[Quad]) -> None:
        """Add quads, with Oxigraph's bulk loader if they are many.

        The bulk loader is several times faster than a transaction on disk, but it is not
        atomic and must not run beside other writers. Museion has one writer per store (the
        workspace lock), nothing reads the working store while it writes (readers use
        published snapshots), and every write is repeatable, so an interrupted load is simply
        done again (see publish.apply).
        """
        try:
            if len(quads) < BULK_THRESHOLD:
                self._store.extend(quads)  # a small write: a transaction is cheaper
            else:
                self._store.bulk_extend(quads)
        except (OSError, ValueError) as exc:
            raise StoreError(f"writing to the store failed: {exc}") from exc

    def ensure_graphs(self, graphs: Mapping[NamedNode, Sequence[Quad]]) -> None:
        """``replace_graphs`` for graphs that rarely change: writes only those that differ."""
        self.replace_graphs(self.differing_graphs(graphs))

    def differing_graphs(
        self, graphs: Mapping[NamedNode, Sequence[Quad]]
    ) -> dict[NamedNode, Sequence[Quad]]:
        """Those of ``graphs`` whose quads (as sets) are not what the store holds in them."""
        return {
            graph: quads
            for graph, quads in graphs.items()
            if set(self.graph_quads(graph)) != set(quads)
        }

    def remove_graphs(self, graphs: Sequence[NamedNode]) -> None:
        self._writable()
        if graphs:
            self._drop(graphs)

    def _drop(self, graphs: Sequence[NamedNode]) -> None:
        try:
            for graph in graphs:
                if self._store.contains_named_graph(graph):
                    self._store.remove_graph(graph)
        except OSError as exc:
            raise StoreError(f"removing {len(graphs)} graphs failed: {exc}") from exc

    def replace_subjects(
        self, graph: NamedNode, subjects: Sequence[NamedNode], quads: Sequence[Quad]
    ) -> None:
        """In a shared graph (Museion's metadata), replace everything said about ``subjects``."""
        self._writable()
        self._delete_subjects(graph, subjects)
        self._load(quads)

    def _delete_subjects(self, graph: NamedNode, subjects: Sequence[NamedNode]) -> None:
        """Remove what ``graph`` says about ``subjects``."""
        try:
            for subject in subjects:
                for quad in list(self._store.quads_for_pattern(subject, None, None, graph)):
                    self._store.remove(quad)
        except OSError as exc:
            raise StoreError(f"updating {graph} failed: {exc}") from exc

    def drop_merged_default(self) -> None:
        """Empty the default graph an earlier Museion kept as the merge of the named graphs,
        once they hold each triple once (``publish.layout``): queries read their union."""
        self._writable()
        try:
            self._store.clear_graph(_DEFAULT)
        except OSError as exc:
            raise StoreError(f"cannot clear the default graph: {exc}") from exc
        self.merged_default = False

    def update_named_graphs(
        self,
        sparql: str,
        *,
        base_iri: str | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        """Run a SPARQL update that changes named graphs, as one transaction. Writes aimed at
        the default graph itself must be refused by the caller: queries read the union of the
        named graphs. (A statement the update adds to a graph when another graph holds it
        already is then read twice.)"""
        self._writable()
        try:
            self._store.update(
                sparql,
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

    def mirror_pending(self) -> bool:
        """Whether the server readers query must yet be sent what this store holds, written
        or not (a remote store not mirrored there since it was empty): the embedded store's
        readers open its snapshots, and have nothing to wait for."""
        return False

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


def _plain_rows(results: object) -> list[dict[str, Any]]:
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
