"""``harvesters.http.answer_within``: the one rule the files, JSON API, RDF dump, SPARQL and
OAI-PMH harvesters apply to a request's deadline. The harvesters' own tests reach it through
slow servers; these pin the rule itself, without a server: once the deadline has passed, the
caller's error is what comes out, whatever the block did; before it, the block's own."""

from __future__ import annotations

import time

import pytest

from harvesters.http import answer_within
from museion_core.deadline import Deadline

URL = "http://partner.example/dump.nt"


class RefusedError(Exception):
    """The caller's error, built from the message text."""


def _wait_out(deadline: Deadline) -> None:
    while not deadline.expired:  # the watcher marks it within milliseconds of 0.01 s
        time.sleep(0.005)


def test_an_answer_in_time_passes_as_it_is() -> None:
    with answer_within(60, URL, RefusedError) as deadline:
        body = b"<a> <b> <c> ."
    assert body == b"<a> <b> <c> ."
    assert not deadline.expired


def test_an_error_in_time_passes_as_it_is() -> None:
    with (
        pytest.raises(ConnectionResetError, match="reset by peer"),
        answer_within(60, URL, RefusedError),
    ):
        raise ConnectionResetError("reset by peer")


def test_an_answer_that_seemed_whole_after_the_deadline_is_refused() -> None:
    """A connection cut at the deadline may look like an answer that simply ended."""
    with pytest.raises(RefusedError) as refused, answer_within(0.01, URL, RefusedError) as deadline:
        _wait_out(deadline)
    assert str(refused.value) == (
        f"{URL}: the answer took more than 0.01 s in all (request_deadline), however slowly "
        "its bytes came; stopped"
    )


def _fails_late() -> None:
    with answer_within(0.01, URL, RefusedError) as deadline:
        _wait_out(deadline)
        raise ConnectionResetError("reset by peer")


def test_whatever_failed_after_the_deadline_is_said_as_the_deadline() -> None:
    """A cut connection fails as any dropped connection does; the reason is the deadline."""
    with pytest.raises(RefusedError) as refused:
        _fails_late()
    assert "took more than 0.01 s in all" in str(refused.value)
    assert isinstance(refused.value.__cause__, ConnectionResetError)
