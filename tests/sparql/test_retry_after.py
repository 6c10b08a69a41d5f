"""``Retry-After`` on the 503s a wait mends (the endpoint was busy), not on a query stopped at
its time limit, which would only be stopped again: the real pool (with stand-in processes, as
in ``test_pool_slots``) behind the real middleware, called as a server calls an ASGI app."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from museion_core.errors import QueryError
from sparql import pool as pool_module
from sparql.jobs import QueryJob, Reply
from sparql.pool import QueryPool, QueryTimeout
from sparql.retry import BUSY_RETRY_SECONDS, RetryAfter
from sparql.settings import EndpointSettings
from sparql.web import text_error


class _Alive:
    exitcode = None

    def is_alive(self) -> bool:
        return True


async def _call(app: Any, path: str) -> tuple[int, dict[str, str]]:
    """One GET through the ASGI app: its status and headers."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
        "client": ("10.0.0.1", 1234),
        "server": ("localhost", 80),
    }
    started: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.update(message)

    await app(scope, receive, send)
    headers = {k.decode().lower(): v.decode() for k, v in started["headers"]}
    return started["status"], headers


def test_only_a_busy_endpoint_asks_to_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = QueryPool(
        EndpointSettings(
            base_iri="https://data.example.org/",
            published_dir=tmp_path,
            query_processes=1,
            query_timeout=5,
            queue_timeout=0.2,
        )
    )
    release = asyncio.Event()

    async def roundtrip(_: Any, proc: Any, job: Any, timeout: float) -> tuple[Any, bool]:
        if job.query == "SLOW":
            await release.wait()
        if job.query == "OVER":
            return QueryTimeout("over the time limit"), True
        return Reply(body=job.query.encode()), True

    monkeypatch.setattr(pool, "_spawn", lambda: pool_module._Process(_Alive(), None))  # type: ignore[arg-type]
    monkeypatch.setattr(pool, "_retire", lambda proc: None)
    monkeypatch.setattr(pool, "_roundtrip", roundtrip)

    async def sparql(request: Request) -> Response:
        job = QueryJob(request.path_params["q"], "http://localhost/sparql", "text/plain")
        try:
            reply = await pool.run(job, 5, "10.0.0.1")
        except QueryError as exc:
            return text_error(exc.http_status, exc.one_line())
        return Response(reply.body)

    app = Starlette(
        routes=[Route("/{q}", sparql)],
        middleware=[Middleware(RetryAfter)],
    )

    async def scenario() -> list[tuple[int, str | None]]:
        await pool.start()
        seen = [
            (status, headers.get("retry-after")) for status, headers in [await _call(app, "/OVER")]
        ]
        slow = asyncio.create_task(_call(app, "/SLOW"))
        await asyncio.sleep(0.05)
        status, headers = await _call(app, "/ASK")  # the one process is taken: busy
        seen.append((status, headers.get("retry-after")))
        release.set()
        status, headers = await slow
        seen.append((status, headers.get("retry-after")))
        return seen

    assert asyncio.run(scenario()) == [
        (503, None),  # stopped at its time limit: a retry would be stopped again
        (503, str(BUSY_RETRY_SECONDS)),  # busy: a retry may be answered
        (200, None),
    ]
