"""A remap whose mapping gives the same output publishes no new snapshot.

``museion remap`` maps every stored record again and staged each one as changed, so even a
remap that gave exactly what the store held (run twice, or after a vocabulary change that
touched none of the source's terms) was applied and published a new snapshot: the store
backed up, the search index rebuilt, older snapshots rotated out, the endpoint switched to
the same data under a new name. Now it is recorded as a harvest of an unchanged feed is: its
run published in the snapshot that holds its data, the command line and the report saying the
mapping gave the same output. A remap that changes a record's graph publishes as before.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import BlankNode

from mappings.declarative import engine
from museion import Pipeline, Workspace, load_config
from museion.cli import main
from museion.config import Config
from museion.console import print_summary
from sparql import report_html
from tests.conftest import ConfigWriter, files_source
from tests.publish.test_crash import make_feed, write_config
from tests.publish.test_unchanged_harvest import harvested, published, quads, report

LINKED_ART = Path(__file__).parents[1] / "data" / "linkedart"


def test_an_unchanged_remap_keeps_the_snapshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, feed = harvested(tmp_path)
    before = published(config)
    workspace = Workspace(config.data_dir)
    shutil.rmtree(feed)  # a remap never reads the feed

    summary = Pipeline(config).remap("cmoa")

    assert summary is not None
    assert (summary.status, summary.wrote_nothing, summary.remap) == ("published", True, True)
    assert (summary.snapshot, summary.new_snapshot) == (before["snapshot"], False)
    # no backup, no search build, no rotation, no switch: readers keep what they have
    assert published(config) == before
    current = workspace.published_path()
    assert current is not None
    assert quads(workspace.working_path) == quads(current)

    said = report(config)
    assert said["run"] == {
        **said["run"],  # type: ignore[dict-item]
        "id": summary.run_id,
        "remap": True,
        "kind": "remap",
        "snapshot": before["snapshot"],
        "new_snapshot": False,
        "wrote_nothing": True,
    }
    # each record mapped again is what the store held: unchanged, none changed, none written
    assert (summary.changed, summary.unchanged, summary.quads) == (0, 24, 0)
    assert said["counts"] == {**said["counts"], "changed": 0, "unchanged": 24}  # type: ignore[dict-item]
    assert said["diff"]["changed_count"] == 0  # type: ignore[index]
    assert said["history"][-1]["changed"] == 0  # type: ignore[index]
    page = (workspace.reports_dir / "cmoa.html").read_text(encoding="utf-8")
    assert 'id="no-changes"' in page
    assert 'id="remap-unchanged"' in page
    assert "the mapping gave the same output: no new snapshot was published" in page
    assert "Your records were read" not in page  # a remap reads no feed
    assert "la correspondance a donné le même résultat : aucun nouvel instantané" in (
        report_html(said, "fr")
    )
    assert "فأعطى التحويل النتيجة نفسها: لم تُنشر لقطة جديدة" in report_html(said, "ar")

    capsys.readouterr()
    print_summary(summary)
    line = " ".join(capsys.readouterr().err.split())
    assert "24 records read: 0 new, 0 changed, 24 unchanged" in line
    assert "(0 triples written" in line
    assert (
        "published: 24 records, the mapping gave the same output: still served from snapshot "
        f"{before['snapshot']} (no new snapshot)"
    ) in line

    # and the next harvest of the same feed finds every record unchanged, as before the remap
    make_feed(tmp_path, 1)
    [again] = Pipeline(config).harvest()
    assert (again.unchanged, again.wrote_nothing) == (24, True)
    assert published(config) == before


def test_the_command_line_says_the_mapping_gave_the_same_output(tmp_path: Path) -> None:
    config = write_config(tmp_path, make_feed(tmp_path, 1))
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(config), "harvest"]).exit_code == 0
    snapshot = Workspace(load_config(config).data_dir).published_path()
    assert snapshot is not None

    done = runner.invoke(main, ["--config", str(config), "remap", "cmoa"])

    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    assert (
        "published: 24 records, the mapping gave the same output: still served from snapshot "
        f"{snapshot.name} (no new snapshot)"
    ) in said
    assert Workspace(load_config(config).data_dir).published_path() == snapshot


MAPPING = '[mapping]\nname = "mine"\n[object]\nid = "id"\ntitles = "title"\n'


def mine(tmp_path: Path, write_config: ConfigWriter) -> tuple[Config, Path]:
    """The CMOA sample harvested with a mapping of the partner's own (titles only)."""
    mapping = tmp_path / "mine.toml"
    mapping.write_text(MAPPING)
    config = load_config(write_config(files_source("cmoa", make_feed(tmp_path, 1), str(mapping))))
    Pipeline(config).harvest()
    return config, mapping


def test_a_changed_mapping_publishes(tmp_path: Path, write_config: ConfigWriter) -> None:
    config, mapping = mine(tmp_path, write_config)
    before = published(config)
    mapping.write_text(MAPPING + 'accession_number = "accession_number"\n')
    config = load_config(config.path)

    summary = Pipeline(config).remap("cmoa")

    assert summary is not None
    assert (summary.status, summary.changed, summary.wrote_nothing) == ("published", 24, False)
    after = published(config)
    assert after["snapshot"] != before["snapshot"]
    assert (summary.snapshot, summary.new_snapshot) == (after["snapshot"], True)
    page = (Workspace(config.data_dir).reports_dir / "cmoa.html").read_text(encoding="utf-8")
    assert "remap-unchanged" not in page


def test_a_graph_changed_under_the_same_mapping_version_publishes(
    tmp_path: Path, write_config: ConfigWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the mapping makes changed while its version did not (as Museion's own data may
    change what a built-in mapping writes): each record's row in the index is the same, its
    graph is not, and the remap publishes it."""
    monkeypatch.setattr(engine, "_fingerprint", lambda text: "same")
    config, mapping = mine(tmp_path, write_config)
    before = published(config)
    mapping.write_text(MAPPING + 'accession_number = "accession_number"\n')
    config = load_config(config.path)
    assert config.source("cmoa").mapping.version == "1+same"

    summary = Pipeline(config).remap("cmoa")

    assert summary is not None
    assert (summary.changed, summary.wrote_nothing) == (24, False)
    assert published(config)["snapshot"] != before["snapshot"]
    numbers = Workspace(config.data_dir).open_published()
    try:
        found = numbers.select(
            "SELECT ?n WHERE { ?i <http://www.cidoc-crm.org/cidoc-crm/P2_has_type> "
            "<http://vocab.getty.edu/aat/300312355> ; "
            "<http://www.cidoc-crm.org/cidoc-crm/P190_has_symbolic_content> ?n }"
        )
    finally:
        numbers.close()
    assert len(found) == 24


def test_an_unchanged_remap_of_linked_art_with_blank_nodes_keeps_the_snapshot(
    tmp_path: Path,
) -> None:
    """A partner's Linked Art keeps its blank nodes, whose labels the store need not write
    back as they were read: the graphs are compared as graphs."""
    feed = tmp_path / "dump"
    shutil.copytree(LINKED_ART, feed)
    path = tmp_path / "museion.toml"
    path.write_text(
        '[store]\npath = "store"\n[publish]\nbase_iri = "https://network.example.org/"\n'
        f'[[sources]]\nname = "la"\nkind = "rdf"\nlocation = "{feed.as_posix()}"\n'
        'mapping = "linkedart"\n[sources.partner]\nlabel = "Linked Art"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    [first] = Pipeline(config).harvest()
    assert first.new == 4, first
    assert any(
        isinstance(q.subject, BlankNode) for q in quads(Workspace(config.data_dir).working_path)
    )
    before = published(config)

    summary = Pipeline(config).remap("la")

    assert summary is not None
    assert (summary.wrote_nothing, summary.new_snapshot) == (True, False)
    assert published(config) == before


def test_an_unchanged_remap_in_a_new_snapshot_is_told_that_snapshot_is_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reconciliation settings changed since the last publish: the remap's publish makes
    a new snapshot though its mapping gave the same output, and says so, by name."""
    config, _ = harvested(tmp_path)
    before = published(config)
    text = config.path.read_text().replace(
        "[sources.gates]", "[reconciliation]\nthreshold = 0.95\n[sources.gates]"
    )
    config.path.write_text(text)
    config = load_config(config.path)

    summary = Pipeline(config).remap("cmoa")

    assert summary is not None
    after = published(config)
    assert after["snapshot"] != before["snapshot"]
    assert (summary.wrote_nothing, summary.new_snapshot) == (True, True)
    assert summary.snapshot == after["snapshot"]
    said = report(config)
    for lang, sentence in [
        ("en", "They are in the new snapshot this remap published:"),
        ("fr", "Elles figurent dans le nouvel instantané que cette nouvelle conversion"),
        ("ar", "وهي في اللقطة الجديدة التي نشرتها إعادة التحويل هذه"),
    ]:
        page = report_html(said, lang)
        told = page[page.index('id="remap-unchanged-in-new-snapshot"') :].split("</p>")[0]
        assert sentence in told
        assert f"<code>{after['snapshot']}</code>" in told
        assert 'id="unchanged' not in page
    capsys.readouterr()
    print_summary(summary)
    line = " ".join(capsys.readouterr().err.split())
    assert f"the mapping gave the same output: in the new snapshot {after['snapshot']}" in line


def quarantined(config: Config) -> set[str]:
    """The identifiers of the quarantined records the published snapshot lists."""
    store = Workspace(config.data_dir).open_published()
    try:
        return {
            str(row["id"])
            for row in store.select(
                "SELECT ?id WHERE { ?q a <https://w3id.org/museion/ns#QuarantinedRecord> ; "
                "<http://purl.org/dc/terms/identifier> ?id }"
            )
        }
    finally:
        store.close()


def test_a_remap_keeps_the_quarantine_of_a_record_the_feed_sent_twice(tmp_path: Path) -> None:
    """A second record under a stored record's id, with other content, is quarantined by the
    harvest. A remap maps the stored record only, yet took the entry out of the quarantine
    as if it had mended it: every remap of such a feed published, saying the duplicate was
    no longer refused, and the next harvest put the entry back and published again."""
    feed = make_feed(tmp_path, 1)
    first = sorted(feed.glob("*.json"))[0]
    twin = {**json.loads(first.read_text()), "title": "A later record with the same id"}
    (feed / "zz-twin.json").write_text(json.dumps(twin))
    config = load_config(write_config(tmp_path, feed))
    [harvest] = Pipeline(config).harvest()
    assert (harvest.new, harvest.rejected) == (24, 1)
    before = published(config)
    refused = quarantined(config)
    assert len(refused) == 1

    summary = Pipeline(config).remap("cmoa")

    assert summary is not None
    assert (summary.wrote_nothing, summary.unchanged) == (True, 24)
    assert published(config) == before
    assert quarantined(config) == refused
    [again] = Pipeline(config).harvest()  # the same feed: nothing to put back
    assert (again.wrote_nothing, again.rejected) == (True, 1)
    assert published(config) == before
