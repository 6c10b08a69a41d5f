"""One oversized record must not brick the store: a 20 MB title once failed in apply ("Reached
the buffer maximal size"), and since recovery applies an interrupted run again, every later
harvest, remap and publish of every source failed until someone deleted the run by hand.

Now the record is quarantined — by the reader (``max_record_bytes``), by staging (a statement
longer than the store takes) or, whatever slips through, by apply — and a run that still cannot
be applied is failed with its reason, never retried forever.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from museion import Pipeline, Workspace, load_config
from museion_core.errors import StoreError
from publish import Run, RunStatus
from tests.conftest import ConfigWriter, files_source
from tests.helpers.cli import museion as run_museion
from tests.publish.test_harvest import rows


def museion(*args: str) -> subprocess.CompletedProcess[str]:
    return run_museion(*args, columns=400)


TITLE_BYTES = 20_000_000
GATES = "{ max_quarantined = 1.0 }"


@pytest.fixture
def feeds(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A feed with a 20 MB title beside a normal record, a normal feed, and their mapping."""
    big, normal = tmp_path / "big", tmp_path / "normal"
    big.mkdir()
    normal.mkdir()
    (big / "huge.json").write_text(json.dumps({"id": "huge", "title": "x" * TITLE_BYTES}))
    (big / "fine.json").write_text(json.dumps({"id": "fine", "title": "Fine"}))
    (normal / "n.json").write_text(json.dumps({"id": "n1", "title": "Normal"}))
    mapping = tmp_path / "m.toml"
    mapping.write_text('[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "title"\n')
    return big, normal, mapping


@pytest.mark.slow
@pytest.mark.parametrize(
    ("limit", "reason"),
    [
        (None, "more than max_record_bytes (8388608)"),  # the reader refuses it
        ("67108864", "too long for the store: one statement is"),  # staging refuses it
    ],
)
def test_a_20_mb_title_is_quarantined_and_the_store_goes_on(
    write_config: ConfigWriter,
    feeds: tuple[Path, Path, Path],
    limit: str | None,
    reason: str,
) -> None:
    big, normal, mapping = feeds
    options = {"gates": GATES} | ({"max_record_bytes": limit} if limit else {})
    config = write_config(
        files_source("big", big, str(mapping), **options),
        files_source("normal", normal, str(mapping)),
    )
    first = museion("--config", str(config), "harvest", "big")
    assert "Traceback" not in first.stderr
    assert first.returncode == 3, first.stderr
    [rejected] = [line for line in first.stderr.splitlines() if line.startswith("  rejected ")]
    assert "huge" in rejected
    assert reason in rejected
    second = museion("--config", str(config), "harvest", "normal")
    assert second.returncode == 0, second.stderr
    titles = museion("--config", str(config), "query", "--format", "csv", TITLES)
    assert titles.stdout.split() == ["title", "Fine", "Normal"], titles.stderr


TITLES = (
    "SELECT ?title WHERE { ?o a crm:E22_Human-Made_Object ; rdfs:label ?title } ORDER BY ?title"
)


@pytest.mark.slow
def test_apply_quarantines_a_record_the_store_refuses(
    write_config: ConfigWriter, feeds: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever slips past staging (here: its bound lifted) is quarantined by apply."""
    big, normal, mapping = feeds
    # The bound is checked where records are mapped: with one job, in this process.
    monkeypatch.setattr("museion.mapper.MAX_STATEMENT_BYTES", 1 << 40)
    options = {"gates": GATES, "max_record_bytes": "67108864"}
    config = load_config(
        write_config(
            files_source("big", big, str(mapping), **options),
            files_source("normal", normal, str(mapping)),
        )
    )
    [summary] = Pipeline(config, jobs=1).harvest(("big",))
    assert summary.status == RunStatus.PUBLISHED
    assert (summary.new, summary.rejected) == (1, 1)
    [rejection] = summary.rejections
    assert "the store refused the record" in rejection.reason
    # The run says so: its publish does not reuse search documents (the pipeline forgets them).
    [run_dir] = Workspace(config.data_dir).run_dirs("big")
    run = Run.open(run_dir)
    assert run.info()["store_refused"] == 1
    run.close()
    [normal_run] = Pipeline(config).harvest(("normal",))
    assert normal_run.status == RunStatus.PUBLISHED
    store = Workspace(config.data_dir).open_published()
    found = rows(store, TITLES)
    assert [r["title"].value for r in found] == ["Fine", "Normal"]
    quarantined = rows(
        store, "SELECT ?r WHERE { ?q a museion:QuarantinedRecord ; museion:reason ?r }"
    )
    assert ["the store refused the record" in r["r"].value for r in quarantined] == [True]


@pytest.mark.slow
def test_a_run_that_cannot_be_applied_fails_and_does_not_block_the_next(
    write_config: ConfigWriter, feeds: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run apply cannot complete (here: a store that refuses every write) is failed with
    its reason; recovery does not retry it, so other sources harvest and publish."""
    big, normal, mapping = feeds
    (big / "huge.json").unlink()
    config = load_config(
        write_config(
            files_source("big", big, str(mapping)), files_source("normal", normal, str(mapping))
        )
    )

    def refuse(*args: object, **kwargs: object) -> None:
        raise StoreError("the disk is on fire")

    Pipeline(config).harvest(("normal",))
    workspace = Workspace(config.data_dir)
    assert workspace.state()["search_documents"] is not None
    with monkeypatch.context() as patch:
        patch.setattr("store.Store.replace_serialized_graphs", refuse)
        [summary] = Pipeline(config).harvest(("big",))
    assert summary.status == RunStatus.FAILED
    # What the failed run left in the store the record index does not know of.
    assert workspace.state()["search_documents"] is None
    assert summary.reason is not None
    assert "could not be applied" in summary.reason
    assert "the disk is on fire" in summary.reason
    [normal_run] = Pipeline(config).harvest(("normal",))
    assert normal_run.status == RunStatus.PUBLISHED
    [again] = Pipeline(config).harvest(("big",))
    assert again.status == RunStatus.PUBLISHED
    found = rows(Workspace(config.data_dir).open_published(), TITLES)
    assert [r["title"].value for r in found] == ["Fine", "Normal"]


@pytest.mark.slow
def test_recovery_fails_a_run_it_cannot_apply_again(
    write_config: ConfigWriter, feeds: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run interrupted while applying is applied again by the next writer; if that fails,
    the run is failed and the next harvest goes on (it used to fail forever)."""
    big, normal, mapping = feeds
    (big / "huge.json").unlink()
    config = load_config(
        write_config(
            files_source("big", big, str(mapping)), files_source("normal", normal, str(mapping))
        )
    )

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    def refuse(*args: object, **kwargs: object) -> None:
        raise StoreError("Reached the buffer maximal size of 16777216")

    with monkeypatch.context() as patch:
        patch.setattr("store.Store.replace_serialized_graphs", interrupted)
        with pytest.raises(KeyboardInterrupt):
            Pipeline(config).harvest(("big",))
    [run_dir] = Workspace(config.data_dir).run_dirs("big")
    assert (run_dir / "run.sqlite").exists()
    with monkeypatch.context() as patch:
        patch.setattr("store.Store.replace_serialized_graphs", refuse)
        patch.setattr("museion.pipeline.Pipeline._publish", lambda *a, **k: None)
        with Pipeline(config).writer() as writer:
            [row] = writer.index.runs("big")
    assert row.status == RunStatus.FAILED
    assert "applying it again after an interruption" in str(row.reason)
    [normal_run] = Pipeline(config).harvest(("normal",))
    assert normal_run.status == RunStatus.PUBLISHED
