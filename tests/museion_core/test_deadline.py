"""``museion_core.deadline.Deadline``: one watcher thread for every open deadline, which still
cuts each block's sockets at its own time, however the deadlines overlap, and nothing of a
block that has ended."""

from __future__ import annotations

import errno
import os
import socket
import threading
from contextlib import ExitStack

import pytest
import requests
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool

from museion_core.deadline import Deadline, WatchedAdapter


def _watchers() -> int:
    return sum(1 for t in threading.enumerate() if t.name.startswith("museion-deadline"))


def test_open_deadlines_share_one_watcher_thread() -> None:
    """A thread of its own per deadline cost 150 µs a request (a remote store's write of one
    graph is a request); now every open deadline is watched by the same thread."""
    with ExitStack() as blocks:
        for _ in range(40):
            blocks.enter_context(Deadline(60))
        assert _watchers() == 1


def test_a_short_deadline_opened_after_a_long_one_is_cut_at_its_own_time() -> None:
    """The watcher sleeps until the earliest deadline: one that ends sooner than every other
    wakes it. The socket's own timeout (20 s) only says the cut never came."""
    near, far = socket.socketpair()
    near.settimeout(20)
    with near, far, Deadline(600) as long:
        threading.Event().wait(0.2)  # the watcher now sleeps until the long deadline
        with Deadline(0.2) as short:
            short.attach_socket(near)
            got = near.recv(1)  # blocks until the watcher shuts the socket down
            assert got == b""
            assert short.expired
    assert not long.expired


def test_nothing_of_a_block_that_ended_is_cut() -> None:
    """Its socket is left alone after the block, even once its deadline has passed."""
    near, far = socket.socketpair()
    with near, far:
        with Deadline(0.05) as block:
            block.attach_socket(near)
        threading.Event().wait(0.3)  # well past the deadline
        assert not block.expired
        far.sendall(b"x")
        near.settimeout(20)
        assert near.recv(1) == b"x"


def test_deadlines_in_many_threads_each_end_at_their_time() -> None:
    """Twenty threads, each with a socket under a deadline between 0.1 and 0.5 s: each is
    cut, whatever the order the deadlines were opened in."""
    results: list[bool] = []

    def one(seconds: float) -> None:
        near, far = socket.socketpair()
        near.settimeout(20)
        with near, far, Deadline(seconds) as block:
            block.attach_socket(near)
            try:
                results.append(near.recv(1) == b"" and block.expired)
            except TimeoutError:
                results.append(False)

    threads = [threading.Thread(target=one, args=(0.5 - i * 0.02,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 20


BACKSTOP = 30.0
"""The request's own timeout: reached only when the deadline did not cut the connection."""


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_watched_adapters_connection_is_cut_at_the_deadline(scheme: str) -> None:
    """The server takes the connection (the kernel's backlog does) and never says a word: the
    HTTP request waits for its headers, the HTTPS one for the server's half of the TLS
    handshake. Both pools' connections are the deadline's to cut, so the request fails as a
    dropped connection, not by its own timeout. (Over TLS it was not: the handshake runs on a
    socket that took the reported one's file descriptor, and waited out the 30 s.)"""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"{scheme}://127.0.0.1:{silent.getsockname()[1]}/"
        adapter = WatchedAdapter()
        session = requests.Session()
        session.mount(f"{scheme}://", adapter)
        with (
            session,
            Deadline(0.2) as block,
            pytest.raises(requests.ConnectionError) as failed,
        ):
            session.get(url, timeout=BACKSTOP)
        pool = adapter.get_connection_with_tls_context(
            requests.Request("GET", url).prepare(), verify=True
        )
        assert isinstance(pool, HTTPConnectionPool)
        assert issubclass(pool.ConnectionCls, HTTPSConnection) == (scheme == "https")
        assert block.expired
        assert not isinstance(failed.value, requests.Timeout), failed.value


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_an_https_connection_that_cannot_duplicate_its_socket_closes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The TLS handshake is cut through a duplicate of the TCP socket's descriptor; when none
    is left to duplicate it with (EMFILE, many requests at once), the connection fails, and
    the socket it had opened was left open for as long as the failure was kept (its
    traceback holds it)."""

    def no_descriptor_left(sock: socket.socket) -> socket.socket:
        raise OSError(errno.EMFILE, os.strerror(errno.EMFILE))

    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"https://127.0.0.1:{silent.getsockname()[1]}/"
        session = requests.Session()
        session.mount("https://", WatchedAdapter())
        with session:
            before = _open_descriptors()
            monkeypatch.setattr(socket.socket, "dup", no_descriptor_left)
            with pytest.raises(requests.ConnectionError) as failed:
                session.get(url, timeout=BACKSTOP)
            monkeypatch.undo()
            assert "Too many open files" in str(failed.value)
            assert _open_descriptors() == before
