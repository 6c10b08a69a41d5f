"""What a partner report counts over a source's records as its run leaves them.

The report (``museion.report``) says what a run did; this module reads every record the
source holds after it, one at a time, and counts what they give: the share of objects that
fill each field and each Object ID element, the terms no vocabulary knew, the texts kept
without values and the warnings (with example records), and which source fields the mapping
never reads or reads under a slightly different name. A held or dry run is counted as it would
leave the source (``_Held``). Its classes are the report's own, named so; the report is the
only caller.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from publish import RecordIndex, RecordNotes, Run

from .coverage import OBJECT_ID, REPORTED, Coverage, fields_read, fields_used, missing_entry

LISTED = 200
"""Record ids listed per diff section (all are counted)."""
EXAMPLES = 5
"""Record ids listed for each term no vocabulary knew, text kept without values and warning."""


Row = tuple[str, str, int, str]
"""(local id, kind, coverage flags, filled source fields) of a record."""


@dataclass
class _Held:
    """What a held or dry run would change of its source: the records it staged (with their
    notes) and those it would remove."""

    staged: dict[str, tuple[Row, str | None]]
    removed: set[str]

    @classmethod
    def of(cls, run: Run) -> _Held:
        staged = {
            r.local_id: ((r.local_id, r.kind, r.flags, r.fields), r.notes)
            for batch in run.staged()
            for r in batch
        }
        return cls(staged, {local_id for local_id, _ in run.removed()})

    def replaces(self, local_id: str) -> bool:
        return local_id in self.staged or local_id in self.removed


def _source_as_left(source: str, index: RecordIndex, held: _Held | None) -> Iterator[Row]:
    """Every record the source holds after its run (for a held or dry run, ``held``: as it
    would hold them), one at a time. Gathered in dicts, all of them added 50-65 MB per 50,000
    records to a harvest's peak RSS (at 100,000 records, the largest part of it that still
    grew with the collection); now only a held or dry run's own records are held."""
    if held is None:
        yield from index.kinds_flags_fields(source)
        return
    for row in index.kinds_flags_fields(source):
        if not held.replaces(row[0]):
            yield row
    yield from (row for local_id, (row, _) in held.staged.items() if local_id not in held.removed)


@dataclass
class _Notes:
    """What the mapping noted of the source's records as its run leaves them: the terms no
    vocabulary knew, the texts kept without values and the warnings, counted over every
    record the source holds, not only over those the run mapped again (a re-harvest that
    changed four records said "every term matched a vocabulary"). ``unknown``: records mapped
    before Museion kept these notes (they count once mapped again: ``museion remap``)."""

    terms: Counter[tuple[str, str]] = field(default_factory=Counter)
    texts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    said: Counter[str] = field(default_factory=Counter)
    unknown: int = 0
    examples: dict[object, list[str]] = field(default_factory=dict)
    """The first ``EXAMPLES`` records (in id order) of each term, text and warning: which
    records to open, not only how many."""

    @classmethod
    def of(cls, source: str, index: RecordIndex, held: _Held | None) -> _Notes:
        found = cls()
        for local_id, text in index.notes(source):
            if held is None or not held.replaces(local_id):
                found.add(text, local_id)
        unknown = index.unnoted(source)
        if held is not None:
            unknown = {i for i in unknown if not held.replaces(i)}
            for local_id, (_, staged_notes) in held.staged.items():
                if local_id in held.removed:
                    continue
                if staged_notes is None:  # staged by an earlier Museion
                    unknown.add(local_id)
                else:
                    found.add(staged_notes, local_id)
        found.unknown = len(unknown)
        return found

    def add(self, text: str, local_id: str) -> None:
        notes = RecordNotes.of_text(text)
        self.terms.update(notes.local_terms)
        self.texts.update(notes.unparsed)
        self.said.update(notes.warnings)
        for key in {*notes.local_terms, *notes.unparsed, *notes.warnings}:
            listed = self.examples.setdefault(key, [])
            if len(listed) < EXAMPLES or local_id < listed[-1]:
                bisect.insort(listed, local_id)  # the first EXAMPLES by id, whatever order
                del listed[EXAMPLES:]

    def records(self, key: object) -> list[str]:
        return self.examples.get(key, [])

    def local_terms(self) -> list[tuple[tuple[str, str], int]]:
        """By vocabulary, the commonest first (as a run lists them)."""
        return sorted(self.terms.items(), key=lambda t: (t[0][0], -t[1], t[0][1]))

    def unparsed(self) -> list[tuple[tuple[str, str, str], int]]:
        return sorted(self.texts.items(), key=lambda t: (t[0][0], -t[1], t[0][1:]))

    def warnings(self) -> list[tuple[str, int]]:
        return sorted(self.said.items(), key=lambda t: (-t[1], t[0]))


@dataclass
class _Tally:
    """What a report counts over a source's records, gathered in one pass over them."""

    objects: int = 0
    reported: Counter[int] = field(default_factory=Counter)
    undated: int = 0
    identified: Counter[int] = field(default_factory=Counter)
    complete: int = 0
    given: int = 0
    worst: list[tuple[int, str, list[str]]] = field(default_factory=list)
    """The objects missing most Object ID elements (at most ``LISTED``): (-missing, id, labels)."""
    incomplete: int = 0
    present: Counter[str] = field(default_factory=Counter)
    """How many records fill each source field."""

    @classmethod
    def of(cls, rows: Iterable[Row]) -> _Tally:
        tally = cls()
        flags = Counter[int]()
        tally.worst = heapq.nsmallest(LISTED, tally._missing(rows, flags))
        for value, count in flags.items():  # a few hundred values at most, not every object
            present = Coverage(value)
            tally.reported.update({bit: count for bit, _ in REPORTED if present & bit})
            tally.undated += count * bool(present & Coverage.DATE_TEXT_ONLY)
            given = [bit for bit, _ in OBJECT_ID if present & bit]
            tally.identified.update(dict.fromkeys(given, count))
            tally.given += count * len(given)
        return tally

    def _missing(
        self, rows: Iterable[Row], flags: Counter[int]
    ) -> Iterator[tuple[int, str, list[str]]]:
        """Count every row (each object's coverage flags into ``flags``); yield the objects
        that miss an Object ID element."""
        missing_of: dict[int, list[str]] = {}
        for local_id, kind, value, filled in rows:
            self.present.update(filled.split("\n") if filled else ())
            if kind != "object":
                continue
            self.objects += 1
            flags[value] += 1
            missing = missing_of.get(value)
            if missing is None:
                missing = missing_of[value] = [lb for b, lb in OBJECT_ID if not value & b]
            if missing:
                self.incomplete += 1
                yield (-len(missing), local_id, list(missing))
            else:
                self.complete += 1

    def _share(self, n: int) -> float:
        return round(n / self.objects, 4) if self.objects else 0.0

    def coverage(self) -> dict[str, Any]:
        """The share of objects that give each reported field, and the dates read as text only."""
        fields = [
            {
                "field": label,
                "records": self.reported[bit],
                "share": self._share(self.reported[bit]),
            }
            for bit, label in REPORTED
        ]
        return {"objects": self.objects, "fields": fields, "dates_not_understood": self.undated}

    def object_id(self) -> dict[str, Any]:
        """ICOM Object ID completeness: per element, the share of objects that give it; per
        record, what it misses, the records that miss most first (they are the hardest to find
        if stolen)."""
        total = len(OBJECT_ID)
        return {
            "elements_total": total,
            "complete": self.complete,
            "share": round(self.given / (total * self.objects), 4) if self.objects else 0.0,
            "elements": [
                {
                    "element": label,
                    "records": self.identified[bit],
                    "share": self._share(self.identified[bit]),
                }
                for bit, label in OBJECT_ID
            ],
            "records": [
                {"record": local_id, "present": total + minus, "missing": missing}
                for minus, local_id, missing in self.worst
            ],
            "incomplete": self.incomplete,
        }


@dataclass(frozen=True)
class _Reads:
    """What the mapping reads of the fields the source's records fill, worked out once for
    the report's unused and missing fields (each had read the mapping's fields again)."""

    read: list[str]
    """The field paths the mapping reads, without ``[]``, sorted."""
    unread: list[str]
    """The fields the records fill that the mapping never reads (``fields_used``), in the
    order the records first filled them."""

    @classmethod
    def of(cls, mapping: object, present: Counter[str]) -> _Reads | None:
        """None for a mapping that does not list the fields it reads (a Python mapping)."""
        read = fields_read(mapping)
        if read is None:
            return None
        used = fields_used(present, read)
        return cls(read, [f for f in present if f not in used])


def _unused_fields(reads: _Reads | None, present: Counter[str]) -> list[dict[str, Any]] | None:
    if reads is None:
        return None
    return [{"field": f, "records": present[f]} for f in sorted(reads.unread)]


def _missing_fields(reads: _Reads | None, present: Counter[str]) -> list[dict[str, Any]]:
    """The fields the mapping reads that no record of the run fills and that a field the
    records fill, which the mapping never reads, resembles: a column typed "Matériaus" in the
    export, which the mapping reads as "Matériaux", otherwise empties every record's materials
    without a word; so does a column renamed with words added ("Titre" sent as "Titre de
    l'oeuvre", ``_lengthened``). A field with no such likeness is not listed: a column the file
    has but leaves empty (one row without an artist) is not missing, and is in no record either."""
    if reads is None or not present:
        return []
    filled = list(present)
    missing = []
    for path in reads.read:
        if fields_used(filled, [path]):  # the path itself, a field below it, or spaced
            continue
        close = difflib.get_close_matches(path, reads.unread, n=1, cutoff=0.75)
        close = close or _lengthened(path, reads.unread)
        if close:
            missing.append(missing_entry(path, close[0]))
    return missing


def _words(name: str) -> list[str]:
    return re.findall(r"\w+", name.casefold())


def _lengthened(path: str, unread: list[str]) -> list[str]:
    """The first unread field whose name starts with the words of ``path``'s, or whose words
    ``path``'s start with: a renamed column keeps its first words ("Titre" and "Titre de
    l'oeuvre", "Date de création" and "Date"), which the spelling's likeness above does not see
    (their likeness is under a half). Only whole words: "Titre" is not like "Titres anciens"."""
    wanted = _words(path)
    if not wanted:
        return []
    for name in unread:
        words = _words(name)
        shorter, longer = sorted((wanted, words), key=len)
        if words and words != wanted and longer[: len(shorter)] == shorter:
            return [name]
    return []
