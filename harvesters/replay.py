"""A stream from the network that can be read again from its start.

A LIDO dump with one broken record is read again from its start and cut into its records
(``harvesters.xml.read_xml``); a local file can simply seek back. A dump fetched over http(s)
cannot, so its bytes are kept in a temporary file as they are read (``Replayable``), up to a
cap: the rest is read once, and a broken record past the cap stops the file as before. A temporary
directory that is full (or cannot be written) only turns the keeping off: the file is then read
once, as a clean one needs.
"""

from __future__ import annotations

import io
import tempfile
from typing import IO

__all__ = ["SPOOL_LIMIT", "Replayable"]

SPOOL_LIMIT = 1 << 30
"""Bytes of a fetched file kept to read it again: a dump larger than this is read once."""


class Replayable(io.RawIOBase):
    """``stream`` read once from the network, and again from the start after ``seek(0)``."""

    def __init__(self, stream: IO[bytes], limit: int | None = None) -> None:
        super().__init__()
        self._stream = stream
        self._spool: IO[bytes] | None = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close)
        self._limit = SPOOL_LIMIT if limit is None else limit
        self._size = 0  # bytes read from the network, all in the spool while there is one
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._spool is not None

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence != io.SEEK_SET or self._spool is None or not 0 <= offset <= self._size:
            raise io.UnsupportedOperation("only back to a point already read, while kept")
        self._pos = offset
        return offset

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if self._pos < self._size and self._spool is not None:
            self._spool.seek(self._pos)
            data = self._spool.read(min(len(view), self._size - self._pos))
        else:
            data = self._stream.read(len(view))
            self._keep(data)
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def _keep(self, data: bytes) -> None:
        if self._spool is None:
            self._size += len(data)
            return
        try:
            if self._size + len(data) > self._limit:
                raise OSError("too large to keep")
            self._spool.seek(self._size)
            self._spool.write(data)
        except OSError:  # too large to keep, or no room for it: read once
            self._spool.close()
            self._spool = None
        self._size += len(data)

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        super().close()
