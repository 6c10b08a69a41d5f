"""What the remote store sends, cut to a bounded size: a graph's N-Triples in pieces of so
many statements and bytes (one request each), or packed with other graphs in ``INSERT DATA``
updates (a working store's graphs read one by one: ``store.streamed``).

A blank node's label holds within one request only: the statements of one graph that name a
blank node all go in one piece, however many, or two pieces would make two nodes of one; that
piece is a graph's last (``cut``, the one cutting both a text held whole and a graph read as
it is sent).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyoxigraph import NamedNode, Quad, RdfFormat, serialize

from museion_core.errors import StoreError

from .protocol import SparqlClient
from .versions import too_large

__all__ = ["cut", "insert", "ntriples", "pieces"]


def ntriples(quads: Iterable[Quad]) -> bytes:
    """Quads' triples as N-Triples, read as they come (no list of them is kept)."""
    return serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES) or b""


def cut(lines: Iterable[bytes], size: int, limit: int) -> Iterator[bytes]:
    """N-Triples lines (each with its end of line) in pieces of at most ``size`` statements
    and ``limit`` bytes (a statement longer than ``limit`` goes alone), one request each, cut
    as the lines are read: no more than one piece is held, besides the blank nodes'.

    The statements that name a blank node are kept aside and come last, all in one piece,
    whatever its size: a blank node's label holds within one request only, and all of its
    statements are known only once the last line is read (``store.streamed`` reads a graph
    too large to hold as it cuts it)."""
    blank: list[bytes] = []
    current: list[bytes] = []
    held = 0
    for line in lines:
        if b"_:" in line:
            blank.append(line)
            continue
        if current and (len(current) >= size or held + len(line) > limit):
            yield b"".join(current)
            current, held = [], 0
        current.append(line)
        held += len(line)
    if current:
        yield b"".join(current)
    if blank:
        yield b"".join(blank)


def pieces(text: bytes, size: int, limit: int) -> list[bytes]:
    """N-Triples held whole, in the pieces of ``cut``: the text itself if it fits in one
    request, none if it holds no statement."""
    if len(text) <= limit and text.count(b"\n") <= size:
        return [text] if text.strip() else []
    return list(cut((line + b"\n" for line in text.split(b"\n") if line), size, limit))


def insert(
    client: SparqlClient,
    where: str,
    graphs: Iterable[tuple[NamedNode, bytes]],
    begun: set[NamedNode] | None,
    *,
    lines: int,
    size: int,
) -> None:
    """``INSERT DATA`` of N-Triples into graphs, in updates of about ``lines`` statements
    and ``size`` bytes: graphs packed, a larger graph in ``pieces``. A graph leaves ``begun``
    once its last piece is taken. ``where``: the update endpoint, named by errors."""
    parts: list[str] = []
    ended: list[NamedNode] = []
    count = held = 0

    def send() -> None:
        nonlocal count, held
        if parts:
            body = "\n".join(parts)
            # Virtuoso refuses a blank node in INSERT DATA (SP031, "not allowed in a
            # constant clause"); a template with an empty WHERE makes the same nodes
            try:
                client.update(
                    f"INSERT {{\n{body}\n}} WHERE {{}}"
                    if "_:" in body
                    else "INSERT DATA {\n" + body + "\n}"
                )
            except StoreError as exc:
                what = f"to add {count:,} statements to {len(parts)} graphs"
                raise too_large(exc, where, what) from exc
        if begun is not None:
            begun.difference_update(ended)
        parts.clear()
        ended.clear()
        count = held = 0

    for graph, text in graphs:
        for piece in pieces(text, lines, size):
            n = piece.count(b"\n")
            if parts and (count + n > lines or held + len(piece) > size):
                send()
            parts.append(f"GRAPH {graph} {{\n{piece.decode()}}}")
            count += n
            held += len(piece)
        ended.append(graph)
    send()
