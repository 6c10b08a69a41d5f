"""``kind = "sparql"``: every object a partner's SPARQL endpoint describes, incrementally.

The endpoint is asked twice over: a paged SELECT lists the objects (``?object``) and, when the
partner records it, when each last changed (``?modified``); then one CONSTRUCT per object fetches
its description, which becomes a record whose payload is canonical N-Triples (the same
description always gives the same bytes, so an unchanged object is not rewritten).

The defaults (``queries/*.rq``) match Linked Art and another Museion's ``/sparql``: with no
option beyond the URL, one Museion harvests another.

The checkpoint:

- between harvests: ``{"since": "2026-12-01T10:00:00Z"}`` — the newest ``?modified`` the last
  complete harvest saw, on the partner's own clock. The next harvest lists only objects changed
  on or after it (and those without a date, which cannot be judged). Absent when the partner
  gives no dates: every harvest is then a full one.
- during a harvest: ``{"since": ..., "offset": n, "newest": ...}`` — how many listed objects
  were taken; the list is ordered by ``?object``, so a failed harvest resumes at that offset.

A full harvest sees every object, so objects it no longer lists are withdrawn; an incremental
one cannot tell (SPARQL has no tombstones), so it withdraws nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any, ClassVar

from pydantic import Field, field_validator

from museion_core import messages
from museion_core.prefixes import ALL_PREFIXES, prologue, with_prologue

from ..base import (
    MAX_RETRIES,
    TIMEOUT,
    HarvesterOptions,
    MaxResponseBytes,
    MaxRetries,
    RequestDeadline,
    SourceSpec,
    Timeout,
    register,
)
from ..records import HarvestItem, RejectedRecord, SourceRecord
from ..webjson import auth_headers
from .client import SparqlClient, canonical_ntriples

__all__ = ["NTRIPLES", "SparqlHarvester", "SparqlOptions", "default_query"]

NTRIPLES = "application/n-triples"

_IRI = re.compile(r'^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>"{}|^`\\]*$')
_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


LIST_PREFIXES = ("crm", "la", "dcterms", "foaf", "rdf", "rdfs", "xsd")
"""The prefixes every list query declares, so a partner's ``list_where`` may use them."""


def default_query(name: str) -> str:
    """A shipped query without its comment lines: ``list`` (a group graph pattern),
    ``construct`` (with the ``PREFIX`` lines it needs) or ``prefixes`` (those of
    ``LIST_PREFIXES``). The files hold no namespace IRI; ``museion_core.prefixes`` writes them."""
    if name == "prefixes":
        return prologue({p: ALL_PREFIXES[p] for p in LIST_PREFIXES}).strip()
    text = resources.files(__package__).joinpath("queries", f"{name}.rq").read_text("utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#")).strip()
    return body if name == "list" else with_prologue(body)


class SparqlOptions(HarvesterOptions):
    list_where: str | None = None
    """A group graph pattern binding ``?object`` (and ``?modified`` when the partner has one);
    default: Linked Art objects, with Museion's record dates (``queries/list.rq``)."""
    construct_query: str | None = None
    """A CONSTRUCT query in which ``{object}`` stands for the object's IRI; default: the object
    and the nodes within three links of it (``queries/construct.rq``)."""
    prefixes: dict[str, str] = Field(default_factory=dict)
    """More ``PREFIX`` declarations for ``list_where`` (crm, la, dcterms, foaf, rdf, rdfs and
    xsd are declared already)."""
    page_size: int = Field(default=500, gt=0, le=10000)
    """Objects listed per SELECT (below the partner's row cap)."""
    incremental: bool = True
    """Ask only for objects changed since the last complete harvest, when ``?modified`` is bound."""
    timeout: Timeout = TIMEOUT
    max_retries: MaxRetries = MAX_RETRIES
    max_response_bytes: MaxResponseBytes = 64 * 1024 * 1024
    request_deadline: RequestDeadline = 600.0
    auth_header: str = "Authorization"
    """The header that carries ``auth_env``'s value."""
    auth_env: str | None = None
    """The environment variable holding the header's value (``Bearer …``); never the secret
    itself in config."""

    @field_validator("construct_query")
    @classmethod
    def _has_placeholder(cls, value: str | None) -> str | None:
        if value is not None and "{object}" not in value:
            raise ValueError("must contain {object} where the object's IRI goes")
        return value

    @field_validator("prefixes")
    @classmethod
    def _prefixes(cls, value: dict[str, str]) -> dict[str, str]:
        for name, iri in value.items():
            if not _PREFIX.match(name) or not _IRI.match(iri):
                raise ValueError(f"{name} = {iri!r} is not a prefix name and an IRI")
        return value


@register("sparql", SparqlOptions)
class SparqlHarvester:
    kind: ClassVar[str] = "sparql"

    def __init__(self, spec: SourceSpec) -> None:
        assert isinstance(spec.options, SparqlOptions)
        self.spec = spec
        self.options: SparqlOptions = spec.options
        self._state: dict[str, Any] = dict(spec.checkpoint)
        self._full = not (self.options.incremental and self._state.get("since"))
        self.client: SparqlClient | None = None

    @property
    def checkpoint(self) -> Mapping[str, Any]:
        return dict(self._state)

    @property
    def complete_snapshot(self) -> bool:
        return self._full and not self.spec.records

    @property
    def unread(self) -> tuple[str, ...]:
        return ()

    def __iter__(self) -> Iterator[HarvestItem]:
        self.client = SparqlClient(
            self.spec.location,
            source=self.spec.name,
            timeout=self.options.timeout,
            max_retries=self.options.max_retries,
            max_response_bytes=self.options.max_response_bytes,
            request_deadline=self.options.request_deadline,
            headers=auth_headers(self.options.auth_header, self.options.auth_env, self.spec.name),
            home=self.spec.location,
        )
        if self.spec.records:
            for iri in self.spec.records:
                yield self._describe(iri, None)
            return
        yield from self._harvest()

    # -- listing ---------------------------------------------------------------------------
    def list_query(self, since: str | None, offset: int) -> str:
        prologue = default_query("prefixes")
        for name, iri in self.options.prefixes.items():
            prologue += f"\nPREFIX {name}: <{iri}>"
        where = self.options.list_where or default_query("list")
        since_filter = ""
        if since is not None:
            # Typed comparison first; a partner's plain-string dates compare as text.
            literal = _string(since)
            since_filter = (
                f"\n  FILTER(!BOUND(?modified) || ?modified >= {literal}^^xsd:dateTime"
                f" || STR(?modified) >= {literal})"
            )
        return (
            f"{prologue}\nSELECT ?object (MAX(?modified) AS ?changed) WHERE {{\n{where}"
            f"\n  FILTER(isIRI(?object)){since_filter}\n}}\nGROUP BY ?object ORDER BY ?object"
            f"\nLIMIT {self.options.page_size} OFFSET {offset}"
        )

    def _harvest(self) -> Iterator[HarvestItem]:
        state = self._state
        if "offset" in state:  # an interrupted harvest: same list, same since
            since = state.get("since") if not self._full else None
            offset = int(state["offset"])
            newest = state.get("newest")
        else:
            since = None if self._full else state.get("since")
            offset, newest = 0, None
        previous = state.get("since")
        assert self.client is not None
        while True:
            rows = self.client.select(self.list_query(since, offset))
            for row in rows:
                iri = row.get("object", {}).get("value", "")
                changed = row.get("changed", {}).get("value") if "changed" in row else None
                offset += 1
                if changed and (newest is None or str(changed) > newest):
                    newest = str(changed)
                self._state = {"since": previous, "offset": offset, "newest": newest}
                yield self._describe(iri, changed)
            if len(rows) < self.options.page_size:
                break
        self._state = {"since": newest or previous} if (newest or previous) else {}

    # -- describing ------------------------------------------------------------------------
    def _describe(self, iri: str, changed: str | None) -> HarvestItem:
        assert self.client is not None
        name = self.spec.name
        origin = f"{self.spec.location} <{iri}>"
        if not _IRI.match(iri):
            return RejectedRecord(name, origin, messages.LISTED_NOT_IRI(iri=iri))
        template = self.options.construct_query or default_query("construct")
        query = template.replace("{object}", f"<{iri}>")
        payload = canonical_ntriples(list(self.client.construct(query)))
        if not payload:
            return RejectedRecord(name, origin, messages.CONSTRUCT_EMPTY(iri=iri), b"", iri)
        return SourceRecord(
            source=name,
            local_id=iri,
            payload=payload,
            media_type=NTRIPLES,
            datestamp=changed,
            origin=origin,
        )


def _string(text: str) -> str:
    """A SPARQL string literal (the value comes from the partner: escape it)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
