"""Published snapshots: immutable copies of the working store, and the pointer to the newest.

```
published/<name>/    an Oxigraph backup (hard links where it can): never written again
published/CURRENT    the name of the snapshot readers use, replaced atomically
```

The writer publishes; readers (the CLI, the endpoint's query processes) follow ``CURRENT``. A
reader that keeps a snapshot open notices a new publish by the pointer file's identity
(``Pointer.key``) changing, and reopens — so a new harvest or an update is served without a
restart, and no reader ever sees a half-written store (ARCHITECTURE §5).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .oxigraph import Store

__all__ = [
    "CURRENT",
    "Pointer",
    "current_snapshot",
    "manifest",
    "publish_snapshot",
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
) -> Path:
    """Snapshot ``store`` and make it what readers use, atomically; keep the newest ``keep``.

    ``about`` (JSON) is kept beside the snapshot as its manifest: when each source was
    harvested, which the endpoint's VoID description reports."""
    name = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(2)
    published_dir.mkdir(parents=True, exist_ok=True)
    target = published_dir / name
    store.flush()
    store.backup(target)
    if about is not None:
        target.with_name(name + ".json").write_text(json.dumps(about, indent=2), "utf-8")
    if before_switch is not None:
        before_switch()  # (crash tests kill the process here: copied, not yet switched)
    tmp = published_dir / (CURRENT + ".tmp")
    tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(tmp, published_dir / CURRENT)
    for old in snapshots(published_dir)[:-keep]:
        if old != target:
            shutil.rmtree(old, ignore_errors=True)
            old.with_name(old.name + ".json").unlink(missing_ok=True)
    return target


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
