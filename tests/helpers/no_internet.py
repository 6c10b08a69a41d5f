"""A pytest plugin: no test reaches beyond this machine.

Every server a test needs runs on 127.0.0.1; a test that opens a socket to anywhere else — or
asks DNS for a name other than ``localhost`` — depends on the internet, is slow or flaky
offline, and may leak requests to real hosts. From the start of the session, the process's
sockets refuse such connections (``OSError``), and the test during which one was attempted
fails, even if the code under test caught the error (a harvester turns a refused connection
into a ``HarvestError`` a test may well expect).

Subprocesses (``museion serve``, the CLI) are not covered: the tests bind them to 127.0.0.1.
The browser tests block remote URLs with a Playwright route of their own.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

__all__ = ["InternetBlockedError", "attempts", "is_local"]

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})

_attempts: list[str] = []
_lock = threading.Lock()
_originals: dict[str, Any] = {}


class InternetBlockedError(ConnectionRefusedError):
    """A test tried to reach a host that is not this machine."""


def is_local(host: object) -> bool:
    """Whether ``host`` (an address or a name) is this machine."""
    if host is None or host == "":
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    text = str(host).strip("[]").split("%", 1)[0].lower()
    if text in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False  # a name other than localhost: resolving it already goes out
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def attempts() -> list[str]:
    """What was refused since the current test began."""
    with _lock:
        return list(_attempts)


def _refuse(what: str) -> InternetBlockedError:
    with _lock:
        _attempts.append(what)
    return InternetBlockedError(f"tests may not reach beyond this machine: {what}")


def _checked_address(sock: socket.socket, address: Any) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # Unix sockets and the like stay on this machine
    host = address[0] if isinstance(address, tuple) and address else address
    if not is_local(host):
        raise _refuse(f"a connection to {address!r}")


def _connect(sock: socket.socket, address: Any) -> None:
    _checked_address(sock, address)
    _originals["connect"](sock, address)


def _connect_ex(sock: socket.socket, address: Any) -> int:
    _checked_address(sock, address)
    result: int = _originals["connect_ex"](sock, address)
    return result


def _sendto(sock: socket.socket, data: Any, *rest: Any) -> int:
    _checked_address(sock, rest[-1])
    result: int = _originals["sendto"](sock, data, *rest)
    return result


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not is_local(host):
        try:
            ipaddress.ip_address(str(host).strip("[]"))
        except ValueError:
            raise _refuse(f"a DNS lookup of {host!r}") from None
        # an address literal resolves without asking anyone; connect() decides
    return _originals["getaddrinfo"](host, *args, **kwargs)


def install() -> None:
    if _originals:
        return
    _originals.update(
        connect=socket.socket.connect,
        connect_ex=socket.socket.connect_ex,
        sendto=socket.socket.sendto,
        getaddrinfo=socket.getaddrinfo,
    )
    socket.socket.connect = _connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign,assignment]
    socket.socket.sendto = _sendto  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = _getaddrinfo


def uninstall() -> None:
    if not _originals:
        return
    socket.socket.connect = _originals["connect"]  # type: ignore[method-assign]
    socket.socket.connect_ex = _originals["connect_ex"]  # type: ignore[method-assign]
    socket.socket.sendto = _originals["sendto"]  # type: ignore[method-assign]
    socket.getaddrinfo = _originals["getaddrinfo"]
    _originals.clear()


def pytest_configure(config: pytest.Config) -> None:
    install()


def pytest_unconfigure(config: pytest.Config) -> None:
    uninstall()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    with _lock:
        _attempts.clear()
    return (yield)


@pytest.fixture(autouse=True)
def _no_internet() -> Iterator[None]:
    """Fails the test (at its teardown) if anything in it tried to leave this machine."""
    yield
    tried = attempts()
    if tried:
        pytest.fail(
            f"the test tried to reach beyond this machine ({len(tried)} time(s)): "
            + "; ".join(tried[:5]),
            pytrace=False,
        )
