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
from collections import Counter
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

__all__ = ["Parsed", "Unreadable", "column_letter", "read_csv", "read_json", "sniff_format"]

_SURROGATE = re.compile("[\udc80-\udcff]")
_SEP_LINE = re.compile(r"sep=(.)(?:\r\n|\r|\n)")
"""Excel's first line naming a CSV's delimiter (``sep=;``): the delimiter, and no header."""


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
    encoding = _marked(head, encoding).removesuffix("-sig")  # JSON's own reader skips it
    if _wide(encoding):
        yield from _recoded(
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
    if not _is_utf8(encoding):
        head = head.decode(encoding, errors="ignore").encode("utf-8")
    head = head.lstrip(codecs.BOM_UTF8).lstrip()
    if not head:
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


def _recoded(
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
        yield _stopped_decoding(exc, encoding)
        return
    if recoded.cut is not None:
        yield _stopped_decoding(recoded.cut, encoding)


def _stopped_decoding(exc: UnicodeError, encoding: str) -> Unreadable:
    """The rest of a file the decoder stopped on (a UTF-16 file cut off, or without its
    byte-order mark): it cannot find its footing again, so the rest is one record."""
    reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
    return Unreadable(
        b"",
        "after the last record read",
        messages.REST_UNDECODABLE(encoding=encoding, detail=reason),
        whole=True,
    )


def _utf16_bom(head: bytes) -> bool:
    """A UTF-16 byte-order mark (UTF-32's little-endian one starts the same: not that)."""
    if head[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):
        return False
    return head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _marked(head: bytes, encoding: str) -> str:
    """The encoding a file's byte-order mark names, whatever the source declares: a partner
    told to save its CSV again as UTF-8 (Excel's "CSV UTF-8", which starts with the mark) was
    read in the ``cp1252`` its source still named, every "é" an "Ã©", without a word where no
    header held one. UTF-8 itself (and no mark) reads as UTF-8 with its mark skipped."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if _utf16_bom(head) and not _wide(encoding):
        return "utf-16"
    return "utf-8-sig" if _is_utf8(encoding) else encoding


def _wide(encoding: str) -> bool:
    """UTF-16 or UTF-32: a line break there is not the byte 0x0A (``_recoded`` reads them)."""
    return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def _decode(raw: bytes, encoding: str) -> str | bytes:
    # json.loads detects UTF-8/16/32 itself; another declared encoding is decoded first.
    return raw if _is_utf8(encoding) else raw.decode(encoding)


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
        stream if _is_utf8(encoding) else io.BufferedReader(_Recoded(stream, encoding))
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


def read_csv(
    stream: io.BufferedReader,
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
    header_row: int = 1,
    title_check: bool = True,
) -> Iterator[Item]:
    """Yield each row of a CSV/TSV file with a header row as a ``{column: value}`` object.
    ``header_row``: the row that names the columns (1-based, as a spreadsheet program shows
    the file: rows, not lines, and not Excel's ``sep=`` line); the rows above it (a title,
    notes) are not read. With ``title_check``, a header row that looks like a title
    (``header_title_fault``) makes the file unreadable; a draft reads the row it is told.

    Bytes the declared encoding cannot decode do not stop the file: the row that holds them is
    unreadable, with the byte, the column and the encoding in its reason. So is a row over
    ``max_record_bytes`` (characters; it is skipped unbuilt) and a cell over the ``csv`` module's
    field limit (131,072 characters).
    """
    # Spreadsheet exports often start with a byte-order mark: UTF-8's is skipped, and
    # UTF-16's (Excel's "Unicode Text") says how the rest is encoded.
    encoding = _marked(stream.peek(4), encoding)
    if _wide(encoding):
        yield from _recoded(
            stream,
            encoding,
            lambda text: read_csv(
                text,
                delimiter=delimiter,
                max_record_bytes=max_record_bytes,
                header_row=header_row,
                title_check=title_check,
            ),
        )
        return
    text = io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape", newline="")
    try:
        yield from _csv_rows(text, encoding, delimiter, max_record_bytes, header_row, title_check)
    except UnicodeError as exc:  # what surrogateescape cannot carry in another codec
        yield _stopped_decoding(exc, encoding)
    finally:
        with contextlib.suppress(ValueError):  # already closed by a caller that stopped early
            text.detach()  # the caller owns (and closes) the byte stream


class _OversizedError(Exception):
    """Raised through ``csv.reader`` by ``_Lines`` when a row outgrows its bound."""


class _Lines:
    """The physical lines ``csv.reader`` reads, each read with a bound, counting the characters
    of the row being read: a row over ``limit`` is skipped, not built (``_OversizedError``)."""

    def __init__(self, sample: str, rest: io.TextIOWrapper, limit: int) -> None:
        self._rest = rest
        self._limit = limit
        # newline="": lines end at \n, \r\n or a lone \r (Excel for Mac's "CSV (Macintosh)"), as
        # they do in ``rest``; StringIO's default would see a lone \r as inside a line.
        self._head = io.StringIO(sample + rest.readline(limit + 1), newline="")
        self.number = 0
        self.row_size = 0
        self.row_lines: list[str] = []
        self.row_quotes = 0
        self._pushed: str | None = None

    def __iter__(self) -> _Lines:
        return self

    def new_row(self) -> None:
        self.row_size, self.row_lines, self.row_quotes = 0, [], 0

    def at_end(self) -> bool:
        """Whether no line is left (the next one is read ahead, and given next)."""
        if self._pushed is None:
            self._pushed = self._read_line()
        return not self._pushed

    def _read_line(self) -> str:
        """The next physical line: the sniffed sample's first, then the rest of the file's,
        read to one character past the bound at most (enough to tell a line over it)."""
        return self._head.readline() or self._rest.readline(self._limit + 1)

    def quote_left_open(self, first: int) -> bool:
        """Whether the row just read, from line ``first``, ended only with the file, inside a
        quoted cell: csv.reader then ends the cell there, and the rows after the quote became
        its text without a word. Such a row spans several lines with an odd number of quotes
        (a closed quoted cell has an even number; a row's own stray quotes, which csv keeps
        as text, are rare beside a cell over several lines)."""
        return self.number > first and self.row_quotes % 2 == 1 and self.at_end()

    def preview(self) -> bytes:
        text = "".join(self.row_lines)[:PREVIEW_BYTES]
        return text.encode("utf-8", "surrogateescape")

    def __next__(self) -> str:
        if self._pushed is not None:
            line, self._pushed = self._pushed, None
        else:
            line = self._read_line()
        if not line:
            raise StopIteration
        self.number += 1
        self.row_size += len(line)
        self.row_quotes += line.count('"')
        if sum(map(len, self.row_lines)) < PREVIEW_BYTES:
            self.row_lines.append(line[:PREVIEW_BYTES])
        if len(line) > self._limit and not line.endswith(("\n", "\r")):
            while piece := self._rest.readline(CHUNK):  # the rest of the line, unkept
                self.row_size += len(piece)
                if piece.endswith(("\n", "\r")):
                    break
        if self.row_size > self._limit:
            raise _OversizedError(self.row_size)
        return line


def _csv_rows(  # noqa: PLR0917
    text: io.TextIOWrapper,
    encoding: str,
    delimiter: str | None,
    limit: int,
    header_row: int,
    title_check: bool,
) -> Iterator[Item]:
    sample = text.read(65536)
    directive = _SEP_LINE.match(sample)
    if directive is not None:
        delimiter = delimiter or directive.group(1)
        sample = sample[directive.end() :]
    if not sample.strip():
        return
    lines = _Lines(sample, text, limit)
    lines.number = 1 if directive is not None else 0  # lines are counted as the file has them
    # A title above the header would mislead the sniffer: it reads from the header on.
    below = "\n".join(sample.splitlines()[header_row - 1 :])
    reader = csv.reader(lines, delimiter=delimiter or _sniff_delimiter(below))
    found = _csv_header(reader, lines, header_row, encoding, limit)
    if not isinstance(found, tuple):
        if found is not None:
            yield found
        return
    header, header_where = found
    rows = header_row  # rows as a spreadsheet numbers them (a sep= line is none)
    looked = 0 if title_check else TITLE_LOOK_ROWS
    while True:
        lines.new_row()
        first = lines.number + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, _OversizedError) as exc:
            # csv.reader starts a new row on the next call; the rest of the file goes on.
            rows += 1
            where = _csv_position(first, rows)
            yield Unreadable(lines.preview(), where, _csv_fault(exc, limit))
            continue
        rows += 1
        if lines.quote_left_open(first):
            where = _csv_position(first, rows)
            reason = messages.CSV_QUOTE_UNCLOSED(line=first, lines=lines.number - first + 1)
            yield Unreadable(lines.preview(), where, reason, whole=True)
            return
        if any(cell.strip() for cell in row):
            if looked < TITLE_LOOK_ROWS:
                looked += 1
                title = header_title_fault(header, row)
                if title:
                    raw = ",".join(header).encode("utf-8", "surrogateescape")
                    yield Unreadable(raw, header_where, title, whole=True)
                    return
            where = _csv_position(first, rows)
            yield _csv_item(row, header, reader.dialect.delimiter, encoding, where)


def _csv_header(
    reader: Iterator[list[str]], lines: _Lines, header_row: int, encoding: str, limit: int
) -> tuple[list[str], str] | Unreadable | None:
    """The header row and where it is; why it cannot name the columns; or None (no rows)."""
    where = f"line {lines.number + 1}"
    try:
        for _ in range(header_row - 1):  # the rows above the header (a title, notes)
            next(reader)
            lines.new_row()
        where = f"line {lines.number + 1}"
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return None
    except (csv.Error, _OversizedError) as exc:
        reason = messages.CSV_HEADER_UNREADABLE(detail=_csv_fault(exc, limit))
        return Unreadable(lines.preview(), where, reason, whole=True)
    fault = _header_fault(header, encoding)
    if fault:
        raw = ",".join(header).encode("utf-8", "surrogateescape")
        return Unreadable(raw, where, fault, whole=True)
    return header, where


_SNIFFED_LINE = 4096
_SNIFFED = 8192


def _sniff_delimiter(sample: str) -> str:
    """The delimiter of the first lines, judged from whole lines of at most a few KB: the
    sniffer's regular expressions are slow on long hostile lines, and a line cut short has
    fewer delimiters than the others. (The head was cut at 8 KB whatever it held: one long
    cell in the first rows made the sniffer give up, the file was read with commas, and
    each of its semicolon-separated rows was rejected as having no identifier.)"""
    lines = [line for line in sample.splitlines()[:20] if len(line) <= _SNIFFED_LINE]
    head = "\n".join(lines) if lines else sample[:_SNIFFED]
    if len(head) > _SNIFFED:
        head = head[: head.rfind("\n", 0, _SNIFFED) + 1 or _SNIFFED]
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return _commonest_delimiter(head.splitlines())


def _commonest_delimiter(lines: list[str]) -> str:
    """The candidate that the most lines hold the same number of times, when the sniffer gives
    up: it wants nine lines in ten alike (the line after the last break counted), so a title
    line above an Excel export (``Inventaire 2026;;;;`` with one ``;`` fewer than the rows) made
    it fail, and the file was read with commas: the draft took the whole title line for the
    identifier column. Commas inside a few cells ("doré, éclat") do not outvote it."""
    best, best_lines = ",", 0
    for candidate in ",;\t|":
        counts = Counter(n for line in lines if (n := line.count(candidate)))
        alike = counts.most_common(1)[0][1] if counts else 0
        if alike > best_lines:
            best, best_lines = candidate, alike
    return best


def _header_fault(header: list[str], encoding: str) -> str | None:
    """Why a header row cannot name the columns (undecodable bytes, a repeated name)."""
    if any(_SURROGATE.search(h) for h in header):
        return messages.CSV_HEADER_UNDECODABLE(encoding=encoding.removesuffix("-sig"))
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        return messages.HEADER_REPEATS(columns=", ".join(duplicates))
    return None


TITLE_LOOK_ROWS = 5
"""How many rows below a header that names one column are looked at for a title's sign."""


def header_title_fault(header: Sequence[object], row: Sequence[object]) -> str | None:
    """Why the header row looks like a title above the real header: it names
    one column only, while ``row``, below it, fills two others or more. A partner who leaves
    ``header_row`` at 1 over a sheet with a title line would otherwise see every row
    quarantined for "cells in column(s) B, C, ... have no header" (or for want of an id), and
    no word of the one setting that mends them all."""
    named = [i for i, name in enumerate(header) if _filled(name)]
    if len(named) != 1:
        return None
    filled = [i for i, value in enumerate(row) if _filled(value)]
    if len([i for i in filled if i != named[0]]) < 2:
        return None
    return messages.HEADER_IS_A_TITLE(
        column=column_letter(named[0]),
        title=str(header[named[0]]).strip(),
        columns=len({*filled, named[0]}),
    )


def _filled(value: object) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def column_letter(index: int) -> str:
    """A column as a spreadsheet program names it: 0 is A, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _csv_position(line: int, row: int) -> str:
    """Where a row is: the line of the file it starts on, and, where a spreadsheet numbers it
    otherwise (a cell above it holds line breaks, or the file starts with Excel's ``sep=``
    line), its row as the registrar sees it in the spreadsheet."""
    return f"line {line}" if line == row else f"line {line}, row {row}"


def _csv_item(
    row: list[str], header: list[str], delimiter: str, encoding: str, position: str
) -> Item:
    """One data row as a record, or why it is not one."""
    raw = delimiter.join(row).encode("utf-8", "surrogateescape")
    record = {name: cell for name, cell in zip(header, row, strict=False) if name}
    # What names the record if it cannot be read: the cells up to the header's width (the
    # first columns, often the id, are the row's own up to a stray delimiter), decoded.
    readable = {name: cell for name, cell in record.items() if not _SURROGATE.search(cell)}
    if len(row) > len(header):
        return Unreadable(
            raw[:PREVIEW_BYTES],
            position,
            messages.CSV_ROW_TOO_WIDE(fields=len(row), header=len(header)),
            readable,
        )
    # A cell under a column without a name (a header cell left empty, or the second column of
    # a merged header, which a CSV export writes empty) has nowhere to go: the row says so,
    # as a sheet's does, rather than being read without it.
    stray = [i for i, cell in enumerate(row) if i < len(header) and not header[i] and cell.strip()]
    if stray:
        columns = ", ".join(column_letter(i) for i in stray)
        return Unreadable(
            raw, position, messages.SHEET_CELLS_WITHOUT_HEADER(columns=columns), readable
        )
    problem = _undecodable(record, encoding)
    if problem:
        return Unreadable(raw, position, problem, readable)
    return Parsed(record, json.dumps(record, ensure_ascii=False).encode("utf-8"), position)


def _csv_fault(exc: Exception, limit: int) -> str:
    if isinstance(exc, _OversizedError):
        return messages.CSV_ROW_TOO_LARGE(size=exc.args[0], limit=limit)
    text = str(exc)
    if "field limit" in text:
        return messages.CSV_CELL_TOO_LONG(limit=csv.field_size_limit())
    return messages.CSV_INVALID(detail=text)


def _undecodable(record: dict[str, str], encoding: str) -> str | None:
    for column, cell in record.items():
        found = _SURROGATE.search(cell)
        if found:
            byte = ord(found.group()) - 0xDC00
            return messages.CSV_UNDECODABLE_CELL(
                byte=f"0x{byte:02X}", column=column, encoding=encoding.removesuffix("-sig")
            )
    return None
