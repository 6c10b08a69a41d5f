"""A working store whose every write is mirrored to a remote server (``store.remote``): the
server is written first, by the SPARQL 1.1 Graph Store Protocol or Update, each write checked
there (``store.held``), and the working store only once the server took it.

Museion keeps its working store locally (its own reads — recovery, reconciliation, reports,
the search index — stay fast and offline) and mirrors every write of a record graph to the
server as it happens: one Graph Store Protocol ``PUT`` per graph, or one ``INSERT DATA``
update per batch on a server without the Graph Store Protocol. What a write that failed
midway may have left on the server otherwise is noted (``store.unsure``); publishing a
version, and sending what such writes left, is ``RemoteStore``'s (``store.remote``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pyoxigraph import NamedNode, Quad

from museion_core.errors import StoreError, StoreFaultError

from .held import check_dropped, check_graphs, check_subjects
from .oxigraph import Store, without_graph_name
from .pieces import insert, ntriples, pieces
from .protocol import RemoteEndpoint, SparqlClient
from .streamed import send_graph
from .text import checked_graph
from .unsure import Unsure

__all__ = ["PUT_BYTES", "PUT_STATEMENTS", "UPDATE_LINES", "UPDATE_SUBJECTS", "MirroredStore"]

PUT_STATEMENTS = 20_000
"""Statements one request writes of a graph at most: a larger graph (the metadata graph, a
dataset's, an entity graph many records share) is sent in pieces, a PUT of the first and a
POST of each other (or ``INSERT DATA`` updates), since Virtuoso aborts a transaction whose
log passes its ``TransactionAfterImageLimit`` (``store.versions``). A PUT logs some 200–250
bytes a statement there: 20,000 are some 5 MB, a tenth of its default limit."""
PUT_BYTES = 4 * 1024 * 1024
"""Bytes one request carries of a graph's N-Triples at most (``PUT_STATEMENTS`` bounds
their number, this their size: 20,000 statements with long texts are a larger request, and
a larger transaction log, than 20,000 short ones)."""
UPDATE_SUBJECTS = 200
"""Subjects (or graphs) one update names: servers compile an update whole (Virtuoso runs out
of memory on one of some 5,000 statements)."""
UPDATE_LINES = 1000
"""Statements one ``INSERT DATA`` update carries."""


class MirroredStore(Store):
    """The local working store, with every write mirrored to a remote server and checked
    there (``RemoteStore`` publishes what the server holds as versions)."""

    def __init__(self, path: str | os.PathLike[str], remote: RemoteEndpoint) -> None:
        super().__init__(path)
        self.remote = remote
        self.client = SparqlClient(remote)
        assert self.path is not None
        self._unsure = Unsure(self.path.with_name(self.path.name + ".unsure"))
        """What a write that failed midway may have left on the server otherwise than here:
        sent again as the working store holds it by a later write, or the next publish."""
        self._accepted: dict[str, bytes] = {}
        """Graphs the server accepted a PUT of (by a digest of what was PUT) in a write broken
        off before its check (by a record the server refused): written again, in halves
        (``publish.refusals``), they are not sent again, only checked."""

    streams_new_graphs = False
    """Every write is mirrored graph by graph to the server: a run is applied in batches."""

    # -- mirrored writes --------------------------------------------------------------------
    # The server is written first, the working store only once the server took the write: a
    # write the server refuses (a value its parser rejects) leaves the working store as it
    # was, and what the refused write may have changed on the server is put back as the
    # working store holds it (``_put_back``). The local snapshot, pages and search then never
    # show a record the server's versions do not have, nor a change the server refused.
    # A write that fails, of whatever cause, notes what it names as unsure (``_in_step``),
    # sent again as the working store holds it by the next publish (``_mend``).
    def replace_graphs(self, graphs: Mapping[NamedNode, Sequence[Quad]]) -> None:
        with self._in_step(graphs):
            self._put({graph: ntriples(quads) for graph, quads in graphs.items()})
            super().replace_graphs(graphs)

    def ensure_graphs(self, graphs: Mapping[NamedNode, Sequence[Quad]]) -> None:
        # The server may have missed the last write (it was down): these few graphs are
        # always sent, the local store is written only where they differ.
        with self._in_step(graphs):
            self._put({graph: ntriples(quads) for graph, quads in graphs.items()})
            super().replace_graphs(self.differing_graphs(graphs))

    def replace_serialized_graphs(
        self,
        graphs: Mapping[NamedNode, bytes],
        shared: NamedNode | None = None,
        subjects: Sequence[NamedNode] = (),
        quads: Sequence[Quad] = (),
        *,
        exact: bool = False,
    ) -> dict[NamedNode, bytes]:
        for graph, nquads in graphs.items():  # refused before the server is sent anything
            checked_graph(graph, nquads)
        with self._in_step(graphs), self._in_step([shared] if shared else [], subjects):
            self._put({g: without_graph_name(g, nquads) for g, nquads in graphs.items()})
            if shared is not None:
                try:
                    self._replace_subjects(shared, subjects, quads)
                except StoreFaultError:
                    raise
                except StoreError as exc:  # the graphs were taken: back to the working store's
                    self._put_back(list(graphs))
                    exc.put_back = True
                    raise
            return super().replace_serialized_graphs(graphs, shared, subjects, quads, exact=exact)

    def remove_graphs(self, graphs: Sequence[NamedNode]) -> None:
        with self._in_step(graphs):
            self._withdraw([g.value for g in graphs])
            super().remove_graphs(graphs)

    @contextlib.contextmanager
    def _in_step(
        self, graphs: Iterable[NamedNode], subjects: Sequence[NamedNode] | None = None
    ) -> Iterator[None]:
        """A write of ``graphs`` whole (or of ``subjects`` of each), on the server and then in
        the working store. Failed, of whatever cause, they are noted as unsure; but a refusal
        that was put back (``StoreError.put_back``) noted only what it left (``_put``: the
        graphs it sent whole before the refused one, which the write in halves sends again).
        Done, they are no longer unsure (a batch refused, then written in halves, is settled
        by its halves)."""
        names = [g.value for g in graphs]
        said = None if subjects is None else [s.value for s in subjects]
        try:
            yield
        except BaseException as exc:
            if not (isinstance(exc, StoreError) and exc.put_back):
                self._unsure.note(names, said)
            raise
        self._unsure.settle(names, said)

    def _withdraw(self, graphs: Sequence[str]) -> None:
        """Drop graphs on the server, and check that it holds none of them any more."""
        self._forget(graphs)
        for start in range(0, len(graphs), UPDATE_SUBJECTS):
            drops = [f"DROP SILENT GRAPH <{g}>" for g in graphs[start : start + UPDATE_SUBJECTS]]
            self.client.update(" ;\n".join(drops))
        check_dropped(self.client, self.remote.update_endpoint, graphs)

    def replace_subjects(
        self, graph: NamedNode, subjects: Sequence[NamedNode], quads: Sequence[Quad]
    ) -> None:
        with self._in_step([graph], subjects):
            self._replace_subjects(graph, subjects, quads)
            super().replace_subjects(graph, subjects, quads)

    def _put_back(self, graphs: Sequence[NamedNode]) -> None:
        """Make the server hold ``graphs`` as the working store does, after a refused write
        that may have changed them there. A server that refuses this too (it took the same
        statements before) has them noted as unsure, for the next publish (``_mend``)."""
        try:
            self._put({g: without_graph_name(g, self.serialized_graph(g)) for g in graphs})
        except StoreError:  # sent again as the working store holds them by the next publish
            self._unsure.note(g.value for g in graphs)

    def select_all_copies(self, sparql: str) -> list[dict[str, Any]]:
        rows = super().select_all_copies(sparql)
        seen = {frozenset(row.items()) for row in rows}
        for row in self.client.select(sparql):  # a set: a source's quarantine may be long
            key = frozenset(row.items())
            if key not in seen:
                seen.add(key)
                rows.append(row)
        return rows

    def update_named_graphs(
        self,
        sparql: str,  # noqa: ARG002 - the embedded store's signature
        *,
        base_iri: str | None = None,  # noqa: ARG002
        prefixes: Mapping[str, str] | None = None,  # noqa: ARG002
    ) -> None:
        raise StoreError(
            "SPARQL Update through Museion is not available with a remote store "
            '([store] kind = "sparql"): harvest the change, or update the server itself'
        )

    def _put(self, graphs: Mapping[NamedNode, bytes]) -> None:
        """Make each graph on the server hold exactly these N-Triples, and check that it
        does (``_check_held``). A write refused midway puts back the graphs it left half
        written (``_put_back``): a request the server refuses changes nothing, but a graph
        sent in several (a DROP, then updates; a PUT, then POSTs) is changed by the first."""
        begun: set[NamedNode] = set()
        """Graphs whose first request the server took, and not yet their last."""
        taken: set[NamedNode] = set()
        """Graphs whose first request the server took (their last too, unless ``begun``)."""
        try:
            if self.remote.graph_store_endpoint is not None:
                for graph, text in graphs.items():
                    digest = hashlib.blake2b(text, digest_size=16).digest()
                    if self._accepted.get(graph.value) == digest:
                        continue
                    self._accepted.pop(graph.value, None)
                    send_graph(self.client, graph, pieces(text, PUT_STATEMENTS, PUT_BYTES), begun)
                    taken.add(graph)
                    self._accepted[graph.value] = digest
            else:
                self._forget(g.value for g in graphs)
                items = list(graphs.items())
                for start in range(0, len(items), UPDATE_SUBJECTS):
                    batch = items[start : start + UPDATE_SUBJECTS]
                    self.client.update(" ;\n".join(f"DROP SILENT GRAPH {g}" for g, _ in batch))
                    begun.update(g for g, _ in batch)
                    taken.update(g for g, _ in batch)
                    self._insert(batch, begun)
        except StoreFaultError:
            raise  # the server failing: noted unsure whole (``_in_step``)
        except StoreError as exc:
            # those taken whole differ from the working store until written again (in halves)
            self._unsure.note(g.value for g in taken - begun)
            self._put_back(sorted(begun, key=lambda g: g.value))
            exc.put_back = True
            raise
        try:
            self._check_held(graphs)
        finally:  # checked, or to be sent again
            self._forget(g.value for g in graphs)

    def _forget(self, graphs: Iterable[str]) -> None:
        """Written anew: no longer as the server accepted them (``_accepted``)."""
        for graph in graphs:
            self._accepted.pop(graph, None)

    def probe_write(self) -> None:
        """A small write of Museion's own, by each way a batch is written (a PUT, and an
        update), to a graph of its bookkeeping that no version holds."""
        probe = f"<{self.remote.own}probe>"
        fact = f'{probe} <{self.remote.own}probed> "written" .'
        if self.remote.graph_store_endpoint is not None:
            self.client.put_graph(probe[1:-1], fact.encode() + b"\n")
        self.client.update(
            f"DROP SILENT GRAPH {probe} ;\nINSERT DATA {{ GRAPH {probe} {{ {fact} }} }}"
        )

    def _check_held(self, graphs: Mapping[NamedNode, bytes]) -> None:
        """Fail (``StoreFaultError``) unless the server holds each graph as it was sent
        (``store.held``). The caller writes the index only after this returns, so a failed
        check leaves the batch's records unindexed: the next run writes them again."""
        where = self.remote.graph_store_endpoint or self.remote.update_endpoint
        check_graphs(self.client, where, graphs)

    def _insert(
        self, graphs: Iterable[tuple[NamedNode, bytes]], begun: set[NamedNode] | None = None
    ) -> None:
        """``INSERT DATA`` of N-Triples into graphs (``store.pieces.insert``), in updates of
        about ``UPDATE_LINES`` statements and ``PUT_BYTES``."""
        where = self.remote.update_endpoint
        insert(self.client, where, graphs, begun, lines=UPDATE_LINES, size=PUT_BYTES)

    def _replace_subjects(
        self, graph: NamedNode, subjects: Sequence[NamedNode], quads: Sequence[Quad]
    ) -> None:
        """What ``graph`` says of ``subjects``, on the server; refused, put back as the
        working store says it (the statements were deleted before the refused insert)."""
        try:
            self._send_subjects(graph, subjects, quads)
        except StoreFaultError:
            raise
        except StoreError as exc:
            held = [q for s in subjects for q in self.subject_quads(graph, s)]
            try:
                self._send_subjects(graph, subjects, held)
            except StoreError:  # as ``_put_back``
                self._unsure.note([graph.value], (s.value for s in subjects))
            exc.put_back = True
            raise

    def _send_subjects(
        self, graph: NamedNode, subjects: Sequence[NamedNode], quads: Sequence[Quad]
    ) -> None:
        # In several updates, not one: the server's record graphs are read by no query (the
        # versions are), so the steps need not be atomic, and some servers (Virtuoso) cannot
        # compile one update of many thousand statements.
        for start in range(0, len(subjects), UPDATE_SUBJECTS):
            values = " ".join(str(s) for s in subjects[start : start + UPDATE_SUBJECTS])
            self.client.update(
                f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {values} }} "
                f"GRAPH {graph} {{ ?s ?p ?o }} }}"
            )
        by_graph: dict[NamedNode, list[Quad]] = defaultdict(list)
        for quad in quads:
            if isinstance(quad.graph_name, NamedNode):
                by_graph[quad.graph_name].append(quad)
        self._forget([graph.value, *(g.value for g in by_graph)])
        self._insert((g, ntriples(qs)) for g, qs in by_graph.items())
        check_subjects(self.client, self.remote.update_endpoint, graph, subjects, quads)

    def close(self) -> None:
        self.client.close()
        super().close()
