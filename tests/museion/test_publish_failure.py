"""A harvest whose publish fails (a full disk, a store that refuses the snapshot) says what
each source did before the error, and the next harvest publishes what was applied."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import publish.workspace
from museion.cli import main
from museion_core.errors import StoreError
from tests.conftest import ConfigWriter, files_source
from tests.helpers.samples import sample_feeds

FEEDS = sample_feeds()


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "published"), "No space left on device"),
        (StoreError("the remote store kept nothing of its new version"), "kept nothing"),
    ],
    ids=["disk-full", "store-refused"],
)
def test_a_failed_publish_says_what_each_source_did_and_the_next_harvest_publishes_it(
    write_config: ConfigWriter,
    monkeypatch: pytest.MonkeyPatch,
    fault: Exception,
    said: str,
) -> None:
    """It ended with one ``error:`` line: nothing said what was read, applied or rejected,
    nor that the next harvest would publish it."""
    config = write_config(files_source("cmoa", FEEDS / "cmoa", "cmoa", label="CMOA"))
    runner = CliRunner()

    def refuse(*args: Any, **kwargs: Any) -> Path:
        raise fault

    with monkeypatch.context() as patched:
        patched.setattr(publish.workspace, "publish_snapshot", refuse)
        failed = runner.invoke(main, ["--config", str(config), "harvest"])
    assert failed.exit_code == 1, failed.output
    out = " ".join(failed.output.split())
    assert "cmoa: 24 records read: 24 new" in out  # the source's summary, first
    assert "applied: 24 records" in out
    assert said in out
    assert out.endswith("not published yet: the next harvest publishes it")
    assert "Traceback" not in failed.output
    assert not (config.parent / "store" / "published" / "CURRENT").exists()

    again = runner.invoke(main, ["--config", str(config), "harvest"])
    assert again.exit_code == 0, again.output
    assert "published: 24 records" in " ".join(again.output.split())
    assert (config.parent / "store" / "published" / "CURRENT").exists()
