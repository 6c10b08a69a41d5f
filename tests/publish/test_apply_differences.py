"""A re-harvested record is written by its difference, but a run applied again after an
interruption is written whole: a write cut short can leave a record graph holding its new
quads beside old ones the write had still to take out, which a difference would not see."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import RdfFormat

from museion import Pipeline, Workspace, load_config
from publish import RunStatus
from store import Store
from tests.conftest import ConfigWriter, files_source
from tests.helpers.rdf import held_twice


def titles(store: Store) -> set[str]:
    rows = store.select(
        "SELECT ?t WHERE { ?o <http://www.cidoc-crm.org/cidoc-crm/P1_is_identified_by> ?n . "
        "?n <http://www.cidoc-crm.org/cidoc-crm/P190_has_symbolic_content> ?t }"
    )
    return {str(r["t"]) for r in rows}


@pytest.mark.slow
def test_a_run_applied_again_after_a_cut_short_write_is_written_whole(
    write_config: ConfigWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = tmp_path / "feed"
    feed.mkdir()
    record = feed / "n.json"
    record.write_text(json.dumps({"id": "n1", "title": "First title"}))
    mapping = tmp_path / "m.toml"
    mapping.write_text('[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "title"\n')
    config = load_config(write_config(files_source("normal", feed, str(mapping))))
    [first] = Pipeline(config).harvest()
    assert first.status == RunStatus.PUBLISHED

    record.write_text(json.dumps({"id": "n1", "title": "Second title"}))

    def cut_short(self: Store, graphs: dict[Any, bytes], *args: object, **kwargs: object) -> None:
        # A bulk load stopped part-way: the record graph's new text is in, and the old title
        # was never taken out.
        self.oxigraph.load(b"".join(graphs.values()), format=RdfFormat.N_QUADS)
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr("store.Store.replace_serialized_graphs", cut_short)
        with pytest.raises(KeyboardInterrupt):
            Pipeline(config).harvest()
    Pipeline(config).harvest()  # recovery applies the interrupted run again
    store = Workspace(config.data_dir).open_published()
    try:
        assert held_twice(store.oxigraph.quads_for_pattern(None, None, None)) == set()
        assert "Second title" in titles(store)
        assert "First title" not in titles(store)
    finally:
        store.close()
