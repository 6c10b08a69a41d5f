"""HTTP access for harvesters: one session with retries, backoff and Retry-After handling.

Retries are urllib3's ``Retry`` (well tested, honours ``Retry-After``), not a loop of our own.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from urllib.parse import urlsplit

import requests
from urllib3 import exceptions as urllib3_errors
from urllib3.util.retry import Retry

from museion_core import messages
from museion_core.deadline import Deadline, WatchedAdapter, ended_by

from .base import MAX_RETRIES

__all__ = [
    "BACKOFF",
    "MAX_RETRY_AFTER",
    "USER_AGENT",
    "answer_within",
    "declared_length",
    "fence_internal",
    "is_internal_address",
    "is_internal_host",
    "make_session",
    "read_limited",
    "read_within",
    "shown_reason",
    "transport_fault",
]

USER_AGENT = "Museion/0.1 (+https://github.com/museion/museion) linked-data aggregator"

RETRY_STATUSES = (429, 500, 502, 503, 504)

MAX_RETRY_AFTER = 300.0
"""Longest wait, in seconds, a server's ``Retry-After`` can impose before a retry."""

BACKOFF = 0.5
"""Seconds before the first retry, doubled before each next one (no harvester's option: every
kind that reads over HTTP waits the same)."""


class _CappedRetry(Retry):
    """urllib3's Retry honours any ``Retry-After``; a server answering "86400" would stall a
    harvest for a day. Wait as asked, but at most MAX_RETRY_AFTER seconds."""

    def get_retry_after(self, response: object) -> float | None:
        try:
            wait = super().get_retry_after(response)  # type: ignore[arg-type]
        except urllib3_errors.InvalidHeader:
            # "Retry-After: soon" failed the harvest at once ("Invalid Retry-After header"),
            # where a 503 without one is retried: the backoff applies instead.
            return None
        return None if wait is None else min(wait, MAX_RETRY_AFTER)


def make_session(
    max_retries: int = MAX_RETRIES, backoff: float = BACKOFF, *, home: str | None = None
) -> requests.Session:
    """A session that retries connection errors, timeouts and 429/5xx answers with backoff.

    A 503 with ``Retry-After`` waits as long as the server asks, up to MAX_RETRY_AFTER.
    Requests made inside ``with museion_core.deadline.Deadline(seconds):`` end by the deadline.
    ``home``: the source's configured address. When it is on the public internet, the session
    refuses every address on this server's own network (loopback, private, link-local: see
    ``fence_internal``), whatever sends it there: a next link, a manifest a record names, a
    redirect, or a host name that resolves to a public address when it is checked and to an
    internal one when the connection is made. A partner on the same network as Museion (an
    intranet, the tests) is not fenced.
    """
    retry = _CappedRetry(
        total=max_retries,
        connect=max_retries,
        read=max_retries,
        status=max_retries,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD", "POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = WatchedAdapter(max_retries=retry)  # a Deadline can cut its connections
    if home is not None and not is_internal_host(urlsplit(home).hostname or ""):
        adapter.fence = fence_internal
        adapter.refused_peer = is_internal_address
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


MAX_SHOWN_REASON = 200
"""The most characters of a server's reason phrase ("Not Found") a message quotes."""


def shown_reason(reason: object) -> str:
    """A server's reason phrase, as a message quotes it: at most MAX_SHOWN_REASON characters
    (a server may send 64 KB of them, and each became the harvest's "one clear line")."""
    return messages.clipped(" ".join(str(reason or "").split()), MAX_SHOWN_REASON)


def declared_length(headers: Mapping[str, str]) -> int | None:
    """The body's length as the server declared it, or None when it declared none that is a
    number. (Not ``value.isdigit()`` alone: "²" is a digit to it and not to ``int``, and a
    partner's server that sent ``Content-Length: ²`` stopped an OAI-PMH harvest with a
    ``ValueError`` traceback; urllib3 itself reads such an answer to its end.)"""
    value = headers.get("Content-Length", "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def read_within(chunks: Iterable[bytes], limit: int) -> bytes | None:
    """The pieces of a body joined, or None as soon as they pass ``limit``: a server that
    sends without end (or a gzip that unpacks without end) is refused at its limit, not read
    until the harvester runs out of memory."""
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def answer_within(
    seconds: float, url: str, error: Callable[[str], Exception]
) -> AbstractContextManager[Deadline]:
    """``with answer_within(seconds, url, error) as deadline:`` — the block's requests end by
    a ``Deadline``, since a socket timeout only bounds silences and a server that trickles a
    byte a second is never silent (it held the harvest, and the writer lock, for as long as it
    liked). Once the deadline has passed, the block fails with ``error(text)`` (the caller's
    exception around the ``REQUEST_DEADLINE`` text), whatever it raised or returned
    (``museion_core.deadline.ended_by``)."""
    over = messages.REQUEST_DEADLINE(url=url, seconds=f"{seconds:g}")
    return ended_by(seconds, lambda: error(over))


def read_limited(
    response: requests.Response, url: str, limit: int, error: Callable[[str], Exception]
) -> bytes:
    """``response``'s body, or ``error(text)`` when it is over ``limit`` bytes: at once when
    its Content-Length says so, else as soon as the pieces read pass it (``read_within``)."""
    declared = declared_length(response.headers)
    if declared is not None and declared > limit:
        raise error(messages.RESPONSE_TOO_LARGE(url=url, size=declared, limit=limit))
    body = read_within(response.iter_content(chunk_size=1 << 16), limit)
    if body is None:
        raise error(messages.RESPONSE_OVER_LIMIT(url=url, limit=limit))
    return body


def is_internal_address(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):  # an IPv4 address carried in an IPv6 one
        ip = ip.ipv4_mapped or ip.sixtofour or ip
    # not is_global: also the shared address space (100.64.0.0/10, where one cloud keeps its
    # metadata service at 100.100.100.200) and 6to4, which is_private leaves out
    return not ip.is_global or ip.is_multicast


def is_internal_host(host: str) -> bool:
    """Whether ``host`` is, or resolves to, an address on this server's own network."""
    if not host:
        return False
    if is_internal_address(host.strip("[]")):
        return True
    try:
        found = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False  # not resolvable: the request fails by itself
    return any(is_internal_address(str(info[4][0])) for info in found)


def fence_internal(url: str) -> None:
    """Refuse ``url`` when its host is on this server's own network: a URL that a feed's
    content gave (a IIIF manifest, a next link, a redirect) must not make Museion probe the
    machines around it, nor publish what they answered in the partner report."""
    if is_internal_host(urlsplit(url).hostname or ""):
        raise requests.exceptions.InvalidURL(messages.INTERNAL_ADDRESS(url=url))


def transport_fault(exc: BaseException, timeout: float | None = None) -> str:
    """What went wrong on the way to a partner's server, in a partner's words, from the
    chain of a requests/urllib3 error: "the server did not answer within 30 s", not
    ``ConnectionError: _WatchedHTTPPool(host=…) Max retries exceeded … ReadTimeoutError``."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and seen not in chain:
        chain.append(seen)
        reason = getattr(seen, "reason", None)
        seen = reason if isinstance(reason, BaseException) else seen.__cause__ or seen.__context__
    # (urllib3's NewConnectionError is a ConnectTimeoutError, for history's sake: asked first)
    refused = next((e for e in chain if isinstance(e, requests.exceptions.InvalidURL)), None)
    if refused is not None:  # fence_internal's reason, as it says it
        return str(refused)
    if any(isinstance(e, urllib3_errors.NameResolutionError) for e in chain):
        return "the server's host name could not be found (is the address right?)"
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or any(
        isinstance(e, urllib3_errors.NewConnectionError) and "refused" in str(e).lower()
        for e in chain
    ):
        return "the server refused the connection (is it running, and is the port right?)"
    if any(
        isinstance(e, requests.Timeout | urllib3_errors.TimeoutError | TimeoutError)
        and not isinstance(e, urllib3_errors.NewConnectionError | requests.ConnectionError)
        for e in chain
    ):
        within = f" within {timeout:g} s" if timeout else " in time"
        return f"the server did not answer{within}"
    if any(isinstance(e, ssl.SSLError | requests.exceptions.SSLError) for e in chain):
        return f"the secure connection failed ({_innermost(chain)})"
    return _innermost(chain)


def _innermost(chain: list[BaseException]) -> str:
    """The innermost message that says something ("Connection reset by peer")."""
    for error in reversed(chain):
        text = str(error).strip()
        if text:
            return f"{type(error).__name__}: {text}"
    return type(chain[0]).__name__
