"""HTTP validators for answers read from a published snapshot (RFC 9110 §8.8, §13; RFC 9111).

A snapshot never changes once published, so its name is a natural entity tag: combined with
the representation (the negotiated format, profile, the query's ``Accept`` and ``format``),
it changes exactly when a new publish could change the answer. The tag is weak (``W/``)
because the same answer may travel gzipped or not. ``Last-Modified`` is the snapshot's
publication time (to the second: the tag is the exact check).

``Cache-Control: public, no-cache`` lets any cache keep an answer but makes it ask again
before using it: a publish is served by the next request, and asking again costs one
``stat`` and a 304 — the HTTP worker answers it without a query process.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from starlette.datastructures import Headers

from store import current_snapshot

__all__ = ["CACHE_CONTROL", "Validators", "current_validators", "validators_for"]

CACHE_CONTROL = "public, no-cache"


@dataclass(frozen=True)
class Validators:
    snapshot: str
    modified: datetime

    def etag(self, variant: str) -> str:
        digest = hashlib.sha256(variant.encode("utf-8")).hexdigest()[:16]
        return f'W/"{self.snapshot}-{digest}"'

    def headers(self, variant: str) -> dict[str, str]:
        return {
            "ETag": self.etag(variant),
            "Last-Modified": format_datetime(self.modified, usegmt=True),
            "Cache-Control": CACHE_CONTROL,
        }

    def not_modified(self, request_headers: Headers, variant: str, *, answered: bool) -> bool:
        """Whether a conditional GET's validators still match: ``If-None-Match`` (weak
        comparison), else ``If-Modified-Since`` (RFC 9110 §13.2.2: the latter is ignored
        when the former is sent). ``answered``: the representation is known to be a 200 of
        this snapshot; a tag given for it says so too, a date or ``*`` does not."""
        match = request_headers.get("if-none-match")
        if match is not None:
            tags = {t.strip().removeprefix("W/") for t in match.split(",")}
            return ("*" in tags and answered) or self.etag(variant).removeprefix("W/") in tags
        since = request_headers.get("if-modified-since")
        if since is None or not answered:
            return False
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return self.modified.replace(microsecond=0) <= when


def validators_for(published_dir: Path, name: str) -> Validators:
    """The validators of the snapshot ``name``: its publication time is in its name
    (``20261203T025443123456Z-ab12``), else the folder's modification time."""
    try:
        modified = datetime.strptime(name.split("-", 1)[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        try:
            modified = datetime.fromtimestamp((published_dir / name).stat().st_mtime, UTC)
        except OSError:
            modified = datetime.now(UTC)
    return Validators(name, modified)


def current_validators(published_dir: Path) -> Validators | None:
    """The validators of the snapshot queries read now (None before the first publish)."""
    path = current_snapshot(published_dir)
    return validators_for(published_dir, path.name) if path is not None else None
