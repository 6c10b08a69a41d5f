"""SQLite helpers shared by the record index and the runs' staging databases."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

__all__ = ["add_column", "rows_in"]

CHUNK = 500
"""Values per ``IN (...)`` list: below SQLite's limit on bound parameters."""


def rows_in(
    db: sqlite3.Connection, sql: str, values: Sequence[str], *params: Any
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``sql`` for every value, asked in chunks: ``sql`` holds ``{marks}`` where the
    ``IN`` list goes, and ``params`` are bound before the values."""
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        yield from db.execute(sql.format(marks=",".join("?" * len(chunk))), (*params, *chunk))


def add_column(db: sqlite3.Connection, table: str, column: str) -> None:
    """Add ``column`` (its SQL definition, with a default) to ``table`` of a database an
    earlier Museion made, which ``CREATE TABLE IF NOT EXISTS`` leaves as it was."""
    name = column.split(maxsplit=1)[0]
    if name in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
        return
    try:
        db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
    except sqlite3.OperationalError as exc:  # another process added it meanwhile
        if "duplicate column" not in str(exc):
            raise
