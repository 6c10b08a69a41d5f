"""A run notes the quarantine earlier runs left (``Run.note_standing``) whole or not at all.

Its report lists those entries with the run's own. The notes were written in a transaction
that nothing rolled back: an entry refused midway (a value SQLite cannot bind, a failing
read of the entries) left the earlier notes deleted and half the new ones in an open
transaction, which the run's next write then committed, and the next ``BEGIN`` of the run
failed ("cannot start a transaction within a transaction"). The real staging database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from publish import QuarantinedRecord, Run

EARLIER = [
    QuarantinedRecord("a.json", "a", "not JSON", b""),
    QuarantinedRecord("b.json", "b", "no identifier", b""),
]


def failing_midway() -> Iterator[QuarantinedRecord]:
    yield QuarantinedRecord("c.json", "c", "not JSON", b"")
    raise OSError("the store could not be read")


def unbindable() -> list[QuarantinedRecord]:
    """The second entry's reason is no text: SQLite refuses it after the first is written."""
    reason: str = object()  # type: ignore[assignment]
    return [
        QuarantinedRecord("c.json", "c", "not JSON", b""),
        QuarantinedRecord("d.json", "d", reason, b""),
    ]


@pytest.mark.parametrize(
    ("entries", "error"),
    [(failing_midway, OSError), (unbindable, sqlite3.ProgrammingError)],
    ids=["read", "written"],
)
def test_notes_that_fail_midway_leave_the_earlier_notes(
    tmp_path: Path, entries: Callable[[], Iterable[QuarantinedRecord]], error: type[Exception]
) -> None:
    run = Run.create(tmp_path / "run", source="shop")
    run.note_standing(EARLIER)

    with pytest.raises(error):
        run.note_standing(entries())

    assert run.standing() == EARLIER
    run.set_info(status="staged")  # the run's next writes are its own, and commit
    run.note_edits({"a": "{}"})
    run.close()
    again = Run.open(tmp_path / "run")
    try:
        assert again.standing() == EARLIER
        assert again.info()["status"] == "staged"
        assert again.edits() == {"a": "{}"}
    finally:
        again.close()
