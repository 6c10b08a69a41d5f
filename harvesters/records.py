"""What every harvester yields: a raw record, or a record it could not read, with the reason."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from museion_core import messages

__all__ = ["HarvestItem", "RejectedRecord", "SourceRecord", "with_hint"]


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


_HINT_WORDS = (
    "accession", "inventory", "object_number", "objectnumber", "number",
    "inventaire", "numéro", "inventar", "nummer", "nömrə", "رقم",
    "title", "titre", "titel", "عنوان", "name",
)  # fmt: skip
"""Words of a column's name that say it numbers or names the record, in the languages partners
write their headers in (English, French, German, Azerbaijani, Arabic): "N° inventaire" and
"Titre" name a French museum's row as "Inventory No" and "Title" an English one's."""


def with_hint(reason: str, item: object) -> str:
    """``reason`` and what the item says of itself, to find it by (``item_hint``): "the item
    has no identifier; it holds accession_number 'X-1', title 'Vase'". Its place in a page or
    a file ("#2") shifts as the partner edits the feed."""
    hint = item_hint(item)
    return messages.FOUND_BY(reason=reason, hint=hint) if hint else reason


def item_hint(item: object, most: int = 2) -> str:
    """An item's first fields named like a number or a title; "" when it has none."""
    if not isinstance(item, dict):
        return ""
    found: list[tuple[str, str]] = []
    for word in _HINT_WORDS:
        for key, value in item.items():
            if len(found) >= most:
                break
            text = str(value).strip() if isinstance(value, str | int) else ""
            if word in str(key).lower() and text and (key, text) not in found:
                found.append((key, text if len(text) <= 60 else text[:57] + "..."))
    return ", ".join(f"{key} {text!r}" for key, text in found)
