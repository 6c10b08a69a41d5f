"""Readers that split a byte stream into records, lazily: what every reader yields (``Parsed``,
``Unreadable``), the guess of a file's format, the JSON reader, and the recoding of UTF-16 and
UTF-32 files that the JSON and CSV readers share (CSV rows are read in ``harvesters.csvrows``).

They do not decide what a record *means*; they only find record boundaries, keep the raw bytes
and turn anything unreadable into a reason instead of an exception, so that one bad line never
stops the rest of a feed.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from museion_core import messages

from .jsonload import DuplicateKeyError, load_json
from .jsonscan import (
    CHUNK,
    MAX_DEPTH,
    MAX_RECORD_BYTES,
    PREVIEW_BYTES,
    nesting_depth,
    seek_array,
    split_array,
)

__all__ = ["Item", "Parsed", "Unreadable", "read_json", "sniff_format"]


@dataclass(frozen=True, slots=True)
class Parsed:
    """A record boundary found: the object, its raw bytes, and where it was (for messages)."""

    value: Any
    raw: bytes
    position: str


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Bytes that could not be read as a record, and why."""

    raw: bytes
    position: str
    reason: str
    cells: dict[str, Any] | None = None
    """A row's cells by column, as far as they could be read (a cell with bytes the encoding
    could not decode is left out): enough, often, to name the record (its id column), so that
    one unreadable row of a record the source already holds does not withdraw that record."""
    whole: bool = False
    """Nothing after it could be read either (the header, the workbook, the rest of the file):
    which records the file holds is not known, so none of its records may count as gone."""


Item = Parsed | Unreadable


def sniff_format(head: bytes) -> str:
    """Guess ``json``, ``xml``, ``csv`` or a spreadsheet from the first bytes of a file with an
    unknown extension (a zip archive is an xlsx or ods workbook, an OLE file an xls one; the
    spreadsheet reader tells them apart itself)."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    if text[:1] in (b"{", b"["):
        return "json"
    return "xml" if text[:1] == b"<" else "csv"


def read_json(
    stream: io.BufferedReader,
    *,
    lines: bool = False,
    encoding: str = "utf-8",
    max_record_bytes: int = MAX_RECORD_BYTES,
    max_depth: int = MAX_DEPTH,
    items: Sequence[str] = (),
) -> Iterator[Item]:
    """Yield each JSON object in ``stream``: a single object, an array, or JSON Lines.

    Memory stays within about one record whatever the file holds: a record over
    ``max_record_bytes`` or nested deeper than ``max_depth`` is unreadable (with a preview of
    its bytes) and never parsed, and the rest of the file is read.

    ``items``: the keys leading to the array of records in a file that wraps them (an API's
    answer saved as a file: ``{"total": 3, "data": [...]}``), streamed as a top-level array is.
    """
    head = stream.peek(4096)[:4096]
    encoding = marked(head, encoding).removesuffix("-sig")  # JSON's own reader skips it
    if wide(encoding):
        yield from read_recoded(
            stream,
            encoding,
            lambda text: read_json(
                text,
                lines=lines,
                max_record_bytes=max_record_bytes,
                max_depth=max_depth,
                items=items,
            ),
        )
        return
    if not is_utf8(encoding):
        head = head.decode(encoding, errors="ignore").encode("utf-8")
    head = head.lstrip(codecs.BOM_UTF8).lstrip()
    if not head:
        # Blank so far: an empty file, or one whose JSON comes after more than 4 KiB of
        # blank lines (dropped whole before: its records were never read). Past the blank.
        while (blank := stream.peek(1 << 16)) and not blank.lstrip(codecs.BOM_UTF8).strip():
            stream.read(len(blank))
        if stream.peek(1):
            yield from read_json(
                stream,
                lines=lines,
                encoding=encoding,
                max_record_bytes=max_record_bytes,
                max_depth=max_depth,
                items=items,
            )
        return
    limits = _Limits(max_record_bytes, max_depth)
    if items:
        yield from _json_items(stream, encoding, limits, items)
    elif lines:
        yield from _json_lines(stream, encoding, limits)
    elif head[:1] == b"[":
        yield from _json_array(stream, encoding, limits)
    elif head[:1] == b"{":
        yield from _json_object_or_lines(stream, encoding, limits)
    else:
        raw = stream.read(PREVIEW_BYTES)  # enough for a person to see what came instead of JSON
        yield Unreadable(raw, "object", messages.NOT_JSON_START(head=head[:20]), whole=True)


@dataclass(frozen=True, slots=True)
class _Limits:
    max_record_bytes: int
    max_depth: int

    def too_large(self, size: int) -> str:
        return messages.RECORD_TOO_LARGE(size=size, limit=self.max_record_bytes)


def read_recoded(
    stream: io.BufferedReader,
    encoding: str,
    read: Callable[[io.BufferedReader], Iterator[Item]],
) -> Iterator[Item]:
    """The records ``read`` finds in ``stream`` (UTF-16 or UTF-32) recoded to UTF-8: a line
    break there is not the byte 0x0A. A file cut off in a character keeps the records before
    the cut; a decoder that stops earlier leaves the rest as one unreadable record."""
    recoded = _Recoded(stream, encoding)
    try:
        yield from read(io.BufferedReader(recoded))
    except UnicodeError as exc:
        yield stopped_decoding(exc, encoding)
        return
    if recoded.cut is not None:
        yield stopped_decoding(recoded.cut, encoding)


def stopped_decoding(exc: UnicodeError, encoding: str) -> Unreadable:
    """The rest of a file the decoder stopped on (a UTF-16 file cut off, or without its
    byte-order mark): it cannot find its footing again, so the rest is one record."""
    reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
    return Unreadable(
        b"",
        "after the last record read",
        messages.REST_UNDECODABLE(encoding=encoding, detail=reason),
        whole=True,
    )


def utf16_bom(head: bytes) -> bool:
    """A UTF-16 byte-order mark (UTF-32's little-endian one starts the same: not that)."""
    if head[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):
        return False
    return head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


_NOT_TABLES = (
    (b"%PDF-", "PDF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF8", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"{\\rtf", "RTF"),
)
"""The first bytes of the files a partner sends in its inventory's place, and their names."""
NOT_A_TABLE_HEAD = 12
"""The bytes ``not_a_table`` looks at."""


def not_a_table(head: bytes) -> str | None:
    """Why a file that starts with ``head`` is no table of records: a PDF or a photo (a HEIC
    from a phone too) named as the inventory. None for anything else."""
    for start, kind in _NOT_TABLES:
        if head.startswith(start):
            return messages.FILE_NOT_A_TABLE(kind=kind)
    if head[4:12] in {b"ftypheic", b"ftypheix", b"ftypmif1"}:
        return messages.FILE_NOT_A_TABLE(kind="HEIC")
    return None


def marked(head: bytes, encoding: str) -> str:
    """The encoding a file's byte-order mark names, whatever the source declares: a partner
    told to save its CSV again as UTF-8 (Excel's "CSV UTF-8", which starts with the mark) was
    read in the ``cp1252`` its source still named, every "é" an "Ã©", without a word where no
    header held one. UTF-8 itself (and no mark) reads as UTF-8 with its mark skipped."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if utf16_bom(head) and not wide(encoding):
        return "utf-16"
    return "utf-8-sig" if is_utf8(encoding) else encoding


def wide(encoding: str) -> bool:
    """UTF-16 or UTF-32: a line break there is not the byte 0x0A (``read_recoded`` reads
    them)."""
    return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


def is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def _decode(raw: bytes, encoding: str) -> str | bytes:
    # json.loads detects UTF-8/16/32 itself; another declared encoding is decoded first.
    return raw if is_utf8(encoding) else raw.decode(encoding)


def _loads(raw: bytes, encoding: str, position: str, limits: _Limits) -> Item:
    if len(raw) > limits.max_record_bytes:
        return Unreadable(raw[:PREVIEW_BYTES], position, limits.too_large(len(raw)))
    if nesting_depth(raw, limits.max_depth) > limits.max_depth:
        return Unreadable(
            raw[:PREVIEW_BYTES],
            position,
            messages.RECORD_TOO_DEEP(limit=limits.max_depth),
        )
    try:
        value = load_json(_decode(raw, encoding))
    except UnicodeDecodeError as exc:
        return Unreadable(
            raw,
            position,
            messages.UNDECODABLE_BYTE(
                byte=f"0x{raw[exc.start]:02X}",
                offset=exc.start,
                encoding=encoding,
                detail=exc.reason,
            ),
        )
    except json.JSONDecodeError as exc:
        return Unreadable(
            raw,
            position,
            messages.JSON_INVALID_AT(detail=exc.msg, line=exc.lineno, column=exc.colno),
        )
    except DuplicateKeyError as exc:
        # Named by what it holds (the last value of each key, as json.loads reads it): a record
        # the source already publishes keeps its version, rather than being withdrawn.
        cells = exc.document if isinstance(exc.document, dict) else None
        return Unreadable(raw, position, str(exc), cells)
    except ValueError as exc:
        return Unreadable(raw, position, messages.JSON_INVALID(detail=exc))
    return Parsed(value, raw, position)


def _json_object_or_lines(
    stream: io.BufferedReader, encoding: str, limits: _Limits
) -> Iterator[Item]:
    data = stream.read(limits.max_record_bytes + 1)
    if len(data) <= limits.max_record_bytes:
        item = _loads(data.removeprefix(codecs.BOM_UTF8), encoding, "object", limits)
        if isinstance(item, Parsed) or "Extra data" not in item.reason:
            yield item
            return
    elif b"\n" in data:
        first = data.removeprefix(codecs.BOM_UTF8).split(b"\n", 1)[0].strip()
        if not isinstance(_loads(first, encoding, "line 1", limits), Parsed):
            # One object over the bound, spread over lines: one record, not read.
            yield Unreadable(
                data[:PREVIEW_BYTES], "object", limits.too_large(len(data)), whole=True
            )
            return
    # Several objects one after another: JSON Lines in a .json file.
    yield from _json_lines(io.BufferedReader(_Chain(data, stream)), encoding, limits)


def _json_items(
    stream: io.BufferedReader, encoding: str, limits: _Limits, path: Sequence[str]
) -> Iterator[Item]:
    rest = seek_array(stream.read, path)
    if rest is None:
        yield Unreadable(b"", "object", messages.JSON_NO_ITEMS(path=".".join(path)), whole=True)
        return
    yield from _json_array(io.BufferedReader(_Chain(rest, stream)), encoding, limits, nested=True)


def _json_lines(stream: io.BufferedReader, encoding: str, limits: _Limits) -> Iterator[Item]:
    number = 0
    while line := stream.readline(limits.max_record_bytes + 1):
        number += 1
        raw = line.removeprefix(codecs.BOM_UTF8) if number == 1 else line
        if len(line) > limits.max_record_bytes and not line.endswith(b"\n"):
            size = len(line) + _skip_line(stream)
            yield Unreadable(raw[:PREVIEW_BYTES], f"line {number}", limits.too_large(size))
            continue
        if not raw.strip():
            continue
        yield _loads(raw.rstrip(b"\r\n"), encoding, f"line {number}", limits)


def _skip_line(stream: io.BufferedReader) -> int:
    """Read past the rest of an overlong line in bounded pieces; how many bytes it had."""
    skipped = 0
    while piece := stream.readline(CHUNK):
        skipped += len(piece)
        if piece.endswith(b"\n"):
            break
    return skipped


def _json_array(
    stream: io.BufferedReader, encoding: str, limits: _Limits, *, nested: bool = False
) -> Iterator[Item]:
    source: io.BufferedReader = (
        stream if is_utf8(encoding) else io.BufferedReader(_Recoded(stream, encoding))
    )
    pieces = split_array(
        source.read,
        max_record_bytes=limits.max_record_bytes,
        max_depth=limits.max_depth,
        nested=nested,
    )
    number = 0
    try:
        for piece in pieces:
            number = piece.number
            position = f"item {piece.number}"
            if piece.fault is not None:
                yield Unreadable(piece.raw, position, piece.fault)
            else:
                yield _loads(piece.raw, "utf-8", position, limits)
    except UnicodeDecodeError as exc:
        yield Unreadable(
            b"",
            f"item {number + 1}",
            messages.JSON_ARRAY_BREAKS(number=number, detail=exc),
            whole=True,
        )


class _Recoded(io.RawIOBase):
    """A byte stream in another encoding, as UTF-8 bytes (so one scanner serves all)."""

    def __init__(self, raw: io.BufferedReader, encoding: str) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)()
        self._pending = b""
        self.cut: UnicodeError | None = None
        """Why the last bytes could not be decoded (a file cut off in a character): the text
        before them is read as usual, and the caller says what was left."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            data = self._raw.read(CHUNK)
            try:
                self._pending = self._decoder.decode(data, final=not data).encode("utf-8")
            except UnicodeError as exc:
                if data:
                    raise
                self.cut = exc  # only the end is missing: what came before stands
            if not data:
                break
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


class _Chain(io.RawIOBase):
    """Bytes already read, followed by the rest of a stream: lets us re-read a consumed head."""

    def __init__(self, head: bytes, rest: io.BufferedReader) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head.nbytes:
            n = min(len(buffer), self._head.nbytes)
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
