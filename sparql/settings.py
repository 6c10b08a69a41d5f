"""What the endpoint is told by whoever starts it (``museion serve``): data, limits, secrets.

Settings travel to every HTTP worker and every query process as JSON, so they hold only
plain values and paths — no open stores, no callables.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field

from museion_core.settings import StrictModel
from store import RemoteEndpoint

__all__ = ["SETTINGS_ENV", "EndpointSettings", "UploadSource"]

SETTINGS_ENV = "MUSEION_ENDPOINT_SETTINGS"
"""How settings reach worker processes started by the server (JSON)."""


class UploadSource(StrictModel):
    """A source that takes partner uploads: its partner's token and the files it reads."""

    token: str
    suffixes: tuple[str, ...]


class EndpointSettings(StrictModel):
    base_iri: str
    """The IRIs Museion mints start with this; their paths are served on the endpoint's host."""
    published_dir: Path
    """Holds the published snapshots and the ``CURRENT`` pointer; queries read the snapshot it
    names and follow it when it changes."""
    working_path: Path | None = None
    """The working store, which an authorised SPARQL update changes before publishing it."""
    keep_snapshots: int = 3
    remote: RemoteEndpoint | None = None
    """A remote store (``[store] kind = "sparql"``): queries and pages read its current
    version over the SPARQL Protocol instead of opening a local snapshot."""
    query_timeout: float = Field(default=30.0, gt=0)
    """Seconds a query may run (evaluation and serialisation) before it is stopped."""
    update_timeout: float = Field(default=300.0, gt=0)
    max_rows: int = Field(default=10_000, ge=0)
    """Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) in one answer; 0 means no cap."""
    max_query_bytes: int = Field(default=1024 * 1024, gt=0)
    """Largest query or update (UTF-8 bytes) the endpoint reads; a bigger one is answered 413
    as soon as the body passes it."""
    admin_token: str | None = None
    """Bearer token that authorises SPARQL Update; without one, updates are refused."""
    service_allowlist: tuple[str, ...] = ()
    """Remote endpoints a query's SERVICE clause may call; every other SERVICE is refused."""
    header_timeout: float = Field(default=30.0, gt=0)
    """Seconds a connection may take to send a request's headers before it is closed."""
    query_memory_mb: int = Field(default=4096, ge=1024)
    """The most memory (data segment, ``RLIMIT_DATA``) one query process may take."""
    query_processes: int = Field(default_factory=lambda: max(2, os.cpu_count() or 2), ge=1)
    """Query processes per HTTP worker for clients' SPARQL: how many of their queries one
    worker evaluates at once. The worker has one more, which the pages can always have."""
    queue_timeout: float | None = None
    """Seconds a request may wait for a free query process (default: the query timeout)."""
    reports_dir: Path | None = None
    """Partner reports (``NAME.html``, ``NAME.json``) served at ``/sources/NAME``."""
    spool_dir: Path | None = None
    """Where answers too big to pass in memory are written for the HTTP worker to send."""
    uploads_dir: Path | None = None
    """Partners' uploaded files and each upload's report (``uploads/`` in the data directory)."""
    upload_sources: dict[str, UploadSource] = Field(default_factory=dict)
    """Sources whose partner has an upload token, by name: ``POST /sources/NAME/upload``."""
    upload_command: tuple[str, ...] = ()
    """The command that runs a stored upload, completed by ``SOURCE --stored ID``."""
    max_upload_bytes: int = Field(default=256 * 1024 * 1024, gt=0)
    """Largest upload (the whole multipart body); a bigger one is answered 413."""
    title: str = "Museion"
    partners: dict[str, str] = Field(default_factory=dict)
    """Each source's partner's name (``[sources.partner] label``), by source name: the pages
    say a source's own graphs by it, not by the source's short name, and a source that takes
    uploads by it before a report of its own says it."""
    checklists_path: Path | None = None
    """The curators' checklists (SQLite, in Museion's data directory, apart from harvested
    data); without one, ``/checklists/`` is not served."""
    curator_token: str | None = None
    """Authorises writing checklists when the server is public (see ``public``)."""
    public: bool = False
    """The server listens on a non-loopback address: writing checklists then needs the
    curator token (so it does whenever one is configured)."""

    @property
    def base_path(self) -> str:
        """The path part of the base IRI: request paths under it name minted IRIs."""
        return urlsplit(self.base_iri).path or "/"

    def to_env(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_env(cls) -> EndpointSettings:
        text = os.environ.get(SETTINGS_ENV)
        if not text:
            raise RuntimeError(f"{SETTINGS_ENV} is not set: start the endpoint with museion serve")
        return cls.model_validate_json(text)
