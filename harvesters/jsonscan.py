"""Bounded JSON: split an array into items and measure nesting without building anything.

A partner's JSON is untrusted. Streaming parsers (ijson) build a path string per event, which
grows quadratically with nesting (a 200 KB file nested 100,000 levels deep took 24 GB), keep a
whole token in memory however long it is, and stop at the first number that does not fit 64
bits. So item boundaries are found here by a byte scanner that only tracks strings and
brackets: memory stays at one record (at most ``max_record_bytes``) whatever the file holds, an
item nested deeper than ``max_depth`` or larger than ``max_record_bytes`` is reported with a
short preview and never parsed, and only items within both bounds reach ``json.loads``
(``harvesters.jsonload``, which reads one item's bytes into values).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "ITEM_KEYS",
    "MAX_DEPTH",
    "MAX_RECORD_BYTES",
    "PREVIEW_BYTES",
    "Piece",
    "nesting_depth",
    "records_key",
    "seek_array",
    "split_array",
]

MAX_RECORD_BYTES = 8 * 1024 * 1024
"""Default bound of one record's bytes; a larger record is quarantined unread."""
MAX_DEPTH = 128
"""Default bound of a record's nesting (objects and arrays inside one another)."""
PREVIEW_BYTES = 64 * 1024
"""How much of a record that is not read is kept with its quarantine entry."""
CHUNK = 1 << 16
ITEM_KEYS = ("items", "data", "results", "records", "objects", "orderedItems", "member")
"""Where APIs put their lists of records, in the order they are looked for."""

_OUTSIDE = re.compile(rb'["\[\]{},]')
# A whole string in one search where it ends in the same chunk (the common case), else a quote.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|["\[\]{},]', re.DOTALL)
_INSIDE = re.compile(rb'["\\]')
_ITEM_START = re.compile(rb"[^ \t\r\n,]")
_NON_SPACE = re.compile(b"[^ \t\r\n\xef\xbb\xbf]")  # a byte-order mark counts as space
_QUOTE, _BACKSLASH, _COMMA = ord('"'), ord("\\"), ord(",")
_OPEN = frozenset(b"[{")


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


_STRING_STOP = re.compile(rb'["\\]')
_VALUE_STOP = re.compile(rb'["\[\]{}]')
_SCALAR_END = re.compile(rb"[,}\]\s]")
_KEY_BYTES = 4096
"""Bytes of an object key kept to compare with a path's key; a longer key matches none."""


def seek_array(read: Callable[[int], bytes], path: Sequence[str]) -> bytes | None:
    """Read the JSON object that ``read`` returns up to the array at ``path`` (the keys of
    nested objects: ``["response", "docs"]``), without building what comes before it: the
    bytes already read from that array's ``[`` on, for ``split_array`` to go on with; None if
    there is no array at ``path`` (a key missing, or not an object or array on the way)."""
    at = _Cursor(read)
    for key in path:
        if at.take() != ord("{"):
            return None
        while True:
            if at.take() != ord('"'):
                return None  # the object ended ("}") without the key, or is not JSON
            name = at.string(keep=True)
            if name is None or at.take() != ord(":"):
                return None
            if _key(name) == key:
                break
            if not at.skip_value() or at.take() != ord(","):
                return None
    return at.rest() if at.peek() == ord("[") else None


def records_key(data: bytes) -> str | None:
    """The key (among ``ITEM_KEYS``) of the list of objects that JSON text ``data`` wraps its
    records in, as an API's answer saved as a file does (``{"total": 3, "data": [{...}]}``);
    None if it holds none. Found by scanning, not parsing: ``data`` may be of any size."""
    for key in ITEM_KEYS:
        rest = seek_array(io.BytesIO(data).read, [key])
        if rest is not None and rest[1:].lstrip()[:1] == b"{":
            return key
    return None


def _key(raw: bytes) -> str | None:
    try:
        return str(json.loads(b'"' + raw + b'"'))
    except ValueError:
        return None


class _Cursor:
    """What ``read`` returns, chunk by chunk, holding only the bytes not consumed yet."""

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read
        self._buffer = b""
        self._at = 0
        self._first = True

    def _fill(self) -> bool:
        chunk = self._read(CHUNK)
        if self._first:  # a byte-order mark may start the input
            while 0 < len(chunk) < 3 and (more := self._read(CHUNK)):
                chunk += more
            chunk, self._first = chunk.removeprefix(b"\xef\xbb\xbf"), False
            if not chunk:
                chunk = self._read(CHUNK)
        if not chunk:
            return False
        self._buffer, self._at = self._buffer[self._at :] + chunk, 0
        return True

    def peek(self) -> int | None:
        """The next byte that is not whitespace, left unconsumed; None at the end."""
        while True:
            while self._at < len(self._buffer) and self._buffer[self._at] in b" \t\r\n":
                self._at += 1
            if self._at < len(self._buffer):
                return self._buffer[self._at]
            if not self._fill():
                return None

    def take(self) -> int | None:
        found = self.peek()
        if found is not None:
            self._at += 1
        return found

    def rest(self) -> bytes:
        return self._buffer[self._at :]

    def _search(self, pattern: re.Pattern[bytes]) -> re.Match[bytes] | None:
        """The next match of ``pattern``, reading on until there is one (or the end)."""
        while (found := pattern.search(self._buffer, self._at)) is None:
            self._at = len(self._buffer)
            if not self._fill():
                return None
        return found

    def string(self, *, keep: bool) -> bytes | None:
        """The rest of a string whose opening quote was taken: its raw bytes (the first
        ``_KEY_BYTES`` of them, if ``keep``); None if the input ends inside it."""
        kept = bytearray()
        while True:
            found = _STRING_STOP.search(self._buffer, self._at)
            end = len(self._buffer) if found is None else found.start()
            if keep and len(kept) < _KEY_BYTES:
                kept += self._buffer[self._at : end]
            self._at = end
            if found is None:
                if not self._fill():
                    return None
                continue
            self._at += 1
            if found.group() == b'"':
                return bytes(kept)
            if self._at >= len(self._buffer) and not self._fill():  # the escaped byte
                return None
            if keep:
                kept += b"\\" + self._buffer[self._at : self._at + 1]
            self._at += 1

    def skip_value(self) -> bool:
        """Consume one value (a string, a number or word, an object or array); False if the
        input ends inside it."""
        first = self.peek()
        if first is None:
            return False
        if first == ord('"'):
            self._at += 1
            return self.string(keep=False) is not None
        if first not in b"[{":
            found = self._search(_SCALAR_END)
            if found is None:
                return False
            self._at = found.start()
            return True
        depth = 0
        while (found := self._search(_VALUE_STOP)) is not None:
            self._at = found.end()
            if found.group() == b'"':
                if self.string(keep=False) is None:
                    return False
            elif found.group() in b"[{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return True
        return False


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
    read: Callable[[int], bytes], *, max_record_bytes: int, max_depth: int, nested: bool = False
) -> Iterator[Piece]:
    """Yield the items of the JSON array that ``read`` returns (UTF-8 bytes, whitespace and a
    byte-order mark allowed before it). ``nested``: the array is a value inside a document
    (``seek_array`` found it), whose rest after the array is not read.

    Item boundaries are the commas and the closing bracket at the array's own level, so an item
    that is not valid JSON costs only itself: the caller's ``json.loads`` reports it and the next
    item is read. A file that ends inside the array ends with a faulty piece.
    """
    scanner = _Scanner(max_record_bytes, max_depth, nested)
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
        "nested",
        "number",
        "out",
        "started",
        "stopped",
    )

    def __init__(self, max_record_bytes: int, max_depth: int, nested: bool = False) -> None:
        self.max_record_bytes, self.max_depth, self.nested = max_record_bytes, max_depth, nested
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
        if self.ended and self.nested:  # the rest of the document that holds the array
            self.stopped = True
            return len(chunk)
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
