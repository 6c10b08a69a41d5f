"""HTTP access for harvesters: one session with retries, backoff and Retry-After handling.

Retries are urllib3's ``Retry`` (well tested, honours ``Retry-After``), not a loop of our own.
"""

from __future__ import annotations

import requests
from urllib3.util.retry import Retry

from .deadline import WatchedAdapter

__all__ = ["MAX_RETRY_AFTER", "USER_AGENT", "make_session"]

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
