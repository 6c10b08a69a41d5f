"""Record graphs as N-Quads text, as the store writes them: each line's default-graph copy,
the longest line Oxigraph takes, and a stream of records that Oxigraph's bulk loader reads
while they are being read themselves."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, serialize

from museion_core.errors import StoreError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "MAX_STATEMENT_BYTES",
    "ChunkStream",
    "checked_copy",
    "longest_statement",
    "oversized_statement",
    "with_default_copies",
    "with_default_text",
    "without_graph_name",
]

_DEFAULT = DefaultGraph()

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
    """The N-Quads of ``graph`` (as pyoxigraph wrote them) as N-Triples: its default-graph
    copy. The serialiser ends every line with `` <graph> .`` and a literal cannot hold a raw
    line break, so taking that ending off each line leaves the line's triple."""
    return nquads.replace(f" {graph} .\n".encode(), b" .\n")


def with_default_copies(quads: Iterable[Quad]) -> Iterator[Quad]:
    for quad in quads:
        yield quad
        yield Quad(quad.subject, quad.predicate, quad.object, _DEFAULT)


def with_default_text(graph: NamedNode | None, quads: Sequence[Quad]) -> bytes:
    """``quads`` and their default-graph copies as N-Quads. When all are in ``graph`` (a
    batch's metadata), the copies are the text with the graph name taken off, as for record
    graphs: cheaper than building a copy of every quad."""
    if graph is not None and all(q.graph_name == graph for q in quads):
        nquads = serialize(quads, format=RdfFormat.N_QUADS) or b""
        return nquads + without_graph_name(graph, nquads)
    return serialize(with_default_copies(quads), format=RdfFormat.N_QUADS) or b""


def checked_copy(graph: NamedNode, nquads: bytes) -> bytes:
    """The default copy of ``graph``'s N-Quads, once they are known to hold no statement too
    long for the store and no quad of another graph (``StoreError`` otherwise)."""
    if (size := oversized_statement(nquads)) is not None:
        raise StoreError(
            f"{graph} holds a statement of {size} bytes, more than the store takes "
            f"({MAX_STATEMENT_BYTES})"
        )
    copy = without_graph_name(graph, nquads)
    if len(nquads) - len(copy) != nquads.count(b"\n") * (len(str(graph)) + 1):
        raise StoreError(f"the N-Quads of {graph} hold quads of other graphs")
    return copy


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
