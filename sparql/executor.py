"""The query process: evaluates jobs against the published snapshot, opened read-only.

pyoxigraph cannot cancel a running query, so queries never run in the HTTP worker: they run
here, in a process the HTTP worker kills (and replaces) when a job runs over its time limit.
A job's answer is serialised completely, by pyoxigraph's own serialisers, before it is sent
back — so an answer is either whole or an error status, never a truncated 200.

Each job first checks the ``CURRENT`` pointer (one ``stat``): when a harvest or an update has
published a new snapshot, this process opens it before evaluating, so the next query after a
publish sees it, without a restart.
"""

from __future__ import annotations

import fcntl
import io
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, cast

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)

from museion_errors import MuseionError, QueryError, StoreError
from search import build_snapshot_index
from store import Store
from store.snapshots import Pointer, manifest, publish_snapshot

from .describe import void_reply
from .jobs import (
    TRUNCATED_HEADER,
    EntityJob,
    Job,
    QueryJob,
    ReconcileJob,
    Reply,
    UpdateJob,
)
from .negotiation import GRAPH_FORMATS, RESULTS_FORMATS, Format
from .pages import entity_reply
from .prefixes import PREFIXES
from .reconciliation import ReconciliationService
from .reconciliation import handle as reconciliation_handle
from .settings import EndpointSettings

__all__ = ["INLINE_LIMIT", "Worker", "serve_forever"]

INLINE_LIMIT = 256 * 1024
"""Answers up to this size travel back through the pipe; bigger ones through a spool file."""


_RESULTS = {f.name: f for f in RESULTS_FORMATS}
_GRAPHS = {f.name: f for f in GRAPH_FORMATS}


class Worker:
    """Holds the open snapshot and answers jobs; lives in a query process (or a test)."""

    def __init__(self, settings: EndpointSettings) -> None:
        self.settings = settings
        self.pointer = Pointer(settings.published_dir)
        self._store: Store | None = None
        self._path: Path | None = None
        self._key: tuple[int, int, int] | None = None
        self.cache: dict[str, object] = {}
        """Per-snapshot memo (VoID counts), emptied when the snapshot changes."""

    # -- the snapshot -----------------------------------------------------------------------
    def store(self) -> Store:
        key = self.pointer.key()
        if self._store is not None and key == self._key:
            return self._store
        path = self.pointer.current()
        if path is None:
            raise QueryError(
                "nothing is published yet: run `museion harvest` first", http_status=503
            )
        if path != self._path or self._store is None:
            store = Store(path, read_only=True)
            if self._store is not None:
                self._store.close()
            self._store, self._path = store, path
            self.cache.clear()
        self._key = key
        return self._store

    @property
    def snapshot(self) -> Path | None:
        return self._path

    # -- jobs -------------------------------------------------------------------------------
    def handle(self, job: Job) -> Reply:
        try:
            if isinstance(job, QueryJob):
                return self.query(job)
            if isinstance(job, UpdateJob):
                return self.update(job)
            if isinstance(job, EntityJob):
                return entity_reply(self, job)
            if isinstance(job, ReconcileJob):
                return self.reconcile(job)
            return void_reply(self, job)
        except MuseionError as exc:
            return Reply.error(exc.http_status, exc.one_line())

    def reconcile(self, job: ReconcileJob) -> Reply:
        """The reconciliation service over the current snapshot; its name index is built once
        per snapshot (the per-snapshot cache is emptied when a new one is published)."""
        store = self.store()
        service = self.cache.get("reconciliation")
        if not isinstance(service, ReconciliationService):
            service = ReconciliationService(
                store, self.settings.base_iri, service_url=job.service_url
            )
            self.cache["reconciliation"] = service
        status, headers, body = reconciliation_handle(
            service, job.method, job.path, job.query_string, job.body, job.content_type
        )
        content_type = headers.pop("Content-Type", "text/plain; charset=utf-8")
        return Reply(status=status, content_type=content_type, body=body, headers=headers)

    def query(self, job: QueryJob) -> Reply:
        options: dict[str, object] = {}
        if job.default_graphs is not None or job.named_graphs is not None:
            options["default_graph"] = [NamedNode(g) for g in job.default_graphs or ()]
            options["named_graphs"] = [NamedNode(g) for g in job.named_graphs or ()]
        results = self.store().query(job.query, base_iri=job.base_iri, prefixes=PREFIXES, **options)
        try:
            return self._serialise(job, results)
        except (OSError, ValueError, SyntaxError) as exc:
            # pyoxigraph evaluates lazily: most evaluation errors surface while serialising.
            raise QueryError(f"the query failed: {exc}", http_status=500) from exc

    def _serialise(self, job: QueryJob, results: object) -> Reply:
        headers: dict[str, str] = {}
        if isinstance(results, QueryBoolean):
            fmt = _RESULTS[job.results_format]  # CSV and TSV write the bare "true"/"false"
            return Reply(
                content_type=fmt.content_type,
                body=_bytes(results.serialize(format=fmt.results_format())),
            )
        if isinstance(results, QuerySolutions):
            fmt = _RESULTS[job.results_format]
            if not job.max_rows:
                return self._reply(fmt, lambda out: results.serialize(out, fmt.results_format()))
            tsv = _bytes(results.serialize(format=QueryResultsFormat.TSV))
            tsv, cut = _cut_lines(tsv, job.max_rows, header=True)
            if cut:
                headers[TRUNCATED_HEADER] = str(job.max_rows)
            if fmt.name == "tsv":
                return self._reply(fmt, tsv, headers)
            parsed = parse_query_results(tsv, QueryResultsFormat.TSV)
            return self._reply(
                fmt, lambda out: parsed.serialize(out, fmt.results_format()), headers
            )
        assert isinstance(results, QueryTriples)
        gfmt = _GRAPHS[job.graph_format]
        if not job.max_rows:
            return self._reply(gfmt, lambda out: _write_graph(results, out, gfmt.rdf_format()))
        nt = _bytes(results.serialize(format=RdfFormat.N_TRIPLES))
        nt, cut = _cut_lines(nt, job.max_rows, header=False)
        if cut:
            headers[TRUNCATED_HEADER] = str(job.max_rows)
        if gfmt.name == "nt":
            return self._reply(gfmt, nt, headers)
        triples = parse(nt, format=RdfFormat.N_TRIPLES)
        return self._reply(gfmt, lambda out: _write_graph(triples, out, gfmt.rdf_format()), headers)

    def _reply(
        self,
        fmt: Format,
        body: bytes | Callable[[IO[bytes]], object],
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """The answer in memory, or in a spool file once it turns out big."""
        if isinstance(body, bytes):
            return Reply(content_type=fmt.content_type, body=body, headers=headers or {})
        spool = _Spool(INLINE_LIMIT, self.settings.spool_dir)
        try:
            body(cast(IO[bytes], spool))  # it has what the serialisers call: write, flush
            data, path = spool.finish()
        except BaseException:
            spool.discard()
            raise
        return Reply(content_type=fmt.content_type, body=data, file=path, headers=headers or {})

    def update(self, job: UpdateJob) -> Reply:
        """Apply an authorised update to the working store and publish it, one at a time."""
        working = self.settings.working_path
        if working is None or not working.is_dir():
            # Never create an empty working store: publishing it would withdraw everything.
            raise QueryError(
                f"there is no working store to update (looked in {working})", http_status=503
            )
        published = self.settings.published_dir
        published.mkdir(parents=True, exist_ok=True)
        with open(published / ".update.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                store = Store(working)
            except StoreError as exc:
                raise QueryError(
                    f"the working store is busy (a harvest may be writing it): {exc.cause}",
                    http_status=503,
                ) from exc
            try:
                store.update_named_graphs(job.update, base_iri=job.base_iri, prefixes=PREFIXES)
                about = manifest(self._path) if self._path is not None else {}
                about["updated"] = datetime.now(UTC).isoformat()
                publish_snapshot(
                    store,
                    published,
                    keep=self.settings.keep_snapshots,
                    about=about,
                    derive=lambda snapshot: build_snapshot_index(snapshot, self.settings.base_iri),
                )
            finally:
                store.close()
        return Reply(status=204)


class _Spool:
    """A binary sink for pyoxigraph's serialisers: memory first, a named file past ``limit``
    bytes (which the HTTP worker then sends and deletes) — small answers never touch disk."""

    def __init__(self, limit: int, folder: Path | None) -> None:
        self.limit = limit
        self.folder = folder
        self.memory = io.BytesIO()
        self.file: IO[bytes] | None = None

    def write(self, data: bytes) -> int:
        if self.file is None and self.memory.tell() + len(data) > self.limit:
            self.file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - handed to the receiver
                prefix="museion-answer-", dir=self.folder, delete=False
            )
            self.file.write(self.memory.getbuffer())
            self.memory = io.BytesIO()
        target = self.file if self.file is not None else self.memory
        return target.write(data)

    def flush(self) -> None:
        if self.file is not None:
            self.file.flush()

    def finish(self) -> tuple[bytes, str | None]:
        if self.file is None:
            return self.memory.getvalue(), None
        self.file.close()
        return b"", self.file.name

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()
            Path(self.file.name).unlink(missing_ok=True)


def _bytes(data: bytes | None) -> bytes:
    return data or b""


def _write_graph(triples: object, out: object, fmt: RdfFormat) -> None:
    serialize(triples, out, fmt, prefixes=PREFIXES)  # type: ignore[arg-type]


def _cut_lines(data: bytes, limit: int, *, header: bool) -> tuple[bytes, bool]:
    """Keep ``limit`` lines (after the header line, for TSV); say whether any were dropped.

    TSV results and N-Triples write one row or triple per line (newlines inside literals are
    escaped), so counting newlines counts rows, in C, without looking at a row in Python."""
    keep = limit + (1 if header else 0)
    if data.count(b"\n") <= keep:
        return data, False
    at = -1
    for _ in range(keep):
        at = data.index(b"\n", at + 1)
    return data[: at + 1], True


def serve_forever(conn: Connection, settings_json: str) -> None:
    """The query process's main loop: one job in, one reply out, until the pipe closes."""
    settings = EndpointSettings.model_validate_json(settings_json)
    worker = Worker(settings)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        started = time.perf_counter()
        try:
            reply = worker.handle(job)
            reply.headers["Server-Timing"] = (
                f"query;dur={(time.perf_counter() - started) * 1000:.1f}"
            )
        except Exception as exc:  # an endpoint bug must not take the process down silently
            traceback.print_exc()
            reply = Reply.error(500, f"internal error while answering: {exc}")
        conn.send(reply)
