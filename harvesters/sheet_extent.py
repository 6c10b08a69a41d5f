"""How many cells calamine will hold for a workbook, counted before it reads one.

calamine holds every cell of a sheet's span, from A1 to the farthest cell written, and an
OpenDocument workbook's sheets all at once: a tiny hostile file can ask it for many gigabytes,
and the allocation failure aborts every harvest. The count is read from the archive's XML
with a real parser (lxml, fed a megabyte at a time, no tree kept), as calamine reads it:
quoting, spacing, leading zeros, a ``+`` or a character reference in a number, or a ``>`` in
an attribute, do not hide a cell the way they hid it from the patterns used before. Where the
count cannot follow calamine exactly it counts more.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import IO, Any, cast

from lxml import etree

from museion_core import messages

from .csvrows import column_letter

__all__ = ["ARCHIVE_ERRORS", "check_archive"]

ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    RuntimeError,  # a part encrypted, a password needed
    NotImplementedError,  # a compression zipfile does not know
    zlib.error,  # a part's compressed data damaged
)
"""What opening an archive or reading its parts may raise: the workbook is then refused
(``check_archive``, ``sheets._opened``); mending its line breaks leaves it to calamine,
which says what is wrong with it."""

_CHUNK = 1 << 20
_UNICODE_PATH = 0x7075
_SHEET_DATA = b"sheetData"
_HUGE = 10**18
"""A number or reference too long to be a real one's: counted as this, so refused."""


class _UnreadableError(Exception):
    """A part the check will not count: its detail goes into Museion's reason."""


class _ReadEnoughError(Exception):
    """The end of what calamine reads of a part: the rest need not be parsed."""


MAX_UNPACKED = 1 << 30
"""The most bytes a workbook's XML parts may unpack to, together. calamine holds the text of
the parts it reads (a sheet's inline strings, the shared strings) whole: a 1.9 MB xlsx whose
one cell held 2 GB of a repeated letter took 5.8 GB of memory to read, and one of 10 MB would
have taken the machine; read, text costs about three times its size. A registrar's sheet
of 50,000 rows of 40 columns is about 100 MB of XML."""


def check_archive(archive: zipfile.ZipFile, limit: int) -> None:
    """Refuse (``ValueError``) a workbook calamine would hold more than ``limit`` cells of:
    an xlsx or xlsm sheet spanning more (each sheet is read alone), or an ods whose sheets
    span more together (``content.xml`` is read whole when the workbook is opened).

    Every part is looked at, whatever its name: the workbook's relations may name any part as
    a sheet, and calamine finds it in any letter case. A part is read as a sheet when it holds
    ``sheetData``, the element calamine reads cells after; others (shared strings, styles,
    pictures) are not parsed. A part that cannot be read (damaged, encrypted, not well-formed
    XML, with a DOCTYPE) refuses the workbook: giving up the check there let it through.
    So does an Excel binary workbook (an xlsb, whatever the file's name): its sheets are
    records, not XML, and this check does not read them."""
    unpacked = [0]  # the XML parts' bytes so far, against MAX_UNPACKED
    for info in archive.infolist():  # every entry, two of one name alike
        if info.is_dir():
            continue
        name = info.filename
        alias = _unicode_path(info)
        if alias is not None and alias != name:
            # calamine's zip reader names the part by this field, Python's by its name: a
            # part xl/workbook.dat named xl/workbook.bin by it was an xlsb read unchecked
            detail = messages.PART_RENAMED(part=name, alias=alias)
            raise ValueError(messages.NOT_A_WORKBOOK(detail=detail))
        if name.lower().endswith("workbook.bin"):
            # calamine reads an xlsb (in any file name) when the archive is no xlsx: its
            # cells are records this check does not parse, and one cell at column 4e9 of a
            # 1.3 KB file aborted the process.
            detail = messages.BINARY_WORKBOOK(part=name)
            raise ValueError(messages.NOT_A_WORKBOOK(detail=detail))
        try:
            if _holds(archive, info, _SHEET_DATA, unpacked):
                sheet = name.rsplit("/", 1)[-1]
                sheet = sheet[:-4] if sheet.lower().endswith(".xml") else sheet
                with archive.open(info) as part:
                    _parse(part, _XlsxSheet(sheet, limit))
            if name == "content.xml":  # an OpenDocument workbook's sheets
                with archive.open(info) as part:
                    _parse(part, _OdsContent(limit))
        except (*ARCHIVE_ERRORS, etree.XMLSyntaxError, _UnreadableError) as exc:
            detail = messages.PART_UNREADABLE(part=name, detail=exc)
            raise ValueError(messages.NOT_A_WORKBOOK(detail=detail)) from exc


def _unicode_path(info: zipfile.ZipInfo) -> str | None:
    """The name an Info-ZIP Unicode Path extra field (0x7075) gives an entry, if it has one:
    the Rust zip reader calamine uses takes it for the entry's name, where Python's zipfile
    keeps the name the entry is written under."""
    extra, at = info.extra, 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        if kind == _UNICODE_PATH and size >= 5:
            return extra[at + 9 : at + 4 + size].decode("utf-8", "replace")
        at += 4 + size
    return None


def _holds(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, word: bytes, unpacked: list[int]
) -> bool:
    """Whether a part's bytes hold ``word``, read a megabyte at a time, every byte of it;
    an XML part's bytes (one that begins with ``<``: not a picture) are added to
    ``unpacked``, and past ``MAX_UNPACKED`` the workbook is refused (``ValueError``)."""
    tail = b""
    found = False
    xml: bool | None = None
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            if xml is None:
                xml = chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
            if xml:
                unpacked[0] += len(chunk)
                if unpacked[0] > MAX_UNPACKED:
                    raise ValueError(
                        messages.NOT_A_WORKBOOK(
                            detail=messages.WORKBOOK_UNPACKS_TOO_LARGE(
                                limit=MAX_UNPACKED >> 20, part=info.filename
                            )
                        )
                    )
            found = found or word in tail + chunk[: len(word)] or word in chunk
            tail = chunk[-len(word) + 1 :]
    return found


def _parse(part: IO[bytes], target: _XlsxSheet | _OdsContent) -> None:
    parser = etree.XMLParser(
        # a target without data() or comment(): lxml hands it no text, and builds no tree
        target=cast(Any, target),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        while chunk := part.read(_CHUNK):
            parser.feed(chunk)
    except _ReadEnoughError:
        target.close()  # calamine reads no further
    else:
        parser.close()


class _LocalNames(dict[str, str]):
    """``{namespace}name`` to ``name``: calamine knows elements by name alone. Kept for the
    names met (a few), up to 4,096: a hostile part may hold millions of names."""

    def __missing__(self, tag: str) -> str:
        local = tag.rpartition("}")[2]
        if len(self) < 4096:
            self[tag] = local
        return local


_LOCAL = _LocalNames()


def _doctype(*_: Any) -> None:
    raise _UnreadableError("a DOCTYPE, which no workbook has")


_DIGITS = "0123456789"
_COLUMNS: dict[str, int] = {}


def _number(digits: str) -> int:
    """ASCII digits as calamine reads them: leading zeros are no obstacle."""
    if len(digits) > 18:
        digits = digits.lstrip("0")
        if len(digits) > 18:
            return _HUGE
    return int(digits or "0")


def _column(letters: str) -> int | None:
    """A reference's letters (``B``, ``xfd``) as a 1-based column, in either case as calamine
    reads them; ``None`` for what is not letters (calamine then fails)."""
    column = _COLUMNS.get(letters)
    if column is None:
        if not (letters.isascii() and letters.isalpha()):
            return None
        if len(letters) > 12:
            return _HUGE
        column = 0
        for letter in letters.upper():
            column = column * 26 + ord(letter) - 64
        if len(_COLUMNS) < 4096:
            _COLUMNS[letters] = column
    return column


def _too_large(sheet: str, last_row: int, last_column: int, count: int, limit: int) -> ValueError:
    cell = column_letter(last_column) + str(last_row + 1)
    return ValueError(messages.SHEET_TOO_LARGE(sheet=sheet, cell=cell, count=count, limit=limit))


_NOT_IN_CELL = frozenset({"c", "row", "sheetData"})


class _XlsxSheet:
    """An xlsx sheet's cells, placed as calamine places them (``XlsxCellReader``): from the
    first ``<sheetData>`` to the first end of one, nothing before or after; a ``<row r="7">``
    sets the row, the end of a row moves to the next and back to column A; a ``<c r="B7">``
    is at its reference (letters in either case, digits with leading zeros), a ``<c>``
    without one after the cell before it in the row. Elements are known by their local name,
    in any namespace. Every ``<c>`` is counted, empty or not, and the span from A1: the reader
    gives the rows from the sheet's first. A row or cell inside a cell, which no spreadsheet
    writes and calamine reads otherwise than its nesting says, makes the part unreadable."""

    __slots__ = (
        "column",
        "digits",
        "digits_row",
        "in_cell",
        "last_column",
        "last_row",
        "limit",
        "name",
        "reading",
        "row",
    )

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self.reading = False  # after <sheetData>
        self.row = self.column = 0  # 0-based, where a cell without a reference goes
        self.last_row = self.last_column = -1  # the farthest cell's, 0-based
        self.in_cell = 0  # the depth of elements inside a <c>
        self.digits, self.digits_row = "", -1  # the last reference's row, as read

    def start(self, tag: str, attrib: Any) -> None:
        if self.in_cell:  # most elements: a cell's <v>
            self.in_cell += 1
            if _LOCAL[tag] in _NOT_IN_CELL:
                raise _UnreadableError(f"a <{_LOCAL[tag]}> inside a cell")
            return
        local = _LOCAL[tag]
        if not self.reading:
            self.reading = local == "sheetData"
        elif local == "c":
            text = attrib.get("r")
            if text is None or not self._place(text):
                self.last_row = max(self.last_row, self.row)
                self.last_column = max(self.last_column, self.column)
            self.column += 1
            self.in_cell = 1
        elif local == "row":
            text = attrib.get("r")
            if text is not None:
                letters = text.rstrip(_DIGITS)  # calamine reads a row's letters, and drops them
                row = _number(text[len(letters) :])
                if row and (not letters or _column(letters) is not None):
                    self.row = row - 1

    def _place(self, text: str) -> bool:
        """Count a cell at its reference (``B7``); ``False`` for one calamine cannot read."""
        letters = text.rstrip(_DIGITS)
        column = _COLUMNS.get(letters) or _column(letters)
        digits = text[len(letters) :]
        if digits != self.digits:  # a row's cells share theirs: read once
            self.digits, self.digits_row = digits, _number(digits) - 1
        row = self.digits_row
        if column is None or row < 0:
            return False
        self.column = column - 1
        self.last_row = max(self.last_row, row)
        self.last_column = max(self.last_column, column - 1)
        return True

    def end(self, tag: str) -> None:
        if self.in_cell:
            self.in_cell -= 1
        elif self.reading:
            local = _LOCAL[tag]
            if local == "row":
                self.row += 1
                self.column = 0
            elif local == "sheetData":  # calamine's last: it reads one sheetData, to its end
                raise _ReadEnoughError

    doctype = staticmethod(_doctype)

    def close(self) -> None:
        count = (self.last_row + 1) * (self.last_column + 1)
        if count > self.limit:
            raise _too_large(self.name, self.last_row, self.last_column, count, self.limit)


_CELLS = frozenset({"table-cell", "covered-table-cell"})


def _repeat(text: str | None) -> int:
    """A ``number-rows-repeated`` or ``number-columns-repeated`` as calamine parses it (Rust's
    ``usize`` parse: a ``+`` and leading zeros allowed), never less than 1: a row repeated
    zero times still holds its cells in calamine's memory. Text it cannot parse (it then
    fails) counts once."""
    if text is None:
        return 1
    text = text.strip().lstrip("+")
    return max(_number(text), 1) if text.isascii() and text.isdigit() else 1


class _OdsContent:
    """An OpenDocument workbook's ``content.xml``: the cells that hold something, on every
    sheet, placed as calamine places them and summed over the sheets (``Ods::new`` reads them
    all, and keeps each sheet's formulas in a range of their own, counted too).

    A row (``table-row``) may repeat (``number-rows-repeated``) and a cell (``table-cell``,
    ``covered-table-cell``) too (``number-columns-repeated``): calamine writes out every
    repetition of a cell holding something, that is with a value (any ``*value*`` attribute,
    ``office:value-type`` among them), a formula, or any element inside. The empty cells
    LibreOffice repeats to the end of a sheet hold nothing and are not counted. Elements and
    attributes are known by their local name, in any namespace. A table inside a cell, which
    calamine either skips or (in a text cell) reads on as rows of the sheet, is counted into
    the sheet, its rows below the row it is in and its cells right of the cell: more than
    calamine holds either way."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0  # the sheets before this one
        self.tables = 0  # the tables open: a sheet is one not inside another
        self.name = ""
        self.next_row = 0
        self.rows: list[list[int]] = []  # each open row's [first row, repeat, next column]
        self.cells: list[list[Any]] = []  # each open cell's place and what it holds
        self.last = [-1, -1]  # the farthest cell holding something, 0-based row and column
        self.formulas = [-1, -1]  # the farthest cell holding a formula

    def _span(self) -> int:
        (row, column), (frow, fcolumn) = self.last, self.formulas
        return (row + 1) * (column + 1) + (frow + 1) * (fcolumn + 1)

    def start(self, tag: str, attrib: Any) -> None:
        local = _LOCAL[tag]
        if self.cells:
            self.cells[-1][4] = True  # an element inside: the cell holds something
        if local in _CELLS:
            self._cell(attrib)
        elif local == "table-row":
            repeat = 1
            for key, value in attrib.items():
                if _LOCAL[key] == "number-rows-repeated":
                    repeat = max(repeat, _repeat(value))
            # a row inside a cell's table goes on right of the row around it
            column = self.rows[-1][2] if self.rows else 0
            self.rows.append([self.next_row, repeat, column])
            self.next_row += repeat
        elif local == "table":
            if not self.tables:  # a sheet begins: the one before is done
                self._done()
                self.next_row, self.last, self.formulas = 0, [-1, -1], [-1, -1]
                self.name = next(
                    (value for key, value in attrib.items() if _LOCAL[key] == "name"), ""
                )
            self.tables += 1

    def _cell(self, attrib: Any) -> None:
        span, holds, formula = 1, False, False
        for key, value in attrib.items():
            name = _LOCAL[key]
            if name == "number-columns-repeated":
                span = max(span, _repeat(value))
            elif name == "formula":
                holds = formula = True
            elif "value" in name:
                holds = True
        if self.rows:
            row = self.rows[-1]
            first, repeat, column = row
            row[2] += span
        else:  # a cell outside a row: calamine does not read it
            first, repeat, column = self.next_row, 1, 0
        self.cells.append([first, repeat, column, span, holds, formula])

    def end(self, tag: str) -> None:
        local = _LOCAL[tag]
        if local in _CELLS and self.cells:
            first, repeat, column, span, holds, formula = self.cells.pop()
            if holds:
                places = [self.last, self.formulas] if formula else [self.last]
                for place in places:
                    place[0] = max(place[0], first + repeat - 1)
                    place[1] = max(place[1], column + span - 1)
        elif local == "table-row" and self.rows:
            self.rows.pop()
        elif local == "table":
            self.tables -= 1

    def _done(self) -> None:
        """A sheet read: refused if it brings the workbook over the limit, named with the
        farthest cell it reaches."""
        self.total += self._span()
        if self.total > self.limit:
            row, column = self.last
            raise _too_large(self.name, row, column, self.total, self.limit)

    doctype = staticmethod(_doctype)

    def close(self) -> None:
        self._done()
