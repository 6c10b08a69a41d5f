"""With ``[store] write_mb``, apply joins staged batches into one store write, and the index
follows batch by batch.

Each store write is one Oxigraph bulk load, and a few large loads cost less CPU and disk than
many small ones on a large first load (issue 14, ``bench/apply_write.py``). The crash
guarantee must hold for the larger write: killed after it, before the index has the first
batch, the store holds every record of the joined batches and the index none, and the harvest
run again repairs both.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from museion import Pipeline, Workspace, load_config
from publish import RecordIndex
from store import Store
from tests.publish.test_crash import make_feed, museion, write_config

pytestmark = pytest.mark.slow

RECORDS = 24
"""The CMOA samples of ``make_feed``: six batches of four (the config's ``batch_size``)."""

MERGED = (
    "ASK { { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } "
    "UNION { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } } }"
)
"""True when the default graph is not the merge of the named graphs."""


def record_graphs(path: Path) -> int:
    store = Store(path, read_only=True)
    try:
        return sum(1 for g in store.named_graphs() if "/record/" in g.value)
    finally:
        store.close()


def test_killed_after_the_joined_write_the_store_is_ahead_and_a_rerun_repairs(
    tmp_path: Path,
) -> None:
    config_path = write_config(tmp_path, make_feed(tmp_path, 1))
    text = config_path.read_text()
    config_path.write_text(text.replace("batch_size = 4\n", "batch_size = 4\nwrite_mb = 64\n"))
    config = load_config(config_path)
    assert config.write_mb == 64
    workspace = Workspace(config.data_dir)
    killed = museion(config_path, "apply:1")  # after the store write, before any index row
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # All six batches went to the store in one write (their N-Quads are far under the
    # budget); the index had not yet taken the first batch.
    assert record_graphs(workspace.working_path) == RECORDS
    index = RecordIndex(workspace.index_path)
    assert index.count("cmoa") == 0
    index.close()

    rerun = museion(config_path)
    assert rerun.returncode == 0, rerun.stderr
    index = RecordIndex(workspace.index_path)
    assert index.count("cmoa") == RECORDS
    index.close()
    published = workspace.open_published()
    assert not bool(published.query(MERGED))
    published.close()


def test_a_small_budget_writes_batch_by_batch_to_the_same_store(tmp_path: Path) -> None:
    """``write_bytes`` smaller than a batch writes each batch alone, as apply did before
    joining: the store it makes holds the same quads as one joined write."""
    stores = []
    for budget in (1, 64 * 2**20):
        folder = tmp_path / str(budget)
        folder.mkdir()
        config = load_config(write_config(folder, make_feed(folder, 1)))
        pipeline = Pipeline(config)
        pipeline.settings = type(pipeline.settings)(
            pipeline.settings.base_iri, pipeline.settings.batch_size, write_bytes=budget
        )
        pipeline.harvest()
        index = RecordIndex(Workspace(config.data_dir).index_path)
        assert index.count("cmoa") == RECORDS
        index.close()
        published = Workspace(config.data_dir).open_published()
        assert not bool(published.query(MERGED))
        stores.append(
            {
                (q.subject, q.predicate, q.object, q.graph_name)
                for q in published.oxigraph
                if "/record/" in str(q.graph_name)
            }
        )
        published.close()
    assert stores[0] == stores[1]
    assert len(stores[0]) > RECORDS
