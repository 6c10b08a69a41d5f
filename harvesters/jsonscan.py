"""Bounded JSON: split an array into items and measure nesting without building anything.

A partner's JSON is untrusted. Streaming parsers (ijson) build a path string per event, which
grows quadratically with nesting (a 200 KB file nested 100,000 levels deep took 24 GB), keep a
whole token in memory however long it is, and stop at the first number that does not fit 64
bits. So item boundaries are found here by a byte scanner that only tracks strings and
brackets: memory stays at one record (at most ``max_record_bytes``) whatever the file holds, an
item nested deeper than ``max_depth`` or larger than ``max_record_bytes`` is reported with a
short preview and never parsed, and only items within both bounds reach ``json.loads``.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from museion_core import messages

__all__ = [
    "MAX_DEPTH",
    "MAX_RECORD_BYTES",
    "PREVIEW_BYTES",
    "Piece",
    "load_json",
    "lone_surrogate_reason",
    "nesting_depth",
    "split_array",
]

MAX_RECORD_BYTES = 8 * 1024 * 1024
"""Default bound of one record's bytes; a larger record is quarantined unread."""
MAX_DEPTH = 128
"""Default bound of a record's nesting (objects and arrays inside one another)."""
PREVIEW_BYTES = 64 * 1024
"""How much of a record that is not read is kept with its quarantine entry."""
CHUNK = 1 << 16

_OUTSIDE = re.compile(rb'["\[\]{},]')
# A whole string in one search where it ends in the same chunk (the common case), else a quote.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|["\[\]{},]', re.DOTALL)
_INSIDE = re.compile(rb'["\\]')
_ITEM_START = re.compile(rb"[^ \t\r\n,]")
_NON_SPACE = re.compile(b"[^ \t\r\n\xef\xbb\xbf]")  # a byte-order mark counts as space
_QUOTE, _BACKSLASH, _COMMA = ord('"'), ord("\\"), ord(",")
_OPEN = frozenset(b"[{")


def _int(text: str) -> int | str:
    """An integer too long for ``int()`` (Python refuses over 4,300 digits) is kept as its exact
    digits rather than refused: a record is not lost for one absurd number."""
    limit = sys.get_int_max_str_digits()
    return int(text) if not limit or len(text.lstrip("-")) <= limit else text


def load_json(raw: bytes | str, *, lone_surrogates: bool = False) -> Any:
    """``json.loads`` that keeps every integer exactly and raises only ``ValueError``.

    Used for every JSON payload a partner sends (the readers and the mappings), so a number of
    any size or a nesting Python cannot recurse into is a reason, never a traceback.

    ``lone_surrogates``: let texts holding one through, for a caller that checks each record
    of the document itself (``lone_surrogate_reason``): one broken text in an API's page of a
    hundred records costs that record, not the page.
    """
    try:
        value = json.loads(raw, parse_int=_int)
    except RecursionError:
        raise ValueError(messages.JSON_TOO_DEEP()) from None
    if lone_surrogates:
        return value
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "replace")
    if _ESCAPED_SURROGATE.search(data) or (b"\xed" in data and _UTF8_SURROGATE.search(data)):
        reason = lone_surrogate_reason(value)
        if reason is not None:
            raise ValueError(reason)
    return value


def lone_surrogate_reason(value: Any) -> str | None:
    """Why ``value`` (parsed JSON) cannot be kept, if one of its texts holds a lone surrogate:
    "\\ud800" alone is no character, and no text (nor RDF literal) can hold it."""
    lone = _lone_surrogate(value)
    return None if lone is None else messages.JSON_LONE_SURROGATE(text=lone)


_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_UTF8_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")
"""A surrogate written out as UTF-8 would write it (``ED A0 80``: CESU-8 and broken exporters
do), which ``json.loads`` of bytes lets through as it lets an escaped one (``\\ud800``). Looked
for only where the byte ED is (as one pattern with the escape, it cost every payload ten
times the look for the escape alone)."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(value: Any) -> str | None:
    """The first string (or key) in ``value`` holding a surrogate code point (json.loads joins
    escaped pairs into one character, so one left over had no partner), as the forty
    characters around it, each surrogate shown as the replacement character (U+FFFD) that a
    reader sees in broken text: "Broken \ufffd emoji", "إبريق \ufffd"."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if found := _SURROGATE.search(item):
                start = max(0, found.start() - 20)
                shown = _SURROGATE.sub("\ufffd", item[start : start + 40])
                return ("…" if start else "") + shown + ("…" if start + 40 < len(item) else "")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def nesting_depth(raw: bytes, limit: int) -> int:
    """How deeply ``raw`` nests, counting up to ``limit + 1`` (enough to know it is too deep).

    Brackets inside strings do not count. Linear in ``len(raw)``; most records have fewer
    brackets than ``limit`` and are answered by two counts.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return min(raw.count(b"[") + raw.count(b"{"), limit)
    depth = deepest = 0
    i, n = 0, len(raw)
    while i < n:
        found = _OUTSIDE.search(raw, i)
        if found is None:
            break
        byte = raw[found.start()]
        i = found.end()
        if byte == _QUOTE:
            while True:  # skip the string, escapes included
                end = _INSIDE.search(raw, i)
                if end is None:
                    return deepest
                i = end.end()
                if raw[end.start()] == _BACKSLASH:
                    i += 1
                    continue
                break
        elif byte in _OPEN:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif byte != _COMMA:
            depth = max(depth - 1, 0)
    return deepest


@dataclass(slots=True)
class Piece:
    """One item of a top-level array, as bytes, or why it was not kept whole.

    ``fault`` is None for an item within the bounds (``raw`` is all of it); otherwise ``raw``
    is at most ``PREVIEW_BYTES`` of it and ``fault`` says why.
    """

    number: int
    raw: bytes
    fault: str | None = None


class _Item:
    __slots__ = ("buffer", "deepest", "size")

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.size = 0
        self.deepest = 0


def split_array(
    read: Callable[[int], bytes], *, max_record_bytes: int, max_depth: int
) -> Iterator[Piece]:
    """Yield the items of the JSON array that ``read`` returns (UTF-8 bytes, whitespace and a
    byte-order mark allowed before it).

    Item boundaries are the commas and the closing bracket at the array's own level, so an item
    that is not valid JSON costs only itself: the caller's ``json.loads`` reports it and the next
    item is read. A file that ends inside the array ends with a faulty piece.
    """
    scanner = _Scanner(max_record_bytes, max_depth)
    while chunk := read(CHUNK):
        yield from scanner.feed(chunk)
        if scanner.stopped:
            return
    yield from scanner.finish()


class _Scanner:
    """The byte scanner's state between chunks: one method per state, each taking the chunk
    and a position and returning the position after what it consumed."""

    __slots__ = (
        "depth",
        "ended",
        "escape",
        "in_string",
        "item",
        "mark",
        "max_depth",
        "max_record_bytes",
        "number",
        "out",
        "started",
        "stopped",
    )

    def __init__(self, max_record_bytes: int, max_depth: int) -> None:
        self.max_record_bytes, self.max_depth = max_record_bytes, max_depth
        self.depth = 0  # 0: before or after the array; 1: in the array; more: inside an item
        self.in_string = self.escape = self.started = self.ended = self.stopped = False
        self.number = 0
        self.item: _Item | None = None
        self.mark = 0  # where the open item's bytes in this chunk begin
        self.out: list[Piece] = []

    def feed(self, chunk: bytes) -> list[Piece]:
        """The pieces that end in ``chunk``; the open item keeps the rest of its bytes."""
        self.out = []
        i, n = 0, len(chunk)
        self.mark = 0
        while i < n and not self.stopped:
            if self.in_string:
                i = self._string(chunk, i)
            elif self.depth == 0:
                i = self._outside(chunk, i)
            elif self.item is None:
                i = self._between(chunk, i)
            else:
                i = self._token(chunk, i, self.item)
        if self.item is not None:
            _take(self.item, chunk[self.mark : n], self.max_record_bytes, self.max_depth)
        return self.out

    def finish(self) -> list[Piece]:
        """The faulty last piece of a file that ends inside the array, if it does."""
        number = self.number
        if self.item is not None:
            preview = bytes(self.item.buffer[:PREVIEW_BYTES])
            reason = (
                f"the JSON array breaks after item {number - 1}: the file ends inside item {number}"
            )
            return [Piece(number, preview, reason)]
        if self.started and not self.ended:
            reason = f"the JSON array breaks after item {number}: it is never closed"
            return [Piece(number + 1, b"", reason)]
        return []

    def _string(self, chunk: bytes, i: int) -> int:
        if self.escape:
            self.escape = False
            return i + 1
        found = _INSIDE.search(chunk, i)
        if found is None:
            return len(chunk)
        if chunk[found.start()] == _BACKSLASH:
            self.escape = True
        else:
            self.in_string = False
        return found.end()

    def _outside(self, chunk: bytes, i: int) -> int:
        found = _NON_SPACE.search(chunk, i)
        if found is None:
            return len(chunk)
        at = found.start()
        if self.ended or self.started or chunk[at] != ord("["):
            tail = chunk[at : at + 200]
            reason = f"unexpected text after the array: {tail[:40]!r}"
            self.out.append(Piece(self.number + 1, tail, reason))
            self.stopped = True
            return len(chunk)
        self.started, self.depth = True, 1
        return found.end()

    def _between(self, chunk: bytes, i: int) -> int:
        found = _ITEM_START.search(chunk, i)
        if found is None:
            return len(chunk)
        if chunk[found.start()] in b"]}":
            self.depth, self.ended = 0, True
            return found.end()
        self.item, self.mark = _Item(), found.start()
        self.number += 1
        return found.start()

    def _token(self, chunk: bytes, i: int, item: _Item) -> int:
        found = _TOKEN.search(chunk, i)
        if found is None:
            return len(chunk)
        byte, at, i = chunk[found.start()], found.start(), found.end()
        if byte == _QUOTE:
            self.in_string = i - at == 1
        elif byte in _OPEN:
            self.depth += 1
            item.deepest = max(item.deepest, self.depth - 1)
        elif byte != _COMMA and self.depth > 1:
            self.depth -= 1
        elif self.depth == 1:  # a comma or the closing bracket at the array's level ends it
            _take(item, chunk[self.mark : at], self.max_record_bytes, self.max_depth)
            self.out.append(_piece(self.number, item, self.max_record_bytes, self.max_depth))
            self.item = None
            if byte != _COMMA:
                self.depth, self.ended = 0, True
        return i


def _take(item: _Item, data: bytes, max_record_bytes: int, max_depth: int) -> None:
    """Add ``data`` to the item, keeping only a preview once the item is out of bounds."""
    item.size += len(data)
    if item.size <= max_record_bytes and item.deepest <= max_depth:
        item.buffer += data
    elif len(item.buffer) < PREVIEW_BYTES:
        item.buffer += data[: PREVIEW_BYTES - len(item.buffer)]
        del item.buffer[PREVIEW_BYTES:]
    else:
        del item.buffer[PREVIEW_BYTES:]


def _piece(number: int, item: _Item, max_record_bytes: int, max_depth: int) -> Piece:
    if item.deepest > max_depth:
        return Piece(
            number,
            bytes(item.buffer[:PREVIEW_BYTES]),
            f"the record nests more than max_depth ({max_depth}) levels deep; it was not read",
        )
    if item.size > max_record_bytes:
        return Piece(
            number,
            bytes(item.buffer[:PREVIEW_BYTES]),
            f"the record is {item.size} bytes, more than max_record_bytes ({max_record_bytes}); "
            "it was not read",
        )
    return Piece(number, bytes(item.buffer).strip())
