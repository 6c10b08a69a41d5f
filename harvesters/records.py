"""What every harvester yields: a raw record, or a record it could not read, with the reason."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

__all__ = ["HarvestItem", "RejectedRecord", "SourceRecord"]


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One record as the partner sent it.

    The raw payload is kept byte for byte (or, for a CSV row, as the JSON object of that row),
    so a record can be re-mapped after a mapping change without harvesting again.
    """

    source: str
    local_id: str
    payload: bytes
    media_type: str = "application/json"
    datestamp: str | None = None
    deleted: bool = False
    origin: str = ""
    """Where the record was read: a file and position, or a URL; for messages and reports."""
    provider_id: str | None = None
    """The identifier the source's protocol gives the record when that is not ``local_id`` (the
    OAI-PMH header identifier). A deletion may carry only this, because a deleted record comes
    without the metadata that held its local id; the pipeline finds the record's graph by it."""

    @property
    def checksum(self) -> str:
        """Content checksum used to tell changed records from unchanged ones."""
        return hashlib.sha256(self.payload).hexdigest()


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """Something in a feed that could not be read as a record.

    It is never dropped: the pipeline quarantines it with its reason and raw bytes.
    """

    source: str
    origin: str
    reason: str
    payload: bytes = b""
    local_id: str | None = field(default=None)


HarvestItem = SourceRecord | RejectedRecord
