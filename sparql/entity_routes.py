"""An entity's answers at its minted IRI: which representation a request asks for (an HTML
page, Turtle, N-Triples, or JSON-LD in the Linked Art or the graph profile), the job that
renders it in a query process (which names every alternative in the ``Link`` header)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from pyoxigraph import NamedNode
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from . import site
from .jobs import EntityJob
from .linkedart_context import EXTENSION_PATH, extension_context
from .negotiation import (
    GRAPH_FORMATS,
    GRAPH_PROFILE,
    LINKED_ART_PROFILE,
    VARY,
    NotAcceptable,
    accepts_html,
    hinted,
    negotiate,
    preferred_profile,
)
from .own_graphs import entity_graph_source
from .report_files import partner_source, report_stamp
from .settings import EndpointSettings
from .web import here, iri_path, not_acceptable, text_error, ui_lang

__all__ = ["EntityRequest", "entity_request"]


@dataclass(frozen=True)
class EntityRequest:
    """What a request for an entity asks a query process for."""

    job: EntityJob
    variant: str
    """The representation, as the snapshot's validators (``ETag``) name it."""
    headers: dict[str, str] = field(default_factory=dict)


def entity_request(request: Request, settings: EndpointSettings) -> EntityRequest | Response:
    """The job answering a request under the base IRI's path, or the answer itself when no
    query is needed (the Linked Art extension context, an error)."""
    path = request.url.path
    base_path = settings.base_path
    sent = iri_path(request.scope)
    canonical = canonical_path(sent, base_path)
    if not canonical.startswith(base_path):  # as written: "/mus%C3%A9e/", not "/musée/"
        return text_error(404, f"nothing is served at {path}")
    if canonical == base_path + EXTENSION_PATH:
        return Response(
            json.dumps(extension_context(), indent=2),
            media_type="application/ld+json",
            headers={"Cache-Control": "public, max-age=86400"},
        )
    if canonical != sent:  # "%c3%a1", a raw "á" or ":" for the "%C3%A1", "%3A" Museion mints
        query = request.url.query
        return RedirectResponse(
            canonical + (f"?{query}" if query else ""),
            status_code=301,
            headers=VARY,
        )
    iri = settings.base_iri + sent[len(base_path) :]
    try:
        NamedNode(iri)
    except ValueError:  # "%ZZ", a raw ">" or space: no IRI Museion mints looks like that
        return text_error(404, f"nothing is served at {path}: <{iri}> is not a valid IRI")
    try:
        representation = _representation(request)
    except NotAcceptable as exc:
        return not_acceptable(str(exc))
    # The path as sent: decoded, an identifier's "%2F" would name another IRI (not served).
    raw = iri_path(request.scope).encode("latin-1")
    job = EntityJob(
        iri,
        representation,
        site.url("/sparql"),
        lang=ui_lang(request),
        here=here(request),
        view=request.query_params.get("view", ""),
        link_path=quote(raw, safe="/%:@!$&'()*+,;=~"),
    )
    variant = f"entity {iri} {representation}"
    source = entity_graph_source(iri, settings.base_iri)
    if source is not None:  # said by its partner's name, which the config may change while
        # the snapshot stays: a copy kept from before a rename is not answered as still good
        variant += " " + json.dumps(settings.partners.get(source, ""), ensure_ascii=False)
    if representation == "html":  # each language is its own page
        variant += f" {ui_lang(request)} {job.view}"
        partner = partner_source(sent[len(base_path) :])
        if partner is not None:  # a partner's page links to its latest report by what that
            # run was: a remap that changed nothing publishes no new snapshot, yet its report
            # is the one linked
            variant += " " + report_stamp(settings.reports_dir, partner)
    # The Link header is the query process's: only it knows whether the IRI has a Linked Art
    # API document (a record, a dataset, an embedded node has none).
    return EntityRequest(job, variant, dict(VARY))


_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_DELIMITERS = frozenset(":@!$&'()*+,;=")
"""Characters an IRI's path may hold as they are, which Museion never leaves so in what it
mints (``mappings.iris.encode_id`` escapes all but letters, digits and ``-._~``): a person
typing ``tate/record/person:480`` means the ``person%3A480`` Museion minted."""


def canonical_path(path: str, base_path: str = "/") -> str:
    """A request path (as sent, its bytes as latin-1) written as Museion writes its IRIs'
    paths: percent escapes in upper case, any byte outside ASCII escaped, and after
    ``base_path`` the delimiters an identifier never holds raw (``:``, ``@``, ``(``...). An
    escape is never decoded: an identifier's "%2F" is not a "/"."""
    upper = _ESCAPE.sub(lambda m: m.group().upper(), path)
    written = "".join(c if ord(c) < 0x80 else f"%{ord(c):02X}" for c in upper)
    if written.startswith(base_path):
        rest = written[len(base_path) :]
        written = base_path + "".join(f"%{ord(c):02X}" if c in _DELIMITERS else c for c in rest)
    return "/" + written.lstrip("/")  # "//host/…" would send the reader to another site


def _representation(request: Request) -> str:
    accept = request.headers.get("accept")
    format_param = request.query_params.get("format")
    if format_param != "html" and hinted(format_param, GRAPH_FORMATS[:4]) is None:
        format_param = None  # a hint that names nothing served here yields to Accept
    if format_param in (None, "html") and (format_param == "html" or accepts_html(accept)):
        return "html"
    fmt = negotiate(accept, GRAPH_FORMATS[:4], format_param)
    return _linked_art_profile(request) if fmt.name == "jsonld" else fmt.name


def _linked_art_profile(request: Request) -> str:
    """Which JSON-LD document an entity's IRI answers: the Linked Art API document (the
    default), or the graph profile — asked for by ``Accept``'s ``profile`` or by ``?profile=graph``
    (a link can carry no header)."""
    wanted = request.query_params.get("profile")
    if wanted in ("graph", GRAPH_PROFILE):
        return "linked-art-graph"
    if wanted in ("linked-art", LINKED_ART_PROFILE):
        return "linked-art"
    offered = (LINKED_ART_PROFILE, GRAPH_PROFILE)
    chosen = preferred_profile(request.headers.get("accept"), "application/ld+json", offered)
    return "linked-art-graph" if chosen == GRAPH_PROFILE else "linked-art"
