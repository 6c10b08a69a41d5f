"""One cutting of a graph's N-Triples into requests (``store.pieces.cut``), for a text held
whole (``pieces``: a write's graphs) and for a graph read as it is sent (``Pieces``: the first
sync's and the mending's large graphs).

The two were written apart, and put a graph's blank-node statements in its first piece and in
its last: they now cut the same text the same way, those statements together in the last
piece (a blank node's label holds within one request only, and a graph read as it is sent
knows them all only at its end).
"""

from __future__ import annotations

import pytest

from store.pieces import pieces
from store.streamed import Pieces

BASE = "http://example.org/"


def graph_text(named: int, blank: int) -> list[bytes]:
    """A graph's N-Triples lines: ``named`` statements of IRIs and literals, and ``blank``
    nodes with two statements each, the blank-node lines spread among the others."""
    lines = [
        f'<{BASE}record/{n // 5}> <{BASE}fact/{n % 5}> "fact {"x" * (n % 40)} {n}" .\n'.encode()
        for n in range(named)
    ]
    for b in range(blank):
        at = (b * 7) % (len(lines) + 1)
        lines[at:at] = [
            f"<{BASE}record/{b}> <{BASE}noted> _:n{b} .\n".encode(),
            f'_:n{b} <{BASE}note> "note {b}" .\n'.encode(),
        ]
    return lines


def streamed(lines: list[bytes], size: int, limit: int) -> tuple[list[bytes], int]:
    cut = Pieces(iter(lines), size, limit)
    return list(cut), cut.statements


@pytest.mark.parametrize(
    ("named", "blank", "size", "limit"),
    [(100, 0, 10, 10_000), (100, 12, 10, 10_000), (100, 12, 1000, 900), (5, 30, 4, 300)],
)
def test_a_text_held_and_a_graph_read_are_cut_the_same(
    named: int, blank: int, size: int, limit: int
) -> None:
    lines = graph_text(named, blank)
    held = pieces(b"".join(lines), size, limit)
    read, statements = streamed(lines, size, limit)

    assert held == read
    assert statements == len(lines)
    blanks = [line for line in lines if b"_:" in line]
    if blanks:  # all in one piece, the last, in the order read
        assert held[-1] == b"".join(blanks)
        held = held[:-1]
    # the others in order, each piece within both bounds (one line longer than ``limit``
    # would go alone)
    assert b"".join(held) == b"".join(line for line in lines if b"_:" not in line)
    for piece in held:
        assert piece.count(b"\n") <= size
        assert len(piece) <= limit


def test_a_statement_longer_than_a_request_goes_alone() -> None:
    long = f'<{BASE}a> <{BASE}b> "{"x" * 500}" .\n'.encode()
    lines = [f"<{BASE}a> <{BASE}b> <{BASE}c{n}> .\n".encode() for n in range(3)]
    lines[1:1] = [long]
    expected = [lines[0], long, lines[2] + lines[3]]
    assert pieces(b"".join(lines), 10, 200) == expected
    assert streamed(lines, 10, 200) == (expected, 4)


def test_a_text_that_fits_is_one_piece_and_an_empty_one_none() -> None:
    lines = graph_text(10, 2)
    text = b"".join(lines)
    assert pieces(text, 100, 10_000) == [text]  # as it is: a graph that fits is sent whole
    assert pieces(b"", 10, 100) == []
    assert pieces(b"\n", 10, 100) == []
    assert streamed([], 10, 100) == ([], 0)
    # lines without a last end of line, or with empty lines, are cut as whole statements
    assert pieces(text.rstrip(b"\n") + b"\n\n", 10, 10_000) == streamed(lines, 10, 10_000)[0]
