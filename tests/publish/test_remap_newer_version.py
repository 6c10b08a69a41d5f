"""A newer version the partner sent that could not be mapped (quarantined, its older version
still published) stays in the quarantine through remaps. It used to leave, unmapped, after
two: the first failed the older version, whose entry (at the same origin, so the same IRI)
replaced the newer version's; the second mapped the older version, and its entry (its payload
the stored one) left. The partner's report then listed nothing, and a feed that does not
send the record again (an incremental harvest) never brought it back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from museion import Pipeline
from tests.conftest import ConfigWriter
from tests.publish.test_remap_quarantine import break_one, refusing
from tests.publish.test_unchanged_remap import mine, quarantined


def test_the_newer_versions_entry_outlives_a_failed_remap_and_a_mended_one(
    tmp_path: Path, write_config: ConfigWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    refusing(monkeypatch, b"BREAK")
    config, _ = mine(tmp_path, write_config)
    broken = break_one(tmp_path / "feed")
    [harvest] = Pipeline(config, jobs=1).harvest()
    assert harvest.rejected == 1
    assert quarantined(config) == {broken}
    first = json.loads(sorted((tmp_path / "feed").glob("*.json"))[0].read_text())
    with monkeypatch.context() as patch:  # the stored, older version fails too, this once
        refusing(patch, str(first["id"]).encode())
        failing = Pipeline(config, jobs=1).remap("cmoa")
    assert failing is not None
    assert failing.rejected == 1
    again = Pipeline(config, jobs=1).remap("cmoa")
    assert again is not None
    assert quarantined(config) == {broken}
