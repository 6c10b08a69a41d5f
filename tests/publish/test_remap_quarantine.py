"""A remap counts what it changed record by record, and leaves the quarantine as it found it
but for the records it now maps.

``museion remap`` maps a source's stored records again. A remap that changed some of them
counted every record as changed (its summary, the partner report, the history of runs) and
wrote them all; its report listed only what the remap itself quarantined, so entries earlier
runs left there vanished from the partner's page though they stayed in the store; and a
record whose newer version the partner sent could not be mapped (quarantined, its older
version still published) left the quarantine at the remap, which had mapped only the older
version it holds. The real store and pipeline, the CMOA sample feed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from harvesters import SourceRecord
from mappings import Mapping, MappingContext
from mappings.declarative import engine
from museion import Pipeline, Workspace, load_config
from museion import mapper as mapper_module
from museion.cli import main
from museion.config import Config
from publish import RecordIndex
from publish.provenance import QUARANTINE_PAYLOAD_LIMIT
from sparql import report_html
from tests.conftest import ConfigWriter, files_source
from tests.publish.test_crash import make_feed
from tests.publish.test_unchanged_harvest import harvested, report
from tests.publish.test_unchanged_remap import MAPPING, mine, quarantined

BROKEN = "the mapping cannot read this record (a test's fault)"


def refusing(monkeypatch: pytest.MonkeyPatch, marker: bytes) -> None:
    """Map in this process (``jobs=1``), and fail every record whose payload holds ``marker``."""
    real = mapper_module.map_record

    def map_record(
        mapping: Mapping, item: SourceRecord, context: MappingContext
    ) -> mapper_module.Outcome:
        return BROKEN if marker in item.payload else real(mapping, item, context)

    monkeypatch.setattr(mapper_module, "map_record", map_record)


def listed(config: Config) -> list[str]:
    """The records the source's partner report lists as quarantined (its JSON)."""
    entries = report(config)["quarantined"]
    assert isinstance(entries, list)
    return sorted(str(q["record"] or q["origin"]) for q in entries)


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


def break_one(feed: Path) -> str:
    """Send a newer version of the first record that the mapping cannot read; its id (as
    ``mine``'s mapping reads it: the whole of the partner's)."""
    path = sorted(feed.glob("*.json"))[0]
    record = json.loads(path.read_text())
    path.write_text(json.dumps({**record, "title": "BREAK " + record["title"]}))
    return str(record["id"])


@pytest.mark.parametrize("mapping_edited", [False, True], ids=["same-output", "new-mapping"])
def test_a_newer_version_that_cannot_be_mapped_stays_quarantined_through_a_remap(
    tmp_path: Path,
    write_config: ConfigWriter,
    monkeypatch: pytest.MonkeyPatch,
    mapping_edited: bool,
) -> None:
    """The remap maps the older version the source holds, whether it gives the same output
    (nothing written) or a new one (a mapping edited since: every record written again): the
    entry of the newer version, which it never mapped, stays."""
    refusing(monkeypatch, b"BREAK")
    config, mapping = mine(tmp_path, write_config)
    broken = break_one(tmp_path / "feed")
    [harvest] = Pipeline(config, jobs=1).harvest()
    # the newer version is quarantined, the older one stays published
    assert (harvest.rejected, harvest.unchanged, harvest.deleted) == (1, 23, 0)
    assert quarantined(config) == {broken}
    assert listed(config) == [broken]
    if mapping_edited:
        mapping.write_text(MAPPING + 'accession_number = "accession_number"\n')
        config = load_config(config.path)

    summary = Pipeline(config, jobs=1).remap("cmoa")

    assert summary is not None
    assert summary.changed == (24 if mapping_edited else 0)
    assert quarantined(config) == {broken}
    assert listed(config) == [broken]
    # and the next harvest of the same feed finds nothing to change
    [again] = Pipeline(config, jobs=1).harvest()
    assert (again.rejected, again.unchanged, again.wrote_nothing) == (1, 23, True)


def test_a_record_a_remap_could_not_map_leaves_the_quarantine_once_it_maps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the remap quarantined is the version the source holds: mapped by a later remap, it
    leaves the quarantine (and its published version was never withdrawn)."""
    config, feed = harvested(tmp_path)
    first = json.loads(sorted(feed.glob("*.json"))[0].read_text())
    broken = str(first["id"]).removeprefix("cmoa:things/")
    with monkeypatch.context() as patch:
        refusing(patch, str(first["id"]).encode())
        summary = Pipeline(config, jobs=1).remap("cmoa")
    assert summary is not None
    assert (summary.rejected, summary.unchanged, summary.deleted) == (1, 23, 0)
    assert quarantined(config) == {broken}
    assert listed(config) == [broken]

    again = Pipeline(config, jobs=1).remap("cmoa")

    assert again is not None
    assert (again.rejected, again.wrote_nothing) == (0, False)
    assert quarantined(config) == set()
    assert listed(config) == []


def test_a_remap_report_lists_the_quarantine_earlier_runs_left(tmp_path: Path) -> None:
    """A file the feed sends broken stays quarantined through a remap (which reads no feed):
    the report says so, as the harvest's did, in each language."""
    config, feed = harvested(tmp_path)
    (feed / "broken.json").write_text("<html><body>502 Bad Gateway</body></html>")
    [harvest] = Pipeline(config).harvest()
    assert harvest.rejected == 1
    before = listed(config)
    assert len(before) == 1

    summary = Pipeline(config).remap("cmoa")

    assert summary is not None
    assert summary.rejected == 0
    said = report(config)
    assert listed(config) == before
    assert [q["earlier"] for q in said["quarantined"]] == [True]  # type: ignore[attr-defined]
    for lang, sentence in [
        ("en", "1 of them was quarantined by an earlier run"),
        ("fr", "1 d’entre elles a été mise en quarantaine par un traitement précédent"),
        ("ar", "وُضع سجل واحد منها في الحجر في عملية سابقة"),
    ]:
        assert sentence in report_html(said, lang)
    # and so does the command line's report
    done = CliRunner().invoke(main, ["--config", str(config.path), "report", "cmoa"])
    assert done.exit_code == 0, done.output
    assert "(by an earlier run, still in quarantine)" in " ".join(done.output.split())


PAST_THE_KEPT_PART = QUARANTINE_PAYLOAD_LIMIT + 40_000
"""Bytes of padding in a record: more than a quarantine entry keeps of its payload."""


def padded(feed: Path, tail: str = "") -> str:
    """Pad the first record of ``feed`` past what an entry keeps, ``tail`` at its very end
    (the versions differ only there); its id."""
    path = sorted(feed.glob("*.json"))[0]
    record = json.loads(path.read_text())
    record.pop("padding", None)
    path.write_text(json.dumps({**record, "padding": "x" * PAST_THE_KEPT_PART + tail}))
    return str(record["id"])


@pytest.mark.parametrize("remap_refuses_it", [False, True], ids=["mapped", "refused"])
def test_a_newer_version_differing_past_the_kept_payload_stays_quarantined(
    tmp_path: Path,
    write_config: ConfigWriter,
    monkeypatch: pytest.MonkeyPatch,
    remap_refuses_it: bool,
) -> None:
    """A quarantine entry keeps a payload's first 256 KB, yet it is the same payload only if
    the whole is: a newer version differing from the stored one past those 256 KB is not the
    stored one. The remap maps the stored version (it leaves the newer one's entry where it
    is), or refuses it too under an edited mapping (the entry keeps the newer version, not
    the stored one's)."""
    mapping = tmp_path / "mine.toml"
    mapping.write_text(MAPPING)
    feed = make_feed(tmp_path, 1)
    broken = padded(feed)
    config = load_config(write_config(files_source("cmoa", feed, str(mapping))))
    [first] = Pipeline(config, jobs=1).harvest()
    assert (first.new, first.rejected) == (24, 0)
    refusing(monkeypatch, b"BREAK")
    padded(feed, tail="BREAK")
    [harvest] = Pipeline(config, jobs=1).harvest()
    assert (harvest.rejected, harvest.unchanged) == (1, 23)
    assert quarantined(config) == {broken}
    newer = entries(config)
    assert [run for run, _ in newer] == [harvest.run_id]
    if remap_refuses_it:  # and another mapping, so that the remap writes
        refusing(monkeypatch, b"x" * 1000)
        mapping.write_text(MAPPING + 'accession_number = "accession_number"\n')
        config = load_config(config.path)

    summary = Pipeline(config, jobs=1).remap("cmoa")

    assert summary is not None
    assert summary.rejected == (1 if remap_refuses_it else 0)
    assert quarantined(config) == {broken}
    assert listed(config) == [broken]
    assert entries(config) == newer


def entries(config: Config) -> list[tuple[str, str | None]]:
    """The published quarantine's entries: the run that wrote each, and its payload's
    digest."""
    store = Workspace(config.data_dir).open_published()
    try:
        rows = store.select(
            "SELECT ?run ?d WHERE { ?q a <https://w3id.org/museion/ns#QuarantinedRecord> ; "
            "<http://www.w3.org/ns/prov#wasGeneratedBy> ?run "
            "OPTIONAL { ?q <https://w3id.org/museion/ns#checksum> ?d } }"
        )
        return sorted(
            (str(row["run"]).rsplit("/", 1)[-1], row.get("d") and str(row["d"])) for row in rows
        )
    finally:
        store.close()


def without_digests(config: Config) -> None:
    """Take the payload digests out of the working store's quarantine: its entries as a
    Museion that kept none wrote them."""
    store = pyoxigraph.Store(str(Workspace(config.data_dir).working_path))
    checksum = pyoxigraph.NamedNode("https://w3id.org/museion/ns#checksum")
    for quad in list(store.quads_for_pattern(None, checksum, None, None)):
        if "/quarantine/" in str(quad.subject):
            store.remove(quad)
    store.flush()


def test_an_entry_kept_before_its_digest_was_leaves_once_its_record_maps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry an earlier Museion wrote, which keeps no digest, is compared by the payload it
    kept whole (a payload cut at ``QUARANTINE_PAYLOAD_LIMIT`` is another's: it may differ
    past it)."""
    config, feed = harvested(tmp_path)
    first = json.loads(sorted(feed.glob("*.json"))[0].read_text())
    broken = str(first["id"]).removeprefix("cmoa:things/")
    with monkeypatch.context() as patch:
        refusing(patch, str(first["id"]).encode())
        Pipeline(config, jobs=1).remap("cmoa")
    assert quarantined(config) == {broken}
    without_digests(config)

    again = Pipeline(config, jobs=1).remap("cmoa")

    assert again is not None
    assert again.rejected == 0
    assert quarantined(config) == set()
