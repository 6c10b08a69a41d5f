"""Record graphs as N-Quads text, as the store writes them: the checks a graph's text passes,
the longest line Oxigraph takes, whether two texts of a graph say the same once held, and a
stream of records that Oxigraph's bulk loader reads while they are being read themselves."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pyoxigraph import NamedNode, Quad, RdfFormat
from pyoxigraph import Store as OxStore

from museion_core.errors import StoreError

from .isomorphism import same_statements

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "MAX_STATEMENT_BYTES",
    "ChunkStream",
    "checked_graph",
    "longest_statement",
    "oversized_statement",
    "same_graph",
    "without_graph_name",
]

MAX_STATEMENT_BYTES = 8 * 1024 * 1024
"""The longest N-Quads line Museion hands to Oxigraph: half of its parser's buffer (16 MiB,
"Reached the buffer maximal size"), so escaping and the graph name never reach the limit."""


def longest_statement(nquads: bytes) -> int:
    """The length of the longest line of ``nquads`` (cheap for the usual small graph)."""
    if len(nquads) <= MAX_STATEMENT_BYTES:
        return max((len(line) for line in nquads.split(b"\n")), default=0)
    longest = start = 0
    while start < len(nquads):
        end = nquads.find(b"\n", start)
        end = len(nquads) if end < 0 else end
        longest = max(longest, end - start)
        start = end + 1
    return longest


def oversized_statement(nquads: bytes) -> int | None:
    """The length of the longest line of ``nquads`` when it is more than the store takes
    (``MAX_STATEMENT_BYTES``), else None: cheap for a text shorter than that limit."""
    if len(nquads) <= MAX_STATEMENT_BYTES:
        return None
    size = longest_statement(nquads)
    return size if size > MAX_STATEMENT_BYTES else None


def without_graph_name(graph: NamedNode, nquads: bytes) -> bytes:
    """The N-Quads of ``graph`` (as pyoxigraph wrote them) as N-Triples (what a remote
    server is sent for it). The serialiser ends every line with `` <graph> .`` and a literal
    cannot hold a raw line break, so taking that ending off each line leaves its triple."""
    return nquads.replace(f" {graph} .\n".encode(), b" .\n")


def checked_graph(graph: NamedNode, nquads: bytes) -> None:
    """Refuse (``StoreError``) ``graph``'s N-Quads if they hold a statement too long for the
    store or a quad of another graph."""
    if (size := oversized_statement(nquads)) is not None:
        raise StoreError(
            f"{graph} holds a statement of {size} bytes, more than the store takes "
            f"({MAX_STATEMENT_BYTES})"
        )
    # Every line ends in the graph's name (what ``without_graph_name`` takes off): counted,
    # not copied, since nothing uses a copy any more.
    if nquads.count(f" {graph} .\n".encode()) != nquads.count(b"\n"):
        raise StoreError(f"the N-Quads of {graph} hold quads of other graphs")


class ChunkStream(io.RawIOBase):
    """The concatenation of ``chunks`` as a binary file, read as Oxigraph reads it: each
    chunk is asked for only when the reader gets to it, so a bulk load of a whole run holds
    one record at a time, not the run.

    Oxigraph calls ``readinto`` from Rust, which would turn an exception raised by the
    chunks into a bare I/O error: it is kept as ``error`` instead, and the stream ends
    there, so that the caller can raise it as it was once the load has returned."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        super().__init__()
        self._chunks: Iterator[bytes] = iter(chunks)
        self._chunk = memoryview(b"")
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        target = memoryview(buffer).cast("B")
        while not self._chunk:
            if self.error is not None:
                return 0
            try:
                self._chunk = memoryview(next(self._chunks))
            except StopIteration:
                return 0
            except BaseException as exc:  # kept whole for the caller
                self.error = exc
                return 0
        size = min(len(target), len(self._chunk))
        target[:size] = self._chunk[:size]
        self._chunk = self._chunk[size:]
        return size


def same_graph(held: bytes, nquads: bytes) -> bool:
    """Whether N-Quads ``nquads`` of a graph say what ``held`` (the store's serialisation of
    that graph, ``Store.serialized_graph``) says, once the store holds them: the same lines,
    or the same statements once both are written as the store writes them (it keeps a
    literal in its own form, a double's ``"3.94E1"`` as ``"39.4"``, and gives blank nodes
    labels of its own) up to the names of their blank nodes (``isomorphism``: in bounded
    time; where it cannot tell cheaply, "not the same")."""
    if set(held.splitlines()) == set(nquads.splitlines()):
        return True
    return same_statements(_as_held(held), _as_held(nquads))


def _as_held(nquads: bytes) -> set[Quad]:
    written = OxStore()  # in memory: only to write the text as the store writes it
    written.load(nquads, format=RdfFormat.N_QUADS)
    return set(written)
