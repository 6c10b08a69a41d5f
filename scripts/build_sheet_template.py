"""Write museion/data/template.xlsx: the partner spreadsheet template, with a note in English,
French and Arabic on every header (a cell comment) and a "Notes" sheet listing them.

Run after changing museion/sheet_template.py: .venv/bin/python scripts/build_sheet_template.py
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from museion.sheet_template import COLUMNS

OUT = Path(__file__).resolve().parent.parent / "museion" / "data" / "template.xlsx"


def main() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Objects"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F0")
    for number, (header, en, fr, ar) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=number, value=header)
        cell.font, cell.fill = bold, fill
        comment = Comment(f"EN: {en}\n\nFR: {fr}\n\nAR: {ar}", "Museion")
        comment.width, comment.height = 320, 200
        cell.comment = comment
        sheet.column_dimensions[cell.column_letter].width = max(16, len(header) + 4)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("Notes")
    notes.append(["Column", "English", "Français", "العربية"])
    for row in COLUMNS:
        notes.append(list(row))
    for cell in notes[1]:
        cell.font = bold
    for line in notes.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (26, 50, 50, 50), strict=True):
        notes.column_dimensions[letter].width = width
    book.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
