"""Linked-data pages: what a minted IRI answers — HTML for people, RDF for machines.

An entity's description is its *bounded description* in Linked Art's sense: the statements
about the IRI, and about the nodes Museion minted under it (``{object}/production``,
``{object}/title/1``: names, identifiers, dimensions, time-spans), which Linked Art embeds in
the entity's document. Around it the HTML page adds labels of what it links to, the partner
whose record it came from, and the entities that refer to it (a person's works).

Answers: 200 with a description; 410 for a withdrawn entity (a ``museion:Tombstone`` in the
metadata graph); 404 for an IRI the store has never described.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from museion_core.errors import QueryError
from museion_core.vocab import DCTERMS

from . import i18n
from .caching import CACHE_CONTROL
from .description import (
    Description,
    Gone,
    Moved,
    Value,
    describe,
    is_live,
    local_href,
    safe_href,
    safe_url,
)
from .jobs import EntityJob, Reply
from .linkedart import embedded_only, is_museion_own, linked_art_document
from .moments import day, moment, period, period_pieces
from .negotiation import (
    GRAPH_FORMATS,
    GRAPH_PROFILE,
    LINKED_ART_PROFILE,
    alternates,
    check_xml_characters,
)
from .object_dates import date_said
from .object_dimensions import figures_written
from .own_graphs import OwnGraph, own_graph
from .people import people_html
from .prefixes import PREFIXES
from .render import readable_path

if TYPE_CHECKING:
    from .executor import Worker

__all__ = [
    "Description",
    "describe",
    "entity_reply",
    "local_href",
    "safe_href",
    "templates",
]

# -- answers ------------------------------------------------------------------------------


@cache
def templates() -> Environment:
    env = Environment(
        loader=PackageLoader("sparql", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["urlquote"] = lambda s: quote(str(s), safe="")
    env.filters["safe_url"] = safe_url
    env.filters["readable_path"] = readable_path
    env.filters["moment"] = moment
    env.filters["day"] = day
    env.filters["period"] = period
    env.filters["period_pieces"] = period_pieces
    env.filters["date_said"] = date_said
    env.globals["figures_written"] = figures_written
    env.globals["linked_art_profile"] = LINKED_ART_PROFILE
    env.globals["graph_profile"] = GRAPH_PROFILE
    return i18n.install(env)


def entity_reply(worker: Worker, job: EntityJob) -> Reply:
    if job.representation == "html" and job.view != "rdf" and is_live(worker, job.iri):
        html = people_html(worker, job, templates())
        if html is not None:  # an object, a person, a place, a partner: Linked Art entities
            page = Reply(content_type="text/html; charset=utf-8", body=html.encode("utf-8"))
            return _linked(job, page, linked_art=True)
    found = describe(worker, job.iri)
    site = worker.settings.title
    if found is None:
        return _page_error(job, site, 404, "Not found", _NO_DESCRIPTION)
    if isinstance(found, Moved):
        return _moved(job, found, worker.settings.base_iri, site)
    if isinstance(found, Gone):
        if found.deleted_at and found.reason in _PARTY_GONE:
            template = _PARTY_GONE[found.reason]
            return _page_error(
                job, site, 410, "Gone", template, date=found.deleted_at, records=found.records
            )
        if found.deleted_at:
            return _page_error(job, site, 410, "Gone", _WITHDRAWN_ON, date=found.deleted_at)
        return _page_error(job, site, 410, "Gone", _WITHDRAWN)
    # A node Linked Art only embeds has no Linked Art API document of its own, and one of
    # Museion's own resources (a record, a dataset, a harvest run) is no Linked Art entity:
    # each is answered in the graph profile, and only that profile is offered for it.
    linked_art = not (
        is_museion_own(found.iri, found.triples)
        or embedded_only(found.iri, _from_parents(worker, found.iri))
    )
    if job.representation == "html":
        query = f"SELECT ?property ?value WHERE {{\n  <{job.iri}> ?property ?value\n}}"
        base = worker.settings.base_iri
        # one of Museion's own graphs: what it is (a source's, by its partner's name)
        own = own_graph(found.iri, base, job.lang, worker.settings.partners)
        heading, heading_text = _heading(found, job.lang, own)
        html = i18n.render(
            templates().get_template("entity.html"),
            job.lang,
            job.here,
            d=found,
            heading=heading,
            heading_text=heading_text,
            about=own.comment if own is not None else "",
            own_source=own.source if own is not None else "",
            back=job.view == "rdf",  # from a page that has its own reading of the entity
            endpoint=job.endpoint_path,
            query=query,
            base=worker.settings.base_iri,
            title=worker.settings.title,
            linked_art_profile=LINKED_ART_PROFILE,
            graph_profile=GRAPH_PROFILE,
            linked_art=linked_art,
        )
        page = Reply(content_type="text/html; charset=utf-8", body=html.encode("utf-8"))
        return _linked(job, page, linked_art=linked_art)
    if job.representation in ("linked-art", "linked-art-graph"):
        graph = job.representation == "linked-art-graph" or not linked_art
        document = linked_art_document(
            found.iri,
            found.triples,
            found.references,
            embedded_ids=graph,
        )
        profile = GRAPH_PROFILE if graph else LINKED_ART_PROFILE
        reply = Reply(
            content_type=f'application/ld+json;profile="{profile}"',
            body=json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"),
        )
        return _linked(job, reply, linked_art=linked_art)
    fmt = next((f for f in GRAPH_FORMATS if f.name == job.representation), None)
    if fmt is None:
        raise QueryError(f"unknown representation {job.representation!r}", http_status=406)
    found.triples.sort(key=lambda t: (str(t.subject), str(t.predicate)))
    body = serialize(
        _as_graph(found.triples, fmt.rdf_format()), format=fmt.rdf_format(), prefixes=PREFIXES
    )
    check_xml_characters(fmt, body or b"")
    return _linked(
        job, Reply(content_type=fmt.content_type, body=body or b""), linked_art=linked_art
    )


_DATASET_HEADING = "{name} — dataset"


def _heading(found: Description, lang: str, own: OwnGraph | None) -> tuple[Markup, str]:
    """The page's heading (and its text, for the window's title): the entity's label, or for
    a partner's dataset its title said to be the dataset ("Tate — dataset"), so that it is
    neither an IRI nor read as the page of the partner, whose name the title is; for one of
    Museion's own graphs (``own``), which holds no statement about itself, what it is in
    ``lang``."""
    if own is not None:
        return own.heading, own.label
    if found.kind != "Dataset":
        return Markup(escape(found.label)), found.label
    subject = NamedNode(found.iri)
    named = {
        t.predicate: t.object.value
        for t in found.triples
        if t.subject == subject
        and t.predicate in (DCTERMS.title, DCTERMS.identifier)
        and isinstance(t.object, Literal)
    }
    name = named.get(DCTERMS.title) or named.get(DCTERMS.identifier)
    if not name:
        return Markup(escape(found.label)), found.label
    with i18n.using(lang):
        wording = i18n.gettext(_DATASET_HEADING)
    shown = Markup(escape(wording)).format(name=Markup("<bdi>{}</bdi>").format(name))
    return shown, wording.format(name=name)


def _linked(job: EntityJob, reply: Reply, *, linked_art: bool) -> Reply:
    """The answer with its ``Link`` header: every representation the IRI is served in."""
    if job.link_path:
        reply.headers["Link"] = alternates(job.link_path, linked_art=linked_art)
    return reply


def _from_parents(worker: Worker, iri: str) -> list[Triple]:
    """What the entities whose IRIs ``iri`` lies under (``{object}`` of ``{object}/image/1``)
    say of it: a few lookups, however many others point at it."""
    base = worker.settings.base_iri
    if not iri.startswith(base):
        return []
    node, store = NamedNode(iri), worker.store()
    found: list[Triple] = []
    path = iri[len(base) :].split("/")
    for end in range(1, len(path)):
        parent = NamedNode(base + "/".join(path[:end]))
        found += [q.triple for q in store.triples(parent, None, node)]
    return found


def _moved(job: EntityJob, moved: Moved, base: str, site: str) -> Reply:
    """308 to the one entity a retired IRI became; 300 listing them when it was split."""
    pairs = [(h, t) for t in moved.targets if (h := local_href(t, base)) is not None]
    if not pairs:
        return _page_error(job, site, 404, "Not found", _NO_DESCRIPTION)
    hrefs = [h for h, _ in pairs]
    if len(pairs) == 1:
        return Reply(
            status=308,
            # Asked again before reuse, as entity answers are: a cache may keep a 308 for
            # good (RFC 9111 §4.2.2), and a reviewed [[same]] can be undone by the next run.
            headers={"Location": hrefs[0], "Cache-Control": CACHE_CONTROL},
            body=f"<{moved.iri}> is now <{pairs[0][1]}>\n".encode(),
        )
    links = ", ".join(f'<{href}>; rel="alternate"' for href in hrefs)
    if job.representation == "html" and moved.reason == _CHANGED and moved.deleted_at:
        reply = _page_error(
            job,
            site,
            300,
            "Multiple choices",
            _PARTY_CHOICES,
            date=moved.deleted_at,
            records=moved.records,
            choices=[c for c in moved.choices if c.href is not None],
        )
        reply.headers.update({"Link": links, "Cache-Control": CACHE_CONTROL})
        return reply
    if job.representation == "html":
        items = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for h, t in pairs)
        body = (
            f"<!doctype html><title>Multiple choices</title><h1>{escape(moved.iri)} was split"
            f"</h1><p>It now stands for several entities:</p><ul>{items}</ul>"
        ).encode()
        return Reply(
            status=300,
            content_type="text/html; charset=utf-8",
            body=body,
            headers={"Link": links, "Cache-Control": CACHE_CONTROL},
        )
    text = "".join(f"{t}\n" for t in moved.targets)
    return Reply(
        status=300, body=text.encode(), headers={"Link": links, "Cache-Control": CACHE_CONTROL}
    )


def _as_graph(triples: Iterable[Triple], fmt: RdfFormat) -> list[Triple] | list[Quad]:
    if fmt.supports_datasets:
        return [Quad(t.subject, t.predicate, t.object) for t in triples]
    return list(triples)


_NO_DESCRIPTION = "Museion has no description of {iri}."
_WITHDRAWN = "{iri} was withdrawn by its partner; Museion no longer describes it."
_WITHDRAWN_ON = "{iri} was withdrawn by its partner on {date}; Museion no longer describes it."
_CHANGED = "changed"
_PARTY_GONE = {
    _CHANGED: (
        "{iri} was named by a record its partner changed on {date}; no record names it any "
        "more, so Museion no longer describes it."
    ),
    "withdrawn": (
        "{iri} was named by a record its partner withdrew on {date}; Museion no longer "
        "describes it."
    ),
}
"""Why a party's IRI answers 410 (``museion:reason``, as ``publish.departures`` writes it)."""
_PARTY_CHOICES = (
    "{iri} was named by a record its partner changed on {date}; in its place the record now names:"
)


def _page_error(
    job: EntityJob,
    site: str,
    status: int,
    heading: str,
    template: str,
    *,
    date: str = "",
    records: Sequence[Value] = (),
    choices: Sequence[Value] = (),
) -> Reply:
    """The error in one line of English for a client of the data, or as a page in the
    reader's language under the site's own header (the page's header had read "Not found"
    where the site's name goes, and its sentence stayed English on a French page); with,
    for a retired party, the ``choices`` that replace it and the ``records`` that named it.
    A client of the data gets no page it could take for data: the status, the line, and
    (for several choices) their ``Link`` header."""
    if job.representation != "html":
        return Reply.error(status, template.format(iri=f"<{job.iri}>", date=date))
    with i18n.using(job.lang):
        message = Markup(escape(i18n.gettext(template))).format(
            iri=Markup('<bdi dir="ltr">&lt;{}&gt;</bdi>').format(job.iri),
            date=Markup('<bdi><time datetime="{}">{}</time></bdi>').format(date, moment(date)),
        )
        heading = i18n.gettext(heading)
    html = i18n.render(
        templates().get_template("error.html"),
        job.lang,
        job.here,
        status=status,
        heading=heading,
        title=site,
        message=message,
        endpoint=job.endpoint_path,
        choices=choices,
        records=records,
    )
    return Reply(status=status, content_type="text/html; charset=utf-8", body=html.encode("utf-8"))
