"""``kind = "files"``: partner exports as files — a directory, a glob, one file or an http(s) URL.

JSON (one object per file, an array, or JSON Lines), CSV/TSV with a header row, and XML dumps
(a LIDO ``lidoWrap`` or a single ``lido:lido``; any record element with ``record_element``).
A file that is one JSON object keeps its exact bytes as the payload; array items and CSV rows are
kept as the JSON object they parse to; an XML record keeps the bytes of its element.
"""

from __future__ import annotations

import codecs
import glob
import io
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, Literal, cast

import requests
import urllib3
from pydantic import Field, field_validator

from museion_core import messages
from museion_core.deadline import Deadline
from museion_core.errors import HarvestError

from .base import (
    MAX_RETRIES,
    TIMEOUT,
    HarvesterOptions,
    MaxRetries,
    RequestDeadline,
    SourceSpec,
    Timeout,
    is_url,
    location_folder,
    register,
)
from .csvrows import read_csv
from .http import answer_within, make_session, read_within, shown_reason
from .jsonscan import MAX_DEPTH, MAX_RECORD_BYTES, records_key
from .readers import Parsed, Unreadable, read_json, sniff_format
from .records import HarvestItem, RejectedRecord, SourceRecord, with_hint
from .replay import Replayable
from .sheets import SHEET_FORMATS, read_sheet
from .xml import LIDO_NS, LIDO_RECORD, read_xml

__all__ = ["FilesHarvester", "FilesOptions"]

EXTENSIONS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xml": "xml",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
}
Format = Literal["auto", "json", "jsonl", "csv", "tsv", "xml", "xlsx", "xls", "ods"]


MAX_WORKBOOK_BYTES = 1 << 30
"""The largest workbook read (it is held in memory whole); its XML parts may unpack to no
more than ``sheet_extent.MAX_UNPACKED`` either."""


def _workbook_too_large() -> Unreadable:
    reason = messages.WORKBOOK_TOO_LARGE(limit=MAX_WORKBOOK_BYTES >> 20)
    return Unreadable(b"", "workbook", reason, whole=True)


class FilesOptions(HarvesterOptions):
    format: Format = "auto"
    """``auto`` goes by the file extension, then by the first bytes."""
    encoding: str = "utf-8"
    """Text encoding of CSV/TSV files (and of JSON files that are not UTF-8)."""
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    """CSV delimiter; guessed from the first lines when not given (``,`` ``;`` tab ``|``)."""
    timeout: Timeout = TIMEOUT
    """Seconds to wait for an http(s) server before retrying."""
    request_deadline: RequestDeadline = 86400.0
    """Seconds the download of a file at an http(s) URL may take in all: ``timeout`` only
    bounds silences, and a server that trickles a byte a second is never silent."""
    max_retries: MaxRetries = MAX_RETRIES
    max_record_bytes: int = Field(default=MAX_RECORD_BYTES, ge=1024, le=1 << 30)
    """JSON and CSV: a record (an array item, a line, a row, a one-object file) larger than this
    is quarantined without being read, so one hostile record cannot exhaust memory."""
    max_depth: int = Field(default=MAX_DEPTH, ge=1, le=500)
    """JSON: a record whose objects and arrays nest deeper than this is quarantined unread (the
    upper bound keeps parsing within Python's recursion limit)."""
    items: str | None = Field(default=None, pattern=r"^[^.\s]+(\.[^.\s]+)*$")
    """JSON only: the dotted path of the list of records in a file that wraps them (``data``,
    ``response.docs``: an API's answer saved as a file); without it such a file is one record."""
    record_element: str = LIDO_RECORD
    """XML only: the element that is one record, as ``{namespace}name`` or ``lido:name``."""
    sheet: str | int | None = None
    """Spreadsheets only: the sheet to read, by name or 1-based number; the first visible one
    by default."""
    header_row: int = Field(default=1, ge=1)
    """Spreadsheets and CSV/TSV files: the row (1-based, as a spreadsheet program numbers it)
    that names the columns; the rows above it (a title, a logo, notes) are not read."""

    @field_validator("record_element")
    @classmethod
    def _clark(cls, value: str) -> str:
        return clark_name(value)

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown text encoding {value!r}") from None
        return value


def _wrapped(item: Parsed) -> str | None:
    """Why a one-object file without an identifier is likely records wrapped in an object (an
    API's answer saved as a file), naming the key of the list (``items``); None if it is not.
    Only the keys APIs use count: a record without its id may well hold a list of images."""
    key = records_key(item.raw)
    if key is None:
        return None
    return messages.JSON_WRAPPED_RECORDS(count=len(item.value[key]), key=key)


def clark_name(value: str) -> str:
    """``lido:lido`` → ``{http://www.lido-schema.org}lido``; Clark names and plain names pass."""
    value = value.strip()
    if value.startswith("{") or ":" not in value:
        if not value:
            raise ValueError("is empty")
        return value
    prefix, _, local = value.partition(":")
    if prefix != "lido":
        raise ValueError(
            f"unknown prefix {prefix!r}; write the element as {{namespace}}{local} "
            "(only lido: is known)"
        )
    return f"{{{LIDO_NS}}}{local}"


_BLANK = b" \t\r\n\x00"
"""Blank space, in UTF-8 or UTF-16 (whose spaces come with a zero byte)."""


def _empty(stream: io.BufferedReader) -> bool:
    """Whether the file holds nothing but a byte-order mark and blank space: no record, in
    any format, nor the empty list or table of an export that found nothing to send. What it
    reads of a file is put back (a local file) or was blank (a fetched one)."""
    first = True
    start = stream.tell() if stream.seekable() else None
    try:
        while chunk := stream.peek(1 << 16):
            if first:
                for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                    chunk = chunk.removeprefix(bom)
                first = False
            if chunk.translate(None, _BLANK):
                return False
            stream.read(len(stream.peek(1 << 16)))
        return True
    finally:
        if start is not None:
            stream.seek(start)


@register("files", FilesOptions)
class FilesHarvester:
    kind: ClassVar[str] = "files"

    def __init__(self, spec: SourceSpec) -> None:
        assert isinstance(spec.options, FilesOptions)
        self.spec = spec
        self.options: FilesOptions = spec.options
        self._file_index = int(spec.checkpoint.get("file_index", 0))
        self._record_index = int(spec.checkpoint.get("record_index", 0))
        self._session: requests.Session | None = None
        # what a pass this harvest resumes could not read is still unread: kept in the checkpoint
        self._unread: list[str] = list(spec.checkpoint.get("unread", []))

    @property
    def checkpoint(self) -> Mapping[str, Any]:
        if not (self._file_index or self._record_index):
            return {}
        here = {"file_index": self._file_index, "record_index": self._record_index}
        return {**here, "unread": list(self._unread)} if self._unread else here

    @property
    def complete_snapshot(self) -> bool:
        return True

    @property
    def unread(self) -> list[str]:
        return list(self._unread)

    def _note_unread(self, shown: str) -> None:
        if shown not in self._unread:  # a resumed pass may read the file's start again
            self._unread.append(shown)

    def locations(self) -> list[str]:
        """Every file this source reads, in a stable order; fails if there is none."""
        location = self.spec.location
        if is_url(location):
            return [location]
        skipped = self._skipped()
        if glob.has_magic(location):
            found = sorted(
                p
                for p in glob.glob(location, recursive=True)
                if os.path.isfile(p) and not skipped(Path(p))
            )
            if not found:
                raise HarvestError(
                    messages.NO_FILE_MATCHES(location=location), source=self.spec.name
                )
            return found
        path = Path(location)
        if path.is_file():
            return [str(path)]
        if path.is_dir():
            found = sorted(
                str(p)
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in EXTENSIONS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not skipped(p)
            )
            if not found:
                raise HarvestError(
                    messages.DIRECTORY_EMPTY(location=location), source=self.spec.name
                )
            return found
        raise HarvestError(messages.FEED_MISSING(location=location), source=self.spec.name)

    def _folder(self) -> Path | None:
        """The folder a directory or glob location lists, resolved: what it reads must lie in
        it (``exports/tate-*.csv``: ``exports``). None for one file named in the config, which
        the operator chose."""
        location = self.spec.location
        if not glob.has_magic(location) and not Path(location).is_dir():
            return None
        folder = location_folder(location)
        return Path(folder or ".").resolve()

    def _skipped(self) -> Callable[[Path], bool]:
        """Whether a path lies in a folder the source never reads (``SourceSpec.skip``),
        unless the location itself is in it (an upload's files, kept in the data directory);
        the folders are worked out once per listing, not once per file."""
        root = Path(location_folder(self.spec.location) or ".").resolve()
        folders = [f for f in self.spec.skip if not root.is_relative_to(f)]
        if not folders:
            return lambda _: False
        return lambda path: any(path.resolve().is_relative_to(f) for f in folders)

    def __iter__(self) -> Iterator[HarvestItem]:
        files = self.locations()
        start_file, start_record = self._file_index, self._record_index
        if not (start_file or start_record):
            self._unread = []
        for index in range(start_file, len(files)):
            self._file_index, self._record_index = index, 0
            skip = start_record if index == start_file else 0
            for position, item in enumerate(self._read_file(files[index])):
                if position < skip:
                    continue
                self._record_index = position + 1
                yield item
        # A complete pass: the next harvest starts from the beginning again.
        self._file_index, self._record_index = 0, 0

    def _read_file(self, location: str) -> Iterator[HarvestItem]:
        name = location.rsplit("/", 1)[-1]
        try:
            with self._open(location) as (stream, datestamp):
                fmt = self._format(location, stream)
                items: Iterator[Parsed | Unreadable]
                if _empty(stream):
                    # Read as "no records", an export sent empty withdrew every record the
                    # file held before, and nobody was told: a whole-file fault instead.
                    items = iter([Unreadable(b"", "object", messages.FILE_EMPTY(), whole=True)])
                elif fmt == "xml":
                    items = self._read_xml(stream)
                elif fmt in SHEET_FORMATS:
                    # A workbook is a zip (or OLE) archive: it is read whole, not streamed;
                    # but not without end (a server that never stops sending: MemoryError).
                    # (in pieces: a ``read(limit)`` would ask for a gigabyte for a small file)
                    pieces = iter(lambda: stream.read(1 << 20), b"")
                    workbook = read_within(pieces, MAX_WORKBOOK_BYTES)
                    items = (
                        read_sheet(
                            workbook,
                            sheet=self.options.sheet,
                            header_row=self.options.header_row,
                            rows_required=True,
                            uploaded=self.spec.uploaded,
                        )
                        if workbook is not None
                        else iter([_workbook_too_large()])
                    )
                elif fmt in ("csv", "tsv"):
                    delimiter = self.options.delimiter or ("\t" if fmt == "tsv" else None)
                    items = read_csv(
                        stream,
                        encoding=self.options.encoding,
                        delimiter=delimiter,
                        max_record_bytes=self.options.max_record_bytes,
                        header_row=self.options.header_row,
                        rows_required=True,
                        uploaded=self.spec.uploaded,
                    )
                else:
                    items = read_json(
                        stream,
                        lines=fmt == "jsonl",
                        encoding=self.options.encoding,
                        max_record_bytes=self.options.max_record_bytes,
                        max_depth=self.options.max_depth,
                        items=self.options.items.split(".") if self.options.items else (),
                    )
                shown = self.spec.shown(location)
                for item in items:
                    yield self._item(item, shown, name, datestamp, fmt == "xml")
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            # Before OSError: requests' errors are OSErrors, but a feed that cannot be fetched
            # fails the source rather than one record.
            raise HarvestError(
                messages.CANNOT_FETCH(location=location, detail=exc), source=self.spec.name
            ) from exc
        except OSError as exc:
            self._note_unread(self.spec.shown(location))
            yield RejectedRecord(
                self.spec.name, self.spec.shown(location), messages.FILE_UNREADABLE(detail=exc)
            )

    def _read_xml(self, stream: io.BufferedReader) -> Iterator[Parsed | Unreadable]:
        if stream.seekable():
            yield from read_xml(stream, self.options.record_element)
            return
        # Fetched: its bytes are kept as they are read, to read it again past a broken record.
        with io.BufferedReader(Replayable(stream), buffer_size=1 << 16) as kept:
            yield from read_xml(kept, self.options.record_element)

    def _format(self, location: str, stream: io.BufferedReader) -> str:
        if self.options.format != "auto":
            return self.options.format
        suffix = os.path.splitext(location.split("?", 1)[0])[1].lower()
        return EXTENSIONS.get(suffix) or sniff_format(stream.peek(64))

    def _item(
        self,
        item: Parsed | Unreadable,
        shown: str,
        name: str,
        datestamp: str | None,
        xml: bool = False,
    ) -> HarvestItem:
        # A file holding exactly one object, or a fault of the whole file, is named by the
        # file alone.
        origin = shown if item.position in ("object", "") else f"{shown}, {item.position}"
        if isinstance(item, Unreadable):
            if item.whole:
                self._note_unread(shown)
            named = self._named(item.cells)
            return RejectedRecord(self.spec.name, origin, item.reason, item.raw, named)
        if not xml and not isinstance(item.value, dict):
            return RejectedRecord(
                self.spec.name,
                origin,
                messages.EXPECTED_JSON_OBJECT(found=type(item.value).__name__),
                item.raw,
            )
        if self.spec.identify is None:
            stem = name.rsplit(".", 1)[0]
            local_id = stem if item.position == "object" else f"{stem}-{item.position.split()[-1]}"
        else:
            try:
                local_id = self.spec.identify(item.value)
            except ValueError as exc:
                reason = _wrapped(item) if item.position == "object" else None
                said = reason or str(exc)
                if not xml:
                    said = with_hint(said, item.value)
                return RejectedRecord(self.spec.name, origin, said, item.raw)
        return SourceRecord(
            source=self.spec.name,
            local_id=local_id,
            payload=item.raw,
            media_type="application/xml" if xml else "application/json",
            datestamp=datestamp,
            origin=origin,
        )

    def _named(self, cells: dict[str, Any] | None) -> str | None:
        """The id an unreadable row's readable cells give, if any (``Unreadable.cells``)."""
        if cells is None or self.spec.identify is None:
            return None
        try:
            return self.spec.identify(cells)
        except ValueError:
            return None

    def _open(self, location: str) -> AbstractContextManager[tuple[io.BufferedReader, str | None]]:
        return self._open_url(location) if is_url(location) else self._open_path(location)

    @contextmanager
    def _open_path(self, location: str) -> Iterator[tuple[io.BufferedReader, str | None]]:
        folder = self._folder()
        if folder is not None and not Path(location).resolve().is_relative_to(folder):
            # A link from the partner's folder to a file elsewhere on the server (a partner
            # who drops files by rsync or SFTP could otherwise publish /etc/passwd).
            raise PermissionError(messages.LINK_OUTSIDE_FOLDER())
        with open(location, "rb") as handle:
            mtime = datetime.fromtimestamp(os.fstat(handle.fileno()).st_mtime, UTC)
            yield handle, mtime.replace(microsecond=0).isoformat().replace("+00:00", "Z")

    @contextmanager
    def _open_url(self, location: str) -> Iterator[tuple[io.BufferedReader, str | None]]:
        # The whole download within request_deadline, which is looked at again after the last
        # record (a connection cut at the deadline may look like a file that simply ended).
        failed = partial(HarvestError, source=self.spec.name)
        with (
            answer_within(self.options.request_deadline, location, failed) as deadline,
            self._download(location, deadline) as opened,
        ):
            yield opened

    @contextmanager
    def _download(
        self, location: str, deadline: Deadline
    ) -> Iterator[tuple[io.BufferedReader, str | None]]:
        if self._session is None:
            self._session = make_session(self.options.max_retries, home=location)
        response = self._session.get(location, stream=True, timeout=self.options.timeout)
        deadline.leave_thread()  # requests made while its records are consumed are not the file's
        with response:
            if response.status_code >= 400:
                raise HarvestError(
                    messages.HTTP_STATUS(
                        url=location,
                        status=response.status_code,
                        reason=shown_reason(response.reason),
                    ),
                    source=self.spec.name,
                )
            response.raw.decode_content = True
            # Let io.BufferedReader decide when the stream ends: with auto_close, urllib3
            # reports "closed" as soon as the body is read, before the buffer is consumed.
            response.raw.auto_close = False
            stamp = None
            if "Last-Modified" in response.headers:
                try:
                    when = parsedate_to_datetime(response.headers["Last-Modified"])
                    stamp = when.astimezone(UTC).isoformat().replace("+00:00", "Z")
                except (TypeError, ValueError):
                    stamp = None
            raw = cast(io.RawIOBase, response.raw)  # urllib3's response is a raw binary stream
            yield io.BufferedReader(raw, buffer_size=1 << 16), stamp
