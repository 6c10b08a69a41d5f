"""``museion mapping draft`` finds the sheet and the header row of a registrar's export: a
"Read me" sheet first, a title and group headings above the header, Excel's ``sep=`` line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from museion.cli import main
from museion.draft_layout import header_row_of
from museion.drafting import draft_mapping
from museion_core.errors import ConfigError

HEADER = ["Numéro d'inventaire", "Titre", "Artiste", "Date", "Hauteur (cm)", "Droits"]
DATA: list[list[Any]] = [
    ["MG-1", "Portrait de femme", "Mirzə Qədim", dt.date(1890, 4, 3), 45.5, "CC BY-SA 4.0"],
    ["MG-2", "Tapis de Gandja", None, dt.date(1850, 1, 1), 210, "Domaine public"],
    ["MG-3", "Aiguière", None, "XIXe siècle", 32, "Domaine public"],
]


def _workbook(path: Path, *, read_me: bool = True) -> Path:
    """As the partner's export: a one-note "Lisez-moi" sheet first, then the inventory with a
    merged title and a merged row of group headings above the header (row 3), then loans."""
    book = Workbook()
    first = book.active
    assert first is not None
    if read_me:
        first.title = "Lisez-moi"
        first["A1"] = "Export du système de gestion des collections, 2024-05-02"
        sheet = book.create_sheet("Inventaire")
    else:
        sheet, sheet.title = first, "Inventaire"
    sheet["A1"] = "Musée de Gandja — inventaire 2024"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "Identification"
    sheet.merge_cells("A2:C2")
    sheet["D2"] = "Production"
    sheet.merge_cells("D2:F2")
    for column, text in enumerate(HEADER, 1):
        sheet.cell(3, column, text)
    for row, values in enumerate(DATA, 4):
        for column, value in enumerate(values, 1):
            sheet.cell(row, column, value)
    loans = book.create_sheet("Prêts")
    loans.append(["Numéro", "Emprunteur"])
    loans.append(["MG-1", "Louvre"])
    book.save(path)
    return path


def test_draft_finds_the_sheet_and_the_header_row_of_a_workbook(tmp_path: Path) -> None:
    """It said "it holds no records" (the "Lisez-moi" sheet) and, given the sheet, drafted the
    title row as the identifier."""
    drafted = draft_mapping(_workbook(tmp_path / "inventaire.xlsx"))
    assert drafted.placed["accession_number"] == "Numéro d'inventaire"
    assert drafted.placed["title"] == "Titre"
    assert drafted.rows == 3
    assert drafted.options == {"sheet": "Inventaire", "header_row": 3}
    assert '#   sheet = "Inventaire"\n#   header_row = 3\n' in drafted.text
    assert any("'Lisez-moi', 'Prêts'" in found for found in drafted.found)


@pytest.mark.parametrize(
    ("options", "ident", "header_row"),
    [
        ({"sheet": "Inventaire"}, "Numéro d'inventaire", 3),  # the sheet given, the row found
        ({"sheet": 2}, "Numéro d'inventaire", 3),
        ({"sheet": "Prêts"}, "Numéro", None),  # a sheet given is read, not second-guessed
        ({"sheet": "Inventaire", "header_row": 1}, "Musée de Gandja — inventaire 2024", None),
    ],
)
def test_draft_keeps_the_sheet_and_header_row_it_is_given(
    tmp_path: Path, options: dict[str, Any], ident: str, header_row: int | None
) -> None:
    drafted = draft_mapping(_workbook(tmp_path / "inventaire.xlsx"), **options)
    assert drafted.placed.get("accession_number") == ident
    assert drafted.options.get("header_row") == header_row
    assert drafted.options["sheet"] == options["sheet"]


def test_draft_says_the_header_looks_elsewhere_when_told_another_row(tmp_path: Path) -> None:
    drafted = draft_mapping(_workbook(tmp_path / "i.xlsx"), sheet="Inventaire", header_row=1)
    assert drafted.found == [
        "read the header on row 1, as told; it looks like row 3: check --header-row"
    ]


def test_draft_names_the_sheets_when_the_one_read_has_no_records(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        draft_mapping(_workbook(tmp_path / "inventaire.xlsx"), sheet="Lisez-moi")
    said = str(caught.value)
    assert "it holds no records" in said
    assert "'Lisez-moi' (1 row), 'Inventaire' (6 rows), 'Prêts' (2 rows)" in said
    assert "--sheet NAME" in said


SEP_CSV = (
    "sep=;\r\n"
    "Identification;;;Mesures;\r\n"
    "N° d'inventaire;Titre;Artiste;Date;Hauteur (cm);Droits;;\r\n"
    "MG-1;Portrait;Mirzə Qədim;03/04/1890;45,5;CC BY-SA 4.0;;\r\n"
    "MG-3;Aiguière;;XIXe siècle;32;Domaine public;;\r\n"
    "MG-4;Şəbəkə;Usta Mehdi;1890-1895;120;Tous droits réservés;;\r\n"
)


def test_draft_finds_the_header_below_group_headings_in_a_csv(tmp_path: Path) -> None:
    """Excel's ``sep=;`` line, then a row of group headings: "line 3: the row has 8 fields but
    the header has 5", with no word of the header row."""
    export = tmp_path / "sep.csv"
    export.write_text(SEP_CSV, encoding="utf-8-sig")
    drafted = draft_mapping(export)
    assert drafted.options == {"header_row": 2}  # rows, as a spreadsheet shows the file
    assert drafted.placed["accession_number"] == "N° d'inventaire"
    assert drafted.rows == 3
    with pytest.raises(ConfigError) as caught:
        draft_mapping(export, header_row=1)
    assert "the header looks like row 2: try --header-row 2" in str(caught.value)


def test_draft_command_says_what_it_found(tmp_path: Path) -> None:
    export = _workbook(tmp_path / "inventaire.xlsx")
    done = CliRunner().invoke(main, ["mapping", "draft", str(export)])
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())  # the console wraps its lines
    assert "the records are on sheet 'Inventaire'" in said
    assert "the source needs header_row = 3" in said
    assert 'id = "Numéro d\'inventaire"' in said


@pytest.mark.parametrize(
    ("rows", "header"),
    [
        ([["Titre", "Date"], ["A", "1890"]], 1),
        ([["Musée — inventaire"], [], ["N°", "Titre"], ["A-1", "Vase"]], 3),
        ([["Titre", "Date"], ["Vase", "1890"], ["Bol", None]], 1),
        ([["A-1", "1890"], ["A-2", "1891"]], None),  # figures: records, no header
        ([["Musée", None, None], ["N°", "N°", "Titre"], ["A", "B", "C"]], None),  # repeated
        (
            [
                ["Identification", None, None, "Mesures"],
                ["N°", "Titre", "Date", "Hauteur"],
                ["A-1", "Vase", "1890", "12"],
            ],
            2,
        ),  # a group heading does not reach every column
        ([["Titre", "Date"]], None),  # no record below
        ([["N°", "Titre"], ["A-1", "Vase", "x"], ["A-2", "Bol", "y"]], None),  # narrow header
        (
            [
                ["Musée — inventaire"],
                ["N°", "Titre"],
                *[[f"A-{n}", "Vase"] for n in range(9)],
                ["A-9", "Bol", "x"],
            ],
            2,
        ),  # a stray cell right of the table in one row of ten
        (
            [["Musée"], ["N°", "Titre"], ["A-1", "Vase", "x"], *[["A-2", "Bol"]] * 4],
            2,
        ),  # or in one row of five
        (
            [["Musée"], ["N°", "Titre"], ["A-1", "Vase", "x"], *[["A-2", "Bol"]] * 3],
            None,
        ),  # but not one of four
        ([["id", "note", "note"], ["A-1", "a", "b"], ["A-2", "c", "d"]], None),  # repeated
        ([["id", "Titre", "2023"], ["A-1", "Vase", "x"], ["A-2", "Bol", "y"]], None),  # figure
        (
            [
                ["Export", "2024-05-02"],
                ["N°", "Titre", "Date", "Droits"],
                ["A-1", "Vase", "1890", "CC0"],
            ],
            2,
        ),  # a title with its date is looked past
    ],
)
def test_header_row_of(rows: list[list[Any]], header: int | None) -> None:
    assert header_row_of(rows) == header


@pytest.mark.parametrize(
    ("header", "said"),
    [
        ("id,title,note,note", "the header row repeats column(s) note"),
        ("id,title,2023", "the header has"),
    ],
)
def test_draft_does_not_take_a_record_for_a_header_it_dislikes(
    tmp_path: Path, header: str, said: str
) -> None:
    """A header as wide as its records that repeats a name, or names a column with a figure,
    is the header: the first record was taken for it ("header_row = 2", id = "MG-1")."""
    export = tmp_path / "x.csv"
    export.write_text(f"{header}\nMG-1,Vase,a,b\nMG-2,Bol,c,d\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["mapping", "draft", str(export)])
    printed = " ".join(done.output.split())
    assert "header_row" not in printed
    assert 'id = "MG-1"' not in printed
    assert said in printed


def test_draft_reads_a_header_that_names_a_column_with_a_figure(tmp_path: Path) -> None:
    export = tmp_path / "x.csv"
    export.write_text("id,title,2023\nMG-1,Vase,a\nMG-2,Bol,c\n", encoding="utf-8")
    drafted = draft_mapping(export)
    assert drafted.options == {}
    assert drafted.placed["accession_number"] == "id"
    assert drafted.rows == 2


def test_draft_finds_the_header_below_a_title_despite_a_stray_cell(tmp_path: Path) -> None:
    """A registrar typed an "x" past the last column of one row of ten, in an Excel export
    with a title row above the header: the header was not found, the draft read the title
    row as the header and stopped ("the row has 13 fields but the header has 12"). The
    header is found; the stray row is the harvest's to refuse, with its row and column."""
    lines = ["Musée de Sainte-Odile — Inventaire 2026;;;;", "N° inventaire;Titre;Date;;"]
    lines += [f"1890.1.{n};Vue n° {n};1890;;" for n in range(1, 10)]
    lines.append("1970.5.5;Coupe;1970;;x")
    export = tmp_path / "inventaire.csv"
    export.write_bytes("\r\n".join(lines).encode("cp1252"))
    drafted = draft_mapping(export, encoding="cp1252")
    assert drafted.options["header_row"] == 2
    assert drafted.placed["accession_number"] == "N° inventaire"
