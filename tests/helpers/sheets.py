"""Spreadsheets written the way Excel and LibreOffice write them, for the tests.

openpyxl writes a formula without the value it computes (Excel and LibreOffice store both);
``write_xlsx`` puts the cached values in, so the file is what a registrar's Excel saves. ODS
files are written with odfpy as LibreOffice writes them: typed date and float cells, formulas
with ``office:value``, merged cells as a spanned cell followed by covered cells.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import CoveredTableCell, Table, TableCell, TableRow
from odf.text import LineBreak, P, Tab
from openpyxl import Workbook

__all__ = ["Formula", "write_ods", "write_xlsb", "write_xlsx"]


class Formula:
    """A formula cell and the value the spreadsheet last computed for it."""

    def __init__(self, formula: str, value: float | str) -> None:
        self.formula = formula
        self.value = value


Row = Sequence[Any]


def write_xlsx(
    path: Path,
    rows: Sequence[Row],
    *,
    merged: Sequence[str] = (),
    sheet: str = "Inventory",
    other_sheets: Sequence[str] = (),
    styled_empty_rows: int = 0,
) -> Path:
    """An xlsx file; ``Formula`` cells keep their cached value, ``styled_empty_rows`` rows of
    formatted but empty cells follow the data (as a sheet someone has formatted ahead)."""
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = sheet
    for name in other_sheets:
        book.create_sheet(name).append(["not", "this", "sheet"])
    cached: dict[str, Any] = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = first.cell(row=r, column=c)
            if isinstance(value, Formula):
                cell.value = value.formula
                cached[cell.coordinate] = value.value
            else:
                cell.value = value
    for n in range(styled_empty_rows):
        first.cell(row=len(rows) + 1 + n, column=1).number_format = "0.00"
    for span in merged:
        first.merge_cells(span)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_with_cached_values(buffer.getvalue(), cached))
    return path


def _with_cached_values(data: bytes, cached: dict[str, Any]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode("utf-8")
                for coordinate, value in cached.items():
                    kind = ' t="str"' if isinstance(value, str) else ""
                    text = re.sub(
                        rf'<c r="{coordinate}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                        rf'<c r="{coordinate}"\1{kind}><f>\2</f><v>{value}</v>',
                        text,
                    )
                content = text.encode("utf-8")
            target.writestr(item, content)
    return out.getvalue()


def write_ods(
    path: Path, rows: Sequence[Row], *, spans: dict[tuple[int, int], int] | None = None
) -> Path:
    """An ods file. ``spans`` maps a 0-based (row, column) to how many columns it is merged
    across; the cells it covers are written as LibreOffice does, as covered cells."""
    spans = spans or {}
    document = OpenDocumentSpreadsheet()
    table = Table(name="Inventaire")
    for r, row in enumerate(rows):
        line = TableRow()
        skip = 0
        for c, value in enumerate(row):
            if skip:
                skip -= 1
                line.addElement(CoveredTableCell())
                continue
            cell = _ods_cell(value)
            if (r, c) in spans:
                cell.setAttribute("numbercolumnsspanned", str(spans[(r, c)]))
                skip = spans[(r, c)] - 1
            line.addElement(cell)
        table.addElement(line)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def _ods_cell(value: Any) -> TableCell:
    if value is None:
        return TableCell()
    if isinstance(value, Formula):
        cell = TableCell(
            formula=value.formula,
            valuetype="float" if isinstance(value.value, int | float) else "string",
            value=value.value,
        )
        cell.addElement(P(text=str(value.value)))
        return cell
    if isinstance(value, dt.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        cell.addElement(P(text=value.strftime("%d/%m/%Y")))
        return cell
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell = TableCell(valuetype="float", value=value)
        cell.addElement(P(text=str(value)))
        return cell
    cell = TableCell(valuetype="string")
    cell.addElement(_paragraph(str(value)))
    return cell


def _paragraph(text: str) -> P:
    """A text paragraph as LibreOffice writes one: a line break typed in the cell (Ctrl+Enter)
    is a ``text:line-break`` element, a tab a ``text:tab``."""
    paragraph = P()
    for piece in re.split(r"([\n\t])", text):
        if piece == "\n":
            paragraph.addElement(LineBreak())
        elif piece == "\t":
            paragraph.addElement(Tab())
        elif piece:
            paragraph.addText(piece)
    return paragraph


def write_xlsb(path: Path, cells: Sequence[tuple[int, int, float]]) -> None:
    """An Excel binary workbook (MS-XLSB) of one sheet holding number cells ``(row, column,
    value)``, counted from 0: the records calamine reads, and no more."""

    def record(kind: int, data: bytes = b"") -> bytes:
        head = bytearray()
        for number, most in ((kind, 2), (len(data), 4)):  # 7 bits a byte, low bits first
            for shift in range(0, 7 * most, 7):
                rest = number >> shift
                head.append((rest & 0x7F) | (0x80 if rest >> 7 else 0))
                if not rest >> 7:
                    break
        return bytes(head) + data

    def wide(text: str) -> bytes:
        return struct.pack("<I", len(text)) + text.encode("utf-16-le")

    last_row = max(row for row, _, _ in cells)
    last_column = max(column for _, column, _ in cells)
    sheet = record(0x181) + record(0x94, struct.pack("<4I", 0, last_row, 0, last_column))
    sheet += record(0x91)  # the sheet's data
    for row in sorted({row for row, _, _ in cells}):
        sheet += record(0x00, struct.pack("<IIHHI", row, 0, 0, 0, 0))  # the row's header
        for _, column, value in (c for c in cells if c[0] == row):
            sheet += record(0x05, struct.pack("<IId", column, 0, value))  # a number cell
    sheet += record(0x92) + record(0x182)
    bound = record(0x9C, struct.pack("<II", 0, 1) + wide("rId1") + wide("Sheet1"))
    book = record(0x183) + record(0x8F) + bound + record(0x90) + record(0x9D, bytes(26))
    book += record(0x184)
    relations = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{}" '
        'Target="{}"/></Relationships>'
    )
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "_rels/.rels", relations.format(office + "officeDocument", "xl/workbook.bin")
        )
        archive.writestr("xl/workbook.bin", book)
        archive.writestr(
            "xl/_rels/workbook.bin.rels",
            relations.format(office + "worksheet", "worksheets/sheet1.bin"),
        )
        archive.writestr("xl/worksheets/sheet1.bin", sheet)
