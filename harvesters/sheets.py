"""Spreadsheets (xlsx, xlsm, xls, ods) read as rows of ``{column: value}``, like a CSV.

A registrar's inventory is an Excel or LibreOffice file, and what its cells hold must survive:
a date cell is a date (written ``1885-03-01``, not the serial number 31107), a number is the
number as a CSV export of the sheet writes it (``1890``, ``45``, ``12.5``: ``as_text``), a
formula is the value the spreadsheet last computed. The header may sit below a title
block (``header_row``), may be merged across several columns (each column then gets the merged
text, numbered), and the empty rows a spreadsheet keeps at its end are not records.
python-calamine reads every format in Rust from the cached values, without running formulas.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any

import openpyxl
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, SheetVisibleEnum

from museion_core import messages

from .csvrows import (
    TITLE_LOOK_ROWS,
    column_letter,
    header_row_past_end,
    header_title_fault,
    with_rows,
)
from .readers import NOT_A_TABLE_HEAD, Item, Parsed, Unreadable, not_a_table
from .sheet_extent import ARCHIVE_ERRORS, check_archive
from .xls_extent import check_xls

__all__ = ["SHEET_FORMATS", "as_text", "cell_value", "read_sheet", "sheet_names", "sheet_rows"]

SHEET_FORMATS = ("xlsx", "xlsm", "xls", "ods")

Cell = int | float | str | bool | dt.time | dt.date | dt.datetime | dt.timedelta


def cell_value(cell: Cell) -> Any:
    """A cell as JSON: text trimmed, whole numbers as integers, dates and times in ISO 8601.

    ``None`` for an empty cell. A date-time at midnight is a date: spreadsheets store every
    date as a date-time, and "1885-03-01T00:00:00" would claim a precision nobody entered.
    """
    if isinstance(cell, str):
        text = cell.strip()
        return text or None
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() and abs(cell) < 2**53 else cell
    if isinstance(cell, int):
        return cell
    if isinstance(cell, dt.datetime):
        if cell.time() == dt.time(0):
            return cell.date().isoformat()
        return cell.isoformat()
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    return cell.total_seconds()  # a duration


def _pick_sheet(book: CalamineWorkbook, sheet: str | int | None) -> CalamineSheet:
    names = book.sheet_names
    if sheet is None:
        visible = [m.name for m in book.sheets_metadata if m.visible == SheetVisibleEnum.Visible]
        return book.get_sheet_by_name((visible or names)[0])
    if isinstance(sheet, int):
        if not 1 <= sheet <= len(names):
            raise LookupError(messages.NO_SHEET_NUMBER(count=len(names), sheet=sheet))
        return book.get_sheet_by_index(sheet - 1)
    if sheet not in names:
        raise LookupError(messages.NO_SHEET_NAMED(sheet=sheet, sheets=", ".join(map(repr, names))))
    return book.get_sheet_by_name(sheet)


Ranges = list[tuple[tuple[int, int], tuple[int, int]]] | None


def _panicked(exc: BaseException) -> bool:
    """Whether calamine's Rust code panicked: pyo3 raises a ``PanicException``, which is a
    ``BaseException`` and would stop the harvest of every source. calamine indexes some
    records of an xls without checking their length (a short ``Lbl`` record panics), so a
    panic is a damaged file, told as such."""
    return type(exc).__name__ == "PanicException"


def _workbook(stream: io.BufferedIOBase) -> CalamineWorkbook:
    """The workbook calamine reads from ``stream`` (``_opened``); ``ValueError`` for what is
    not one, also where calamine panicked on it."""
    try:
        return CalamineWorkbook.from_filelike(stream)
    except (CalamineError, ValueError, OSError) as exc:
        raise ValueError(_not_a_workbook(stream, exc)) from exc
    except BaseException as exc:
        if not _panicked(exc):
            raise
        raise ValueError(_not_a_workbook(stream, exc)) from exc


def _not_a_workbook(stream: io.BufferedIOBase, exc: BaseException) -> str:
    """Why calamine could not open ``stream``: a PDF or a photo named ``.xlsx`` is told as
    such (``not_a_table``), rather than in calamine's English ("Cannot detect file format")."""
    with contextlib.suppress(OSError, ValueError):
        stream.seek(0)
        document = not_a_table(stream.read(NOT_A_TABLE_HEAD))
        if document:
            return document
    return messages.NOT_A_WORKBOOK(detail=exc)


def sheet_names(data: bytes) -> list[str]:
    """The names of a workbook's visible sheets, in order (every sheet's if none is marked
    visible); ``ValueError`` for what is not a workbook."""
    stream = _opened(io.BytesIO(data), mend=False)
    book = _workbook(stream)
    try:
        visible = [m.name for m in book.sheets_metadata if m.visible == SheetVisibleEnum.Visible]
        return visible or list(book.sheet_names)
    except BaseException as exc:
        if not _panicked(exc):
            raise
        raise ValueError(messages.NOT_A_WORKBOOK(detail=exc)) from exc
    finally:
        book.close()


def sheet_rows(
    data: bytes | io.BufferedIOBase, sheet: str | int | None = None
) -> tuple[list[list[Any]], Ranges]:
    """Every row of the chosen sheet (1-based ``sheet`` index or name; default the first
    visible one), padded to the sheet's width and indexed from the sheet's row 1, with the
    merged ranges (``None`` where the format does not give them: ods). Raises ``LookupError``
    (no such sheet) or ``ValueError`` (not a workbook)."""
    stream = _opened(io.BytesIO(data) if isinstance(data, bytes) else data, mend=True)
    book = _workbook(stream)
    try:
        chosen = _pick_sheet(book, sheet)
        rows = chosen.to_python(skip_empty_area=False)
        merged = chosen.merged_cell_ranges
    except CalamineError as exc:
        raise ValueError(messages.SHEET_UNREADABLE(detail=exc)) from exc
    except BaseException as exc:
        if not _panicked(exc):
            raise
        raise ValueError(messages.SHEET_UNREADABLE(detail=exc)) from exc
    finally:
        book.close()
    midnights = [
        (r, c)
        for r, row in enumerate(rows)
        for c, cell in enumerate(row)
        if type(cell) is dt.time and cell == dt.time(0)
    ]
    if midnights:
        _dates_before_1900(stream, chosen.name, rows, midnights)
    return [[cell_value(c) for c in row] for row in rows], merged


MAX_CELLS = 20_000_000
"""The most cells a sheet may span from its first to its last written cell. calamine holds
the whole span in memory: one cell written at XFD1048576 in a 1.5 KB file asked for 512 GB,
and the allocation failure aborted the harvest of every source. Twenty million cells (a
registrar's 200,000 rows of 100 columns) take about 640 MB."""

_ODS = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_BREAKS = re.compile(rb"<text:(line-break|tab)(?:\s[^<>]*)?/>")
_CHUNK = 1 << 20
_LONGEST_TAG = 1 << 16
"""Longer than any line-break or tab element: a tag longer is handed on, not carried over
into the next piece again and again (a hostile archive's one endless tag)."""


def _opened(stream: io.BufferedIOBase, *, mend: bool) -> io.BufferedIOBase:
    """``stream`` ready for calamine, its archive (if it is one) opened once for both checks:
    refused (``ValueError``) if a sheet spans too many cells (``_check_extent``; a compound
    file, archive or not, by ``check_xls``), and, if ``mend``, an OpenDocument sheet with its
    cells' line breaks and tabs written as characters (``_with_ods_breaks``). An archive
    zipfile cannot open is refused: its sheets cannot be checked. Any other stream is handed
    back as it is."""
    start = stream.tell()
    try:
        # calamine tries a file as an xls before an archive: a compound file with an archive
        # after it is both (zipfile finds an archive by its end), and went to calamine as an
        # archive, its xls records unchecked
        xls = check_xls(stream, MAX_CELLS)
        stream.seek(start)
        if not zipfile.is_zipfile(stream):
            return stream
        stream.seek(start)
        try:
            archive = zipfile.ZipFile(stream)
        except ARCHIVE_ERRORS as exc:
            if xls:  # an xls holding what looks like an archive's end (an embedded file)
                return stream
            # calamine's own zip reader might open what this one cannot, unchecked
            detail = messages.ARCHIVE_UNREADABLE(detail=exc)
            raise ValueError(messages.NOT_A_WORKBOOK(detail=detail)) from exc
        with archive:
            _check_extent(archive)
            mended = _with_ods_breaks(archive) if mend else None
        return stream if mended is None else mended
    finally:
        stream.seek(start)


def _with_ods_breaks(archive: zipfile.ZipFile) -> io.BytesIO | None:
    """An OpenDocument sheet whose cells hold a line break (Ctrl+Enter in LibreOffice) or a
    tab, with each written as the character it stands for: calamine drops the elements, and
    "Erste Zeile" and "Zweite Zeile" became "Erste ZeileZweite Zeile". None for any other
    archive, and a sheet without them: it is read as it is. ``content.xml`` is read and
    rewritten a megabyte at a time: a small archive may unpack to a very large one."""
    try:
        if archive.read("mimetype").strip() != _ODS or not _has_breaks(archive):
            return None
        mended = io.BytesIO()
        with zipfile.ZipFile(mended, "w", zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                if info.filename == "content.xml":
                    with archive.open(info) as source, out.open("content.xml", "w") as sink:
                        for piece in _xml_pieces(source):
                            sink.write(_ODS_BREAKS.sub(_character, piece))
                else:
                    out.writestr(info.filename, archive.read(info.filename))
        mended.seek(0)
        return mended
    except (KeyError, *ARCHIVE_ERRORS):
        return None  # calamine says what is wrong with it


def _character(found: re.Match[bytes]) -> bytes:
    return b"&#10;" if found.group(1) == b"line-break" else b"&#9;"


def _has_breaks(archive: zipfile.ZipFile) -> bool:
    with archive.open("content.xml") as source:
        return any(_ODS_BREAKS.search(piece) for piece in _xml_pieces(source))


def _xml_pieces(source: IO[bytes]) -> Iterator[bytes]:
    """An XML part in pieces of about ``_CHUNK`` bytes, each ending outside any tag, so that
    a pattern of one tag never spans two pieces."""
    tail = b""
    while chunk := source.read(_CHUNK):
        text = tail + chunk
        cut = text.rfind(b"<")
        if cut < 0 or text.find(b">", cut) >= 0 or len(text) - cut > _LONGEST_TAG:
            cut = len(text)  # (a tag this long is none of the breaks: not carried on)
        yield text[:cut]
        tail = text[cut:]
    if tail:
        yield tail


def _check_extent(archive: zipfile.ZipFile) -> None:
    """Refuse (``ValueError``) an xlsx or xlsm workbook one of whose sheets spans more than
    ``MAX_CELLS`` from A1 to its farthest cell, or an ods whose sheets do together, before
    calamine reads it (``sheet_extent.check_archive``); so too one whose parts the check
    cannot read."""
    check_archive(archive, MAX_CELLS)


def _dates_before_1900(
    stream: io.BufferedIOBase, name: str, rows: list[list[Any]], cells: list[tuple[int, int]]
) -> None:
    """Put the dates back that calamine reads as the time 00:00: a date before 1900 is a
    negative serial number in an xlsx (LibreOffice and openpyxl write them; Excel cannot), and
    calamine gives it as midnight, the date lost. openpyxl reads those cells as dates; a cell
    that holds the time 00:00 stays a time. Other formats (xls, ods) are left as read."""
    try:
        stream.seek(0)
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception:
        return
    try:
        sheet = book[name]
        first, last = min(r for r, _ in cells), max(r for r, _ in cells)
        wanted: dict[int, list[int]] = {}
        for r, c in cells:
            wanted.setdefault(r, []).append(c)
        read = sheet.iter_rows(min_row=first + 1, max_row=last + 1, values_only=True)
        for r, values in enumerate(read, start=first):
            for c in wanted.get(r, ()):
                if c < len(values) and isinstance(values[c], dt.date):
                    rows[r][c] = values[c]
    except Exception:
        pass
    finally:
        book.close()


def _header(rows: list[list[Any]], header_row: int, merged: Ranges) -> list[str]:
    """Column names from ``header_row`` (1-based). A cell inside a merged range takes the
    range's text, numbered from the second column on ("Dimensions", "Dimensions 2"). Where the
    format does not say which cells are merged (ods), an empty header cell right of a named one,
    over a column that holds values, is taken as merged with it."""
    raw = rows[header_row - 1] if header_row <= len(rows) else []
    header = ["" if v is None else str(v).strip() for v in raw]
    row0 = header_row - 1
    if merged is None:
        named, number = "", 1
        for column, text in enumerate(header):
            if text:
                named, number = text, 1
            elif named and any(r[column] is not None for r in rows[header_row:]):
                number += 1
                header[column] = f"{named} {number}"
            else:
                named = ""
        return header
    for (top, left), (bottom, right) in merged:
        if top <= row0 <= bottom and left < len(header):
            text = header[left] or next(
                (str(rows[r][left]).strip() for r in range(top, bottom + 1) if rows[r][left]),
                "",
            )
            for number, column in enumerate(range(left, min(right, len(header) - 1) + 1), 1):
                header[column] = text if number == 1 else f"{text} {number}"
    return header


def as_text(value: Any) -> Any:
    """A cell's value in a record as a CSV export of the sheet holds it: a number as its text
    (``1890``, ``45`` for 45.0, ``12.5``; 15 significant digits, as Excel writes it), the rest
    as ``cell_value`` gave it. The same records sent as .xlsx after .csv were all "changed"
    (``{"Date": 1890}`` is not ``{"Date": "1890"}``), their report blaming a new mapping; a
    mapping reads a CSV's numbers from their text, and a sheet's the same way."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, int):
        return str(value)
    return format(value, ".15g")


def read_sheet(
    data: bytes | io.BufferedIOBase,
    *,
    sheet: str | int | None = None,
    header_row: int = 1,
    title_check: bool = True,
    rows_required: bool = False,
    uploaded: bool = False,
) -> Iterator[Item]:
    """Yield each row below ``header_row`` as ``{column: value}``, like :func:`read_csv`
    (``rows_required`` and ``uploaded`` too: a sheet with no row under its header is
    unreadable whole, and says so as the file came).

    A workbook that cannot be opened, or a missing sheet, is one unreadable item with the
    reason; empty rows (a spreadsheet's trailing ones) are skipped; cells under a column
    without a header make the row unreadable rather than being silently dropped. With
    ``title_check``, a header row that looks like a title (``header_title_fault``) makes the
    sheet unreadable; a draft reads the row it is told.
    """
    items = _read_sheet(data, sheet, header_row, title_check, rows_required)
    return with_rows(items, uploaded) if rows_required else items


def _read_sheet(
    data: bytes | io.BufferedIOBase,
    sheet: str | int | None,
    header_row: int,
    title_check: bool,
    rows_required: bool,
) -> Iterator[Item]:
    try:
        rows, merged = sheet_rows(data, sheet)
    except (LookupError, ValueError) as exc:
        yield Unreadable(b"", "workbook", str(exc), whole=True)
        return
    filled = next(
        (n for n in range(len(rows), 0, -1) if any(v is not None for v in rows[n - 1])), 0
    )
    if filled < header_row:
        if header_row > 1:
            yield header_row_past_end(filled, header_row)
        elif rows_required:  # an empty sheet: to a harvest, as an empty file
            yield Unreadable(b"", "", messages.FILE_EMPTY(), whole=True)
        return
    header = _header(rows, header_row, merged)
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        reason = messages.HEADER_REPEATS(columns=", ".join(duplicates))
        raw = json.dumps(header, ensure_ascii=False).encode("utf-8")
        yield Unreadable(raw, f"row {header_row}", reason, whole=True)
        return
    below = [row for row in rows[header_row:] if any(v is not None for v in row)]
    widest = max(below[:TITLE_LOOK_ROWS], key=lambda r: sum(v is not None for v in r), default=[])
    # the row as stored: a title merged over the table's width names only its first cell
    title = header_title_fault(rows[header_row - 1], widest) if title_check else None
    if title:
        raw = json.dumps(header, ensure_ascii=False).encode("utf-8")
        yield Unreadable(raw, f"row {header_row}", title, whole=True)
        return
    for number in range(header_row, len(rows)):
        row = rows[number]
        position = f"row {number + 1}"
        if all(v is None for v in row):
            continue
        record = {
            name: as_text(value)
            for name, value in zip(header, row, strict=False)
            if name and value is not None
        }
        raw = json.dumps(record, ensure_ascii=False).encode("utf-8")
        stray = [
            i for i, v in enumerate(row) if v is not None and (i >= len(header) or not header[i])
        ]
        if stray:
            cells = ", ".join(column_letter(i) for i in stray)
            full = json.dumps(row, ensure_ascii=False).encode("utf-8")
            reason = messages.SHEET_CELLS_WITHOUT_HEADER(columns=cells)
            yield Unreadable(full, position, reason, record)
            continue
        yield Parsed(record, raw, position)
