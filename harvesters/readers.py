"""Readers that split a byte stream into JSON objects or CSV rows, lazily.

They do not decide what a record *means*; they only find record boundaries, keep the raw bytes
and turn anything unreadable into a reason instead of an exception, so that one bad line never
stops the rest of a feed.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import ijson

__all__ = ["Parsed", "Unreadable", "read_csv", "read_json", "sniff_format"]

JSON_SINGLE_LIMIT = 64 * 1024 * 1024
"""A ``{``-file up to this size is read whole (one object, raw bytes kept); beyond it, as lines."""

_SURROGATE = re.compile("[\udc80-\udcff]")


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
    stream: io.BufferedReader, *, lines: bool = False, encoding: str = "utf-8"
) -> Iterator[Item]:
    """Yield each JSON object in ``stream``: a single object, an array, or JSON Lines.

    Arrays are streamed with ijson, so a feed of any size is read in constant memory.
    """
    head = stream.peek(4096)[:4096].lstrip(codecs.BOM_UTF8).lstrip()
    if not head:
        return
    if lines:
        yield from _json_lines(stream, encoding)
    elif head[:1] == b"[":
        yield from _json_array(stream, encoding)
    elif head[:1] == b"{":
        yield from _json_object_or_lines(stream, encoding)
    else:
        raw = stream.read(1 << 20)  # enough for a person to see what came instead of JSON
        yield Unreadable(raw, "object", f"not JSON: the file starts with {head[:20]!r}")


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def _decode(raw: bytes, encoding: str) -> str | bytes:
    # json.loads detects UTF-8/16/32 itself; another declared encoding is decoded first.
    return raw if _is_utf8(encoding) else raw.decode(encoding)


def _loads(raw: bytes, encoding: str, position: str) -> Item:
    try:
        value = json.loads(_decode(raw, encoding))
    except UnicodeDecodeError as exc:
        return Unreadable(
            raw,
            position,
            f"undecodable byte 0x{raw[exc.start]:02X} at offset {exc.start} "
            f"(expected {encoding}): {exc.reason}",
        )
    except json.JSONDecodeError as exc:
        return Unreadable(
            raw, position, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        )
    return Parsed(value, raw, position)


def _json_object_or_lines(stream: io.BufferedReader, encoding: str) -> Iterator[Item]:
    data = stream.read(JSON_SINGLE_LIMIT + 1)
    if len(data) <= JSON_SINGLE_LIMIT:
        item = _loads(data.removeprefix(codecs.BOM_UTF8), encoding, "object")
        if isinstance(item, Parsed) or "Extra data" not in item.reason:
            yield item
            return
    # Several objects one after another: JSON Lines in a .json file.
    yield from _json_lines(io.BufferedReader(_Chain(data, stream)), encoding)


def _json_lines(stream: io.BufferedReader, encoding: str) -> Iterator[Item]:
    for number, line in enumerate(stream, start=1):
        raw = line.removeprefix(codecs.BOM_UTF8) if number == 1 else line
        if not raw.strip():
            continue
        yield _loads(raw.rstrip(b"\r\n"), encoding, f"line {number}")


def _json_array(stream: io.BufferedReader, encoding: str) -> Iterator[Item]:
    source: io.BufferedReader | io.TextIOWrapper = (
        stream if _is_utf8(encoding) else io.TextIOWrapper(stream, encoding=encoding)
    )
    index = 0
    try:
        for index, value in enumerate(ijson.items(source, "item", use_float=True), start=1):
            raw = json.dumps(value, ensure_ascii=False).encode("utf-8")
            yield Parsed(value, raw, f"item {index}")
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        rest = b""
        with contextlib.suppress(OSError, ValueError):
            rest = stream.read(1 << 20)
        yield Unreadable(
            rest,
            f"item {index + 1}",
            f"the JSON array breaks after item {index}: {exc}; the rest of the file was not read",
        )
    finally:
        if isinstance(source, io.TextIOWrapper):
            with contextlib.suppress(ValueError):  # already closed by a caller that stopped early
                source.detach()  # the caller owns (and closes) the byte stream


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


def read_csv(
    stream: io.BufferedReader, *, encoding: str = "utf-8", delimiter: str | None = None
) -> Iterator[Item]:
    """Yield each row of a CSV/TSV file with a header row as a ``{column: value}`` object.

    Bytes the declared encoding cannot decode do not stop the file: the row that holds them is
    unreadable, with the byte, the column and the encoding in its reason.
    """
    if _is_utf8(encoding):
        encoding = "utf-8-sig"  # spreadsheet exports often start with a byte-order mark
    text = io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape", newline="")
    try:
        yield from _csv_rows(text, encoding, delimiter)
    finally:
        with contextlib.suppress(ValueError):  # already closed by a caller that stopped early
            text.detach()  # the caller owns (and closes) the byte stream


def _csv_rows(text: io.TextIOWrapper, encoding: str, delimiter: str | None) -> Iterator[Item]:
    sample = text.read(65536)
    if not sample.strip():
        return
    if delimiter is None:
        try:
            head = "\n".join(sample.splitlines()[:20])
            delimiter = csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(_prepend(sample, text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    header = [h.strip() for h in header]
    bad_header = [h for h in header if _SURROGATE.search(h)]
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if bad_header or duplicates:
        reason = (
            f"the header row has undecodable bytes (expected {encoding})"
            if bad_header
            else f"the header row repeats column(s) {', '.join(duplicates)}"
        )
        yield Unreadable(",".join(header).encode("utf-8", "surrogateescape"), "line 1", reason)
        return
    for row in reader:
        position = f"line {reader.line_num}"
        if not any(cell.strip() for cell in row):
            continue
        raw = delimiter.join(row).encode("utf-8", "surrogateescape")
        if len(row) > len(header):
            yield Unreadable(
                raw, position, f"the row has {len(row)} fields but the header has {len(header)}"
            )
            continue
        record = {name: cell for name, cell in zip(header, row, strict=False) if name}
        problem = _undecodable(record, encoding)
        if problem:
            yield Unreadable(raw, position, problem)
            continue
        yield Parsed(record, json.dumps(record, ensure_ascii=False).encode("utf-8"), position)


def _prepend(sample: str, rest: IO[str]) -> Iterator[str]:
    yield from io.StringIO(sample + rest.readline())
    yield from rest


def _undecodable(record: dict[str, str], encoding: str) -> str | None:
    for column, cell in record.items():
        found = _SURROGATE.search(cell)
        if found:
            byte = ord(found.group()) - 0xDC00
            return (
                f"undecodable byte 0x{byte:02X} in column {column!r} "
                f"(the source declares encoding {encoding.removesuffix('-sig')}); "
                "set `encoding` for this source to the file's real encoding"
            )
    return None
