"""A query's time limit does not include the start of the process that answers it.

On a busy machine a query process takes seconds to start (imports, opening the snapshot).
When a process joined the pool as soon as it was spawned, the first query sent to it — at
start-up, or after a process was stopped over its limit and replaced — could run over the
limit before the process had even begun, and was answered 503; with every core busy this
spiralled into an endpoint answering nothing but 503s (``bench/load.py`` saw 244 of 252
requests so answered). Here the start of every query process is made slow on purpose (a
``sitecustomize`` that sleeps in spawned processes only), longer than the time limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from museion import load_config
from tests.helpers.endpoint import (
    Live,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)

STARTUP = 12
"""Seconds every query process sleeps before it starts."""
LIMIT = 6
"""Seconds a query may run: shorter than a process's start, generous for the queries here."""

SLOW_START = f"""
import sys, time
if "--multiprocessing-fork" in sys.argv:  # a spawned process: the query processes
    time.sleep({STARTUP})
"""
NEVER_ENDS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = write_two_partner_config(tmp_path_factory.mktemp("startup"))
    harvest_and_publish(load_config(path))
    return path


@pytest.fixture
def slow_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sitecustomize.py").write_text(SLOW_START, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))


def ask(live: Live, query: str = "ASK { ?s ?p ?o }") -> requests.Response:
    return requests.post(live.sparql, data={"query": query}, timeout=LIMIT * 20)


@pytest.mark.slow
@pytest.mark.usefixtures("slow_start")
def test_the_first_queries_wait_for_no_process_start(config_path: Path) -> None:
    with live_endpoint(
        config_path, "--query-processes", "1", "--query-timeout", str(LIMIT)
    ) as server:
        first = ask(server)
        assert first.status_code == 200, first.text
        assert first.json()["boolean"] is True


@pytest.mark.slow
@pytest.mark.usefixtures("slow_start")
def test_a_replaced_process_gets_work_only_once_it_has_started(config_path: Path) -> None:
    with live_endpoint(
        config_path, "--query-processes", "2", "--query-timeout", str(LIMIT)
    ) as server:
        for _ in range(2):  # both processes have started and answered
            assert ask(server).status_code == 200
        stopped = ask(server, NEVER_ENDS)
        assert stopped.status_code == 503
        assert "time limit" in stopped.text
        # Its replacement is starting: the other process answers meanwhile, every time.
        answers = [ask(server).status_code for _ in range(4)]
        assert answers == [200] * 4
