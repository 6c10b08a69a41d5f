"""Where a partner's records sit in a file, found for ``museion mapping draft``: the sheet of a
workbook, and the row that names the columns.

Registrars' exports put a "Read me" sheet first, a merged title and a row of group headings
("Identification", "Measurements") above the real header, and Excel writes a ``sep=;`` line
first. Read as they come, the draft found no records, or took the title for the identifier. The
sheet with the most rows is taken for the records, and the first of the top rows whose cells are
filled with distinct short texts, no narrower than the rows below it, for the header; only rows
that are titles or group headings (filling at most half the table's width) are looked past. Options
the registrar gives (``--sheet``, ``--header-row``) are never second-guessed.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from harvesters import SHEET_FORMATS, sheet_names, sheet_rows

__all__ = ["HEADER_SEARCH", "Layout", "find_layout", "header_row_of"]

HEADER_SEARCH = 10
"""The rows looked at for the header: a title block is a few rows, never a page."""

_BELOW = 50
"""The rows below a candidate header compared with it."""

_STRAY_AMONG = 5
"""The fewest rows below a header among which one may reach past it (a stray cell)."""

_LONGEST_HEADER = 80
_FIGURES = re.compile(r"^[\d\s.,:/+\-–%]+$")
"""A cell that is a number or a date, as a data row has and a header has not."""
_SEP_LINE = re.compile(r"sep=(.)(?:\r\n|\r|\n)")


@dataclass
class Layout:
    """The sheet and header row to read (``None``: the reader's default), and what was found
    rather than given, as sentences for the registrar."""

    sheet: str | int | None = None
    header_row: int = 1
    found: list[str] = field(default_factory=list)
    sheets: list[tuple[str, int]] = field(default_factory=list)
    """A workbook's visible sheets, each with its number of non-empty rows."""
    likely_header: int | None = None
    """The row that looks like the header, whether or not it was used."""

    def hint(self) -> str:
        """What to try when no record could be read this way: another sheet, another row."""
        hints = []
        if self.likely_header is not None and self.likely_header != self.header_row:
            hints.append(
                f"the header looks like row {self.likely_header}: try --header-row "
                f"{self.likely_header}"
            )
        if len(self.sheets) > 1:
            listed = ", ".join(f"{name!r} ({_rows(count)})" for name, count in self.sheets)
            hints.append(f"the workbook's sheets are {listed}: choose one with --sheet NAME")
        elif self.likely_header is None or self.likely_header == self.header_row:
            hints.append("if a title sits above the header, give its row with --header-row N")
        return f" ({'; '.join(hints)})"


def _rows(count: int) -> str:
    return f"{count} row" + ("" if count == 1 else "s")


def _filled(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _width(row: list[Any]) -> int:
    """One past the last filled cell: how far right the row reaches."""
    return max((i + 1 for i, v in enumerate(row) if _filled(v)), default=0)


def _header_like(row: list[Any]) -> bool:
    """Distinct short texts (no figures) filling most of the row up to its last cell: a title
    (one cell) and group headings (a few, spread out) are not."""
    cells = [v for v in row if _filled(v)]
    if not cells or not all(isinstance(v, str) for v in cells):
        return False
    texts = [str(v).strip() for v in cells]
    if len(set(texts)) < len(texts):
        return False
    if any(len(t) > _LONGEST_HEADER or _FIGURES.match(t) for t in texts):
        return False
    return len(cells) * 2 > _width(row)


def header_row_of(rows: list[list[Any]]) -> int | None:
    """The row (1-based) among the first ``HEADER_SEARCH`` that looks like the header: its
    cells are mostly filled, distinct short texts (no figures), and the rows below it reach no
    further right than it does (but for one in five, or one in ten, at most). Only titles and
    group headings are looked past: one cell, or a row that fills at most half the table's
    width (a few headings over merged cells). ``None`` if none looks like the header, or if
    the first other row does not: a header that repeats a name, names a column with a figure,
    or lacks a column is not looked past, as a record below it would be taken for the header."""
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        below = [r for r in rows[index + 1 : index + 1 + _BELOW] if _width(r)]
        widest = max((_width(r) for r in below), default=0)
        if _header_like(row):
            # A stray cell right of the table (a note typed past the last column) in one row
            # of five or more, or in one of ten, does not unmake the header: that row is
            # refused for it when harvested, with its row and column; the header was not
            # found, and the draft read the title row as the header.
            wider = sum(1 for r in below if _width(r) > _width(row))
            stray = max(len(below) // 10, 1 if len(below) >= _STRAY_AMONG else 0)
            if below and wider <= stray:
                return index + 1
            if _filled_cells(row) > 1:
                return None
        elif _filled_cells(row) * 2 > max(_width(row), widest):
            return None
    return None


def _filled_cells(row: list[Any]) -> int:
    return sum(1 for v in row if _filled(v))


def _non_empty(rows: list[list[Any]]) -> int:
    return sum(1 for row in rows if _width(row))


def _text_rows(data: bytes, encoding: str) -> list[list[Any]]:
    """The first rows of a CSV/TSV file as its reader splits them: Excel's ``sep=`` line is
    not a row, a byte-order mark says the encoding, undecodable bytes do not stop the look."""
    head = data[: 1 << 16]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif head.startswith(codecs.BOM_UTF8) or encoding.replace("_", "-").casefold() in (
        "utf-8",
        "utf8",
    ):
        encoding = "utf-8-sig"  # the mark wins over a declared encoding, as the reader's does
    text = head.decode(encoding, errors="replace")
    directive = _SEP_LINE.match(text)
    delimiter = None
    if directive is not None:
        delimiter, text = directive.group(1), text[directive.end() :]
    lines = text.splitlines()[: HEADER_SEARCH + _BELOW]
    if delimiter is None:
        # The rows below a title are the regular ones: the sniffer reads them first.
        tail = lines[HEADER_SEARCH:] or lines
        try:
            delimiter = csv.Sniffer().sniff("\n".join(tail)[:8192], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    try:
        return [list(row) for row in reader]
    except csv.Error:
        return []


def find_layout(
    data: bytes, fmt: str, sheet: str | int | None, header_row: int | None, encoding: str
) -> Layout:
    """The sheet and header row to draft from: those given, else those found."""
    layout = Layout(sheet=sheet, header_row=header_row or 1)
    if fmt in ("csv", "tsv"):
        rows = _text_rows(data, encoding)
    elif fmt in SHEET_FORMATS:
        rows = _sheet(data, layout)
    else:
        return layout
    likely = layout.likely_header = header_row_of(rows)
    if header_row is None and likely not in (None, 1):
        layout.header_row = likely
        layout.found.append(
            f"the header is on row {likely} (the rows above it are a title or group "
            f"headings): the source needs header_row = {likely}"
        )
    elif header_row is not None and likely not in (None, header_row):
        layout.found.append(
            f"read the header on row {header_row}, as told; it looks like row "
            f"{likely}: check --header-row"
        )
    return layout


def _sheet(data: bytes, layout: Layout) -> list[list[Any]]:
    """The rows of the sheet to read; when none is given, the visible sheet with the most
    rows (the first of equals), said when it is not the first."""
    try:
        names = sheet_names(data)
        counted = [(name, sheet_rows(data, name)[0]) for name in names]
    except (LookupError, ValueError):
        return []  # the reader says why
    layout.sheets = [(name, _non_empty(rows)) for name, rows in counted]
    if layout.sheet is not None:
        try:
            return sheet_rows(data, layout.sheet)[0]
        except (LookupError, ValueError):
            return []
    if not counted:
        return []
    best = max(range(len(counted)), key=lambda i: (layout.sheets[i][1], -i))
    if best != 0:
        layout.sheet = counted[best][0]
        others = ", ".join(repr(name) for name, _ in layout.sheets if name != layout.sheet)
        layout.found.append(
            f"the records are on sheet {layout.sheet!r}, the one with the most rows (the "
            f"others: {others}): the source needs sheet = {_toml(layout.sheet)}"
        )
    return counted[best][1]


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
