"""Which records a report names for each note: the first five by id, whatever order the
records come in (the index's, then a held run's), found by reviewing ffa5862."""

from __future__ import annotations

from museion.report_records import EXAMPLES, _Notes
from publish import RecordNotes


def test_the_records_named_are_the_first_by_id_in_any_order() -> None:
    notes = _Notes()
    said = RecordNotes(warnings=("the record has no title",)).text()
    ids = [f"A-{n:02d}" for n in range(30)]
    for local_id in [*ids[25:], *reversed(ids[5:25]), *ids[:5]]:  # the first five come last
        notes.add(said, local_id)
    assert notes.records("the record has no title") == ids[:EXAMPLES]
    assert notes.warnings() == [("the record has no title", 30)]
