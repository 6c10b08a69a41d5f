"""A remote store: published data on any server that speaks the SPARQL 1.1 standards.

Museion keeps its working store locally (its own reads — recovery, reconciliation, reports,
the search index — stay fast and offline) and mirrors every write of a record graph to the
server as it happens: one Graph Store Protocol ``PUT`` per graph, or one ``INSERT DATA``
update per batch on a server without the Graph Store Protocol (``store.mirrored``).

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
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import NamedNode

from museion_core.errors import MuseionError, StoreError

from . import mirrored
from .held import asked
from .mirrored import MirroredStore
from .protocol import RemoteEndpoint
from .streamed import Pieces, send_all, stream
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


def unmirrored(path: str | os.PathLike[str]) -> None:
    """The working store at ``path`` is written without a server (embedded): no server it
    was mirrored to is known to hold what it does any more, and one it is mirrored to again
    is sent every graph by the next publish (``RemoteStore._in_sync``)."""
    _mark(Path(path)).unlink(missing_ok=True)


def _mark(path: Path) -> Path:
    return path.with_name(path.name + ".remote")


class RemoteStore(MirroredStore):
    """The local working store, with every write mirrored to a remote server
    (``store.mirrored``) and each publish made a version there (``publish_version``)."""

    def __init__(self, path: str | os.PathLike[str], remote: RemoteEndpoint) -> None:
        fresh = not Path(path).is_dir() or not any(Path(path).iterdir())
        super().__init__(path, remote)
        assert self.path is not None
        self._mark = _mark(self.path)
        """Names the server this working store has been mirrored to since it was empty (and
        not written embedded since: ``unmirrored``)."""
        self._building = self.path.with_name(self.path.name + ".building")
        """Beside the working store while a version is built and until its publish has
        dropped what it left: a publish that finds it there looks for leftover versions."""
        if fresh:
            self._mark.write_text(remote.update_endpoint + "\n", encoding="utf-8")
            self._unsure.clear()  # of a store no longer here

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
        goes in pieces (``mirrored.PUT_STATEMENTS``), or Virtuoso refused it whole (``SR325``); the
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
        limits = {"batch": SYNC_BYTES, "size": mirrored.PUT_STATEMENTS, "limit": mirrored.PUT_BYTES}
        send_all(graphs, self.graph_quads, self._put, self._stream, **limits)

    def _stream(self, graph: NamedNode, cut: Pieces) -> None:
        """A graph larger than one request, sent in pieces as it is read, then checked
        (``store.streamed.stream``). Noted unsure until checked: a graph half sent (the
        server failing, the process killed) is sent again by the next publish."""
        self._unsure.note([graph.value])
        self._forget([graph.value])
        quads = functools.partial(self.graph_quads, graph)
        stream(self.client, graph, cut, quads, lines=mirrored.UPDATE_LINES, size=mirrored.PUT_BYTES)
        self._unsure.settle([graph.value])
