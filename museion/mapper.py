"""The map stage on every core: records are mapped in worker processes, in order.

Mapping is pure CPU work (parse the payload, build the graph, serialise it) and needs nothing
but the record, the mapping and its context, so it is the part of a run that scales with the
cores. The writer stays one process: workers send back a compact result per record (the record
graph as N-Quads, packed as the staging stores them, and the few fields the staging keeps), never
a Python object per quad, and the results of a batch come back in the order of its records, so
deletions, supersession and duplicates are decided exactly as with one process.

``jobs=1`` maps in the calling process through the same ``map_record`` function, so one and
several jobs give the same staging, record by record.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import cast

from pyoxigraph import RdfFormat, serialize

from harvesters import SourceRecord
from mappings import (
    CompiledMapping,
    Mapping,
    MappingContext,
    MappingError,
    MappingResult,
    NQuadsResult,
)
from museion_core import messages
from museion_core.errors import HarvestError
from museion_core.parallel import usable_cpus
from publish import RunKind, pack_quads, statement_count
from store import MAX_STATEMENT_BYTES, longest_statement

from .coverage import (
    LINKS,
    coverage_flags,
    coverage_flags_text,
    entity_signature,
    json_fields,
    payload_fields,
)

__all__ = ["POOL_MIN_RECORDS", "Mapped", "Mapper", "Outcome", "default_jobs", "map_record"]

POOL_MIN_RECORDS = 64
"""Batches with fewer records to map than this are mapped in the writer's process: shipping
them to workers costs more than it saves, and a small harvest never starts a process."""

_DIED = {
    RunKind.HARVEST: messages.MAP_WORKER_DIED,
    RunKind.UPLOAD: messages.MAP_WORKER_DIED_UPLOAD,
    RunKind.REMAP: messages.MAP_WORKER_DIED_REMAP,
}
"""Why a run's source failed when a map worker died, by the run's kind."""

CHUNKS_PER_JOB = 2
"""A batch is cut into this many chunks per worker, so a slow chunk leaves no core idle."""


@dataclass(frozen=True, slots=True)
class Mapped:
    """What the staging keeps of one mapped record (all of it text or numbers: cheap to send)."""

    graph: str
    subject: str
    kind: str
    packed: bytes
    """The record graph as N-Quads, packed as the staging stores them (``publish.pack_quads``):
    packing here takes that work off the one writer, and a worker sends back about a
    thirteenth of the bytes."""
    count: int
    """How many statements (``publish.statement_count``: what ``drop_held`` takes back)."""
    flags: int
    fields: str
    entities: str
    warnings: tuple[str, ...]
    local_terms: tuple[tuple[str, str], ...]
    unparsed: tuple[tuple[str, str, str], ...]


Outcome = Mapped | str
"""A mapped record, or the reason it is quarantined."""


def default_jobs() -> int:
    """The CPUs this process may run on (its affinity, not the machine's count)."""
    return usable_cpus()


def _oversized(nquads: bytes) -> str | None:
    """Why a mapped record cannot go into the store: a value so long that its statement is
    over what the store's parser takes. Caught here, a run never fails in apply for it."""
    if len(nquads) <= MAX_STATEMENT_BYTES:
        return None
    size = longest_statement(nquads)
    if size <= MAX_STATEMENT_BYTES:
        return None
    return (
        f"a value of the record is too long for the store: one statement is {size} bytes, "
        f"more than {MAX_STATEMENT_BYTES}"
    )


def map_record(mapping: Mapping, item: SourceRecord, context: MappingContext) -> Outcome:
    """Map one record into what the staging keeps, or say why it is quarantined. A mapping
    that writes N-Quads itself (``CompiledMapping``) takes that path: no quad objects."""
    try:
        if _is_compiled(mapping):
            return _compiled(cast(CompiledMapping, mapping), item, context)
        result = mapping.map(item, context)
    except MappingError as exc:
        return exc.cause
    except Exception as exc:  # a fault in a mapping costs its record, not the run
        return (
            f"the mapping {mapping.name!r} failed on this record ({type(exc).__name__}: {exc}); "
            "this is a fault in the mapping, please report it with the record"
        )
    nquads = serialize(result.quads, format=RdfFormat.N_QUADS) or b""
    flags = coverage_flags(result.subject, result.quads) if result.kind == "object" else 0
    return _outcome(item, result, nquads, flags)


_COMPILED: dict[type, bool] = {}
"""Whether a mapping class is a ``CompiledMapping``: a protocol check reads every member's
presence, too slow to make per record, and the answer does not change within a class."""


def _is_compiled(mapping: Mapping) -> bool:
    found = _COMPILED.get(type(mapping))
    if found is None:
        found = _COMPILED[type(mapping)] = isinstance(mapping, CompiledMapping)
    return found


def _compiled(mapping: CompiledMapping, item: SourceRecord, context: MappingContext) -> Outcome:
    result = mapping.map_nquads(item, context, LINKS)
    flags = coverage_flags_text(result.subject, result.links) if result.kind == "object" else 0
    fields = None
    if result.payload is not None and "json" in item.media_type:
        fields = json_fields(result.payload)  # the payload parsed once, by the mapping
    return _outcome(item, result, result.nquads.encode("utf-8"), flags, fields=fields)


def _outcome(
    item: SourceRecord,
    result: MappingResult | NQuadsResult,
    nquads: bytes,
    flags: int,
    *,
    fields: set[str] | None = None,
) -> Outcome:
    oversized = _oversized(nquads)
    if oversized:
        return oversized
    subject = result.subject if isinstance(result.subject, str) else result.subject.value
    return Mapped(
        graph=result.graph if isinstance(result.graph, str) else result.graph.value,
        subject=subject,
        kind=result.kind,
        packed=pack_quads(nquads),
        count=statement_count(nquads),
        flags=flags,
        fields="\n".join(
            sorted(payload_fields(item.media_type, item.payload) if fields is None else fields)
        ),
        entities=entity_signature(subject, nquads),
        warnings=tuple(result.warnings),
        local_terms=tuple(result.local_terms),
        unparsed=tuple(result.unparsed),
    )


_LOADED: dict[str, Mapping] = {}
"""The mappings a worker has unpickled, by the digest of their pickle."""


def _map_chunk(
    key: str, blob: bytes, context: MappingContext, records: list[SourceRecord]
) -> list[Outcome]:
    """In a worker: map a chunk of records with the mapping pickled as ``blob``."""
    mapping = _LOADED.get(key)
    if mapping is None:
        mapping = _LOADED[key] = pickle.loads(blob)  # pickled by our own writer
    return [map_record(mapping, item, context) for item in records]


def _pool_context() -> multiprocessing.context.BaseContext:
    # Not fork: the writer has threads (one per source harvested, Oxigraph's own), and a
    # forked child may inherit a lock held by one of them. A fork server forks clean children.
    # It preloads nothing: Python 3.11's fork server imports its preloads with the working
    # directory first on its path (it ignores the writer's), where a partner's "store" or
    # "mappings" folder would shadow Museion's package of that name and kill every worker.
    # Each worker imports the mapping code itself (about half a second, once per pool).
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


Pending = Callable[[], list[Outcome]]
"""Waits for a submitted batch and returns its outcomes, in the order of its records."""


class Mapper:
    """Maps batches of records in ``jobs`` worker processes (in this process for ``jobs=1``).

    Thread-safe: the threads that harvest several sources at once share one pool. A worker
    that dies (killed, out of memory) fails the batches it was given with a ``HarvestError``
    rather than leaving anyone waiting, and the next batch gets a fresh pool."""

    def __init__(self, jobs: int = 1) -> None:
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        self.jobs = jobs
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._blobs: dict[int, tuple[str, bytes] | None] = {}

    def __enter__(self) -> Mapper:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def worker_pids(self) -> list[int]:
        """The worker processes running now (for benchmarks and diagnostics)."""
        with self._lock:
            pool = self._pool
        processes = getattr(pool, "_processes", None) or {}
        return sorted(int(pid) for pid in processes)

    def _pickled(self, mapping: Mapping) -> tuple[str, bytes] | None:
        """The mapping as the workers get it; None if it cannot be pickled (a mapping class
        defined inside a function): such a mapping is run in this process."""
        with self._lock:
            if id(mapping) not in self._blobs:
                try:
                    blob = pickle.dumps(mapping, protocol=pickle.HIGHEST_PROTOCOL)
                except (pickle.PicklingError, TypeError, AttributeError):
                    self._blobs[id(mapping)] = None
                else:
                    self._blobs[id(mapping)] = (hashlib.sha256(blob).hexdigest(), blob)
            return self._blobs[id(mapping)]

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.jobs, mp_context=_pool_context())
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def submit(
        self,
        mapping: Mapping,
        context: MappingContext,
        records: Sequence[SourceRecord],
        kind: RunKind = RunKind.HARVEST,
    ) -> Pending:
        """Start mapping ``records`` for a run of ``kind``; the returned function waits for
        their outcomes (a dead worker's error says what becomes of a run of that kind)."""
        pickled = self._pickled(mapping) if self.jobs > 1 else None
        if pickled is None or len(records) < POOL_MIN_RECORDS:
            return lambda: [map_record(mapping, item, context) for item in records]
        key, blob = pickled
        try:
            pool, futures = self._send(key, blob, context, records)
        except (BrokenProcessPool, RuntimeError):
            # The pool broke (a worker killed on another source's record) or was shut down by
            # another thread before any of this batch reached a worker: this batch cannot be
            # the culprit, so it goes to a fresh pool once before its source is failed.
            try:
                pool, futures = self._send(key, blob, context, records)
            except (BrokenProcessPool, RuntimeError) as exc:
                raise self._died(context, kind, exc) from None

        def wait() -> list[Outcome]:
            try:
                return [outcome for future in futures for outcome in future.result()]
            except BrokenProcessPool:
                self._discard(pool)
                # Every batch in flight fails with the pool, whichever record killed it:
                # each is tried once more in a pool of its own, so only the batch that
                # holds the culprit fails (and with it only its own source).
                return self._alone(key, blob, context, records, kind)
            except Exception as exc:  # e.g. a worker that cannot load the mapping
                for future in futures:
                    future.cancel()
                raise HarvestError(
                    f"a map worker failed: {type(exc).__name__}: {exc}", source=context.source
                ) from None

        return wait

    def _send(
        self, key: str, blob: bytes, context: MappingContext, records: Sequence[SourceRecord]
    ) -> tuple[ProcessPoolExecutor, list[Future[list[Outcome]]]]:
        """Submit ``records`` in chunks to the pool; a pool that refuses is discarded."""
        pool = self._executor()
        size = -(-len(records) // (self.jobs * CHUNKS_PER_JOB))
        futures: list[Future[list[Outcome]]] = []
        try:
            for start in range(0, len(records), size):
                chunk = list(records[start : start + size])
                futures.append(pool.submit(_map_chunk, key, blob, context, chunk))
        except (BrokenProcessPool, RuntimeError):
            for future in futures:
                future.cancel()
            self._discard(pool)
            raise
        return pool, futures

    def _alone(
        self,
        key: str,
        blob: bytes,
        context: MappingContext,
        records: Sequence[SourceRecord],
        kind: RunKind,
    ) -> list[Outcome]:
        with ProcessPoolExecutor(1, mp_context=_pool_context()) as pool:
            try:
                return pool.submit(_map_chunk, key, blob, context, list(records)).result()
            except BrokenProcessPool as exc:
                raise self._died(context, kind, exc) from None

    @staticmethod
    def _died(context: MappingContext, kind: RunKind, exc: BaseException) -> HarvestError:
        """What a dead worker fails its source with: a harvest's run is resumed by the next
        harvest; an upload's is discarded (``Pipeline.harvest_upload``), and a remap's is
        published by no later run: it is run again."""
        del exc  # "terminated abruptly": says no more than this message
        return HarvestError(_DIED[kind](), source=context.source)
