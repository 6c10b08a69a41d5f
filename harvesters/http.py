"""HTTP access for harvesters: one session with retries, backoff and Retry-After handling.

Retries are urllib3's ``Retry`` (well tested, honours ``Retry-After``), not a loop of our own.
"""

from __future__ import annotations

import ssl

import requests
from urllib3 import exceptions as urllib3_errors
from urllib3.util.retry import Retry

from .deadline import WatchedAdapter

__all__ = ["MAX_RETRY_AFTER", "USER_AGENT", "make_session", "transport_fault"]

USER_AGENT = "Museion/0.1 (+https://github.com/museion/museion) linked-data aggregator"

RETRY_STATUSES = (429, 500, 502, 503, 504)

MAX_RETRY_AFTER = 300.0
"""Longest wait, in seconds, a server's ``Retry-After`` can impose before a retry."""


class _CappedRetry(Retry):
    """urllib3's Retry honours any ``Retry-After``; a server answering "86400" would stall a
    harvest for a day. Wait as asked, but at most MAX_RETRY_AFTER seconds."""

    def get_retry_after(self, response: object) -> float | None:
        wait = super().get_retry_after(response)  # type: ignore[arg-type]
        return None if wait is None else min(wait, MAX_RETRY_AFTER)


def make_session(max_retries: int = 3, backoff: float = 0.5) -> requests.Session:
    """A session that retries connection errors, timeouts and 429/5xx answers with backoff.

    A 503 with ``Retry-After`` waits as long as the server asks, up to MAX_RETRY_AFTER.
    Requests made inside ``with harvesters.deadline.Deadline(seconds):`` end by the deadline.
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
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


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
