"""Repositories that never end: a harvest stops by its deadlines, or at the first resumption
token it has already followed, fails its source with one line, and lets the others harvest.

Before these limits, a server trickling a byte a second (the idle timeout never fires) or
answering every page with the same token (884 requests in 40 s) held the writer lock forever.
The servers are real: pyoai's repository on 127.0.0.1 with the fault injected in front of it,
and for the headers a bare socket server. Deadlines are small so the tests stay short, but
every other limit is generous so that a busy machine does not change the outcome.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner

import harvesters
from harvesters.oaipmh import OaiClient
from museion import Pipeline, Workspace, load_config
from museion.cli import main
from museion.pipeline import SourcesFailedError
from publish import RunStatus
from tests.conftest import ConfigWriter
from tests.harvesters.test_oaipmh import harvest_items, oai_source, objects, served
from tests.helpers.oai import Answer, OaiServer, serve_oai

OAI_TYPE = [("Content-Type", "text/xml; charset=utf-8")]
BACKSTOP = 120.0
"""Seconds after which a harvest that should have stopped counts as one that never ends
(only reached when the limit under test is broken)."""

T = TypeVar("T")


@pytest.fixture
def server() -> Iterator[OaiServer]:
    with serve_oai(page_size=3, repository=served()) as running:
        yield running


def ends(work: Callable[[], T]) -> T:
    """Run ``work``; fail the test, instead of hanging it, if it never ends."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the test's thread
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(BACKSTOP)
    if thread.is_alive():
        pytest.fail(f"still running after {BACKSTOP:g} s: the harvest never ended")
    if failure:
        raise failure[0]
    return outcome[0]


class LoopingList:
    """Answers every ListRecords page with the first page, its token replaced by ``token(n)``
    for the n-th page: a list that never reaches its end."""

    def __init__(self, token: Callable[[int], str]) -> None:
        self.token = token
        self.first = b""
        self.pages = 0

    def __call__(self, params: dict[str, str], body: bytes) -> Answer | None:
        if params.get("verb") != "ListRecords":
            return None
        if "resumptionToken" not in params:
            self.first = body
        self.pages += 1
        tag = f"<resumptionToken>{self.token(self.pages)}</resumptionToken>".encode()
        page = re.sub(rb"<resumptionToken[^>]*>[^<]*</resumptionToken>", tag, self.first)
        return "200 OK", OAI_TYPE, page


def trickle(body: bytes, pause: float = 0.2) -> Iterator[bytes]:
    """The body one byte at a time: never silent for long, never done."""
    for index in range(len(body)):
        time.sleep(pause)
        yield body[index : index + 1]


def trickled_second_page(params: dict[str, str], body: bytes) -> Answer | None:
    if params.get("verb") == "ListRecords" and params.get("resumptionToken", "").endswith("3"):
        return "200 OK", [*OAI_TYPE, ("Content-Length", str(len(body)))], trickle(body)
    return None


def test_the_same_token_on_every_page_is_stopped_at_once(server: OaiServer) -> None:
    server.fault = LoopingList(lambda page: "same-token")
    with pytest.raises(harvesters.HarvestError) as failed:
        ends(lambda: harvest_items(server, harvest_deadline=BACKSTOP / 2))
    message = str(failed.value)
    assert message.startswith("source 'ddb': the repository sent resumption token 'same-token'")
    assert "would never end" in message
    assert server.url in message
    assert server.verbs().count("ListRecords") == 2  # not 884


def test_a_cycle_of_tokens_is_stopped_when_it_comes_round(server: OaiServer) -> None:
    server.fault = LoopingList(lambda page: f"t{page % 3}")  # t1, t2, t0, t1, ...
    with pytest.raises(harvesters.HarvestError, match="resumption token 't1' again after 3 page"):
        ends(lambda: harvest_items(server, harvest_deadline=BACKSTOP / 2))
    assert server.verbs().count("ListRecords") == 4


def test_a_list_with_ever_new_tokens_ends_at_the_harvest_deadline(server: OaiServer) -> None:
    server.fault = LoopingList(lambda page: f"t{page}")
    with pytest.raises(harvesters.HarvestError) as failed:
        ends(lambda: harvest_items(server, harvest_deadline=2))
    message = str(failed.value)
    assert re.search(
        r"ran over its deadline of 2 s \(harvest_deadline\) after \d+ request", message
    )
    assert server.url in message


@pytest.mark.parametrize(
    ("options", "named"),
    [
        # Generous enough for the pages before the trickled one on a busy machine.
        ({"request_deadline": 5}, "more than 5 s in all (request_deadline)"),
        ({"harvest_deadline": 10}, "deadline of 10 s (harvest_deadline)"),
    ],
    ids=["request", "harvest"],
)
def test_a_page_trickled_a_byte_at_a_time_is_cut_at_the_deadline(
    server: OaiServer, options: dict[str, float], named: str
) -> None:
    server.fault = trickled_second_page
    with pytest.raises(harvesters.HarvestError) as failed:
        # The idle timeout is generous and never fires: a byte comes every 0.2 s.
        ends(lambda: harvest_items(server, timeout=10, **options))
    message = str(failed.value)
    assert named in message
    assert "resumptionToken=" in message  # the URL of the page that was cut


@pytest.fixture
def trickled_headers() -> Iterator[str]:
    """A bare HTTP server whose answer's headers never end: a byte every 0.2 s."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def answer(connection: socket.socket) -> None:
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while not stop.wait(0.2):
                    connection.sendall(b"a")
            except OSError:
                return  # the client cut the connection

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=answer, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/oai"
    finally:
        stop.set()
        thread.join()
        listener.close()


def test_headers_trickled_a_byte_at_a_time_are_cut_at_the_deadline(trickled_headers: str) -> None:
    client = OaiClient(
        trickled_headers, source="ddb", timeout=10, request_deadline=2, max_retries=2
    )
    with pytest.raises(harvesters.HarvestError, match=r"more than 2 s in all \(request_deadline\)"):
        ends(client.identify)
    client.close()


def test_a_source_that_never_ends_fails_alone_and_releases_the_writer_lock(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    with (
        serve_oai(page_size=3, repository=served()) as looping,
        serve_oai(page_size=3, repository=served()) as good,
    ):
        looping.fault = LoopingList(lambda page: "same-token")
        path = write_config(
            oai_source(looping.url, harvest_deadline=BACKSTOP / 2),
            oai_source(good.url, name="good"),
        )
        config = load_config(path)
        with pytest.raises(SourcesFailedError) as failed:
            ends(Pipeline(config).harvest)
        [failure] = failed.value.failures
        assert failure.source == "ddb"
        assert "sent resumption token 'same-token' again" in str(failed.value)
        [summary] = failed.value.summaries
        assert (summary.source, summary.status) == ("good", RunStatus.PUBLISHED)
        workspace = Workspace(config.data_dir)
        assert len(objects(workspace.open_published(), "good")) == len(good.repository.records)
        with workspace.lock():  # released: the next harvest may write
            pass

        # The command line says the same in one line, and still reports the good source.
        result = CliRunner().invoke(main, ["--config", str(path), "harvest"])
        assert result.exit_code == 1, result.output
        errors = [line for line in result.output.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, result.output
        assert errors[0].startswith("error: source 'ddb': the repository sent resumption token")
        assert "good" in result.output


def test_a_token_too_long_to_send_back_is_refused_in_one_short_line(server: OaiServer) -> None:
    """A repository that sent a resumption token of 8 MB made the harvest's "one clear line"
    8 MB long, in the terminal and in the partner's report (the URL that carried it back was
    in the message); such a token is refused when it comes, named by its first characters."""
    server.fault = LoopingList(lambda page: "T" * 2_000_000)
    with pytest.raises(harvesters.HarvestError) as failed:
        ends(lambda: harvest_items(server, harvest_deadline=BACKSTOP / 2))
    message = str(failed.value)
    assert "resumption token of 2000000 characters" in message
    assert len(message) < 1000
    assert server.verbs().count("ListRecords") == 1
