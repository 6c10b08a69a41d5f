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


def test_a_column_renamed_with_words_added_is_named_by_whole_words() -> None:
    """ "Titre" sent as "Titre de l'oeuvre" (and "Date de création" as "Date") is named; a
    column that only starts with the same letters ("Titres anciens") is not."""

    class _French:
        def fields_read(self) -> set[str]:
            return {"N° inventaire", "Titre", "Date de création", "Auteur"}

    present = Counter({"N° inventaire": 7, "Titre de l'oeuvre": 7, "Date": 6, "Titres anciens": 2})
    reads = _Reads.of(_French(), present)
    assert _missing_fields(reads, present) == [
        {"field": "Date de création", "like": "Date"},
        {"field": "Titre", "like": "Titre de l'oeuvre"},
    ]
