"""The rows the record index reads and writes (``publish.index.RecordIndex``): a record as
indexed, what a batch writes of one, what a harvest asks of one, and a run's history row."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

__all__ = ["IndexEntry", "IndexedRecord", "KnownRecord", "RunRow"]


@dataclass(frozen=True, slots=True)
class IndexedRecord:
    source: str
    local_id: str
    graph: str
    subject: str
    kind: str
    checksum: str
    mapping: str
    media_type: str
    datestamp: str | None
    origin: str | None
    provider_id: str | None
    flags: int
    first_seen: str
    last_changed: str
    last_run: str
    deleted_at: str | None
    deleted_run: str | None = None
    """The run that withdrew it (what its tombstone names)."""

    @property
    def live(self) -> bool:
        return self.deleted_at is None


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """What a run writes of one record: its row, and the payload and coverage kept with it."""

    record: IndexedRecord
    payload: bytes
    fields: str = ""
    """The source field paths the payload fills, one per line (for the partner report)."""
    entities: str = ""
    """``coverage.entity_signature`` of the record graph."""
    notes: str | None = ""
    """What the mapping noted of the record for its partner (``RecordNotes.text``); None:
    not known (staged by an earlier Museion)."""
    statements: bytes = b""
    """The digests of the statements it shares with other records (``shared.pack``)."""

    def params(self) -> dict[str, Any]:
        row = self.record
        return {
            "source": row.source,
            "local_id": row.local_id,
            "graph": row.graph,
            "subject": row.subject,
            "kind": row.kind,
            "checksum": row.checksum,
            "mapping": row.mapping,
            "media_type": row.media_type,
            "datestamp": row.datestamp,
            "origin": row.origin,
            "provider_id": row.provider_id,
            "payload": zlib.compress(self.payload, 6),
            "flags": row.flags,
            "fields": self.fields,
            "entities": self.entities,
            "notes": self.notes,
            "statements": self.statements,
            "first_seen": row.first_seen,
            "last_changed": row.last_changed,
            "run": row.last_run,
        }


@dataclass(frozen=True, slots=True)
class KnownRecord:
    """What the index knows of a record a harvest reads again: enough to skip it unchanged."""

    checksum: str
    mapping: str
    """The mapping (``name@version``) that made its graph."""
    live: bool
    """False once the record was withdrawn (its row stays, with ``deleted_at``)."""

    def unchanged(self, checksum: str, mapping: str) -> bool:
        """Whether a live record arrives with the same payload, for the same mapping."""
        return self.live and self.checksum == checksum and self.mapping == mapping


@dataclass(frozen=True, slots=True)
class RunRow:
    run_id: str
    source: str
    started: str
    ended: str | None
    status: str
    mapping: str
    counts: dict[str, Any]
    reason: str | None
