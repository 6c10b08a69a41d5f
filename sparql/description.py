"""An entity's bounded description, read from the store for its page and its RDF answers.

The statements about the IRI and about the nodes Museion minted under it (``{object}/production``,
``{object}/title/1``), nested as the page shows them; around it the labels of what it links to,
the partners whose records it came from, and the entities that refer to it. ``pages`` turns it
into answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from pyoxigraph import Literal, NamedNode, Quad, Triple

from museion_core.vocab import CRM, DCTERMS, LA, MUSEION, RDF, RDFS, VOID, XSD

from . import i18n
from .own_graphs import own_graph
from .render import readable_path, short_term

if TYPE_CHECKING:
    from store import StoreReader

    from .executor import Worker

__all__ = [
    "Description",
    "Gone",
    "Moved",
    "describe",
    "entity_kind",
    "entity_root",
    "is_live",
    "local_href",
    "safe_href",
    "safe_url",
]

RDF_TYPE = RDF.type
RDFS_LABEL = RDFS.label
TOMBSTONE = MUSEION.Tombstone
DELETED_AT = MUSEION.deletedAt
REDIRECT = MUSEION.Redirect
REPLACED_BY = DCTERMS.isReplacedBy
REFERRED_IN = DCTERMS.isReferencedBy
REASON = MUSEION.reason
IN_DATASET = VOID.inDataset
PARTNER = MUSEION.partner
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
    "set": "Set of objects",  # not "Set", the checklists' verb ("Appliquer") in French
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
    if own_graph(iri, base) is not None:
        return "Museion graph"
    return "Resource"


def _graph_statements(
    graph: NamedNode, base: str, partners: Mapping[str, str] | None = None
) -> list[Quad]:
    """What a named graph that holds no statements about itself is, for whoever follows its
    IRI (from a ``GRAPH ?g`` answer): Museion's own graphs are named and explained in each
    of the pages' languages (a source's by its partner's name, ``partners``), and every
    graph links to a query that lists what it holds."""
    quads = []
    for lang in i18n.LANGUAGES:
        words = own_graph(graph.value, base, lang, partners)
        if words is not None:
            quads.append(Quad(graph, RDFS_LABEL, Literal(words.label, language=lang)))
            quads.append(Quad(graph, RDFS.comment, Literal(words.comment, language=lang)))
    listing = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }} LIMIT 100"
    quads.append(
        Quad(graph, RDFS.seeAlso, NamedNode(f"{base}sparql?{urlencode({'query': listing})}"))
    )
    return quads


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
    reason: str = ""
    """Why a party's IRI was retired (``changed``: the last record to name it names it no
    longer; ``withdrawn``: that record was withdrawn); empty for a withdrawn record's own
    entity, or an aggregate."""
    records: list[Value] = field(default_factory=list)
    """The records' entities that named the party (``dcterms:isReferencedBy``)."""


@dataclass
class Moved:
    """A retired IRI and where it went: an aggregate merged into another or split
    (``reason`` ``merged``, ``split``), or a party its record now names otherwise
    (``changed``)."""

    iri: str
    targets: list[str]
    reason: str = ""
    deleted_at: str | None = None
    records: list[Value] = field(default_factory=list)
    """The records' entities that named a party (``dcterms:isReferencedBy``)."""
    choices: list[Value] = field(default_factory=list)
    """The targets, named, each with its link."""


def describe(worker: Worker, iri: str) -> Description | Gone | Moved | None:
    store = worker.store()
    subject = NamedNode(iri)
    base = worker.settings.base_iri
    retired = _retired(store, subject, _Labels(worker), base)
    if retired is not None:
        return retired
    own = list(store.triples(subject))
    if not own and not store.has_graph(subject):
        return None
    if not own:
        own = _graph_statements(subject, base, worker.settings.partners)
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


def _retired(
    store: StoreReader, subject: NamedNode, labels: _Labels, base: str
) -> Gone | Moved | None:
    """A redirect (merged, split, or a party its record names otherwise) or a tombstone
    (withdrawn, or a party no record names) in place of the entity."""
    redirect = next(store.triples(subject, RDF_TYPE, REDIRECT), None) is not None
    tomb = next(store.triples(subject, RDF_TYPE, TOMBSTONE), None) is not None
    if not redirect and not tomb:
        return None
    when = next(store.triples(subject, DELETED_AT), None)
    deleted_at = _text(when.object) if when is not None else None
    reason = next(store.triples(subject, REASON), None)
    why = _text(reason.object) if reason is not None else ""
    records = [
        Value(labels.get(iri), local_href(iri, base))
        for iri in sorted({_text(q.object) for q in store.triples(subject, REFERRED_IN)})
    ]
    if redirect:
        targets = sorted({_text(t.object) for t in store.triples(subject, REPLACED_BY)})
        if targets:
            choices = [Value(labels.get(t), local_href(t, base)) for t in targets]
            return Moved(subject.value, targets, why, deleted_at, records, choices)
    if tomb:
        return Gone(subject.value, deleted_at, why if records else "", records)
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


def is_live(worker: Worker, iri: str) -> bool:
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
            d.records.append(Value(readable_path(graph[len(base) :]), local_href(graph, base)))
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
                _INCOMING.get(quad.predicate.value) or _property_label(quad.predicate.value),
            )
        )


_INCOMING = {
    CRM.P199_represents_instance_of_type.value: "shows it",
    CRM.P138_represents.value: "shows it",
    CRM.P129_is_about.value: "is about it",
    CRM.P2_has_type.value: "of this type",
    CRM.P45_consists_of.value: "made of it",
    CRM.P14_carried_out_by.value: "by them",
    CRM.P50_has_current_keeper.value: "in their keeping",
    CRM.P52_has_current_owner.value: "theirs",
    CRM.P7_took_place_at.value: "there",
}
"""How a page names the link from what refers to an entity, in words a curator reads
("Bullfight Scene (shows it)", not "(represents instance of type)"); others keep the
property's own name."""


def _named(term: object) -> NamedNode:
    return term if isinstance(term, NamedNode) else NamedNode("urn:museion:none")


def _text(term: object) -> str:
    return term.value if isinstance(term, NamedNode | Literal) else str(term)
