"""HTTP access for harvesters: one session with retries, backoff and Retry-After handling.

Retries are urllib3's ``Retry`` (well tested, honours ``Retry-After``), not a loop of our own.
"""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

__all__ = ["USER_AGENT", "make_session"]

USER_AGENT = "Museion/0.1 (+https://github.com/museion/museion) linked-data aggregator"

RETRY_STATUSES = (429, 500, 502, 503, 504)


def make_session(max_retries: int = 3, backoff: float = 0.5) -> requests.Session:
    """A session that retries connection errors, timeouts and 429/5xx answers with backoff.

    A 503 with ``Retry-After`` waits as long as the server asks (urllib3 caps it sensibly).
    """
    retry = Retry(
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
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session
