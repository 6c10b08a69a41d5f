"""The texts kept without values (a date "inconnue", a height "n/a") name the column they
came from, in the harvest's summary, the report's JSON and text, and its page: "date:
inconnue (in 2024.7)" left a partner with a Date, a Date d'acquisition and a Datation column
to search. Notes and runs an earlier Museion kept, which name no column, are still read."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from publish import HarvestSummary, RecordNotes, Run
from sparql import report_html
from tests.conftest import ConfigWriter, files_source
from tests.helpers.cli import museion


@pytest.fixture
def checked(
    tmp_path: Path, write_config: ConfigWriter
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "inventaire.csv").write_text(
        "N° inventaire;Titre;Date;Date d'acquisition;Hauteur (cm)\n"
        "2024.1;Paysage;vers 1890;1990;45\n"
        "2024.7;Bouquet;inconnue;1991;n/a\n"
        "2024.8;Le pont;1895;inconnue;25\n",
        encoding="utf-8",
    )
    (tmp_path / "m.toml").write_text(
        '[mapping]\nname = "m"\nlanguage = "fr"\n[object]\nid = "N° inventaire"\n'
        'titles = "Titre"\n[object.dimensions]\nheight = "Hauteur (cm)"\n'
        'unit = { value = "cm" }\n[object.production]\ndate = { text = "Date" }\n'
        '[object.acquisition]\ndate = "Date d\'acquisition"\n',
        encoding="utf-8",
    )
    config = write_config(files_source("musee", feed, "m.toml"))
    return config, museion("--config", str(config), "check", "musee")


def test_the_harvest_summary_names_the_column_of_each_text(
    checked: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, done = checked
    assert done.returncode == 0, done.stderr
    # one text in two columns: two entries, not "2 × date: inconnue"
    assert (
        "2 date texts kept without values: 'inconnue' in 'Date', 'inconnue' in "
        '"Date d\'acquisition"'
    ) in done.stderr
    assert "1 dimensions text kept without values: 'n/a' in 'Hauteur (cm)'" in done.stderr
    assert (
        "  3 texts kept without values:\n    1 × date (Date): inconnue (in 2024.7)\n"
        "    1 × date (Date d'acquisition): inconnue (in 2024.8)\n"
        "    1 × dimensions (Hauteur (cm)): n/a (in 2024.7)\n"
    ) in done.stdout


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_report_names_the_column_of_each_text(
    checked: tuple[Path, subprocess.CompletedProcess[str]], lang: str
) -> None:
    config, _ = checked
    done = museion("--config", str(config), "check", "musee", "--json")
    report: dict[str, Any] = json.loads(done.stdout)
    assert [(u["kind"], u["field"], u["text"]) for u in report["unparsed"]] == [
        ("date", "Date", "inconnue"),
        ("date", "Date d'acquisition", "inconnue"),
        ("dimensions", "Hauteur (cm)", "n/a"),
    ]
    page = html.fromstring(report_html(report, lang))
    header = {"en": "field", "fr": "champ", "ar": "الحقل"}[lang]
    [table] = [t for t in page.iter("table") if "n/a" in _text(t) and _texts(t)]
    assert [_text(th) for th in table.iter("th")][1] == header
    rows = [(_text(tr[1]), _text(tr[2])) for tr in table.iter("tr") if tr[0].tag == "td"]
    assert rows == [
        ("Date", "inconnue"),
        ("Date d'acquisition", "inconnue"),
        ("Hauteur (cm)", "n/a"),
    ]


def test_notes_and_runs_kept_before_the_column_was_named_are_read(tmp_path: Path) -> None:
    """A record's notes as an earlier Museion kept them ([kind, text]) and a run it staged
    (its table ``unparsed``, without the column) give texts with no column, not an error."""
    old = json.dumps([[], [["date", "inconnue"]], []])
    assert RecordNotes.of_text(old).unparsed == (("date", "inconnue", ""),)
    assert RecordNotes.of_text(RecordNotes(unparsed=(("date", "x", "Date"),)).text()).unparsed == (
        ("date", "x", "Date"),
    )
    run = Run.create(tmp_path / "run", source="musee")
    run.count_terms({}, {}, {("date", "1890?", "Date"): 2})
    with sqlite3.connect(tmp_path / "run" / "run.sqlite") as db:  # as the earlier one wrote it
        db.execute("INSERT INTO unparsed VALUES ('date', 'inconnue', 3)")
    again = Run.open(tmp_path / "run")
    assert again.unparsed() == [("date", "inconnue", "", 3), ("date", "1890?", "Date", 2)]
    summary = HarvestSummary.of_run("musee", again)
    assert summary.unparsed == {("date", "inconnue", ""): 3, ("date", "1890?", "Date"): 2}


def test_a_report_kept_before_the_column_was_named_is_rendered(
    checked: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    config, _ = checked
    done = museion("--config", str(config), "check", "musee", "--json")
    report: dict[str, Any] = json.loads(done.stdout)
    for entry in report["unparsed"]:
        del entry["field"]  # as an earlier Museion wrote it
    page = html.fromstring(report_html(report, "fr"))
    [table] = [t for t in page.iter("table") if "n/a" in _text(t) and _texts(t)]
    cells = [[_text(td) for td in tr][:3] for tr in table.iter("tr") if tr[0].tag == "td"]
    assert cells[0] == ["date", "", "inconnue"]


def _texts(table: Any) -> bool:
    """Whether ``table`` is the texts kept without values (its five columns)."""
    return len(list(table.iter("th"))) == 5


def _text(element: Any) -> str:
    return "".join(element.itertext())
