"""A client of the W3C SPARQL 1.1 Protocol, Update and Graph Store Protocol.

The remote store (``store.remote``) speaks nothing but these standards, so any server that
implements them can hold Museion's published data: ``oxigraph serve``, Virtuoso, QLever,
GraphDB, Stardog, Amazon Neptune, Blazegraph. Credentials are never written in the config:
it names the environment variables that hold them, read when a connection is made.
"""

from __future__ import annotations

import html
import itertools
import logging
import os
import re
import time
from base64 import b64encode
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, cast

import requests
import requests.auth
import urllib3
from pydantic import Field
from pyoxigraph import (
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)

from museion_core import messages
from museion_core.deadline import Deadline, WatchedAdapter, ended_by, passed
from museion_core.errors import QueryError, StoreError, StoreFaultError
from museion_core.settings import StrictModel

from .blanks import Blanks
from .oxigraph import QueryResult

__all__ = ["RemoteEndpoint", "SparqlClient"]

_log = logging.getLogger("museion.store")
"""At DEBUG, each query's time to the server's first answer byte: finds the page lookup a
given server plans badly (``logging.getLogger("museion.store").setLevel("DEBUG")``)."""

_RESULTS = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_ACCEPTED = f"{_RESULTS}, {_NTRIPLES};q=0.9"
DETAIL_BYTES = 4096
"""Of an error's body, what is read to quote in its message (a server's error page)."""
DRAINED_BYTES = 65536
"""Of a write's answer, what is read so that the connection can carry the next request; a
longer answer is not read on, its connection is dropped."""
GRAPH_FORM = re.compile(
    r"(?:\s+|#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*+(?:CONSTRUCT|DESCRIBE)\b", re.I
)
"""A query whose answer is a graph (after its prologue): asked for as N-Triples alone, since
Virtuoso answers SPARQL results JSON to a CONSTRUCT when that is the first type accepted,
its blank nodes written as IRIs (``"_:vb12"``), which Oxigraph cannot read."""
UNAVAILABLE = frozenset({429, 502, 503, 504})
"""Statuses that say the server, or a proxy before it, cannot take the request now: to a
write, the store's fault (``StoreFaultError``), never a record's."""


class RemoteEndpoint(StrictModel):
    """Where a remote store lives (``[store] kind = "sparql"``): plain values only, so it
    travels to the endpoint's query processes as JSON."""

    query_endpoint: str
    """SPARQL 1.1 Protocol query service (``oxigraph serve``: ``http://host:7878/query``)."""
    update_endpoint: str
    """SPARQL 1.1 Update service (``oxigraph serve``: ``http://host:7878/update``)."""
    graph_store_endpoint: str | None = None
    """Graph Store Protocol service (``http://host:7878/store``); without one, record graphs
    are written in batches with ``INSERT DATA``."""
    user_env: str | None = None
    """Environment variable holding the user name for HTTP basic authentication."""
    password_env: str | None = None
    """Environment variable holding that user's password."""
    token_env: str | None = None
    """Environment variable holding a bearer token (instead of basic authentication)."""
    timeout: float = Field(default=600.0, gt=0)
    """Seconds Museion waits for one request (a long write, a server-side version build)."""
    graphs: str = ""
    """The IRI prefix of every graph Museion writes (its base IRI): a version is built from
    these graphs only, so a server's own graphs (Virtuoso's system graphs, another
    application's data) never join what Museion publishes."""
    own: str = "urn:museion:store:"
    """The IRI prefix of the graphs Museion keeps for itself on the server: its versions, the
    pointer its readers follow, a probe (``[store] own_graphs``). Two installations
    publishing to one server each need their own, or one moves the other's pointer."""


def _env(name: str | None, what: str) -> str | None:
    if name is None:
        return None
    value = os.environ.get(name)
    if not value:
        raise StoreError(f"the remote store's {what} is to be read from ${name}, which is not set")
    return value


class SparqlClient:
    """One HTTP session to a remote store's three services."""

    def __init__(self, endpoint: RemoteEndpoint) -> None:
        self.endpoint = endpoint
        self.session = requests.Session()
        for scheme in ("http://", "https://"):  # connections a Deadline can cut
            self.session.mount(scheme, WatchedAdapter())
        user = _env(endpoint.user_env, "user name")
        password = _env(endpoint.password_env, "password")
        token = _env(endpoint.token_env, "token")
        basic = b64encode(f"{user}:{password or ''}".encode()).decode() if user else None
        # Always an auth of its own, even none: without one, requests reads ~/.netrc and sent
        # the credentials it found there for the host, instead of the configured token too.
        self.session.auth = _Credentials(
            f"Bearer {token}" if token else f"Basic {basic}" if basic else None
        )
        self._secrets = sorted({s for s in (token, password, basic) if s}, key=len, reverse=True)
        """What no message may repeat: a server's error page may quote the request's
        ``Authorization`` header, and a message reaches logs, reports and the endpoint's
        clients."""

    def close(self) -> None:
        self.session.close()

    # -- requests ---------------------------------------------------------------------------
    def _send(
        self,
        method: str,
        url: str,
        *,
        what: str,
        error: type[StoreError | QueryError] = StoreError,
        timeout: float | None = None,
        **kwargs: object,
    ) -> requests.Response:
        """One request; any failure becomes one line naming the service and the cause.

        The answer is returned unread (``stream``): a body is read only as far as it is
        needed (``_head``), since a server that answered an update with an endless body, 200
        or 500, had it read whole into memory (18 GB in half a minute)."""
        try:
            response = self.session.request(
                method,
                url,
                timeout=timeout or self.endpoint.timeout,
                stream=True,
                # A redirect is never followed: a 302 turned a write into a GET that another
                # host answered 200 (the write was lost, the run said published), and a 307
                # sent the graph's triples to whatever host the server named.
                allow_redirects=False,
                **kwargs,  # type: ignore[arg-type]
            )
        except requests.Timeout as exc:
            seconds = f"{timeout or self.endpoint.timeout:g}"
            late = f"did not answer {what} within {seconds} s"
            raise self._error(error, url, late, 504, fault=True) from exc
        except requests.ConnectionError as exc:
            raise self._error(error, url, f"cannot be reached ({what})", fault=True) from exc
        except requests.RequestException as exc:
            raise self._error(error, url, f"failed ({what})", detail=str(exc)) from exc
        if response.status_code >= 300:
            status = response.status_code
            if status < 400:
                location = messages.clipped(response.headers.get("Location", ""), 300)
                response.close()
                raise self._error(
                    error,
                    url,
                    f"answered {status} to {what}, a redirect to {location or 'nowhere'}: "
                    "Museion does not follow a remote store's redirects; set the endpoint to "
                    "the URL they lead to",
                )
            kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            wait = messages.clipped(response.headers.get("Retry-After", "").strip(), 40)
            # credentials out before the page is cut short, or the cut could keep part of them
            page = self._redacted(_head(response, DETAIL_BYTES), cut=True)
            detail = messages.clipped(self._redacted(_page_text(page, kind)), 300)
            said = f"answered {status} to {what}"
            if status in UNAVAILABLE and error is StoreError:
                # A 503 from a server down behind its proxy, or shedding load, blamed a record
                # (the batch was written again in halves, a record refused alone quarantined).
                wait = f"{wait} s" if wait.isdigit() else wait
                said += (
                    " (the server, or a proxy before it, cannot take writes now: the next run "
                    "writes these records again" + (f"; retry after {wait})" if wait else ")")
                )
            # A 400 says what is wrong with the query, which its client needs to know.
            raise self._error(
                error,
                url,
                said,
                400 if status == 400 else 502,
                detail=detail,
                public=status == 400,
                fault=status in UNAVAILABLE,
            )
        return response

    def _error(
        self,
        error: type[StoreError | QueryError],
        url: str,
        what: str,
        http_status: int = 502,
        *,
        detail: str = "",
        public: bool = False,
        fault: bool = False,
    ) -> StoreError | QueryError:
        """The error for a failed request, in one line without any credential.

        A ``QueryError`` may be answered to any client of the endpoint: it says that the
        remote store failed and how, not where the store is nor what its error page said
        (unless ``public``), which go to the log; a ``StoreError`` (a harvest's writes,
        read by the operator) says all; ``fault``: the server failed, not the request (it
        cannot be reached, or took too long), a ``StoreFaultError``."""
        full = self._redacted(
            f"the remote store at {url} {what}" + (f": {detail}" if detail else "")
        )
        if error is StoreError:
            return (StoreFaultError if fault else StoreError)(full, http_status=http_status)
        # what the client is not told (a 400 is told whole: no log line); nor a request the
        # deadline cut, which ``_within`` logs as late, not as "cannot be reached" first
        if not public and not passed():
            _log.warning("%s", full)
        shown = f"the remote store {what}" + (f": {detail}" if detail and public else "")
        return QueryError(self._redacted(shown), http_status=http_status)

    def _redacted(self, text: str, *, cut: bool = False) -> str:
        """``text`` with every credential replaced; ``cut``: the text may have been cut short
        in the middle of one, whose beginning is taken out too."""
        for secret in self._secrets:
            text = text.replace(secret, "[credentials]")
            if cut:
                kept = next(
                    (n for n in range(len(secret) - 1, 0, -1) if text.endswith(secret[:n])), 0
                )
                text = text[: len(text) - kept] + ("[credentials]" if kept else "")
        return text

    def update(self, sparql: str) -> None:
        """A SPARQL Update request (its operations run in order; servers commit it whole)."""
        url = self.endpoint.update_endpoint
        with self._within(url, "an update", StoreError):
            answer = self._send(
                "POST",
                url,
                what="an update",
                data=sparql.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
            _head(answer, DRAINED_BYTES)

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace one named graph (Graph Store Protocol PUT)."""
        self._graph_write("PUT", graph, ntriples, f"writing {graph}")

    def post_graph(self, graph: str, ntriples: bytes) -> None:
        """Add statements to one named graph (Graph Store Protocol POST, which merges)."""
        self._graph_write("POST", graph, ntriples, f"adding to {graph}")

    def _graph_write(self, method: str, graph: str, ntriples: bytes, what: str) -> None:
        url = self.endpoint.graph_store_endpoint
        assert url is not None
        with self._within(url, what, StoreError):
            answer = self._send(
                method,
                url,
                what=what,
                params={"graph": graph},
                data=ntriples,
                headers={"Content-Type": _NTRIPLES},
            )
            _head(answer, DRAINED_BYTES)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        timeout: float | None = None,
    ) -> QueryResult | Iterator[Triple]:
        """Ask the query service; the answer is read as it arrives (a capped answer stops
        reading early) and parsed by Oxigraph, so callers see the same objects as from the
        embedded store: solutions, a boolean, or triples. The answer must begin within
        ``timeout``; its rows are read by the caller, in its own time limit (the endpoint's
        query processes are stopped at theirs)."""
        with self._within(self.endpoint.query_endpoint, "a query", QueryError, timeout):
            return self._ask(
                sparql, default_graphs=default_graphs, named_graphs=named_graphs, timeout=timeout
            )

    def _ask(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        timeout: float | None = None,
    ) -> QueryResult | Iterator[Triple]:
        form: list[tuple[str, str]] = [("query", sparql)]
        form += [("default-graph-uri", g) for g in default_graphs]
        form += [("named-graph-uri", g) for g in named_graphs]
        started = time.monotonic()
        response = self._send(
            "POST",
            self.endpoint.query_endpoint,
            what="a query",
            error=QueryError,
            timeout=timeout,
            data=form,
            headers={"Accept": _NTRIPLES if GRAPH_FORM.match(sparql) else _ACCEPTED},
        )
        if _log.isEnabledFor(logging.DEBUG):
            body_text = " ".join(ln for ln in sparql.splitlines() if not ln.startswith("PREFIX"))
            _log.debug("%.3f s: %s", time.monotonic() - started, " ".join(body_text.split())[:500])
        response.raw.decode_content = True
        body = cast(IO[bytes], _Body(response, self._redacted))
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            if kind in (_NTRIPLES, "text/plain"):
                return _triples(parse(body, RdfFormat.N_TRIPLES), response, self._redacted)
            if kind in (_RESULTS, "application/json"):
                labelled = cast(IO[bytes], Blanks(body))
                return _boolean(parse_query_results(labelled, QueryResultsFormat.JSON))
        except (SyntaxError, ValueError, OSError, MemoryError) as exc:
            response.close()
            raise unreadable(exc, self._redacted) from exc
        response.close()
        raise QueryError(
            f"the remote store answered in {kind or 'an unnamed format'}, not SPARQL results",
            http_status=502,
        )

    def select(
        self, sparql: str, *, default_graphs: Sequence[str] = ()
    ) -> Iterator[dict[str, str | None]]:
        """A SELECT query's rows as plain strings (for Museion's bookkeeping), all within the
        endpoint's ``timeout``. The query is sent, and its answer begun, before this returns
        (a refusal fails here); its rows are read and parsed as the caller takes them, so a
        large answer (every graph on the server) is never held whole, and a fault in the
        middle of the answer comes while they are taken."""
        rows = self._select(sparql, default_graphs)
        try:
            first = next(rows)
        except StopIteration:
            return iter(())
        return itertools.chain((first,), rows)

    def _select(
        self, sparql: str, default_graphs: Sequence[str]
    ) -> Iterator[dict[str, str | None]]:
        with self._within(self.endpoint.query_endpoint, "a query", QueryError) as deadline:
            results = self._ask(sparql, default_graphs=default_graphs)
            # What the caller asks between two rows is not this query's: its own requests
            # run under its own deadline, if any (this one still cuts this answer).
            deadline.leave_thread()
            if not isinstance(results, QuerySolutions):
                raise QueryError("the remote store did not answer a SELECT query with rows")
            yield from self.rows(results)

    def rows(self, results: QuerySolutions) -> Iterator[dict[str, str | None]]:
        """Solutions as plain strings, parsed as they are read off the answer: a fault at any
        row (an answer cut short, or one that does not parse) is one ``QueryError`` (502)."""
        names = [v.value for v in results.variables]
        try:
            for solution in results:
                yield {n: (None if (t := solution[n]) is None else t.value) for n in names}
        except (SyntaxError, ValueError, OSError, MemoryError) as exc:
            raise unreadable(exc, self._redacted) from exc

    @contextmanager
    def _within(
        self,
        url: str,
        what: str,
        error: type[StoreError | QueryError],
        timeout: float | None = None,
    ) -> Iterator[Deadline]:
        """The block's requests, their answers included, end by ``timeout`` (the endpoint's
        by default) however slowly the server sends: a socket timeout bounds only silences,
        and a server that sent a byte a second held a harvest, and the data directory's
        writer lock, for as long as it liked."""
        seconds = timeout or self.endpoint.timeout
        late = f"did not answer {what} within {seconds:g} s"
        with ended_by(seconds, lambda: self._error(error, url, late, 504, fault=True)) as deadline:
            yield deadline


class _Credentials(requests.auth.AuthBase):
    """The ``Authorization`` the environment gave (or none): the only credentials sent."""

    def __init__(self, header: str | None) -> None:
        self.header = header

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.pop("Authorization", None)
        if self.header is not None:
            request.headers["Authorization"] = self.header
        return request


def _head(response: requests.Response, limit: int) -> str:
    """The first ``limit`` bytes of an answer's body, as text; the answer is then closed. A
    body read to its end leaves the connection to be used again; a longer one (a server that
    sends without end) is cut there, its connection dropped."""
    body = bytearray()
    try:
        for chunk in response.iter_content(min(limit, 65536)):
            body += chunk
            if len(body) >= limit:
                break
    except requests.RequestException:
        pass  # what came before the fault is all there is to tell
    finally:
        response.close()
    return bytes(body[:limit]).decode("utf-8", errors="replace")


def _page_text(page: str, kind: str) -> str:
    """An error page as one line: an HTML page (a proxy's 502 or 503) by its text."""
    if kind == "text/html" or page.lstrip()[:14].lower().startswith(("<!doctype html", "<html")):
        page = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", page)
        page = html.unescape(re.sub(r"<[^>]*>?", " ", page))
    return " ".join(page.split())


def unreadable(exc: BaseException, redacted: Callable[[str], str]) -> QueryError:
    """The error for an answer Oxigraph could not parse (a MemoryError is its refusal of a
    single value over 16 MiB, not the machine's memory running out)."""
    return QueryError(redacted(f"the remote store's answer cannot be read: {exc}"), http_status=502)


class _Body:
    """An answer's body as Oxigraph reads it: a connection that broke off, or an answer cut
    short, becomes one ``QueryError`` naming the remote store, which Oxigraph passes on
    as it is, where urllib3's own exceptions came out of a harvest or a query process as
    tracebacks (``ProtocolError: Connection broken: IncompleteRead``)."""

    def __init__(self, response: requests.Response, redacted: Callable[[str], str]) -> None:
        self.response = response
        self.redacted = redacted

    def read(self, size: int = -1) -> bytes:
        try:
            return bytes(self.response.raw.read(None if size < 0 else size))
        except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
            self.response.close()
            raise QueryError(
                self.redacted(f"the remote store's answer broke off: {exc}"), http_status=502
            ) from exc

    def readable(self) -> bool:
        return True


def _boolean(results: QueryResult) -> QueryResult:
    """Virtuoso answers ASK with one variable, ``__ASK_RETVAL``, and a row when true: read it
    as the boolean the standard says (``{"boolean": true}``)."""
    if isinstance(results, QuerySolutions) and [v.value for v in results.variables] == [
        "__ASK_RETVAL"
    ]:
        found = next(iter(results), None) is not None
        text = b'{"head": {}, "boolean": %s}' % (b"true" if found else b"false")
        return parse_query_results(text, QueryResultsFormat.JSON)
    return results


def _triples(
    triples: Iterable[object], response: requests.Response, redacted: Callable[[str], str]
) -> Iterator[Triple]:
    try:
        for quad in triples:
            yield quad.triple  # type: ignore[attr-defined]
    except (SyntaxError, ValueError, OSError, MemoryError) as exc:
        raise unreadable(exc, redacted) from exc
    finally:
        response.close()
