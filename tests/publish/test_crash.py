"""Crash safety: SIGKILL a harvest at many points, rerun it, get what a clean run would make.

A real ``museion harvest`` process is killed — at a named failpoint (staging batch N, applying
batch N, between snapshot copy and switch), or at a random moment after its run has begun,
checked to have come before the run ended — and the harvest is run again. The published store
must then equal, by graph isomorphism, the store a run that was never interrupted publishes:
no duplicates, no lost record, no orphan graph. Run ids and times
differ between any two runs, so those provenance values are left out of the comparison.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad

from museion import Pipeline, Workspace, load_config
from museion.config import Config
from publish import RecordIndex
from tests.helpers.samples import sample_feeds

pytestmark = pytest.mark.slow

VOLATILE = {
    "http://www.w3.org/ns/prov#wasGeneratedBy",
    "http://www.w3.org/ns/prov#wasInvalidatedBy",
    "http://purl.org/dc/terms/created",
    "http://purl.org/dc/terms/modified",
    "https://w3id.org/museion/ns#deletedAt",
    "https://w3id.org/museion/ns#lastRun",
    # The feed's path and file times: each test copies the feed into a folder of its own.
    "https://w3id.org/museion/ns#origin",
    "https://w3id.org/museion/ns#datestamp",
}


def write_config(directory: Path, feed: Path) -> Path:
    path = directory / "museion.toml"
    path.write_text(
        '[store]\npath = "store"\nbatch_size = 4\n[publish]\n'
        'base_iri = "https://data.example.org/"\n'
        f'[[sources]]\nname = "cmoa"\nkind = "files"\nlocation = "{feed}"\nmapping = "cmoa"\n'
        '[sources.gates]\nmax_record_drop = 0.5\n[sources.partner]\nlabel = "CMOA"\n'
    )
    return path


def make_feed(directory: Path, version: int) -> Path:
    """Version 1: 24 CMOA records. Version 2: three changed, three withdrawn, three new."""
    feed = directory / "feed"
    shutil.rmtree(feed, ignore_errors=True)
    shutil.copytree(sample_feeds() / "cmoa", feed)
    if version == 2:
        files = sorted(feed.glob("*.json"))
        for path in files[:3]:
            record = json.loads(path.read_text())
            path.write_text(json.dumps({**record, "title": record["title"] + " (revised)"}))
        for path in files[3:6]:
            path.unlink()
        template = json.loads(files[6].read_text())
        for n in range(3):
            (feed / f"new-{n}.json").write_text(
                json.dumps({**template, "id": f"cmoa:things/new-{n}"})
            )
    return feed


def stable(config: Config) -> set[tuple[object, ...]]:
    """The published dataset without what differs between any two runs (ids, times)."""
    store = Workspace(config.data_dir).open_published()
    out: set[tuple[object, ...]] = set()
    for quad in store.oxigraph:
        assert isinstance(quad, Quad)
        assert isinstance(quad.subject, NamedNode)  # Museion mints no blank nodes
        if "/run/" in quad.subject.value or quad.predicate.value in VOLATILE:
            continue
        out.add((quad.subject, quad.predicate, quad.object, quad.graph_name))
    store.close()
    return out


def museion(config: Path, failpoint: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MUSEION_FAILPOINT"}
    if failpoint:
        env["MUSEION_FAILPOINT"] = failpoint
    return subprocess.run(
        [sys.executable, "-m", "museion", "--config", str(config), "harvest"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[int, set[tuple[object, ...]]]:
    """What uninterrupted runs publish: after version 1, and after version 1 then 2."""
    directory = tmp_path_factory.mktemp("clean")
    config = load_config(write_config(directory, make_feed(directory, 1)))
    Pipeline(config).harvest()
    first = stable(config)
    make_feed(directory, 2)
    Pipeline(config).harvest()
    return {1: first, 2: stable(config)}


def scenarios() -> list[tuple[int, str]]:
    """(feed version, failpoint): fixed ones for every phase, then seeded random ones."""
    fixed = [
        (1, "stage:2"),
        (1, "apply:3"),
        (1, "publish:1"),
        # The search index is written before the snapshot is taken (while the store is
        # compacted): the rerun must remove the index left without its snapshot.
        (1, "indexed:1"),
        (2, "indexed:1"),
        (2, "stage:1"),
        (2, "stage:6"),
        (2, "apply:1"),
        (2, "apply:2"),
        # After the withdrawals are in the index: applied again, the run must still reconcile
        # (the aggregates of withdrawn persons and places retired), as a clean run does.
        (2, "remove:1"),
        (2, "publish:1"),
    ]
    # Batches of 4: both versions stage 6 batches; version 1 applies 6, version 2 applies 2
    # (its 3 changed and 3 new records).
    batches = {(1, "stage"): 6, (2, "stage"): 6, (1, "apply"): 6, (2, "apply"): 2}
    rng = random.Random(20261122)
    chosen = []
    for _ in range(4):
        version, phase = rng.choice([1, 2]), rng.choice(["stage", "apply"])
        chosen.append((version, f"{phase}:{rng.randint(1, batches[version, phase])}"))
    return fixed + chosen


@pytest.mark.parametrize(("version", "failpoint"), scenarios())
def test_killed_harvest_reruns_to_the_clean_result(
    tmp_path: Path, clean: dict[int, set[tuple[object, ...]]], version: int, failpoint: str
) -> None:
    feed = make_feed(tmp_path, 1)
    config_path = write_config(tmp_path, feed)
    config = load_config(config_path)
    if version == 2:
        Pipeline(config).harvest()
        make_feed(tmp_path, 2)
    killed = museion(config_path, failpoint)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    rerun = museion(config_path)
    assert rerun.returncode == 0, rerun.stderr
    assert stable(config) == clean[version]
    workspace = Workspace(config.data_dir)
    index = RecordIndex(workspace.index_path)
    assert index.count("cmoa") == 24
    index.close()
    # nothing of an interrupted publish is left: every derived file has its snapshot
    published = workspace.published_dir
    kept = {p.name for p in workspace.snapshots()}
    derived = {p.name for p in published.iterdir() if p.is_file() and p.name != "CURRENT"}
    assert {name.split(".", 1)[0] for name in derived} <= kept, sorted(derived)


#: The statuses of a run that has begun and not ended (``publish.RunStatus``).
UNFINISHED = {"staging", "staged", "applying", "applied"}


def run_status(directory: Path) -> str:
    """A run's status, read without writing to its database (its process may be writing)."""
    uri = f"file:{directory / 'run.sqlite'}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=60)) as db:
        row = db.execute("SELECT value FROM info WHERE key = 'status'").fetchone()
    return str(json.loads(row[0])) if row else "staging"


def kill_mid_run(config: Config, config_path: Path, delay: float) -> str | None:
    """Start a harvest, wait until its run exists, wait ``delay`` seconds more and SIGKILL it.

    Returns the run's status at the kill when the kill landed mid-run (the process alive, the
    run begun and unfinished); None when the run had already ended, so the caller can try a
    shorter delay. A kill before the run began is ruled out by waiting for the run."""
    workspace = Workspace(config.data_dir)
    before = set(workspace.run_dirs("cmoa"))
    process = subprocess.Popen(
        [sys.executable, "-m", "museion", "--config", str(config_path), "harvest"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240  # generous: the machine may be busy
    started: list[Path] = []
    while not started and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
        started = [d for d in workspace.run_dirs("cmoa") if d not in before]
    time.sleep(delay)
    alive = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert started, "the harvest made no run"
    status = run_status(started[0])
    return status if alive and status in UNFINISHED else None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_at_a_random_moment(
    tmp_path: Path, clean: dict[int, set[tuple[object, ...]]], seed: int
) -> None:
    rng = random.Random(seed)
    window = 1.5  # seconds after the run begins; halved whenever the run ended first
    for attempt in range(6):
        directory = tmp_path / f"attempt-{attempt}"
        directory.mkdir()
        config_path = write_config(directory, make_feed(directory, 1))
        config = load_config(config_path)
        Pipeline(config).harvest()
        make_feed(directory, 2)
        if kill_mid_run(config, config_path, rng.uniform(0, window)) in UNFINISHED:
            break
        window /= 2
    else:
        pytest.fail("six kills in a row came after the harvest had ended")
    rerun = museion(config_path)
    assert rerun.returncode == 0, rerun.stderr
    assert stable(config) == clean[2]
