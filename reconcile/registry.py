"""Stable aggregate identifiers: re-running never renames an aggregate that still exists.

The registry (``reconciliation.sqlite`` in the data directory) remembers every aggregate id
ever minted: its kind, its members at the last run, the member it was first minted for (its
*anchor*), and what became of it. Each run's clusters are matched to it:

- An id stays with the new cluster that holds more than half of its previous members, or
  exactly half including its anchor. So adding members, losing a few, or splitting one off
  never renames it.
- When one cluster holds the majority of several old aggregates (a merge), the one that
  keeps most of its members (then the largest, then the oldest) keeps its id; the others
  are retired with a redirect to it.
- When no cluster holds such a share (a split into small parts), the id is retired with a
  redirect to every cluster that holds any of its members (300 Multiple Choices).
- When none of its members exist any more, the id is retired as gone (410).
- Any other cluster gets a new id: derived from its anchor (its smallest member IRI), so a
  data directory rebuilt from scratch mints the same ids; an id is never reused.

Redirects always point at live ids: a redirect to an id that is retired later is re-pointed.
"""

from __future__ import annotations

import base64
import hashlib
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

__all__ = ["Assignment", "Registry", "Retired", "Shape", "assign"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS aggregates (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    anchor TEXT NOT NULL,
    status TEXT NOT NULL,          -- live | merged | split | gone
    created TEXT NOT NULL,
    retired TEXT
);
CREATE TABLE IF NOT EXISTS members (
    member TEXT PRIMARY KEY,
    aggregate TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS members_by_aggregate ON members (aggregate);
CREATE TABLE IF NOT EXISTS redirects (
    old TEXT NOT NULL,
    new TEXT NOT NULL,
    PRIMARY KEY (old, new)
);
CREATE TABLE IF NOT EXISTS lineage (
    id TEXT NOT NULL,
    parent TEXT NOT NULL,
    PRIMARY KEY (id, parent)
);
"""


@dataclass(frozen=True, slots=True)
class Previous:
    kind: str
    anchor: str
    order: int
    """When it was minted, relative to the others (the oldest is kept in a merge)."""
    members: frozenset[str]


@dataclass(frozen=True, slots=True)
class Retired:
    id: str
    kind: str
    status: str
    """``merged``, ``split`` or ``gone``."""
    replaced_by: tuple[str, ...]
    retired: str


@dataclass(slots=True)
class Assignment:
    ids: list[str]
    """The id of each cluster, in the order given."""
    anchors: list[str]
    new: list[str] = field(default_factory=list)
    retired: list[Retired] = field(default_factory=list)
    lineage: dict[str, set[str]] = field(default_factory=dict)
    """New id → the old ids some of its members came from (split off, not merged)."""


def mint_id(kind: str, anchor: str, taken: set[str]) -> str:
    """A short opaque id derived from the anchor, never one already taken."""
    salt = 0
    while True:
        digest = hashlib.sha256(f"{kind}\n{anchor}\n{salt}".encode()).digest()
        candidate = base64.b32encode(digest).decode("ascii")[:10].lower()
        if candidate not in taken:
            return candidate
        salt += 1


class Shape(NamedTuple):
    """A cluster as the registry sees it: its kind and member IRIs."""

    kind: str
    members: list[str]


def assign(
    clusters: list[Shape] | list[tuple[str, list[str]]],
    previous: dict[str, Previous],
    taken: set[str],
    now: str,
) -> Assignment:
    """Ids for ``clusters`` ((kind, members)), given the live aggregates of the last run."""
    shapes = [Shape(kind, members) for kind, members in clusters]
    member_of: dict[str, str] = {m: agg for agg, p in previous.items() for m in p.members}
    qualifying = _qualifying(shapes, previous, member_of)
    assignment = Assignment([""] * len(shapes), [""] * len(shapes))
    for index, olds in qualifying.items():
        keep = olds[0]
        assignment.ids[index], assignment.anchors[index] = keep, previous[keep].anchor
    taken = set(taken)
    for index, (kind, members) in enumerate(shapes):
        if not assignment.ids[index]:
            anchor = min(members)
            new = mint_id(kind, anchor, taken)
            taken.add(new)
            assignment.ids[index], assignment.anchors[index] = new, anchor
            assignment.new.append(new)
    assignment.retired = _retired(shapes, previous, qualifying, assignment.ids, now)
    merged = {r.id for r in assignment.retired if r.status == "merged"}
    for index, (_, members) in enumerate(shapes):
        parents = {member_of[m] for m in members if m in member_of} - {assignment.ids[index]}
        if parents - merged:
            assignment.lineage[assignment.ids[index]] = parents - merged
    return assignment


def _qualifying(
    shapes: list[Shape], previous: dict[str, Previous], member_of: dict[str, str]
) -> dict[int, list[str]]:
    """For each cluster (by index), the old ids it may keep, the one it keeps first: those of
    which it holds more than half the members, or exactly half with the anchor."""
    qualifying: dict[int, list[str]] = {}
    for index, (kind, members) in enumerate(shapes):
        counts = Counter(member_of[m] for m in members if m in member_of)
        for old, kept in counts.items():
            prev = previous[old]
            if prev.kind != kind:
                continue
            total = len(prev.members)
            if kept * 2 > total or (kept * 2 == total and prev.anchor in members):
                qualifying.setdefault(index, []).append(old)
    for index, olds in qualifying.items():
        held = set(shapes[index].members)
        olds.sort(
            key=lambda o: (
                -len(held & previous[o].members),
                -len(previous[o].members),
                previous[o].order,
                o,
            )
        )
    return qualifying


def _retired(
    shapes: list[Shape],
    previous: dict[str, Previous],
    qualifying: dict[int, list[str]],
    ids: list[str],
    now: str,
) -> list[Retired]:
    """The old ids no cluster keeps: merged into the one that kept another, split among the
    clusters holding their members, or gone."""
    retired = [
        Retired(old, previous[old].kind, "merged", (ids[index],), now)
        for index, olds in qualifying.items()
        for old in olds[1:]
    ]
    done = {olds[0] for olds in qualifying.values()} | {r.id for r in retired}
    where = {m: ids[i] for i, (_, members) in enumerate(shapes) for m in members}
    for old, prev in sorted(previous.items()):
        if old in done:
            continue
        targets = sorted({where[m] for m in prev.members if m in where})
        if targets:
            retired.append(Retired(old, prev.kind, "split", tuple(targets), now))
        else:
            retired.append(Retired(old, prev.kind, "gone", (), now))
    return retired


class Registry:
    """The id registry in its SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def previous(self) -> dict[str, Previous]:
        """The live aggregates of the last run, with their members."""
        members: dict[str, set[str]] = {}
        for member, aggregate in self._db.execute("SELECT member, aggregate FROM members"):
            members.setdefault(aggregate, set()).add(member)
        return {
            agg: Previous(kind, anchor, order, frozenset(members.get(agg, ())))
            for agg, kind, anchor, order in self._db.execute(
                "SELECT id, kind, anchor, rowid FROM aggregates WHERE status = 'live'"
            )
        }

    def taken(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT id FROM aggregates")}

    def retired(self) -> list[Retired]:
        """Every retired id with where it now redirects (live ids only)."""
        targets: dict[str, list[str]] = {}
        for old, new in self._db.execute("SELECT old, new FROM redirects ORDER BY old, new"):
            targets.setdefault(old, []).append(new)
        return [
            Retired(agg, kind, status, tuple(targets.get(agg, ())), retired or "")
            for agg, kind, status, retired in self._db.execute(
                "SELECT id, kind, status, retired FROM aggregates WHERE status != 'live' "
                "ORDER BY id"
            )
        ]

    def lineage(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for agg, parent in self._db.execute("SELECT id, parent FROM lineage"):
            found.setdefault(agg, set()).add(parent)
        return found

    def save(
        self,
        clusters: list[Shape] | list[tuple[str, list[str]]],
        assignment: Assignment,
        now: str,
    ) -> None:
        """Record this run's clusters and retirements in one transaction."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for (kind, _), agg, anchor in zip(
                clusters, assignment.ids, assignment.anchors, strict=True
            ):
                db.execute(
                    "INSERT INTO aggregates (id, kind, anchor, status, created) "
                    "VALUES (?, ?, ?, 'live', ?) ON CONFLICT (id) DO NOTHING",
                    (agg, kind, anchor, now),
                )
            db.execute("DELETE FROM members")
            db.executemany(
                "INSERT INTO members (member, aggregate) VALUES (?, ?)",
                [
                    (member, agg)
                    for (_, members), agg in zip(clusters, assignment.ids, strict=True)
                    for member in members
                ],
            )
            for gone in assignment.retired:
                db.execute(
                    "UPDATE aggregates SET status = ?, retired = ? WHERE id = ?",
                    (gone.status, gone.retired, gone.id),
                )
                # whoever redirected to the retired id now redirects where it went
                pointing = [
                    row[0]
                    for row in db.execute("SELECT old FROM redirects WHERE new = ?", (gone.id,))
                ]
                db.execute("DELETE FROM redirects WHERE new = ?", (gone.id,))
                for old in [gone.id, *pointing]:
                    db.executemany(
                        "INSERT OR IGNORE INTO redirects (old, new) VALUES (?, ?)",
                        [(old, target) for target in gone.replaced_by],
                    )
            for agg, parents in assignment.lineage.items():
                db.executemany(
                    "INSERT OR IGNORE INTO lineage (id, parent) VALUES (?, ?)",
                    [(agg, parent) for parent in parents],
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
