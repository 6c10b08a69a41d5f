"""Excel's "Unicode Text" (``.txt``: UTF-16, tab-separated) was read from a source's location
but refused by uploads (415, "rename it .tsv"). A source whose mapping reads columns takes it
as an upload too, by curl, by the form and by ``museion upload``, checked as every upload is;
a source whose mapping reads JSON's lists (Tate's) still refuses it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path, PurePath

import pytest
import requests

from harvesters import location_folder
from museion import load_config
from museion.uploads import upload_suffixes
from tests.helpers.endpoint import live_endpoint
from tests.helpers.uploads import run_ended

TOKEN = "petit-upload-token-0123456789"
HEADER = ["N° inventaire", "Titre", "Date", "Hauteur (cm)"]
ROWS = [
    ["2024.1", "Paysage d'hiver", "vers 1890", "45,5"],
    ["2024.2", "Marsel limanının görünüşü", "12/03/1890", "30"],
    ["2024.3", "دلّة قهوة", "XIXe siècle", "22"],
]


def unicode_text(rows: list[list[str]]) -> bytes:
    """A sheet as Excel's "Unicode Text" writes it: UTF-16 with its mark, tabs, CRLF."""
    return "".join("\t".join(row) + "\r\n" for row in rows).encode("utf-16")


def _config(folder: Path) -> Path:
    feed = folder / "feed"
    feed.mkdir()
    (folder / "petit.toml").write_text(
        '[mapping]\nname = "petit"\nlanguage = "fr"\n[object]\nid = "N° inventaire"\n'
        'titles = "Titre"\n[object.production]\ndate = { text = "Date" }\n'
        '[object.dimensions]\nheight = "Hauteur (cm)"\nunit = { value = "cm" }\n',
        encoding="utf-8",
    )
    text = f"""
[store]
path = "store"
[publish]
base_iri = "https://data.example.org/"

[[sources]]
name = "petit"
kind = "files"
location = "{feed.as_posix()}"
mapping = "petit.toml"
[sources.partner]
label = "Petit Musée"
token = "{TOKEN}"
[sources.gates]
max_quarantined = 0.5

[[sources]]
name = "tate"
kind = "files"
location = "{feed.as_posix()}"
mapping = "tate"
[sources.partner]
label = "Tate"
token = "tate-upload-token-0123456789"

[[sources]]
name = "petit-xlsx"
kind = "files"
location = "{feed.as_posix()}"
mapping = "petit.toml"
format = "xlsx"
[sources.partner]
label = "Petit Musée (classeur)"
token = "petit-xlsx-token-0123456789"
"""
    path = folder / "museion.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_source_whose_mapping_reads_columns_takes_unicode_text(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path))
    assert ".txt" in upload_suffixes(config.source("petit"))
    assert ".txt" not in upload_suffixes(config.source("tate"))  # images[].url: JSON's lists
    assert ".txt" not in upload_suffixes(config.source("petit-xlsx"))  # reads workbooks only
    assert ".tsv" in upload_suffixes(config.source("tate"))  # the rest as before


def test_unicode_text_is_uploaded_by_curl_and_by_the_form(tmp_path: Path) -> None:
    sent = unicode_text([HEADER, *ROWS, ["2024.4", "Bol", "1901", "12", "stray"]])
    files = {"files": ("inventaire.txt", sent, "text/plain")}
    with live_endpoint(_config(tmp_path)) as live:
        upload = f"{live.url}/sources/petit/upload"
        # the same checks as any upload, before anything is kept
        assert requests.post(upload, files=files, timeout=30).status_code == 401
        wrong = {"Authorization": "Bearer not-the-token-0123456"}
        assert requests.post(upload, files=files, headers=wrong, timeout=30).status_code == 403
        tate = {"Authorization": "Bearer tate-upload-token-0123456789"}
        refused = requests.post(
            f"{live.url}/sources/tate/upload", files=files, headers=tate, timeout=30
        )
        assert refused.status_code == 415
        assert not list((live.config.data_dir / "uploads").glob("*/*/manifest.json"))
        form = requests.get(f"{live.url}/sources/petit", headers={"Accept": "text/html"})
        assert ".txt" in form.text  # the form names it and its chooser accepts it

        right = {"Authorization": f"Bearer {TOKEN}"}
        r = requests.post(upload, files=files, headers=right, timeout=30)
        assert r.status_code == 202, r.text
        status = run_ended(live.url + r.json()["url"])
        assert status["status"] == "published", status
        report = status["report"]
        assert report["counts"]["new"] == 3
        [stray] = report["quarantined"]  # checked as a CSV is: the row too wide, its place
        assert stray["origin"] == "001-inventaire.txt, line 5"
        assert stray["reason"] == "the row has 5 fields but the header has 4"
        query = (
            "ASK { ?o crm:P1_is_identified_by/crm:P190_has_symbolic_content ?t "
            'FILTER(STR(?t) = "دلّة قهوة") }'
        )
        answer = requests.get(live.sparql, params={"query": query}, timeout=30).json()
        assert answer["boolean"] is True  # UTF-16 read as UTF-16: no letter lost

        again = requests.post(  # the form, as a browser sends it
            upload,
            files={"files": ("inventaire.txt", unicode_text([HEADER, *ROWS]), "text/plain")},
            data={"token": TOKEN},
            headers={"Accept": "text/html"},
            allow_redirects=False,
            timeout=30,
        )
        assert again.status_code == 303, again.text
        status = run_ended(live.url + again.headers["Location"])
        assert status["status"] == "published", status
        assert status["report"]["counts"]["unchanged"] == 3


def test_unicode_text_is_uploaded_from_the_command_line(tmp_path: Path) -> None:
    config = _config(tmp_path)
    sent = tmp_path / "inventaire.txt"
    sent.write_bytes(unicode_text([HEADER, *ROWS]))
    done = subprocess.run(
        [sys.executable, "-m", "museion", "--config", str(config), "upload", "petit", str(sent)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "petit: 3 records read: 3 new" in done.stderr
    refused = subprocess.run(
        [sys.executable, "-m", "museion", "--config", str(config), "upload", "tate", str(sent)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        timeout=600,
        check=False,
    )
    assert refused.returncode == 2
    assert "source 'tate' reads .csv" in refused.stderr


@pytest.mark.parametrize(
    ("location", "folder"),
    [
        ("exports/inv*.csv", "exports"),
        ("*.csv", "."),
        ("/srv/a[[]1]/feed/*", "/srv/a[1]/feed"),  # glob.escape'd: the folder "a[1]"
        ("/srv/a[0-9]/feed/*", "/srv"),
    ],
)
def test_the_folder_of_a_glob_is_its_fixed_part_escapes_read(location: str, folder: str) -> None:
    """An upload's files are read through a glob of its folder (every file sent, ``.txt``
    too); a data directory whose path holds a "[" is escaped in it, and still named."""
    assert location_folder(location) == PurePath(folder)
