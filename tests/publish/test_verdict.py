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


def test_a_withdrawal_superseded_by_a_refused_record_is_not_applied() -> None:
    """The record that stood for an OAI identifier is withdrawn for the one read under its
    new id; if the store refuses the new one, nothing would replace it, and it stays."""
    from museion_core import messages
    from publish.apply import _superseded_by

    reason = messages.SUPERSEDED(provider="oai:pm:PM-6", local_id="DE-MUS-1/PM-6")
    assert _superseded_by(reason, {"DE-MUS-1/PM-6"})
    assert not _superseded_by(reason, {"PM-7"})
    assert not _superseded_by(messages.DELETED_BY_PARTNER(), {"DE-MUS-1/PM-6"})
