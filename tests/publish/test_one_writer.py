"""One publish path, one writer lock: the endpoint's SPARQL Update and a harvest take turns.

A real harvest (the pipeline over a files feed) is held still while it holds the data
directory's writer lock — its progress callback waits — and an admin update is sent to a real
``museion serve`` meanwhile. The update may not finish (nor be refused) while the harvest is
under way; once the harvest has published, the update is applied over it and published after it.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import requests

from museion import load_config
from museion.pipeline import Pipeline
from publish import HarvestSummary, Workspace
from store import Store
from tests.helpers.endpoint import (
    ADMIN_TOKEN,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)
from tests.helpers.samples import sample_feeds

BASE = "https://data.example.org/"
OBJECT = f"{BASE}tate/object/T06803"
FIX = f"{BASE}graph/fixes"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TRIPLE = f'<{OBJECT}> {LABEL} "Corrida"@fr'
ASK_FIX = f"ASK {{ GRAPH <{FIX}> {{ {TRIPLE} }} }}"
PATIENCE = 5.0
"""Seconds the paused harvest gives the update to (wrongly) finish: long enough for a refusal
to come back; a correct endpoint can never finish while the harvest holds the lock."""


def _has_fix(snapshot: Path) -> bool:
    store = Store(snapshot, read_only=True)
    try:
        return bool(store.query(ASK_FIX))
    finally:
        store.close()


def test_an_admin_update_waits_for_a_harvest_to_publish(tmp_path: Path) -> None:
    feed = tmp_path / "tate-feed"
    shutil.copytree(sample_feeds() / "tate", feed)
    config_path = write_two_partner_config(tmp_path / "data", tate=feed)
    config = load_config(config_path)
    harvest_and_publish(config)
    # Tate withdraws a record: the harvest has something to publish (one that changed
    # nothing would publish no snapshot: tests/publish/test_unchanged_harvest.py)
    [withdrawn] = feed.rglob("a00001-1035.json")
    withdrawn.unlink()
    harvesting, go_on = threading.Event(), threading.Event()

    def pause(_: HarvestSummary) -> None:  # called after each staged batch, lock held
        harvesting.set()
        assert go_on.wait(300)

    done: dict[str, Any] = {}

    def harvest() -> None:
        done["summaries"] = Pipeline(config, progress=pause, jobs=1).harvest(("tate",))

    def update() -> None:
        done["update"] = requests.post(
            server.sparql,
            data={"update": f"INSERT DATA {{ GRAPH <{FIX}> {{ {TRIPLE} }} }}"},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            timeout=600,
        )

    with live_endpoint(config_path, "--query-processes", "2", admin_token=ADMIN_TOKEN) as server:
        harvester = threading.Thread(target=harvest)
        harvester.start()
        try:
            assert harvesting.wait(300), "the harvest never staged a batch"
            updater = threading.Thread(target=update)
            updater.start()
            updater.join(PATIENCE)
            # While the harvest holds the writer lock the update neither ran nor was refused.
            assert "update" not in done, done["update"].text
        finally:
            go_on.set()
            harvester.join(600)
        updater.join(600)
        assert done["update"].status_code == 204, done["update"].text
    (summary,) = done["summaries"]
    assert summary.status == "published"
    workspace = Workspace(config.data_dir)
    first, harvested, updated = workspace.snapshots()[-3:]
    assert workspace.published_path() == updated
    # The harvest published first, without the update; the update published over it.
    assert [_has_fix(first), _has_fix(harvested), _has_fix(updated)] == [False, False, True]
