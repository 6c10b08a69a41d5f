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
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import requests
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
from urllib3.util.retry import Retry

from museion_core import messages
from museion_core.deadline import watch_socket
from museion_core.errors import HarvestError

from ..base import MAX_RETRIES, TIMEOUT
from ..http import (
    BACKOFF,
    MAX_RETRY_AFTER,
    RETRY_STATUSES,
    USER_AGENT,
    answer_within,
    fence_internal,
    is_internal_address,
    is_internal_host,
    shown_reason,
)
from ..xmlsafe import XmlError, checked_rdfxml

__all__ = ["SparqlClient", "canonical_ntriples"]

_TRANSIENT = (
    urllib.error.URLError,
    TimeoutError,
    socket.timeout,
    http.client.HTTPException,
    OSError,
)


_LABELS = {400: "the endpoint refused the query", 401: "not authorised", 404: "no such endpoint"}


class _Redirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirects, each new address passed through ``fence`` before it is followed."""

    def __init__(self, fence: Callable[[str], None] | None) -> None:
        super().__init__()
        self.fence = fence

    def redirect_request(  # noqa: PLR0917 (urllib's signature)
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if self.fence is not None:
            self.fence(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _peer_checked(
    base: type[http.client.HTTPConnection], *, check: bool = True
) -> type[http.client.HTTPConnection]:
    """``base`` whose sockets a ``Deadline`` can cut (``watch_socket``) and, with ``check``,
    whose connections are closed unused when they reach an address on this server's own
    network (a name that resolved to a public address when the fence looked it up, and to an
    internal one now), unless they go through a proxy the operator chose."""

    class Checked(base):  # type: ignore[valid-type,misc]
        proxied = False

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = self._checked_connection  # before TLS, not after

        def _checked_connection(self, *args: Any, **kwargs: Any) -> socket.socket:
            sock = watch_socket(socket.create_connection(*args, **kwargs))
            if not check or self.proxied or self._tunnel_host:
                return sock
            address = str(sock.getpeername()[0])
            if is_internal_address(address):
                sock.close()
                url = f"{self.host} (reached at {address})"
                raise requests.exceptions.InvalidURL(messages.INTERNAL_ADDRESS(url=url))
            return sock

    return Checked


_HTTP = _peer_checked(http.client.HTTPConnection)
_HTTPS = _peer_checked(http.client.HTTPSConnection)
_HTTP_WATCHED = _peer_checked(http.client.HTTPConnection, check=False)
_HTTPS_WATCHED = _peer_checked(http.client.HTTPSConnection, check=False)


class _PeerHTTP(urllib.request.HTTPHandler):
    def __init__(self, check: bool = True) -> None:
        super().__init__()
        self.connection = _HTTP if check else _HTTP_WATCHED

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_connection(self.connection, req), req)


class _PeerHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, check: bool = True) -> None:
        super().__init__()
        self.connection = _HTTPS if check else _HTTPS_WATCHED

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            _connection(self.connection, req),
            req,
            context=self._context,  # type: ignore[attr-defined]
            check_hostname=self._check_hostname,  # type: ignore[attr-defined]
        )


def _connection(
    cls: type[http.client.HTTPConnection], req: urllib.request.Request
) -> type[http.client.HTTPConnection]:
    if not req.has_proxy():
        return cls
    return type(cls.__name__, (cls,), {"proxied": True})


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper's requests (form, headers, content negotiation), sent through an opener of
    Museion's (its redirects fenced) instead of urllib's global one; every HTTP error comes
    back as urllib's ``HTTPError``, which ``SparqlClient._run`` reads."""

    opener: urllib.request.OpenerDirector

    def _query(self) -> tuple[Any, str]:
        return self.opener.open(self._createRequest(), timeout=self.timeout), self.returnFormat


class SparqlClient:
    """SELECT and CONSTRUCT against one endpoint, with the harvesters' retry policy.

    ``home``: the source's configured address, as for ``harvesters.http.make_session``: when it
    is on the public internet, a redirect to this server's own network is refused."""

    def __init__(
        self,
        endpoint: str,
        *,
        source: str,
        timeout: float = TIMEOUT,
        max_retries: int = MAX_RETRIES,
        backoff: float = BACKOFF,
        max_response_bytes: int = 64 * 1024 * 1024,
        headers: dict[str, str] | None = None,
        home: str | None = None,
        request_deadline: float = 600.0,
    ) -> None:
        self.endpoint = endpoint
        fenced = home is not None and not is_internal_host(urlsplit(home).hostname or "")
        # fenced: the address each connection reaches is checked too (DNS rebinding)
        handlers: list[urllib.request.BaseHandler] = [
            _Redirects(fence_internal if fenced else None),
            _PeerHTTP(check=fenced),
            _PeerHTTPS(check=fenced),
        ]
        self._opener = urllib.request.build_opener(*handlers)
        self.request_deadline = request_deadline
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
            if fmt == RdfFormat.RDF_XML:
                body = checked_rdfxml(body)
            return iter(list(parse(body, fmt, without_named_graphs=True)))
        except (SyntaxError, XmlError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise self._error(
                messages.SPARQL_CONSTRUCT_UNREADABLE(format=fmt.name, detail=first)
            ) from None

    # -- transport ----------------------------------------------------------------------
    def _wrapper(self, query: str, fmt: str) -> SPARQLWrapper:
        wrapper = _Wrapper(self.endpoint, agent=USER_AGENT)
        wrapper.opener = self._opener
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
                body, media_type = self._exchange(wrapper)
                if len(body) > self.max_response_bytes:
                    raise self._error(
                        messages.SPARQL_ANSWER_TOO_LARGE(limit=self.max_response_bytes)
                    )
                return body, media_type
            except urllib.error.HTTPError as exc:
                with exc:  # its connection, whatever is read of it
                    if exc.code not in RETRY_STATUSES or attempt >= self.max_retries:
                        detail = _detail(exc)
                        if detail == f": {exc.reason}":
                            detail = ""
                        label = _LABELS.get(exc.code, shown_reason(exc.reason))
                        raise self._error(f"HTTP {exc.code} {label}{detail}") from None
                    wait = _retry_after(exc.headers.get("Retry-After"))
            except requests.exceptions.InvalidURL as exc:  # the fence refused a redirect
                raise self._error(str(exc)) from None
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, requests.exceptions.InvalidURL):  # the peer, refused
                    raise self._error(str(exc.reason)) from None
                if attempt >= self.max_retries:
                    raise self._error(
                        messages.SPARQL_NO_ANSWER(count=attempt + 1, detail=exc)
                    ) from None
            except _TRANSIENT as exc:
                if attempt >= self.max_retries:
                    raise self._error(
                        messages.SPARQL_NO_ANSWER(count=attempt + 1, detail=exc)
                    ) from None
            attempt += 1
            if wait is None:
                wait = self.backoff * (2 ** (attempt - 1))
            time.sleep(wait)

    def _exchange(self, wrapper: SPARQLWrapper) -> tuple[bytes, str]:
        """One request and its whole answer, within ``request_deadline`` (``answer_within``)."""
        with (
            # the deadline's own text names the endpoint: not wrapped in ``_error`` as well
            answer_within(
                self.request_deadline,
                self.endpoint,
                lambda text: HarvestError(text, source=self.source),
            ),
            wrapper.query().response as response,
        ):
            body = response.read(self.max_response_bytes + 1)
            return body, response.headers.get("Content-Type", "").split(";")[0].strip()

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
