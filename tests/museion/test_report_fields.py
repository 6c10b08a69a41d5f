"""The report's unused and missing fields, worked out from one reading of what the mapping
reads: the fields it never reads with their record counts, by name; the fields it reads that
no record fills but an unread one resembles; neither list for a mapping that does not say
what it reads (a Python mapping)."""

from __future__ import annotations

from collections import Counter

from museion.report_records import _missing_fields, _Reads, _unused_fields


class _Mapping:
    def fields_read(self) -> set[str]:
        return {"title", "subjects[]", "Matériaux", "Artiste"}


def test_unread_fields_are_listed_by_name_with_their_records() -> None:
    present = Counter({"title": 4, "subjects.name": 2, "Matériaus": 4, "dimensions": 3})
    reads = _Reads.of(_Mapping(), present)
    assert reads is not None
    assert _unused_fields(reads, present) == [
        {"field": "Matériaus", "records": 4},
        {"field": "dimensions", "records": 3},
    ]
    # "Artiste" is read and filled by no record, but no unread field resembles it
    assert _missing_fields(reads, present) == [{"field": "Matériaux", "like": "Matériaus"}]


def test_a_mapping_that_does_not_list_its_fields_has_neither_list() -> None:
    present = Counter({"title": 1})
    reads = _Reads.of(object(), present)
    assert reads is None
    assert _unused_fields(reads, present) is None
    assert _missing_fields(reads, present) == []


def test_no_record_no_missing_field() -> None:
    reads = _Reads.of(_Mapping(), Counter())
    assert reads is not None
    assert _unused_fields(reads, Counter()) == []
    assert _missing_fields(reads, Counter()) == []
