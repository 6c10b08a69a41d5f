"""The remote store's client (``store.protocol.SparqlClient``) against servers that misbehave,
each a small real HTTP server on 127.0.0.1: a redirect elsewhere, an endless body, an error
page that repeats the request's credentials, an answer that breaks off or trickles. Each ends
in one line naming the remote store, within its limits, and never sends a write or a
credential anywhere but the configured server."""

from __future__ import annotations

import gc
import json
import time
from base64 import b64encode
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import cast
from urllib.parse import parse_qs

import pytest
from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
)

from museion import Workspace
from museion.cli import run_harvest
from museion.config import load_config
from museion_core.errors import QueryError, StoreError
from store import RemoteReader, RemoteStore
from store.protocol import RemoteEndpoint, SparqlClient
from tests.helpers.hostile import JSON, Behaviour, Forgetful, answer, seen_body, server
from tests.helpers.memory import MIB, peak_rss
from tests.helpers.sparql_servers import SparqlServer
from tests.store.test_remote_store import remote_demo


@pytest.fixture(autouse=True)
def _collected_here() -> Iterator[None]:
    """A caught error holds the frames it passed through, Oxigraph's parsed answers among
    them, in a cycle (``pytest.raises`` keeps it in the test's own frame): collect it in this
    thread, since Oxigraph refuses to have its objects dropped in another (a later test's
    worker thread, where the garbage collector may otherwise run)."""
    yield
    gc.collect()


TOKEN = "store-token-kept-secret-0123"
_NT = "application/n-triples"


def client(url: str, monkeypatch: pytest.MonkeyPatch, **settings: object) -> SparqlClient:
    monkeypatch.setenv("MUSEION_TEST_STORE_TOKEN", TOKEN)
    endpoint = RemoteEndpoint(
        query_endpoint=f"{url}/query",
        update_endpoint=f"{url}/update",
        graph_store_endpoint=f"{url}/store",
        token_env="MUSEION_TEST_STORE_TOKEN",
        **settings,  # type: ignore[arg-type]
    )
    return SparqlClient(endpoint)


WRITES: list[tuple[str, Callable[[SparqlClient], object]]] = [
    ("update", lambda c: c.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")),
    ("put", lambda c: c.put_graph("https://data.example.org/g", b"<urn:a> <urn:b> <urn:c> .\n")),
    ("query", lambda c: list(c.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))),
]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize(("what", "call"), WRITES, ids=[w for w, _ in WRITES])
def test_a_redirect_is_refused_not_followed(
    status: int, what: str, call: Callable[[SparqlClient], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 302 to another host made a write a GET there, answered 200: the write was lost and
    the run said it was done; a 307 sent the triples (or the query) to that host. A redirect
    now fails the request with one line naming where it led, and nothing goes there."""
    with (
        server(answer(200)) as (elsewhere, taken),
        server(answer(status, Location=f"{elsewhere}/x")) as (url, seen),
    ):
        remote = client(url, monkeypatch)
        with pytest.raises((StoreError, QueryError)) as caught:
            call(remote)
        remote.close()
    line = caught.value.one_line()
    assert f"answered {status}" in line
    assert f"a redirect to {elsewhere}/x" in line
    assert "\n" not in line
    assert len(seen.requests) == 1
    assert seen.requests[0][2] == f"Bearer {TOKEN}"
    assert taken.requests == []  # neither the write nor the credentials went elsewhere
    if what == "query":
        assert isinstance(caught.value, QueryError)
        assert caught.value.http_status == 502
    else:
        assert isinstance(caught.value, StoreError)


ENDLESS = 300 << 20
"""What the endless servers below send at most, if nobody hangs up: far more than a client
that reads only what it needs ever takes."""


def endless(status: int, sent: list[int]) -> Behaviour:
    """An answer whose body goes on until the client hangs up (or ``ENDLESS`` bytes)."""

    def behaviour(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        block = b"<p>still going</p>" * 4096
        sent.append(0)
        try:
            while sent[-1] < ENDLESS:
                handler.wfile.write(block)
                sent[-1] += len(block)
        except OSError:
            pass  # the client hung up, as it should

    return behaviour


@pytest.mark.parametrize("status", [200, 500])
@pytest.mark.parametrize(("what", "call"), WRITES[:2], ids=[w for w, _ in WRITES[:2]])
def test_an_endless_answer_to_a_write_is_not_read_whole(
    status: int, what: str, call: Callable[[SparqlClient], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update answered 200 or 500 with a body without end was read whole: 18 GB of memory
    in half a minute, then more. Only the start of an error's body is read (to quote it), and
    of a write's answer only what a normal one holds; the connection is then dropped."""
    sent: list[int] = []
    with server(endless(status, sent)) as (url, _):
        remote = client(url, monkeypatch)
        if status == 200:
            call(remote)  # the server took the write; its chatter is not read on
        else:
            with pytest.raises(StoreError) as caught:
                call(remote)
            line = caught.value.one_line()
            assert f"answered 500 to {'an update' if what == 'update' else 'writing'}" in line
            assert "still going still going" in line  # the HTML page by its text
            assert len(line) < 600
        remote.close()
    assert sent
    assert sent[0] < ENDLESS // 4  # the client hung up long before the end


def echoing(status: int) -> Behaviour:
    """An error page that quotes the request's credentials, as some servers' debug pages do."""

    def behaviour(handler: BaseHTTPRequestHandler) -> None:
        sent = handler.headers["Authorization"]
        quoted = f"<h1>Internal error</h1><pre>Authorization: {sent}</pre>".encode()
        answer(status, quoted, Content_Type="text/html")(handler)

    return behaviour


@pytest.mark.parametrize("credentials", ["token", "basic"])
def test_no_message_repeats_the_credentials(
    credentials: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A server whose error page quoted the request's headers had its credentials repeated in
    the error: in the harvest's line and its run's reason, and in the answer ``museion serve``
    sent to any client of the endpoint, with the store's own URL and error page. The
    credentials are now taken out of every message; an endpoint's client is told that the
    remote store failed and how (a 400 with the server's words on the query), the log the
    rest."""
    monkeypatch.setenv("MUSEION_TEST_STORE_USER", "museion")
    monkeypatch.setenv("MUSEION_TEST_STORE_PASSWORD", "basic-password-kept-secret")
    keys: dict[str, object] = (
        {}
        if credentials == "token"
        else {"user_env": "MUSEION_TEST_STORE_USER", "password_env": "MUSEION_TEST_STORE_PASSWORD"}
    )
    with server(echoing(500)) as (url, seen):
        remote = client(url, monkeypatch, **keys)
        if credentials == "basic":
            remote = SparqlClient(remote.endpoint.model_copy(update={"token_env": None}))
        with pytest.raises(StoreError) as written:
            remote.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
        with (
            caplog.at_level("WARNING", logger="museion.store"),
            pytest.raises(QueryError) as queried,
        ):
            remote.select("SELECT * WHERE { ?s ?p ?o }")
        remote.close()
    sent = seen.requests[0][2]
    assert sent is not None
    assert sent.startswith("Bearer " if credentials == "token" else "Basic ")
    secrets = [TOKEN, sent.split(" ", 1)[1], "basic-password-kept-secret"]
    line = written.value.one_line()
    assert f"the remote store at {url}/update answered 500 to an update" in line
    assert "[credentials]" in line  # the page was quoted, without them
    assert not any(s in line for s in secrets)
    answered = queried.value.one_line()
    assert answered == "the remote store answered 500 to a query"
    assert queried.value.http_status == 502
    logged = caplog.text
    assert f"{url}/query answered 500 to a query" in logged
    assert "[credentials]" in logged
    assert not any(s in logged for s in secrets)


def test_a_query_refused_as_bad_keeps_the_server_s_words(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = answer(400, b"Parse error: line 1, unexpected '}'", Content_Type="text/plain")
    with server(bad) as (url, _):
        remote = client(url, monkeypatch)
        with pytest.raises(QueryError) as caught:
            remote.select("SELECT * WHERE { ?s ?p ?o")
        remote.close()
    assert caught.value.http_status == 400
    assert caught.value.one_line() == (
        "the remote store answered 400 to a query: Parse error: line 1, unexpected '}'"
    )


def every(answer: object) -> list[object]:
    """Every row or triple of an answer, read to its end."""
    return list(cast(Iterable[object], answer))


def results(bindings: bytes) -> bytes:
    return b'{"head": {"vars": ["g"]}, "results": {"bindings": [' + bindings


ROW = b'{"g": {"type": "uri", "value": "https://data.example.org/g"}},'


def broken_off(handler: BaseHTTPRequestHandler) -> None:
    """Rows, then the connection closes a thousand bytes short of the length it announced."""
    body = results(ROW * 50)
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.send_header("Content-Length", str(len(body) + 1000))
    handler.end_headers()
    handler.wfile.write(body)


BROKE_OFF = "the remote store's answer broke off: "
UNREADABLE = "the remote store's answer cannot be read: "
HUGE_VALUE = b'{"g": {"type": "literal", "value": "' + b"x" * (17 << 20) + b'"}}]}}'
"""One value of 17 MiB: Oxigraph refuses a value over 16 MiB (a MemoryError of its own)."""
GARBAGE_TRIPLES = b"<urn:a> <urn:b> <urn:c> .\n" * 50 + b"garbage\n"
BROKEN: dict[str, tuple[Behaviour, str]] = {
    "broken-off": (broken_off, BROKE_OFF),
    "garbage-row": (answer(200, results(ROW * 50 + b"{]"), Content_Type=JSON), UNREADABLE),
    "huge-value": (answer(200, results(HUGE_VALUE), Content_Type=JSON), UNREADABLE),
    "garbage-triple": (answer(200, GARBAGE_TRIPLES, Content_Type=_NT), UNREADABLE),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_an_answer_that_breaks_off_midway_fails_in_one_line(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer is parsed as it is read, so a fault comes while the rows are taken, after
    the query returned: a connection that broke off came out of a harvest's publish, and of
    the endpoint's query process (a 500 'internal error' with a traceback in the log), as
    urllib3's ProtocolError; a row Oxigraph could not parse as a bare SyntaxError. Each is
    now one QueryError (502) naming the remote store."""
    behaviour, said = BROKEN[case]
    with server(behaviour) as (url, _):
        remote = client(url, monkeypatch)
        construct = case == "garbage-triple"
        with pytest.raises(QueryError) as caught:
            every(
                remote.query("CONSTRUCT WHERE { ?s ?p ?o }")
                if construct
                else remote.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            )
        remote.close()
        # The endpoint's query processes read through RemoteReader and serialise as they go
        # (a row that does not parse is the query's 500 there); a break is the store's 502.
        reader = RemoteReader(client(url, monkeypatch).endpoint)
        reader.version = "urn:museion:store:version:x"
        with pytest.raises((QueryError, SyntaxError, MemoryError)) as served:
            every(reader.query("SELECT ?g WHERE { ?s ?p ?g }"))
        reader.close()
    errors = [caught.value, served.value] if case == "broken-off" else [caught.value]
    for error in errors:
        assert isinstance(error, QueryError)
        assert error.http_status == 502
        assert error.one_line().startswith(said)
        assert len(error.one_line()) < 1000


@pytest.mark.parametrize("configured", [None, "token", "basic"])
def test_credentials_come_from_the_environment_only_not_from_netrc(
    configured: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """requests reads ~/.netrc for a request without credentials of its own: a store with
    none configured was sent the netrc's user and password for its host, and one with a
    token was sent them instead of the token. Only what the environment names is sent."""
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login netrc-user password netrc-password\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("MUSEION_TEST_STORE_USER", "museion")
    monkeypatch.setenv("MUSEION_TEST_STORE_PASSWORD", "basic-password-kept-secret")
    keys: dict[str, object] = {"token_env": None}
    if configured == "token":
        keys = {}
    elif configured == "basic":
        keys = {
            "token_env": None,
            "user_env": "MUSEION_TEST_STORE_USER",
            "password_env": "MUSEION_TEST_STORE_PASSWORD",
        }
    with server(answer(204)) as (url, seen):
        remote = client(url, monkeypatch)
        remote = SparqlClient(remote.endpoint.model_copy(update=keys))
        remote.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
        remote.close()
    expected = {
        None: None,
        "token": f"Bearer {TOKEN}",
        "basic": "Basic " + b64encode(b"museion:basic-password-kept-secret").decode(),
    }[configured]
    assert seen.requests[0][2] == expected


def trickling(where: str) -> Behaviour:
    """An answer sent a byte every 0.2 s, never silent long enough for a socket timeout:
    its headers (``where="headers"``) or, after them, its body (60 bytes: 12 s in all)."""

    def behaviour(handler: BaseHTTPRequestHandler) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        body = results(ROW) + b"]}}"
        if where == "headers":
            head += b"X-Padding: " + b"." * 60 + b"\r\n"
        else:
            body = b" " * 60 + body
        head += b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
        slow, fast = (head, body) if where == "headers" else (body, head)
        try:
            if where != "headers":
                handler.wfile.write(fast)
            for byte in slow:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(0.2)
            if where == "headers":
                handler.wfile.write(fast)
        except OSError:
            pass  # the client hung up, as it should
        handler.close_connection = True

    return behaviour


TRICKLED: dict[str, tuple[str, Callable[[SparqlClient], object]]] = {
    "update-headers": ("headers", lambda c: c.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")),
    "put-headers": ("headers", WRITES[1][1]),
    "select-headers": ("headers", WRITES[2][1]),
    "select-body": ("body", WRITES[2][1]),
}


@pytest.mark.parametrize("case", list(TRICKLED))
def test_a_trickled_answer_ends_at_the_store_s_timeout(
    case: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """``timeout`` is documented as the time one request to the server may take; it was a
    socket timeout, which bounds only silences: a server sending a byte every 0.2 s held an
    update, a PUT or a bookkeeping query (and the harvest, and the data directory's writer
    lock) for as long as it kept sending. The whole exchange now ends at ``timeout``, and
    the log says so alone (it said first that the server "cannot be reached")."""
    where, call = TRICKLED[case]
    with server(trickling(where)) as (url, _), caplog.at_level("WARNING", "museion.store"):
        remote = client(url, monkeypatch, timeout=2)
        with pytest.raises((StoreError, QueryError)) as caught:
            call(remote)
        remote.close()
    line = caught.value.one_line()
    assert "did not answer" in line
    assert "within 2 s" in line
    assert caught.value.http_status == 504
    logged = [r.getMessage() for r in caplog.records if r.name == "museion.store"]
    assert not any("cannot be reached" in m for m in logged), logged
    if isinstance(caught.value, QueryError):
        assert any("within 2 s" in m for m in logged), logged


def liar(*, ask: bool) -> Behaviour:
    """A server (or a proxy before one) that answers every update 204 and keeps nothing:
    each SELECT has no rows (but the count of what a version lacks of the record graphs it
    holds: nothing), each ASK answers ``ask``. Its graph store keeps what it is sent
    only to count it (as a write's check asks), so the writes pass and the publish is where
    the loss shows."""
    put: dict[str, int] = {}

    def behaviour(handler: BaseHTTPRequestHandler) -> None:
        if handler.command == "PUT":
            graph = parse_qs(handler.path.partition("?")[2])["graph"][0]
            put[graph] = len(set(seen_body(handler).splitlines()) - {b""})
            answer(204)(handler)
            return
        if handler.path.startswith("/update"):
            answer(204)(handler)
            return
        query = parse_qs(seen_body(handler).decode())["query"][0]
        body = b'{"head": {}, "boolean": %s}' % (b"true" if ask else b"false")
        if query.startswith("SELECT ?g (COUNT(*) AS ?n)"):
            counted = [
                {"g": {"type": "uri", "value": g}, "n": {"type": "literal", "value": str(n)}}
                for g, n in put.items()
                if f"<{g}>" in query
            ]
            bindings = {"head": {"vars": ["g", "n"]}, "results": {"bindings": counted}}
            body = json.dumps(bindings).encode()
        elif query.startswith("SELECT (COUNT(*) AS ?n)"):  # what a version lacks: nothing
            zero = {"n": {"type": "literal", "value": "0"}}
            body = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [zero]}}).encode()
        elif not query.startswith("ASK"):
            body = results(b"]}}")
        answer(200, body, Content_Type="application/sparql-results+json")(handler)

    return behaviour


@pytest.mark.parametrize(
    ("ask", "said"),
    [(False, "its new version"), (True, "accepted the move of its pointer")],
    ids=["keeps-nothing", "keeps-no-pointer"],
)
def test_a_server_that_accepts_writes_and_keeps_nothing_is_not_published(
    ask: bool, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that answered every write 204 and kept nothing had the harvest say
    'published: 3 records' (exit 0) while the endpoint served nothing. Publishing now looks:
    the version it built must hold something when the working store does, and the pointer
    must show the version it was moved to; otherwise one line, readers are not moved, and
    the working store no longer counts as mirrored there (the writes the server swallowed
    would otherwise never be sent again: the next run sends only its own changes)."""
    with server(liar(ask=ask)) as (url, _):
        remote = client(url, monkeypatch, graphs="https://data.example.org/")
        store = RemoteStore(tmp_path / "working", remote.endpoint)
        graph = NamedNode("https://data.example.org/record/1")
        quad = Quad(NamedNode("urn:a"), NamedNode("urn:b"), Literal("c"), graph)
        store.replace_graphs({graph: [quad]})
        assert store._in_sync()  # a fresh working store, mirrored since it was empty
        with pytest.raises(StoreError) as caught:
            store.publish_version("v1", keep=3)
        # what the server swallowed is sent again, whole, at the next publish
        assert not store._in_sync()
        store.close()
        remote.close()
    line = caught.value.one_line()
    assert said in line
    assert "\n" not in line


def test_a_query_refused_as_bad_is_not_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A 400 is the client's own fault, told whole to the client: any client could add a
    warning to the server's log with each bad query."""
    bad = answer(400, b"Parse error", Content_Type="text/plain")
    with server(bad) as (url, _):
        remote = client(url, monkeypatch)
        with (
            caplog.at_level("WARNING", logger="museion.store"),
            pytest.raises(QueryError),
        ):
            remote.select("SELECT * WHERE { ?s ?p ?o")
        remote.close()
    assert caplog.text == ""


@pytest.mark.parametrize("how", ["silent", "dropped"])
def test_a_write_the_server_kept_only_part_of_is_written_again_by_the_next_run(
    how: str, tmp_path: Path
) -> None:
    """A server (or a proxy before it) that answered each PUT of a batch 204 but kept only
    some had the run say 'published', its records indexed as written, and those graphs were
    never sent again: the next run sends only its changes. Each write is now checked against
    what the server holds; a batch it did not keep whole fails the run in one line, its
    records unindexed, and the next run writes them again. A connection dropped midway fails
    the run the same way, without blaming (quarantining) records for the server's fault."""
    forgetful = Forgetful(how, first=3)
    with server(forgetful) as (url, _):
        config = load_config(remote_demo(tmp_path, SparqlServer(url)))
        [failed] = run_harvest(config, ("tate",))
        assert failed.status == "failed"
        assert failed.reason is not None
        assert "\n" not in failed.reason
        assert failed.reason.count("the remote store at") == 1
        if how == "silent":
            assert f"the remote store at {url}/store accepted the write of" in failed.reason
            assert "did not keep part of the write" in failed.reason
        else:
            assert f"the remote store at {url}/store cannot be reached" in failed.reason
        assert Workspace(config.data_dir).published_path() is None  # nothing published
        forgetful.mended = True
        [summary] = run_harvest(config, ("tate",))
        assert summary.status == "published", summary.reason
        assert not summary.rejections  # no record blamed for the server's fault
    # Every record graph the published data holds is on the server, whole.
    local = Workspace(config.data_dir).open_published()
    try:
        records = {
            g.value: sum(1 for _ in local.graph_quads(g))
            for g in local.named_graphs()
            if "/record/" in g.value
        }
    finally:
        local.close()
    on_server = {
        g.value: sum(1 for _ in forgetful.kept.quads_for_pattern(None, None, None, g))
        for g in forgetful.kept.named_graphs()
        if "/record/" in g.value
    }
    assert records
    assert on_server == records


BIG_ROWS = 600_000
"""Rows of the large answer below: 60 MB of JSON, some 170 MB more memory as a list of dicts."""


def many_rows(handler: BaseHTTPRequestHandler) -> None:
    """A SELECT answer of ``BIG_ROWS`` rows, sent as it is made (chunked: no length known)."""
    row = b'{"g": {"type": "uri", "value": "https://data.example.org/tate/record/%d"}},'
    handler.send_response(200)
    handler.send_header("Content-Type", JSON)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()

    def send(data: bytes) -> None:
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    try:
        send(b'{"head": {"vars": ["g"]}, "results": {"bindings": [')
        for start in range(0, BIG_ROWS, 10_000):
            send(b"".join(row % n for n in range(start, start + 10_000)))
        send(b'{"g": {"type": "uri", "value": "urn:last"}}]}}')
        handler.wfile.write(b"0\r\n\r\n")
    except OSError:
        pass  # the client hung up


CLIENT = """
import sys
from store import RemoteEndpoint, RemoteReader
from store.protocol import SparqlClient

url, how = sys.argv[1], sys.argv[2]
endpoint = RemoteEndpoint(query_endpoint=url + "/query", update_endpoint=url + "/update")
reader = RemoteReader(endpoint)
reader.version = "urn:museion:store:version:x"
client = SparqlClient(endpoint)
result = 0
"""
READ_ALL = (
    CLIENT
    + """
if how == "client":
    rows = client.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
else:
    rows = reader.select("SELECT ?g WHERE { ?s ?p ?g }")
count, last = 0, None
for row in rows:
    count, last = count + 1, row["g"]
result = [count, last]
"""
)


@pytest.mark.parametrize("how", ["client", "reader"])
def test_a_large_select_is_read_row_by_row_not_held_whole(how: str) -> None:
    """``select`` read every row of an answer into a list before returning the first: the
    endpoint's query processes (the reconciliation index reads every name) and Museion's
    bookkeeping (a first publish lists every graph on the server) held a large answer whole,
    some 300 bytes a row. The rows are now parsed as they are taken: the answer's size no
    longer shows in the reader's memory."""
    with server(many_rows) as (url, _):
        result, peak = peak_rss(READ_ALL, url, how)
    _, floor = peak_rss(CLIENT, url, how)  # the same imports and clients, no query
    assert result == [BIG_ROWS + 1, "urn:last"]
    # Read whole, the rows took some 170 MB more than the floor; read as they come, about 1 MB.
    assert peak - floor < 60 * MIB, f"{(peak - floor) / MIB:.0f} MiB over the floor"
