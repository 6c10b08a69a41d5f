"""A harvest that changes nothing publishes no new snapshot.

A network's nightly ``museion harvest`` of feeds that did not change published a new snapshot
every night: the store backed up again, the search index rebuilt, the older snapshots rotated
out, and the endpoint switched to the same data under a new name (its ETag, Last-Modified and
VoID's ``dct:modified``). Now such a run is recorded (its report, its row, its checkpoint) as
published in the snapshot that holds its data, and the endpoint keeps serving that snapshot;
a run that adds, changes, withdraws or quarantines a record still publishes. The real store,
the real pipeline, the CMOA sample feed.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, Quad

from museion import Pipeline, Workspace, load_config
from museion.cli import main
from museion.config import Config
from museion.console import print_summary
from publish import HarvestSummary, RecordIndex, Run, RunRow
from sparql import report_html
from store import Pointer, Store
from tests.conftest import ConfigWriter, files_source
from tests.publish.test_crash import make_feed, write_config

BASE = "https://data.example.org/"


def published(config: Config) -> dict[str, object]:
    """What readers are given: the snapshot's name, the files beside it, the pointer's
    identity (a new publish replaces it: readers reopen, caches see a new version)."""
    workspace = Workspace(config.data_dir)
    current = workspace.published_path()
    assert current is not None
    return {
        "snapshot": current.name,
        "files": sorted(p.name for p in workspace.published_dir.iterdir()),
        "pointer": Pointer(workspace.published_dir).key(),
    }


def quads(path: Path) -> set[Quad]:
    store = Store(path, read_only=True)
    try:
        return set(store.oxigraph)
    finally:
        store.close()


def report(config: Config) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        (Workspace(config.data_dir).reports_dir / "cmoa.json").read_text(encoding="utf-8")
    )
    return data


def harvested(tmp_path: Path) -> tuple[Config, Path]:
    """The CMOA feed (24 records) harvested and published once."""
    feed = make_feed(tmp_path, 1)
    config = load_config(write_config(tmp_path, feed))
    [summary] = Pipeline(config).harvest()
    assert (summary.status, summary.new, summary.wrote_nothing) == ("published", 24, False)
    return config, feed


def test_an_unchanged_harvest_keeps_the_snapshot_and_records_its_run(tmp_path: Path) -> None:
    config, _ = harvested(tmp_path)
    before = published(config)
    workspace = Workspace(config.data_dir)
    manifest = (workspace.published_dir / f"{before['snapshot']}.json").read_text()

    [summary] = Pipeline(config).harvest()

    assert (summary.status, summary.read, summary.unchanged) == ("published", 24, 24)
    assert (summary.new, summary.changed, summary.deleted, summary.rejected) == (0, 0, 0, 0)
    assert summary.wrote_nothing
    assert summary.snapshot == before["snapshot"]
    # no backup, no search build, no rotation, no switch: readers keep what they have
    assert published(config) == before
    assert (workspace.published_dir / f"{before['snapshot']}.json").read_text() == manifest
    # and what queries read is the working store: no run wrote what the snapshot lacks
    current = workspace.published_path()
    assert current is not None
    assert quads(workspace.working_path) == quads(current)
    run = NamedNode(f"{BASE}cmoa/run/{summary.run_id}")
    assert not any(run in (q.subject, q.object) for q in quads(current))

    # the run is recorded: its row, its report (read, 24 unchanged, when, in which snapshot)
    index = RecordIndex(workspace.index_path)
    try:
        row = index.runs("cmoa")[-1]
    finally:
        index.close()
    assert (row.run_id, row.status) == (summary.run_id, "published")
    assert (row.counts["read"], row.counts["unchanged"], row.counts["new"]) == (24, 24, 0)
    assert row.ended is not None
    said = report(config)
    assert said["run"] == {
        **said["run"],  # type: ignore[dict-item]
        "id": summary.run_id,
        "kind": "harvest",
        "status": "published",
        "ended": row.ended,
        "snapshot": before["snapshot"],
        "new_snapshot": False,
        "wrote_nothing": True,
    }
    assert said["counts"] == {**said["counts"], "read": 24, "unchanged": 24}  # type: ignore[dict-item]
    page = (workspace.reports_dir / "cmoa.html").read_text(encoding="utf-8")
    assert 'id="unchanged"' in page
    assert str(before["snapshot"]) in page
    assert "aucun nouvel instantané n’a été publié" in report_html(said, "fr")
    assert "لم تُنشر لقطة جديدة" in report_html(said, "ar")


def test_the_command_line_says_the_snapshot_stays(tmp_path: Path) -> None:
    config = write_config(tmp_path, make_feed(tmp_path, 1))
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(config), "harvest"]).exit_code == 0
    snapshot = Workspace(load_config(config).data_dir).published_path()
    assert snapshot is not None
    again = runner.invoke(main, ["--config", str(config), "harvest"])
    assert again.exit_code == 0, again.output
    said = " ".join(again.output.split())
    assert "24 unchanged" in said
    assert (
        f"published: 24 records, nothing changed: still served from snapshot {snapshot.name}"
        in said
    )


def test_a_harvest_that_changes_one_record_publishes(tmp_path: Path) -> None:
    config, feed = harvested(tmp_path)
    before = published(config)
    path = sorted(feed.glob("*.json"))[0]
    record = json.loads(path.read_text())
    path.write_text(json.dumps({**record, "title": "Quillwork Lantern"}))

    [summary] = Pipeline(config).harvest()

    assert (summary.status, summary.changed, summary.wrote_nothing) == ("published", 1, False)
    after = published(config)
    assert after["snapshot"] != before["snapshot"] == Workspace(config.data_dir).snapshots()[0].name
    assert summary.snapshot == after["snapshot"]
    assert report(config)["run"]["snapshot"] == after["snapshot"]  # type: ignore[index]
    current = Workspace(config.data_dir).published_path()
    assert current is not None
    assert any(q.object == Literal("Quillwork Lantern", language="en") for q in quads(current))


def test_a_run_that_only_withdraws_a_record_publishes(tmp_path: Path) -> None:
    config, feed = harvested(tmp_path)
    before = published(config)
    sorted(feed.glob("*.json"))[0].unlink()

    [summary] = Pipeline(config).harvest()

    assert (summary.status, summary.deleted, summary.new, summary.changed) == ("published", 1, 0, 0)
    assert not summary.wrote_nothing
    assert published(config)["snapshot"] != before["snapshot"]


def test_a_run_that_only_quarantines_a_record_publishes(tmp_path: Path) -> None:
    """A file the feed now sends broken is quarantined, and the quarantine is published (what
    was refused, and why): no record new, changed or withdrawn, and still a new snapshot."""
    config, feed = harvested(tmp_path)
    before = published(config)
    broken = feed / "broken.json"
    broken.write_text("<html><body>502 Bad Gateway</body></html>")

    [summary] = Pipeline(config).harvest()

    assert (summary.status, summary.rejected, summary.unchanged) == ("published", 1, 24)
    assert (summary.new, summary.changed, summary.deleted) == (0, 0, 0)
    assert not summary.wrote_nothing
    assert published(config)["snapshot"] != before["snapshot"]
    # the same file again, refused for the same reason: nothing changes any more
    again = published(config)
    [summary] = Pipeline(config).harvest()
    assert (summary.rejected, summary.wrote_nothing) == (1, True)
    assert published(config) == again
    # the file mended (gone): the quarantine empties, which is a change to publish
    broken.unlink()
    [summary] = Pipeline(config).harvest()
    assert (summary.rejected, summary.wrote_nothing) == (0, False)
    assert published(config)["snapshot"] != again["snapshot"]


def test_a_held_run_then_the_published_feed_again_keeps_the_snapshot(tmp_path: Path) -> None:
    """Gates judge a run that changes nothing as before; a partner who sends the published
    feed again after a held one supersedes the held run, and nothing is published."""
    config, feed = harvested(tmp_path)
    before = published(config)
    for path in sorted(feed.glob("*.json"))[:15]:  # 15 of 24 gone: more than max_record_drop
        path.unlink()
    [held] = Pipeline(config).harvest()
    assert held.status == "held"
    make_feed(tmp_path, 1)

    [summary] = Pipeline(config).harvest()

    assert (summary.status, summary.unchanged, summary.wrote_nothing) == ("published", 24, True)
    assert published(config) == before
    statuses = {}
    for directory in Workspace(config.data_dir).run_dirs("cmoa"):
        run = Run.open(directory)
        statuses[run.run_id] = run.status
        run.close()
    assert (statuses[held.run_id], statuses[summary.run_id]) == ("superseded", "published")
    index = RecordIndex(Workspace(config.data_dir).index_path)  # the report's list of runs
    try:
        listed = {row.run_id: row.status for row in index.runs("cmoa")}
    finally:
        index.close()
    assert (listed[held.run_id], listed[summary.run_id]) == ("superseded", "published")


def test_a_run_stopped_while_it_supersedes_a_held_run_leaves_it_to_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run stopped between marking a held run superseded in its folder and in the index
    left the index's row (the partner report's list of runs) saying held for good: the next
    run found the folder no longer held. Now the next run marks both."""
    config, feed = harvested(tmp_path)
    for path in sorted(feed.glob("*.json"))[:15]:
        path.unlink()
    [held] = Pipeline(config).harvest()
    assert held.status == "held"
    make_feed(tmp_path, 1)
    record_run = RecordIndex.record_run

    def stopped(self: RecordIndex, row: RunRow) -> None:
        if row.status == "superseded":
            raise KeyboardInterrupt  # the process stopped here
        record_run(self, row)

    with monkeypatch.context() as patched:
        patched.setattr(RecordIndex, "record_run", stopped)
        with pytest.raises(KeyboardInterrupt):
            Pipeline(config).harvest()
    [summary] = Pipeline(config).harvest()

    assert summary.status == "published"
    run = Run.open(
        next(d for d in Workspace(config.data_dir).run_dirs("cmoa") if d.name == held.run_id)
    )
    try:
        assert run.status == "superseded"
    finally:
        run.close()
    index = RecordIndex(Workspace(config.data_dir).index_path)
    try:
        assert {row.run_id: row.status for row in index.runs("cmoa")}[held.run_id] == "superseded"
    finally:
        index.close()


def test_writes_no_snapshot_holds_yet_are_published_by_an_unchanged_harvest(
    tmp_path: Path,
) -> None:
    """An update written to the working store whose publish never happened (the process
    died between the two): the next harvest publishes it, though its own run wrote nothing;
    queries never stay on a snapshot that differs from the store the index describes."""
    config, _ = harvested(tmp_path)
    before = published(config)
    workspace = Workspace(config.data_dir)
    fix = f"{BASE}graph/fixes"

    def change_and_die(store: Store) -> None:
        store.update_named_graphs(f'INSERT DATA {{ GRAPH <{fix}> {{ <{fix}> <{BASE}p> "v" }} }}')
        raise OSError("the process died before publishing")

    with pytest.raises(OSError, match="died"):
        workspace.update(change_and_die, BASE, wait=1)

    [summary] = Pipeline(config).harvest()

    assert summary.wrote_nothing
    after = published(config)
    assert after["snapshot"] != before["snapshot"]
    assert (summary.snapshot, summary.new_snapshot) == (after["snapshot"], True)
    page = (workspace.reports_dir / "cmoa.html").read_text(encoding="utf-8")
    assert 'id="unchanged-in-new-snapshot"' in page
    assert "no new snapshot" not in page
    current = workspace.published_path()
    assert current is not None
    assert any(q.graph_name == NamedNode(fix) for q in quads(current))
    assert quads(workspace.working_path) == quads(current)
    [summary] = Pipeline(config).harvest()  # published now: the next one keeps it
    assert published(config) == after


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('label = "CMOA"', 'label = "Carnegie Museum of Art"'),  # the partner's description
        ("[sources.gates]", "[reconciliation]\nthreshold = 0.95\n[sources.gates]"),
    ],
    ids=["partner-renamed", "reconciliation-settings"],
)
def test_a_changed_configuration_is_published_by_an_unchanged_harvest(
    tmp_path: Path, old: str, new: str
) -> None:
    config, _ = harvested(tmp_path)
    before = published(config)
    config.path.write_text(config.path.read_text().replace(old, new))
    config = load_config(config.path)

    [summary] = Pipeline(config).harvest()

    assert (summary.status, summary.unchanged) == ("published", 24)
    after = published(config)
    assert after["snapshot"] != before["snapshot"]
    assert summary.snapshot == after["snapshot"]
    [summary] = Pipeline(config).harvest()  # published now: the next one keeps it
    assert (summary.wrote_nothing, published(config)) == (True, after)


def steady_and_moving(
    tmp_path: Path, write_config: ConfigWriter
) -> tuple[Config, dict[str, object], HarvestSummary, HarvestSummary]:
    """Sources ``steady`` and ``moving`` harvested, then harvested again after one record of
    ``moving`` changed: the configuration, what readers were given before, both summaries."""
    feeds = {name: make_feed(tmp_path / name, 1) for name in ("steady", "moving")}
    config = load_config(
        write_config(*(files_source(name, feed, "cmoa") for name, feed in feeds.items()))
    )
    Pipeline(config).harvest()
    before = published(config)
    path = sorted(feeds["moving"].glob("*.json"))[0]
    path.write_text(json.dumps({**json.loads(path.read_text()), "title": "Quillwork Lantern"}))
    steady, moving = Pipeline(config).harvest()
    return config, before, steady, moving


def test_a_source_unchanged_beside_one_that_changed_is_in_the_new_snapshot(
    tmp_path: Path, write_config: ConfigWriter
) -> None:
    """One snapshot for the harvest: the unchanged source's run is recorded in it (it holds
    that source's data too), and is not written to the store."""
    config, before, steady, moving = steady_and_moving(tmp_path, write_config)

    assert (steady.wrote_nothing, moving.wrote_nothing, moving.changed) == (True, False, 1)
    after = published(config)
    assert after["snapshot"] != before["snapshot"]
    assert steady.snapshot == moving.snapshot == after["snapshot"]
    current = Workspace(config.data_dir).published_path()
    assert current is not None
    runs = {q.subject for q in quads(current) if "/run/" in str(q.subject)}
    assert NamedNode(f"{BASE}moving/run/{moving.run_id}") in runs
    assert NamedNode(f"{BASE}steady/run/{steady.run_id}") not in runs


def test_an_unchanged_source_in_a_new_snapshot_is_told_that_snapshot_is_new(
    tmp_path: Path, write_config: ConfigWriter, capsys: pytest.CaptureFixture[str]
) -> None:
    """The unchanged source's report and command line said 'no new snapshot was published'
    and 'still served from snapshot X (no new snapshot)' of the snapshot its own harvest had
    just published (another source changed). They now say its records did not change and
    are in the new snapshot, by name, in English, French and Arabic."""
    config, before, steady, moving = steady_and_moving(tmp_path, write_config)
    after = published(config)
    assert after["snapshot"] != before["snapshot"]
    assert (steady.wrote_nothing, steady.new_snapshot, moving.new_snapshot) == (True, True, True)

    reports = Workspace(config.data_dir).reports_dir
    said = json.loads((reports / "steady.json").read_text(encoding="utf-8"))
    assert (said["run"]["snapshot"], said["run"]["new_snapshot"]) == (after["snapshot"], True)
    for lang, sentence, untrue in [
        ("en", "They are in the new snapshot this harvest published:", "no new snapshot"),
        ("fr", "Elles figurent dans le nouvel instantané", "aucun nouvel instantané"),
        ("ar", "وهي في اللقطة الجديدة التي نشرها هذا الحصاد", "لم تُنشر لقطة جديدة"),
    ]:
        page = report_html(said, lang)
        told = page[page.index('id="unchanged-in-new-snapshot"') :].split("</p>")[0]
        assert sentence in told
        assert f"<code>{after['snapshot']}</code>" in told
        assert untrue not in page
    page = (reports / "steady.html").read_text(encoding="utf-8")
    assert 'id="unchanged-in-new-snapshot"' in page
    assert 'id="unchanged"' not in page
    moved = (reports / "moving.html").read_text(encoding="utf-8")
    assert "unchanged-in-new-snapshot" not in moved
    assert 'id="unchanged"' not in moved

    capsys.readouterr()
    print_summary(steady)
    line = " ".join(capsys.readouterr().err.split())
    assert f"nothing changed: in the new snapshot {after['snapshot']}" in line
    assert "no new snapshot" not in line


OLD_STARTED = "2026-12-06T10:00:00Z"
OLD_REPORTS = [  # the snapshot an old report names, and what its page then says of it
    ("20261206T100004123456Z-ab12", "unchanged-in-new-snapshot"),  # made after the run began
    ("20261205T230000000000Z-ab12", "unchanged"),  # made before: it stayed
    ("20261206T100000500000Z-ab12", "unchanged-in-snapshot"),  # the same second: not known
]


@pytest.mark.parametrize(("snapshot", "said"), OLD_REPORTS)
def test_a_report_written_before_new_snapshot_says_only_what_its_data_tell(
    tmp_path: Path, snapshot: str, said: str
) -> None:
    """A report written before a report said whether its snapshot was new was read as "no
    new snapshot was published", even under the name of the snapshot its harvest had just
    published. Its own data now tell it where they can (a snapshot is named by the instant
    it was made, a run starts under the writer it holds until it publishes); where they
    cannot, its page names the snapshot without saying whether it is new."""
    config, _ = harvested(tmp_path)
    Pipeline(config).harvest()
    kept = report(config)
    run = {**kept["run"], "started": OLD_STARTED, "snapshot": snapshot}  # type: ignore[dict-item]
    del run["new_snapshot"]
    old = {**kept, "run": run}
    for lang, neutral, untrue in [
        ("en", "They are in the snapshot online:", "no new snapshot"),
        ("fr", "Elles figurent dans l’instantané en ligne :", "aucun nouvel instantané"),
        ("ar", "وهي في اللقطة المنشورة:", "لم تُنشر لقطة جديدة"),
    ]:
        page = report_html(old, lang)
        ids = [i for _, i in OLD_REPORTS if f'id="{i}"' in page]
        assert ids == [said], lang
        told = page[page.index(f'id="{said}"') :].split("</p>")[0]
        assert snapshot in told or said == "unchanged"
        if said == "unchanged-in-snapshot":
            assert neutral in told
            assert untrue not in page
    forced = {**run, "snapshot": OLD_REPORTS[0][0], "reason": "published with --force although: x"}
    assert 'id="unchanged-in-snapshot"' in report_html({**kept, "run": forced}, "en")


def test_a_run_recorded_before_new_snapshot_is_not_said_to_have_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run recorded before it kept ``new_snapshot`` (its report written again by ``museion
    report``, its summary printed) is told as its data tell: here the same second, unknown."""
    config, _ = harvested(tmp_path)
    [summary] = Pipeline(config).harvest()
    directory = Workspace(config.data_dir).runs_dir / "cmoa" / summary.run_id
    with closing(sqlite3.connect(directory / "run.sqlite")) as db, db:
        db.execute("DELETE FROM info WHERE key = 'new_snapshot'")
    run = Run.open(directory)
    try:
        run.set_info(started=OLD_STARTED, snapshot=OLD_REPORTS[2][0])
        old = HarvestSummary.of_run("cmoa", run)
        assert old.new_snapshot is None
        run.set_info(snapshot=OLD_REPORTS[0][0])
        assert HarvestSummary.of_run("cmoa", run).new_snapshot is True
        run.set_info(snapshot=OLD_REPORTS[1][0])
        assert HarvestSummary.of_run("cmoa", run).new_snapshot is False
        run.set_info(snapshot=OLD_REPORTS[2][0])
    finally:
        run.close()
    capsys.readouterr()
    print_summary(old)
    line = " ".join(capsys.readouterr().err.split())
    assert f"nothing changed: in snapshot {OLD_REPORTS[2][0]}" in line
    assert "no new snapshot" not in line
    done = CliRunner().invoke(main, ["--config", str(config.path), "report", "cmoa", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["run"]["new_snapshot"] is None
