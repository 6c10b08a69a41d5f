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

import contextlib
import io
import resource
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, cast

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)

from museion_core.errors import MuseionError, QueryError
from publish import Workspace
from store import Pointer, RemoteReader, Store, StoreReader

from . import site
from .analysis import prepare_update
from .checklists.rows import rows_reply
from .describe import void_reply
from .guard import check_nesting, check_update, checked_query, unescape_codepoints
from .jobs import (
    TRUNCATED_HEADER,
    ChecklistRowsJob,
    EntityJob,
    Job,
    QueryJob,
    ReconcileJob,
    Reply,
    UpdateJob,
)
from .negotiation import (
    GRAPH_FORMATS,
    RESULTS_FORMATS,
    Format,
    NotAcceptable,
    check_xml_characters,
    negotiate,
)
from .pages import entity_reply
from .prefixes import PREFIXES
from .reconciliation import ReconciliationService
from .reconciliation_api import handle as reconciliation_handle
from .sandbox import isolate_network
from .settings import EndpointSettings

__all__ = ["INLINE_LIMIT", "READY", "Worker", "serve_forever"]

READY = "ready"
"""What a query process sends once it can answer: until then, no job's clock may run."""

INLINE_LIMIT = 256 * 1024
"""Answers up to this size travel back through the pipe; bigger ones through a spool file."""


_RESULTS = {f.name: f for f in RESULTS_FORMATS}
_GRAPHS = {f.name: f for f in GRAPH_FORMATS}


class Worker:
    """Holds the open snapshot and answers jobs; lives in a query process (or a test)."""

    def __init__(self, settings: EndpointSettings) -> None:
        self.settings = settings
        site.serve_under(settings.base_iri)  # the pages it renders link under the site's path
        self.pointer = Pointer(settings.published_dir)
        self._store: Store | None = None
        self._remote = (
            RemoteReader(settings.remote, timeout=settings.query_timeout)
            if settings.remote is not None
            else None
        )
        self._path: Path | None = None
        self._key: tuple[int, int, int] | None = None
        self.cache: dict[str, object] = {}
        """Per-snapshot memo (VoID counts), emptied when the snapshot changes."""

    # -- the snapshot -----------------------------------------------------------------------
    def store(self) -> StoreReader:
        if self._remote is not None:
            # The server holds the data; the local snapshot still names the harvest dates
            # (VoID) and holds the search index.
            self._path = self.pointer.current()
            return self._remote
        return self._local()

    def _local(self) -> Store:
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
        reply = self._handle(job)
        if reply.status == 200 and self._path is not None and not isinstance(job, UpdateJob):
            reply.snapshot = self._path.name
        return reply

    def _handle(self, job: Job) -> Reply:
        try:
            if self._remote is not None and self._remote.version != self._remote.refresh():
                self.cache.clear()  # a new version was published: per-version memos go
            if isinstance(job, QueryJob):
                return self.query(job)
            if isinstance(job, UpdateJob):
                return self.update(job)
            if isinstance(job, EntityJob):
                return entity_reply(self, job)
            if isinstance(job, ReconcileJob):
                return self.reconcile(job)
            if isinstance(job, ChecklistRowsJob):
                return rows_reply(self, job)
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
        # The engine reads the text the SERVICE check read: escapes replaced once, here.
        text = checked_query(job.query, self.settings.service_allowlist, job.base_iri)
        options: dict[str, Any] = {}
        if job.default_graphs is not None or job.named_graphs is not None:
            options["default_graph"] = [NamedNode(g) for g in job.default_graphs or ()]
            options["named_graphs"] = [NamedNode(g) for g in job.named_graphs or ()]
        results = self.store().query(text, base_iri=job.base_iri, prefixes=PREFIXES, **options)
        try:
            return self._serialise(job, results)
        except NotAcceptable as exc:
            return Reply.error(406, str(exc))
        except (OSError, ValueError, SyntaxError) as exc:
            # pyoxigraph evaluates lazily: most evaluation errors surface while serialising.
            # pyoxigraph's results may only be dropped on the thread that made them ("… is
            # unsendable, but is being dropped on another thread"), so nothing may keep them
            # in cyclic garbage, which the collector frees on whichever thread it next runs.
            # The cause goes without its traceback: its frames hold ``results``, and ``exc``
            # in this frame would close a cycle through them.
            cause = exc.with_traceback(None)
            if isinstance(exc, OSError) and "SERVICE" in text.upper():
                # an allow-listed endpoint that could not be reached or failed: the fault of
                # the server this one called, not of this one (RFC 9110 §15.6.3)
                raise QueryError(f"a SERVICE call failed: {exc}", http_status=502) from cause
            raise QueryError(f"the query failed: {exc}", http_status=500) from cause
        finally:
            # Nor does this frame keep them: frames of the SERVICE check (rdflib's parser)
            # can outlive the call in cyclic garbage, and they name this frame as their caller.
            del results

    def _serialise(self, job: QueryJob, results: object) -> Reply:
        """The answer in the negotiated format, cut at ``max_rows`` while it is written.

        The cap is counted on the rows pyoxigraph writes (TSV and N-Triples: one row or
        triple a line), not read off the query's text, so no way of writing a query gets
        more; evaluation stops at the first row over the cap."""
        if isinstance(results, QueryBoolean):
            fmt = negotiate(job.accept, RESULTS_FORMATS, job.format)
            # CSV and TSV write the bare "true"/"false"
            return Reply(
                content_type=fmt.content_type,
                body=_bytes(results.serialize(format=fmt.results_format())),
            )
        if isinstance(results, QuerySolutions):
            fmt = negotiate(job.accept, RESULTS_FORMATS, job.format)
            if not job.max_rows:
                return self._reply(fmt, lambda out: results.serialize(out, fmt.results_format()))
            tsv = self._capped(
                job.max_rows,
                lambda out: results.serialize(out, QueryResultsFormat.TSV),
                header=True,
            )
            if fmt.name == "tsv":
                return tsv.reply(fmt)
            with tsv:
                parsed = parse_query_results(tsv.data, QueryResultsFormat.TSV, path=tsv.path)
                return self._reply(
                    fmt, lambda out: parsed.serialize(out, fmt.results_format()), tsv.headers
                )
        # triples: from the embedded store (QueryTriples) or read off a remote answer
        gfmt = negotiate(job.accept, GRAPH_FORMATS, job.format)
        if not job.max_rows:
            return self._reply(gfmt, lambda out: _write_graph(results, out, gfmt.rdf_format()))
        nt = self._capped(job.max_rows, lambda out: _write_graph(results, out, RdfFormat.N_TRIPLES))
        if gfmt.name == "nt":
            return nt.reply(gfmt)
        with nt:
            triples = parse(nt.data, RdfFormat.N_TRIPLES, path=nt.path)
            return self._reply(
                gfmt, lambda out: _write_graph(triples, out, gfmt.rdf_format()), nt.headers
            )

    def _capped(
        self, cap: int, write: Callable[[IO[bytes]], object], *, header: bool = False
    ) -> _Capped:
        spool = _CappedSpool(INLINE_LIMIT, self.settings.spool_dir, cap + (1 if header else 0))
        try:
            write(cast(IO[bytes], spool))
        except _Enough:
            pass
        except BaseException:
            spool.discard()
            raise
        data, path = spool.finish()
        headers = {TRUNCATED_HEADER: str(cap)} if spool.cut else {}
        return _Capped(data if path is None else None, path, headers)

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
            _xml_characters(fmt, data, path)
        except BaseException:
            spool.discard()
            raise
        return Reply(content_type=fmt.content_type, body=data, file=path, headers=headers or {})

    def update(self, job: UpdateJob) -> Reply:
        """Apply an authorised update to the working store and publish it, one at a time."""
        if self.settings.remote is not None:
            raise QueryError(
                "SPARQL Update through Museion is not available with a remote store "
                '([store] kind = "sparql"): harvest the change, or update the server itself',
                http_status=501,
            )
        working = self.settings.working_path
        if working is None or not working.is_dir():
            # Never create an empty working store: publishing it would withdraw everything.
            raise QueryError(
                f"there is no working store to update (looked in {working})", http_status=503
            )
        # The engine reads the text the checks read, escapes replaced once (as for queries):
        # given the raw text, Oxigraph ends a string where rdflib's reading of "\u005C" does not.
        update = unescape_codepoints(job.update)
        check_nesting(update)
        text = prepare_update(update, job.using_graphs, job.using_named_graphs)
        if text is None:
            return Reply(status=204)  # nothing but a prologue, separators and comments
        check_update(text, self.settings.service_allowlist, job.base_iri, PREFIXES)
        # The one publish path and the one writer lock of the data directory that holds the
        # working store (publish/): an update waits, up to its time limit, for a harvest to
        # publish; a harvest started meanwhile finds the directory locked.
        Workspace(working.parent).update(
            lambda store: store.update_named_graphs(text, base_iri=job.base_iri, prefixes=PREFIXES),
            self.settings.base_iri,
            wait=self.settings.update_timeout,
        )
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


def _xml_characters(fmt: Format, data: bytes, path: str | None) -> None:
    """``check_xml_characters`` over an answer in memory or in its spool file."""
    if path is None:
        check_xml_characters(fmt, data)
        return
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            check_xml_characters(fmt, chunk)


class _Enough(Exception):  # noqa: N818 - a signal, not an error
    """The answer has a row more than the cap: stop writing (and evaluating)."""


class _CappedSpool(_Spool):
    """A spool that keeps the first ``lines`` lines and raises ``_Enough`` at the first byte
    after them (rows and triples end with a newline: any byte after the last kept one is
    another row). Counting newlines in each chunk is done in C."""

    def __init__(self, limit: int, folder: Path | None, lines: int) -> None:
        super().__init__(limit, folder)
        self.left = lines
        self.cut = False

    def write(self, data: bytes) -> int:
        data = bytes(data)
        newlines = data.count(b"\n")
        if newlines < self.left or (newlines == self.left and data.endswith(b"\n")):
            self.left -= newlines
            return super().write(data)
        at = -1
        for _ in range(self.left):
            at = data.index(b"\n", at + 1)
        super().write(data[: at + 1])
        self.left = 0
        self.cut = True
        raise _Enough


@dataclass
class _Capped:
    """A capped answer in TSV or N-Triples: in memory or in a spool file."""

    data: bytes | None
    path: str | None
    headers: dict[str, str]

    def reply(self, fmt: Format) -> Reply:
        return Reply(
            content_type=fmt.content_type,
            body=self.data or b"",
            file=self.path,
            headers=self.headers,
        )

    def __enter__(self) -> _Capped:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.path is not None:
            Path(self.path).unlink(missing_ok=True)


def _bytes(data: bytes | None) -> bytes:
    return data or b""


def _write_graph(triples: object, out: object, fmt: RdfFormat) -> None:
    serialize(triples, out, fmt, prefixes=PREFIXES)  # type: ignore[arg-type]


QUERY_STACK = 512 * 2**20
"""Bytes of stack for the thread that answers queries. Oxigraph parses and evaluates
recursively: on a thread's usual 8 MiB, a FILTER of 10,000 terms added up (a 20 KB query, well
within ``max_query_bytes``) crashed the query process. The stack is address space, used only as
deep as a query goes; with ``MAX_NESTING`` it holds every query a megabyte of text can spell
that this machine's tests tried (chains of 300,000 terms, nesting to the limit)."""


def _limit_memory(megabytes: int) -> None:
    """Bound the query process's memory (``RLIMIT_DATA``: its heap and private mappings, the
    query thread's stack among them). One anonymous query (a sorted cross join) took 7 GB
    within its time limit, and a few of them could bring the machine's OOM killer down on
    any process; past the bound the allocation fails, this process ends, and the pool
    answers 500 and starts another."""
    limit = megabytes * 2**20
    with contextlib.suppress(ValueError, OSError):  # not allowed here: the time limit remains
        _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def serve_forever(conn: Connection, settings_json: str) -> None:
    """The query process: it answers in a thread with a deep stack (``QUERY_STACK``)."""
    settings = EndpointSettings.model_validate_json(settings_json)
    _limit_memory(settings.query_memory_mb)
    if not settings.service_allowlist and settings.remote is None:
        isolate_network()  # before any store or thread is opened: unshare needs one thread
    try:
        threading.stack_size(QUERY_STACK)
        answering = threading.Thread(target=_answer, args=(conn, settings), name="answering")
        answering.start()
    except (RuntimeError, ValueError, MemoryError):  # no room for such a stack: the usual one
        threading.stack_size(0)
        _answer(conn, settings)
        return
    threading.stack_size(0)
    answering.join()


def _answer(conn: Connection, settings: EndpointSettings) -> None:
    """The query process's main loop: one job in, one reply out, until the pipe closes."""
    worker = Worker(settings)
    with contextlib.suppress(QueryError):
        worker.store()  # open the snapshot now, not in the first query's time limit
    conn.send(READY)
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
