"""Partners who cannot host a feed send files: each upload is kept by checksum (in
``uploads/`` of the data directory, ``sparql.uploads.UploadStore``) and harvested as a run of
the partner's source, under the upload's id.

The endpoint only stores the files and starts ``museion upload SOURCE --stored ID`` in a
process of its own; ``run_upload`` is that process's work: it waits for the data directory's
writer lock (a harvest may hold it), then stages, judges and publishes or holds the run like any
other, and writes the run's report into the upload's folder.
"""

from __future__ import annotations

import glob
import os
import sqlite3
from pathlib import Path

from harvesters import FILE_EXTENSIONS, RDF_EXTENSIONS
from museion_core import messages
from museion_core.errors import (
    ConfigError,
    HarvestError,
    MappingError,
    MuseionError,
    StoreError,
    WriterBusyError,
)
from publish import RunStatus
from sparql import UploadStore

from .config import Config, SourceConfig
from .pipeline import HarvestSummary, Pipeline

__all__ = [
    "LOCK_WAIT",
    "UNICODE_TEXT",
    "UPLOAD_KINDS",
    "accepted_suffixes",
    "left_to_uploads",
    "run_upload",
    "upload_store",
    "upload_suffixes",
]

LOCK_WAIT = 1800.0
"""Seconds an upload's run waits for another writer (a long harvest) before it fails."""

_SUFFIXES = {"files": FILE_EXTENSIONS, "rdf": RDF_EXTENSIONS}
UPLOAD_KINDS = tuple(_SUFFIXES)
"""Kinds of source whose feed is files, and which can therefore take an upload instead."""


def accepted_suffixes(kind: str) -> tuple[str, ...]:
    """The file name endings a source of ``kind`` reads (``.csv``, ``.json``, ``.ttl``...);
    empty for kinds that are not files."""
    return tuple(sorted(_SUFFIXES.get(kind, ())))


def left_to_uploads(source: SourceConfig) -> bool:
    """Whether ``museion harvest`` of every source passes ``source`` by: its partner sends
    uploads, and its location (a folder, a glob, a file on this machine) holds nothing the
    source reads. A nightly harvest then failed it every night (exit 1 in cron) and showed
    the partner "the latest harvest failed" above its published upload. Named on the command
    line (``museion harvest NAME``), the source is read from its location as ever."""
    partner = source.partner
    if source.kind not in UPLOAD_KINDS or not (partner.token or partner.token_env):
        return False
    location = source.location
    if location.startswith(("http://", "https://")):
        return False
    suffixes = accepted_suffixes(source.kind)
    if glob.has_magic(location):
        return not any(os.path.isfile(p) for p in glob.glob(location, recursive=True))
    path = Path(location)
    if path.is_file():
        return False
    if not path.is_dir():
        return True
    return not any(
        p.is_file()
        and p.suffix.lower() in suffixes
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
        for p in path.rglob("*")
    )


UNICODE_TEXT = ".txt"
"""What Excel names a sheet saved as "Unicode Text" (UTF-16, tab-separated) or "Text (Tab
delimited)": a table, read as a ``files`` source reads a CSV named in its ``location``."""


def upload_suffixes(source: SourceConfig) -> tuple[str, ...]:
    """The file name endings an upload to ``source`` may have: those its kind reads
    (``accepted_suffixes``), and ``.txt`` for a ``files`` source that reads tables: its
    ``format`` is ``auto``, ``csv`` or ``tsv``, and its mapping reads columns, not lists
    (``reads_rows``: a TOML mapping drafted from a sheet, not Tate's JSON)."""
    suffixes = accepted_suffixes(source.kind)
    tables = getattr(source.options, "format", "auto") in ("auto", "csv", "tsv")
    reads_rows = getattr(source.mapping, "reads_rows", None)
    if source.kind == "files" and tables and callable(reads_rows) and reads_rows():
        return tuple(sorted((*suffixes, UNICODE_TEXT)))
    return suffixes


def upload_store(data_dir: Path) -> UploadStore:
    return UploadStore(data_dir / "uploads")


def run_upload(
    config: Config, source: str, upload_id: str, wait: float = LOCK_WAIT
) -> HarvestSummary:
    """Harvest a stored upload as a run of ``source``; its status file says how it ended
    (``published``, ``held``, or ``failed`` with the reason, which is also raised).

    The status is what the partner reads (the upload's page, in its language): a failure that
    is the server's, not the files', says so in a message its page translates (``_said``),
    not in the error's own English words, which name the server's paths, its store's address,
    its configuration file: those are the operator's, raised, and written by the upload's
    process to its ``log.txt``."""
    uploads = upload_store(config.data_dir)
    if uploads.manifest(source, upload_id) is None:
        raise MuseionError(f"there is no upload {upload_id} of source {source!r}")
    folder = uploads.folder(source, upload_id)
    uploads.set_status(source, upload_id, status="running", run=upload_id)
    try:
        kind = config.source(source).kind
        if kind not in UPLOAD_KINDS:
            raise ConfigError(f"source {source!r} is of kind {kind}; uploads go to {UPLOAD_KINDS}")
        feed = folder / "feed"
        if kind == "files":  # every file sent is read, whatever its suffix (a ".txt": a table)
            feed = Path(glob.escape(str(feed))) / "*"
        summary = Pipeline(config).harvest_upload(source, feed, upload_id, folder, wait=wait)
    except (MuseionError, OSError, sqlite3.Error) as exc:
        uploads.set_status(source, upload_id, status="failed", reason=_said(exc, folder))
        raise
    failed = summary.status == RunStatus.FAILED  # only applying fails a judged run
    uploads.set_status(
        source,
        upload_id,
        status=str(summary.status),
        reason=messages.UPLOAD_NOT_WRITTEN() if failed else summary.reason,
        counts=summary.counts(),
    )
    return summary


def _said(exc: Exception, folder: Path) -> str:
    """Why an upload's run failed, as its partner reads it (``folder``: the upload's own).

    The partner's files are to blame only for a feed that could not be read (``HarvestError``)
    or mapped (``MappingError``): their messages are its to act on, and its page translates
    them; the upload's folder, a path on the server, is taken out of them. Anything else is
    the server's, told by a message its page translates: the store failed or refused the run,
    or the data directory (a disk, a folder it cannot use) did (``UPLOAD_NOT_WRITTEN``),
    another run held the writer lock past the wait (``UPLOAD_SERVER_BUSY``), or the server's
    configuration stopped it (``UPLOAD_SERVER_FAILED``)."""
    if isinstance(exc, WriterBusyError):
        return messages.UPLOAD_SERVER_BUSY()
    if isinstance(exc, StoreError | OSError | sqlite3.Error):
        return messages.UPLOAD_NOT_WRITTEN()
    if isinstance(exc, HarvestError | MappingError):
        said = exc.one_line()
        for where in {str(folder), glob.escape(str(folder))}:
            said = said.replace(f"{where}{os.sep}", "")
        return said
    return messages.UPLOAD_SERVER_FAILED()
