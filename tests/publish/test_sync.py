"""Incremental sync, provenance, gates, remap, reports and dry runs, on real Oxigraph stores."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from lxml import html
from pyoxigraph import NamedNode, Quad, QuerySolutions

from museion import Pipeline, Workspace, build_report, load_config, render_html
from museion.config import Config
from museion.coverage import Coverage
from museion.report import latest_run
from museion_core.errors import HarvestError
from publish import RecordIndex
from store import Store
from tests.conftest import BASE, ConfigWriter, files_source
from tests.helpers.cli import museion
from tests.helpers.samples import sample_feeds

CMOA = sample_feeds() / "cmoa"
PREFIXES = """PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX museion: <https://w3id.org/museion/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""


def rows(store: Store, query: str) -> list[dict[str, Any]]:
    results = store.query(PREFIXES + query)
    assert isinstance(results, QuerySolutions)
    names = [v.value for v in results.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in results]


def published(config: Config) -> Store:
    return Workspace(config.data_dir).open_published()


def record_graphs(store: Store) -> set[Quad]:
    """Every quad of every record graph: the partner data, without Museion's bookkeeping."""
    return {
        q
        for q in store.oxigraph
        if isinstance(q.graph_name, NamedNode) and "/record/" in q.graph_name.value
    }


def edit(feed: Path, name: str, **changes: object) -> None:
    path = feed / name
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    copy = tmp_path / "feed"
    shutil.copytree(CMOA, copy)
    return copy


@pytest.fixture
def config(write_config: ConfigWriter, feed: Path) -> Config:
    return load_config(write_config(files_source("cmoa", feed, "cmoa", label="CMOA")))


def names(feed: Path) -> list[str]:
    return sorted(p.name for p in feed.glob("*.json"))


def test_sync_to_exactly_the_new_state(
    config: Config, feed: Path, write_config: ConfigWriter, tmp_path: Path
) -> None:
    [first] = Pipeline(config).harvest()
    assert (first.new, first.records_after) == (24, 24)
    files = names(feed)
    edit(feed, files[0], title="A new title")
    edit(feed, files[1], medium="oil on panel")
    (feed / files[2]).unlink()
    (feed / files[3]).unlink()
    extra = json.loads((feed / files[4]).read_text())
    for n in (1, 2):
        (feed / f"new-{n}.json").write_text(json.dumps({**extra, "id": f"cmoa:things/new-{n}"}))

    [second] = Pipeline(config).harvest()
    assert (second.new, second.changed, second.unchanged, second.deleted) == (2, 2, 20, 2)
    assert (second.records_before, second.records_after) == (24, 24)

    # The published store holds exactly what a clean harvest of the new feed makes.
    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    shutil.copytree(feed, clean_dir / "feed")
    clean = load_config(
        write_config(
            files_source("cmoa", clean_dir / "feed", "cmoa", label="CMOA"), directory=clean_dir
        )
    )
    Pipeline(clean).harvest()
    store = published(config)
    assert record_graphs(store) == record_graphs(published(clean))

    # Withdrawn records leave tombstones; their graphs are gone.
    gone = rows(
        store,
        """SELECT ?entity ?id ?when WHERE { ?entity a museion:Tombstone ;
        dcterms:identifier ?id ; museion:deletedAt ?when }""",
    )
    assert sorted(r["id"] for r in gone) == sorted(f.removesuffix(".json") for f in files[2:4])
    for row in gone:
        described = rows(store, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{row['entity']}> ?p ?o }} }}")
        assert {r["g"] for r in described} == {f"{BASE}meta"}  # only the tombstone is left

    # Provenance of each run is queryable.
    runs = rows(
        store,
        """SELECT ?run ?new ?changed ?unchanged ?deleted WHERE {
        ?run a prov:Activity ; museion:recordsNew ?new ; museion:recordsChanged ?changed ;
             museion:recordsUnchanged ?unchanged ; museion:recordsDeleted ?deleted ;
             prov:startedAtTime ?start } ORDER BY ?run""",
    )
    assert [(r["new"], r["changed"], r["unchanged"], r["deleted"]) for r in runs] == [
        ("24", "0", "0", "0"),
        ("2", "2", "20", "2"),
    ]


def test_an_unchanged_reharvest_rewrites_nothing(config: Config) -> None:
    Pipeline(config).harvest()
    before = published(config)
    written_by = {
        r["g"]: (r["run"], r["modified"])
        for r in rows(
            before,
            """
        SELECT ?g ?run ?modified WHERE { GRAPH ?m { ?g a museion:RecordGraph ;
            prov:wasGeneratedBy ?run ; dcterms:modified ?modified } }""",
        )
    }
    data = record_graphs(before)
    [again] = Pipeline(config).harvest()
    assert (again.unchanged, again.new, again.changed, again.quads) == (24, 0, 0, 0)
    after = published(config)
    assert record_graphs(after) == data
    # Each record graph is still the one the first run wrote: nothing was rewritten.
    assert {
        r["g"]: (r["run"], r["modified"])
        for r in rows(
            after,
            """
        SELECT ?g ?run ?modified WHERE { GRAPH ?m { ?g a museion:RecordGraph ;
            prov:wasGeneratedBy ?run ; dcterms:modified ?modified } }""",
        )
    } == written_by


def test_record_provenance(config: Config) -> None:
    Pipeline(config).harvest()
    [row] = rows(
        published(config),
        f"""
        SELECT ?id ?checksum ?created ?modified ?run ?mapping ?dataset WHERE {{
          ?g foaf:primaryTopic <{BASE}cmoa/object/f70d03e3-0fe7-4f6a-a430-ddced6d09d82> ;
             dcterms:identifier ?id ; museion:checksum ?checksum ; dcterms:created ?created ;
             dcterms:modified ?modified ; prov:wasGeneratedBy ?run ; museion:mapping ?mapping ;
             void:inDataset ?dataset }}""",
    )
    assert row["id"] == "f70d03e3-0fe7-4f6a-a430-ddced6d09d82"
    assert len(row["checksum"]) == 64
    assert row["created"] == row["modified"]
    assert row["mapping"].startswith("cmoa@2+")
    assert row["dataset"] == f"{BASE}dataset/cmoa"
    assert row["run"].startswith(f"{BASE}cmoa/run/")


def test_a_feed_that_loses_30_percent_is_held(config: Config, feed: Path) -> None:
    Pipeline(config).harvest()
    snapshot = Workspace(config.data_dir).published_path()
    data = record_graphs(published(config))
    for name in names(feed)[:8]:  # 8 of 24 = 33%
        (feed / name).unlink()
    [held] = Pipeline(config).harvest()
    assert held.status == "held"
    assert held.reason is not None
    assert "from 24 to 16 records (-33%)" in held.reason
    # Nothing changed for readers: same snapshot, same data.
    assert Workspace(config.data_dir).published_path() == snapshot
    assert record_graphs(published(config)) == data
    # A person decides the loss is real.
    with pytest.raises(HarvestError, match="--force"):
        Pipeline(config).publish_held("cmoa", force=False)
    forced = Pipeline(config).publish_held("cmoa", force=True)
    assert forced.status == "published"
    store = published(config)
    assert rows(store, "SELECT (COUNT(?o) AS ?n) WHERE { ?o a crm:E22_Human-Made_Object }") == [
        {"n": "16"}
    ]


def test_a_newer_run_supersedes_a_held_one(config: Config, feed: Path) -> None:
    Pipeline(config).harvest()
    removed = {name: (feed / name).read_text() for name in names(feed)[:8]}
    for name in removed:
        (feed / name).unlink()
    assert Pipeline(config).harvest()[0].status == "held"
    for name, text in removed.items():
        (feed / name).write_text(text)
    [run] = Pipeline(config).harvest()
    assert (run.status, run.unchanged) == ("published", 24)
    with pytest.raises(HarvestError, match="no held run"):
        Pipeline(config).publish_held("cmoa", force=True)


def test_remap_before_any_harvest_says_to_harvest_first(
    write_config: ConfigWriter, feed: Path
) -> None:
    """It published an empty run, as if the source had nothing."""
    config = load_config(write_config(files_source("cmoa", feed, "cmoa")))
    with pytest.raises(HarvestError, match="harvest it first"):
        Pipeline(config).remap("cmoa")
    assert Workspace(config.data_dir).published_path() is None


def test_remap_of_a_source_whose_feed_left_no_record_says_there_is_nothing_to_remap(
    write_config: ConfigWriter, feed: Path
) -> None:
    """A partner's feed came empty and its records were withdrawn; ``museion remap`` then
    said "has no stored records to map again: harvest it first" of a source just harvested,
    and failed (exit 1). It says there is nothing to remap, publishes nothing (no run, no
    snapshot) and exits 0, as a harvest with nothing to do does."""
    gates = "{ max_record_drop = 1.0 }"
    path = write_config(files_source("cmoa", feed, "cmoa", gates=gates))
    config = load_config(path)
    Pipeline(config).harvest()
    for name in names(feed):
        (feed / name).unlink()
    (feed / "none.json").write_text("[]")  # an export that found nothing
    [emptied] = Pipeline(config).harvest()
    assert (emptied.status, emptied.deleted, emptied.records_after) == ("published", 24, 0)
    workspace = Workspace(config.data_dir)
    snapshot, runs = workspace.published_path(), workspace.run_dirs("cmoa")

    done = museion("--config", str(path), "remap", "cmoa")
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr == (
        "cmoa: nothing to remap: no record of this source is stored (none was published, or "
        "every one was withdrawn); nothing was mapped or published\n"
    )
    assert (workspace.published_path(), workspace.run_dirs("cmoa")) == (snapshot, runs)


def test_remap_rebuilds_from_stored_payloads(
    write_config: ConfigWriter, feed: Path, tmp_path: Path
) -> None:
    mapping = tmp_path / "mine.toml"
    mapping.write_text('[mapping]\nname = "mine"\n[object]\nid = "id"\ntitles = "title"\n')
    config = load_config(write_config(files_source("cmoa", feed, str(mapping))))
    Pipeline(config).harvest()
    shutil.rmtree(feed)  # remapping never reads the feed
    mapping.write_text(
        '[mapping]\nname = "mine"\nversion = "2"\n[object]\nid = "id"\n'
        'titles = "title"\naccession_number = "accession_number"\n'
    )
    config = load_config(config.path)
    summary = Pipeline(config).remap("cmoa")
    assert summary is not None
    assert (summary.changed, summary.status) == (24, "published")
    numbers = rows(
        published(config),
        """SELECT ?n WHERE { ?o crm:P1_is_identified_by ?i .
        ?i crm:P2_has_type <http://vocab.getty.edu/aat/300312355> ;
           crm:P190_has_symbolic_content ?n }""",
    )
    assert len(numbers) == 24


def test_partner_report(config: Config, feed: Path) -> None:
    Pipeline(config).harvest()
    changed = names(feed)[0].removesuffix(".json")
    title = json.loads((feed / names(feed)[0]).read_text())["title"]
    (feed / "broken.json").write_text('{"title": "no id"}')
    edit(
        feed,
        names(feed)[0],
        title="Changed",
        creation_date="date not known",
        creation_date_earliest=None,
        creation_date_latest=None,
    )
    Pipeline(config).harvest()
    workspace = Workspace(config.data_dir)
    index = RecordIndex(workspace.index_path)
    run = latest_run(workspace.run_dirs("cmoa"), None, "cmoa")
    report = build_report(config.source("cmoa"), index, run)
    assert report["counts"] == {
        "read": 25,
        "new": 0,
        "changed": 1,
        "unchanged": 23,
        "deleted": 0,
        "quarantined": 1,
        "records_before": 24,
        "records_after": 24,
    }
    [quarantined] = report["quarantined"]
    assert quarantined["origin"].endswith("broken.json")
    assert "no identifier" in quarantined["reason"]
    coverage = {f["field"]: f["records"] for f in report["coverage"]["fields"]}
    assert coverage["title"] == 24
    assert coverage["creator"] == 24
    assert 0 < coverage["image"] < 24
    undated = [
        local_id
        for local_id, kind, flags, _ in index.kinds_flags_fields("cmoa")
        if kind == "object" and flags & Coverage.DATE_TEXT_ONLY
    ]
    assert report["coverage"]["dates_not_understood"] == len(undated) == 1
    assert report["diff"]["changed"] == [changed]
    assert report["diff"]["against"] is not None
    # what changed in it, field by field: the partner can check what Museion saw
    edits = {e["field"]: e for e in report["diff"]["edits"][changed]["fields"]}
    assert (edits["title"]["before"], edits["title"]["after"]) == (title, "Changed")
    assert edits["creation_date"]["after"] == "date not known"
    assert edits["creation_date_earliest"]["before"] != ""
    assert edits["creation_date_earliest"]["after"] == ""
    unused = {f["field"] for f in report["unused_fields"]}
    assert "physical_location" in unused
    assert "title" not in unused
    assert len(report["history"]) == 2
    json.dumps(report)  # the JSON report is plain data
    page = html.fromstring(render_html(report))
    assert page.xpath("string(//h1)") == "CMOA"  # the name in its <bdi>
    assert "Changed" in [e.text for e in page.iter("ins")]
    charts = [e for e in page.iter("ul") if e.get("class") == "chart"]
    assert len(charts) == 2  # field coverage, Object ID
    assert len(page.findall(".//svg")) == 1  # runs
    assert any((h.text or "").startswith("Object ID (") for h in page.iter("h2"))
    assert report["object_id"]["elements_total"] == 10
    assert "no identifier" in html.tostring(page, encoding="unicode")
    run.close()
    index.close()


def test_check_is_a_dry_run(config: Config, feed: Path) -> None:
    Pipeline(config).harvest()
    workspace = Workspace(config.data_dir)
    snapshot = workspace.published_path()
    (feed / names(feed)[0]).unlink()
    edit(feed, names(feed)[0], title="Changed")
    with Pipeline(config).check("cmoa") as (summary, run):
        assert (summary.deleted, summary.changed, summary.status) == (1, 1, "checked")
        index = RecordIndex(workspace.index_path)
        report = build_report(config.source("cmoa"), index, run)
        assert report["diff"]["removed_count"] == 1
        assert report["counts"]["records_after"] == 23
        # Coverage as the run would leave the source: the removed record is not counted.
        assert report["coverage"]["objects"] == 23
        object_id = report["object_id"]
        assert object_id["complete"] + object_id["incomplete"] == 23
        index.close()
    assert workspace.published_path() == snapshot
    assert not list(config.data_dir.glob("check-*"))  # the scratch run is gone
    [again] = Pipeline(config).harvest()  # the real harvest still sees both changes
    assert (again.deleted, again.changed) == (1, 1)


def test_only_one_writer(config: Config) -> None:
    workspace = Workspace(config.data_dir)
    with workspace.lock(), pytest.raises(Exception, match="another museion process"):
        Pipeline(config).harvest()


def test_reconciliation_reruns_only_when_the_named_entities_change(
    config: Config, feed: Path
) -> None:
    Pipeline(config).harvest()
    edit(feed, names(feed)[0], title="Only the title changed")
    pipeline = Pipeline(config)
    pipeline.harvest()
    assert pipeline.reconciliation is None  # nothing about persons, groups or places changed
    path = feed / names(feed)[0]
    record = json.loads(path.read_text())
    record["creator"][0]["full_name"] = "Somebody Else"
    path.write_text(json.dumps(record))
    pipeline = Pipeline(config)
    pipeline.harvest()
    assert pipeline.reconciliation is not None
