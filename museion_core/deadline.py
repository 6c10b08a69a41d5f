"""A total time limit on one HTTP exchange, however slowly its bytes arrive.

A socket timeout bounds only the silence between two reads: a server that sends one byte a
second never trips it, and a harvest that depends on such a server would hold the writer lock
forever. ``Deadline`` bounds the whole exchange — connecting, the headers, every retry urllib3
makes, the body — by shutting down the connection's socket when the time is up, which wakes a
blocked read at once. (Reading in small pieces and checking a clock between them is not
enough: the headers are read by ``http.client`` in one blocking call, and a single
``read(65536)`` waits for all its bytes.)

The sessions of ``harvesters.http.make_session`` and of the remote store's client
(``store.protocol``) report every connection they hand to a request to the deadline active in
the calling thread; without one, nothing changes.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager, ProxyManager

from . import messages

__all__ = [
    "Deadline",
    "DeadlineExceededError",
    "RefusedPeerError",
    "WatchedAdapter",
    "ended_by",
    "passed",
    "watch_socket",
]

_POLL = 0.05
"""After the deadline, how often a connection still being opened is looked at again."""

_active = threading.local()


class DeadlineExceededError(Exception):
    """Raised in the requesting thread when it asks for a connection after its deadline.

    Deliberately not an ``OSError``: urllib3 retries those, and a passed deadline must not be
    retried."""


class Deadline:
    """``with Deadline(seconds):`` — every connection used in the block is cut at the deadline.

    After the block, ``expired`` says whether it was; the request that was cut fails with
    whatever error a dropped connection gives, so callers check ``expired`` to say why.
    Every open deadline is watched by one thread (``_Watcher``), not a thread of its own:
    starting and joining one cost 150 µs a request, as much as a small write to a remote
    store on this machine.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self.closed = False
        self._connections: list[Any] = []
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._started = self._ends = 0.0

    def __enter__(self) -> Deadline:
        self._previous = getattr(_active, "deadline", None)
        _active.deadline = self
        self._started = time.monotonic()
        self._ends = self._started + self.seconds
        _watcher().watch(self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.leave_thread()
        with self._lock:  # once closed, the watcher cuts nothing more of this block's
            self.closed = True
        _watcher().forget()

    def leave_thread(self) -> None:
        """Connections the calling thread opens from now on are not this block's; those it
        opened are still cut at the deadline. For an answer whose body is read after the
        request returns, while the block is open, by code that makes requests of its own (a
        file streamed record by record to the pipeline)."""
        if getattr(_active, "deadline", None) is self:
            _active.deadline = self._previous

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def attach(self, connection: Any) -> None:
        """A connection is about to carry a request of this block."""
        with self._lock:
            if self.expired:
                raise DeadlineExceededError(f"over the deadline of {self.seconds:g} s")
            self._connections.append(connection)
            if connection.sock is not None:
                self._sockets.append(connection.sock)

    def attach_socket(self, sock: socket.socket) -> None:
        """A socket was opened for this block. Kept apart from its connection: once an answer
        that closes the connection has begun, the connection forgets its socket, but the
        answer's body is still read from it."""
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _cut(sock)

    def _cut_all(self) -> bool:
        """Expire, and cut every connection of the block; False once the block has ended.
        Called again every ``_POLL`` s until then: a connection may still be opening."""
        with self._lock:
            if self.closed:
                return False
            self.expired = True
            for connection in self._connections:
                _cut(connection.sock)
            for sock in self._sockets:
                _cut(sock)
            return True


class _Watcher:
    """One daemon thread for every open ``Deadline``: it sleeps until the earliest deadline,
    cuts that block's connections, and cuts them again every ``_POLL`` s until it ends."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._due: list[tuple[float, int, Deadline]] = []  # a heap, by when each ends
        self._forgotten = 0  # entries of blocks that have ended, left in ``_due``
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: Deadline) -> None:
        with self._wake:
            heapq.heappush(self._due, (deadline._ends, next(self._order), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="museion-deadlines", daemon=True
                )
                self._thread.start()
            elif self._due[0][2] is deadline:
                self._wake.notify()  # ends before every other: the thread sleeps too long

    def forget(self) -> None:
        """A block ended: its entry is dropped lazily, all at once when half are such."""
        with self._wake:
            self._forgotten += 1
            if self._forgotten > 64 and 2 * self._forgotten > len(self._due):
                self._due = [entry for entry in self._due if not entry[2].closed]
                heapq.heapify(self._due)
                self._forgotten = 0

    def _run(self) -> None:
        cutting: list[Deadline] = []  # expired, still open
        with self._wake:
            while True:
                now = time.monotonic()
                while self._due and (self._due[0][2].closed or self._due[0][0] <= now):
                    _, _, deadline = heapq.heappop(self._due)
                    if deadline.closed:
                        self._forgotten = max(0, self._forgotten - 1)
                    else:
                        cutting.append(deadline)
                cutting = [deadline for deadline in cutting if deadline._cut_all()]
                wait = _IDLE
                if self._due:
                    wait = min(wait, self._due[0][0] - now)
                if cutting:
                    wait = min(wait, _POLL)
                self._wake.wait(max(wait, 0.0))


_IDLE = 3600.0
"""The longest the watcher sleeps when no deadline is nearer (a wait must be finite)."""

_WATCHER = [_Watcher()]
"""The process's watcher (in a list: a child process replaces it, ``_after_fork``)."""


def _watcher() -> _Watcher:
    return _WATCHER[0]


def _after_fork() -> None:
    # A child has no watcher thread, and the parent's lock may have been held at the fork.
    _WATCHER[0] = _Watcher()


os.register_at_fork(after_in_child=_after_fork)


@contextlib.contextmanager
def ended_by(seconds: float, over: Callable[[], Exception]) -> Iterator[Deadline]:
    """``with ended_by(seconds, over) as deadline:`` — the block's requests end by a
    ``Deadline``, and once it has passed the block fails with ``over()``, whatever it raised
    or returned: a connection cut at the deadline fails as any dropped connection does, or
    looks like an answer that simply ended, so nothing read after it is trusted. Before the
    deadline, what the block raises passes unchanged. ``over()`` is made once the calling
    thread has left the block, so that ``passed()`` in it speaks of the deadlines around the
    block, not of this one: the deadline's own failure is the one told of it."""
    with Deadline(seconds) as deadline:
        try:
            yield deadline
        except Exception as exc:
            if deadline.expired:
                deadline.leave_thread()
                raise over() from exc
            raise
    if deadline.expired:
        raise over()


def passed() -> bool:
    """Whether the deadline of the calling thread's block (if any) has passed: a request that
    fails now was cut by it, and ``ended_by`` says so in its own words, so the failure is not
    to be told (or logged) as another cause first."""
    deadline = _current()
    return deadline is not None and deadline.expired


def _cut(sock: socket.socket | None) -> None:
    if sock is None:
        return
    # socket.socket's own shutdown, also for an SSL socket: SSLSocket.shutdown would drop its
    # SSL state under the thread that is reading from it. OSError: already closed.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class RefusedPeerError(Exception):
    """A connection reached an address the session's ``WatchedAdapter.refused_peer`` refuses
    (its name said one address, the connection found another: DNS rebinding)."""


_refused_peer: contextvars.ContextVar[Callable[[str], bool] | None] = contextvars.ContextVar(
    "refused_peer", default=None
)


def _checked(connection: HTTPConnection, sock: socket.socket) -> socket.socket:
    """``sock``, once its far end is an address the sending adapter may reach. Through a proxy
    the far end is the proxy, which the operator chose: not checked."""
    refused = _refused_peer.get()
    if refused is None or connection.proxy is not None:
        return sock
    try:
        address = str(sock.getpeername()[0])
    except OSError:
        return sock  # not connected after all: the request fails by itself
    if refused(address):
        sock.close()
        raise RefusedPeerError(address)
    return sock


def _current() -> Deadline | None:
    deadline: Deadline | None = getattr(_active, "deadline", None)
    return deadline


def _report(connection: Any) -> Any:
    deadline = _current()
    if deadline is not None:
        deadline.attach(connection)
    return connection


def watch_socket(sock: socket.socket) -> socket.socket:
    """``sock``, reported to the deadline active in the calling thread (if any), which cuts it
    when its time is up: for connections that are not a ``WatchedAdapter``'s (urllib's)."""
    return _opened(sock)


def _opened(sock: socket.socket) -> socket.socket:
    deadline = _current()
    if deadline is not None:
        deadline.attach_socket(sock)
    return sock


class _WatchedHTTPConnection(HTTPConnection):
    """A connection whose sockets the calling thread's ``Deadline`` can cut, once its far end
    has passed ``_checked``."""

    def _new_conn(self) -> socket.socket:
        return _opened(_checked(self, super()._new_conn()))

    def connect(self) -> None:
        super().connect()
        _opened(self.sock)


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    """The same watching over TLS: its ``super()`` calls reach ``HTTPSConnection`` first, and
    the class attributes it sets (``default_port``…) are HTTPSConnection's.

    The TLS socket takes the TCP socket's file descriptor away (``detach``) before its
    handshake, which leaves the reported TCP socket nothing to cut: a server that never
    finished the handshake, or sent it a byte at a time, held the request past its deadline.
    A duplicate of the descriptor is reported instead and closed once connect() returns,
    when the TLS socket is reported: shutting either down ends the one TCP connection."""

    _handshake: socket.socket | None = None

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        try:
            self._handshake = _opened(sock.dup())
        except OSError:  # no descriptor left (EMFILE): the connection fails, its socket closed
            sock.close()
            raise
        return sock

    def connect(self) -> None:
        try:
            super().connect()
        finally:
            if self._handshake is not None:
                self._handshake.close()
                self._handshake = None


class _WatchedHTTPPool(HTTPConnectionPool):
    """A pool that reports each connection it hands to a request to the calling thread's
    ``Deadline``."""

    ConnectionCls = _WatchedHTTPConnection

    def _get_conn(self, timeout: float | None = None) -> Any:
        return _report(super()._get_conn(timeout))


class _WatchedHTTPSPool(_WatchedHTTPPool, HTTPSConnectionPool):
    """The same over TLS; ``scheme`` and the rest are HTTPSConnectionPool's, ``ConnectionCls``
    set again here since ``_WatchedHTTPPool``'s comes before HTTPSConnectionPool's."""

    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """requests' adapter, with pools whose connections a ``Deadline`` can cut, a ``fence``
    that may refuse a request (each redirect is one) before it is sent, and ``refused_peer``,
    which says of each address a new connection reached whether it must be closed unused
    (``fence`` looked the host name up; the connection looks it up again, and a name whose
    answer changed in between must not take the request elsewhere)."""

    fence: Callable[[str], None] | None = None
    refused_peer: Callable[[str], bool] | None = None

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if self.fence is not None and request.url:
            self.fence(str(request.url))
        token = _refused_peer.set(self.refused_peer)
        try:
            return super().send(request, *args, **kwargs)
        except RefusedPeerError as exc:
            url = messages.INTERNAL_ADDRESS(url=f"{request.url} (reached at {exc})")
            raise requests.exceptions.InvalidURL(url) from None
        finally:
            _refused_peer.reset(token)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, ProxyManager):
            manager.pool_classes_by_scheme = _POOLS
        return manager
