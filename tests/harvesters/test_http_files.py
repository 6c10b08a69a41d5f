"""The files harvester over http(s): a real server on 127.0.0.1, faults included."""

from __future__ import annotations

import io
import json
import tempfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

import harvesters
from harvesters import files, replay
from harvesters.files import FilesOptions
from mappings import get_mapping
from museion_core.errors import HarvestError
from tests.harvesters.test_lido_files import lido_wrap, spoilt
from tests.helpers.http import Quiet, Response, serve, serving, trickle
from tests.helpers.samples import sample_feeds

RECORDS = [json.loads(p.read_text()) for p in sorted((sample_feeds() / "cmoa").glob("*.json"))]

CMOA = get_mapping("cmoa")


def harvest(url: str, **options: object) -> list[harvesters.HarvestItem]:
    spec = harvesters.SourceSpec(
        name="web",
        location=url,
        options=FilesOptions(**options),  # type: ignore[arg-type]
        identify=lambda record: str(record["id"]),
    )
    return list(harvesters.create_harvester("files", spec))


def test_a_json_array_over_http() -> None:
    body = json.dumps(RECORDS).encode()
    with serve(
        {
            "/export.json": Response(
                200,
                body,
                {
                    "Content-Type": "application/json",
                    "Last-Modified": "Tue, 03 Nov 2026 10:00:00 GMT",
                },
            )
        }
    ) as server:
        items = harvest(f"{server.url}/export.json")
    assert len(items) == len(RECORDS)
    assert all(isinstance(i, harvesters.SourceRecord) for i in items)
    first = items[0]
    assert isinstance(first, harvesters.SourceRecord)
    assert first.local_id == RECORDS[0]["id"]
    assert first.datestamp == "2026-11-03T10:00:00Z"
    assert json.loads(first.payload) == RECORDS[0]


def test_a_csv_export_over_http_in_its_declared_encoding() -> None:
    body = "id;title\nA;Café\nB;Straße\n".encode("cp1252")
    with serve({"/export.csv": Response(200, body)}) as server:
        items = harvest(f"{server.url}/export.csv", encoding="cp1252")
    titles = [
        json.loads(i.payload)["title"] for i in items if isinstance(i, harvesters.SourceRecord)
    ]
    assert titles == ["Café", "Straße"]


def test_503_with_retry_after_is_retried() -> None:
    calls = {"n": 0}

    def flaky(_: BaseHTTPRequestHandler) -> Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return Response(503, b"busy", {"Retry-After": "1"})
        return Response(200, json.dumps(RECORDS[:2]).encode())

    with serve({"/feed.json": flaky}) as server:
        items = harvest(f"{server.url}/feed.json")
        assert server.hits["/feed.json"] == 2
    assert len(items) == 2


def test_a_missing_feed_fails_with_the_url_and_status() -> None:
    with serve({}) as server, pytest.raises(HarvestError) as caught:
        harvest(f"{server.url}/gone.json", max_retries=0)
    assert "gone.json answered HTTP 404" in str(caught.value)


def test_a_server_that_keeps_failing_gives_up_with_the_cause() -> None:
    with (
        serve({"/feed.json": Response(500, b"boom")}) as server,
        pytest.raises(HarvestError) as caught,
    ):
        harvest(f"{server.url}/feed.json", max_retries=1)
    assert "feed.json" in str(caught.value)


def test_an_unreachable_server(tmp_path: Path) -> None:
    with serve({}) as server:
        url = server.url
    with pytest.raises(HarvestError, match="cannot fetch"):
        harvest(f"{url}/feed.json", max_retries=0, timeout=2)
    assert tmp_path.exists()


def test_a_saved_api_answer_is_read_at_items(tmp_path: Path) -> None:
    """A file that wraps its records in an object (an API's answer saved as a file) was one
    record without an identifier. Its quarantine reason now names the list and the setting;
    with ``items`` the records are read, from a file or over http."""
    answer = {"total": len(RECORDS), "data": RECORDS, "next": None}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(answer), encoding="utf-8")
    spec = harvesters.SourceSpec(
        name="cmoa", location=str(path), options=FilesOptions(), identify=CMOA.identify
    )
    [wrapped] = harvesters.create_harvester("files", spec)
    assert isinstance(wrapped, harvesters.RejectedRecord)
    assert wrapped.reason == (
        f"the file is one object, with no identifier, holding a list of {len(RECORDS)} objects "
        'under `data`; if they are the records, set `items = "data"` for this source'
    )
    read = harvest(str(path), items="data")
    assert [r.local_id for r in read] == [str(r["id"]) for r in RECORDS]
    with serve({"/export.json": Response(200, path.read_bytes(), {})}) as server:
        over_http = harvest(server.url + "/export.json", items="data")
    assert [r.local_id for r in over_http] == [str(r["id"]) for r in RECORDS]


def test_a_lido_dump_over_http_is_read_past_a_broken_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fetched dump is kept as it is read, so one broken record costs that record, as in a
    local file; past ``SPOOL_LIMIT`` the dump is read once and stops at the fault, as before."""
    clean = lido_wrap()
    broken = spoilt(clean, 3, b"\x0b")
    with serve({"/lido.xml": Response(200, clean), "/broken.xml": Response(200, broken)}) as server:
        want = harvest_lido(f"{server.url}/lido.xml")
        got = harvest_lido(f"{server.url}/broken.xml")
        monkeypatch.setattr(replay, "SPOOL_LIMIT", len(broken) // 2)
        once = harvest_lido(f"{server.url}/broken.xml")
    assert len(got) == len(want) > 10
    assert isinstance(got[2], harvesters.RejectedRecord)
    assert "record 3 is not well-formed XML" in got[2].reason
    assert [g.payload for g in got[3:]] == [w.payload for w in want[3:]]
    assert len(once) <= 3  # the parser reads ahead: records before the fault may go with it
    assert isinstance(once[-1], harvesters.RejectedRecord)
    assert "the rest of the file was not read" in once[-1].reason


def harvest_lido(url: str) -> list[harvesters.HarvestItem]:
    spec = harvesters.SourceSpec(
        name="web", location=url, options=FilesOptions(), identify=get_mapping("lido").identify
    )
    return list(harvesters.create_harvester("files", spec))


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_replayable_reads_again_from_the_start(size: int) -> None:
    data = bytes(range(256)) * 40
    stream = replay.Replayable(io.BytesIO(data), limit=len(data))
    first = b"".join(iter(lambda: stream.read(size), b""))
    assert first == data
    assert stream.seekable()
    stream.seek(0)
    assert stream.read(300) == data[:300]
    stream.seek(0)
    assert b"".join(iter(lambda: stream.read(size), b"")) == data
    small = replay.Replayable(io.BytesIO(data), limit=len(data) - 1)
    assert b"".join(iter(lambda: small.read(size), b"")) == data
    assert not small.seekable()  # too large to keep


def test_replayable_without_room_to_keep_reads_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full temporary directory costs the second reading, not the first."""

    class Full(io.BytesIO):
        def write(self, _data: object) -> int:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", Full)
    data = b"x" * 10_000
    stream = replay.Replayable(io.BytesIO(data))
    assert b"".join(iter(lambda: stream.read(333), b"")) == data
    assert not stream.seekable()


def test_a_file_resumed_in_is_named_unread_once(tmp_path: Path) -> None:
    """A harvest resumed inside a file it could not read (its checkpoint already names it)
    reads the file's start again: the file was named twice ("b.csv, b.csv could not be
    read")."""
    (tmp_path / "a.csv").write_bytes(b"id\nA-1\n")
    (tmp_path / "b.csv").write_bytes(b"id,id\nB-1,x\n")
    spec = harvesters.SourceSpec(
        name="shop",
        location=str(tmp_path),
        options=FilesOptions(),
        identify=lambda record: str(record["id"]),
        checkpoint={"file_index": 1, "record_index": 1, "unread": ["b.csv"]},
    )
    harvester = harvesters.create_harvester("files", spec)
    list(harvester)
    assert harvester.unread == ["b.csv"]


def test_a_file_that_trickles_is_stopped_at_its_deadline_not_taken_as_ended() -> None:
    """A server that sends a byte at a time is never silent for ``timeout``: the harvest (and
    its writer lock) waited for as long as it liked. It is stopped at request_deadline; and as
    the cut connection of a file with no declared length looks like the file's end, the records
    read before it are not taken for the whole file (the rest would have been withdrawn)."""
    lines = b"".join(json.dumps({"id": n}).encode() + b"\n" for n in range(40))
    deadline = r"took more than 1 s in all \(request_deadline\)"
    with (
        trickle(lines, "application/x-ndjson", pause=0.02, length=False) as url,
        pytest.raises(HarvestError, match=deadline),
    ):
        harvest(url + ".jsonl", request_deadline=1, timeout=5)


def test_a_workbook_over_its_limit_is_refused_as_it_comes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbook is read whole: one at a URL whose server never stopped sending was read until
    the harvest died ("MemoryError" after 1.8 GB). Past MAX_WORKBOOK_BYTES (1 GiB; 1 MB here)
    it is one unreadable item with the reason, and nothing it holds counts as gone."""
    monkeypatch.setattr(files, "MAX_WORKBOOK_BYTES", 1 << 20)
    body = b"PK\x03\x04" + b"\0" * (3 << 20)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with serve({"/objects.xlsx": Response(200, body, {"Content-Type": kind})}) as server:
        [item] = harvest(f"{server.url}/objects.xlsx")
    assert isinstance(item, harvesters.RejectedRecord)
    assert "the workbook is more than 1 MB" in item.reason


def test_a_reason_phrase_of_kilobytes_is_quoted_short() -> None:
    """A server may send a reason phrase of 64 KB ("Not Found XXXX…"); each such phrase was
    the whole of the harvest's "one clear line". It is quoted up to 200 characters."""

    class Handler(Quiet):
        def do_GET(self) -> None:
            self.send_response(404, "Not Found " + "X" * 60_000)
            self.send_header("Content-Length", "0")
            self.end_headers()

    with serving(Handler) as url, pytest.raises(HarvestError) as failed:
        harvest(f"{url}/export.json")
    message = str(failed.value)
    assert "answered HTTP 404 Not Found XXX" in message
    assert len(message) < 500


def test_an_empty_file_of_any_format_is_a_fault_of_the_file(tmp_path: Path) -> None:
    """JSON, JSON lines and CSV read an empty file as "no records", silently; XML said it
    was not well-formed. Each now says the same: the file is empty. A file that only starts
    blank is read as it is (what was looked at is put back)."""
    for name in ["a.json", "b.jsonl", "c.csv", "d.xml", "e.json"]:
        (tmp_path / name).write_bytes(b"\n  \n" if name == "e.json" else b"")
    (tmp_path / "f.json").write_bytes(b" \n" * 40_000 + json.dumps(RECORDS[0]).encode())
    items = harvest(str(tmp_path))
    said = {
        item.origin.rsplit("/", 1)[-1]: item.reason
        for item in items
        if isinstance(item, harvesters.RejectedRecord)
    }
    empty = "the file is empty: it holds no record, not even an empty list"
    assert said == dict.fromkeys(["a.json", "b.jsonl", "c.csv", "d.xml", "e.json"], empty)
    [read] = [i for i in items if isinstance(i, harvesters.SourceRecord)]
    assert json.loads(read.payload) == RECORDS[0]


def test_an_empty_file_fetched_is_a_fault_of_the_file() -> None:
    with serve({"/export.json": Response(200, b"", {"Content-Type": "application/json"})}) as s:
        [item] = harvest(f"{s.url}/export.json")
    assert isinstance(item, harvesters.RejectedRecord)
    assert item.reason == "the file is empty: it holds no record, not even an empty list"
