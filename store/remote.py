"""A remote store: published data on any server that speaks the SPARQL 1.1 standards.

Museion keeps its working store locally (its own reads — recovery, reconciliation, reports,
the search index — stay fast and offline) and mirrors every write of a record graph to the
server as it happens: one Graph Store Protocol ``PUT`` per graph, or one ``INSERT DATA``
update per batch on a server without the Graph Store Protocol.

The server never shows a half-written run. Queries do not read the record graphs: each publish
builds, on the server, a *version* — one named graph holding the merge of every record graph
(the same duplicate-free set the embedded store keeps as its default graph), in updates of a
bounded size that no reader sees (``store.versions``) — and then switches a small pointer
graph to it in one update operation, which the server applies atomically. Readers look the
pointer up and name the version as the query's default graph (``default-graph-uri``), so a
query runs against one whole version; the versions before it are kept for queries still
running on them and dropped after ``keep`` publishes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad

from museion_core.errors import MuseionError, StoreError, StoreFaultError

from .held import asked, check_dropped, check_graphs, check_subjects
from .oxigraph import Store, without_graph_name
from .pieces import insert, ntriples, pieces
from .protocol import RemoteEndpoint, SparqlClient
from .streamed import Pieces, send_all, send_graph, stream
from .text import checked_graph
from .unsure import Unsure
from .versions import build, check_built, drop, is_mine, leftovers, mine, parts, pointer_names
from .versions import pointer as _pointer

__all__ = ["POINTER_GRAPH", "VERSION_PREFIX", "RemoteStore", "unmirrored"]

OWN = RemoteEndpoint.model_fields["own"].default
"""Graphs of Museion's own bookkeeping on the server (never part of a version), unless
``[store] own_graphs`` names another prefix (``RemoteEndpoint.own``)."""
VERSION_PREFIX = OWN + "version:"
POINTER_GRAPH = OWN + "pointer"
_log = logging.getLogger("museion.store")

SYNC_BYTES = 32 * 1024 * 1024
"""N-Triples held at a time when the working store is first mirrored to a server
(``_sync``): its graphs are read one by one and sent, then checked, in batches of about this
size, not 500 graphs at a time, which with the metadata graph of a million records and many
record graphs held gigabytes of text at once; a graph larger than one request is sent in
pieces as it is read (``store.streamed``), alone."""
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


def unmirrored(path: str | os.PathLike[str]) -> None:
    """The working store at ``path`` is written without a server (embedded): no server it
    was mirrored to is known to hold what it does any more, and one it is mirrored to again
    is sent every graph by the next publish (``RemoteStore._in_sync``)."""
    _mark(Path(path)).unlink(missing_ok=True)


def _mark(path: Path) -> Path:
    return path.with_name(path.name + ".remote")


class RemoteStore(Store):
    """The local working store, with every write mirrored to a remote server and each
    publish made a version there (``publish_version``)."""

    def __init__(self, path: str | os.PathLike[str], remote: RemoteEndpoint) -> None:
        fresh = not Path(path).is_dir() or not any(Path(path).iterdir())
        super().__init__(path)
        self.remote = remote
        self.client = SparqlClient(remote)
        assert self.path is not None
        self._mark = _mark(self.path)
        """Names the server this working store has been mirrored to since it was empty (and
        not written embedded since: ``unmirrored``)."""
        self._building = self.path.with_name(self.path.name + ".building")
        """Beside the working store while a version is built and until its publish has
        dropped what it left: a publish that finds it there looks for leftover versions."""
        self._unsure = Unsure(self.path.with_name(self.path.name + ".unsure"))
        """What a write that failed midway may have left on the server otherwise than here:
        sent again as the working store holds it by a later write, or the next publish."""
        if fresh:
            self._mark.write_text(remote.update_endpoint + "\n", encoding="utf-8")
            self._unsure.clear()  # of a store no longer here
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

    # -- publishing -------------------------------------------------------------------------
    def publish_version(self, name: str, keep: int) -> None:
        """Build version ``name`` on the server from its record graphs, then point readers
        at it in one update operation; drop the versions past ``keep``."""
        if not self._in_sync():
            self._sync()
            self._unsure.clear()  # every graph sent
        elif self._unsure:
            self._mend()
        prefix = self.remote.own + "version:"
        version = prefix + name
        where = self.remote.update_endpoint
        # In parts (store.versions), not one update: Virtuoso refuses a transaction larger
        # than its TransactionAfterImageLimit. No reader sees the version until it is whole.
        each = list(parts(self, lambda graph: is_mine(self.remote, graph)))
        left = self._building.exists()  # a build before this one did not end cleanly
        self._building.write_text(version + "\n", encoding="utf-8")
        try:
            build(self.client, where, version, each)
            self._check_kept(version)
            check_built(self.client, where, version, each)
        except Exception:
            with contextlib.suppress(MuseionError):  # no reader is pointed at it
                self.client.update(f"DROP SILENT GRAPH <{version}>")
            raise
        current, kept = _pointer(self.client)
        keeping = sorted({*kept, version})[-keep:]
        pointer, current_, kept_ = pointer_names(self.remote)
        facts = f"{pointer} {current_} <{version}> . " + " ".join(
            f"{pointer} {kept_} <{v}> ." for v in keeping
        )
        if current is None:  # the first publish: there is no pointer to move yet
            self.client.update(f"INSERT DATA {{ GRAPH {pointer} {{ {facts} }} }}")
        else:
            # One DELETE/INSERT operation, which the server applies whole: the pointer moves
            # from one complete version to the next. (Its WHERE must match: Virtuoso inserts
            # nothing for a solution that leaves the DELETE template unbound.)
            self.client.update(
                f"DELETE {{ GRAPH {pointer} {{ ?s ?p ?o }} }} "
                f"INSERT {{ GRAPH {pointer} {{ {facts} }} }} "
                f"WHERE {{ GRAPH {pointer} {{ ?s ?p ?o }} }}"
            )
        if _pointer(self.client)[0] != version:
            self._distrust()
            raise StoreError(
                f"the remote store at {self.remote.update_endpoint} accepted the move of its "
                f"pointer to <{version}> but does not show it: the server did not keep the "
                "update (its readers still see the version before)"
            )
        drop(self.client, [v for v in kept if v not in keeping])
        # What a publish killed midway, or whose drop of its failed build failed, left: found
        # by the versions' prefix, and again by the next publish if the server refuses this.
        # Only after such a publish (``_building`` was left): on Virtuoso the listing reads
        # every statement of the versions, which no publish should pay for nothing.
        try:
            if left:
                drop(self.client, leftovers(self.client, prefix, version, keeping))
            self._building.unlink(missing_ok=True)
        except MuseionError as exc:
            _log.warning("versions no reader reads are left on the server: %s", exc.one_line())
        mark = f"{self.remote.update_endpoint}\n{self.remote.own}\n"  # and where readers look
        self._mark.write_text(mark, encoding="utf-8")

    def mirror_pending(self) -> bool:
        """The server is not known to hold what this store does (a new server, one shown to
        lose writes; a write failed midway): the next publish sends it every graph (or what
        the write left unsure, ``_mend``), even if no run wrote any. Or readers look under
        another prefix than the last publish's (``own_graphs`` changed): one is built there."""
        return not self._in_sync() or bool(self._unsure) or self._pointed_under() != self.remote.own

    def _pointed_under(self) -> str:
        """The prefix of the pointer the last publish moved (``OWN`` in a mark from before
        it was noted there, the only prefix there was then)."""
        lines = self._marked()
        return lines[1].strip() if len(lines) > 1 else OWN

    def _marked(self) -> list[str]:
        with contextlib.suppress(FileNotFoundError):
            return self._mark.read_text(encoding="utf-8").splitlines()
        return []

    def _mend(self) -> None:
        """Send what failed writes left unsure (``store.unsure``) as the working store holds
        it: a graph whole (dropped, if the working store holds it no more), or what a graph
        says of some subjects. A failure here leaves it unsure, for the next publish."""
        entries = list(self._unsure.graphs.items())
        whole = [NamedNode(g) for g, subjects in entries if subjects is None]
        held = [g for g in whole if self.oxigraph.contains_named_graph(g)]
        self._withdraw([g.value for g in whole if g not in held])
        self._send_all(held)
        for graph, subjects in entries:
            if subjects is not None:
                node, named = NamedNode(graph), [NamedNode(s) for s in sorted(subjects)]
                self._send_subjects(
                    node, named, [q for s in named for q in self.subject_quads(node, s)]
                )
        self._unsure.settle([g for g, _ in entries])

    def _check_kept(self, version: str) -> None:
        """Refuse to point readers at an empty version while the working store holds data: a
        server (or a proxy before it) that answered every write 204 and kept nothing had the
        run reported published, and the endpoint serving nothing."""
        ask = f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} {mine(self.remote)} }}"
        if not bool(self.query(ask)) or asked(
            self.client, f"ASK {{ GRAPH <{version}> {{ ?s ?p ?o }} }}"
        ):
            return
        self._distrust()
        raise StoreError(
            f"the remote store at {self.remote.update_endpoint} accepted every write but "
            f"its new version <{version}> holds nothing: the server did not keep the data "
            "(readers were not moved to it)"
        )

    def _distrust(self) -> None:
        """The server was shown not to keep what it accepted: the working store is no longer
        taken as mirrored there, and the next publish sends every graph again (``_sync``),
        not only the next run's changes, which would have left the lost writes lost."""
        self._mark.unlink(missing_ok=True)

    def _in_sync(self) -> bool:
        lines = self._marked()
        unknown = self._unsure.damaged  # what failed writes left is not known: send all
        return not unknown and bool(lines) and lines[0].strip() == self.remote.update_endpoint

    def _sync(self) -> None:
        """Make the server's record graphs those of the working store (a store that was
        embedded before, or mirrored to another server): send every graph, drop the rest.
        A graph larger than one request should carry (the metadata graph, an entity graph)
        goes in pieces (``PUT_STATEMENTS``), or Virtuoso refused it whole (``SR325``); the
        graphs are read one by one (``_send_all``)."""
        remote = {
            row["g"]
            for row in self.client.select(
                f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {mine(self.remote)} }}"
            )
            if row["g"]
        }
        held = self.oxigraph.contains_named_graph
        self._withdraw(sorted(g for g in remote if not held(NamedNode(g))))
        graphs = self.named_graphs()
        try:
            self._send_all(graphs)
        finally:  # its reader (unsendable) is dropped here, not by a collection on another thread
            graphs.close()

    def _send_all(self, graphs: Iterable[NamedNode]) -> None:
        """Send ``graphs`` as the working store holds them, read one by one, no more than a
        batch of ``SYNC_BYTES`` held at a time (``store.streamed.send_all``)."""
        limits = {"batch": SYNC_BYTES, "size": PUT_STATEMENTS, "limit": PUT_BYTES}
        send_all(graphs, self.graph_quads, self._put, self._stream, **limits)

    def _stream(self, graph: NamedNode, cut: Pieces) -> None:
        """A graph larger than one request, sent in pieces as it is read, then checked
        (``store.streamed.stream``). Noted unsure until checked: a graph half sent (the
        server failing, the process killed) is sent again by the next publish."""
        self._unsure.note([graph.value])
        self._forget([graph.value])
        quads = functools.partial(self.graph_quads, graph)
        stream(self.client, graph, cut, quads, lines=UPDATE_LINES, size=PUT_BYTES)
        self._unsure.settle([graph.value])

    def close(self) -> None:
        self.client.close()
        super().close()
