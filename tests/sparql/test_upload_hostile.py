"""Partner uploads against hostile senders, on a live ``museion serve``: file names the file
system cannot hold, a client that hangs up midway, a body that trickles in. Each is answered
(or dropped) without a traceback, and leaves no half-kept upload behind."""

from __future__ import annotations

import hashlib
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

import pytest
import requests

from sparql.uploads import NAME_BYTES, UploadStore, safe_name
from tests.helpers.endpoint import Live, live_endpoint
from tests.helpers.samples import sample_feeds

TOKEN = "tate-upload-token-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
RECORD = sorted((sample_feeds() / "tate" / "artworks").glob("*.json"))[1].read_bytes()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("uploads")
    feed = folder / "tate-feed"
    feed.mkdir()
    shutil.copy(sorted((sample_feeds() / "tate" / "artworks").glob("*.json"))[0], feed)
    config = folder / "museion.toml"
    config.write_text(
        f"""
[store]
path = "store"
[publish]
base_iri = "https://data.example.org/"
[endpoint]
max_upload_bytes = 3000000

[[sources]]
name = "tate"
kind = "files"
location = "{feed.as_posix()}"
mapping = "tate"
[sources.partner]
label = "Tate"
token = "{TOKEN}"
""",
        encoding="utf-8",
    )
    with live_endpoint(config) as running:
        yield running


def _uploads(live: Live) -> Path:
    return live.config.data_dir / "uploads" / "tate"


@pytest.mark.parametrize("name", ["é" * 200 + ".json", "a" * 300 + ".json", "ü" * 120 + ".JSON"])
def test_a_file_name_too_long_for_the_file_system_is_kept_shortened(live: Live, name: str) -> None:
    """A name of 200 "é" (400 bytes) was a 500 with a traceback (ENAMETOOLONG, in the worker)
    and left an upload folder without a manifest. The file is now kept under a shortened
    name with its suffix, and the manifest and report keep the name as sent."""
    r = requests.post(
        f"{live.url}/sources/tate/upload",
        files={"files": (name, RECORD, "application/json")},
        headers=BEARER,
        timeout=30,
    )
    assert r.status_code == 202, r.text
    upload = r.json()["upload"]
    store = UploadStore(_uploads(live).parent)
    manifest = store.manifest("tate", upload)
    assert manifest is not None
    assert manifest["files"][0]["name"] == name
    [kept] = (_uploads(live) / upload / "feed").iterdir()
    assert kept.read_bytes() == RECORD
    assert kept.suffix.lower() == ".json"
    assert store.sent_names("tate", upload) == {kept.name: name}
    assert "Traceback" not in live.read_log()


def test_safe_names_keep_within_the_file_system_s_limit() -> None:
    for name in ["é" * 300 + ".csv", "x" * 1000, "a." + "b" * 400, "🎨" * 100 + ".xlsx"]:
        safe = safe_name(name)
        assert 0 < len(safe.encode()) <= NAME_BYTES
        assert "/" not in safe
    assert safe_name("é" * 300 + ".csv").endswith(".csv")
    assert safe_name("inventaire.csv") == "inventaire.csv"


class _FullDisk(io.RawIOBase):
    """A file whose copy fails midway, as on a disk that fills up."""

    def __init__(self) -> None:
        self.sent = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:  # noqa: ARG002 - the copy asks for 1 MiB
        self.sent += 1
        if self.sent > 2:
            raise OSError(28, "No space left on device")
        return b"[" + b" " * (1 << 20)


def test_an_upload_that_cannot_be_kept_leaves_nothing_behind(tmp_path: Path) -> None:
    store = UploadStore(tmp_path / "uploads")
    full = cast(IO[bytes], _FullDisk())
    with pytest.raises(OSError, match="No space left"):
        store.receive("tate", [("a.json", io.BytesIO(b"[]")), ("b.json", full)])
    source = tmp_path / "uploads" / "tate"
    assert [p.name for p in source.iterdir()] == ["files"]  # no upload folder left
    kept = [p.name for p in (source / "files").iterdir()]
    assert kept == [f"{hashlib.sha256(b'[]').hexdigest()}.json"]  # a.json, no part of b.json
    assert store.queued() == []
