"""Fetching JSON over HTTP for the API harvesters: bounded, paced, one clear line per fault.

Retries (timeouts, 429 and 5xx, ``Retry-After`` honoured up to a cap) are the session's
(``harvesters.http``); this module adds what an API harvest needs on top: a pause between
requests (a partner's rate limit), an auth header read from the environment (never a secret in
config), a size bound on each answer, and JSON read without a traceback.
"""

from __future__ import annotations

import os
import time
from functools import partial
from typing import Any

import requests

from museion_core import messages
from museion_core.deadline import DeadlineExceededError
from museion_core.errors import HarvestError

from .http import answer_within, make_session, read_within, shown_reason, transport_fault
from .jsonload import load_page, may_hold_surrogate
from .jsonscan import nesting_depth

__all__ = ["JsonFetcher", "auth_headers"]


def auth_headers(header: str, env: str | None, source: str) -> dict[str, str]:
    """The auth header from the environment variable ``env``; a missing one fails by name."""
    if env is None:
        return {}
    value = os.environ.get(env)
    if not value:
        raise HarvestError(messages.AUTH_ENV_MISSING(name=env), source=source)
    return {header: value}


class JsonFetcher:
    def __init__(
        self,
        *,
        source: str,
        timeout: float,
        max_retries: int,
        delay: float,
        max_response_bytes: int,
        max_depth: int,
        headers: dict[str, str],
        home: str | None = None,
        request_deadline: float = 600.0,
    ) -> None:
        self.source = source
        self.timeout = timeout
        self.request_deadline = request_deadline
        self.delay = delay
        self.max_response_bytes = max_response_bytes
        self.max_depth = max_depth
        self.session = make_session(max_retries, home=home)
        self.session.headers.update(headers)
        self.session.headers["Accept"] = "application/json, application/ld+json;q=0.9, */*;q=0.1"
        self.requests = 0
        self._last = 0.0
        self.suspect_surrogates = False
        """Whether the last document read with ``records`` may hold a lone surrogate (its
        bytes say so), so that its records must be checked one by one."""
        self.suspect_duplicates = False
        """Whether an object of the last document read named a key twice with different
        values, so that its records must be checked one by one (``duplicate_key_reason``)."""

    def close(self) -> None:
        self.session.close()

    def _read(self, url: str, params: dict[str, str] | None) -> tuple[bytes, requests.Response]:
        with self.session.get(url, params=params, timeout=self.timeout, stream=True) as answer:
            self._last = time.monotonic()
            where = answer.url
            if answer.status_code >= 400:
                spent = answer.status_code in (429, 503)
                answered = messages.HTTP_STATUS_RETRIES_SPENT if spent else messages.HTTP_STATUS
                raise HarvestError(
                    answered(
                        url=where, status=answer.status_code, reason=shown_reason(answer.reason)
                    ),
                    source=self.source,
                )
            body = read_within(answer.iter_content(65536), self.max_response_bytes)
            if body is None:
                raise HarvestError(
                    messages.ANSWER_TOO_LARGE(url=where, limit=self.max_response_bytes),
                    source=self.source,
                )
        return body, answer

    def get(
        self, url: str, params: dict[str, str] | None = None, *, records: bool = False
    ) -> tuple[Any, requests.Response]:
        """The JSON at ``url`` and the response (for its ``Link`` header and final URL).

        ``records``: the document holds records, which the caller checks one by one for a
        text no record may hold (``jsonload.lone_surrogate_reason``), so that such a text
        costs its record and not the whole answer."""
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.requests += 1
        try:
            with answer_within(
                self.request_deadline, url, partial(HarvestError, source=self.source)
            ):
                body, answer = self._read(url, params)
        except (requests.RequestException, UnicodeError, DeadlineExceededError) as exc:
            # UnicodeError: a next page's cursor (read from the last page) that no URL can carry
            cause = transport_fault(exc, self.timeout)
            raise HarvestError(
                messages.NO_ANSWER(url=url, detail=cause), source=self.source
            ) from None
        where = answer.url
        if nesting_depth(body, self.max_depth) > self.max_depth:
            raise HarvestError(
                messages.ANSWER_TOO_DEEP(url=where, limit=self.max_depth), source=self.source
            )
        self.suspect_surrogates = records and may_hold_surrogate(body)
        try:
            value, self.suspect_duplicates = load_page(body, lone_surrogates=records)
            return value, answer
        except (ValueError, UnicodeDecodeError) as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            if body.lstrip()[:1] == b"<":  # a maintenance or login page, an error page
                kind = answer.headers.get("Content-Type", "").split(";")[0].strip() or "markup"
                first = f"it answered a page of {kind}, not JSON"
            raise HarvestError(
                messages.ANSWER_NOT_JSON(url=where, detail=first), source=self.source
            ) from None
