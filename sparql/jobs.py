"""The jobs an HTTP worker hands to a query process, and the replies that come back."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "TRUNCATED_HEADER",
    "ChecklistRowsJob",
    "EntityJob",
    "Job",
    "QueryJob",
    "Reply",
    "UpdateJob",
    "VoidJob",
]

TRUNCATED_HEADER = "X-SPARQL-MaxRows"
"""Sent (with the cap) when an answer was cut at ``max_rows``: the convention Virtuoso set."""


@dataclass(frozen=True)
class QueryJob:
    """A query as the client sent it: the query process checks it (SERVICE endpoints), runs
    it, and negotiates the format once the answer's kind is known."""

    query: str
    base_iri: str
    accept: str | None = None
    """The request's ``Accept`` header."""
    format: tuple[str, ...] = ()
    """The request's ``format=`` (and ``output=``) parameters: a hint that wins over
    ``Accept`` when it names a format that can be served."""
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = 0
    """When not 0, the answer is cut to ``max_rows`` rows (or triples) while it is written,
    with a header saying so."""


@dataclass(frozen=True)
class UpdateJob:
    update: str
    base_iri: str
    using_graphs: tuple[str, ...] = ()
    """The protocol's ``using-graph-uri``, given to every DELETE/INSERT as ``USING``."""
    using_named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntityJob:
    iri: str
    representation: str
    """``html``, or a graph ``Format.name``, or ``linked-art`` (the Linked Art API document) or
    ``linked-art-graph`` (the same with every embedded node's ``id``)."""
    endpoint_path: str = "/sparql"
    lang: str = "en"
    """The reader's UI language (``sparql.i18n``), for HTML."""
    here: str = ""
    """The page's path and query, for the language menu's links back to it."""
    view: str = ""
    """``rdf``: the full statement tree instead of the page for people."""
    link_path: str = ""
    """The IRI's path as the request sent it, percent-encoded: the ``Link`` header's targets
    (none when empty)."""


@dataclass(frozen=True)
class VoidJob:
    format: str
    """A graph ``Format.name``, or ``html`` (the page)."""
    endpoint_url: str
    void_url: str
    lang: str = "en"
    """The page's language (``html`` only)."""
    here: str = "/.well-known/void"
    """The page's path and query, for its language menu."""


@dataclass(frozen=True)
class ReconcileJob:
    """One request to the W3C Reconciliation API service (``/reconcile``)."""

    method: str
    path: str
    """Below the service URL: ``""``, ``/suggest/entity``, ``/preview``..."""
    query_string: str
    body: bytes
    content_type: str
    service_url: str


@dataclass(frozen=True)
class ChecklistRowsJob:
    """The registrar's fields of a checklist's objects, read from the current snapshot."""

    iris: tuple[str, ...]


Job = QueryJob | UpdateJob | EntityJob | VoidJob | ReconcileJob | ChecklistRowsJob


@dataclass
class Reply:
    status: int = 200
    content_type: str = "text/plain; charset=utf-8"
    body: bytes = b""
    file: str | None = None
    """A spool file holding the body, which the receiver sends and deletes."""
    headers: dict[str, str] = field(default_factory=dict)
    snapshot: str | None = None
    """The name of the published snapshot the answer was read from: its ``ETag``."""

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status=status, body=(message.rstrip() + "\n").encode("utf-8"))
