"""Spreadsheet feeds end to end, as a small museum meets them: the bundled Carnegie Museum of
Art records turned into an Excel sheet (English headers) and a LibreOffice sheet (French
headers), a mapping drafted for each by ``museion mapping draft`` and used unedited, and the
template with its shipped mapping; ``museion check`` reports Object ID completeness."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from museion.drafting import draft_mapping
from museion.sheet_template import COLUMNS
from tests.conftest import DATA, ConfigWriter, files_source
from tests.helpers.cli import museion
from tests.helpers.samples import sample_feeds
from tests.helpers.sheets import write_ods, write_xlsx

CMOA = Path(__file__).parents[2] / "museion" / "examples" / "cmoa"

ENGLISH = (
    "Accession number",
    "Title",
    "Artist",
    "Date",
    "Earliest date",
    "Latest date",
    "Medium",
    "Height (in)",
    "Width (in)",
    "Department",
    "Credit line",
    "Date acquired",
    "Web page",
    "Image",
)
FRENCH = (
    "Numéro d'inventaire",
    "Titre",
    "Artiste",
    "Datation",
    "Début",
    "Fin",
    "Technique",
    "Hauteur (in)",
    "Largeur (in)",
    "Département",
    "Mention",
    "Date d'acquisition",
    "Lien",
    "Photographie",
)


def _day(text: str | None) -> Any:
    """A date as a registrar's sheet holds it: a date cell from 1900 on (Excel cannot hold
    earlier dates as dates), text before."""
    if not text:
        return None
    if text.startswith("-") or text[:4] < "1900":
        return text[:10] if not text.startswith("-") else text[:11]
    return dt.date.fromisoformat(text[:10])


def cmoa_rows() -> list[list[Any]]:
    rows = []
    for path in sorted(CMOA.glob("*.json")):
        r = json.loads(path.read_text(encoding="utf-8"))
        makers = [c["full_name"] for c in r.get("creator") or [] if c.get("full_name")]
        images = [i["image_url"] for i in r.get("images") or [] if i.get("image_url")]
        rows.append(
            [
                r["accession_number"],
                r.get("title"),
                "; ".join(makers) or None,
                r.get("creation_date"),
                _day(r.get("creation_date_earliest")),
                _day(r.get("creation_date_latest")),
                r.get("medium"),
                r.get("item_height") or None,
                r.get("item_width") or None,
                r.get("department"),
                r.get("credit_line"),
                _day(r.get("date_acquired")),
                r.get("web_url"),
                images[0] if images else None,
            ]
        )
    return rows


def _check(config: Path, source: str) -> dict[str, Any]:
    done = museion("--config", str(config), "check", source, "--json")
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["xlsx", "ods", "csv"])
def test_drafted_mapping_harvests_a_real_sample(
    tmp_path: Path, write_config: ConfigWriter, kind: str
) -> None:
    rows = cmoa_rows()
    assert len(rows) == 404
    feed = tmp_path / "feed"
    feed.mkdir()
    if kind == "xlsx":
        # A title block above the header, as many registrars' sheets have.
        sheet = [["Carnegie Museum of Art: inventory"], [], list(ENGLISH), *rows]
        path = write_xlsx(feed / "inventory.xlsx", sheet, merged=["A1:N1"], styled_empty_rows=30)
        header_row = 3
    elif kind == "csv":  # a title line above the header: header_row was for sheets only
        path = feed / "inventory.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([["Carnegie Museum of Art: inventory"], [], ENGLISH])
            csv.writer(handle).writerows(["" if v is None else v for v in r] for r in rows)
        header_row = 3
    else:
        path = write_ods(feed / "inventaire.ods", [list(FRENCH), *rows])
        header_row = 1
    drafted = draft_mapping(path, name="cmoa-sheet", header_row=header_row)
    assert drafted.unplaced == []
    assert {"accession_number", "title", "maker", "date", "date_begin", "date_end"} <= set(
        drafted.placed
    )
    mapping = tmp_path / "cmoa-sheet.toml"
    mapping.write_text(drafted.text, encoding="utf-8")
    options = {"header_row": str(header_row)}
    config = write_config(files_source("cmoa-sheet", feed, str(mapping), **options))
    report = _check(config, "cmoa-sheet")
    assert report["counts"]["read"] == 404
    assert report["counts"]["quarantined"] == 0
    shares = {f["field"]: f["share"] for f in report["coverage"]["fields"]}
    assert shares["title"] >= 0.95
    assert shares["date"] >= 0.95
    assert shares["creator"] >= 0.95
    assert shares["dimensions"] >= 0.9
    assert shares["image"] > 0.6


def test_template_maps_with_the_shipped_mapping(tmp_path: Path, write_config: ConfigWriter) -> None:
    out = tmp_path / "feed" / "template.xlsx"
    out.parent.mkdir()
    written = museion("mapping", "template", str(out))
    assert written.returncode == 0, written.stderr
    # An xlsx named .csv would be read as CSV by a files source.
    wrong = museion("mapping", "template", str(out.with_suffix(".csv")))
    assert wrong.returncode == 2
    assert "name it template.xlsx" in wrong.stderr
    assert not out.with_suffix(".csv").exists()
    book = load_workbook(out)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == [c[0] for c in COLUMNS]
    notes = [c.comment.text for c in sheet[1] if c.comment]
    assert len(notes) == len(COLUMNS)
    assert all("EN: " in n and "FR: " in n and "AR: " in n for n in notes)
    assert book.sheetnames == ["Objects", "Notes"]
    filled: dict[str, list[Any]] = {
        "Inventory number": ["MX-1", "MX-2", "MX-3"],
        "Object type": ["painting", "vase", None],
        "Title": ["View of Baku", "Lustre bowl", "Coin"],
        "Title (Arabic)": ["منظر باكو", "وعاء", None],
        "Maker": ["Rashid Aliyev", "unknown", None],
        "Date": ["c. 1930", "1200 AH", "18th century"],
        "Materials and techniques": ["oil on canvas", "glazed earthenware", None],
        "Measurements": ["65 x 81.5 cm", "H. 12 cm", None],
        "Inscriptions and markings": ["signed lower right", None, None],
        "Distinguishing features": ["tear repaired upper left", "chip on the rim", None],
        "Subject": ["landscape; city", None, None],
        "Acquisition date": [dt.date(1998, 4, 2), None, None],
        "Image URL": ["https://example.org/mx1.jpg", None, None],
    }
    for column, (header, *_) in enumerate(COLUMNS, start=1):
        for row, value in enumerate(filled.get(header, []), start=2):
            sheet.cell(row=row, column=column, value=value)
    book.save(out)
    config = write_config(files_source("small", out.parent, "template"))
    report = _check(config, "small")
    assert report["counts"]["read"] == 3
    assert report["counts"]["quarantined"] == 0
    oid = report["object_id"]
    elements = {e["element"]: e["records"] for e in oid["elements"]}
    assert elements == {
        "type of object": 2,
        "materials and techniques": 2,
        "measurements": 2,
        "inscriptions and markings": 1,
        "distinguishing features": 2,
        "title": 3,
        "subject": 1,
        "date or period": 3,
        "maker": 1,
        "photograph": 1,
    }
    assert oid["complete"] == 1
    assert [(r["record"], r["present"]) for r in oid["records"]] == [("MX-3", 2), ("MX-2", 6)]
    assert oid["records"][0]["missing"][:3] == [
        "type of object",
        "materials and techniques",
        "measurements",
    ]
    text = museion("--config", str(config), "check", "small")
    assert "Object ID: 60.0% of the elements given; 1 of 3 objects complete" in text.stdout
    assert "MX-3: 2/10, missing type of object" in text.stdout


def test_draft_command(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "جرد.xlsx",
        [
            ["رقم الجرد", "العنوان", "الفنان", "التاريخ", "المواد", "الأبعاد", "موقع التخزين"],
            ["A-1", "إناء", "مجهول", "القرن 18", "نحاس", "H. 12 cm", "x"],
            ["A-2", "صحن", "علي", "1200 AH", "خزف", "Ø 21,5 cm", None],
        ],
    )
    out = tmp_path / "m.toml"
    done = museion("mapping", "draft", str(path), "--name", "arabic", "-o", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert 'id = "رقم الجرد"' in text
    assert 'titles = "العنوان"' in text
    assert 'language = "ar"' in text
    assert 'date = { text = "التاريخ" }' in text
    assert 'statement = "الأبعاد"' in text
    assert '#   "موقع التخزين": 1/2 filled' in text
    assert "1 not placed" in done.stderr
    missing = museion("mapping", "draft", str(tmp_path / "none.xlsx"))
    assert missing.returncode == 2


def test_a_french_denomination_is_drafted_as_the_object_type(tmp_path: Path) -> None:
    """ "Dénomination" (what the object is: "peinture") was drafted as a second title with an
    empty language, so every object had "peinture" as a title and no type."""
    export = tmp_path / "inventaire.csv"
    rows = "".join(f"A{i},Vue {i},peinture\n" for i in range(6))
    export.write_text("Numéro d'inventaire,Titre,Dénomination\n" + rows, encoding="utf-8")
    done = museion("mapping", "draft", str(export))
    assert done.returncode == 0, done.stderr
    assert 'titles = "Titre"' in done.stdout
    assert 'classification = { path = "Dénomination", vocab = "object_type" }' in done.stdout


def test_a_drafted_technique_column_loses_no_value(
    tmp_path: Path, write_config: ConfigWriter
) -> None:
    """The drafted mapping scanned the "Technique" column for known terms and skipped the
    rest: "dinanderie" and "tissage" were in no graph, page or search, and the report said
    every term matched a vocabulary. Each value is now a term, known or local (and listed)."""
    feed = tmp_path / "feed"
    feed.mkdir()
    rows = "".join(
        f"MG-{i},Objet {i},{t}\n" for i, t in enumerate(["dinanderie", "tissage", "gravure"] * 4)
    )
    (feed / "inventaire.csv").write_text(
        "Numéro d'inventaire,Titre,Technique\n" + rows, encoding="utf-8"
    )
    drafted = draft_mapping(feed / "inventaire.csv", name="musee")
    assert "technique" in drafted.placed
    assert 'unmatched = "skip"' not in drafted.text
    mapping = tmp_path / "musee.toml"
    mapping.write_text(drafted.text, encoding="utf-8")
    config = write_config(files_source("musee", feed, str(mapping)))
    report = _check(config, "musee")
    unknown = {term["label"] for term in report["local_terms"]}
    assert {"dinanderie", "tissage"} <= unknown


def test_a_column_the_mapping_reads_that_no_record_fills_is_named(
    tmp_path: Path, write_config: ConfigWriter
) -> None:
    """The export's header said "Matériaus" (a typo), the mapping reads "Matériaux": every
    record's materials were empty, and the check said only that the mapping never reads
    "Matériaus". It now names the column the mapping reads that no record fills, and the
    column the records have instead; "Artiste", which no record fills either and nothing
    resembles, is not named (it may be empty in this file)."""
    feed = tmp_path / "feed"
    feed.mkdir()
    rows = "".join(f"MG-{i},Objet {i},laine,\n" for i in range(4))
    (feed / "inventaire.csv").write_text("id,Titre,Matériaus,Artiste\n" + rows, encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "Titre"\nmedium = "Matériaux"\n'
        '[object.production.creators]\nname = "Artiste"\n',
        encoding="utf-8",
    )
    config = write_config(files_source("musee", feed, str(mapping)))
    report = _check(config, "musee")
    assert report["missing_fields"] == [{"field": "Matériaux", "like": "Matériaus"}]
    done = museion("--config", str(config), "check", "musee")
    assert "no record fills 'Matériaux', which the mapping reads" in done.stdout
    assert "(the records have 'Matériaus': a typo?)" in done.stdout
    assert "'Artiste'" not in done.stdout


def test_a_column_the_file_has_but_leaves_empty_is_not_called_missing(
    tmp_path: Path, write_config: ConfigWriter
) -> None:
    """A partner uploads one row, its Artiste, Technique and Image cells empty: the check
    listed the three columns as read by the mapping and filled by no record, "renamed or
    mistyped?", though the file's header has them."""
    drafted = tmp_path / "inventaire.csv"
    drafted.write_text(
        "Numéro d'inventaire,Titre,Artiste,Technique,Image\n"
        "MG-1,Vase,Usta Mehdi,dinanderie,https://example.org/1.jpg\n"
        "MG-2,Bol,Mirzə Qədim,tissage,https://example.org/2.jpg\n",
        encoding="utf-8",
    )
    text = draft_mapping(drafted, name="musee").text
    for column in ("Artiste", "Technique", "Image"):
        assert f'"{column}"' in text
    mapping = tmp_path / "musee.toml"
    mapping.write_text(text, encoding="utf-8")
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "envoi.csv").write_text(
        "Numéro d'inventaire,Titre,Artiste,Technique,Image\nMG-3,Aiguière,,,\n",
        encoding="utf-8",
    )
    config = write_config(files_source("musee", feed, str(mapping)))
    report = _check(config, "musee")
    assert report["missing_fields"] == []
    done = museion("--config", str(config), "check", "musee")
    assert done.returncode == 0, done.stderr
    assert "no record fills" not in done.stdout


def test_draft_reads_another_encoding_and_says_what_it_could_not_read(tmp_path: Path) -> None:
    """A cp1252 export: under UTF-8 its rows with accents were left out of the profile without
    a word ("122 records profiled" of 130), and there was no way to name the encoding."""
    rows = "".join(f"A{i};{'Café' if i % 2 else 'Vase'} {i};Tasse {i}\r\n" for i in range(10))
    export = tmp_path / "export.csv"
    export.write_bytes(("Numero;Title;Titre original\r\n" + rows).encode("cp1252"))
    done = museion("mapping", "draft", str(export))
    assert done.returncode == 0, done.stderr
    assert "5 records could not be read" in done.stderr
    assert "--encoding cp1252" in done.stderr
    right = museion("mapping", "draft", str(export), "--encoding", "cp1252")
    assert right.returncode == 0, right.stderr
    assert "10 records profiled" in right.stderr
    assert "could not be read" not in right.stderr
    assert "its language, as a BCP 47 tag" in right.stdout  # the second title's language
    wrong = museion("mapping", "draft", str(export), "--encoding", "klingon")
    assert wrong.returncode == 2
    # Accents in the header too: nothing could be read, and the one line says what to do.
    export.write_bytes(("Numéro;Title\r\n" + rows).encode("cp1252"))
    header = museion("mapping", "draft", str(export))
    assert header.returncode == 2
    said = " ".join(header.stderr.split())
    assert "the header row has undecodable bytes (the source declares encoding utf-8)" in said
    assert "(another encoding? try --encoding cp1252)" in said


def test_draft_suggests_another_encoding_only_for_bytes_it_could_not_decode(
    tmp_path: Path,
) -> None:
    """Every unreadable record of a UTF-8 file was followed by "(another encoding? try
    --encoding cp1252)", a row with one cell too many as well."""
    rows = "".join(f"A{i},Vase {i},Tasse {i}\n" for i in range(10))
    export = tmp_path / "export.csv"
    export.write_text("Numero,Title,Titre original\n" + rows + "A10,Vase, bleu,Tasse\n")
    done = museion("mapping", "draft", str(export))
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stderr.split())
    assert "the row has 4 fields but the header has 3" in said
    assert "--encoding" not in said


def test_draft_reads_the_records_a_json_file_wraps(tmp_path: Path) -> None:
    """An API's answer saved as a file: the draft profiles the records in its list, not the
    wrapper (whose keys were the draft's columns), and says which ``items`` reads them."""
    records = [{"inv": f"A{n}", "titre": f"Vase {n}", "date": str(1850 + n)} for n in range(6)]
    export = tmp_path / "answer.json"
    export.write_text(json.dumps({"total": 6, "page": 1, "results": records}), encoding="utf-8")
    done = museion("mapping", "draft", str(export))
    assert done.returncode == 0, done.stderr
    assert "6 records profiled" in done.stderr
    said = " ".join(done.stderr.split())
    assert 'the list under `results`; give the source items = "results"' in said
    assert 'titles = "titre"' in done.stdout
    assert "total" not in done.stdout


def test_draft_reads_a_folder_and_points_lido_to_its_mapping(tmp_path: Path) -> None:
    folder = tmp_path / "cmoa"
    folder.mkdir()
    for path in sorted((sample_feeds() / "cmoa").glob("*.json"))[:12]:
        shutil.copy(path, folder / path.name)
    done = museion("mapping", "draft", str(folder), "--name", "ours")
    assert done.returncode == 0, done.stderr
    assert "12 records profiled" in done.stderr
    lido = next((DATA / "lido").glob("*.xml"))
    refused = museion("mapping", "draft", str(lido))
    assert refused.returncode == 2
    assert 'mapping = "lido"' in refused.stderr
