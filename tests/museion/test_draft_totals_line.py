"""``museion mapping draft`` and a sheet's totals line.

A registrar's sheet ends with the line that counts its objects: "Total;3 objets", "Totaux",
"المجموع", or a row of only numbers under the count's column. The harvest quarantines such a
line (its mapping's ``identify``: a totals word for an identifier, or no identifier at all);
the draft counted it, and profiled it, as one more record: "5 records profiled" of a sheet of
three objects. It now reads the sample with the drafted mapping as the harvest would, and says
which rows are no records.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from museion_core import messages
from tests.helpers.cli import museion
from tests.helpers.sheets import write_xlsx

HEADER = ["Inventory number", "Title", "Date", "Count"]
OBJECTS = [
    ["2024.1", "Vase", "1890", "1"],
    ["2024.2", "Bowl", "1901", "1"],
    ["2024.3", "Jug", "1925", "2"],
]


@pytest.mark.parametrize("total", ["Total", "Totaux :", "المجموع"])
def test_a_totals_line_is_not_counted_as_a_record(tmp_path: Path, total: str) -> None:
    sheet = write_xlsx(
        tmp_path / "inventaire.xlsx",
        [HEADER, *OBJECTS, [None, None, None, 4], [total, "3 objets", None, 4]],
    )
    done = museion("mapping", "draft", str(sheet), "--output", str(tmp_path / "p.toml"))
    assert done.returncode == 0, done.stderr
    assert "3 records profiled" in done.stderr, done.stderr
    assert "2 rows under the records are not records" in done.stderr
    said = messages.NO_IDENTIFIER(where="'Inventory number'")
    assert said in done.stderr or "it has no field 'Inventory number'" in done.stderr
    mapping = (tmp_path / "p.toml").read_text(encoding="utf-8")
    assert 'id = "Inventory number"' in mapping


def test_a_csv_totals_line_is_named_with_the_harvest_s_reason(tmp_path: Path) -> None:
    export = tmp_path / "inventaire.csv"
    rows = [",".join(row) for row in (HEADER, *OBJECTS)]
    export.write_text("\n".join([*rows, "Total,3 objets,,4", ""]), encoding="utf-8")
    done = museion("mapping", "draft", str(export), "--output", str(tmp_path / "p.toml"))
    assert done.returncode == 0, done.stderr
    assert "3 records profiled" in done.stderr, done.stderr
    assert "1 row under the records is not a record" in done.stderr
    assert messages.TOTALS_LINE(id="Total") in " ".join(done.stderr.split())


def test_a_sheet_whose_rows_all_lack_an_id_keeps_them_all(tmp_path: Path) -> None:
    """No row identified (the id column guessed wrong): the draft is not left with none."""
    export = tmp_path / "inventaire.csv"
    export.write_text("Title,Count\nVase,1\nBowl,2\n", encoding="utf-8")
    done = museion("mapping", "draft", str(export), "--output", str(tmp_path / "p.toml"))
    assert done.returncode == 0, done.stderr
    assert "2 records profiled" in done.stderr, done.stderr
