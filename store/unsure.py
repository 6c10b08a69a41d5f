"""What a remote server may hold otherwise than the working store: the graphs (or subjects
of a graph) of a write that failed midway, kept in a file beside the working store until a
later write, or the next publish (``RemoteStore._mend``), sends them as the working store
holds them.

The server is written first and the working store after (``store.remote``): a write the
server fails midway — a connection dropped, a 503, a server that did not keep what it
accepted, a graph sent whole and the next refused — may have changed some of what it names
on the server and nothing in the working store. Marking the run's source as not mirrored
(``publish.workspace``) has its next run applied again, but that run writes only what
differs from the index: a feed back as it was before wrote nothing of the failed write's
graphs, and what the server lost of them (an entity's name, deleted before its new one
failed) stayed lost, in every version after.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

__all__ = ["Unsure"]

WHOLE = "*"
"""In the file, for a graph named whole (its subjects otherwise)."""


class Unsure:
    """Graphs (by IRI: ``None``, the whole graph; a set, only those subjects) the server may
    hold otherwise than the working store, kept in ``path`` (one JSON object a line)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.graphs: dict[str, set[str] | None] = {}
        self.damaged = False
        """The file could not be read (edited by hand, a disk's fault): what it named is not
        known, so the server is to be sent every graph (``RemoteStore._in_sync``); the file
        stays until then (``clear``)."""
        try:
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    entry = json.loads(line)
                    subjects = entry["subjects"]
                    self._add(entry["graph"], None if subjects == WHOLE else list(subjects))
        except FileNotFoundError:
            return
        except (ValueError, KeyError, TypeError):  # ValueError: bad JSON or UTF-8 too
            self.graphs, self.damaged = {}, True

    def clear(self) -> None:
        """Every graph was sent as the working store holds it: nothing is unsure."""
        self.graphs, self.damaged = {}, False
        self.path.unlink(missing_ok=True)

    def __bool__(self) -> bool:
        return bool(self.graphs)

    def _add(self, graph: str, subjects: Iterable[str] | None) -> None:
        held = self.graphs.get(graph, set())
        if held is None or subjects is None:
            self.graphs[graph] = None
        else:
            self.graphs[graph] = held | set(subjects)

    def note(self, graphs: Iterable[str], subjects: Iterable[str] | None = None) -> None:
        """``graphs`` whole (or ``subjects`` of each) may differ on the server."""
        named = list(subjects) if subjects is not None else None
        for graph in graphs:
            self._add(graph, named)
        self._save()

    def settle(self, graphs: Iterable[str], subjects: Iterable[str] | None = None) -> None:
        """``graphs`` whole (or ``subjects`` of each) were written on both sides since."""
        if not self.graphs:
            return
        before = dict(self.graphs)
        for graph in graphs:
            held = self.graphs.get(graph, set())
            if subjects is None:
                self.graphs.pop(graph, None)
            elif held:  # a graph noted whole is not settled by some of its subjects
                self.graphs[graph] = held - set(subjects)
                if not self.graphs[graph]:
                    del self.graphs[graph]
        if self.graphs != before:
            self._save()

    def _save(self) -> None:
        if not self.graphs:
            self.path.unlink(missing_ok=True)
            return
        lines = [
            json.dumps({"graph": g, "subjects": WHOLE if s is None else sorted(s)})
            for g, s in sorted(self.graphs.items())
        ]
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
        temporary.replace(self.path)
