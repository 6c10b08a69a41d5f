"""A graph of any size read from the working store for a remote server without its whole
text held at once: what the first sync (``RemoteStore._sync``) and the mending of failed
writes (``RemoteStore._mend``) send.

A graph that fits in one request is read whole, and sent in a batch with others. A larger
one (the metadata graph: some 13 statements a record, on the order of 2 GB of N-Triples at a
million records) is cut into pieces as its statements are read, one piece held at a time
(``store.pieces.cut``): the statements that name a blank node are kept aside and sent last,
all in one piece, since a blank node's label holds within one request only.

Such a graph is checked by its number of statements alone: read from the working store, an
Oxigraph store, it holds each value once as a server that keeps values does (``"01"`` and
``"1"`` as one ``xsd:integer``), so the server holds exactly as many. Held otherwise, it is
written again whole, read again piece by piece (``REWRITES``): its statements are never read
back into memory at once to learn why.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Generator, Iterable, Iterator

from pyoxigraph import NamedNode, Quad

from museion_core.errors import StoreError, StoreFaultError

from .held import GRAPHS, Sent, statements, unheld
from .pieces import cut, insert, ntriples
from .protocol import SparqlClient
from .versions import too_large

__all__ = ["Pieces", "read", "send_all", "send_graph", "stream"]

GROUP = 1000
"""Statements serialized at a time (one call of the serializer each, not one a statement)."""
REWRITES = 2
"""Times a graph sent in pieces is written again, whole, when the server does not hold as
many statements as were sent (a write it, or a proxy before it, lost part of; a statement
another client added to the graph between the write and its check): a PUT, or a DROP and
its inserts, replace the graph, so each attempt starts from nothing on the server."""
_log = logging.getLogger("museion.store")


def _lines(quads: Iterable[Quad]) -> Iterator[bytes]:
    """A graph's statements as N-Triples, one line each, serialized ``GROUP`` at a time."""
    taken = iter(quads)
    while group := list(itertools.islice(taken, GROUP)):
        yield from ntriples(group).splitlines(keepends=True)


def _joined(head: list[bytes], lines: Iterator[bytes]) -> Iterator[bytes]:
    """``head``, then the rest of ``lines``: closed, it closes them (``Pieces.close``)."""
    yield from head
    yield from lines


class Pieces:
    """A graph's N-Triples in the pieces of ``store.pieces.cut`` (at most ``size`` statements
    and ``limit`` bytes; the statements that name a blank node in the last piece), read as
    they are taken. ``statements``: how many were taken so far (all of them, once the pieces
    are)."""

    def __init__(self, lines: Iterator[bytes], size: int, limit: int) -> None:
        self._lines = lines
        self.size = size
        self.limit = limit
        self.statements = 0

    def close(self) -> None:
        """Let go of the store's reader now, on this thread: an error's frames hold these
        pieces, and pyoxigraph's readers may be dropped only on the thread that made them
        (a garbage collection run by another thread would drop it there)."""
        if isinstance(self._lines, Generator):
            self._lines.close()

    def __iter__(self) -> Iterator[bytes]:
        return cut(self._counted(), self.size, self.limit)

    def _counted(self) -> Iterator[bytes]:
        for line in self._lines:
            self.statements += 1
            yield line


def read(quads: Iterable[Quad], size: int, limit: int) -> bytes | Pieces:
    """A graph's N-Triples whole if they fit in one request (``size`` statements, ``limit``
    bytes), or else in ``Pieces``: no more than one request's text is read before that is
    known."""
    lines = _lines(quads)
    head: list[bytes] = []
    held = 0
    for line in lines:
        head.append(line)
        held += len(line)
        if len(head) > size or held > limit:
            return Pieces(_joined(head, lines), size, limit)
    return b"".join(head)


def send_all(
    graphs: Iterable[NamedNode],
    quads: Callable[[NamedNode], Iterable[Quad]],
    put: Callable[[dict[NamedNode, bytes]], None],
    streamed: Callable[[NamedNode, Pieces], None],
    *,
    batch: int,
    size: int,
    limit: int,
) -> None:
    """Send ``graphs``, their statements read one graph at a time (``quads``): those that
    fit in one request (``size`` statements, ``limit`` bytes) in batches of about ``batch``
    bytes (``put``), a larger one alone, in pieces as it is read (``streamed``, ``stream``):
    no more than a batch, or a piece, is held at a time."""
    held: dict[NamedNode, bytes] = {}
    total = 0  # the bytes of ``held``, kept as they come, not summed again for each graph
    for graph in graphs:
        text = read(quads(graph), size, limit)
        if isinstance(text, Pieces):
            try:
                streamed(graph, text)
            finally:
                text.close()
            continue
        if held and total + len(text) > batch:
            put(held)
            held, total = {}, 0
        held[graph] = text
        total += len(text)
    if held:
        put(held)


def stream(
    client: SparqlClient,
    graph: NamedNode,
    first: Pieces,
    quads: Callable[[], Iterable[Quad]],
    *,
    lines: int,
    size: int,
) -> None:
    """A graph larger than one request, sent in ``Pieces`` as it is read — a PUT, then POSTs
    (``send_graph``); or a DROP, then ``INSERT DATA`` updates of ``lines`` statements and
    ``size`` bytes — then checked by its number of statements. Held otherwise, it is read
    again (``quads``) and written again, ``REWRITES`` times at most, then a
    ``StoreFaultError`` (noted unsure by the caller, it is sent again by the next publish)."""
    remote = client.endpoint
    where = remote.graph_store_endpoint or remote.update_endpoint
    for attempt in range(REWRITES + 1):
        again = Pieces(_lines(quads()), first.size, first.limit) if attempt else first
        try:
            _write(client, graph, again, lines=lines, size=size)
        finally:
            if attempt:  # the caller closes the first
                again.close()
        short = unheld(client, {graph.value: Sent(again.statements, None)}, GRAPHS)
        if not short:
            return
        [(_, held, sent)] = short
        if attempt < REWRITES:
            _log.warning(
                "the remote store at %s holds %s statements of %s, written with %s: it is "
                "written again",
                where,
                f"{held:,}",
                graph.value,
                f"{sent:,}",
            )
    raise StoreFaultError(
        f"the remote store at {where} holds {held:,} statements of <{graph.value}>, written "
        f"{REWRITES + 1} times with {sent:,}: the server, or a proxy before it, did not keep "
        "part of each write, or another client writes to this graph; it is sent again by "
        "the next publish"
    )


def _write(
    client: SparqlClient, graph: NamedNode, pieces: Pieces, *, lines: int, size: int
) -> None:
    """``graph`` on the server made to hold what ``pieces`` reads, and nothing else."""
    remote = client.endpoint
    if remote.graph_store_endpoint is not None:
        send_graph(client, graph, pieces, set())
    else:
        client.update(f"DROP SILENT GRAPH {graph}")
        where = remote.update_endpoint
        insert(client, where, ((graph, piece) for piece in pieces), None, lines=lines, size=size)


def send_graph(
    client: SparqlClient, graph: NamedNode, cut: Iterable[bytes], begun: set[NamedNode]
) -> None:
    """One graph by the Graph Store Protocol, in pieces (``store.pieces.pieces``, or
    ``Pieces``): a PUT of the first, then a POST of each other; ``begun`` holds it between
    the two (the server holds part of it)."""
    for n, piece in enumerate(cut or [b""]):
        try:
            (client.post_graph if n else client.put_graph)(graph.value, piece)
        except StoreError as exc:
            where = client.endpoint.graph_store_endpoint or ""
            what = f"to write {statements(piece):,} statements of {graph.value}"
            raise too_large(exc, where, what) from exc
        begun.add(graph)
    begun.discard(graph)
