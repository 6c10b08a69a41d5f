"""A SPARQL 1.1 Protocol client for harvesting: SPARQLWrapper, bounded answers, retries.

SPARQLWrapper speaks the protocol (POSTed form queries, content negotiation per query type).
It has no retry policy of its own, so each query runs under the same policy as every other
harvester's HTTP (``harvesters.http``): timeouts, refused connections, 429 and 5xx are retried
with exponential backoff, and a ``Retry-After`` is honoured up to ``MAX_RETRY_AFTER``. Answers
are read up to a size limit and parsed by pyoxigraph; a fault ends in one ``HarvestError`` line
naming the endpoint and the cause.
"""

from __future__ import annotations

import http.client
import json
import math
import socket
import time
import urllib.error
from collections.abc import Iterator
from typing import Any

from pyoxigraph import (
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    Quad,
    RdfFormat,
    parse,
    serialize,
)
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException
from urllib3.util.retry import Retry

from museion_core import messages
from museion_core.errors import HarvestError

from ..http import MAX_RETRY_AFTER, RETRY_STATUSES, USER_AGENT

__all__ = ["SparqlClient", "canonical_ntriples"]

_TRANSIENT = (
    urllib.error.URLError,
    TimeoutError,
    socket.timeout,
    http.client.HTTPException,
    OSError,
)


class SparqlClient:
    """SELECT and CONSTRUCT against one endpoint, with the harvesters' retry policy."""

    def __init__(
        self,
        endpoint: str,
        *,
        source: str,
        timeout: float = 60.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        max_response_bytes: int = 64 * 1024 * 1024,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.source = source
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_response_bytes = max_response_bytes
        self.headers = dict(headers or {})
        self.requests = 0

    def select(self, query: str) -> list[dict[str, dict[str, Any]]]:
        """The bindings of a SELECT (SPARQL 1.1 Query Results JSON)."""
        body, _ = self._run(query, JSON)
        try:
            answer = json.loads(body)
            bindings: list[dict[str, dict[str, Any]]] = answer["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as exc:
            raise self._error(messages.SPARQL_SELECT_NOT_JSON(detail=exc)) from None
        if not isinstance(bindings, list):
            raise self._error(messages.SPARQL_SELECT_NO_BINDINGS())
        return bindings

    def construct(self, query: str) -> Iterator[Quad]:
        """The triples of a CONSTRUCT (as quads in the default graph)."""
        body, media_type = self._run(query, TURTLE)
        fmt = RdfFormat.from_media_type(media_type) or RdfFormat.TURTLE
        if fmt not in (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.RDF_XML):
            fmt = RdfFormat.TURTLE
        try:
            return iter(list(parse(body, fmt, without_named_graphs=True)))
        except SyntaxError as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise self._error(
                messages.SPARQL_CONSTRUCT_UNREADABLE(format=fmt.name, detail=first)
            ) from None

    # -- transport ----------------------------------------------------------------------
    def _wrapper(self, query: str, fmt: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        wrapper.setMethod(POST)  # long CONSTRUCTs do not fit in a URL
        wrapper.setQuery(query)
        wrapper.setReturnFormat(fmt)
        wrapper.setTimeout(max(1, math.ceil(self.timeout)))
        for name, value in self.headers.items():
            wrapper.addCustomHttpHeader(name, value)
        return wrapper

    def _run(self, query: str, fmt: str) -> tuple[bytes, str]:
        wrapper = self._wrapper(query, fmt)
        attempt = 0
        while True:
            self.requests += 1
            wait: float | None = None
            try:
                result = wrapper.query()
                with result.response as response:
                    body = response.read(self.max_response_bytes + 1)
                    media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
                if len(body) > self.max_response_bytes:
                    raise self._error(
                        messages.SPARQL_ANSWER_TOO_LARGE(limit=self.max_response_bytes)
                    )
                return body, media_type
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRY_STATUSES or attempt >= self.max_retries:
                    detail = _detail(exc)
                    if detail == f": {exc.reason}":
                        detail = ""
                    raise self._error(f"HTTP {exc.code} {exc.reason}{detail}") from None
                wait = _retry_after(exc.headers.get("Retry-After"))
            except SPARQLWrapperException as exc:
                # SPARQLWrapper turns 400, 401, 404, 414 and 500 into its own exceptions.
                status = _status_of(exc)
                if status != 500 or attempt >= self.max_retries:
                    raise self._error(_first_line(exc)) from None
            except _TRANSIENT as exc:
                if attempt >= self.max_retries:
                    raise self._error(
                        messages.SPARQL_NO_ANSWER(count=attempt + 1, detail=exc)
                    ) from None
            attempt += 1
            if wait is None:
                wait = self.backoff * (2 ** (attempt - 1))
            time.sleep(wait)

    def _error(self, cause: str) -> HarvestError:
        return HarvestError(
            messages.SPARQL_SOURCE_FAILED(url=self.endpoint, reason=cause), source=self.source
        )


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return min(Retry().parse_retry_after(value), MAX_RETRY_AFTER)
    except Exception:  # urllib3 raises InvalidHeader for a value it cannot read
        return None


def _status_of(exc: SPARQLWrapperException) -> int:
    names = {
        "QueryBadFormed": 400,
        "Unauthorized": 401,
        "EndPointNotFound": 404,
        "URITooLong": 414,
        "EndPointInternalError": 500,
    }
    return names.get(type(exc).__name__, 0)


def _first_line(exc: SPARQLWrapperException) -> str:
    status = _status_of(exc)
    text = " ".join(str(exc.args[0] if exc.args else exc).split())
    text = text.replace("Response: b'", "").rstrip("'")
    label = {400: "the endpoint refused the query", 401: "not authorised", 404: "no such endpoint"}
    head = label.get(status, type(exc).__name__)
    return f"HTTP {status} {head}: {text[:300]}" if status else f"{head}: {text[:300]}"


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        text = " ".join(exc.read(300).decode("utf-8", "replace").split())
    except OSError:
        return ""
    return f": {text}" if text else ""


def canonical_ntriples(quads: Iterator[Quad] | list[Quad]) -> bytes:
    """One description as sorted N-Triples with blank nodes named by their place in the graph,
    so the same description always gives the same bytes (and checksum)."""
    dataset = Dataset(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)
    dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    text = serialize((q.triple for q in dataset), format=RdfFormat.N_TRIPLES)
    assert text is not None
    lines = sorted(set(text.decode("utf-8").splitlines()))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
