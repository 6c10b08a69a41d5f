"""An OAI-PMH 2.0 client: the six verbs, one page at a time, over a session that retries.

Each request is one HTTP GET whose whole body is read (up to a size limit) and parsed safely;
a page is a small object holding its records' elements and the resumption token (what an answer
says, as objects, is ``harvesters.oaipmh.responses``), and nothing of it is kept once the caller
moves to the next page, so memory does not grow with a harvest.

Transport faults: urllib3's ``Retry`` (``harvesters.http``) retries refused connections,
timeouts before the answer's headers, 429 and 5xx — honouring ``Retry-After``. A fault while the
body is being read (a timeout or a dropped connection mid-page) happens after urllib3 has handed
the response over, so this module retries those itself, with the same backoff and count. When
the retries are spent the error names the URL and the cause.

Time: ``timeout`` bounds each silence, ``request_deadline`` each whole answer (a server that
trickles a byte a second never falls silent), ``harvest_deadline`` everything one client does
(``museion_core.deadline`` cuts the connection when either passes). A list whose resumption token
comes back a second time is stopped: it would never end.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from functools import partial
from urllib.parse import urlencode

import requests
import urllib3
from lxml import etree

from museion_core import messages
from museion_core.errors import HarvestError

from ..base import MAX_RETRIES, TIMEOUT
from ..http import (
    BACKOFF,
    RETRY_STATUSES,
    answer_within,
    make_session,
    read_limited,
    shown_reason,
    transport_fault,
)
from ..xml import XmlError, encoding_fault, parse_xml
from ..xmlsafe import utf8_as_sent
from .responses import (
    DAY_GRANULARITY,
    OAI_NS,
    Identity,
    MetadataFormat,
    OaiProtocolError,
    OaiRecord,
    OaiSet,
    Page,
    local_name,
    read_record,
    resumption_token,
    text_of,
)
from .salvage import BrokenRecord, salvage_page

__all__ = ["OaiClient"]

_O = f"{{{OAI_NS}}}"

_TRANSPORT_ERRORS = (requests.exceptions.RequestException, urllib3.exceptions.HTTPError)


class _BodyReadError(Exception):
    """The connection failed while the body was being read (urllib3 does not retry that)."""


class OaiClient:
    """Talks to one repository. Not thread-safe (one session, one parser per request)."""

    def __init__(
        self,
        base_url: str,
        *,
        source: str | None = None,
        timeout: float = TIMEOUT,
        delay: float = 0.0,
        max_retries: int = MAX_RETRIES,
        backoff: float = BACKOFF,
        max_response_bytes: int = 64 * 1024 * 1024,
        request_deadline: float = 600.0,
        harvest_deadline: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url
        self.source = source
        self.timeout = timeout
        self.delay = delay
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_response_bytes = max_response_bytes
        self.session = make_session(max_retries, backoff, home=base_url)
        self._sleep = sleep
        self._last_request: float | None = None
        self.request_deadline = request_deadline
        self.harvest_deadline = harvest_deadline
        self._harvest_ends = (
            None if harvest_deadline is None else time.monotonic() + harvest_deadline
        )
        self.requests = 0
        """Requests made so far (retries urllib3 makes on its own not counted)."""

    def close(self) -> None:
        self.session.close()

    # -- the verbs ------------------------------------------------------------------------
    def identify(self) -> Identity:
        url, root = self._call({"verb": "Identify"})
        body = self._body(root, "Identify", url)
        return Identity(
            repository_name=text_of(body, "repositoryName"),
            base_url=text_of(body, "baseURL"),
            granularity=text_of(body, "granularity") or DAY_GRANULARITY,
            earliest_datestamp=text_of(body, "earliestDatestamp"),
            deleted_record=text_of(body, "deletedRecord") or "no",
            response_date=text_of(root, "responseDate"),
        )

    def list_metadata_formats(self, identifier: str | None = None) -> list[MetadataFormat]:
        params = {"verb": "ListMetadataFormats"}
        if identifier:
            params["identifier"] = identifier
        url, root = self._call(params)
        body = self._body(root, "ListMetadataFormats", url)
        return [
            MetadataFormat(
                text_of(fmt, "metadataPrefix"),
                text_of(fmt, "schema"),
                text_of(fmt, "metadataNamespace"),
            )
            for fmt in body.iterfind(_O + "metadataFormat")
        ]

    def list_sets(self) -> Iterator[OaiSet]:
        """Every set, following resumption tokens. ``noSetHierarchy`` ends it empty."""
        params: dict[str, str] = {"verb": "ListSets"}
        seen: set[str] = set()
        while True:
            try:
                url, root = self._call(params)
            except OaiProtocolError as exc:
                if exc.code == "noSetHierarchy":
                    return
                raise
            body = self._body(root, "ListSets", url)
            for entry in body.iterfind(_O + "set"):
                yield OaiSet(text_of(entry, "setSpec"), text_of(entry, "setName"))
            token = resumption_token(body)
            if token is None:
                return
            self.check_new_token(token.value, seen, url)
            params = {"verb": "ListSets", "resumptionToken": token.value}

    def list_records(
        self,
        metadata_prefix: str,
        *,
        from_: str | None = None,
        until: str | None = None,
        set_spec: str | None = None,
        token: str | None = None,
    ) -> Page:
        """One page of ``ListRecords``: the first (by arguments) or the next (by token).

        ``noRecordsMatch`` is raised as an ``OaiProtocolError`` like any other error; an empty
        list is the caller's decision, not the protocol's.
        """
        if token is not None:
            params = {"verb": "ListRecords", "resumptionToken": token}
        else:
            params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
            if from_:
                params["from"] = from_
            if until:
                params["until"] = until
            if set_spec:
                params["set"] = set_spec
        url = self.url(params)
        data = self._fetch(url)
        try:
            root = self._parse(data, url)
            elements: list[etree._Element | BrokenRecord] | None = None
        except HarvestError:
            # One broken record costs that record, not the page (harvesters.oaipmh.salvage).
            salvaged = salvage_page(data, OAI_NS)
            if salvaged is None:
                raise
            root, elements = salvaged
        self._check(root, url)
        body = self._body(root, "ListRecords", url)
        if elements is None:
            elements = list(body.iterfind(_O + "record"))
        return Page(
            url=url,
            response_date=text_of(root, "responseDate"),
            records=[e if isinstance(e, BrokenRecord) else read_record(e, url) for e in elements],
            token=resumption_token(body),
        )

    def get_record(self, identifier: str, metadata_prefix: str) -> OaiRecord:
        url, root = self._call(
            {"verb": "GetRecord", "identifier": identifier, "metadataPrefix": metadata_prefix}
        )
        body = self._body(root, "GetRecord", url)
        record = body.find(_O + "record")
        if record is None:
            raise HarvestError(messages.OAI_GETRECORD_EMPTY(url=url), source=self.source)
        read = read_record(record, url)
        if isinstance(read, BrokenRecord):
            raise HarvestError(read.reason, source=self.source)
        return read

    def record_url(self, identifier: str, metadata_prefix: str) -> str:
        """The GetRecord URL of one record: where a person (or ``harvest --record``) finds it."""
        return self.url(
            {"verb": "GetRecord", "metadataPrefix": metadata_prefix, "identifier": identifier}
        )

    def check_new_token(self, token: str, seen: set[str], url: str) -> None:
        """Refuse a resumption token this list has already used, then remember it.

        A repository that answers every page with the same token (or cycles through a few)
        would be asked forever; a list never legitimately returns to a page it has left. A
        token longer than ``MAX_TOKEN_CHARS`` is refused too: no server takes it back in a
        URL, and an 8 MB one became an 8 MB "one clear line" of error, in the terminal and in
        the partner's report."""
        if len(token) > MAX_TOKEN_CHARS:
            raise HarvestError(
                messages.OAI_TOKEN_TOO_LONG(
                    size=len(token), token=_short(token), limit=MAX_TOKEN_CHARS, url=url
                ),
                source=self.source,
            )
        if token in seen:
            raise HarvestError(
                messages.OAI_TOKEN_AGAIN(token=_short(token), pages=len(seen), url=url),
                source=self.source,
            )
        seen.add(token)

    def url(self, params: dict[str, str]) -> str:
        separator = "&" if "?" in self.base_url else "?"
        return f"{self.base_url}{separator}{urlencode(params)}"

    # -- transport ------------------------------------------------------------------------
    def _call(self, params: dict[str, str]) -> tuple[str, etree._Element]:
        url = self.url(params)
        root = self._parse(self._fetch(url), url)
        self._check(root, url)
        return url, root

    def _parse(self, data: bytes, url: str) -> etree._Element:
        try:
            return parse_xml(data)
        except XmlError as exc:
            said = (
                messages.OAI_NOT_XML_ENCODING if encoding_fault(str(exc)) else messages.OAI_NOT_XML
            )
            raise HarvestError(said(url=url, reason=exc), source=self.source) from exc

    def _check(self, root: etree._Element, url: str) -> None:
        """Refuse an answer that is not OAI-PMH, or that is an OAI-PMH error."""
        if root.tag != _O + "OAI-PMH":
            raise HarvestError(
                messages.NOT_OAI_PMH(url=url, root=local_name(root.tag)), source=self.source
            )
        errors = root.findall(_O + "error")
        if errors:
            # Several errors may come at once; the first decides, the others are in the message.
            first = errors[0]
            message = "; ".join(
                f"{e.get('code', '?')}: {' '.join((e.text or '').split())}" for e in errors[1:]
            )
            text = " ".join((first.text or "").split())
            raise OaiProtocolError(
                first.get("code", "unknown"),
                f"{text}; {message}" if message else text,
                url,
                source=self.source,
            )

    def _fetch(self, url: str) -> bytes:
        attempt = 0
        while True:
            self._pace()
            try:
                return self._get_within_deadlines(url)
            except _BodyReadError as fault:
                exc = fault.__cause__ or fault
                if attempt >= self.max_retries:
                    raise HarvestError(
                        messages.READ_FAILED(
                            url=url, count=attempt + 1, detail=transport_fault(exc, self.timeout)
                        ),
                        source=self.source,
                    ) from exc
                self._sleep(self.backoff * (2**attempt))
                attempt += 1

    def _pace(self) -> None:
        """Wait ``delay`` seconds between requests: a partner's server is not ours to hammer."""
        if self.delay and self._last_request is not None:
            wait = self._last_request + self.delay - time.monotonic()
            if wait > 0:
                self._sleep(wait)
        self._last_request = time.monotonic()

    def _get_within_deadlines(self, url: str) -> bytes:
        seconds, which = self.request_deadline, "request"
        if self._harvest_ends is not None:
            left = self._harvest_ends - time.monotonic()
            if left <= seconds:
                seconds, which = left, "harvest"
        if seconds <= 0:
            raise self._harvest_over(url)
        self.requests += 1

        def over(text: str) -> HarvestError:
            if which == "harvest":
                return self._harvest_over(url)
            return HarvestError(text, source=self.source)

        with answer_within(seconds, url, over):
            return self._get(url)

    def _harvest_over(self, url: str) -> HarvestError:
        return HarvestError(
            messages.HARVEST_DEADLINE(
                seconds=f"{self.harvest_deadline:g}", requests=self.requests, url=url
            ),
            source=self.source,
        )

    def _get(self, url: str) -> bytes:
        try:
            response = self.session.get(url, timeout=self.timeout, stream=True)
        except _TRANSPORT_ERRORS as exc:  # urllib3 has already retried these
            raise HarvestError(
                messages.CANNOT_FETCH_RETRIED(
                    url=url, retries=self.max_retries, detail=transport_fault(exc, self.timeout)
                ),
                source=self.source,
            ) from exc
        with response:
            if response.status_code >= 400:
                retried = response.status_code in RETRY_STATUSES  # the session retried it
                status, reason = response.status_code, shown_reason(response.reason)
                raise HarvestError(
                    messages.HTTP_STATUS_RETRIED(
                        url=url, status=status, reason=reason, retries=self.max_retries
                    )
                    if retried
                    else messages.HTTP_STATUS(url=url, status=status, reason=reason),
                    source=self.source,
                )
            failed = partial(HarvestError, source=self.source)
            try:
                body = read_limited(response, url, self.max_response_bytes, failed)
            except _TRANSPORT_ERRORS as exc:
                raise _BodyReadError() from exc
            return utf8_as_sent(body, response.headers.get("Content-Type"))

    def _body(self, root: etree._Element, verb: str, url: str) -> etree._Element:
        body = root.find(_O + verb)
        if body is None:
            raise HarvestError(messages.OAI_NO_VERB(url=url, verb=verb), source=self.source)
        return body


MAX_TOKEN_CHARS = 8000
"""The longest resumption token followed: a request line of about 8 KB is what common web
servers take (Apache's default limit is 8190 bytes)."""


def _short(token: str) -> str:
    return token if len(token) <= 60 else token[:57] + "..."
