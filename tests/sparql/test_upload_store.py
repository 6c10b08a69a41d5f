"""The upload store's leftovers: what a server stopped while it received an upload (SIGKILL,
a power cut) left as ``.incoming-*`` goes at the next upload to that source, and nothing of
an upload still coming does."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sparql.upload_store import STALE_INCOMING, UploadStore


def test_a_stopped_server_s_half_received_file_goes_at_the_next_upload(tmp_path: Path) -> None:
    store = UploadStore(tmp_path / "uploads")
    blobs = tmp_path / "uploads" / "partner" / "files"
    blobs.mkdir(parents=True)
    stale = blobs / ".incoming-left-by-a-killed-server"
    stale.write_bytes(b"x" * 1000)
    old = time.time() - STALE_INCOMING - 60
    os.utime(stale, (old, old))
    coming = blobs / ".incoming-still-arriving"
    coming.write_bytes(b"y" * 1000)
    kept = blobs / ("0" * 64 + ".csv")
    kept.write_bytes(b"id\n1\n")
    os.utime(kept, (old, old))

    incoming = store.incoming("partner")
    incoming.close()

    assert not stale.exists()
    assert coming.exists()  # written to seconds ago: an upload another worker receives
    assert kept.exists()  # files kept under their checksum are never swept
    assert sorted(p.name for p in blobs.iterdir()) == sorted([coming.name, kept.name])
