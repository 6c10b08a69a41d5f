"""Databases an earlier Museion wrote: a run it staged and stopped, a record index it kept.
Opened by this version, they gain the columns it added, as "not known" where they must."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

from publish import Change, RecordIndex, Run, StagedRecord, pack_quads

_RECORD = StagedRecord(
    "A-1",
    Change.NEW,
    "https://e.org/p/object/A-1/graph",
    "https://e.org/p/object/A-1",
    "object",
    "sum",
    "application/json",
    None,
    "inventory.csv, line 2",
    None,
    b"{}",
    pack_quads(b""),
    0,
)


def test_a_run_staged_before_notes_were_kept_says_they_are_not_known(tmp_path: Path) -> None:
    """A run staged by the last version and resumed by this one staged its records' notes as
    "nothing to note": they went into the index so, and the report counted them as noting
    nothing, where it counts records of an older index as not known."""
    run = Run.create(tmp_path / "run")
    run.stage([_RECORD], [], [], [])
    run.close()
    with sqlite3.connect(tmp_path / "run" / "run.sqlite") as db:
        db.execute("ALTER TABLE staged DROP COLUMN notes")  # as the last version made it
        row = db.execute("SELECT * FROM staged").fetchone()
        db.execute("DELETE FROM staged")
        db.execute(f"INSERT INTO staged VALUES ({', '.join('?' * len(row))})", row)
    again = Run.open(tmp_path / "run")
    try:
        [[staged]] = list(again.staged())
    finally:
        again.close()
    assert staged.notes is None
    assert zlib.decompress(row[10]) == b"{}"


def test_an_index_kept_before_notes_were_kept_says_they_are_not_known(tmp_path: Path) -> None:
    path = tmp_path / "records.sqlite"
    RecordIndex(path).close()
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE records DROP COLUMN notes")
    index = RecordIndex(path)
    try:
        columns = {row[1]: row for row in index._db.execute("PRAGMA table_info(records)")}
    finally:
        index.close()
    assert "notes" in columns
    assert columns["notes"][3] == 0  # nullable: "not known" for the rows already there
