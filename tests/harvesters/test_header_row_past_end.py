"""A file or sheet whose rows end above ``header_row``: read as no record at all, it withdrew
every record of the source as gone from the feed, and only the quality gate held the run. It
is one unreadable file now, which says how many rows it has and names ``header_row``, so
nothing is withdrawn."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import QuerySolutions

from harvesters.csvrows import read_csv
from harvesters.readers import Parsed, Unreadable
from harvesters.sheets import read_sheet
from museion import Pipeline, Workspace, load_config
from tests.conftest import ConfigWriter, files_source
from tests.helpers.sheets import write_ods, write_xlsx


def stream(data: bytes) -> io.BufferedReader:
    return io.BufferedReader(io.BytesIO(data))


def _past_end(rows: int, header_row: int) -> str:
    return (
        f"it has {rows} row(s), fewer than header_row ({header_row}): no row names the columns, "
        "so which records it holds is not known; set `header_row` to the row that names them"
    )


@pytest.mark.parametrize(
    ("data", "header_row", "rows"),
    [
        (b"Title\nid,title\n", 3, 2),  # the header expected below a title that is not there
        (b"id;title\r\nA1;Bol\r\n", 12, 2),  # header_row of last year's export
        (b"id;title\r\nA1;Bol\r\n;\r\n;\r\n", 4, 2),  # Excel's empty rows are not rows
        (b"\n\n", 3, 0),
        (b"", 2, 0),
    ],
)
def test_a_csv_that_ends_above_its_header_row_is_one_unreadable_file(
    data: bytes, header_row: int, rows: int
) -> None:
    [item] = list(read_csv(stream(data), header_row=header_row))
    assert isinstance(item, Unreadable)
    assert item.whole  # nothing of the source is withdrawn on its account
    assert item.reason == _past_end(rows, header_row)
    assert item.position == ""  # the file, not a row it does not have


def test_an_empty_csv_with_its_header_on_row_1_still_holds_no_record() -> None:
    assert list(read_csv(stream(b""))) == []
    assert list(read_csv(stream(b"id,title\n"))) == []  # a header and no record: none
    assert list(read_csv(stream(b"Title\nid,title\n"), header_row=2)) == []


@pytest.mark.parametrize("write", [write_xlsx, write_ods], ids=["xlsx", "ods"])
def test_a_sheet_that_ends_above_its_header_row_is_one_unreadable_file(
    tmp_path: Path, write: Any
) -> None:
    rows: list[list[Any]] = [["N° inventaire", "Titre"], ["A1", "Vase"]]
    data = write(tmp_path / f"t.{write.__name__[-4:]}", rows).read_bytes()
    [item] = list(read_sheet(data, header_row=5))
    assert isinstance(item, Unreadable)
    assert item.whole
    assert item.reason == _past_end(2, 5)
    # the sheet's own header row still reads it
    assert [i.value for i in read_sheet(data) if isinstance(i, Parsed)] == [
        {"N° inventaire": "A1", "Titre": "Vase"}
    ]


def test_a_sheet_whose_empty_formatted_rows_reach_its_header_row_is_unreadable(
    tmp_path: Path,
) -> None:
    """A sheet keeps formatted empty rows at its end: they are no rows of the table, and a
    header row among them names no column."""
    rows: list[list[Any]] = [["N° inventaire", "Titre"], ["A1", "Vase"]]
    data = write_xlsx(tmp_path / "t.xlsx", rows, styled_empty_rows=10).read_bytes()
    [item] = list(read_sheet(data, header_row=6))
    assert isinstance(item, Unreadable)
    assert item.reason == _past_end(2, 6)


def test_a_harvest_of_a_file_that_ends_above_header_row_withdraws_nothing(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """The partner's export had a title block (``header_row = 3``); the next one came
    without it, two rows long. Its records stay published (with gates that would let every
    record go), and the reason names the file, its rows and the setting."""
    folder = tmp_path / "feed"
    folder.mkdir()
    export = folder / "inventaire.csv"
    export.write_bytes(b"Inventaire 2026\n\nid,titre\nA-1,Bol\nA-2,Vase\nA-3,Plat\n")
    (tmp_path / "m.toml").write_text(
        '[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "titre"\n'
    )
    gates = "{ max_quarantined = 1.0, max_record_drop = 1.0 }"
    source = files_source("shop", folder, "m.toml", gates=gates, header_row="3")
    config = load_config(write_config(source))
    [first] = Pipeline(config).harvest()
    assert first.records_after == 3
    export.write_bytes(b"id,titre\nA-1,Bol\n")
    [summary] = Pipeline(config).harvest()
    assert (summary.deleted, summary.records_after) == (0, 3)
    [rejection] = summary.rejections
    assert rejection.line("shop") == f"shop: inventaire.csv: {_past_end(2, 3)}"
    assert any(w.startswith("nothing was withdrawn: inventaire.csv") for w in summary.warnings)
    store = Workspace(config.data_dir).open_published()
    try:
        query = (
            "SELECT ?t WHERE { ?o a <http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object> ;"
            " <http://www.w3.org/2000/01/rdf-schema#label> ?t }"
        )
        titles = store.query(query)
        assert isinstance(titles, QuerySolutions)
        assert sorted(str(s["t"].value) for s in titles) == ["Bol", "Plat", "Vase"]
    finally:
        store.close()
