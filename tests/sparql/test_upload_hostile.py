"""Partner uploads against hostile senders, on a live ``museion serve``: file names the file
system cannot hold, a client that hangs up midway, a body that trickles in, a form without
its token, a post from another site. Each is answered (or dropped) without a traceback, and
leaves no half-kept upload behind; a client hanging up midway through any other body too."""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, cast

import pytest
import requests
from lxml import html as lxml_html

from sparql.uploads import NAME_BYTES, UploadStore, safe_name, upload_form
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
header_timeout = 2

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


def _open(
    live: Live, head: bytes, start: bytes, path: str = "/sources/tate/upload"
) -> socket.socket:
    """A connection that sent a POST's request line (an upload's unless ``path`` says),
    ``head`` (headers) and ``start``."""
    port = int(live.url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode() + head + b"\r\n")
    sock.sendall(start)
    return sock


def _trickle(sock: socket.socket) -> bytes:
    """Send a byte a second (or so) until the server answers and hangs up; its answer."""
    sock.settimeout(1)
    answer = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):  # closed by the server: its answer is to be read
            sock.sendall(b" ")
        try:
            got = sock.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            break
        if not got:
            break
        answer += got
    sock.close()
    assert time.monotonic() < deadline  # the server hung up; the client did not give up
    return answer


MULTIPART = b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 2000000\r\n"
PART = b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.json"\r\n\r\n['
TOKEN_PART = b'--b\r\nContent-Disposition: form-data; name="token"\r\n\r\n%s\r\n'


def test_a_sender_that_hangs_up_midway_leaves_no_traceback(live: Live) -> None:
    """A client that closed its connection in the middle of its upload left "Exception in
    ASGI application" and a ClientDisconnect traceback in the log, each time."""
    before = live.read_log().count("Traceback")
    for head in (MULTIPART + b"Authorization: Bearer " + TOKEN.encode() + b"\r\n", MULTIPART):
        sock = _open(live, head, PART + b" " * 50_000)
        sock.close()
    # the worker goes on answering; what it logged for the two is read once it has
    assert requests.get(f"{live.url}/sources/", timeout=30).status_code == 200
    deadline = time.monotonic() + 60
    while "POST /sources/tate/upload" not in live.read_log() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    assert live.read_log().count("Traceback") == before, live.read_log()[-3000:]
    assert "ClientDisconnect" not in live.read_log()


@pytest.mark.parametrize("token", ["bearer", "form"])
def test_a_body_that_trickles_in_is_refused_and_its_connection_closed(
    live: Live, token: str
) -> None:
    """An upload's body sent a byte every second held its connection for as long as the
    sender went on: no token was needed (the form's token comes in the body), and enough
    such connections held every file descriptor of the worker (the header timeout had
    closed that door for headers only). A body that falls behind 8 KiB a second, after the
    first ``header_timeout`` seconds (here 2), is answered 408 and its connection closed."""
    bearer = b"Authorization: Bearer " + TOKEN.encode() + b"\r\n"
    head = MULTIPART + bearer if token == "bearer" else MULTIPART
    start = PART if token == "bearer" else TOKEN_PART % TOKEN.encode() + PART
    answer = _trickle(_open(live, head, start))
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"slower than 8192 bytes a second" in answer
    assert b"connection: close" in answer.lower()


def _answer_before_the_body_ends(sock: socket.socket) -> bytes:
    """What the server answers while the rest of the body is still unsent."""
    sock.settimeout(60)
    answer = b""
    while b"\r\n\r\n" not in answer:
        got = sock.recv(65536)
        if not got:
            break
        answer += got
    sock.close()
    return answer


@pytest.mark.parametrize("case", ["wrong-token-first", "file-before-token", "no-token"])
def test_a_form_without_the_right_token_is_refused_before_its_files_are_read(
    live: Live, case: str
) -> None:
    """The form's token is in the body, and was read after the files: anyone could make each
    request write ``max_upload_bytes`` (256 MiB by default) to the server's disk, as many at
    once as it liked, before being told 401 or 403. The token field now comes first (the
    form puts it there; a browser sends fields in order) and is checked as soon as it has
    come: a wrong one, or a file before any token, is refused before the file is read. Here
    the sender stops midway through its 2 MB file, and is answered all the same."""
    start = {
        "wrong-token-first": TOKEN_PART % b"not-the-token-0123456789" + PART,
        "file-before-token": PART + b" " * 1000,
        "no-token": PART,
    }[case]
    sock = _open(live, MULTIPART, start + b" " * 10_000)
    answer = _answer_before_the_body_ends(sock)
    status = b"403" if case == "wrong-token-first" else b"401"
    assert answer.startswith(b"HTTP/1.1 " + status), answer[:300]


def test_the_form_sends_its_token_before_its_files() -> None:
    form = upload_form("tate", (".json",))
    assert form.index('name="token"') < form.index('name="files"')


@pytest.mark.parametrize(
    "headers", [{"Origin": "https://elsewhere.example"}, {"Sec-Fetch-Site": "cross-site"}]
)
def test_a_post_from_another_site_is_refused_in_upload_words(
    live: Live, headers: dict[str, str]
) -> None:
    """A cross-site form (CSRF) was refused, as it should be, but told the sender that it
    'may not change checklists': the words of the checklists' check, which uploads share."""
    r = requests.post(
        f"{live.url}/sources/tate/upload",
        files={"files": ("a.json", b"[]", "application/json")},
        data={"token": TOKEN},
        headers=headers,
        timeout=30,
    )
    assert r.status_code == 403
    assert "may not upload to 'tate'" in r.text
    assert "checklists" not in r.text


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/sparql", b"application/sparql-query"), ("/reconcile", b"application/json")],
)
def test_a_client_that_hangs_up_midway_through_a_query_leaves_no_traceback(
    live: Live, path: str, kind: bytes
) -> None:
    """The same fault as an upload's, where every other body is read (``read_body``): a
    client that closed its connection before its query, update or reconciliation request
    ended left a ClientDisconnect traceback in the log."""
    port = int(live.url.rsplit(":", 1)[1])
    before = live.read_log().count("Traceback")
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(
        b"POST "
        + path.encode()
        + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
        + kind
        + b"\r\nContent-Length: 100000\r\n\r\nSELECT"
    )
    time.sleep(0.5)
    sock.close()
    assert requests.get(f"{live.url}/sources/", timeout=30).status_code == 200
    time.sleep(1)
    assert live.read_log().count("Traceback") == before, live.read_log()[-3000:]


@pytest.mark.parametrize(
    ("path", "kind", "what"),
    [
        ("/sparql", b"application/sparql-query", b"the query or update"),
        ("/reconcile", b"application/json", b"the reconciliation request"),
    ],
)
def test_a_query_that_trickles_in_is_refused_and_its_connection_closed(
    live: Live, path: str, kind: bytes, what: bytes
) -> None:
    """The upload's fault where every other body is read: a query, update or reconciliation
    request sent a byte a second held its connection (and a slot of the worker) for as long
    as the sender went on, with no token needed. After ``header_timeout`` (here 2 s) a body
    that falls behind 8 KiB a second is answered 408 and its connection closed."""
    head = b"Content-Type: " + kind + b"\r\nContent-Length: 100000\r\n"
    answer = _trickle(_open(live, head, b"SELECT", path))
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert what + b" came slower than 8192 bytes a second" in answer
    assert b"connection: close" in answer.lower()


def test_a_query_sent_at_once_is_answered_as_before(live: Live) -> None:
    """The pace does not touch a body that comes at once, nor what follows it."""
    r = requests.post(
        f"{live.url}/sparql",
        data="ASK { ?s ?p ?o }",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    assert r.json()["boolean"] is True


def _incoming(live: Live) -> list[Path]:
    """Files of uploads being received (written into the store as they arrive)."""
    return sorted((_uploads(live) / "files").glob(".incoming-*"))


def _until(found: Callable[[], bool], what: str) -> None:
    """Wait until ``found()`` (the server works at its own pace on a shared machine)."""
    deadline = time.monotonic() + 120
    while not found():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


@pytest.mark.parametrize("token", ["bearer", "form"])
def test_an_upload_is_written_into_the_store_as_it_arrives(live: Live, token: str) -> None:
    """Each file of an upload was spooled by the form parser, its first MiB in memory and
    the rest in the system's temporary folder (a tmpfs on many systems: 256 MiB of memory
    for the largest upload, one such per sender at once), and only then copied into the
    store. It is now written into the store's ``files/`` as it arrives, hashed on the way,
    and kept under its checksum without a copy; a sender that stops midway leaves nothing."""
    content = b"[" + b" " * 2_400_000 + b"]"
    part = b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.json"\r\n\r\n'
    body = part + content + b"\r\n--b--\r\n"
    head = b"Content-Type: multipart/form-data; boundary=b\r\n"
    if token == "bearer":
        head += b"Authorization: Bearer " + TOKEN.encode() + b"\r\n"
    else:
        body = TOKEN_PART % TOKEN.encode() + body
    half = len(body) - 600_000
    sock = _open(live, head + b"Content-Length: %d\r\n" % len(body), body[:half])
    try:
        # All but its last 600 KB sent: what came is in the store already.
        _until(
            lambda: any(p.stat().st_size >= 1 << 20 for p in _incoming(live)),
            "no part of the upload was written into the store while it came",
        )
        sock.sendall(body[half:])
        answer = _answer_before_the_body_ends(sock)  # the whole answer: the body has ended
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 202 "), answer[:300]
    blob = _uploads(live) / "files" / f"{hashlib.sha256(content).hexdigest()}.json"
    assert blob.read_bytes() == content
    _until(lambda: not _incoming(live), "a received file was left as .incoming-*")
    # A sender that stops midway: what came of its file is removed.
    sock = _open(live, head + b"Content-Length: %d\r\n" % len(body), body[:half])
    _until(lambda: bool(_incoming(live)), "the cut upload was not being received")
    sock.close()
    _until(lambda: not _incoming(live), "a cut upload left its part of a file behind")


BROWSER = b"Accept: text/html,application/xhtml+xml\r\nAccept-Language: fr-FR, fr;q=0.9\r\n"


def test_a_form_that_trickles_in_is_refused_in_the_reader_s_language(live: Live) -> None:
    """A partner's browser on a slow line was told "the upload came slower than 8192 bytes a
    second ... send it again" in English, under the French page's heading."""
    answer = _trickle(_open(live, MULTIPART + BROWSER, TOKEN_PART % TOKEN.encode() + PART))
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    page = answer.decode("utf-8", "replace")
    assert "Les fichiers sont arrivés trop lentement" in page
    assert "8\u202f192" in page  # grouped as French groups thousands
    assert "slower than" not in page


def test_a_browser_is_told_in_its_language_of_a_source_or_upload_there_is_not(
    live: Live,
) -> None:
    """A form posted to a source that takes no uploads (a page kept open while its token was
    taken away), and the page of an upload that does not exist, answered a line of English
    text to a browser that reads French or Arabic. A script still gets the line."""
    browser = {"Accept": "text/html", "Accept-Language": "fr"}
    r = requests.post(
        f"{live.url}/sources/other/upload",
        files={"files": ("a.json", b"[]", "application/json")},
        data={"token": TOKEN},
        headers=browser,
        timeout=30,
    )
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "ne reçoit pas d’envois" in r.text
    r = requests.get(
        f"{live.url}/sources/tate/uploads/20261206-nope",
        headers={**browser, "Accept-Language": "ar"},
        timeout=30,
    )
    assert (r.status_code, r.headers["content-language"]) == (404, "ar")
    assert "لا يوجد إرسال" in r.text
    [brand] = lxml_html.fromstring(r.text).cssselect("a.brand")
    assert "".join(str(t) for t in brand.itertext()).strip() == "Museion"  # not "not found"
    script = requests.post(
        f"{live.url}/sources/other/upload",
        files={"files": ("a.json", b"[]", "application/json")},
        headers={"Accept-Language": "fr"},
        timeout=30,
    )
    assert (script.status_code, script.text) == (
        404,
        "source 'other' takes no uploads (it has no partner token)\n",
    )
