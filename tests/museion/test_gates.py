"""The quarantine gate: a share of the source's records, not of what one harvest read; and the
share gates of a tiny source: one row is not a broken export."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from museion import load_config
from museion.config import SourceConfig
from museion.gates import gate
from publish import HarvestSummary, Rejection
from tests.conftest import ConfigWriter, files_source


def summary(
    read: int, rejected: int, before: int, after: int, *, absent: int = 0, new: int = 0
) -> HarvestSummary:
    return HarvestSummary(
        "cmoa",
        read=read,
        rejections=[Rejection(f"r{n}", "the record has no title") for n in range(rejected)],
        records_before=before,
        records_after=after,
        absent=absent,
        new=new,
    )


def _source(tmp_path: Path, gates: str = "") -> SourceConfig:
    config = tmp_path / "museion.toml"
    options = {"gates": gates} if gates else {}
    config.write_text(
        '[publish]\nbase_iri = "https://data.example.org/"\n'
        + "[[sources]]\n"
        + files_source("cmoa", tmp_path, "cmoa", **options)
    )
    return load_config(config).source("cmoa")


def test_one_broken_record_in_an_incremental_harvest_does_not_hold_it(tmp_path: Path) -> None:
    source = _source(tmp_path, "{ min_records = 1 }")  # the shares alone, as before
    # An OAI-PMH harvest "from" yesterday read the 3 records changed since, one of them broken,
    # of a source of 200: 0.5% of its records, under the 5% allowed.
    assert gate(summary(read=3, rejected=1, before=200, after=200), source) is None
    # A first harvest of those 3 holds: a third of everything the partner sent is quarantined.
    held = gate(summary(read=3, rejected=1, before=0, after=2), source)
    assert held == (
        "1 record of 3 (33%) was quarantined, more than the 5% allowed (gates.max_quarantined)"
    )
    # So does a full harvest that quarantines 20 of 200.
    held = gate(summary(read=200, rejected=20, before=200, after=190), source)
    assert held is not None
    assert held.startswith("20 of 200 records (10%)")


@pytest.mark.parametrize(
    "counts",
    [
        {"read": 9, "rejected": 1, "before": 0, "after": 8},  # a first harvest, one bad row
        {"read": 9, "rejected": 2, "before": 9, "after": 9},  # two of nine
        {"read": 7, "rejected": 0, "before": 8, "after": 7},  # one of eight withdrawn
        {"read": 10, "rejected": 0, "before": 10, "after": 10, "absent": 2, "new": 2},
        {"read": 1, "rejected": 1, "before": 9, "after": 9},  # a file unread whole: none gone
    ],
)
def test_a_tiny_source_is_not_held_for_a_row_or_two(tmp_path: Path, counts: dict[str, int]) -> None:
    """A small museum's first harvest of nine rows with one bad row was held: 1 of 9 is 11%,
    over the 5% allowed, and one withdrawn record of eight is 12.5%, over 10%. The share gates
    now hold a run only when at least ``min_records`` (3) records are concerned."""
    assert gate(summary(**counts), _source(tmp_path)) is None


@pytest.mark.parametrize(
    ("counts", "said"),
    [
        ({"read": 9, "rejected": 3, "before": 0, "after": 6}, "3 of 9 records (33%) were"),
        ({"read": 100, "rejected": 6, "before": 100, "after": 100}, "6 of 100 records (6%)"),
        ({"read": 17, "rejected": 0, "before": 20, "after": 17}, "the run would shrink cmoa"),
        ({"read": 2, "rejected": 2, "before": 0, "after": 0}, "2 of 2 records (100%)"),
        ({"read": 0, "rejected": 0, "before": 2, "after": 0}, "the run would shrink cmoa from 2"),
        (
            {"read": 2, "rejected": 0, "before": 2, "after": 2, "absent": 2, "new": 2},
            "2 of the 2 records of cmoa are no longer in the feed",
        ),
    ],
)
def test_bigger_faults_and_every_record_are_still_held(
    tmp_path: Path, counts: dict[str, int], said: str
) -> None:
    """Three rows quarantined, a source of 100 with six, three withdrawn of twenty; and a
    tiny source whose every record would go, or whose every row could not be read."""
    held = gate(summary(**counts), _source(tmp_path))
    assert held is not None
    assert held.startswith(said)


def test_min_records_is_a_count_of_one_or_more(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="min_records"):
        _source(tmp_path, "{ min_records = 0 }")
    source = _source(tmp_path, "{ min_records = 10 }")
    assert gate(summary(read=100, rejected=9, before=100, after=100), source) is None


def test_a_small_museum_s_first_harvest_with_one_bad_row_is_published(
    tmp_path: Path, write_config: ConfigWriter
) -> None:
    """Nine rows of an Excel export, one without its inventory number: published (exit 3,
    the row listed with its reason), not held (exit 4)."""
    feed = tmp_path / "feed"
    feed.mkdir()
    rows = "".join(f"2024.{n};Objet {n}\n" for n in range(1, 9)) + ";Sans numéro\n"
    (feed / "inventaire.csv").write_text("N° inventaire;Titre\n" + rows, encoding="utf-8")
    (tmp_path / "m.toml").write_text(
        '[mapping]\nname = "m"\n[object]\nid = "N° inventaire"\ntitles = "Titre"\n',
        encoding="utf-8",
    )
    config = write_config(files_source("petit", feed, "m.toml"))
    done = subprocess.run(
        [sys.executable, "-m", "museion", "--config", str(config), "harvest"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert "published: 8 records" in done.stderr
    assert "inventaire.csv, line 10: the record has no identifier" in done.stderr
