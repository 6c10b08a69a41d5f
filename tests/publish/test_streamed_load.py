"""A run with many new records writes them by one streamed bulk load (``[store]
stream_records``), then the rest in batches: the store, the index and the published dataset
are those the batches alone make, and the crash guarantee holds through the load.

Issue 14 (scale): one load of a whole first harvest costs about a third less CPU and leaves a
store a third smaller than a load per batch (``bench/apply_write.py``). Here the threshold is
one record, so that 24 CMOA samples take that path.
"""

from __future__ import annotations

import io
import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad

from museion import Pipeline, Workspace, load_config
from museion_core.errors import ConfigError, StoreError
from publish import RecordIndex, Run, RunStatus
from store import Store
from store.text import ChunkStream
from tests.publish.test_crash import make_feed, museion, stable, write_config
from tests.publish.test_joined_writes import MERGED

RECORDS = 24


def streamed_config(directory: Path, feed: Path, threshold: int = 1) -> Path:
    path = write_config(directory, feed)
    text = path.read_text()
    path.write_text(
        text.replace("batch_size = 4\n", f"batch_size = 4\nstream_records = {threshold}\n")
    )
    return path


def streamed(directory: Path) -> list[int]:
    """How many records each run of the ``cmoa`` source wrote by the streamed load."""
    counts = []
    for run_dir in Workspace(directory).run_dirs("cmoa"):
        run = Run.open(run_dir)
        counts.append(int(run.info().get("streamed", 0)))
        run.close()
    return counts


@pytest.fixture(scope="module")
def batched(tmp_path_factory: pytest.TempPathFactory) -> dict[int, set[tuple[object, ...]]]:
    """What the batches alone publish (the default: never streamed)."""
    directory = tmp_path_factory.mktemp("batched")
    config = load_config(write_config(directory, make_feed(directory, 1)))
    assert config.stream_records == 0
    Pipeline(config).harvest()
    first = stable(config)
    make_feed(directory, 2)
    Pipeline(config).harvest()
    assert streamed(config.data_dir) == [0, 0]
    return {1: first, 2: stable(config)}


@pytest.mark.slow
def test_a_streamed_harvest_publishes_what_the_batches_publish(
    tmp_path: Path, batched: dict[int, set[tuple[object, ...]]]
) -> None:
    config = load_config(streamed_config(tmp_path, make_feed(tmp_path, 1)))
    Pipeline(config).harvest()
    assert streamed(config.data_dir) == [RECORDS]
    assert stable(config) == batched[1]
    # Then three changed, three withdrawn and three new: the new ones by the stream, the
    # changed ones in batches after it.
    make_feed(tmp_path, 2)
    Pipeline(config).harvest()
    assert streamed(config.data_dir) == [RECORDS, 3]
    assert stable(config) == batched[2]
    published = Workspace(config.data_dir).open_published()
    assert not bool(published.query(MERGED))
    published.close()
    index = RecordIndex(Workspace(config.data_dir).index_path)
    assert index.count("cmoa") == RECORDS
    index.close()


@pytest.mark.slow
def test_below_the_threshold_the_run_goes_in_batches(tmp_path: Path) -> None:
    config = load_config(streamed_config(tmp_path, make_feed(tmp_path, 1), threshold=RECORDS + 1))
    Pipeline(config).harvest()
    assert streamed(config.data_dir) == [0]


@pytest.mark.slow
@pytest.mark.parametrize("failpoint", ["stream:1", "stream:13", "apply:1", "apply:6"])
def test_killed_in_the_streamed_load_or_after_it_a_rerun_repairs(
    tmp_path: Path, batched: dict[int, set[tuple[object, ...]]], failpoint: str
) -> None:
    """Killed while the bulk load reads its records (``stream``) or while the index takes
    them, batch by batch, after the load (``apply``): the rerun applies the run again, whole,
    in batches, and publishes what an uninterrupted run does."""
    config_path = streamed_config(tmp_path, make_feed(tmp_path, 1))
    config = load_config(config_path)
    killed = museion(config_path, failpoint)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    rerun = museion(config_path)
    assert rerun.returncode == 0, rerun.stderr
    assert stable(config) == batched[1]
    index = RecordIndex(Workspace(config.data_dir).index_path)
    assert index.count("cmoa") == RECORDS
    index.close()
    published = Workspace(config.data_dir).open_published()
    assert not bool(published.query(MERGED))
    published.close()


@pytest.mark.slow
def test_a_graph_the_index_never_knew_is_loaded_whole(
    tmp_path: Path, batched: dict[int, set[tuple[object, ...]]]
) -> None:
    """A record graph the working store holds with no record in the index (a write cut short
    by an earlier Museion, say) is dropped before the load, not added to."""
    config = load_config(streamed_config(tmp_path, make_feed(tmp_path, 1)))
    Pipeline(config).harvest()
    index = RecordIndex(Workspace(config.data_dir).index_path)
    graph = NamedNode(next(index.live_records("cmoa")).graph)
    index.close()
    stale = Quad(
        NamedNode("https://example.org/stale"), NamedNode("https://example.org/p"), graph, graph
    )
    # Forget every record, as if the index had never been written, and leave a stray quad in
    # one record graph.
    workspace = Workspace(config.data_dir)
    workspace.index_path.unlink()
    store = Store(workspace.working_path)
    store.oxigraph.add(stale)
    store.close()
    Pipeline(config).harvest()
    assert stable(config) == batched[1]


def test_the_chunk_stream_reads_across_chunks_and_keeps_an_error() -> None:
    chunks = [b"ab", b"", b"cdef", b"g"]
    assert io.BufferedReader(ChunkStream(chunks), 3).read() == b"abcdefg"

    def failing() -> Iterator[bytes]:
        yield b"xy"
        raise KeyError("the reader's own error")

    stream = ChunkStream(failing())
    assert stream.read() == b"xy"
    assert stream.read() == b""
    assert isinstance(stream.error, KeyError)


def test_a_graph_with_quads_of_another_ends_the_load_after_those_before_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    good, bad = NamedNode("https://example.org/g1"), NamedNode("https://example.org/g2")
    graphs: list[tuple[NamedNode, bytes, list[Quad]]] = [
        (
            good,
            b'<https://example.org/s> <https://example.org/p> "1" <https://example.org/g1> .\n',
            [],
        ),
        (
            bad,
            b'<https://example.org/s> <https://example.org/p> "2" <https://example.org/other> .\n',
            [],
        ),
    ]
    with pytest.raises(StoreError, match="quads of other graphs"):
        store.load_new_graphs(graphs)
    assert store.has_graph(good)
    assert not store.has_graph(bad)
    # ... and read once
    assert len(list(store.triples(NamedNode("https://example.org/s"), None, None))) == 1
    store.close()


def test_the_threshold_is_read_and_checked(tmp_path: Path) -> None:
    feed = make_feed(tmp_path, 1)
    assert load_config(streamed_config(tmp_path, feed, 7)).stream_records == 7
    with pytest.raises(ConfigError, match="stream_records"):
        load_config(streamed_config(tmp_path, feed, -1))


def test_a_remote_store_applies_in_batches() -> None:
    from store import RemoteStore

    assert Store.streams_new_graphs
    assert not RemoteStore.streams_new_graphs


@pytest.mark.slow
def test_a_record_too_long_for_the_store_is_left_to_the_batches_and_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stream takes the records it can; one with a statement past the store's limit
    (here: staging's own bound lifted) goes to the batches, which quarantine it."""
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "huge.json").write_text(json.dumps({"id": "huge", "title": "x" * 9_000_000}))
    (feed / "fine.json").write_text(json.dumps({"id": "fine", "title": "Fine"}))
    mapping = tmp_path / "m.toml"
    mapping.write_text('[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "title"\n')
    config_path = tmp_path / "museion.toml"
    config_path.write_text(
        '[store]\npath = "store"\nstream_records = 1\n[publish]\n'
        'base_iri = "https://data.example.org/"\n'
        f'[[sources]]\nname = "big"\nkind = "files"\nlocation = "{feed.as_posix()}"\n'
        f'mapping = "{mapping.as_posix()}"\nmax_record_bytes = 67108864\n'
        'gates = { max_quarantined = 1.0 }\n[sources.partner]\nlabel = "Big"\n'
    )
    monkeypatch.setattr("museion.mapper.MAX_STATEMENT_BYTES", 1 << 40)
    config = load_config(config_path)
    [summary] = Pipeline(config, jobs=1).harvest()
    assert summary.status == RunStatus.PUBLISHED
    assert (summary.new, summary.rejected) == (1, 1)
    assert "the store refused the record" in summary.rejections[0].reason
    [run_dir] = Workspace(config.data_dir).run_dirs("big")
    run = Run.open(run_dir)
    assert (run.info()["streamed"], run.info()["store_refused"]) == (1, 1)
    run.close()


@pytest.mark.slow
def test_the_streamed_records_are_not_written_again_in_batches(tmp_path: Path) -> None:
    """Six batches of four are indexed after the load (six ``apply`` points); the batches
    that follow skip them, so a seventh ``apply`` point is never reached."""
    config_path = streamed_config(tmp_path, make_feed(tmp_path, 1))
    harvest = museion(config_path, "apply:7")
    assert harvest.returncode == 0, harvest.stderr
    assert streamed(load_config(config_path).data_dir) == [RECORDS]
