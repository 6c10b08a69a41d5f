"""The cells an Excel 97-2003 workbook (xls, BIFF) would make calamine hold, counted before
calamine reads it.

calamine reads every sheet of an xls when it opens the workbook (``Xls::new``): for each sheet
named in the workbook's globals (a ``BoundSheet8`` record giving where its records begin in
the ``Workbook`` stream) it reserves room for the cells its ``Dimensions`` record declares,
then holds its values and its formulas each as a range from the first to the last cell. A
cell's row and column are 16-bit numbers in the file, whatever Excel's own 256 columns: one
number cell at row 65,536, column 65,536 of a 6 KB file asked for four billion cells and
aborted the process, and a ``Dimensions`` record alone can ask for more.

This module reads the records calamine reads (the compound file through ``olefile``, the
records here) and refuses, before calamine sees it, a workbook that would make it hold more
than a limit, or whose records point outside its stream.
"""

from __future__ import annotations

import bisect
import io
import struct
from collections.abc import Iterator

import olefile

from museion_core import messages

from .csvrows import column_letter

__all__ = ["check_xls"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EOF, _BOUND_SHEET, _DIMENSIONS, _FORMULA, _MULRK = 0x000A, 0x0085, 0x0200, 0x0006, 0x00BD
_BOF = 0x0809
_BEFORE_BIFF8 = frozenset({0x0002, 0x0007, 0x0200, 0x0300, 0x0400, 0x0500})
"""BOF versions calamine reads as BIFF2 to BIFF5, whose sheet names have no character flag."""
_CELLS = frozenset({0x0203, 0x0204, 0x0205, 0x027E, 0x00FD})
"""Number, label, Boolean or error, RK number, shared-string label: calamine reads each as
one cell at the row and column its record begins with (a blank cell it skips)."""
_U32 = 1 << 32


def check_xls(file: io.BufferedIOBase, limit: int) -> bool:
    """Refuse (``ValueError``) an xls whose sheets would make calamine hold more than
    ``limit`` cells in all, or that it would read past the end of its stream for. A file
    that is not a compound file (OLE2, as an xls is), or has no workbook stream, is left for
    calamine to name; ``file`` is read from where it is, and left there. True if the file
    is an xls, checked: calamine reads it as one before it tries it as anything else."""
    start = file.tell()
    compound = file.read(len(_OLE_MAGIC)) == _OLE_MAGIC
    file.seek(start)
    if not compound:
        return False
    try:
        with olefile.OleFileIO(file) as ole:
            stream = _workbook_stream(ole)
            if stream is None:
                return False  # calamine says what is wrong with it
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise _unreadable(messages.COMPOUND_UNREADABLE(detail=exc)) from exc
    finally:
        file.seek(start)
    total = 0
    read: list[tuple[int, int]] = []  # where each sheet's records begin and end, in order
    for sheet, begins in _sheet_starts(stream):
        if begins >= len(stream):
            raise _unreadable(messages.SHEET_PAST_END(sheet=sheet))
        cells = _SheetCells()
        ends = cells.read(stream, begins)
        # sheets named twice, or beginning inside one another, make calamine (and this
        # check) read the same records again and again: 65,535 names of one long sheet.
        # The sheets read so far do not overlap: only the new one's neighbours can.
        at = bisect.bisect_left(read, (begins, ends))
        neighbours = read[max(at - 1, 0) : at + 1]
        if any(begins < end and first < ends for first, end in neighbours):
            raise _unreadable(messages.SHEETS_OVERLAP(sheet=sheet))
        read.insert(at, (begins, ends))
        total += cells.span()
        count = max(cells.reserved, total)
        if count > limit:
            cell = column_letter(cells.farthest[1]) + str(cells.farthest[0] + 1)
            raise ValueError(
                messages.SHEET_TOO_LARGE(sheet=sheet, cell=cell, count=count, limit=limit)
            )
    return True


def _workbook_stream(ole: olefile.OleFileIO) -> bytes | None:
    """The stream calamine reads as the workbook, or None if it finds none. calamine does not
    walk the directory's tree as ``olefile`` does: it takes the first entry of the directory,
    in the order written, named exactly ``Workbook`` (its name up to its first NUL), else the
    first named exactly ``Book``, wherever it stands, linked in the tree or not. Looked up by
    name in ``olefile`` (which ignores letter case and sees only the tree), a benign stream
    ``workbook`` was checked while calamine read a hostile ``Book``, and an entry left out of
    the tree was never checked. The entry calamine takes is read here, and refused
    (``ValueError``) if it is not a stream of the tree."""
    directory = ole.directory_fp
    directory.seek(0)
    raw = directory.read()
    names = [
        raw[at : at + 64].decode("utf-16-le", "replace").split("\0", 1)[0]
        for at in range(0, len(raw) - 127, 128)
    ]
    sid = next((names.index(n) for n in ("Workbook", "Book") if n in names), None)
    if sid is None:
        return None
    entry = ole.direntries[sid] if sid < len(ole.direntries) else None
    if entry is None or entry.entry_type != olefile.STGTY_STREAM:
        raise ValueError(messages.ENTRY_NOT_STREAM(entry=names[sid]))
    data: bytes = ole._open(entry.isectStart, entry.size).read()  # the entry, not a name
    return data


def _unreadable(detail: str) -> ValueError:
    return ValueError(messages.NOT_A_WORKBOOK(detail=detail))


def _records(stream: bytes, at: int) -> Iterator[tuple[int, bytes]]:
    """The records from ``at`` on (type and data), up to the end of the stream or a record
    that runs past it."""
    while at + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, at)
        data = stream[at + 4 : at + 4 + size]
        if len(data) < size:
            return
        yield kind, data
        at += 4 + size


def _sheet_starts(stream: bytes) -> list[tuple[str, int]]:
    """Each sheet's name and where its records begin, from the globals' ``BoundSheet8``
    records (in order, one place as often as it is named: calamine reads it each time)."""
    starts: list[tuple[str, int]] = []
    biff8 = True
    for kind, data in _records(stream, 0):
        if kind == _EOF:
            break
        if kind == _BOF and len(data) >= 4:
            version, part = struct.unpack_from("<HH", data)
            biff8 = version not in _BEFORE_BIFF8 and not (version == 0 and part == 0x1000)
        if kind == _BOUND_SHEET and len(data) >= 4:
            starts.append((_sheet_name(data, biff8) or str(len(starts) + 1), _u32(data)))
    return starts


def _sheet_name(data: bytes, biff8: bool) -> str:
    """A ``BoundSheet8`` record's sheet name: its length, then (BIFF8 only) a flag for
    two-byte characters, then the name; as calamine reads it (``parse_bof``)."""
    if len(data) < 7:
        return ""
    if not biff8:
        return data[7 : 7 + data[6]].decode("latin-1", "replace")
    wide = len(data) >= 8 and data[7] & 1
    text = data[8 : 8 + data[6] * (2 if wide else 1)]
    return text.decode("utf-16-le" if wide else "latin-1", "replace")


def _u32(data: bytes) -> int:
    return int(struct.unpack_from("<I", data)[0])


class _SheetCells:
    """A sheet's cells as calamine holds them: the cells it reserves room for (by the
    ``Dimensions`` record, computed as calamine computes them, 32-bit wrap-around included),
    and its two ranges, values and formulas, each from A1 to its farthest cell."""

    def __init__(self) -> None:
        self.reserved = 0
        self.values = [-1, -1]  # the farthest value's row and column, 0-based
        self.formulas = [-1, -1]
        self.farthest = [0, 0]  # the farthest cell named, for the message

    def span(self) -> int:
        return sum((r + 1) * (c + 1) for r, c in (self.values, self.formulas) if r >= 0)

    def read(self, stream: bytes, start: int) -> int:
        """Read the sheet's records from ``start`` to its end; where they end."""
        at = start
        for kind, data in _records(stream, start):
            at += 4 + len(data)
            if kind == _EOF:
                break
            if kind == _DIMENSIONS:
                reserved, last = _dimensions(data)
                if reserved > self.reserved:
                    self.reserved = reserved
                    self._named(*last)
            elif kind in _CELLS and len(data) >= 4:
                self._place(self.values, *struct.unpack_from("<HH", data))
            elif kind == _FORMULA and len(data) >= 4:
                self._place(self.values, *struct.unpack_from("<HH", data))
                self._place(self.formulas, *struct.unpack_from("<HH", data))
            elif kind == _MULRK and len(data) >= 6:
                row, first = struct.unpack_from("<HH", data)
                last = struct.unpack_from("<H", data, len(data) - 2)[0]
                self._place(self.values, row, max(first, last))
        return at

    def _place(self, place: list[int], row: int, column: int) -> None:
        place[0], place[1] = max(place[0], row), max(place[1], column)
        self._named(row, column)

    def _named(self, row: int, column: int) -> None:
        self.farthest = [max(self.farthest[0], row), max(self.farthest[1], column)]


def _dimensions(data: bytes) -> tuple[int, tuple[int, int]]:
    """The cells a ``Dimensions`` record makes calamine reserve: rows × columns from its
    first to its last, each a 32-bit difference (a last before the first wraps round); and
    the last cell it names."""
    if len(data) == 10:
        first_row, end_row, first_column, end_column = struct.unpack_from("<4H", data)
    elif len(data) == 14:
        first_row, end_row, first_column, end_column = struct.unpack_from("<IIHH", data)
    else:
        return 0, (0, 0)  # calamine refuses the record
    if end_row < 1 or end_column < 1:
        return 1, (first_row, first_column)
    rows = (end_row - 1 - first_row + 1) % _U32
    columns = (end_column - 1 - first_column + 1) % _U32
    return rows * columns, (end_row - 1, end_column - 1)
