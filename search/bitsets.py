"""Sets of objects as bitmaps: how a search counts its facets at 100,000 objects and more.

Counting facet values in SQL joins every match to the facet table, row by row: at 100,000
objects a broad search ('paper', 62,000 matches) spent most of its 100 ms there. So the index
also holds, written once with it, a bitmap (bit n: object n) of every frequent facet value,
every century, size class and partner, and of the objects with an image. A search's matches
become one bitmap, and a count is one AND and one popcount per value: a few milliseconds for
a few hundred values, exact.

Values past a memory budget (the long tail of makers in a large collection) have no bitmap;
a facet whose top list such a value could enter, or whose selected value has none, is counted
in SQL as before, so a count is never an estimate.
"""

from __future__ import annotations

import json
import re
import sqlite3
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["MASK_BUDGET", "Masks", "bitmap", "load_masks", "members", "write_masks"]

MASK_BUDGET = 48 * 1024 * 1024
"""Bytes of facet-value bitmaps an index holds (and a search process keeps in memory): at
100,000 objects, about 4,000 values; the most frequent ones get them first."""
_ONE = re.compile("1")
_MASKS = """
CREATE TABLE masks(kind TEXT NOT NULL, value, bits BLOB NOT NULL, PRIMARY KEY(kind, value));
"""


def bitmap(ids: str | None) -> int:
    """The set of the comma-separated object numbers ``ids`` (SQL ``group_concat``)."""
    if not ids:
        return 0
    numbers = [int(n) for n in ids.split(",")]
    out = bytearray(max(numbers) // 8 + 1)
    for n in numbers:
        out[n >> 3] |= 1 << (n & 7)
    return int.from_bytes(out, "little")


def members(bits: int) -> list[int]:
    """The object numbers in ``bits``, ascending."""
    return [m.start() for m in _ONE.finditer(format(bits, "b")[::-1])]


def _blob(bits: int) -> bytes:
    return bits.to_bytes((bits.bit_length() + 7) // 8, "little")


def write_masks(db: sqlite3.Connection) -> None:
    """Write the bitmaps (after ``docs``, ``nums`` and ``doc_facets`` are written), each
    inserted as it is made: held in a list until the end, they were up to ``MASK_BUDGET``
    (48 MB at 100,000 objects) of the build's peak."""
    db.executescript(_MASKS)
    tail: dict[str, int] = {}  # per facet: the largest count of a value without a bitmap
    db.executemany("INSERT INTO masks VALUES (?,?,?)", _masks(db, tail))
    db.execute("INSERT INTO meta VALUES ('tail', ?)", [json.dumps(tail)])


def _masks(db: sqlite3.Connection, tail: dict[str, int]) -> Iterator[tuple[str, object, bytes]]:
    """The rows of ``masks``, one at a time; ``tail`` filled on the way."""
    for kind, column in (("size", "size"), ("source", "source")):
        groups = db.execute(
            f"SELECT {column}, group_concat(id) FROM nums WHERE {column} IS NOT NULL GROUP BY 1"
        ).fetchall()  # a few rows; not read while ``masks`` is written
        for value, ids in groups:
            yield kind, value, _blob(bitmap(ids))
    # each century an object's date overlaps (``fts_build.doc_centuries``)
    centuries = db.execute(
        "SELECT century, group_concat(id) FROM doc_centuries GROUP BY 1"
    ).fetchall()
    for value, ids in centuries:
        yield "century", value, _blob(bitmap(ids))
    (ids,) = db.execute("SELECT group_concat(id) FROM nums WHERE image").fetchone()
    yield "image", 0, _blob(bitmap(ids))
    order = array("I", (n for (n,) in db.execute("SELECT id FROM docs ORDER BY sort, id")))
    yield "order", 0, order.tobytes()
    del order
    (count,) = db.execute("SELECT count(*) FROM docs").fetchone()
    budget = MASK_BUDGET // (count // 8 + 1)
    ranked = db.execute(
        "SELECT v.fid, v.key, count(*) FROM doc_facets f JOIN facet_values v ON v.fid = f.fid"
        " GROUP BY v.fid ORDER BY 3 DESC, 1"
    ).fetchall()
    for place, (fid, key, n) in enumerate(ranked):
        if place >= budget:
            tail[key] = max(tail.get(key, 0), n)
            continue
        (ids,) = db.execute(
            "SELECT group_concat(doc) FROM doc_facets INDEXED BY doc_facets_fid WHERE fid = ?",
            [fid],
        ).fetchone()
        yield "fid", fid, _blob(bitmap(ids))


@dataclass
class Masks:
    """The bitmaps of one index, loaded once per process."""

    everything: int = 0
    values: dict[int, int] = field(default_factory=dict)
    centuries: dict[int, int] = field(default_factory=dict)
    sizes: dict[int, int] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    image: int = 0
    order: array[int] = field(default_factory=lambda: array("I"))
    position: array[int] = field(default_factory=lambda: array("I"))
    tail: dict[str, int] = field(default_factory=dict)
    """Per facet, the largest count of a value without a bitmap (0 or absent: none)."""


def load_masks(db: sqlite3.Connection) -> Masks:
    masks = Masks()
    for kind, value, bits in db.execute("SELECT kind, value, bits FROM masks"):
        if kind == "order":
            masks.order.frombytes(bits)
            continue
        number = int.from_bytes(bits, "little")
        if kind == "image":
            masks.image = number
        else:
            table: dict[object, int] = getattr(masks, _TABLES[kind])
            table[value] = number
    masks.position = array("I", bytes(4 * (max(masks.order, default=0) + 1)))
    for place, number in enumerate(masks.order):
        masks.position[number] = place
    masks.everything = (1 << (len(masks.order) + 1)) - 2  # objects are numbered 1..n
    (tail,) = db.execute("SELECT value FROM meta WHERE key = 'tail'").fetchone()
    masks.tail = json.loads(tail)
    return masks


_TABLES = {"fid": "values", "century": "centuries", "size": "sizes", "source": "sources"}
