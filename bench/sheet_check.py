"""The sheet size check on a large legitimate xlsx: seconds and peak RSS, against baselines.

    python bench/sheet_check.py [--rows 200000] [--old REF]

The workbook is one sheet of ``--rows`` rows of 20 cells (each ``<c r="B7" t="s"><v>1</v>
</c>``, as Excel writes shared-string cells; 200,000 rows make a 132 MiB sheet of 4 million
cells), deflated as Excel stores it. Each line is one child process, with the check's own
seconds (the import not counted) and the child's peak RSS (``wait4``'s ``ru_maxrss``):

- ``read``: the sheet's part decompressed and read once, the floor for any check;
- ``old``: the check of Museion at git ``REF`` (``harvesters/sheets.py``, taken from git):
  the baseline (``main`` by default: name the commit before yours when you work on main);
- ``new``: the check of this working tree.

Both checks must pass the workbook (it is under the limit).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from childproc import run_measured
from gitref import file_at

from harvesters.csvrows import column_letter

ROOT = Path(__file__).resolve().parent.parent


def write_book(path: Path, rows: int) -> int:
    """The workbook: a minimal xlsx whose sheet has ``rows`` rows of 20 cells; its sheet's
    size in bytes."""
    columns = [column_letter(n).encode() for n in range(20)]
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book,
        book.open("xl/worksheets/sheet1.xml", "w") as sheet,
    ):
        sheet.write(
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<dimension ref="A1:T%d"/><sheetData>' % rows
        )
        size = 0
        for row in range(1, rows + 1):
            cells = b"".join(
                b'<c r="%s%d" t="s"><v>%d</v></c>' % (letters, row, n)
                for n, letters in enumerate(columns)
            )
            text = b'<row r="%d" spans="1:20">%s</row>' % (row, cells)
            sheet.write(text)
            size += len(text)
        sheet.write(b"</sheetData></worksheet>")
    return size


def child(kind: str, book: Path, old: Path | None) -> None:
    """Run one measured step in this process (the child)."""
    sys.path.insert(0, str(ROOT))
    import harvesters.sheets

    check = harvesters.sheets._check_extent
    if kind == "old":
        assert old is not None
        spec = importlib.util.spec_from_file_location("harvesters.sheets_old", old)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        module.__package__ = "harvesters"
        spec.loader.exec_module(module)
        check = module._check_extent
    started = time.perf_counter()
    with zipfile.ZipFile(book) as archive:
        if kind == "read":
            with archive.open("xl/worksheets/sheet1.xml") as part:
                while part.read(1 << 20):
                    pass
        else:
            check(archive)
    print(f"{time.perf_counter() - started:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--old", default="main", help="git ref of the baseline (main)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, book, old = args.child
        child(kind, Path(book), Path(old) if old != "-" else None)
        return
    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "book.xlsx"
        size = write_book(book, args.rows)
        old = Path(folder) / "sheets_old.py"
        old.write_bytes(file_at(args.old, "harvesters/sheets.py"))
        print(
            f"sheet: {size / 2**20:.0f} MiB, {args.rows * 20:,} cells; "
            f"archive {book.stat().st_size / 2**20:.1f} MiB"
        )
        seconds = {}
        for kind in ("read", "old", "new"):
            measured = run_measured(
                [sys.executable, __file__, "--child", kind, str(book), str(old)], kind
            )
            seconds[kind] = float(measured.output)
            label = f"old ({args.old})" if kind == "old" else kind
            print(
                f"{label:12} {seconds[kind]:6.2f} s   peak RSS {measured.peak_rss / 2**20:6.0f} MiB"
            )
        print(f"new / old: {seconds['new'] / seconds['old']:.2f}x")


if __name__ == "__main__":
    main()
