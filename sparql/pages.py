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
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from museion_core.errors import QueryError
from museion_core.vocab import CRM, LA, MUSEION, XSD

from . import i18n
from .jobs import EntityJob, Reply
from .linkedart import linked_art_document
from .negotiation import GRAPH_FORMATS, GRAPH_PROFILE, LINKED_ART_PROFILE
from .people import people_html
from .prefixes import PREFIXES
from .render import short_term

if TYPE_CHECKING:
    from store import StoreReader

    from .executor import Worker

__all__ = ["Description", "describe", "entity_reply", "safe_href", "templates"]

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
TOMBSTONE = MUSEION.Tombstone
DELETED_AT = MUSEION.deletedAt
REDIRECT = MUSEION.Redirect
REPLACED_BY = NamedNode("http://purl.org/dc/terms/isReplacedBy")
IN_DATASET = NamedNode("http://rdfs.org/ns/void#inDataset")
PARTNER = MUSEION.partner
DCTERMS_TITLE = NamedNode("http://purl.org/dc/terms/title")
SYMBOLIC = CRM.P190_has_symbolic_content
IDENTIFIED_BY = CRM.P1_is_identified_by
HAS_TYPE = CRM.P2_has_type
KEEPER = CRM.P50_has_current_keeper
REPRESENTATION = CRM.P138i_has_representation
SHOWN_BY = LA.digitally_shown_by
ACCESS_POINT = LA.access_point
PRODUCED_BY = CRM.P108i_was_produced_by
TIMESPAN = CRM.P4_has_time_span
REFERRED_BY = CRM.P67i_is_referred_to_by
PRIMARY_TOPIC = NamedNode("http://xmlns.com/foaf/0.1/primaryTopic")

MAX_DEPTH = 6
MAX_INCOMING = 200

_ENTITY = re.compile(
    r"^(?P<root>[a-z0-9-]+/(?:object|person|group|place|set|record)/[^/]+"
    r"|[a-z0-9-]+/concept/[^/]+/[^/]+|partner/[a-z0-9-]+|dataset/[a-z0-9-]+)"
)
_KINDS = {
    "object": "Object",
    "person": "Person",
    "group": "Group",
    "place": "Place",
    "set": "Set",
    "record": "Record graph",
    "concept": "Concept",
    "partner": "Partner",
    "dataset": "Dataset",
}


def entity_root(iri: str, base: str) -> str | None:
    """The minted entity an IRI belongs to (``{object}/production`` → ``{object}``)."""
    if not iri.startswith(base):
        return None
    match = _ENTITY.match(iri[len(base) :])
    return base + match.group("root") if match else None


def entity_kind(iri: str, base: str) -> str:
    rest = iri[len(base) :].split("/") if iri.startswith(base) else []
    if len(rest) >= 2 and rest[0] in ("partner", "dataset"):
        return _KINDS[rest[0]]
    if len(rest) >= 3 and rest[1] in _KINDS:
        return _KINDS[rest[1]]
    if rest in (["meta"], ["vocabulary"]):
        return "Museion graph"
    return "Resource"


@dataclass
class Value:
    """One object of a statement, ready for a template."""

    text: str
    href: str | None = None
    node: Node | None = None
    note: str = ""
    """Language tag or datatype, shown small."""


@dataclass
class Node:
    iri: str
    types: list[Value] = field(default_factory=list)
    rows: list[tuple[str, str, list[Value]]] = field(default_factory=list)
    """(property label, property IRI, values)."""


@dataclass
class Description:
    iri: str
    kind: str
    label: str
    triples: list[Triple]
    root: Node
    references: list[Triple] = field(default_factory=list)
    """Type and label of each entity the description links to: Linked Art documents show
    references as ``{"id", "type", "_label"}``."""
    images: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    partners: list[Value] = field(default_factory=list)
    records: list[Value] = field(default_factory=list)
    incoming: list[tuple[Value, str]] = field(default_factory=list)
    statements: list[tuple[str, str]] = field(default_factory=list)
    is_object: bool = False


@dataclass
class Gone:
    iri: str
    deleted_at: str | None


@dataclass
class Moved:
    """A retired aggregate IRI (two aggregates merged, or one split): where it went."""

    iri: str
    targets: list[str]


def describe(worker: Worker, iri: str) -> Description | Gone | Moved | None:
    store = worker.store()
    subject = NamedNode(iri)
    base = worker.settings.base_iri
    retired = _retired(store, subject)
    if retired is not None:
        return retired
    own = list(store.triples(subject))
    if not own and not store.has_graph(subject):
        return None
    labels = _Labels(worker)
    walk = _Walk(store, iri, base, labels, own)
    root = walk.node(subject, 0)
    description = Description(
        iri=iri,
        kind=entity_kind(iri, base),
        label=labels.own_label(iri) or iri,
        triples=walk.triples,
        root=root,
    )
    description.is_object = any(v.href == CRM.E22_Human_Made_Object.value for v in root.types)
    _highlights(worker, description, labels)
    description.references = _references(worker, iri, walk.triples)
    return description


def _retired(store: StoreReader, subject: NamedNode) -> Gone | Moved | None:
    """A redirect (merged or split) or a tombstone (withdrawn) in place of the entity."""
    if next(store.triples(subject, RDF_TYPE, REDIRECT), None) is not None:
        targets = sorted({_text(t.object) for t in store.triples(subject, REPLACED_BY)})
        if targets:
            return Moved(subject.value, targets)
    tomb = next(store.triples(subject, RDF_TYPE, TOMBSTONE), None)
    if tomb is not None:
        when = next(store.triples(subject, DELETED_AT), None)
        return Gone(subject.value, _text(when.object) if when is not None else None)
    return None


@dataclass
class _Walk:
    """The entity's own nodes (``{iri}/...``), nested as the page shows them; every triple
    read is kept for the entity's other formats."""

    store: StoreReader
    iri: str
    base: str
    labels: _Labels
    own: list[Quad]
    triples: list[Triple] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def node(self, node: NamedNode, depth: int) -> Node:
        self.seen.add(node.value)
        out = Node(node.value)
        quads = self.own if node.value == self.iri else list(self.store.triples(node))
        grouped: dict[str, list[Value]] = {}
        names: dict[str, str] = {}
        for quad in quads:
            self.triples.append(quad.triple)
            pred, obj = quad.predicate, quad.object
            if pred == RDF_TYPE and isinstance(obj, NamedNode):
                out.types.append(Value(_class_label(obj.value), safe_href(obj.value)))
                continue
            grouped.setdefault(pred.value, []).append(self.value(node, obj, depth))
            names[pred.value] = _property_label(pred.value)
        out.rows = [(names[p], p, grouped[p]) for p in sorted(grouped, key=lambda p: names[p])]
        return out

    def value(self, node: NamedNode, obj: object, depth: int) -> Value:
        iri = self.iri
        if isinstance(obj, NamedNode):
            inner = obj.value.startswith(iri + "/") or obj.value.startswith(node.value + "/")
            if inner and obj.value not in self.seen and depth < MAX_DEPTH:
                short = obj.value[len(iri) + 1 :] if obj.value.startswith(iri + "/") else ""
                text = self.labels.own_label(obj.value) or short or self.labels.get(obj.value)
                return Value(text, node=self.node(obj, depth + 1))
            return Value(self.labels.get(obj.value), local_href(obj.value, self.base))
        if isinstance(obj, Literal):
            note = obj.language or ""
            if not note and obj.datatype != XSD.string:
                note = short_term(obj.datatype)
            return Value(obj.value, note=note)
        return Value(str(obj))


def _live(worker: Worker, iri: str) -> bool:
    """Neither retired (a redirect) nor withdrawn (a tombstone): those answer 3xx/410."""
    store = worker.store()
    subject = NamedNode(iri)
    return (
        next(store.triples(subject, RDF_TYPE, REDIRECT), None) is None
        and next(store.triples(subject, RDF_TYPE, TOMBSTONE), None) is None
    )


def _references(worker: Worker, iri: str, triples: list[Triple]) -> list[Triple]:
    store = worker.store()
    out: list[Triple] = []
    targets = {
        t.object.value
        for t in triples
        if isinstance(t.object, NamedNode)
        and not t.object.value.startswith(iri + "/")
        and t.predicate != RDF_TYPE
        and t.object.value != iri
    }
    for target in sorted(targets)[:MAX_INCOMING]:
        node = NamedNode(target)
        out += [q.triple for q in store.triples(node, RDF_TYPE)]
        labels = [q.object for q in store.triples(node, RDFS_LABEL)]
        english = [t for t in labels if isinstance(t, Literal) and t.language == "en"]
        if labels:
            out.append(Triple(node, RDFS_LABEL, Literal(_text((english or labels)[0]))))
    return out


class _Labels:
    """Labels of linked IRIs: rdfs:label, else a name's content, else a short form."""

    def __init__(self, worker: Worker) -> None:
        self.store = worker.store()
        self.memo: dict[str, str] = {}

    def own_label(self, iri: str) -> str | None:
        node = NamedNode(iri)
        labels = [q.object for q in self.store.triples(node, RDFS_LABEL)]
        if not labels:
            for name in self.store.triples(node, IDENTIFIED_BY):
                if isinstance(name.object, NamedNode):
                    labels += [q.object for q in self.store.triples(name.object, SYMBOLIC)]
        if not labels:
            return None
        english = [t for t in labels if isinstance(t, Literal) and t.language == "en"]
        return _text((english or labels)[0])

    def get(self, iri: str) -> str:
        if iri not in self.memo:
            self.memo[iri] = self.own_label(iri) or short_term(NamedNode(iri))
        return self.memo[iri]


def local_href(iri: str, base: str) -> str | None:
    """Where a link to ``iri`` goes: a minted IRI to its page on the endpoint's own host (the
    path after the base IRI's host), an http(s) IRI to itself, anything else nowhere (None:
    the page shows it as text). A partner's ``javascript:``, ``data:`` or ``file:`` IRI is a
    valid IRI, and a link to it would run in this site's origin."""
    if iri.startswith(base):
        return urlsplit(base).path + iri[len(base) :]
    return safe_href(iri)


def safe_url(value: object) -> str:
    """Every ``href`` and ``src`` a template writes goes through this: a path of this site, or
    an http(s) URL; anything else (``javascript:``, ``data:``...) becomes ``#``, so a value
    that reached the store some other way can never run in the site's origin."""
    text = str(value).strip()
    if text.startswith(("/", "?", "#")) and not text.startswith("//"):
        return text
    return text if safe_href(text) else "#"


def safe_href(iri: str) -> str | None:
    """``iri`` if a browser may follow it from a page of this site (http or https), else None."""
    return iri if iri[:8].lower().startswith(("http://", "https://")) else None


def _class_label(iri: str) -> str:
    local = re.split(r"[/#]", iri)[-1]
    return re.sub(r"^(E\d+|D\d+)_", "", local).replace("_", " ").replace("-", " ")


def _property_label(iri: str) -> str:
    local = re.split(r"[/#]", iri)[-1]
    local = re.sub(r"^P\d+[a-z]?_", "", local)
    return local.replace("_", " ")


def _highlights(worker: Worker, d: Description, labels: _Labels) -> None:
    """What a person looks for first: images, dates, the partner, what refers to it."""
    store = worker.store()
    base = worker.settings.base_iri
    subject = NamedNode(d.iri)
    _images_and_dates(store, subject, d)
    for statement in store.triples(subject, REFERRED_BY):
        kinds = [
            labels.get(_text(q.object)) for q in store.triples(_named(statement.object), HAS_TYPE)
        ]
        for text in store.triples(_named(statement.object), SYMBOLIC):
            d.statements.append((", ".join(kinds) or "statement", _text(text.object)))
    _partners_and_records(store, subject, d, labels, base)
    _incoming(store, subject, d, labels, base)


def _images_and_dates(store: StoreReader, subject: NamedNode, d: Description) -> None:
    for rep in store.triples(subject, REPRESENTATION):
        for shown in store.triples(_named(rep.object), SHOWN_BY):
            for point in store.triples(_named(shown.object), ACCESS_POINT):
                image = safe_href(_text(point.object))
                if image is not None:
                    d.images.append(image)
    for production in store.triples(subject, PRODUCED_BY):
        for span in store.triples(_named(production.object), TIMESPAN):
            for name in store.triples(_named(span.object), IDENTIFIED_BY):
                d.dates += [_text(q.object) for q in store.triples(_named(name.object), SYMBOLIC)]


def _partners_and_records(
    store: StoreReader, subject: NamedNode, d: Description, labels: _Labels, base: str
) -> None:
    """The partners that keep the entity or describe it, and the record graphs it is in."""
    partners: dict[str, Value] = {}
    for keeper in store.triples(subject, KEEPER):
        partners[_text(keeper.object)] = Value(
            labels.get(_text(keeper.object)), local_href(_text(keeper.object), base)
        )
    graphs = {graph.value for graph in store.graphs_with_subject(subject)}
    for graph in sorted(graphs):
        if graph.startswith(base) and "/record/" in graph:
            d.records.append(Value(graph[len(base) :], local_href(graph, base)))
        for dataset in store.triples(NamedNode(graph), IN_DATASET):
            for partner in store.triples(_named(dataset.object), PARTNER):
                partners.setdefault(
                    _text(partner.object),
                    Value(
                        labels.get(_text(partner.object)), local_href(_text(partner.object), base)
                    ),
                )
    d.partners = list(partners.values())


def _incoming(
    store: StoreReader, subject: NamedNode, d: Description, labels: _Labels, base: str
) -> None:
    """The entities that point at this one, once per entity and property."""
    seen: set[tuple[str, str]] = set()
    for count, quad in enumerate(store.triples(None, None, subject)):
        if count >= MAX_INCOMING:
            break
        if not isinstance(quad.subject, NamedNode):
            continue
        owner = entity_root(quad.subject.value, base) or quad.subject.value
        if owner == d.iri or (owner, quad.predicate.value) in seen:
            continue
        seen.add((owner, quad.predicate.value))
        d.incoming.append(
            (
                Value(labels.get(owner), local_href(owner, base)),
                _property_label(quad.predicate.value),
            )
        )


def _named(term: object) -> NamedNode:
    return term if isinstance(term, NamedNode) else NamedNode("urn:museion:none")


def _text(term: object) -> str:
    return term.value if isinstance(term, NamedNode | Literal) else str(term)


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
    env.globals["linked_art_profile"] = LINKED_ART_PROFILE
    env.globals["graph_profile"] = GRAPH_PROFILE
    return i18n.install(env)


def entity_reply(worker: Worker, job: EntityJob) -> Reply:
    if job.representation == "html" and job.view != "rdf" and _live(worker, job.iri):
        html = people_html(worker, job, templates())
        if html is not None:
            return Reply(content_type="text/html; charset=utf-8", body=html.encode("utf-8"))
    found = describe(worker, job.iri)
    if found is None:
        return _page_error(job, 404, "Not found", f"Museion has no description of <{job.iri}>.")
    if isinstance(found, Moved):
        return _moved(job, found, worker.settings.base_iri)
    if isinstance(found, Gone):
        when = f" on {found.deleted_at}" if found.deleted_at else ""
        return _page_error(
            job,
            410,
            "Gone",
            f"<{job.iri}> was withdrawn by its partner{when}; Museion no longer describes it.",
        )
    if job.representation == "html":
        query = f"SELECT ?property ?value WHERE {{\n  <{job.iri}> ?property ?value\n}}"
        html = i18n.render(
            templates().get_template("entity.html"),
            job.lang,
            job.here,
            d=found,
            endpoint=job.endpoint_path,
            query=query,
            base=worker.settings.base_iri,
            title=worker.settings.title,
            linked_art_profile=LINKED_ART_PROFILE,
            graph_profile=GRAPH_PROFILE,
        )
        return Reply(content_type="text/html; charset=utf-8", body=html.encode("utf-8"))
    if job.representation in ("linked-art", "linked-art-graph"):
        graph = job.representation == "linked-art-graph"
        document = linked_art_document(
            found.iri,
            found.triples,
            found.references,
            base_iri=worker.settings.base_iri,
            embedded_ids=graph,
        )
        profile = GRAPH_PROFILE if graph else LINKED_ART_PROFILE
        return Reply(
            content_type=f'application/ld+json;profile="{profile}"',
            body=json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"),
        )
    fmt = next((f for f in GRAPH_FORMATS if f.name == job.representation), None)
    if fmt is None:
        raise QueryError(f"unknown representation {job.representation!r}", http_status=406)
    found.triples.sort(key=lambda t: (str(t.subject), str(t.predicate)))
    body = serialize(
        _as_graph(found.triples, fmt.rdf_format()), format=fmt.rdf_format(), prefixes=PREFIXES
    )
    return Reply(content_type=fmt.content_type, body=body or b"")


def _moved(job: EntityJob, moved: Moved, base: str) -> Reply:
    """308 to the one entity a retired IRI became; 300 listing them when it was split."""
    pairs = [(h, t) for t in moved.targets if (h := local_href(t, base)) is not None]
    if not pairs:
        return _page_error(job, 404, "Not found", f"Museion has no description of <{job.iri}>.")
    hrefs = [h for h, _ in pairs]
    if len(pairs) == 1:
        return Reply(
            status=308,
            headers={"Location": hrefs[0]},
            body=f"<{moved.iri}> is now <{pairs[0][1]}>\n".encode(),
        )
    links = ", ".join(f'<{href}>; rel="alternate"' for href in hrefs)
    if job.representation == "html":
        items = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for h, t in pairs)
        body = (
            f"<!doctype html><title>Multiple choices</title><h1>{escape(moved.iri)} was split"
            f"</h1><p>It now stands for several entities:</p><ul>{items}</ul>"
        ).encode()
        return Reply(
            status=300, content_type="text/html; charset=utf-8", body=body, headers={"Link": links}
        )
    text = "".join(f"{t}\n" for t in moved.targets)
    return Reply(status=300, body=text.encode(), headers={"Link": links})


def _as_graph(triples: Iterable[Triple], fmt: RdfFormat) -> list[Triple] | list[Quad]:
    if fmt.supports_datasets:
        return [Quad(t.subject, t.predicate, t.object) for t in triples]
    return list(triples)


def _page_error(job: EntityJob, status: int, title: str, message: str) -> Reply:
    if job.representation != "html":
        return Reply.error(status, message)
    html = i18n.render(
        templates().get_template("error.html"),
        job.lang,
        job.here,
        status=status,
        title=title,
        message=message,
        endpoint=job.endpoint_path,
    )
    return Reply(status=status, content_type="text/html; charset=utf-8", body=html.encode("utf-8"))
