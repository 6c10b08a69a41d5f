"""Museion's data directory: the working Oxigraph store and the state Museion keeps beside it.

```
museion-data/
  working/      the Oxigraph store the harvester writes (one writer process at a time)
  state.json    whether a write was interrupted (then the default graph is rebuilt on open)
```
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from store import Store

__all__ = ["Workspace"]


class Workspace:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.working_path = data_dir / "working"
        self.state_path = data_dir / "state.json"

    def exists(self) -> bool:
        return self.working_path.is_dir()

    def state(self) -> dict[str, Any]:
        try:
            state: dict[str, Any] = json.loads(self.state_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return state

    def _write_state(self, **changes: Any) -> None:
        state = {**self.state(), **changes}
        self.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
        os.replace(tmp, self.state_path)

    def open_writer(self) -> Store:
        """The working store, read-write; repairs the default graph after an interrupted write."""
        store = Store(self.working_path)
        if self.state().get("dirty"):
            store.rebuild_default_graph()
            self._write_state(dirty=False)
        return store

    def open_reader(self) -> Store:
        return Store(self.working_path, read_only=True)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Mark the store dirty while a multi-step write is under way."""
        self._write_state(dirty=True)
        yield
        self._write_state(dirty=False)
