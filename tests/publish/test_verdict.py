"""Staging's per-record decisions, by name: what a harvest does with each record it reads."""

from __future__ import annotations

import pytest

from harvesters import SourceRecord
from publish import KnownRecord, Verdict, verdict

MAPPING = "lido@3"


def _record(payload: bytes = b"<a/>", *, deleted: bool = False) -> SourceRecord:
    return SourceRecord(source="s", local_id="r1", payload=payload, deleted=deleted)


RECORD = _record()
LIVE = KnownRecord(RECORD.checksum, MAPPING, live=True)


@pytest.mark.parametrize(
    ("item", "earlier", "known", "force", "expected"),
    [
        (RECORD, None, None, False, Verdict.NEW),
        (RECORD, None, LIVE, False, Verdict.UNCHANGED),
        (RECORD, None, LIVE, True, Verdict.CHANGED),  # a remap maps every record again
        (_record(b"<b/>"), None, LIVE, False, Verdict.CHANGED),
        (RECORD, None, KnownRecord(RECORD.checksum, "lido@2", live=True), False, Verdict.CHANGED),
        # A withdrawn record that comes back is new to the live index, not unchanged.
        (RECORD, None, KnownRecord(RECORD.checksum, MAPPING, live=False), False, Verdict.NEW),
        (RECORD, RECORD.checksum, None, False, Verdict.REPEAT),
        (RECORD, "another checksum", None, False, Verdict.DUPLICATE),
        (_record(deleted=True), None, LIVE, False, Verdict.WITHDRAWN),
        (_record(deleted=True), None, None, False, Verdict.ALREADY_GONE),
        (
            _record(deleted=True),
            None,
            KnownRecord("x", MAPPING, live=False),
            False,
            Verdict.ALREADY_GONE,
        ),
    ],
)
def test_verdicts(
    item: SourceRecord,
    earlier: str | None,
    known: KnownRecord | None,
    force: bool,
    expected: Verdict,
) -> None:
    assert verdict(item, earlier, known, mapping=MAPPING, force=force) is expected
