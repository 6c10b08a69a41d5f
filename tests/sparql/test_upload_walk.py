"""A small museum sends its inventory through the upload form, as its collection system and
Excel export it, and reads what became of it on the upload's page in French and Arabic.

Each test is a fault met on that walk: the real endpoint, the form as a browser sends it
(multipart, its token first), the files as Excel writes them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.helpers.endpoint import Live, live_endpoint
from tests.helpers.uploads import run_ended

SOURCES = ("petit-cp", "petit-cellules", "petit-titre", "petit-total", "petit-vide", "petit-photo")
MAPPINGS = ("petit.toml", "numero.toml", *["petit.toml"] * 4)

MAPPING = """[mapping]
name = "petit"
language = "fr"
[object]
id = "{id}"
titles = "Titre"
[object.production]
date = {{ text = "Date" }}
"""


def _token(source: str) -> str:
    return f"{source}-upload-token-0123456789"


def _config(folder: Path) -> Path:
    (folder / "petit.toml").write_text(MAPPING.format(id="N° inventaire"), encoding="utf-8")
    (folder / "numero.toml").write_text(MAPPING.format(id="Numero"), encoding="utf-8")
    text = '[store]\npath = "store"\n[publish]\nbase_iri = "https://data.example.org/"\n'
    for source, mapping in zip(SOURCES, MAPPINGS, strict=True):
        feed = folder / source
        feed.mkdir()
        text += f"""
[[sources]]
name = "{source}"
kind = "files"
location = "{feed.as_posix()}"
mapping = "{mapping}"
[sources.partner]
label = "Petit Musée"
token = "{_token(source)}"
"""
    path = folder / "museion.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_endpoint(_config(tmp_path_factory.mktemp("walk"))) as served:
        yield served


def _send(live: Live, source: str, name: str, data: bytes, lang: str = "fr") -> dict[str, Any]:
    """``data`` sent as the page's form sends it; the upload's status once its run ended."""
    sent = requests.post(
        f"{live.url}/sources/{source}/upload",
        data={"token": _token(source)},
        files={"files": (name, data, "text/csv")},
        headers={"Accept": "text/html", "Accept-Language": lang},
        allow_redirects=False,
        timeout=30,
    )
    assert sent.status_code == 303, sent.text
    url = live.url + sent.headers["Location"]
    return run_ended(url) | {"page": url}


def _page(url: str, lang: str) -> str:
    return requests.get(url, params={"lang": lang}, timeout=30).text


def _csv(rows: list[list[str]], encoding: str) -> bytes:
    """Rows as French Excel's plain "CSV" writes them: semicolons, CRLF, the computer's own
    encoding (a letter it cannot hold becomes "?")."""
    return "".join(";".join(row) + "\r\n" for row in rows).encode(encoding, "replace")


def test_a_windows_1252_export_is_told_to_be_saved_again_as_utf8(live: Live) -> None:
    """Excel's plain "CSV" on a French Windows writes Windows-1252: "N° inventaire" is not
    UTF-8. The whole file was unread, and the partner was told to "set `encoding` for this
    source", a setting only the coordinator can reach; it is told to save the file as
    "CSV UTF-8" and send it again, in its own language."""
    rows = [["N° inventaire", "Titre", "Date"], ["2024.1", "Paysage d'hiver", "vers 1890"]]
    status = _send(live, "petit-cp", "inventaire.csv", _csv(rows, "cp1252"))
    [fault] = status["report"]["quarantined"]
    assert "CSV UTF-8" in fault["reason"], fault
    assert "`encoding`" not in fault["reason"]
    french = _page(status["page"], "fr")
    assert "Enregistrez-le de nouveau en « CSV UTF-8 »" in french
    assert "`encoding`" not in french
    arabic = _page(status["page"], "ar")
    assert "احفظه من جديد بصيغة «CSV UTF-8»" in arabic
    assert "`encoding`" not in arabic


def test_a_windows_1256_cell_is_told_to_be_saved_again_as_utf8(live: Live) -> None:
    """A header in plain ASCII and Arabic titles in Windows-1256 (Excel's "CSV" on an Arabic
    Windows): every row was quarantined with the coordinator's advice."""
    rows = [["Numero", "Titre", "Date"], ["2024.1", "دلّة قهوة", "1890"]]
    rows.append(["2024.2", "سجادة", "1890"])
    status = _send(live, "petit-cellules", "inventaire.csv", _csv(rows, "cp1256"), "ar")
    faults = status["report"]["quarantined"]
    assert [fault["record"] for fault in faults] == ["2024.1", "2024.2"]
    assert all("CSV UTF-8" in f["reason"] and "`encoding`" not in f["reason"] for f in faults)
    arabic = _page(status["page"], "ar")
    assert "احفظه من جديد بصيغة «CSV UTF-8»" in arabic
    assert "`encoding`" not in arabic


def test_a_column_renamed_with_words_added_is_named_for_the_one_the_mapping_reads(
    live: Live,
) -> None:
    """The collection system's next export calls "Titre" "Titre de l'oeuvre": every title
    was emptied, the run published, and the report's "was a column renamed?" did not name it,
    its spelling under half like the old one's. A small museum's seven records are too few for
    the field-loss gate; the report names the column the mapping reads and the one sent."""
    rows = [
        ["N° inventaire", "Titre", "Date"],
        *[[f"2024.{n}", f"Objet {n}", "1890"] for n in "1234567"],
    ]
    first = _send(live, "petit-titre", "inventaire.csv", _csv(rows, "utf-8-sig"))
    assert first["report"]["missing_fields"] == []
    rows[0][1] = "Titre de l'oeuvre"
    status = _send(live, "petit-titre", "inventaire.csv", _csv(rows, "utf-8-sig"))
    assert status["report"]["counts"]["changed"] == 7
    assert status["report"]["missing_fields"] == [{"field": "Titre", "like": "Titre de l'oeuvre"}]
    french = _page(status["page"], "fr")
    assert "Champs que la correspondance lit" in french, french
    assert "<code>Titre de l&#39;oeuvre</code>" in french


def test_a_totals_line_under_the_records_is_not_published_as_an_object(live: Live) -> None:
    """The registrar's sheet ends with blank lines and "Total;6 objets": the line was
    published as an object "Total" titled "6 objets". It is quarantined, and says why in
    the partner's language."""
    rows = [
        ["N° inventaire", "Titre", "Date"],
        *[[f"2024.{n}", f"Objet {n}", "1890"] for n in "123456"],
    ]
    rows += [["", "", ""], ["", "", ""], ["Total", "6 objets", ""]]
    status = _send(live, "petit-total", "inventaire.csv", _csv(rows, "utf-8-sig"))
    assert status["status"] == "published", status
    assert status["report"]["counts"]["new"] == 6
    [total] = status["report"]["quarantined"]
    assert total["origin"] == "001-inventaire.csv, line 10", total
    assert total["reason"].startswith("the row is a totals line, not an object"), total
    query = 'ASK { ?o crm:P1_is_identified_by/crm:P190_has_symbolic_content "6 objets" }'
    answer = requests.get(live.sparql, params={"query": query}, timeout=30).json()
    assert answer["boolean"] is False
    french = _page(status["page"], "fr")
    assert "la ligne est une ligne de totaux, pas un objet" in french
    arabic = _page(status["page"], "ar")
    assert "هذا السطر سطر مجاميع لا قطعة" in arabic


def test_a_file_an_earlier_upload_sent_is_not_still_in_quarantine(live: Live) -> None:
    """The partner sends an empty file by mistake, then a PDF saved as ".xlsx": the second
    upload's report still listed "the file is empty" as a record quarantined by an earlier run
    "and still there", though each upload replaces every file the one before sent. An entry
    no record names, of an earlier upload's file, leaves with the next upload; the records'
    own entries stand while their file is unread."""
    rows = [["N° inventaire", "Titre", "Date"], ["2024.1", "Bol", "1890"]]
    rows += [["2024.1", "Bol (doublon)", "1891"], ["2024.2", "Plat", "1890"]]
    first = _send(live, "petit-vide", "inventaire.csv", _csv(rows, "utf-8-sig"))
    assert [q["record"] for q in first["report"]["quarantined"]] == ["2024.1"]
    empty = _send(live, "petit-vide", "inventaire.csv", b"")
    assert [q["origin"] for q in empty["report"]["quarantined"] if not q["earlier"]] == [
        "001-inventaire.csv"
    ]
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    status = _send(live, "petit-vide", "inventaire.xlsx", pdf)
    quarantined = status["report"]["quarantined"]
    assert [(q["origin"], q["earlier"]) for q in quarantined] == [
        ("001-inventaire.xlsx, workbook", False),
        ("001-inventaire.csv, line 3", True),  # 2024.1's second record: its file not read
    ], quarantined
    french = _page(status["page"], "fr")
    assert "le fichier est vide" not in french


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
    "53de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082"
)


def test_a_photo_or_a_pdf_sent_as_the_inventory_is_named_as_such(live: Live) -> None:
    """A photo saved as "inventaire.csv" was told "the header row has undecodable bytes"
    (after the first fix: "save it again as CSV UTF-8"), a PDF saved as "inventaire.xlsx"
    calamine's English "Cannot detect file format" on the French page. Each is named for
    what it is, with what to send instead, in the partner's language."""
    photo = _send(live, "petit-photo", "inventaire.csv", PNG)
    [fault] = photo["report"]["quarantined"]
    assert fault["reason"].startswith("the file is a PNG file, not a table of records"), fault
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    status = _send(live, "petit-photo", "inventaire.xlsx", pdf)
    [fault] = status["report"]["quarantined"]
    assert fault["reason"].startswith("the file is a PDF file, not a table of records"), fault
    french = _page(status["page"], "fr")
    assert "le fichier est un fichier <bdi>PDF</bdi>, pas un tableau de notices" in french
    assert "Cannot detect" not in french
    # where it was: the file as it was sent, and "workbook" in French too
    assert '<bdi dir="ltr">inventaire.xlsx</bdi>, classeur' in french
    assert "workbook" not in french
    arabic = _page(status["page"], "ar")
    assert "الملف ملف <bdi>PDF</bdi> لا جدول سجلات" in arabic
