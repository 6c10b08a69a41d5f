"""The partner filter (``reconcile.entities._only``) changes no entity reconciliation reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from museion import Pipeline, Workspace
from museion.demo import demo_config
from reconcile import entities as module
from reconcile import read_entities


def test_filtered_reads_give_the_same_entities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = demo_config(tmp_path)
    Pipeline(config).harvest()
    store = Workspace(config.data_dir).open_published()
    sources = ["tate", "cmoa"]
    filtered = read_entities(store, config.base_iri, sources, threads=1)
    monkeypatch.setattr(module, "_only", lambda base, names: "")
    whole = read_entities(store, config.base_iri, sources, threads=1)
    assert len(filtered) > 100
    assert filtered == whole
