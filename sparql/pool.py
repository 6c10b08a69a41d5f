"""Query processes as seen from an HTTP worker: hand out, time, kill and replace.

Each HTTP worker owns ``query_processes`` query processes (``executor.serve_forever``). A job
waits for an idle process (at most ``queue_timeout``), is sent down its pipe, and its reply is
awaited for at most the job's time limit. A process that does not answer in time is killed —
the only way to stop a pyoxigraph query — and a fresh one takes its place in the background,
while the other processes go on serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from museion_core.errors import QueryError

from .executor import READY, serve_forever
from .jobs import Job, QueryJob, Reply, UpdateJob
from .retry import suggest_retry
from .settings import EndpointSettings

__all__ = ["QueryPool", "QueryTimeout"]

log = logging.getLogger("museion.endpoint")

_CONTEXT = multiprocessing.get_context("spawn")
"""Spawned, not forked: the HTTP worker runs threads and an event loop, which fork breaks."""


def _died(_: BaseException) -> QueryError:
    return QueryError(
        "the query process stopped unexpectedly (out of memory?); the query was not answered",
        http_status=500,
    )


def _busy(wait: float) -> QueryError:
    suggest_retry()
    return QueryError(
        f"the endpoint is busy: no query process became free within {wait:g} s; try again later",
        http_status=503,
    )


class _Slot:
    """A client query's place in ``QueryPool._sparql``: given back when the query is done,
    unless its process is being replaced (``hold``), then once the replacement is idle."""

    def __init__(self, semaphore: asyncio.Semaphore) -> None:
        self._semaphore = semaphore
        self._held = False
        self._released = False

    def hold(self) -> None:
        self._held = True

    def done(self) -> None:
        if not self._held:
            self.release()

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._semaphore.release()


class _UndeliveredError(Exception):
    """The process was gone by the time the job was sent, or died with it unanswered."""


class QueryTimeout(QueryError):  # noqa: N818 - reads as what happened
    """A job ran over its time limit and its process was stopped (HTTP 503)."""

    http_status = 503


@dataclass(eq=False)
class _Process:
    process: BaseProcess
    conn: Connection
    jobs: int = 0


@dataclass
class _Share:
    """The processes one client may hold at once, and how many of its queries are in."""

    turns: asyncio.Semaphore
    users: int = 0


class QueryPool:
    def __init__(self, settings: EndpointSettings) -> None:
        self.settings = settings
        self.size = settings.query_processes + 1
        """``query_processes`` for clients' SPARQL, and one more the pages can always have."""
        self._idle: asyncio.Queue[_Process] | None = None
        self._sparql: asyncio.Semaphore | None = None
        """Processes clients' own queries and updates may hold at once (``run``)."""
        self._threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="museion-spawn")
        """Only for starting processes (slow); jobs never wait on a thread."""
        self._all: set[_Process] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0
        """How many processes were stopped over a time limit (for the tests and the log)."""
        self._clients: dict[str, _Share] = {}
        """Each client's share of the SPARQL processes, while it has queries (``run``)."""

    # -- life cycle -------------------------------------------------------------------------
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        self._sparql = asyncio.Semaphore(self.settings.query_processes)
        started = await asyncio.gather(
            *(loop.run_in_executor(self._threads, self._spawn) for _ in range(self.size))
        )
        for proc in started:
            self._idle.put_nowait(proc)

    def _spawn(self) -> _Process:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(
            target=serve_forever,
            args=(child, self.settings.to_env()),
            name="museion-query",
            daemon=True,
        )
        process.start()
        child.close()
        # A job's time limit must not include the process's start (imports, opening the
        # snapshot): on a busy machine that alone can exceed it, and every query would then be
        # stopped and its replacement start again, answering nothing but 503s. (This runs in a
        # spawning thread, never on the event loop.)
        try:
            if parent.recv() != READY:
                log.error("a new query process sent something other than %r", READY)
        except (EOFError, OSError):
            log.error("a new query process stopped while starting")
        proc = _Process(process, parent)
        with self._lock:
            self._all.add(proc)
        return proc

    def _retire(self, proc: _Process) -> None:
        with self._lock:
            self._all.discard(proc)
        with contextlib.suppress(OSError):
            proc.conn.close()
        if proc.process.is_alive():
            proc.process.kill()
        proc.process.join(timeout=5)

    async def close(self) -> None:
        self._closed = True
        with self._lock:
            procs = list(self._all)
        for proc in procs:
            self._retire(proc)
        self._threads.shutdown(wait=False, cancel_futures=True)

    # -- running jobs -----------------------------------------------------------------------
    async def run(self, job: Job, timeout: float, client: str | None = None) -> Reply:
        """The job's reply; ``QueryTimeout`` when it ran over ``timeout`` seconds.

        Clients' own SPARQL (queries and updates) may hold ``query_processes`` processes at
        once; the pool has one more, so the pages' jobs (Museion's own queries) always find
        one. Two slow queries from one client held both processes of a two-core server for
        their whole time limit, and every object, person and place page answered 503.

        ``client`` (its address) may hold all but one of those processes: its further
        queries wait for its own to end, so two slow queries of one client no longer made
        every other client's queries wait out their time and answer 503."""
        wait = self.settings.queue_timeout or self.settings.query_timeout
        if not isinstance(job, QueryJob | UpdateJob):
            return await self._run(job, timeout, wait)
        assert self._sparql is not None, "QueryPool.start() was not awaited"
        started = time.monotonic()
        async with self._turn(client, wait):
            try:
                left = max(wait - (time.monotonic() - started), 0.01)
                await asyncio.wait_for(self._sparql.acquire(), timeout=left)
            except TimeoutError:
                raise _busy(wait) from None
            slot = _Slot(self._sparql)
            try:
                left = max(wait - (time.monotonic() - started), 0.01)
                return await self._run(job, timeout, left, slot)
            finally:
                slot.done()

    @contextlib.asynccontextmanager
    async def _turn(self, client: str | None, wait: float) -> AsyncIterator[None]:
        """One of ``client``'s turns (all but one of the SPARQL processes are its to hold),
        waited for at most ``wait`` seconds; no turn to wait for without a client address or
        with one process. The client's entry goes once none of its queries is in."""
        processes = self.settings.query_processes
        if client is None or processes < 2:
            yield
            return
        share = self._clients.get(client)
        if share is None:
            share = self._clients[client] = _Share(asyncio.Semaphore(processes - 1))
        share.users += 1
        try:
            try:
                await asyncio.wait_for(share.turns.acquire(), timeout=wait)
            except TimeoutError:
                raise _busy(wait) from None
            try:
                yield
            finally:
                share.turns.release()
        finally:
            share.users -= 1
            if share.users == 0:
                self._clients.pop(client, None)

    async def _run(self, job: Job, timeout: float, wait: float, slot: _Slot | None = None) -> Reply:
        assert self._idle is not None, "QueryPool.start() was not awaited"
        try:
            proc = await asyncio.wait_for(self._idle.get(), timeout=wait)
        except TimeoutError:
            raise _busy(self.settings.queue_timeout or self.settings.query_timeout) from None
        loop = asyncio.get_running_loop()
        if not proc.process.is_alive():
            proc = await self._fresh(loop, proc)
        try:
            try:
                reply, healthy = await self._roundtrip(loop, proc, job, timeout)
            except _UndeliveredError as exc:
                # The process was dead though is_alive() still said otherwise (the forkserver
                # reaps its children and tells the pool late), or it died with the job. A read
                # is asked once more of a fresh process rather than answered 500 (a query that
                # kills its process kills one more, then gets the 500); an update is not.
                if isinstance(job, UpdateJob):
                    raise _died(exc) from exc
                proc = await self._fresh(loop, proc)
                try:
                    reply, healthy = await self._roundtrip(loop, proc, job, timeout)
                except _UndeliveredError as again:
                    raise _died(again) from again
        except BaseException:
            # Cancelled (the client went away) or broken: the process may still be busy.
            self._replace(proc, loop, slot)
            raise
        if healthy:
            self._idle.put_nowait(proc)
        else:
            self._replace(proc, loop, slot)
        if isinstance(reply, QueryError):
            raise reply
        return reply

    async def _roundtrip(
        self, loop: asyncio.AbstractEventLoop, proc: _Process, job: Job, timeout: float
    ) -> tuple[Reply | QueryError, bool]:
        """Send the job, and wait for the reply on the event loop itself (no thread: a thread
        would wait for the GIL behind the loop, which costs milliseconds under load)."""
        started = time.monotonic()
        readable = loop.create_future()
        fd = proc.conn.fileno()

        def ready() -> None:
            if not readable.done():
                readable.set_result(None)

        try:
            try:
                proc.conn.send(job)
            except (BrokenPipeError, ConnectionResetError) as exc:
                raise _UndeliveredError from exc
            loop.add_reader(fd, ready)
            try:
                await asyncio.wait_for(readable, timeout)
            except TimeoutError:
                self.killed += 1
                log.warning("a query ran over %.3g s and was stopped", timeout)
                return (
                    QueryTimeout(
                        f"the query ran over this endpoint's time limit of {timeout:g} s and "
                        "was stopped; narrow it (a LIMIT, more specific patterns) and try again"
                    ),
                    False,
                )
            finally:
                loop.remove_reader(fd)
            # The process writes a whole reply at once (big answers go through a spool file),
            # so this read does not hold up the loop for long. The event loop (uvloop) may have
            # made the pipe non-blocking: a reply larger than the pipe's buffer would then fail
            # half-read with EAGAIN, so read it blocking.
            os.set_blocking(fd, True)
            reply: Reply = proc.conn.recv()
        except (EOFError, OSError) as exc:
            log.error("a query process died: %s", exc)
            raise _UndeliveredError from exc
        proc.jobs += 1
        log.debug("job answered in %.3f s", time.monotonic() - started)
        return reply, True

    async def _fresh(self, loop: asyncio.AbstractEventLoop, dead: _Process) -> _Process:
        """A process in place of one that died while idle (killed by the OOM killer or an
        operator): the job waits for it to start rather than failing with a 500."""
        log.warning(
            "an idle query process had died (exit code %s); starting another",
            dead.process.exitcode,
        )
        await loop.run_in_executor(self._threads, self._retire, dead)
        spawned = loop.run_in_executor(self._threads, self._spawn)
        try:
            return await asyncio.shield(spawned)
        except asyncio.CancelledError:  # the client went away: the process joins the pool
            idle = self._idle
            assert idle is not None
            spawned.add_done_callback(
                lambda done: (
                    idle.put_nowait(done.result())
                    if not done.cancelled() and done.exception() is None
                    else None
                )
            )
            raise
        except Exception as exc:
            self._replace(dead, loop)  # try again in the background: the pool must not shrink
            suggest_retry()
            raise QueryError(
                f"no query process could be started ({exc}); try again later", http_status=503
            ) from exc

    def _replace(
        self, proc: _Process, loop: asyncio.AbstractEventLoop, slot: _Slot | None = None
    ) -> None:
        """Kill ``proc`` and put a fresh process in the pool, without holding up the caller.
        A client query's ``slot`` is given back only once the fresh process is idle: until
        then the next client query would take the process kept for the pages."""
        idle = self._idle
        assert idle is not None
        if slot is not None:
            slot.hold()

        def put(fresh: _Process | None) -> None:
            if fresh is not None:
                idle.put_nowait(fresh)
            if slot is not None:
                slot.release()

        def replace() -> None:
            fresh = None
            try:
                self._retire(proc)
                if not self._closed:
                    fresh = self._spawn()
            finally:
                loop.call_soon_threadsafe(put, fresh)

        threading.Thread(target=replace, name="museion-respawn", daemon=True).start()

    def alive(self) -> int:
        with self._lock:
            return sum(1 for p in self._all if p.process.is_alive())


Factory = Callable[[EndpointSettings], QueryPool]
