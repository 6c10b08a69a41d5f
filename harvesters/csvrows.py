"""CSV and TSV files read row by row under their header row, lazily, each row a record or the
reason it is not one; and the rules of a header row that spreadsheets share (a title taken for
the header, a column's letter).

A row is read with a bound on its size, a quote left open to the end of the file is said, and
bytes the declared encoding cannot decode cost the row that holds them, not the file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence

from museion_core import messages

from .jsonscan import CHUNK, MAX_RECORD_BYTES, PREVIEW_BYTES
from .readers import (
    NOT_A_TABLE_HEAD,
    Item,
    Parsed,
    Unreadable,
    is_utf8,
    marked,
    not_a_table,
    read_recoded,
    stopped_decoding,
    wide,
)

__all__ = [
    "TITLE_LOOK_ROWS",
    "column_letter",
    "header_row_past_end",
    "header_title_fault",
    "read_csv",
    "with_rows",
]

_SURROGATE = re.compile("[\udc80-\udcff]")
_SEP_LINE = re.compile(r"sep=(.)(?:\r\n|\r|\n|\Z)")
"""Excel's first line naming a CSV's delimiter (``sep=;``): the delimiter, and no header."""


def read_csv(
    stream: io.BufferedReader,
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
    header_row: int = 1,
    title_check: bool = True,
    rows_required: bool = False,
    uploaded: bool = False,
) -> Iterator[Item]:
    """Yield each row of a CSV/TSV file with a header row as a ``{column: value}`` object.
    ``header_row``: the row that names the columns (1-based, as a spreadsheet program shows
    the file: rows, not lines, and not Excel's ``sep=`` line); the rows above it (a title,
    notes) are not read. With ``title_check``, a header row that looks like a title
    (``header_title_fault``) makes the file unreadable; a draft reads the row it is told.
    With ``rows_required`` (a harvest), a file with no row under its header is unreadable
    whole (``_header_only``), not a file of no record; ``uploaded``: the file came in a
    partner's upload, and what it is told fits that path (it cannot remove the file).

    Bytes the declared encoding cannot decode do not stop the file: the row that holds them is
    unreadable, with the byte, the column and the encoding in its reason. So is a row over
    ``max_record_bytes`` (characters; it is skipped unbuilt) and a cell over the ``csv`` module's
    field limit (131,072 characters).
    """
    # Spreadsheet exports often start with a byte-order mark: UTF-8's is skipped, and
    # UTF-16's (Excel's "Unicode Text") says how the rest is encoded.
    document = not_a_table(stream.peek(NOT_A_TABLE_HEAD)[:NOT_A_TABLE_HEAD])
    if document:
        yield Unreadable(b"", "", document, whole=True)
        return
    encoding = marked(stream.peek(4), encoding)
    if wide(encoding):
        yield from read_recoded(
            stream,
            encoding,
            lambda text: read_csv(
                text,
                delimiter=delimiter,
                max_record_bytes=max_record_bytes,
                header_row=header_row,
                title_check=title_check,
                rows_required=rows_required,
                uploaded=uploaded,
            ),
        )
        return
    text = io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape", newline="")
    try:
        rows = _csv_rows(
            text,
            encoding,
            delimiter,
            max_record_bytes,
            header_row,
            title_check,
            rows_required,
            uploaded,
        )
        yield from with_rows(rows, uploaded) if rows_required else rows
    except UnicodeError as exc:  # what surrogateescape cannot carry in another codec
        yield stopped_decoding(exc, encoding)
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
    rows_required: bool = False,
    uploaded: bool = False,
) -> Iterator[Item]:
    sample = text.read(65536)
    directive = _SEP_LINE.match(sample)
    if directive is not None:
        delimiter = delimiter or directive.group(1)
        sample = sample[directive.end() :]
    if not sample.strip():  # no record; its header on a row past its end says so
        yield from _no_header(0, header_row, directive, rows_required, uploaded)
        return
    lines = _Lines(sample, text, limit)
    lines.number = 1 if directive is not None else 0  # lines are counted as the file has them
    # A title above the header would mislead the sniffer: it reads from the header on.
    below = "\n".join(sample.splitlines()[header_row - 1 :])
    reader = csv.reader(lines, delimiter=delimiter or _sniff_delimiter(below))
    found = _csv_header(reader, lines, header_row, encoding, limit, uploaded)
    if not isinstance(found, tuple):
        if found is not None:
            yield found
        return
    header, header_where, above = found
    rows = header_row  # rows as a spreadsheet numbers them (a sep= line is none)
    looked = 0 if title_check else TITLE_LOOK_ROWS
    given = False  # whether a row was given (a record, or why it is none)
    while True:
        lines.new_row()
        first = lines.number + 1
        try:
            row = next(reader)
        except StopIteration:
            if not given and not any(h.strip() for h in header):
                # the header row and all below it blank (the empty rows an export keeps)
                yield from _no_header(above, header_row, directive, rows_required, uploaded)
            return
        except (csv.Error, _OversizedError) as exc:
            # csv.reader starts a new row on the next call; the rest of the file goes on.
            rows += 1
            where = _csv_position(first, rows)
            given = True
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
            given = True
            yield _csv_item(row, header, reader.dialect.delimiter, encoding, where, uploaded)


def _csv_header(  # noqa: PLR0917
    reader: Iterator[list[str]],
    lines: _Lines,
    header_row: int,
    encoding: str,
    limit: int,
    uploaded: bool,
) -> tuple[list[str], str, int] | Unreadable | None:
    """The header row, where it is and the last row above it that holds anything; why it
    cannot name the columns (the file ends above it); or None (no rows)."""
    where = f"line {lines.number + 1}"
    filled = 0
    try:
        for number in range(1, header_row):  # the rows above the header (a title, notes)
            if any(cell.strip() for cell in next(reader)):
                filled = number
            lines.new_row()
        where = f"line {lines.number + 1}"
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return header_row_past_end(filled, header_row) if header_row > 1 else None
    except (csv.Error, _OversizedError) as exc:
        reason = messages.CSV_HEADER_UNREADABLE(detail=_csv_fault(exc, limit))
        return Unreadable(lines.preview(), where, reason, whole=True)
    fault = _header_fault(header, encoding, uploaded)
    if fault:
        raw = ",".join(header).encode("utf-8", "surrogateescape")
        return Unreadable(raw, where, fault, whole=True)
    return header, where, filled


def with_rows(items: Iterator[Item], uploaded: bool = False) -> Iterator[Item]:
    """``items``, or, if a table yields none (its header and no row under it: blank rows are
    none), the whole file unreadable (``_header_only``)."""
    found = False
    for item in items:
        found = True
        yield item
    if not found:
        yield _header_only(uploaded)


def _header_only(uploaded: bool) -> Unreadable:
    """A table with its header and no row under it: read as no record, every record the file
    held would be withdrawn, as for an empty file; an export that found nothing, or one cut
    short, is told instead, and withdraws nothing (``Unreadable.whole``). How to withdraw
    records is told as the file came: a harvested file is removed from the location, a
    partner who uploaded it leaves it out of the next upload."""
    said = messages.FILE_HEADER_ONLY_UPLOADED if uploaded else messages.FILE_HEADER_ONLY
    return Unreadable(b"", "", said(), whole=True)


def _no_header(
    rows: int,
    header_row: int,
    directive: re.Match[str] | None,
    rows_required: bool,
    uploaded: bool = False,
) -> list[Unreadable]:
    """Why a file whose rows hold no header and nothing under it (``rows``: its last row
    that holds anything, above ``header_row``) is unreadable; none where it is a file of no
    row (an empty file is said by the harvester, a draft says it of itself).

    A file of Excel's ``sep=`` line alone (or with blank rows under it) has no header row:
    it is not a table "with its header and no row under it" (``_header_only``), but it is
    unreadable whole all the same, and withdraws nothing."""
    if header_row > 1:
        return [header_row_past_end(rows, header_row)]
    if directive is None or not rows_required:
        return []
    line = directive.group().rstrip("\r\n")
    said = messages.FILE_SEP_LINE_ONLY_UPLOADED if uploaded else messages.FILE_SEP_LINE_ONLY
    return [Unreadable(b"", "", said(line=line), whole=True)]


def header_row_past_end(rows: int, header_row: int) -> Unreadable:
    """A file or sheet whose rows end above ``header_row`` (``rows``: its last row that holds
    anything): it would read as no record at all, and every record of the source would be
    withdrawn as gone from the feed. Which records it holds is not known: the whole file is
    unreadable, so nothing is withdrawn (``Unreadable.whole``)."""
    reason = messages.HEADER_ROW_PAST_END(rows=rows, header_row=header_row)
    return Unreadable(b"", "", reason, whole=True)


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


def _header_fault(header: list[str], encoding: str, uploaded: bool = False) -> str | None:
    """Why a header row cannot name the columns (undecodable bytes, a repeated name)."""
    if any(_SURROGATE.search(h) for h in header):
        if _told_to_resave(encoding, uploaded):
            return messages.CSV_HEADER_UNDECODABLE_UPLOADED()
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


def _csv_item(  # noqa: PLR0917
    row: list[str],
    header: list[str],
    delimiter: str,
    encoding: str,
    position: str,
    uploaded: bool = False,
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
    problem = _undecodable(record, encoding, uploaded)
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


def _told_to_resave(encoding: str, uploaded: bool) -> bool:
    """Whether bytes a file's encoding cannot read are told to its sender as a file to save
    again as UTF-8: a partner who uploads cannot set the source's ``encoding``, which the
    coordinator is told to set for a harvested file; the file Excel's plain "CSV" writes
    (Windows-1252, -1256 ...) is saved again as "CSV UTF-8". A source that declares another
    encoding keeps the coordinator's message: the coordinator chose it."""
    return uploaded and is_utf8(encoding.removesuffix("-sig"))


def _undecodable(record: dict[str, str], encoding: str, uploaded: bool = False) -> str | None:
    for column, cell in record.items():
        found = _SURROGATE.search(cell)
        if found:
            byte = ord(found.group()) - 0xDC00
            if _told_to_resave(encoding, uploaded):
                return messages.CSV_UNDECODABLE_CELL_UPLOADED(byte=f"0x{byte:02X}", column=column)
            return messages.CSV_UNDECODABLE_CELL(
                byte=f"0x{byte:02X}", column=column, encoding=encoding.removesuffix("-sig")
            )
    return None
