"""Published snapshots: immutable copies of the working store, and the pointer to the newest.

```
published/<name>/    an Oxigraph backup (hard links where it can): never written again
published/<name>.*   files derived from the snapshot (its manifest, its search index),
                     written before CURRENT names it and removed with it
published/CURRENT    the name of the snapshot readers use, replaced atomically
```

The writer publishes; readers (the CLI, the endpoint's query processes) follow ``CURRENT``. A
reader that keeps a snapshot open notices a new publish by the pointer file's identity
(``Pointer.key``) changing, and reopens — so a new harvest or an update is served without a
restart, and no reader ever sees a half-written store (ARCHITECTURE §5).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from museion_core.errors import StoreError

if TYPE_CHECKING:
    from .oxigraph import Store

_log = logging.getLogger("museion.store")

__all__ = [
    "CURRENT",
    "Pointer",
    "current_snapshot",
    "discard_unfinished",
    "manifest",
    "publish_snapshot",
    "remove_snapshot",
    "snapshots",
]

CURRENT = "CURRENT"


def current_snapshot(published_dir: Path) -> Path | None:
    """The snapshot readers should use, or None before the first publish."""
    try:
        name = (published_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = published_dir / name
    return path if name and path.is_dir() else None


def snapshots(published_dir: Path) -> list[Path]:
    """Published snapshots, oldest first (names sort by publication time)."""
    if not published_dir.is_dir():
        return []
    return sorted(p for p in published_dir.iterdir() if p.is_dir())


def manifest(snapshot: Path) -> dict[str, Any]:
    """What the publisher said about a snapshot (``<name>.json`` beside it), or {}."""
    try:
        data = json.loads(snapshot.with_name(snapshot.name + ".json").read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def publish_snapshot(
    store: Store,
    published_dir: Path,
    *,
    keep: int,
    about: dict[str, Any] | None = None,
    before_switch: Callable[[], None] | None = None,
    derive: Callable[[Path], object] | None = None,
) -> Path:
    """Snapshot ``store`` and make it what readers use, atomically; keep the newest ``keep``.

    ``about`` (JSON) is kept beside the snapshot as its manifest: when each source was
    harvested, which the endpoint's VoID description reports. ``derive(snapshot)`` writes
    files derived from the new snapshot (``<name>.*`` beside it, e.g. its search index)
    before the pointer switches, so readers find them together with the snapshot. It reads
    ``store`` (which holds what the snapshot will), not the snapshot, before the backup is
    taken."""
    name = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(2)
    published_dir.mkdir(parents=True, exist_ok=True)
    target = published_dir / name
    store.flush()
    if derive is not None:
        derive(target)
    store.backup(target)
    if about is not None:
        target.with_name(name + ".json").write_text(json.dumps(about, indent=2), "utf-8")
    store.publish_version(name, keep)  # a remote store's own atomic switch, before ours
    if before_switch is not None:
        before_switch()  # (crash tests kill the process here: copied, not yet switched)
    tmp = published_dir / (CURRENT + ".tmp")
    tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(tmp, published_dir / CURRENT)
    for old in snapshots(published_dir)[:-keep]:
        if old != target:
            remove_snapshot(old)
    return target


def compact(store: Store) -> None:
    """Compact the whole store, for a run that wrote most of it (a first harvest), before
    what reads all of it: reconciliation, the search build and the snapshot.

    A large load written in batches is many small files. Read as they are, reconciliation's
    queries took 2.4–3× and the search build's 1.6× as long (10,000 and 50,000 records,
    ``bench/RESULTS.md``); and RocksDB, left to itself, goes on compacting them in the
    background after the snapshot took its hard links, so that the working store ends up
    beside the snapshot in files of its own: 30–50% more disk (README, *Scale*). A compaction
    that fails (the disk is full) is logged, and the store published as it is."""
    try:
        store.optimize()
    except StoreError as exc:  # only a saving: the snapshot is as good without it
        _log.warning("%s; publishing the store as it is", exc)


def discard_unfinished(published_dir: Path) -> None:
    """Remove what a publish that was interrupted left: snapshots newer than ``CURRENT``, and
    files derived for one (its search index is written before the backup is taken)."""
    if not published_dir.is_dir():
        return
    current = current_snapshot(published_dir)
    for path in published_dir.iterdir():
        name = path.name.split(".", 1)[0]
        if name == CURRENT or (current is not None and name <= current.name):
            continue
        if path.is_dir():
            remove_snapshot(path)
        else:
            path.unlink(missing_ok=True)


def remove_snapshot(snapshot: Path) -> None:
    """A snapshot and every file derived from it (``<name>.json``, ``<name>.search.sqlite``)."""
    shutil.rmtree(snapshot, ignore_errors=True)
    for derived in snapshot.parent.glob(snapshot.name + ".*"):
        derived.unlink(missing_ok=True)


@dataclass(frozen=True)
class Pointer:
    """The ``CURRENT`` file of a published directory, watched cheaply (one ``stat``)."""

    published_dir: Path

    @property
    def path(self) -> Path:
        return self.published_dir / CURRENT

    def key(self) -> tuple[int, int, int] | None:
        """Changes whenever a publish replaces the pointer (new inode, new mtime)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def current(self) -> Path | None:
        return current_snapshot(self.published_dir)
