"""Spreadsheet rows as records: real xlsx and ods files, written as Excel and LibreOffice write
them (title rows above the header, merged header cells, date cells, formulas with their cached
values, Arabic text, formatted empty rows at the end)."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harvesters.readers import Parsed, Unreadable
from harvesters.sheets import read_sheet, sheet_names, sheet_rows
from tests.helpers.sheets import Formula, write_ods, write_xlsb, write_xlsx

ROWS: list[list[Any]] = [
    ["Inventaire du musée — 2024"],
    [],
    ["رقم الجرد", "Title", None, "Acquired", "Height (cm)", "Area"],
    ["M-1", "Vase", "إناء", dt.date(1985, 3, 1), 12.5, Formula("=E4*2", 25)],
    ["M-2", "Coin", None, dt.datetime(2001, 6, 2, 14, 30), 3, Formula("=E5*2", 6)],
    [" ", None, "  "],  # cells holding only spaces, as often below the last row
]
EXPECTED = [
    {
        "رقم الجرد": "M-1",
        "Title": "Vase",
        "Title 2": "إناء",
        "Acquired": "1985-03-01",
        "Height (cm)": "12.5",
        "Area": "25",
    },
    {
        "رقم الجرد": "M-2",
        "Title": "Coin",
        "Acquired": "2001-06-02T14:30:00",
        "Height (cm)": "3",
        "Area": "6",
    },
]


def _parsed(items: list[Parsed | Unreadable]) -> list[Any]:
    assert all(isinstance(i, Parsed) for i in items), items
    return [i.value for i in items if isinstance(i, Parsed)]


def test_xlsx_as_excel_writes_it(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "inventory.xlsx",
        ROWS,
        merged=["A1:F1", "B3:C3"],
        styled_empty_rows=40,
        other_sheets=["Notes"],
    )
    items = list(read_sheet(path.read_bytes(), header_row=3))
    assert _parsed(items) == EXPECTED
    assert [i.position for i in items] == ["row 4", "row 5"]


def test_dates_before_1900_in_an_xlsx_are_dates(tmp_path: Path) -> None:
    """LibreOffice (and openpyxl) write a date before 1900 as a negative serial number, which
    calamine read as the time 00:00: a museum's acquisition date of 1850 was lost without a
    word. A cell that holds the time 00:00 stays a time, in a sheet after others."""
    rows: list[list[Any]] = [
        ["Inventory No", "Acquired", "Opens at"],
        ["A1", dt.date(1850, 6, 15), dt.time(0, 0)],
        ["A2", dt.date(1950, 6, 15), dt.time(9, 30)],
        ["A3", dt.datetime(1799, 1, 2), None],
    ]
    path = write_xlsx(tmp_path / "old.xlsx", rows, other_sheets=["Notes"])
    assert _parsed(list(read_sheet(path.read_bytes()))) == [
        {"Inventory No": "A1", "Acquired": "1850-06-15", "Opens at": "00:00:00"},
        {"Inventory No": "A2", "Acquired": "1950-06-15", "Opens at": "09:30:00"},
        {"Inventory No": "A3", "Acquired": "1799-01-02"},
    ]


def test_ods_as_libreoffice_writes_it(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "inventaire.ods", ROWS, spans={(0, 0): 6, (2, 1): 2})
    assert _parsed(list(read_sheet(path.read_bytes(), header_row=3))) == EXPECTED


def test_ods_line_breaks_and_tabs_in_a_cell_are_kept(tmp_path: Path) -> None:
    """calamine drops an OpenDocument cell's line break and tab elements: "Erste Zeile" and
    "Zweite Zeile" were published as "Erste ZeileZweite Zeile"."""
    rows = [["id", "Beschreibung"], ["G-1", "Erste Zeile\nZweite Zeile"], ["G-2", "a\tb"]]
    path = write_ods(tmp_path / "objekte.ods", rows)
    assert _parsed(list(read_sheet(path.read_bytes()))) == [
        {"id": "G-1", "Beschreibung": "Erste Zeile\nZweite Zeile"},
        {"id": "G-2", "Beschreibung": "a\tb"},
    ]
    # LibreOffice also writes a tab with its stop: <text:tab text:tab-ref="1"/>
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["content.xml"] = parts["content.xml"].replace(
        b"<text:tab/>", b'<text:tab text:tab-ref="1"/>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    assert _parsed(list(read_sheet(path.read_bytes())))[1] == {"id": "G-2", "Beschreibung": "a\tb"}


def test_an_ods_whose_content_fails_its_checksum_is_a_reason(tmp_path: Path) -> None:
    """The archive is opened once for the extent check and the line-break mending; a damaged
    part ends neither in a crash nor in rows: calamine's reason, as for any unreadable file."""
    rows = [["id", "Beschreibung"], ["G-1", "Erste Zeile\nZweite Zeile"]]
    path = write_ods(tmp_path / "objekte.ods", rows)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    data = path.read_bytes()
    assert data.count(b"Zweite Zeile") == 1
    [item] = list(read_sheet(data.replace(b"Zweite Zeile", b"Zweite Zeilf")))
    assert isinstance(item, Unreadable)
    assert item.reason.startswith("not a spreadsheet this reader knows")


def _damaged(data: bytes, part: str, how: str) -> bytes:
    """``data`` (an archive) with ``part``'s compressed bytes scrambled, or marked encrypted."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(part)
    out = bytearray(data)
    if how == "scrambled":
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        for at in range(start + 5, start + 40):
            out[at] ^= 0x5A
        return bytes(out)
    out[info.header_offset + 6] |= 1  # the local header's "encrypted" flag
    entry = bytes(out).find(b"PK\x01\x02")
    while entry >= 0:
        length = int.from_bytes(out[entry + 28 : entry + 30], "little")
        if bytes(out[entry + 46 : entry + 46 + length]) == info.filename.encode():
            out[entry + 8] |= 1  # and the central directory's
        entry = bytes(out).find(b"PK\x01\x02", entry + 4)
    return bytes(out)


@pytest.mark.parametrize("how", ["scrambled", "encrypted"])
@pytest.mark.parametrize(
    ("kind", "part"), [("xlsx", "xl/worksheets/sheet1.xml"), ("ods", "content.xml")]
)
def test_a_damaged_or_encrypted_workbook_is_a_reason_not_a_crash(
    tmp_path: Path, kind: str, part: str, how: str
) -> None:
    """A workbook whose sheet's compressed data was damaged raised zlib.error, and one with
    a password-protected part RuntimeError, out of the reader: the harvest stopped."""
    rows = [["id", "title"], ["1", "Erste Zeile\nZweite Zeile " + "x" * 4000]]
    writer = write_xlsx if kind == "xlsx" else write_ods
    data = writer(tmp_path / f"book.{kind}", rows).read_bytes()
    [item] = list(read_sheet(_damaged(data, part, how)))
    assert isinstance(item, Unreadable)
    assert item.whole


def test_a_part_the_size_check_cannot_read_refuses_the_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size check gave up at the first part it could not read: a bogus, encrypted part
    placed first waved an oversized sheet through to calamine (one cell at XFD1048576 asks
    it for 512 GB)."""
    import harvesters.sheets

    monkeypatch.setattr(harvesters.sheets, "MAX_CELLS", 1000)
    rows = [["id", "title"]] + [[str(n), "x"] for n in range(2, 700)]
    data = write_xlsx(tmp_path / "book.xlsx", rows).read_bytes()
    [refused] = list(read_sheet(data))  # 1,398 cells: refused as it is
    assert isinstance(refused, Unreadable)
    assert "more than the 1000" in refused.reason
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as book:
        book.writestr("0.xml", b"<bogus/>")
        for info in source.infolist():
            book.writestr(info, source.read(info))
    hidden = _damaged(out.getvalue(), "0.xml", "encrypted")
    [item] = list(read_sheet(hidden))
    assert isinstance(item, Unreadable)
    assert "its part 0.xml cannot be read" in item.reason


def _with_content(data: bytes, edit: Callable[[str], str]) -> bytes:
    """The ods ``data`` with its ``content.xml`` rewritten by ``edit``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as book:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "content.xml":
                part = edit(part.decode()).encode()
            book.writestr(info, part)
    return out.getvalue()


def _repeated(data: bytes, rows: int, columns: int, *, empty: bool = False) -> bytes:
    """An ods with its last row said to repeat ``rows`` times and that row's last cell
    ``columns`` times (``empty``: the row LibreOffice ends a sheet with, of empty cells)."""

    def edit(text: str) -> str:
        if empty:
            filler = (
                f'<table:table-row table:number-rows-repeated="{rows}">'
                f'<table:table-cell table:number-columns-repeated="{columns}"/>'
                "</table:table-row>"
            )
            return text.replace("</table:table>", filler + "</table:table>")
        at = text.rindex("<table:table-row>")
        text = (
            text[:at]
            + f'<table:table-row table:number-rows-repeated="{rows}">'
            + text[at + len("<table:table-row>") :]
        )
        cell = text.rindex("<table:table-cell ")
        return (
            text[:cell]
            + f'<table:table-cell table:number-columns-repeated="{columns}" '
            + text[cell + len("<table:table-cell ") :]
        )

    return _with_content(data, edit)


def test_an_ods_whose_repeated_cells_span_too_many_is_refused(tmp_path: Path) -> None:
    """An ods row may say it repeats a million times and its cell sixty times: calamine
    writes every one out, and a 1.5 KB file took 8 GB. Only xlsx sheets were checked."""
    data = write_ods(tmp_path / "book.ods", [["id", "title"], ["x", "y"]]).read_bytes()
    [refused] = list(read_sheet(_repeated(data, 1_000_000, 60)))
    assert isinstance(refused, Unreadable)
    assert refused.reason.startswith("the sheet Inventaire reaches cell BI1000001: 61000061")
    # a few repetitions are read as they are
    items = _parsed(list(read_sheet(_repeated(data, 3, 1))))
    assert items == [{"id": "x", "title": "y"}] * 3
    # LibreOffice's empty rows to the sheet's end hold nothing, and are not counted
    items = _parsed(list(read_sheet(_repeated(data, 1_048_574, 1024, empty=True))))
    assert items == [{"id": "x", "title": "y"}]


def test_a_workbook_whose_xml_unpacks_too_large_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1.9 MB xlsx whose one cell held 2 GB of a repeated letter took calamine 5.8 GB: the
    text of the XML parts is counted as they unpack (a picture in the archive is not)."""
    import harvesters.sheet_extent

    monkeypatch.setattr(harvesters.sheet_extent, "MAX_UNPACKED", 200_000)
    rows = [["id", "title"]] + [[str(n), "x" * 30_000] for n in range(5)]  # a cell's most
    data = write_xlsx(tmp_path / "book.xlsx", rows).read_bytes()
    assert len(_parsed(list(read_sheet(data)))) == 5  # within the limit
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as book:
        for info in source.infolist():
            book.writestr(info, source.read(info))
        book.writestr("xl/media/image1.png", b"\x89PNG\r\n" + bytes(300_000))
    assert _parsed(list(read_sheet(out.getvalue())))  # a picture is not XML to be read
    rows = [["id", "title"]] + [[str(n), "x" * 30_000] for n in range(8)]
    [refused] = list(read_sheet(write_xlsx(tmp_path / "big.xlsx", rows).read_bytes()))
    assert isinstance(refused, Unreadable)
    assert "its XML parts unpack to more than 0 MB (by its part xl/worksheets/sheet1.xml)" in (
        refused.reason
    )


def test_sheet_by_name_and_number(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", [["id", "title"], [1, "x"]], other_sheets=["Notes"])
    data = path.read_bytes()
    assert _parsed(list(read_sheet(data, sheet="Inventory"))) == [{"id": "1", "title": "x"}]
    assert _parsed(list(read_sheet(data))) == [{"id": "1", "title": "x"}]
    assert _parsed(list(read_sheet(data, sheet=2))) == []  # "Notes": a header row alone
    missing = list(read_sheet(data, sheet="Objets"))
    assert len(missing) == 1
    assert isinstance(missing[0], Unreadable)
    assert missing[0].reason == (
        "the workbook has no sheet 'Objets'; its sheets are 'Inventory', 'Notes'"
    )
    beyond = next(iter(read_sheet(data, sheet=3)))
    assert isinstance(beyond, Unreadable)
    assert "there is no sheet 3" in beyond.reason


def test_bad_rows_and_files_are_reasons(tmp_path: Path) -> None:
    rows = [["id", "title"], ["1", "ok"], ["2", "also ok", "a stray note"], [], ["3", "fine"]]
    items = list(read_sheet(write_xlsx(tmp_path / "x.xlsx", rows).read_bytes()))
    assert [type(i).__name__ for i in items] == ["Parsed", "Unreadable", "Parsed"]
    bad = items[1]
    assert isinstance(bad, Unreadable)
    assert (bad.position, bad.reason) == ("row 3", "cells in column(s) C have no header")
    assert b"a stray note" in bad.raw
    not_a_book = list(read_sheet(b"id,title\n1,x\n"))
    assert isinstance(not_a_book[0], Unreadable)
    assert not_a_book[0].reason.startswith("not a spreadsheet this reader knows")
    repeated = list(read_sheet(write_xlsx(tmp_path / "r.xlsx", [["a", "a"], [1, 2]]).read_bytes()))
    assert isinstance(repeated[0], Unreadable)
    assert repeated[0].reason == "the header row repeats column(s) a"


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_files_harvester_reads_sheets(tmp_path: Path, suffix: str) -> None:
    import harvesters
    from harvesters.files import FilesOptions

    rows = [["Inventory", "Title"], ["A-1", "Bowl"], ["", "no number"], ["A-2", "Jug"]]
    path = tmp_path / f"feed.{suffix}"
    (write_xlsx if suffix == "xlsx" else write_ods)(path, rows)

    def identify(value: Any) -> str:
        if not value.get("Inventory"):
            raise ValueError("no inventory number")
        return str(value["Inventory"])

    spec = harvesters.SourceSpec(
        name="s", location=str(tmp_path), options=FilesOptions(), identify=identify
    )
    items = list(harvesters.create_harvester("files", spec))
    assert [(type(i).__name__, getattr(i, "local_id", None)) for i in items] == [
        ("SourceRecord", "A-1"),
        ("RejectedRecord", None),
        ("SourceRecord", "A-2"),
    ]
    rejected = items[1]
    assert isinstance(rejected, harvesters.RejectedRecord)
    # with what the row holds, to find it by when rows are added above it
    assert rejected.reason == "no inventory number; it holds Title 'no number'"
    assert rejected.origin.endswith(f"feed.{suffix}, row 3")


@pytest.mark.parametrize(
    ("header", "title", "found"),
    [
        (["N° inventaire", "Dénomination", "Titre"], "Portrait d'homme", "Titre"),
        (["Inventarnummer", "Objektart", "Titel"], "Bildnis eines Mannes", "Titel"),
        (["رقم الجرد", "النوع", "العنوان"], "صورة رجل", "العنوان"),
    ],
)
def test_a_row_without_its_number_is_named_by_its_title_in_the_sheet_s_language(
    tmp_path: Path, header: list[str], title: str, found: str
) -> None:
    """A French museum's row without its "N° inventaire" was quarantined as "the record has no
    identifier" and nothing else: what a row holds, to find it by, was looked for only under
    English headers ("Inventory", "Title"). French, German and Arabic headers name it too."""
    import harvesters
    from harvesters.files import FilesOptions

    write_xlsx(tmp_path / "inventaire.xlsx", [header, ["", "peinture", title], ["A-2", "x", "y"]])

    def identify(value: Any) -> str:
        if not value.get(header[0]):
            raise ValueError("no inventory number")
        return str(value[header[0]])

    spec = harvesters.SourceSpec(
        name="s", location=str(tmp_path), options=FilesOptions(), identify=identify
    )
    rejected = next(iter(harvesters.create_harvester("files", spec)))
    assert isinstance(rejected, harvesters.RejectedRecord)
    assert rejected.reason == f"no inventory number; it holds {found} {title!r}"


def test_a_sheet_s_title_read_as_its_header_is_said_once(tmp_path: Path) -> None:
    """A title above the header, with ``header_row`` left at 1: one unreadable record naming
    the setting, not every row quarantined for cells without a header."""
    rows: list[list[Any]] = [
        ["Musée de Sainte-Aube — inventaire", None, None],
        ["N° inventaire", "Titre", "Date"],
        ["A1", "Vase", "vers 1890"],
    ]
    items = list(read_sheet(write_xlsx(tmp_path / "t.xlsx", rows).read_bytes()))
    assert len(items) == 1
    assert isinstance(items[0], Unreadable)
    assert items[0].whole
    assert items[0].reason.startswith(
        "the header row names only column A ('Musée de Sainte-Aube — inventaire') while the "
        "rows below fill 3 columns: if it is a title, set `header_row`"
    )
    read = list(read_sheet(write_xlsx(tmp_path / "t.xlsx", rows).read_bytes(), header_row=2))
    assert [i.value for i in read if isinstance(i, Parsed)] == [
        {"N° inventaire": "A1", "Titre": "Vase", "Date": "vers 1890"}
    ]


def test_a_workbook_openpyxl_refuses_keeps_calamine_s_reading(tmp_path: Path) -> None:
    """The dates before 1900 are read again with openpyxl, which is stricter: a style it
    cannot type ("11pt" for a font size) made it raise, and the whole sheet was lost."""
    rows: list[list[Any]] = [["Inventory No", "Opens at"], ["A1", dt.time(0, 0)]]
    path = write_xlsx(tmp_path / "strict.xlsx", rows)
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    parts["xl/styles.xml"] = parts["xl/styles.xml"].replace(b'<sz val="11"', b'<sz val="11pt"')
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    assert _parsed(list(read_sheet(path.read_bytes()))) == [
        {"Inventory No": "A1", "Opens at": "00:00:00"}
    ]


def test_a_sheet_spanning_too_many_cells_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A header and one cell at XFD1048576 (a 1.5 KB file) made calamine ask for 512 GB, and
    the allocation failure aborted the harvest of every source (SIGABRT)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "Title"
    sheet["A2"] = "Vase"
    sheet["XFD1048576"] = "x"
    path = tmp_path / "bomb.xlsx"
    book.save(path)
    assert path.stat().st_size < 10_000
    [item] = list(read_sheet(path.read_bytes()))
    assert isinstance(item, Unreadable)
    assert "reaches cell XFD1048576" in item.reason
    assert "more than the 20000000 this reader allows" in item.reason


def test_an_excel_binary_workbook_is_refused_whatever_its_name(tmp_path: Path) -> None:
    """calamine reads an xlsb in an archive that is no xlsx, whatever the file is called, and
    the size check does not read its binary records: one cell at column 4,000,000,000 in a
    1.3 KB file made calamine abort the harvest (SIGABRT). Museion does not read xlsb."""
    from python_calamine import CalamineWorkbook

    small = tmp_path / "small.xlsx"
    write_xlsb(small, [(0, 0, 1.0), (1, 1, 2.5)])
    with small.open("rb") as stream:  # a real xlsb: calamine reads it
        sheet = CalamineWorkbook.from_filelike(stream).get_sheet_by_index(0)
        assert sheet.to_python() == [[1.0, ""], ["", 2.5]]
    bomb = tmp_path / "bomb.xlsx"
    write_xlsb(bomb, [(0, 0, 1.0), (1, 4_000_000_000, 2.5)])
    assert bomb.stat().st_size < 2_000
    for path in (small, bomb):
        [item] = list(read_sheet(path.read_bytes()))
        assert isinstance(item, Unreadable)
        assert "Excel binary workbook (xlsb, its part xl/workbook.bin)" in item.reason
        assert "save it as xlsx" in item.reason


def test_an_archive_this_reader_cannot_open_is_refused_not_left_unchecked(
    tmp_path: Path,
) -> None:
    """An archive whose central directory zipfile cannot read went to calamine unchecked,
    whose own zip reader may see sheets the size check never saw."""
    path = tmp_path / "damaged.xlsx"
    write_xlsx(path, [["Inventory No", "Title"], ["A1", "Vase"]])
    data = path.read_bytes()
    at = data.index(b"PK\x01\x02")  # the first entry of the central directory
    damaged = data[:at] + b"PK\x01\x09" + data[at + 4 :]
    assert zipfile.is_zipfile(io.BytesIO(damaged))
    [item] = list(read_sheet(damaged))
    assert isinstance(item, Unreadable)
    assert "its archive cannot be read (Bad magic number for central directory)" in item.reason


_XLS = Path(__file__).parent.parent / "data" / "sheets" / "inventory.xls"
"""An Excel 97-2003 workbook (written with xlwt), one sheet "Inventaire" of three records."""


def _xls_with(old: bytes, new: bytes) -> bytes:
    """The xls with one record's bytes changed in place (its length kept: nothing moves)."""
    data = _XLS.read_bytes()
    assert data.count(old) == 1
    assert len(new) == len(old)
    return data.replace(old, new)


def test_an_xls_is_read_in_its_own_scripts() -> None:
    assert _parsed(list(read_sheet(_XLS.read_bytes()))) == [
        {"Inventory No": "A1", "Title": "Vase", "Height (cm)": "12.5"},
        {"Inventory No": "A2", "Title": "مصباح", "Height (cm)": "30"},
        {"Inventory No": "A3", "Title": "Théière", "Height (cm)": "18.25"},
    ]


@pytest.mark.parametrize(
    ("old", "new", "cell"),
    [
        # the last number cell (an RK record at C4) moved to row 65,536, column 65,536
        (b"\x7e\x02\x0a\x00\x03\x00\x02\x00", b"\x7e\x02\x0a\x00\xff\xff\xff\xff", "CRXP65536"),
        # the sheet's Dimensions record declaring rows to 2^32 and columns to 65,535
        (
            b"\x00\x02\x0e\x00" + struct.pack("<IIHH", 0, 4, 0, 3),
            b"\x00\x02\x0e\x00" + struct.pack("<IIHH", 0, 0xFFFFFFFF, 0, 0xFFFF),
            "CRXO4294967295",
        ),
        # a Dimensions record whose first row is past its last: calamine's count wraps round
        (
            b"\x00\x02\x0e\x00" + struct.pack("<IIHH", 0, 4, 0, 3),
            b"\x00\x02\x0e\x00" + struct.pack("<IIHH", 5, 4, 0, 3),
            "C4",
        ),
    ],
    ids=["far-cell", "dimensions", "wrapped-dimensions"],
)
def test_an_xls_naming_too_many_cells_is_refused_before_it_is_read(
    old: bytes, new: bytes, cell: str
) -> None:
    """Each of these 5.5 KB files made calamine ask for billions of cells and abort the
    harvest (SIGABRT): an xls cell's row and column are 16-bit, whatever Excel's 256
    columns, and calamine reserves what the Dimensions record says before it reads a cell."""
    [item] = list(read_sheet(_xls_with(old, new)))
    assert isinstance(item, Unreadable)
    assert f"the sheet Inventaire reaches cell {cell}:" in item.reason
    assert "more than the 20000000 this reader allows" in item.reason


def test_a_biff5_sheet_is_named_as_calamine_names_it() -> None:
    """A BIFF5 sheet's name has no character flag before it: it was decoded as BIFF8, its
    first letter taken for the flag, in the message that names the sheet too large."""
    data = _XLS.read_bytes()
    at = data.index(b"\x85\x00\x12\x00") + 4  # BoundSheet8: offset, state, type, length, flag
    assert data[at + 6 : at + 8] == b"\x0a\x00"  # "Inventaire", one-byte characters
    data = data[: at + 6] + b"\x0bL" + data[at + 8 :]  # BIFF5: "LInventaire", no flag
    bof = b"\x09\x08\x10\x00\x00\x06\x05\x00"  # the globals' BOF: BIFF8, a workbook
    assert data.count(bof) == 1
    data = data.replace(bof, b"\x09\x08\x10\x00\x00\x05\x05\x00")
    far = struct.pack("<HHHH", 0x27E, 10, 3, 2)
    data = data.replace(far, struct.pack("<HHHH", 0x27E, 10, 0xFFFF, 0xFFFF))
    [item] = list(read_sheet(data))
    assert isinstance(item, Unreadable)
    assert "the sheet LInventaire reaches cell CRXP65536" in item.reason


def test_an_xls_ending_like_an_archive_is_read_as_the_xls_it_is() -> None:
    """An xls whose last bytes look like an archive's end (an embedded file's) was refused
    once the archive could not be opened; calamine reads it as an xls, which is checked."""
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, 46, 0, 0)
    data = _XLS.read_bytes() + end
    assert zipfile.is_zipfile(io.BytesIO(data))
    assert len(_parsed(list(read_sheet(data)))) == 3


def test_an_xls_naming_one_sheet_twice_is_refused() -> None:
    """calamine reads a sheet as often as the workbook names it, and so did the check: a
    long sheet named 65,535 times is read 65,535 times. A cell-format record (XF) is made
    a second name of the one sheet here."""
    data = _XLS.read_bytes()
    sheet = data.index(b"\x85\x00\x12\x00") + 4
    begins = data[sheet : sheet + 4]  # where the sheet's records begin in the stream
    xf = data.index(b"\xe0\x00\x14\x00")  # the first XF record, 20 bytes long
    named = begins + b"\x00\x00\x01\x00B" + bytes(11)  # visible worksheet "B"
    data = data[:xf] + b"\x85\x00\x14\x00" + named + data[xf + 24 :]
    [item] = list(read_sheet(data))
    assert isinstance(item, Unreadable)
    assert "its sheet Inventaire begins inside another sheet, or is named twice" in item.reason


def test_an_xls_whose_sheet_begins_past_its_end_is_refused() -> None:
    """calamine sliced the stream at the sheet's offset unchecked: a Rust panic, which Python
    sees as a BaseException that stopped the harvest of every source."""
    data = _XLS.read_bytes()
    at = data.index(b"\x85\x00\x12\x00") + 4  # the BoundSheet8 record: where the sheet begins
    data = data[:at] + struct.pack("<I", 0x7FFFFFF0) + data[at + 4 :]
    [item] = list(read_sheet(data))
    assert isinstance(item, Unreadable)
    assert "its sheet Inventaire begins past the end of the file" in item.reason


def test_a_panic_of_calamine_on_a_damaged_xls_is_an_unreadable_file() -> None:
    """calamine indexes a defined name's record (Lbl) without checking its length: the
    workbook's two-byte date-system record retyped as one panics in Rust."""
    damaged = _xls_with(b"\x22\x00\x02\x00\x00\x00", b"\x18\x00\x02\x00\x00\x00")
    [item] = list(read_sheet(damaged))
    assert isinstance(item, Unreadable)
    assert "not a spreadsheet this reader knows" in item.reason


@pytest.mark.parametrize("read", [sheet_names, sheet_rows], ids=["names", "rows"])
def test_what_is_no_workbook_is_refused_alike_by_both_readers(
    read: Callable[[bytes], object],
) -> None:
    """The sheet list (the upload page's choice of sheet) and the rows open a workbook by one
    function (``harvesters.sheets._workbook``): what calamine refuses or panics on is "not a
    workbook" to both, a ``ValueError``, never a ``BaseException`` that stops the harvest."""
    damaged = _xls_with(b"\x22\x00\x02\x00\x00\x00", b"\x18\x00\x02\x00\x00\x00")
    for data in (damaged, b"PK\x03\x04 no archive", b"\xd0\xcf\x11\xe0 no compound file"):
        with pytest.raises(ValueError, match="not a spreadsheet this reader knows"):
            read(data)


_FAR_RK = (b"\x7e\x02\x0a\x00\x03\x00\x02\x00", b"\x7e\x02\x0a\x00\xff\xff\xff\xff")
"""The last number cell of the xls (an RK record at C4) and the same moved to row 65,536,
column 65,536: a workbook stream calamine aborts on."""


def _xls_with_second_stream(name: str, *, linked: bool, first: str) -> bytes:
    """The xls with a second stream ``name``, a copy of its workbook stream holding the far
    cell, written after the file's ten sectors (10 to 17), its directory entry the third
    (linked in the tree as the first's sibling or not), the first entry renamed ``first``."""
    data = bytearray(_XLS.read_bytes())
    workbook = bytes(data[512 : 512 + 4096])
    assert workbook.count(_FAR_RK[0]) == 1
    fat, directory = 512 + 512 * 8, 512 + 512 * 9  # xlwt's layout: the FAT, the directory
    for sector in range(10, 18):
        struct.pack_into("<I", data, fat + 4 * sector, sector + 1 if sector < 17 else 0xFFFFFFFE)
    data += workbook.replace(*_FAR_RK)
    entry = bytearray(128)
    encoded = name.encode("utf-16-le")
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBB3I", entry, 64, len(encoded) + 2, 2, 1, *[0xFFFFFFFF] * 3)
    struct.pack_into("<II", entry, 116, 10, 4096)
    data[directory + 256 : directory + 384] = entry
    data[directory + 128 : directory + 128 + 16] = first.encode("utf-16-le")
    if linked:
        struct.pack_into("<I", data, directory + 128 + 72, 2)  # the first's right sibling
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "linked", "first", "reason"),
    [
        # olefile found the benign "workbook" by a name in any letter case; calamine looks
        # for "Workbook" exactly, and read "Book"
        ("Book", True, "workbook", "the sheet Inventaire reaches cell CRXP65536"),
        # calamine takes the first entry so named in the directory, in the tree or not
        ("Book", False, "workbook", "its directory entry Book is not a stream of its tree"),
        ("Workbook", False, "Workbooj", "its directory entry Workbook is not a stream"),
    ],
    ids=["book-in-tree", "book-out-of-tree", "workbook-out-of-tree"],
)
def test_an_xls_is_checked_in_the_stream_calamine_reads(
    name: str, linked: bool, first: str, reason: str
) -> None:
    """Each of these made calamine abort the harvest (SIGABRT) past the check, which had read
    another stream than calamine's."""
    [item] = list(read_sheet(_xls_with_second_stream(name, linked=linked, first=first)))
    assert isinstance(item, Unreadable)
    assert reason in item.reason


def test_an_xls_with_an_archive_after_it_is_checked_as_an_xls() -> None:
    """zipfile finds an archive by its end, calamine tries an xls first: the xls holding the
    far cell with a small archive after it was checked as an archive, and calamine aborted."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as written:
        written.writestr("readme.txt", "hello")
    data = _xls_with(*_FAR_RK) + archive.getvalue()
    assert zipfile.is_zipfile(io.BytesIO(data))
    [item] = list(read_sheet(data))
    assert isinstance(item, Unreadable)
    assert "the sheet Inventaire reaches cell CRXP65536:" in item.reason


def test_a_part_renamed_by_a_unicode_path_field_is_refused(tmp_path: Path) -> None:
    """The Rust zip reader calamine uses names a part by its Info-ZIP Unicode Path field, and
    Python's zipfile by the name it is written under: an xlsb's xl/workbook.bin written as
    xl/workbook.dat, the field naming it back, passed the check and calamine aborted."""
    bomb = tmp_path / "bomb.xlsx"
    write_xlsb(bomb, [(0, 0, 1.0), (1, 4_000_000_000, 2.5)])
    renamed = io.BytesIO()
    with zipfile.ZipFile(bomb) as source, zipfile.ZipFile(renamed, "w") as out:
        for info in source.infolist():
            written = info
            if info.filename == "xl/workbook.bin":
                written = zipfile.ZipInfo("xl/workbook.dat", info.date_time)
                field = struct.pack("<BI", 1, zlib.crc32(b"xl/workbook.dat"))
                field += b"xl/workbook.bin"
                written.extra = struct.pack("<HH", 0x7075, len(field)) + field
            out.writestr(written, source.read(info))
    [item] = list(read_sheet(renamed.getvalue()))
    assert isinstance(item, Unreadable)
    assert "its part xl/workbook.dat is named xl/workbook.bin by an extra field" in item.reason


def test_a_sheet_spanning_too_many_rows_by_its_row_numbers_is_refused(tmp_path: Path) -> None:
    """A cell may leave out its reference (<c> without r=) and take its row's number: one
    such cell in row 1048576, beside XFD1, passed the check, and calamine aborted."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "Title"
    sheet["XFD1"] = "x"
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    bomb = tmp_path / "rows.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w") as target:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                far = b'<row r="1048576"><c t="inlineStr"><is><t>y</t></is></c></row>'
                data = data.replace(b"</sheetData>", far + b"</sheetData>")
            target.writestr(part, data)
    [item] = list(read_sheet(bomb.read_bytes()))
    assert isinstance(item, Unreadable)
    assert "more than the 20000000 this reader allows" in item.reason


def _rows_without_references(tmp_path: Path, count: int, far_cell: str = "") -> bytes:
    """An xlsx whose header has cell references and whose ``count`` records give only their
    rows' numbers (``<c>`` without ``r=``, as some exporters write), then ``far_cell``."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "Title"
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    records = b"".join(
        b'<row r="%d"><c t="inlineStr"><is><t>Vase %d %s</t></is></c></row>' % (n, n, b"x" * 100)
        for n in range(2, count + 2)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                # the header's reference comes last, after the records: the first megabyte
                # the check reads holds more than 4,096 row numbers and no cell reference
                header = data[data.index(b"<row ") : data.index(b"</sheetData>")]
                data = data.replace(header, records + header + far_cell.encode())
            target.writestr(part, data)
    return out.getvalue()


def test_row_numbers_without_cell_references_keep_the_size_check_whole(
    tmp_path: Path,
) -> None:
    """More than 4,096 row numbers and not yet one cell reference: the check took min() of
    no columns, and the workbook was refused with Python's "min() arg is an empty sequence"
    instead of read, or instead of refused with Museion's reason."""
    data = _rows_without_references(tmp_path, 8000)
    items = list(read_sheet(data))
    assert all(isinstance(item, Parsed) for item in items), items[:1]
    assert len(items) == 8000
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    [refused] = list(read_sheet(_rows_without_references(tmp_path, 8000, far)))
    assert isinstance(refused, Unreadable)
    assert "reaches cell XFD1048576" in refused.reason
    assert "more than the 20000000 this reader allows" in refused.reason


@pytest.mark.parametrize("numbered", [True, False])
def test_cells_without_references_count_by_their_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, numbered: bool
) -> None:
    """calamine places a cell without a reference after the one before it, and a row without
    a number after the row before it; the size check counted neither, and a first row of
    16,384 such cells with one more row at 1,048,576 would ask calamine for 17 billion."""
    import openpyxl

    import harvesters.sheets

    monkeypatch.setattr(harvesters.sheets, "MAX_CELLS", 1000)
    book = openpyxl.Workbook()
    assert book.active is not None
    book.active["A1"] = "Title"
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    cell = b'<c t="inlineStr"><is><t>v</t></is></c>'
    heads = b"".join(b'<c t="inlineStr"><is><t>h%d</t></is></c>' % n for n in range(30))
    wide = b'<row r="1">' + heads + b"</row>"
    below = b"".join(
        (b'<row r="%d">' % n if numbered else b"<row>") + cell + b"</row>" for n in range(2, 101)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                start, end = data.index(b"<sheetData>") + 11, data.index(b"</sheetData>")
                data = data[:start] + wide + below + data[end:]
            target.writestr(part, data)
    [refused] = list(read_sheet(out.getvalue()))  # 100 rows of 30 columns: 3,000 cells
    assert isinstance(refused, Unreadable)
    assert "reaches cell AD100: 3000 cells, more than the 1000" in refused.reason
    monkeypatch.setattr(harvesters.sheets, "MAX_CELLS", 3000)
    rows = list(read_sheet(out.getvalue()))
    assert [row.value for row in rows if isinstance(row, Parsed)] == [{"h0": "v"}] * 99


def _xlsx_sheet(tmp_path: Path, cells: bytes, *, name: str = "", xml: bytes = b"") -> bytes:
    """An xlsx of a header cell (A1) and ``cells`` appended as row 2000 of its first sheet;
    ``name`` stores that sheet under another part name (the workbook's relations following),
    ``xml`` replaces the sheet's XML outright."""
    data = write_xlsx(tmp_path / "book.xlsx", [["Title"]]).read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as book:
        for info in source.infolist():
            part, path = source.read(info), info.filename
            if path == "xl/worksheets/sheet1.xml":
                far = b'<row r="2000">' + cells + b"</row></sheetData>"
                part = xml or part.replace(b"</sheetData>", far)
                path = name or path
            elif path == "xl/_rels/workbook.xml.rels" and name:
                part = part.replace(b"worksheets/sheet1.xml", name.removeprefix("xl/").encode())
            book.writestr(path, part)
    return out.getvalue()


@pytest.mark.parametrize(
    "cell",
    [
        b"<c r='CV2000' t='n'><v>1</v></c>",  # single quotes
        b'<c r="CV0000002000" t="n"><v>1</v></c>',  # leading zeros
        b'<c r = "CV2000" t="n"><v>1</v></c>',  # spaces around =
        b'<c r="cv2000" t="n"><v>1</v></c>',  # lower case
        b'<c s="a>b" r="CV2000" t="n"><v>1</v></c>',  # a '>' in an attribute before
        b'<c r="C&#86;2000" t="n"><v>1</v></c>',  # a character reference
    ],
)
def test_an_xlsx_cell_reference_however_written_is_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: bytes
) -> None:
    """The check found references with a pattern (``r="[A-Z]{0,3}[0-9]{1,7}"``): a reference
    in single quotes, with leading zeros, spaces around '=', in lower case or after an
    attribute holding '>' was no cell to it, and calamine read the cell where it says."""
    import harvesters.sheets

    monkeypatch.setattr(harvesters.sheets, "MAX_CELLS", 100_000)
    [refused] = list(read_sheet(_xlsx_sheet(tmp_path, cell)))  # CV2000: 200,000 cells
    assert isinstance(refused, Unreadable)
    assert "reaches cell CV2000: 200000 cells, more than the 100000" in refused.reason
    monkeypatch.setattr(harvesters.sheets, "MAX_CELLS", 200_000)
    items = list(read_sheet(_xlsx_sheet(tmp_path, cell)))  # at the limit: read, not refused
    assert not any("this reader allows" in getattr(item, "reason", "") for item in items)


def test_an_xlsx_far_cell_alone_counts_from_a1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader gives a sheet's rows from A1: one cell at CV2000 alone is 2,000 rows of
    100 columns in memory, where the check counted one cell, from the first to the last."""
    import harvesters.sheets

    monkeypatch.setattr(harvesters.sheets, "MAX_CELLS", 100_000)
    xml = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="2000"><c r="CV2000" t="inlineStr"><is><t>x</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    [refused] = list(read_sheet(_xlsx_sheet(tmp_path, b"", xml=xml)))
    assert isinstance(refused, Unreadable)
    assert "reaches cell CV2000: 200000 cells" in refused.reason


@pytest.mark.parametrize(
    "name", ["xl/worksheets/SHEET1.XML", "xl/worksheets/sheet1.bin", "xl/other/sheet1.xml"]
)
def test_a_sheet_stored_under_any_name_is_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """calamine reads the part the workbook's relations name, in any letter case and with any
    extension: the check read only names ending in '.xml'."""
    import harvesters.sheets

    monkeypatch.setattr(harvesters.sheets, "MAX_CELLS", 100_000)
    cell = b'<c r="CV2000" t="n"><v>1</v></c>'
    [refused] = list(read_sheet(_xlsx_sheet(tmp_path, cell, name=name)))
    assert isinstance(refused, Unreadable)
    assert "reaches cell CV2000: 200000 cells" in refused.reason


@pytest.mark.parametrize(
    ("xml", "why"),
    [
        (b"<worksheet><sheetData><row><c r='A1'></row></sheetData></worksheet>", "mismatch"),
        (b'<worksheet><sheetData><row><c><row r="9"/></c></row></sheetData></worksheet>', "row"),
        (b'<!DOCTYPE w [<!ENTITY e "1">]><worksheet><sheetData/></worksheet>', "DOCTYPE"),
    ],
)
def test_a_sheet_the_check_cannot_parse_refuses_the_workbook(
    tmp_path: Path, xml: bytes, why: str
) -> None:
    """A sheet that is not well-formed XML (calamine reads on past a mismatched end tag), a
    row inside a cell (calamine reads it otherwise than its nesting says), a DOCTYPE (no
    workbook has one): refused, not waved through uncounted."""
    [refused] = list(read_sheet(_xlsx_sheet(tmp_path, b"", xml=xml)))
    assert isinstance(refused, Unreadable)
    assert "its part xl/worksheets/sheet1.xml cannot be read" in refused.reason


_HEADER = (
    '<table:table-row><table:table-cell office:value-type="string"><text:p>id</text:p>'
    "</table:table-cell></table:table-row>"
)


def _ods_tables(tmp_path: Path, *tables: str) -> bytes:
    """An ods whose sheets are ``tables`` (each the rows of one, under a header "id"), named
    S1, S2…"""
    data = write_ods(tmp_path / "book.ods", [["id"]]).read_bytes()
    sheets = "".join(
        f'<table:table table:name="S{n}">{_HEADER}{rows}</table:table>'
        for n, rows in enumerate(tables, 1)
    )

    def edit(text: str) -> str:
        start = text.index("<office:spreadsheet>") + len("<office:spreadsheet>")
        end = text.index("</office:spreadsheet>")
        return text[:start] + sheets + text[end:]

    return _with_content(data, edit)


_ROWS = 'table:number-rows-repeated="{rows}"'
_COLUMNS = 'table:number-columns-repeated="{columns}"'
_VALUE = 'office:value-type="float" office:value="1"'
_BLOCK = "<table:table-row {row}><table:table-cell {cell}/></table:table-row>"


@pytest.mark.parametrize(
    ("row", "cell"),
    [
        (_ROWS, f"{_VALUE} {_COLUMNS}"),
        ("table:number-rows-repeated='{rows}'", f"{_VALUE} table:number-columns-repeated='60'"),
        ("table:number-rows-repeated = '{rows}'", f"{_VALUE} table:number-columns-repeated = '60'"),
        (  # more digits than the pattern took
            'table:number-rows-repeated="0000000000000{rows}"',
            f"{_VALUE} {_COLUMNS.replace('{', '0000000000000{')}",
        ),
        ('table:number-rows-repeated="+{rows}"', f"{_VALUE} {_COLUMNS.replace('{', '+{')}"),
        ('table:number-rows-repeated="&#49;{rows}"', f"{_VALUE} {_COLUMNS}"),
        (f'table:style-name="a>b" {_ROWS}', f'table:style-name="a>b" {_VALUE} {_COLUMNS}'),
        (_ROWS, f'office:value="1" {_COLUMNS}'),  # a value without its type
        (_ROWS, f'office:string-value="x" {_COLUMNS}'),
        (_ROWS, f'office:boolean-value="true" {_COLUMNS}'),
        (_ROWS, f'office:date-value="2024-01-01" {_COLUMNS}'),
        (_ROWS, f'table:formula="of:=1" {_COLUMNS}'),  # a formula alone
    ],
)
def test_an_ods_repeat_however_written_is_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, row: str, cell: str
) -> None:
    """The check read repeats with patterns (``number-rows-repeated="([0-9]{1,12})"``) and
    counted a cell only with ``value-type=`` or content: quotes, spaces, leading zeros, a
    '+', a character reference, a '>' in an attribute before, or a value, text, truth,
    date or formula without ``office:value-type`` hid a repeated block that calamine writes
    out: one row repeated a million times, its cell sixty, passed and took gigabytes."""
    import harvesters.sheets

    monkeypatch.setattr(harvesters.sheets, "MAX_CELLS", 1000)
    # 1,000 rows of 60 cells (a "&#49;" before the repeat is a "1": 1,000 is "&#49;000")
    rows = "000" if "&#49;" in row else "1000"
    body = _BLOCK.format(row=row.format(rows=rows), cell=cell.format(columns=60))
    [refused] = list(read_sheet(_ods_tables(tmp_path, body)))
    assert isinstance(refused, Unreadable)
    assert "the sheet S1 reaches cell BH1001" in refused.reason


def test_an_ods_table_inside_a_cell_does_not_start_the_count_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table inside a cell began the count again (a new sheet to the check), so three
    blocks of 400 rows, each followed by such a table, passed a limit of 1,000 rows."""
    import harvesters.sheets

    monkeypatch.setattr(harvesters.sheets, "MAX_CELLS", 1000)
    block = (
        f"<table:table-row {_ROWS.format(rows=400)}><table:table-cell {_VALUE}/></table:table-row>"
    )
    nested = (
        '<table:table-row><table:table-cell><table:table table:name="n"><table:table-row>'
        "<table:table-cell/></table:table-row></table:table></table:table-cell></table:table-row>"
    )
    [refused] = list(read_sheet(_ods_tables(tmp_path, (block + nested) * 3)))
    assert isinstance(refused, Unreadable)
    assert "the sheet S1 reaches cell" in refused.reason


def test_an_ods_s_sheets_count_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """calamine reads every sheet of an ods when it opens it: sheets under the limit each
    passed together, ten of 19.9 million cells each (a few kilobytes) asking for 6 GB."""
    import harvesters.sheets

    monkeypatch.setattr(harvesters.sheets, "MAX_CELLS", 1000)
    block = (
        f"<table:table-row {_ROWS.format(rows=299)}><table:table-cell {_VALUE}/></table:table-row>"
    )
    assert _parsed(list(read_sheet(_ods_tables(tmp_path, block, block, block))))
    [refused] = list(read_sheet(_ods_tables(tmp_path, block, block, block, block)))
    assert isinstance(refused, Unreadable)
    assert refused.reason.startswith("the sheet S4 reaches cell A300: 1200 cells")


def test_an_ods_tag_longer_than_the_check_s_pieces_is_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check read content.xml in pieces of a megabyte, carrying a tag over only up to
    64 KB: a longer row tag across a piece's end hid its repeat."""
    import harvesters.sheets

    monkeypatch.setattr(harvesters.sheets, "MAX_CELLS", 100_000)
    filler = "<table:table-row><table:table-cell/></table:table-row>" * 17_000
    row = (
        f'<table:table-row table:style-name="{"A" * 200_000}" {_ROWS.format(rows=1000)}>'
        f"<table:table-cell {_VALUE} {_COLUMNS.format(columns=200)}/></table:table-row>"
    )
    [refused] = list(read_sheet(_ods_tables(tmp_path, filler + row)))
    assert isinstance(refused, Unreadable)
    assert "the sheet S1 reaches cell GR18001" in refused.reason
