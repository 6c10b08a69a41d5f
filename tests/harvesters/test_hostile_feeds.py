"""Hostile JSON and CSV in a files feed: each bad record is quarantined with its reason, the rest
of its file is read, and memory stays bounded.

The harvest runs as a real ``museion`` process under an address-space cap, so a regression
(ijson's path strings grew to 24 GB on a 200 KB file) fails here instead of eating the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import harvesters
from harvesters.files import FilesOptions
from tests.conftest import ConfigWriter, files_source

CAP_MB = 3072
"""The harvest process may not map more than this; the whole harvest needs a fraction of it."""
PEAK_RSS_MB = 1024
"""Generous: a harvest of these files peaks near 150 MB; the unbounded readers needed GBs."""
DEEP = 100_000

GOOD = b'{"id": "before", "title": "Before"}'
AFTER = b'{"id": "after", "title": "After"}'

ATTACKS: dict[str, tuple[bytes, str]] = {
    # file name: (contents, what its quarantined record's reason says)
    "deep-array.json": (
        b"[" + GOOD + b"," + b'{"x":' * DEEP + b"1" + b"}" * DEEP + b"," + AFTER + b"]",
        "nests more than max_depth (128)",
    ),
    "deep-2000.json": (
        b"[" + GOOD + b"," + b"[" * 2000 + b"]" * 2000 + b"," + AFTER + b"]",
        "nests more than max_depth (128)",
    ),
    "deep-object.json": (
        b'{"id": "deep-object", "x": ' + b"[" * DEEP + b"]" * DEEP + b"}",
        "nests more than max_depth (128)",
    ),
    "deep-lines.jsonl": (
        GOOD + b"\n" + b'{"x":' * DEEP + b"1" + b"}" * DEEP + b"\n" + AFTER + b"\n",
        "nests more than max_depth (128)",
    ),
    "big-item.json": (
        b"[" + GOOD + b',{"id": "big", "title": "' + b"x" * 1_200_000 + b'"},' + AFTER + b"]",
        "more than max_record_bytes (1000000)",
    ),
    "big-line.jsonl": (
        GOOD + b'\n{"id": "big", "title": "' + b"x" * 1_200_000 + b'"}\n' + AFTER + b"\n",
        "more than max_record_bytes (1000000)",
    ),
    # an identifier is in every IRI of its record: 2,000,000 characters took 2.8 GB
    "long-id.json": (
        b"[" + GOOD + b',{"id": "' + b"x" * 900_000 + b'", "title": "Long"},' + AFTER + b"]",
        "the record's identifier is 900000 characters long, more than the 1000",
    ),
    "big-cell.csv": (
        b"id,title\nbefore,Before\nbig," + b"x" * 140 * 1024 + b"\nafter,After\n",
        "a cell is longer than 131072 characters",
    ),
}

NUMBERS: dict[str, bytes] = {
    # Read, not quarantined: a number of any size is kept exactly.
    "huge-int.json": b'[{"id": "huge-int", "n": ' + b"7" * 5000 + b"}," + AFTER + b"]",
    "int-20.json": b'[{"id": "int-20", "n": 12345678901234567890},' + AFTER + b"]",
    "huge-int-object.json": b'{"id": "huge-int-object", "n": -' + b"7" * 5000 + b"}",
}


def harvest_args(config: Path) -> list[str]:
    return ["--config", str(config), "harvest"]


CSV = ("--format", "csv")


def harvest_capped(config: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """``museion --config CONFIG harvest`` under the cap; its result and peak RSS in MB."""
    rss = tmp_path / "peak-rss"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.helpers.capped",
            str(CAP_MB),
            str(rss),
            *harvest_args(config),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "400", "NO_COLOR": "1"},
        cwd=Path(__file__).parents[2],
        timeout=600,
        check=False,
    )
    peak = int(rss.read_text()) // 1024 if rss.exists() else -1
    return done, peak


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(
        '[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "title"\naccession_number = "n"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_a_hostile_record_is_quarantined_and_the_rest_is_read(
    name: str, write_config: ConfigWriter, tmp_path: Path, mapping: Path
) -> None:
    feed = tmp_path / "feed"
    feed.mkdir()
    contents, reason = ATTACKS[name]
    (feed / name).write_bytes(contents)
    source = files_source(
        "hostile",
        feed,
        str(mapping),
        gates="{ max_quarantined = 1.0 }",
        max_record_bytes="1000000",
    )
    done, peak = harvest_capped(write_config(source), tmp_path)
    assert "Traceback" not in done.stderr
    assert done.returncode == 3, done.stderr
    rejected = [line for line in done.stderr.splitlines() if line.startswith("  rejected ")]
    assert len(rejected) == 1, done.stderr
    assert reason in rejected[0]
    mapped = 0 if name == "deep-object.json" else 2
    assert f" read: {mapped} new" in done.stderr, done.stderr
    assert 0 < peak < PEAK_RSS_MB


@pytest.mark.slow
def test_numbers_of_any_size_are_kept(
    write_config: ConfigWriter, tmp_path: Path, mapping: Path
) -> None:
    feed = tmp_path / "feed"
    feed.mkdir()
    for name, contents in NUMBERS.items():
        (feed / name).write_bytes(contents)
    config = write_config(files_source("numbers", feed, str(mapping)))
    done, _ = harvest_capped(config, tmp_path)
    assert done.returncode == 0, done.stderr
    sparql = (
        "SELECT ?n WHERE { ?o crm:P1_is_identified_by ?i . "
        "?i crm:P190_has_symbolic_content ?n FILTER(STRLEN(?n) > 19) }"
    )
    query = subprocess.run(
        [sys.executable, "-m", "museion", "--config", str(config), "query", sparql, *CSV],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    found = set(query.stdout.split())
    assert {"12345678901234567890", "7" * 5000, "-" + "7" * 5000} <= found, query.stderr


@pytest.mark.parametrize("glob", ["", "*.csv", "x-*.csv"])
def test_a_link_out_of_the_feed_folder_is_not_read(
    write_config: ConfigWriter, tmp_path: Path, mapping: Path, glob: str
) -> None:
    """A partner who drops files into the feed folder (rsync, SFTP, a tar) linked
    /etc/passwd in; its rows were quarantined, and their payloads public over SPARQL."""
    secret = tmp_path / "secret.csv"
    secret.write_text("id,title\nroot,SECRET-LINE\n", encoding="utf-8")
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "x-good.csv").write_text("id,title\na,Vase\nb,Bowl\n", encoding="utf-8")
    (feed / "x-passwd.csv").symlink_to(secret)
    (feed / "inside.csv").symlink_to(feed / "x-good.csv")  # a link within the folder is read
    location = f"{feed}/{glob}" if glob else feed  # "x-*.csv": the folder is feed, not "feed/x-"
    source = files_source("linked", location, str(mapping), gates="{ max_quarantined = 1.0 }")
    done = subprocess.run(
        [sys.executable, "-m", "museion", *harvest_args(write_config(source))],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "400", "NO_COLOR": "1"},
        timeout=300,
        check=False,
    )
    assert "SECRET-LINE" not in done.stdout + done.stderr
    assert "link to a file outside the source's folder" in done.stderr, done.stderr
    assert "records read: 2 new" in done.stderr, done.stderr  # x-good; x-inside repeats it


def _named_by_id(feed: Path) -> list[harvesters.HarvestItem]:
    """What the files harvester reads from ``feed``, each record named by its "id"."""
    spec = harvesters.SourceSpec(
        name="dup",
        location=str(feed),
        options=FilesOptions(),
        identify=lambda record: str(record["id"]),
    )
    return list(harvesters.create_harvester("files", spec))


def test_a_key_twice_with_different_values_costs_its_record_not_silently_a_value(
    tmp_path: Path,
) -> None:
    """``json.loads`` keeps the last of two values of one key without a word: a record
    ``{"title": "Real", "title": "Injected"}`` was published as "Injected". Such a record is
    refused with the reason, named by its id (a published version of it is kept, not
    withdrawn); the same value twice is harmless and read."""
    feed = tmp_path / "feed.json"
    feed.write_bytes(
        b'[{"id": "1", "title": "Real", "title": "Injected"},'
        b' {"id": "2", "title": "Same", "title": "Same"}]'
    )
    refused, read = _named_by_id(feed)
    assert isinstance(refused, harvesters.RejectedRecord)
    assert "the key 'title' occurs more than once in one object" in refused.reason
    assert refused.local_id == "1"
    assert isinstance(read, harvesters.SourceRecord)
    assert read.local_id == "2"


def test_a_key_twice_before_broken_json_stays_the_reason_and_is_no_crash(tmp_path: Path) -> None:
    """A key given twice in an inner object, and after it text that is not JSON: the repeated
    key is met first and stays the reason; the record, not read to its end, is not named. (The
    refusal used to parse the record a second time to name it, and that parse raised the
    syntax error out of the harvest.) A number for an id names its record as it would read."""
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(
        b'{"id": "1", "maker": {"name": "A", "name": "B"}, "title": }\n'
        b'{"id": 2, "title": "Real", "title": "Injected"}\n'
        b'{"id": "3"}\n'
    )
    broken, numbered, read = _named_by_id(feed)
    assert isinstance(broken, harvesters.RejectedRecord)
    assert "the key 'name' occurs more than once in one object" in broken.reason
    assert broken.local_id is None
    assert isinstance(numbered, harvesters.RejectedRecord)
    assert "the key 'title' occurs more than once in one object" in numbered.reason
    assert numbered.local_id == "2"
    assert isinstance(read, harvesters.SourceRecord)
    assert read.local_id == "3"
