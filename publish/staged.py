"""What a run stages, record by record: a staged record, a quarantined one, what a mapping
noted of a record for its partner, and a run's status and kind (``publish.runs.Run`` keeps
them)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any, NamedTuple

__all__ = [
    "Change",
    "QuarantinedRecord",
    "RecordNotes",
    "RunKind",
    "RunStatus",
    "StagedRecord",
    "pack_quads",
]


def pack_quads(nquads: bytes) -> bytes:
    """A record graph's N-Quads as the staging stores them. Zlib's fastest level: N-Quads of
    museum records shrink about 13 times at 0.07 ms a record. The map workers pack what they
    send back, so the one writer neither compresses nor receives the full text."""
    return zlib.compress(nquads, 1)


def statement_count(nquads: bytes) -> int:
    """How many statements a record graph's N-Quads hold, as the map stage writes them
    (pyoxigraph's serializer, or ``mappings.nquads`` on the compiled path): one statement a
    line, each line ended by a line feed, no blank line or comment, and every line break in a
    literal escaped (``\\n``, ``\\r``). The one count of a record's statements: the map stage
    counts what a run stages with it (``HarvestSummary.quads``), and ``drop_held`` takes back
    the same number for a record it unstages."""
    return nquads.count(b"\n")


class RunKind(StrEnum):
    """How a run came about: what it read. A partner report says it (its run's ``kind``), and
    the partner pages name the report by it ("Upload report", not "Harvest report")."""

    HARVEST = "harvest"
    """Read the source's feed (``museion harvest``; ``museion check``, a dry one)."""
    UPLOAD = "upload"
    """Read the files the partner uploaded (``POST /sources/NAME/upload``, ``museion upload``),
    not the source's own location."""
    REMAP = "remap"
    """Read no feed: mapped the source's stored records again (``museion remap``)."""

    @classmethod
    def of_info(cls, info: Mapping[str, Any]) -> RunKind:
        """The kind of a run from its info (``Run.info``): an upload's id, a remap's flag."""
        if info.get("upload"):
            return cls.UPLOAD
        if info.get("remap"):
            return cls.REMAP
        return cls.HARVEST


class RunStatus(StrEnum):
    STAGING = "staging"
    """Harvesting and mapping; the working store is untouched."""
    STAGED = "staged"
    """Harvested and mapped completely; gates not yet decided."""
    HELD = "held"
    """Failed a gate; waits for ``museion publish --force`` or a newer run."""
    APPLYING = "applying"
    """Being written to the working store; an interruption is repaired by applying again."""
    APPLIED = "applied"
    """In the working store; not yet published."""
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    """A held run that a newer run of the same source replaced."""
    CHECKED = "checked"
    """A dry run (``museion check``): never applied."""
    FAILED = "failed"
    """Could not be applied (the reason says why); never re-applied, so it cannot block the
    runs after it. Batches written before the fault stay, consistent with the index."""


class Change(StrEnum):
    """What a staged record is to the index: a record it never had, or one it holds."""

    NEW = "new"
    CHANGED = "changed"


class QuarantinedRecord(NamedTuple):
    """A record staged as quarantined: it could not be read, mapped or stored.

    A named tuple, so the partner report's ``for origin, local_id, reason, _ in ...`` reads
    it as before."""

    origin: str
    local_id: str | None
    reason: str
    payload: bytes


@dataclass(frozen=True, slots=True)
class RecordNotes:
    """What a mapping noted of one record for its partner: the terms no vocabulary knew, the
    date and dimension texts it kept without values, and its warnings. Kept with the record
    (staged, then in the index), so a report counts them over every record the source holds,
    not only over those its run mapped again."""

    local_terms: tuple[tuple[str, str], ...] = ()
    unparsed: tuple[tuple[str, str, str], ...] = ()
    """(kind, text, the source field it came from): ``""`` for the field in notes kept by
    an earlier Museion, which did not name it."""
    warnings: tuple[str, ...] = ()

    def text(self) -> str:
        """As stored: "" when there is nothing to note (most records)."""
        if not (self.local_terms or self.unparsed or self.warnings):
            return ""
        parts = [list(map(list, self.local_terms)), list(map(list, self.unparsed))]
        return json.dumps([*parts, list(self.warnings)], ensure_ascii=False)

    @classmethod
    def of_text(cls, text: str) -> RecordNotes:
        if not text:
            return cls()
        terms, unparsed, warnings = json.loads(text)
        return cls(
            tuple((s, label) for s, label in terms),
            tuple(_unread_text(*entry) for entry in unparsed),
            tuple(warnings),
        )


def _unread_text(kind: str, text: str, source: str = "") -> tuple[str, str, str]:
    """A text kept without values as notes keep it: (kind, text) before the source field was
    kept too."""
    return kind, text, source


@dataclass(frozen=True)
class StagedRecord:
    local_id: str
    change: Change
    graph: str
    subject: str
    kind: str
    checksum: str
    media_type: str
    datestamp: str | None
    origin: str | None
    provider_id: str | None
    payload: bytes
    packed: bytes
    """The record graph as N-Quads, packed by ``pack_quads`` (as staged)."""
    flags: int
    fields: str = ""
    """The source field paths the payload fills, one per line (for the partner report)."""
    entities: str = ""
    """``coverage.entity_signature`` of the record graph."""
    notes: str | None = ""
    """What the mapping noted of the record for its partner (``RecordNotes.text``); None
    when an earlier Museion staged it, which kept no notes."""

    @cached_property
    def quads(self) -> bytes:
        """The record graph as N-Quads, unpacked when first asked for. (Not a slots class:
        the unpacked text is cached in the instance's dict.)"""
        return zlib.decompress(self.packed)
