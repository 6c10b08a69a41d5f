"""The query pool's places for clients' SPARQL (``QueryPool.run``), with stand-in processes:
what is counted, not how processes start (the endpoint tests start real ones)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from museion_core.errors import QueryError
from sparql import pool as pool_module
from sparql.jobs import EntityJob, QueryJob, Reply
from sparql.pool import QueryPool, QueryTimeout
from sparql.settings import EndpointSettings


def _settings(tmp_path: Path, *, processes: int, queue: float) -> EndpointSettings:
    """A pool of ``processes`` for clients' SPARQL, whose queue waits ``queue`` seconds."""
    return EndpointSettings(
        base_iri="https://data.example.org/",
        published_dir=tmp_path,
        query_processes=processes,
        query_timeout=5,
        queue_timeout=queue,
    )


class _Alive:
    exitcode = None

    def is_alive(self) -> bool:
        return True


def test_a_stopped_query_gives_its_place_back_once_its_replacement_is_idle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a query's process, stopped over its time limit, is being replaced, the next
    client query waited for the process kept for the pages and took it."""
    pool = QueryPool(_settings(tmp_path, processes=1, queue=0.2))
    started = threading.Event()  # the replacement may start (released by the test)
    spawned = 0

    def spawn() -> Any:
        nonlocal spawned
        spawned += 1
        if spawned > pool.size:
            started.wait(10)
        return pool_module._Process(_Alive(), None)  # type: ignore[arg-type]

    async def roundtrip(_: Any, proc: Any, job: Any, timeout: float) -> tuple[Any, bool]:
        if isinstance(job, QueryJob):
            return QueryTimeout("over the time limit"), False
        return Reply(body=b"page"), True

    monkeypatch.setattr(pool, "_spawn", spawn)
    monkeypatch.setattr(pool, "_retire", lambda proc: None)
    monkeypatch.setattr(pool, "_roundtrip", roundtrip)
    query = QueryJob("ASK {}", "http://localhost/sparql", "application/json")
    page = EntityJob("https://data.example.org/x", "html", "/sparql")

    async def scenario() -> list[str]:
        await pool.start()
        seen = []
        with pytest.raises(QueryTimeout):
            await pool.run(query, 5)
        with pytest.raises(QueryError, match="busy"):  # its place is not back yet
            await pool.run(query, 5)
        seen.append((await pool.run(page, 5)).body.decode())  # the page's process is free
        started.set()
        for _ in range(100):
            await asyncio.sleep(0.02)
            if pool._idle is not None and pool._idle.qsize() == pool.size:
                break
        with pytest.raises(QueryTimeout):  # back: the query runs (and is stopped again)
            await pool.run(query, 5)
        started.set()
        return seen

    assert asyncio.run(scenario()) == ["page"]


def test_one_client_holds_all_but_one_of_the_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two slow queries from one client held both SPARQL processes, and another client's
    ASK {} waited out the queue and got 503. A client now holds all but one: its second
    query waits for its first, and the other client is answered."""
    pool = QueryPool(_settings(tmp_path, processes=2, queue=0.3))
    release = asyncio.Event()

    async def roundtrip(_: Any, proc: Any, job: Any, timeout: float) -> tuple[Any, bool]:
        if isinstance(job, QueryJob) and job.query == "SLOW":
            await release.wait()
        return Reply(body=job.query.encode()), True

    monkeypatch.setattr(pool, "_spawn", lambda: pool_module._Process(_Alive(), None))  # type: ignore[arg-type]
    monkeypatch.setattr(pool, "_retire", lambda proc: None)
    monkeypatch.setattr(pool, "_roundtrip", roundtrip)

    def query(text: str) -> QueryJob:
        return QueryJob(text, "http://localhost/sparql", "application/json")

    async def scenario() -> list[str]:
        await pool.start()
        slow = [asyncio.create_task(pool.run(query("SLOW"), 5, "10.0.0.1")) for _ in range(2)]
        await asyncio.sleep(0.05)
        seen = [(await pool.run(query("ASK {}"), 5, "10.0.0.2")).body.decode()]
        with pytest.raises(QueryError, match="busy"):  # its own share is taken
            await pool.run(query("ASK {}"), 5, "10.0.0.1")
        release.set()
        for answer in await asyncio.gather(*slow, return_exceptions=True):
            # the first ran; the second waited for it, longer than the queue allows
            seen.append(answer.body.decode() if isinstance(answer, Reply) else "busy")
        seen.append((await pool.run(query("ASK {}"), 5, "10.0.0.1")).body.decode())
        assert pool._clients == {}  # nothing kept of a client once its queries are done
        return seen

    assert asyncio.run(scenario()) == ["ASK {}", "SLOW", "busy", "ASK {}"]
