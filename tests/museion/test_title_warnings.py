"""Titles whose letters Excel replaced by "?" ("Marsel liman?n?n", Azerbaijani saved as
Windows-1252): each record's warning quoted its title, so the report listed one long line per
record, 200 lines for one fault of the export. The warning names the column instead, and is
counted, with its first records, as every other warning is."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from lxml import html

from museion_core import messages
from sparql import i18n, report_html
from tests.conftest import ConfigWriter, files_source
from tests.helpers.cli import museion as run_museion


def museion(*args: str) -> subprocess.CompletedProcess[str]:
    return run_museion(*args, columns=300)


TITLES = ["Marsel liman?n?n g?r?n???", "Q?? m?nz?r?si", "G?l?n qad?n", "Da?l?q k?nd"]
SAID = messages.TITLE_LETTERS_REPLACED_IN(field="Titre")


def test_titles_with_lost_letters_are_one_warning_counted_with_its_records(
    tmp_path: Path, write_config: ConfigWriter
) -> None:
    feed = tmp_path / "feed"
    feed.mkdir()
    rows = "".join(f"A-{n};{title}\r\n" for n, title in enumerate([*TITLES, "Vue du port"], 1))
    (feed / "azeri.csv").write_bytes(f"N° inventaire;Titre\r\n{rows}".encode("cp1252"))
    (tmp_path / "m.toml").write_text(
        '[mapping]\nname = "m"\nlanguage = "az"\n[object]\nid = "N° inventaire"\n'
        'titles = "Titre"\n',
        encoding="utf-8",
    )
    config = write_config(files_source("gandja", feed, "m.toml", encoding='"cp1252"'))
    done = museion("--config", str(config), "check", "gandja", "--json")
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    [warning] = report["warnings"]
    assert warning == {"text": SAID, "count": 4, "examples": ["A-1", "A-2", "A-3", "A-4"]}
    said = museion("--config", str(config), "check", "gandja")
    assert f"    4 × {SAID} (in A-1, A-2, A-3, A-4)\n" in said.stdout
    assert "Marsel" not in said.stdout
    assert f"  4 warnings, most common:\n    4 × {SAID}\n" in said.stderr
    page = html.fromstring(report_html(report, "fr"))
    rows_said = [tr for tr in page.iter("tr") if "point d’interrogation" in _text(tr)]
    assert len(rows_said) == 1  # one row, in French, the column isolated
    row = _text(rows_said[0])
    assert "un titre de «\u00a0Titre\u00a0» a un point d’interrogation" in row


def test_a_report_with_a_warning_per_title_is_still_read() -> None:
    """A report kept before (a warning quoting each title) is still recognised and translated."""
    old = messages.TITLE_LETTERS_REPLACED(text=TITLES[0])
    assert old == (
        "title 'Marsel liman?n?n g?r?n???' has a question mark inside a word: the program that "
        "saved the file wrote it for letters its encoding cannot hold; save the file as UTF-8 "
        "and send it again"
    )
    found = messages.recognise(old)
    assert found is not None
    assert found[0] is messages.TITLE_LETTERS_REPLACED
    with i18n.using("fr"):
        shown = str(i18n.message_html(old))
    assert shown.startswith("le titre «\u00a0<bdi>Marsel liman?n?n g?r?n???</bdi>\u00a0» a un")


def _text(element: Any) -> str:
    return "".join(element.itertext())
