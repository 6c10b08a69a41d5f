"""Checklists on disk: ``checklists.sqlite`` in Museion's data directory.

Curator data lives apart from harvested data (ARCHITECTURE §9): harvests and publishes never
open this file, so a checklist survives every re-harvest and publish. Each item keeps a copy of
the registrar's fields as they were when it was added, refreshed whenever the object is still
in the current snapshot; an object its partner withdrew stays listed, marked withdrawn, with
the last fields known — never silently dropped.

SQLite in WAL mode with a busy timeout: several HTTP worker processes may write at once.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from museion_core.errors import QueryError

from .fields import Fields
from .rows import CURRENT, WITHDRAWN

__all__ = [
    "DEFAULT_SPACING_CM",
    "MAX_ITEMS",
    "MAX_NAME",
    "MAX_NOTE",
    "Checklist",
    "ChecklistStore",
    "Item",
]

MAX_NAME = 200
MAX_NOTE = 4000
MAX_ITEMS = 2000
MAX_CHECKLISTS = 10_000
DEFAULT_SPACING_CM = 60.0
"""Space between two works on a wall, a common hanging rule; each checklist may set its own."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS checklist (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    spacing_cm REAL NOT NULL DEFAULT 60,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS item (
    checklist TEXT NOT NULL REFERENCES checklist(id) ON DELETE CASCADE,
    iri TEXT NOT NULL,
    position INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    added TEXT NOT NULL,
    status TEXT NOT NULL,
    fields TEXT NOT NULL,
    checked TEXT NOT NULL,
    withdrawn_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (checklist, iri)
);
"""


class ChecklistError(QueryError):
    """A checklist request refused, kept as its English template and values (``template``,
    ``values``) so that a page says it in the reader's language; ``str`` is the English."""

    def __init__(self, template: str, **values: object) -> None:
        super().__init__(template.format(**values))
        self.template, self.values = template, values


class NotFoundError(ChecklistError):
    http_status = 404


class BadRequestError(ChecklistError):
    http_status = 400


@dataclass
class Item:
    iri: str
    position: int
    note: str
    added: str
    status: str
    """``current`` or ``withdrawn`` (by its partner, or no longer in the snapshot)."""
    fields: Fields
    checked: str
    """When the fields were last read from a snapshot."""
    withdrawn_at: str = ""


@dataclass
class Checklist:
    id: str
    name: str
    spacing_cm: float
    created: str
    updated: str
    items: list[Item] = field(default_factory=list)


class ChecklistStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.executescript(SCHEMA)
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    # -- checklists -------------------------------------------------------------------------
    def create(self, name: str) -> Checklist:
        name = _name(name)
        now = _now()
        with self._db() as db:
            (count,) = db.execute("SELECT COUNT(*) FROM checklist").fetchone()
            if count >= MAX_CHECKLISTS:
                raise BadRequestError(
                    "this server holds {count} checklists, the most it may", count=MAX_CHECKLISTS
                )
            ident = secrets.token_urlsafe(9)
            db.execute(
                "INSERT INTO checklist (id, name, spacing_cm, created, updated) "
                "VALUES (?, ?, ?, ?, ?)",
                (ident, name, DEFAULT_SPACING_CM, now, now),
            )
        return Checklist(ident, name, DEFAULT_SPACING_CM, now, now)

    def all(self) -> list[tuple[Checklist, int]]:
        """Every checklist (newest change first) with its number of objects."""
        with self._db() as db:
            rows = db.execute(
                "SELECT c.id, c.name, c.spacing_cm, c.created, c.updated, COUNT(i.iri) "
                "FROM checklist c LEFT JOIN item i ON i.checklist = c.id "
                "GROUP BY c.id ORDER BY c.updated DESC, c.id"
            ).fetchall()
        return [(Checklist(*row[:5]), row[5]) for row in rows]

    def holding(self, iri: str) -> set[str]:
        """The checklists an object is on (its adding page says so)."""
        with self._db() as db:
            rows = db.execute("SELECT DISTINCT checklist FROM item WHERE iri = ?", (iri,))
            return {ident for (ident,) in rows}

    def get(self, ident: str) -> Checklist:
        with self._db() as db:
            return self._get(db, ident)

    def _get(self, db: sqlite3.Connection, ident: str) -> Checklist:
        row = db.execute(
            "SELECT id, name, spacing_cm, created, updated FROM checklist WHERE id = ?", (ident,)
        ).fetchone()
        if row is None:
            raise NotFoundError("there is no checklist “{ident}”", ident=ident)
        checklist = Checklist(*row)
        for iri, position, note, added, status, fields, checked, gone in db.execute(
            "SELECT iri, position, note, added, status, fields, checked, withdrawn_at "
            "FROM item WHERE checklist = ? ORDER BY position, added",
            (ident,),
        ):
            checklist.items.append(
                Item(
                    iri,
                    position,
                    note,
                    added,
                    status,
                    Fields.from_json(json.loads(fields)),
                    checked,
                    gone,
                )
            )
        return checklist

    def rename(self, ident: str, name: str) -> None:
        self._touch(ident, "UPDATE checklist SET name = ? WHERE id = ?", (_name(name), ident))

    def set_spacing(self, ident: str, spacing_cm: float) -> None:
        if not 0 <= spacing_cm <= 1000:
            raise BadRequestError("the spacing between works must be between 0 and 1000 cm")
        self._touch(ident, "UPDATE checklist SET spacing_cm = ? WHERE id = ?", (spacing_cm, ident))

    def delete(self, ident: str) -> None:
        with self._db() as db:
            self._get(db, ident)
            db.execute("DELETE FROM checklist WHERE id = ?", (ident,))

    # -- items ------------------------------------------------------------------------------
    def add(self, ident: str, fields: Fields, note: str = "") -> bool:
        """Add an object at the end; False if it was already listed (nothing changes)."""
        now = _now()
        with self._db() as db:
            checklist = self._get(db, ident)
            if any(item.iri == fields.iri for item in checklist.items):
                return False
            if len(checklist.items) >= MAX_ITEMS:
                raise BadRequestError("a checklist holds at most {count} objects", count=MAX_ITEMS)
            position = max((i.position for i in checklist.items), default=0) + 1
            db.execute(
                "INSERT INTO item (checklist, iri, position, note, added, status, fields, "
                "checked) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ident,
                    fields.iri,
                    position,
                    _note(note),
                    now,
                    CURRENT,
                    json.dumps(fields.to_json(), ensure_ascii=False),
                    now,
                ),
            )
            db.execute("UPDATE checklist SET updated = ? WHERE id = ?", (now, ident))
        return True

    def remove(self, ident: str, iri: str) -> None:
        self._item_change(ident, iri, "DELETE FROM item WHERE checklist = ? AND iri = ?", ())

    def set_note(self, ident: str, iri: str, note: str) -> None:
        self._item_change(
            ident, iri, "UPDATE item SET note = ? WHERE checklist = ? AND iri = ?", (_note(note),)
        )

    def move(self, ident: str, iri: str, to: int) -> None:
        """Move an object to position ``to`` (1-based; clamped to the list)."""
        with self._db() as db:
            order = [item.iri for item in self._get(db, ident).items]
            if iri not in order:
                raise NotFoundError("{iri} is not on this checklist", iri=iri)
            order.remove(iri)
            order.insert(max(0, min(to - 1, len(order))), iri)
            self._write_order(db, ident, order)

    def reorder(self, ident: str, iris: list[str]) -> None:
        """Put the objects in exactly this order (every listed object, each once)."""
        with self._db() as db:
            current = [item.iri for item in self._get(db, ident).items]
            if sorted(current) != sorted(iris):
                raise BadRequestError("a new order must list every object of the checklist once")
            self._write_order(db, ident, iris)

    def _write_order(self, db: sqlite3.Connection, ident: str, order: list[str]) -> None:
        for position, iri in enumerate(order, start=1):
            db.execute(
                "UPDATE item SET position = ? WHERE checklist = ? AND iri = ?",
                (position, ident, iri),
            )
        db.execute("UPDATE checklist SET updated = ? WHERE id = ?", (_now(), ident))

    def refresh(self, ident: str, answers: dict[str, tuple[str, Fields | None, str]]) -> None:
        """Record what the current snapshot says of each object: fresh fields for the ones it
        still describes; ``withdrawn`` (keeping the last fields) for the others."""
        now = _now()
        with self._db() as db:
            for iri, (status, fields, when) in answers.items():
                if status == CURRENT and fields is not None:
                    db.execute(
                        "UPDATE item SET status = ?, fields = ?, checked = ?, withdrawn_at = '' "
                        "WHERE checklist = ? AND iri = ?",
                        (
                            CURRENT,
                            json.dumps(fields.to_json(), ensure_ascii=False),
                            now,
                            ident,
                            iri,
                        ),
                    )
                else:
                    db.execute(
                        "UPDATE item SET status = ?, checked = ?, "
                        "withdrawn_at = CASE WHEN withdrawn_at = '' THEN ? ELSE withdrawn_at END "
                        "WHERE checklist = ? AND iri = ?",
                        (WITHDRAWN, now, when or now, ident, iri),
                    )

    def _touch(self, ident: str, sql: str, args: tuple[object, ...]) -> None:
        with self._db() as db:
            self._get(db, ident)
            db.execute(sql, args)
            db.execute("UPDATE checklist SET updated = ? WHERE id = ?", (_now(), ident))

    def _item_change(self, ident: str, iri: str, sql: str, args: tuple[object, ...]) -> None:
        with self._db() as db:
            self._get(db, ident)
            changed = db.execute(sql, (*args, ident, iri)).rowcount
            if not changed:
                raise NotFoundError("{iri} is not on this checklist", iri=iri)
            db.execute("UPDATE checklist SET updated = ? WHERE id = ?", (_now(), ident))


def _name(name: str) -> str:
    _printable(name, "a checklist's name may not hold control characters")
    name = " ".join(name.split())
    if not name:
        raise BadRequestError("a checklist needs a name")
    if len(name) > MAX_NAME:
        raise BadRequestError("a checklist's name has at most {count} characters", count=MAX_NAME)
    return name


def _note(note: str) -> str:
    _printable(note, "a note may not hold control characters")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise BadRequestError("a note has at most {count} characters", count=MAX_NOTE)
    return note


def _printable(text: str, refusal: str) -> None:
    """Refuse control characters (a NUL, an escape) other than tabs and line breaks."""
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text):
        raise BadRequestError(refusal)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")
