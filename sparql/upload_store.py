"""Where partners' uploads are kept: each upload's files by checksum, with its manifest and
the state of its run, under ``uploads/`` of the data directory (``UploadStore``). The HTTP
side is ``sparql.uploads``."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from museion_core.errors import MuseionError
from publish import write_atomically

__all__ = [
    "FINISHED",
    "NAME_BYTES",
    "SOURCE_NAME",
    "Incoming",
    "UploadStore",
    "new_upload_id",
    "safe_name",
    "sent_name",
]

_UNSAFE = re.compile(r"[^\w.\-]+")
_UPLOAD_ID = re.compile(r"^[0-9]{8}T[0-9]{12}Z-[0-9a-f]{4}$")
SOURCE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FINISHED = ("published", "held", "failed")


def new_upload_id() -> str:
    """The upload's id, which is also its run's id: in the run ids' sortable format (UTC time
    to the microsecond, then noise; ``publish.new_id``)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(2)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class UploadStore:
    """``uploads/`` in the data directory.

    ```
    uploads/<source>/files/<sha256><suffix>   every file ever uploaded, named by its content:
                                              a remap or an audit re-reads the bytes sent
    uploads/<source>/<upload>/manifest.json   each file's name as sent, checksum and size
    uploads/<source>/<upload>/feed/           the upload's files (hard links into files/)
    uploads/<source>/<upload>/status.json     queued, running, published, held or failed
    uploads/<source>/<upload>/report.{json,html}  the partner report of the upload's run
    uploads/<source>/<upload>/log.txt         what the process that ran it printed
    ```
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, source: str, upload_id: str) -> Path:
        if not SOURCE_NAME.match(source) or not _UPLOAD_ID.match(upload_id):
            raise MuseionError(f"there is no upload {upload_id!r} of source {source!r}")
        return self.root / source / upload_id

    def incoming(self, source: str) -> Incoming:
        """A file of an upload to ``source`` about to arrive, written into the store as it
        does (``Incoming``); ``receive`` then keeps it by its checksum without copying it."""
        if not SOURCE_NAME.match(source):
            raise MuseionError(f"there is no source {source!r} to upload to")
        blobs = self.root / source / "files"
        _sweep(blobs)
        return Incoming(blobs)

    def receive(self, source: str, files: Iterable[tuple[str, IO[bytes] | Incoming]]) -> str:
        """Keep the files (name as sent, content) by checksum as one upload; its id."""
        upload_id = new_upload_id()
        folder = self.folder(source, upload_id)
        feed = folder / "feed"
        feed.mkdir(parents=True)
        blobs = self.root / source / "files"
        try:
            blobs.mkdir(parents=True, exist_ok=True)
            entries = []
            for number, (name, stream) in enumerate(files, start=1):
                safe = safe_name(name)
                digest, size, blob = _keep(stream, blobs, Path(safe).suffix.lower())
                target = feed / f"{number:03d}-{safe}"
                try:
                    os.link(blob, target)
                except OSError:  # a file system without hard links
                    shutil.copyfile(blob, target)
                entries.append({"name": name, "sha256": digest, "bytes": size, "file": blob.name})
            manifest = {"upload": upload_id, "source": source, "received": _now(), "files": entries}
            _write_json(folder / "manifest.json", manifest)
            self.set_status(source, upload_id, status="queued")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)  # no half-kept upload left behind
            raise
        return upload_id

    def queued(self) -> list[tuple[str, str]]:
        """Every upload whose run has not started, oldest first (ids sort by time)."""
        found = [
            (status.parent.parent.name, status.parent.name)
            for status in self.root.glob("*/*/status.json")
            if (_read_json(status) or {}).get("status") == "queued"
        ]
        return sorted(found, key=lambda pair: pair[1])

    def claim(self, source: str, upload_id: str) -> bool:
        """Take the upload's run for this process (an HTTP worker): False when a live process
        holds it. A claim whose process is gone (a worker restarted) is taken over."""
        path = self.folder(source, upload_id) / "claim"
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            holder = path.read_text(encoding="ascii").strip()
            if holder.isdigit() and int(holder) != os.getpid() and _alive(int(holder)):
                return False
            path.write_text(str(os.getpid()), encoding="ascii")
            return True
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(str(os.getpid()))
        return True

    def manifest(self, source: str, upload_id: str) -> dict[str, Any] | None:
        return _read_json(self.folder(source, upload_id) / "manifest.json")

    def sent_names(self, source: str, upload_id: str) -> dict[str, str]:
        """The names the upload's files are read under (``001-inventaire.csv``, in ``feed/``)
        → the names they were sent with (``inventaire.csv``), for the partner's report; empty
        for a run that was no upload."""
        try:
            manifest = self.manifest(source, upload_id)
        except MuseionError:
            return {}
        files = manifest.get("files") if manifest else None
        if not isinstance(files, list):
            return {}
        return {
            f"{number:03d}-{safe_name(str(entry['name']))}": sent_name(str(entry["name"]))
            for number, entry in enumerate(files, start=1)
            if isinstance(entry, dict) and entry.get("name")
        }

    def names_until(self, source: str, run: str) -> dict[str, str]:
        """The names ``source``'s uploads up to run ``run`` (ids sort by time) were read under
        → the names they were sent with, a later upload's winning (``sent_names``): a run's
        report also lists what earlier runs did (the quarantine a remap leaves, a warning),
        whose files an earlier upload named "001-inventaire.csv" as ``run``'s may name
        another."""
        if not SOURCE_NAME.match(source):
            return {}
        names: dict[str, str] = {}
        for folder in sorted((self.root / source).glob("*/manifest.json")):
            upload_id = folder.parent.name
            if _UPLOAD_ID.match(upload_id) and upload_id <= run:
                names.update(self.sent_names(source, upload_id))
        return names

    def status(self, source: str, upload_id: str) -> dict[str, Any] | None:
        return _read_json(self.folder(source, upload_id) / "status.json")

    def latest(self, source: str) -> tuple[str, dict[str, Any]] | None:
        """The id and status of ``source``'s latest upload (ids sort by time), or None if it
        has sent none: the partners list says when a source's only upload failed."""
        if not SOURCE_NAME.match(source):
            return None
        found = sorted(p.parent.name for p in (self.root / source).glob("*/status.json"))
        for upload_id in reversed(found):
            if _UPLOAD_ID.match(upload_id):
                status = _read_json(self.root / source / upload_id / "status.json")
                if status is not None:
                    return upload_id, status
        return None

    def set_status(self, source: str, upload_id: str, **values: Any) -> None:
        path = self.folder(source, upload_id) / "status.json"
        _write_json(path, {**(_read_json(path) or {}), **values, "updated": _now()})


NAME_BYTES = 200
"""The longest name (UTF-8 bytes) a file is kept under: with its number in front it stays
within the 255 bytes a file system allows (a name of 200 "é" was a 500, ENAMETOOLONG)."""


def safe_name(name: str) -> str:
    """A file name as sent, reduced to one harmless path segment (no folders, no dot-files)
    of at most ``NAME_BYTES`` bytes, its suffix kept."""
    safe = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).lstrip(".") or "file"
    if len(safe.encode()) <= NAME_BYTES:
        return safe
    suffix = Path(safe).suffix
    suffix = suffix if len(suffix.encode()) <= NAME_BYTES // 4 else ""
    stem = safe[: len(safe) - len(suffix)].encode()[: NAME_BYTES - len(suffix.encode())]
    return stem.decode(errors="ignore") + suffix


def sent_name(name: str) -> str:
    """A file's name as its partner knows it: as sent, without the folders some browsers send
    (``C:\\Users\\...\\inventaire.csv``)."""
    return Path(name.replace("\\", "/")).name or name


STALE_INCOMING = 3600.0
"""Seconds after which an ``.incoming-*`` file nobody writes to is a leftover: a server stopped
while it received an upload (SIGKILL, a power cut) never removed it. An upload still coming is
paced (``security.MIN_BODY_RATE``), so its file is written to every few seconds."""


def _sweep(blobs: Path) -> None:
    """Remove what uploads a stopped server was receiving left in ``blobs``."""
    now = time.time()
    for leftover in blobs.glob(".incoming-*"):
        try:
            if now - leftover.stat().st_mtime > STALE_INCOMING:
                leftover.unlink()
        except FileNotFoundError:  # another worker took it first
            continue


class Incoming:
    """A file of an upload, written into the upload store's ``files/`` as it arrives and
    hashed on the way (``.incoming-*`` until it is kept under its checksum, removed if it is
    not): a 256 MiB upload never sits in memory, nor in the system's temporary folder (on
    many systems a tmpfs, memory too), and is written to disk once, not copied there after.
    The form parser writes it, seeks it back to its start at the part's end, and closes it."""

    def __init__(self, blobs: Path) -> None:
        blobs.mkdir(parents=True, exist_ok=True)
        self._file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept or removed by close
            dir=blobs, prefix=".incoming-", delete=False
        )
        self.path = Path(self._file.name)
        self.blobs = blobs
        self._digest = hashlib.sha256()
        self.size = 0
        self._kept = False

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        self.size += len(data)
        return self._file.write(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def keep(self, suffix: str) -> tuple[str, int, Path]:
        """Keep the file under its checksum (once: a file sent twice is kept once)."""
        self._file.close()
        digest = self._digest.hexdigest()
        blob = self.blobs / f"{digest}{suffix}"
        if blob.exists():
            self.path.unlink()
        else:
            os.replace(self.path, blob)
        self._kept = True
        return digest, self.size, blob

    def close(self) -> None:
        """Close the file; if it was not kept, it goes (an upload refused, cut or failed)."""
        self._file.close()
        if not self._kept:
            self.path.unlink(missing_ok=True)
            self._kept = True


def _keep(stream: IO[bytes] | Incoming, blobs: Path, suffix: str) -> tuple[str, int, Path]:
    """Keep ``stream`` in ``blobs`` under its SHA-256 (a file sent twice is kept once): an
    ``Incoming`` file is there already, any other stream is copied."""
    if isinstance(stream, Incoming) and stream.blobs == blobs:
        return stream.keep(suffix)
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(dir=blobs, prefix=".incoming-", delete=False) as out:
        try:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        except BaseException:
            os.unlink(out.name)  # a disk that filled up keeps no part of the file
            raise
    blob = blobs / f"{digest.hexdigest()}{suffix}"
    if blob.exists():
        os.unlink(out.name)
    else:
        os.replace(out.name, blob)
    return digest.hexdigest(), size, blob


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        value: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return value


def _write_json(path: Path, value: dict[str, Any]) -> None:
    write_atomically(path, json.dumps(value, indent=2, ensure_ascii=False))
