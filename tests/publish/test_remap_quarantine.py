"""A remap counts what it changed record by record.

``museion remap`` maps a source's stored records again. A remap that changed some of them
counted every record as changed (its summary, the partner report, the history of runs) and
wrote them all. The real store and pipeline, the CMOA sample feed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mappings.declarative import engine
from museion import Pipeline, Workspace, load_config
from museion.config import Config
from publish import RecordIndex
from tests.conftest import ConfigWriter
from tests.publish.test_unchanged_harvest import report
from tests.publish.test_unchanged_remap import MAPPING, mine


def history(config: Config) -> list[tuple[str, int, int]]:
    index = RecordIndex(Workspace(config.data_dir).index_path)
    try:
        return [
            (r.run_id, r.counts.get("changed", 0), r.counts.get("unchanged", 0))
            for r in index.runs("cmoa")
        ]
    finally:
        index.close()


def test_a_remap_that_changes_some_records_counts_only_those(
    tmp_path: Path, write_config: ConfigWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Images mapped now, by a mapping whose version did not change (as Museion's own data
    may change what a mapping writes): 16 of the 24 records have images, and only those
    change; the other 8 are what the store holds."""
    monkeypatch.setattr(engine, "_fingerprint", lambda text: "same")
    config, mapping = mine(tmp_path, write_config)
    mapping.write_text(MAPPING + 'images = "images[].image_url"\n')
    config = load_config(config.path)

    summary = Pipeline(config).remap("cmoa")

    assert summary is not None
    assert (summary.changed, summary.unchanged, summary.wrote_nothing) == (16, 8, False)
    said = report(config)
    assert said["counts"] == {**said["counts"], "changed": 16, "unchanged": 8}  # type: ignore[dict-item]
    assert said["diff"]["changed_count"] == 16  # type: ignore[index]
    assert history(config)[-1] == (summary.run_id, 16, 8)
    # only the changed records were written: the others keep the run that wrote them
    index = RecordIndex(Workspace(config.data_dir).index_path)
    try:
        runs = [r.last_run for r, _ in index.payloads("cmoa")]
    finally:
        index.close()
    assert runs.count(summary.run_id) == 16
