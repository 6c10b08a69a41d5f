"""The quarantine gate: a share of the source's records, not of what one harvest read."""

from __future__ import annotations

from pathlib import Path

from museion import load_config
from museion.gates import gate
from publish import HarvestSummary, Rejection
from tests.conftest import files_source


def summary(read: int, rejected: int, before: int, after: int) -> HarvestSummary:
    return HarvestSummary(
        "cmoa",
        read=read,
        rejections=[Rejection(f"r{n}", "the record has no title") for n in range(rejected)],
        records_before=before,
        records_after=after,
    )


def test_one_broken_record_in_an_incremental_harvest_does_not_hold_it(tmp_path: Path) -> None:
    config = tmp_path / "museion.toml"
    config.write_text(
        '[publish]\nbase_iri = "https://data.example.org/"\n'
        + "[[sources]]\n"
        + files_source("cmoa", tmp_path, "cmoa")
    )
    source = load_config(config).source("cmoa")
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
