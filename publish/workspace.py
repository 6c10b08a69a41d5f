"""Museion's data directory: the working store, published snapshots, and Museion's own state.

```
museion-data/
  working/                the Oxigraph store harvests write (one writer process at a time)
  published/<snapshot>/   immutable snapshots (Oxigraph backups: hard links, cheap)
  published/<snapshot>.search.sqlite   its search index
  published/<snapshot>.docs.sqlite     the current snapshot's search documents, for reuse
  published/CURRENT       the name of the snapshot queries read
  records.sqlite          the record index: payloads, checksums, history, runs
  reconciliation.sqlite   aggregate ids ever minted, their members, redirects (reconcile)
  checklists.sqlite       curators' checklists (sparql.checklists): never touched by harvests
  runs/<source>/<run>/    each run's staged changes until it is applied (and a while after)
  reports/<source>.html   the partner report of each source's latest run (and .json)
  uploads/<source>/       partners' uploaded files, kept by checksum, and each upload's report
  state.json              per-source harvester state; whether a write was interrupted; the
                          snapshot whose search documents a publish may reuse; whether the
                          working store holds writes no snapshot has yet; whether a
                          remote server holds what the working store does of each source
  writer.lock             held by the one process that writes
```

A harvest writes into ``working``; only a finished run is published, so queries never see a
half-written harvest (ARCHITECTURE §5). Readers open the newest snapshot read-only.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from museion_core.errors import StoreError, WriterBusyError
from search import Basis, build_snapshot_index, docs_path
from store import (
    RemoteEndpoint,
    RemoteStore,
    Store,
    current_snapshot,
    discard_unfinished,
    publish_snapshot,
    snapshots,
    unmirrored,
)

from .apply import run_row
from .failpoints import failpoint
from .index import RecordIndex
from .layout import convert
from .runs import Run, RunKind, RunStatus

__all__ = ["KEEP_RUNS", "KEEP_SNAPSHOTS", "Workspace", "new_id", "write_atomically"]

KEEP_RUNS = 3
"""Finished run directories kept per source (held and resumable runs are always kept)."""

KEEP_SNAPSHOTS = 3
"""Published snapshots kept: the current one and the ones before it (for diffs and rollback)."""


def unusable(data_dir: Path, exc: OSError) -> str:
    """One line for a data directory that cannot be created or written (``[store] path``)."""
    if isinstance(exc, FileExistsError) or data_dir.is_file():
        why = "it is a file, not a directory"
    elif isinstance(exc, NotADirectoryError):
        why = "a part of the path is a file, not a directory"
    else:
        why = exc.strerror or str(exc)
    return f"cannot use {data_dir} as the data directory ([store] path): {why}"


class Workspace:
    def __init__(self, data_dir: Path, remote: RemoteEndpoint | None = None) -> None:
        self.data_dir = data_dir
        self.remote = remote
        """A remote store the working store's writes and publishes go to as well."""
        self.working_path = data_dir / "working"
        self.published_dir = data_dir / "published"
        self.state_path = data_dir / "state.json"
        self.index_path = data_dir / "records.sqlite"
        self.runs_dir = data_dir / "runs"
        self.reports_dir = data_dir / "reports"
        self.checklists_path = data_dir / "checklists.sqlite"

    @contextmanager
    def lock(self, wait: float = 0) -> Iterator[None]:
        """Be the one process that writes to this data directory, or fail: at once, or after
        ``wait`` seconds (a partner's upload queues behind a harvest instead of failing)."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            handle = open(self.data_dir / "writer.lock", "a+")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise StoreError(unusable(self.data_dir, exc)) from None
        deadline = time.monotonic() + wait
        with handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WriterBusyError(
                            f"another museion process{_holder(handle)} is writing to "
                            f"{self.data_dir}; wait for it to end",
                            http_status=503,  # the endpoint's update: try again later
                        ) from None
                    time.sleep(0.5)
            _note_holder(handle)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def run_dirs(self, source: str) -> list[Path]:
        """A source's run directories, oldest first (run ids sort by time)."""
        folder = self.runs_dir / source
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if (p / "run.sqlite").is_file())

    def new_run(
        self, source: str, mapping: str, started: str, directory: Path | None = None
    ) -> Run:
        """A new run of ``source`` (in ``directory``, by default a new one under ``runs/``)."""
        return Run.create(
            directory or self.runs_dir / source / new_id(),
            source=source,
            mapping=mapping,
            started=started,
        )

    def resumable_run(self, source: str, mapping: str) -> Run | None:
        """The source's newest harvest still staging with this mapping, to resume, if any.

        A remap or an upload left staging (its process killed) read no feed: a harvest that
        resumed it took the records it had staged for the feed's, and reported itself a remap.
        It is discarded here, as a remap or an upload that fails discards its own run."""
        for directory in reversed(self.run_dirs(source)):
            run = Run.open(directory)
            if run.status == RunStatus.STAGING and RunKind.of_info(run.info()) != RunKind.HARVEST:
                run.discard()
                continue
            if run.status == RunStatus.STAGING and run.info().get("mapping") == mapping:
                return run
            run.close()
        return None

    def supersede_held(self, source: str, keep: Run, index: RecordIndex | None = None) -> None:
        """A newer run replaces any held run of the same source; ``index``: its row there
        says so too (the partner's report lists the runs from it). The row is written first:
        a run stopped between the two leaves the folder held, and the next run marks both."""
        for directory in self.run_dirs(source):
            if directory == keep.directory:
                continue
            run = Run.open(directory)
            if run.status == RunStatus.HELD:
                if index is not None:
                    index.record_run(run_row(source, run, RunStatus.SUPERSEDED))
                run.set_info(status=RunStatus.SUPERSEDED)
            run.close()

    def prune_runs(self, source: str) -> None:
        """Remove all but the newest ``KEEP_RUNS`` finished runs of a source."""
        finished = []
        for directory in self.run_dirs(source):
            run = Run.open(directory)
            if run.status in (RunStatus.PUBLISHED, RunStatus.SUPERSEDED, RunStatus.FAILED):
                finished.append(directory)
            run.close()
        for directory in finished[:-KEEP_RUNS]:
            shutil.rmtree(directory, ignore_errors=True)

    # -- state ---------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        try:
            state: dict[str, Any] = json.loads(self.state_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return state

    def _write_state(self, **changes: Any) -> None:
        state = {**self.state(), **changes}
        self.data_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(self.state_path, json.dumps(state, indent=2))

    def save_state(self, **changes: Any) -> None:
        self._write_state(**changes)

    def source_state(self, source: str) -> dict[str, Any]:
        """What a source's harvester left to resume or continue from (its checkpoint)."""
        state: dict[str, Any] = self.state().get("sources", {}).get(source, {})
        return state

    def save_source_state(self, source: str, **changes: Any) -> None:
        sources = dict(self.state().get("sources", {}))
        sources[source] = {**sources.get(source, {}), **changes}
        self._write_state(sources=sources)

    def note_writes(self) -> None:
        """Say, before the working store is written, that it will hold what no snapshot has:
        the next harvest publishes even if its own runs change nothing (a run that failed
        part-way, a publish the disk refused, an update whose publish failed). ``publish``
        clears it."""
        if not self.unpublished_writes():
            self._write_state(unpublished_writes=True)

    def unpublished_writes(self) -> bool:
        """Whether the working store may hold writes the current snapshot does not: true
        until a publish says otherwise (a data directory of an earlier Museion, which did not
        keep it, publishes once more)."""
        return self.state().get("unpublished_writes", True) is not False

    def note_mirroring(self, source: str) -> None:
        """Say, before a run of ``source`` is applied to a remote store, that the server may
        miss part of it: the working store is written first, and a write the server fails
        leaves the working store ahead of it. ``note_mirrored`` clears it once the run's
        writes were all checked on the server (nothing to do with an embedded store)."""
        if self.remote is not None and self.mirrored(source):
            self.save_source_state(source, mirrored=False)

    def note_mirrored(self, source: str) -> None:
        """The run of ``source`` applied last was written whole to the remote server."""
        if self.remote is not None and not self.mirrored(source):
            self.save_source_state(source, mirrored=True)

    def mirrored(self, source: str) -> bool:
        """Whether the remote server holds what the working store holds of ``source``: its
        last applied run reached the server whole. Until then, the source's next run is
        applied even if it changes nothing in the working store (``publish.writes_nothing``
        compares with that store only), which sends the server what it missed. Always true
        of an embedded store; false for a source no run was applied to since Museion kept
        it (a data directory of an earlier Museion applies each source's next run once)."""
        return self.remote is None or self.source_state(source).get("mirrored") is True

    # -- the working store ----------------------------------------------------------------
    def open_writer(self, base_iri: str | None = None) -> Store:
        """The working store, read-write; converted to hold each triple once if an earlier
        Museion wrote it (``publish.layout``; it needs the index and ``base_iri``)."""
        if self.remote is None:  # what it writes now, no server it was mirrored to holds
            unmirrored(self.working_path)
        store = (
            Store(self.working_path)
            if self.remote is None
            else RemoteStore(self.working_path, self.remote)
        )
        if store.merged_default and base_iri is not None:
            self.note_writes()  # the snapshots keep the old layout until the next publish
            index = RecordIndex(self.index_path)
            try:
                convert(store, index, base_iri)
            finally:
                index.close()
        return store

    # -- published snapshots --------------------------------------------------------------
    def published_path(self) -> Path | None:
        """The snapshot queries should read, or None before the first publish."""
        return current_snapshot(self.published_dir)

    def snapshots(self) -> list[Path]:
        """Published snapshots, oldest first."""
        return snapshots(self.published_dir)

    def discard_unfinished_snapshots(self) -> None:
        """Remove snapshots newer than CURRENT, and their derived files: a publish that was
        interrupted mid-copy."""
        discard_unfinished(self.published_dir)

    def publish(
        self,
        store: Store,
        base_iri: str = "",
        *,
        updated: str | None = None,
        basis: Basis | None = None,
    ) -> Path:
        """Snapshot the working store and make it what queries read, atomically, together
        with its search index (built from the snapshot before the pointer switches).
        ``updated``: when a SPARQL Update changed the store (kept in the manifest).

        ``basis`` (``search_basis``): the search documents are kept beside the snapshot, and
        those of the current snapshot reused where the basis allows, if it kept them and
        nothing the record index does not see (a SPARQL Update) wrote to the store since:
        ``state.json`` names the snapshot whose documents may be reused."""
        # when each source's data last changed, and how the run that changed it came about
        # ("kind": harvest, upload, remap; not known of a run before it was kept)
        sources = {
            name: {"harvested": state["harvested"]}
            | ({"kind": state["kind"]} if state.get("kind") else {})
            for name, state in self.state().get("sources", {}).items()
            if state.get("harvested")
        }
        about: dict[str, Any] = {"sources": sources}
        if updated is not None:
            about["updated"] = updated
        current = self.published_path()
        reusable = basis is not None and current is not None and self._reusable() == current.name
        previous = current if reusable else None
        snapshot = publish_snapshot(
            store,
            self.published_dir,
            keep=KEEP_SNAPSHOTS,
            about=about,
            before_switch=lambda: failpoint("publish"),
            derive=lambda snapshot: self._index(snapshot, base_iri, store, basis, previous),
        )
        self._write_state(
            search_documents=snapshot.name if basis is not None else None,
            unpublished_writes=False,
        )
        for older in self.snapshots():  # only the current snapshot's documents are reused
            if older != snapshot:
                docs_path(older).unlink(missing_ok=True)
        return snapshot

    def forget_search_documents(self) -> None:
        """Let no publish reuse the search documents kept so far: the store is being changed
        in a way the record index does not see (a SPARQL Update; a run the store refused
        part of, or that failed part-way)."""
        self._write_state(search_documents=None)

    def _reusable(self) -> str | None:
        """The snapshot whose search documents a publish may reuse (see ``publish``)."""
        name = self.state().get("search_documents")
        return name if isinstance(name, str) else None

    def update(self, change: Callable[[Store], object], base_iri: str, *, wait: float) -> Path:
        """Change the working store with ``change`` and publish it: the endpoint's SPARQL
        Update, through the lock and the publish path a harvest takes, so the two never
        interleave — an update waits (up to ``wait`` seconds) for a harvest to publish, and
        a harvest started meanwhile finds the data directory locked. ``change`` must be one
        transaction (``Store.update_named_graphs`` is), so it needs no dirty mark."""
        with self.lock(wait):
            store = self.open_writer(base_iri)
            try:
                self.forget_search_documents()
                self.note_writes()
                change(store)
                return self.publish(store, base_iri, updated=datetime.now(UTC).isoformat())
            finally:
                store.close()

    def _index(
        self,
        snapshot: Path,
        base_iri: str,
        store: Store,
        basis: Basis | None,
        previous: Path | None,
    ) -> None:
        failpoint("index")
        build_snapshot_index(snapshot, base_iri, source=store, basis=basis, previous=previous)
        failpoint("indexed")  # (crash tests: the index written, the snapshot not yet taken)

    def open_published(self) -> Store:
        path = self.published_path()
        if path is None:
            raise StoreError(
                f"nothing is published in {self.data_dir} yet; run `museion harvest` first"
            )
        return Store(path, read_only=True)


def new_id() -> str:
    """A sortable, unique id for runs and snapshots: UTC time to the microsecond, then noise."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(2)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so that a reader finds the old file or the new one,
    never half of it: into ``.NAME.tmp`` beside it, then renamed over it."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _note_holder(handle: IO[str]) -> None:
    """Write which process holds the writer lock, and since when, into the lock file, for the
    process it turns away: a cron harvest that finds the data directory locked says by whom
    (``ps -p PID``: last night's harvest still running, an upload's run). Not its command
    line, which names the server's folders to whoever reads the refusal (a partner's upload).
    Best effort: a full disk must not stop the writer."""
    since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "since": since}))
        handle.flush()
    except OSError:
        pass


def _holder(handle: IO[str]) -> str:
    """`` (pid 123 since 2026-12-06T03:00:00Z)``: who holds the lock, as it wrote, or ``""``."""
    try:
        handle.seek(0)
        held = json.loads(handle.read() or "{}")
    except (OSError, ValueError):
        return ""
    if not isinstance(held, dict) or not isinstance(held.get("pid"), int):
        return ""
    return f" (pid {held['pid']} since {held.get('since', '?')})"
