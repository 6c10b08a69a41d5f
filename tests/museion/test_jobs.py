"""The map stage on several cores and several sources at once (``--jobs``, ``[store] jobs``).

One and two jobs must give the same store and the same partner reports, through deletions,
changes, duplicates and quarantines; a mapping that raises costs its record, a worker that dies
fails its source cleanly (never a hang), and two slow OAI-PMH repositories are harvested at
once. Batches are small and every batch goes to the workers, so several are in flight.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pyoxigraph import NamedNode, RdfFormat, parse, serialize

import museion.mapper
from harvesters import SourceRecord
from mappings import MappingContext, get_mapping
from museion import Pipeline, Workspace, load_config
from museion.config import Config
from museion.pipeline import SourcesFailedError
from museion.stages import publishing
from museion_core import messages
from museion_core.errors import ConfigError, HarvestError
from publish import Change, RecordIndex, Run, StagedRecord
from tests.conftest import BASE, DATA, ConfigWriter, files_source
from tests.helpers.crashing import CrashingMapping
from tests.helpers.oai import OaiServer, lido_records, record_id, serve_oai

EXAMPLES = Path(museion.__file__).parent / "examples"
ONE_DAY = timedelta(days=1)
VOLATILE = ("generated", "run", "history")
"""Report fields that name the run or its time, which differ from one harvest to the next."""


@pytest.fixture(autouse=True)
def _every_batch_to_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(museion.mapper, "POOL_MIN_RECORDS", 1)


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    """120 CMOA and 60 Tate records; two CMOA ids again later with another title; a broken
    file."""
    root = tmp_path / "feed"
    cmoa = sorted((EXAMPLES / "cmoa").glob("*.json"))[:120]
    (root / "cmoa").mkdir(parents=True)
    for path in cmoa:
        shutil.copy(path, root / "cmoa" / path.name)
    twin = json.loads(cmoa[2].read_text(encoding="utf-8"))
    twin["title"] = "A later record with the same id"
    (root / "cmoa" / "zz-twin.json").write_text(json.dumps(twin), encoding="utf-8")
    # And one in the very next batch (batches of 16), which is mapped while the first is.
    near = json.loads(cmoa[5].read_text(encoding="utf-8"))
    near["title"] = "A later record with the same id"
    (root / "cmoa" / f"{cmoa[20].stem}-twin.json").write_text(json.dumps(near), encoding="utf-8")
    (root / "cmoa" / "zz-broken.json").write_text("{not json", encoding="utf-8")
    (root / "tate").mkdir()
    for path in sorted((EXAMPLES / "tate" / "artworks").glob("*.json"))[:60]:
        shutil.copy(path, root / "tate" / path.name)
    return root


def configure(write_config: ConfigWriter, feed: Path, directory: Path) -> Config:
    directory.mkdir(exist_ok=True)
    return load_config(
        write_config(
            files_source("cmoa", feed / "cmoa", "cmoa"),
            files_source("tate", feed / "tate", "tate"),
            directory=directory,
        )
    )


def small_batches(config: Config) -> Config:
    return dataclasses.replace(config, batch_size=16)


RUN_IRI = re.compile(r"/run/[^>]+>")
WHEN = re.compile(r'"(\d{4}-\d\d-\d\d)T[^"]*"')
"""A date-time literal: the harvest's own times (runs, changes, deletions) are today's."""


def record_quads(config: Config) -> list[str]:
    """The published store as sorted N-Quads, with run ids and the times of the harvest (in
    the metadata graph and its copy in the default graph) replaced by placeholders."""
    store = Workspace(config.data_dir).open_published()
    try:
        text = serialize(store.oxigraph, format=RdfFormat.N_QUADS) or b""
    finally:
        store.close()
    today = {datetime.now(UTC).date().isoformat(), (datetime.now(UTC) - ONE_DAY).date().isoformat()}

    def when(match: re.Match[str]) -> str:
        return '"TODAY"' if match[1] in today else match[0]

    lines = (RUN_IRI.sub("/run/RUN>", line) for line in text.decode().splitlines())
    return sorted(WHEN.sub(when, line) for line in lines)


def reports(config: Config) -> dict[str, Any]:
    folder = Workspace(config.data_dir).reports_dir
    found = {}
    for source in ("cmoa", "tate"):
        report = json.loads((folder / f"{source}.json").read_text(encoding="utf-8"))
        report["diff"].pop("against", None)
        found[source] = {k: v for k, v in report.items() if k not in VOLATILE}
    return found


def test_one_and_two_jobs_give_the_same_store_and_reports(
    feed: Path, write_config: ConfigWriter, tmp_path: Path
) -> None:
    configs = {
        jobs: small_batches(configure(write_config, feed, tmp_path / f"jobs{jobs}"))
        for jobs in (1, 2)
    }
    for jobs, config in configs.items():
        Pipeline(config, jobs=jobs).harvest()
    first = {jobs: (record_quads(c), reports(c)) for jobs, c in configs.items()}
    assert first[1] == first[2]
    quads, report = first[2]
    # The first record with an id is kept, its later twin (several batches on) quarantined.
    assert not any("A later record with the same id" in line for line in quads)
    reasons = [q["reason"] for q in report["cmoa"]["quarantined"]]
    assert sum("occurs twice in the feed" in r for r in reasons) == 2
    assert any("zz-broken.json" in q["origin"] for q in report["cmoa"]["quarantined"])

    gone = sorted((feed / "cmoa").glob("*.json"))[40:45]
    for path in gone:
        path.unlink()
    changed = sorted((feed / "tate").glob("*.json"))[3]
    record = json.loads(changed.read_text(encoding="utf-8"))
    record["title"] = "Retitled between harvests"
    changed.write_text(json.dumps(record), encoding="utf-8")
    for jobs, config in configs.items():
        Pipeline(config, jobs=jobs).harvest()
    second = {jobs: (record_quads(c), reports(c)) for jobs, c in configs.items()}
    assert second[1] == second[2]
    quads, report = second[2]
    assert report["cmoa"]["counts"]["deleted"] == len(gone)
    assert report["tate"]["counts"]["changed"] == 1
    store = Workspace(configs[2].data_dir).open_published()
    try:
        kept = sorted((feed / "cmoa").glob("*.json"))[0]
        assert store.has_graph(NamedNode(f"{BASE}cmoa/record/{kept.stem}"))
        assert not any(store.has_graph(NamedNode(f"{BASE}cmoa/record/{p.stem}")) for p in gone)
    finally:
        store.close()
    assert any("Retitled between harvests" in line for line in quads)


def with_mapping(config: Config, name: str, mapping: Any) -> Config:
    sources = [
        dataclasses.replace(s, mapping=mapping) if s.name == name else s for s in config.sources
    ]
    return dataclasses.replace(config, sources=sources)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_mapping_that_raises_costs_its_record_only(
    jobs: int, feed: Path, write_config: ConfigWriter, tmp_path: Path
) -> None:
    config = small_batches(configure(write_config, feed, tmp_path / "store"))
    victim = sorted((feed / "tate").glob("*.json"))[20]
    local_id = config.source("tate").mapping.identify(json.loads(victim.read_bytes()))
    config = with_mapping(config, "tate", CrashingMapping(config.source("tate").mapping, local_id))
    summaries = {s.source: s for s in Pipeline(config, jobs=jobs).harvest()}
    tate = summaries["tate"]
    assert tate.status == "published"
    assert [r.record for r in tate.rejections] == [local_id]
    assert "RuntimeError: cannot cope with" in tate.rejections[0].reason
    assert tate.new == 59


def run_with_deadline(target: Any, seconds: float = 300) -> BaseException | None:
    """Run ``target`` in a thread; fail the test (not hang it) if it does not end in time."""
    raised: list[BaseException] = []

    def work() -> None:
        try:
            target()
        except BaseException as exc:  # handed to the test
            raised.append(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the harvest hangs"
    return raised[0] if raised else None


def test_a_killed_worker_fails_its_source_only_and_the_next_harvest_resumes(
    feed: Path, write_config: ConfigWriter, tmp_path: Path
) -> None:
    config = small_batches(configure(write_config, feed, tmp_path / "store"))
    victim = sorted((feed / "tate").glob("*.json"))[40]
    local_id = config.source("tate").mapping.identify(json.loads(victim.read_bytes()))
    mapping = config.source("tate").mapping
    killing = with_mapping(config, "tate", CrashingMapping(mapping, local_id, kill=True))

    failed = run_with_deadline(lambda: Pipeline(killing, jobs=2).harvest())
    assert isinstance(failed, SourcesFailedError)
    assert [f.source for f in failed.failures] == ["tate"]
    assert "a map worker process died" in failed.failures[0].one_line()
    assert "the next harvest resumes after the last staged batch" in failed.failures[0].one_line()
    assert [(s.source, s.status) for s in failed.summaries] == [("cmoa", "published")]

    # The writer lock was released, and the run resumes after its last staged batch.
    failed = run_with_deadline(lambda: Pipeline(config, jobs=2).harvest(("tate",)))
    assert failed is None
    report = reports(config)["tate"]
    assert report["counts"]["records_after"] == 60
    assert any(local_id in line for line in record_quads(config))


def test_a_worker_that_cannot_run_fails_cleanly(
    feed: Path, write_config: ConfigWriter, tmp_path: Path
) -> None:
    config = small_batches(configure(write_config, feed, tmp_path / "store"))
    with pytest.raises(SourcesFailedError) as failed:
        Pipeline(with_mapping(config, "cmoa", _Unloadable()), jobs=2).harvest(("cmoa", "tate"))
    assert [f.source for f in failed.value.failures] == ["cmoa"]
    assert isinstance(failed.value.failures[0], HarvestError)
    assert "a map worker failed" in failed.value.failures[0].one_line()


class _Unloadable:
    """Pickles, but cannot be unpickled in a worker."""

    name = "cmoa"
    version = "broken"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_refuse, ())

    def identify(self, record: Any) -> str:
        return str(record["id"])


def _refuse() -> None:
    raise RuntimeError("this mapping cannot be loaded here")


# -- several sources at once ------------------------------------------------------------------


@pytest.fixture
def two_slow_repositories() -> Iterator[list[tuple[OaiServer, list[tuple[float, float]]]]]:
    files = sorted((DATA / "lido").glob("*.xml"))
    records = [lido for path in files for lido in lido_records(etree.parse(str(path)).getroot())]
    with serve_oai(page_size=2) as one, serve_oai(page_size=2) as two:
        served = []
        for server, name in ((one, "one"), (two, "two")):
            seen: set[str] = set()
            for lido in records:
                if record_id(lido) not in seen:
                    seen.add(record_id(lido))
                    server.repository.put(
                        f"oai:{name}:{record_id(lido)}", etree.tostring(lido), OLD
                    )
            spans: list[tuple[float, float]] = []
            server.fault = _slow(spans)
            served.append((server, spans))
        yield served


def _slow(spans: list[tuple[float, float]]) -> Any:
    """A fault that lets each answer take a while, noting when it started and ended."""

    def fault(params: dict[str, str], body: bytes) -> None:
        del params, body
        began = time.monotonic()
        time.sleep(0.3)
        spans.append((began, time.monotonic()))

    return fault


OLD = datetime(2024, 1, 1)


def oai(name: str, url: str) -> str:
    return "\n".join(
        [
            f'name = "{name}"',
            'kind = "oaipmh"',
            f'location = "{url}"',
            'mapping = "lido"',
            "[sources.partner]",
            f'label = "{name.title()}"',
        ]
    )


def test_two_slow_repositories_are_harvested_at_once(
    two_slow_repositories: list[tuple[OaiServer, list[tuple[float, float]]]],
    write_config: ConfigWriter,
) -> None:
    (one, one_spans), (two, two_spans) = two_slow_repositories
    config = load_config(write_config(oai("one", one.url), oai("two", two.url)))
    summaries = Pipeline(config, jobs=2).harvest()
    assert [(s.source, s.status) for s in summaries] == [
        ("one", "published"),
        ("two", "published"),
    ]
    assert summaries[0].new == summaries[1].new > 0
    # Both servers were answering at the same moment at least once.
    assert any(a < d and c < b for a, b in one_spans for c, d in two_spans)


def test_remap_maps_in_the_workers_and_rebuilds_the_same_graphs(
    feed: Path, write_config: ConfigWriter, tmp_path: Path
) -> None:
    config = small_batches(configure(write_config, feed, tmp_path / "store"))
    Pipeline(config, jobs=1).harvest()
    graphs = re.compile(rf"<{re.escape(BASE)}cmoa/record/[^>]+> \.$")

    def cmoa_graphs() -> list[str]:
        return [line for line in record_quads(config) if graphs.search(line)]

    before = cmoa_graphs()
    assert len({line.rsplit(" ", 2)[-2] for line in before}) == 120
    summary = Pipeline(config, jobs=2).remap("cmoa")
    assert summary is not None
    assert summary.status == "published"
    # the same graphs, each found as the store held it (the twins' quarantine kept as well):
    # unchanged, and nothing written
    assert (summary.unchanged, summary.wrote_nothing) == (120, True)
    assert cmoa_graphs() == before
    # A record that kills the process mapping it shows where remap maps: in a worker.
    victim = sorted((feed / "cmoa").glob("*.json"))[30]
    local_id = config.source("cmoa").mapping.identify(json.loads(victim.read_bytes()))
    mapping = CrashingMapping(config.source("cmoa").mapping, local_id, kill=True)
    with pytest.raises(HarvestError, match="a map worker process died") as died:
        Pipeline(with_mapping(config, "cmoa", mapping), jobs=2).remap("cmoa")
    # a remap reads no feed, and no harvest resumes it: it is run again
    assert died.value.cause == messages.MAP_WORKER_DIED_REMAP()
    # The next harvest reads the feed in a run of its own: resuming the remap's run, it took
    # the remap's staged payloads for the feed's records (and reported itself a remap).
    (harvested,) = Pipeline(config, jobs=1).harvest(("cmoa",))
    assert (harvested.status, harvested.remap) == ("published", False)


def test_a_remap_killed_staging_is_not_resumed_by_the_next_harvest(
    feed: Path, write_config: ConfigWriter, tmp_path: Path
) -> None:
    """A remap whose process was killed (no ``except`` ran) leaves its run staging, with the
    source's mapping: the next harvest took it for its own interrupted run, resumed it, and
    reported itself a remap. It is discarded, and the harvest reads the feed in a run of its
    own."""
    config = small_batches(configure(write_config, feed, tmp_path / "store"))
    Pipeline(config, jobs=1).harvest(("cmoa",))
    workspace = Workspace(config.data_dir)
    left = workspace.new_run("cmoa", publishing(config.source("cmoa")).mapping_id, "2026-01-01")
    left.set_info(remap=True)
    left.close()
    (harvested,) = Pipeline(config, jobs=1).harvest(("cmoa",))
    assert (harvested.status, harvested.remap) == ("published", False)
    assert not left.directory.exists()


def test_a_killed_worker_tells_an_upload_to_be_sent_again(
    feed: Path, write_config: ConfigWriter, tmp_path: Path
) -> None:
    """A worker that died mapping an upload said "the next harvest resumes after the last
    staged batch": an upload's run is discarded, and no harvest ever reads its files."""
    config = small_batches(configure(write_config, feed, tmp_path / "store"))
    victim = sorted((feed / "tate").glob("*.json"))[40]
    local_id = config.source("tate").mapping.identify(json.loads(victim.read_bytes()))
    mapping = CrashingMapping(config.source("tate").mapping, local_id, kill=True)
    killing = Pipeline(with_mapping(config, "tate", mapping), jobs=2)
    report_dir = tmp_path / "upload"
    report_dir.mkdir()

    def upload() -> None:
        killing.harvest_upload("tate", feed / "tate", "u-1", report_dir)

    died = run_with_deadline(upload)
    assert isinstance(died, HarvestError)
    assert died.cause == messages.MAP_WORKER_DIED_UPLOAD()
    assert "next harvest" not in died.one_line()


def test_jobs_come_from_the_store_section_unless_given(
    write_config: ConfigWriter, feed: Path
) -> None:
    path = write_config(files_source("cmoa", feed / "cmoa", "cmoa"), extra="")
    path.write_text(path.read_text().replace("[store]\n", "[store]\njobs = 3\n"))
    config = load_config(path)
    assert Pipeline(config).jobs == 3
    assert Pipeline(config, jobs=1).jobs == 1
    path.write_text(path.read_text().replace("jobs = 3", "jobs = 0"))
    with pytest.raises(ConfigError, match=r"store\.jobs"):
        load_config(path)


def test_a_batch_submitted_to_a_pool_another_batch_broke_goes_to_a_fresh_pool() -> None:
    """Two sources share the workers: when a record of one kills a worker, the other's next
    batch may reach the pool before the first source's thread has discarded it. That batch
    never reached a worker, so it is mapped in a fresh pool; its source does not fail (CI
    saw both sources failed, once, under load)."""
    mapping = get_mapping("cmoa")
    context = MappingContext(BASE, "cmoa")
    records = [
        SourceRecord("cmoa", path.stem, path.read_bytes())
        for path in sorted((EXAMPLES / "cmoa").glob("*.json"))[:8]
    ]
    with museion.mapper.Mapper(2) as mapper:
        assert len(mapper.submit(mapping, context, records)()) == len(records)
        pool = mapper._pool
        assert pool is not None
        os.kill(mapper.worker_pids()[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while not getattr(pool, "_broken", False):  # the executor notices on its own thread
            assert time.monotonic() < deadline, "the pool never noticed its dead worker"
            time.sleep(0.05)
        outcomes = mapper.submit(mapping, context, records)()
    assert [type(o).__name__ for o in outcomes] == ["Mapped"] * len(records)


def test_a_worker_sends_the_graph_packed_and_staging_keeps_it_as_sent(tmp_path: Path) -> None:
    """A worker's outcome carries the record graph packed as the staging stores it: the one
    writer receives a fraction of the N-Quads and stages the bytes as they came, and the run
    gives the N-Quads back whole when it is applied."""
    mapping = get_mapping("tate")
    context = MappingContext(BASE, "tate")
    records = [
        SourceRecord("tate", path.stem, path.read_bytes())
        for path in sorted((EXAMPLES / "tate" / "artworks").glob("*.json"))[:8]
    ]
    with museion.mapper.Mapper(2) as mapper:
        outcomes = mapper.submit(mapping, context, records)()
    mapped = [o for o in outcomes if isinstance(o, museion.mapper.Mapped)]
    assert len(mapped) == len(records)
    run = Run.create(tmp_path / "run", source="tate")
    staged = []
    for record, outcome in zip(records, mapped, strict=True):
        text = zlib.decompress(outcome.packed)
        assert len(list(parse(text, format=RdfFormat.N_QUADS))) == outcome.count > 0
        # Sent packed: a worker's outcome pickles to well under a quarter of its N-Quads.
        assert len(pickle.dumps(outcome)) < len(text) / 4
        staged.append(
            StagedRecord(
                record.local_id, Change.NEW, outcome.graph, outcome.subject, outcome.kind,
                record.checksum, record.media_type, None, None, None, record.payload,
                outcome.packed, outcome.flags,
            )
        )  # fmt: skip
    run.stage(staged, [], [], [])
    back = [r for batch in run.staged() for r in batch]
    assert [r.packed for r in back] == [o.packed for o in mapped]
    assert [r.quads for r in back] == [zlib.decompress(o.packed) for o in mapped]


def test_workers_run_from_a_folder_that_holds_store_and_mappings_folders(
    feed: Path, write_config: ConfigWriter, tmp_path: Path
) -> None:
    """The command run where its config is, beside the data folder it names ("store") and a
    partner's own "mappings" folder, as a partner would run it. Python 3.11's fork server
    imports its preloaded modules with the working directory first on its path, where such a
    folder shadowed Museion's package of the same name: every worker then died on import."""
    (tmp_path / "mappings" / "ours").mkdir(parents=True)
    (tmp_path / "store").mkdir()
    config = write_config(files_source("cmoa", feed / "cmoa", "cmoa"))
    command = Path(sys.executable).parent / "museion"
    done = subprocess.run(
        [str(command), "-c", config.name, "harvest", "--jobs", "2"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "map worker" not in done.stderr
    assert done.returncode == 3, done.stderr  # the broken file is quarantined
    index = RecordIndex(Workspace(tmp_path / "store").index_path)
    assert index.count("cmoa") == 120  # every record (the twins share ids), mapped
