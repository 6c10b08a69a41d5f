"""A harvest whose publish fails (a full disk, a store that refuses the snapshot) says what
each source did before the error, and the next harvest publishes what was applied."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import museion.writing
import publish.runs
import publish.workspace
import store.oxigraph
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


NO_SPACE = "IO error: No space left on device: While appending to file: store/working/000008.log"


def test_a_full_disk_while_a_run_is_staged_names_the_source(
    write_config: ConfigWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's own "database or disk is full" (its page limit, as a full disk ends it): the
    harvest stopped with a traceback, SQLite's rollback of the batch hidden behind "cannot
    rollback - no transaction is active", and no word of the source being written."""
    config = write_config(files_source("cmoa", FEEDS / "cmoa", "cmoa", label="CMOA"))
    opened = publish.runs.Run.__init__

    def small(run: publish.runs.Run, directory: Path) -> None:
        opened(run, directory)
        pages = run._db.execute("PRAGMA page_count").fetchone()[0]
        run._db.execute(f"PRAGMA max_page_count = {pages + 2}")

    monkeypatch.setattr(publish.runs.Run, "__init__", small)
    failed = CliRunner().invoke(main, ["--config", str(config), "harvest"])
    assert failed.exit_code == 1, failed.output
    assert "Traceback" not in failed.output
    assert "error: source 'cmoa': stopped while its run was written: database or disk is full" in (
        " ".join(failed.output.split())
    )


def test_a_full_disk_while_a_run_is_applied_names_the_source(
    write_config: ConfigWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store refuses the run's graphs, then the disk refuses the note that says so and the
    store's last flush: the flush's error replaced every other, one line naming a store file
    and no source."""
    config = write_config(files_source("cmoa", FEEDS / "cmoa", "cmoa", label="CMOA"))

    def refused(*args: Any, **kwargs: Any) -> None:
        raise StoreError(f"writing to the store failed: {NO_SPACE}")

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "store/state.json")

    def flush(*args: Any) -> None:
        raise OSError(NO_SPACE)

    monkeypatch.setattr(museion.writing, "apply_run", refused)
    monkeypatch.setattr(publish.workspace.Workspace, "forget_search_documents", full)
    monkeypatch.setattr(store.oxigraph.Store, "flush", flush)
    failed = CliRunner().invoke(main, ["--config", str(config), "harvest"])
    assert failed.exit_code == 1, failed.output
    out = " ".join(failed.output.split())
    assert "Traceback" not in failed.output
    assert out.endswith(
        "error: source 'cmoa': stopped while its run was written: "
        "No space left on device: store/state.json"
    )


def test_a_store_that_cannot_be_closed_after_the_runs_names_the_sources_it_wrote(
    write_config: ConfigWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each run failed (the store refused its graphs: each source's summary says so), then
    the store's last flush failed too: its line alone was printed, naming no source and
    hiding what each had done."""
    config = write_config(
        files_source("cmoa", FEEDS / "cmoa", "cmoa", label="CMOA"),
        files_source("tate", FEEDS / "tate", "tate", label="Tate"),
    )

    def refused(*args: Any, **kwargs: Any) -> None:
        raise StoreError(f"writing to the store failed: {NO_SPACE}")

    def flush(*args: Any) -> None:
        raise OSError(NO_SPACE)

    monkeypatch.setattr(museion.writing, "apply_run", refused)
    monkeypatch.setattr(store.oxigraph.Store, "flush", flush)
    failed = CliRunner().invoke(main, ["--config", str(config), "harvest", "--jobs", "1"])
    assert failed.exit_code == 1, failed.output
    out = " ".join(failed.output.split())
    assert "Traceback" not in failed.output
    assert "cmoa: 24 records read" in out
    assert "tate: 36 records read" in out
    assert "failed, not published: the run could not be applied" in out
    assert out.endswith(
        f"error: the store could not be closed after writing 'cmoa', 'tate': {NO_SPACE}"
    )
