"""The jobs an HTTP worker hands to a query process, and the replies that come back."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["TRUNCATED_HEADER", "EntityJob", "Job", "QueryJob", "Reply", "UpdateJob", "VoidJob"]

TRUNCATED_HEADER = "X-SPARQL-MaxRows"
"""Sent (with the cap) when an answer was cut at ``max_rows``: the convention Virtuoso set."""


@dataclass(frozen=True)
class QueryJob:
    query: str
    base_iri: str
    results_format: str
    """The negotiated ``Format.name`` for SELECT/ASK answers."""
    graph_format: str
    """The negotiated ``Format.name`` for CONSTRUCT/DESCRIBE answers."""
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = 0
    """When not 0, the query was given ``LIMIT max_rows + 1`` and the answer is cut to
    ``max_rows``, with a header saying so."""


@dataclass(frozen=True)
class UpdateJob:
    update: str
    base_iri: str


@dataclass(frozen=True)
class EntityJob:
    iri: str
    representation: str
    """``html``, or a graph ``Format.name``, or ``linked-art`` (JSON-LD, Linked Art context)."""
    endpoint_path: str = "/sparql"
    lang: str = "en"
    """The reader's UI language (``sparql.i18n``), for HTML."""
    here: str = ""
    """The page's path and query, for the language menu's links back to it."""
    view: str = ""
    """``rdf``: the full statement tree instead of the page for people."""


@dataclass(frozen=True)
class VoidJob:
    format: str
    endpoint_url: str
    void_url: str


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


Job = QueryJob | UpdateJob | EntityJob | VoidJob | ReconcileJob


@dataclass
class Reply:
    status: int = 200
    content_type: str = "text/plain; charset=utf-8"
    body: bytes = b""
    file: str | None = None
    """A spool file holding the body, which the receiver sends and deletes."""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status=status, body=(message.rstrip() + "\n").encode("utf-8"))
