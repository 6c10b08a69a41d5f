"""An entity as a Linked Art JSON-LD document, in one of two profiles.

Two profiles, because one document cannot be both: the Linked Art API 1.0 schemas forbid an
``id`` on embedded ``Name``, ``Identifier``, ``Statement``, ``TimeSpan``, ``Dimension``...
(``additionalProperties: false``), and without those ids a JSON-LD processor turns Museion's
nodes (``{object}/production``, ``{object}/title/1``) into blank nodes that no longer join with
SPARQL.

- **Linked Art** (:data:`~sparql.negotiation.LINKED_ART_PROFILE`, the default): the API
  document, embedded nodes written without ``id`` (ARCHITECTURE §4), valid against the
  unmodified schemas. For Linked Art consumers (a LUX-like portal, a partner re-importing).
- **Graph** (:data:`~sparql.negotiation.GRAPH_PROFILE`): the same document with every embedded
  node's ``id``; it parses to exactly the entity's triples (:func:`linked_art_view`). For RDF
  tools that load the JSON-LD beside the SPARQL endpoint.

The document is written directly from the entity's triples with the bundled Linked Art context
(``sparql/data/linked-art-context.json``, CC BY 4.0, read by ``sparql.linkedart_context``) —
no network, no JSON-LD framing. The rules, each there because a Linked Art consumer or an RDF
tool needs it:

- **One ``type``.** A node's class is its Linked Art class; Museion's own extra classes are not
  written (an aggregate's aggregate-ness is a ``classified_as`` in the data itself, see
  ``reconcile.output``), nor is Museion's bookkeeping from the ``{base}meta`` graph.
- **Texts are strings with a ``language``.** ``content`` is a plain string and its language tag
  becomes ``language: [{id, type: Language}]`` (AAT languages, as Linked Art does); ``_label``
  is one string. ``linked_art_view`` states exactly what this changes in the graph.
- **Numbers.** ``value`` is a JSON number in the Linked Art profile, as the schema requires:
  a JSON-LD processor reads a fractional one as an ``xsd:double`` (JSON-LD 1.1 §8.6; typed
  ``xsd:decimal`` by a context, its lexical form ``9.938E0`` would make an ill-typed
  literal). The graph profile writes it as a value object, ``{"@value": "9.938", "@type":
  xsd:decimal}``, the very literal the Turtle has.
- **References** to other entities are ``{id, type, _label}``; a reference whose class Museion
  does not know gets the class the Linked Art term requires there (``access_point`` →
  ``DigitalObject``), and no other: outside Linked Art's terms (``void:inDataset``) a
  reference has the classes the store gives it, by their IRIs, or none.
- **Properties as values.** A ``@vocab`` term (``assigned_property``) is the context's name
  of the property, ``"carried_out_by"``, as core.json requires.
- **Museion's own resources** (a record, a dataset, a harvest run, a reconciliation link, a
  graph's IRI: :func:`is_museion_own`) are not Linked Art entities, and are served in the
  graph profile: their document keeps all they state (``museion:origin``, the partner file a
  record came from), keyed by full IRIs, their classes as ``type``, and parses to their Turtle
  plus the true ``type``/``_label`` stubs of what it references (the dataset a record is in).
- **Separate records.** What ``shows`` or ``carries`` points to is, in Linked Art, a record of
  its own (``VisualItem``, ``LinguisticObject``): the document references it, and its own
  document (its IRI dereferences) carries its statements.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from museion_core.vocab import CRM, MUSEION, MUSEION_NS, RDF, RDFS, SKOS, XSD_NS

from .linkedart_context import CONTEXT_URL, Term, context_vocab, language_iri

__all__ = [
    "LinkedArtDocument",
    "embedded_only",
    "is_museion_own",
    "linked_art_document",
    "linked_art_view",
]

RDF_TYPE = RDF.type.value
RDFS_LABEL = RDFS.label.value
XSD = XSD_NS
CONTENT = CRM.P190_has_symbolic_content.value
LANGUAGE = CRM.P72_has_language.value
LANGUAGE_CLASS = CRM.E56_Language.value
UNSCOPED = {SKOS.broader.value}
"""Properties written by their top-level term even where a type's scoped context names them
otherwise: the 1.0 schemas call a concept's ``skos:broader`` ``broader``, which the context
defines at top level, where the ``Type``-scoped context also offers ``part_of``."""
SINGLE = {
    (kind, "part_of")
    for kind in (
        "HumanMadeObject",  # object.json: a part (a frame) is part of one object
        "DigitalObject",  # digital.json
        "Acquisition",  # object.json, EmbeddedAcquisition: part of one provenance activity
        "Activity",  # core.json, provenance.json, event.json
        "AttributeAssignment",  # core.json
        "Creation",  # core.json
        "Destruction",  # object.json
        "Dissolution",  # group.json
        "Encounter",  # object.json
        "Event",  # event.json
        "Formation",  # group.json
        "Modification",  # object.json
        "PartRemoval",  # object.json
        "Period",  # event.json
        "Production",  # object.json
    )
}
"""Terms the context declares as sets that the Linked Art 1.0 schemas want as one object
where this class uses them: ``part_of`` is one reference wherever the schemas give it without
``"type": "array"`` (a place may fall within several, a text be part of several)."""
SEPARATE = {
    CRM.P65_shows_visual_item.value,
    CRM.P128_carries.value,
    CRM.P9i_forms_part_of.value,
    CRM.P23_transferred_title_from.value,
}
"""What is a record of its own in Linked Art: the visual item an object shows, the text it
carries, the provenance activity an acquisition is part of, the party it came from."""
_NUMBERS = {XSD + "integer", XSD + "decimal", XSD + "double", XSD + "float"}

_LABELS = {MUSEION.aggregate.value: "aggregate (one entity across partners, made by Museion)"}
"""Labels of Museion's own concepts, which no graph labels."""

# The class a reference gets when the store does not say, by the property that points to it
# (the class the Linked Art schema requires there).
_RANGE = {
    "access_point": "DigitalObject",
    "about": "Type",
    "represents_instance_of_type": "Type",
    "classified_as": "Type",
    "technique": "Type",
    "made_of": "Material",
    "unit": "MeasurementUnit",
    "language": "Language",
    "shows": "VisualItem",
    "carries": "LinguisticObject",
    "took_place_at": "Place",
    "residence": "Place",
    "member_of": "Set",
}


def _subject(triple: Triple) -> str:
    subject = triple.subject
    return subject.value if isinstance(subject, NamedNode | BlankNode) else str(subject)


def _is_bookkeeping(triple: Triple) -> bool:
    """Museion's own statements about an entity (the metadata graph's), not the record's."""
    pred, obj = triple.predicate.value, triple.object
    if pred.startswith(MUSEION_NS):
        return True
    return pred == RDF_TYPE and isinstance(obj, NamedNode) and obj.value.startswith(MUSEION_NS)


def embedded_only(iri: str, incoming: Iterable[Triple]) -> bool:
    """Whether ``iri`` is a node Linked Art only ever embeds in its parent's document (an
    object's ``representation``, the web page it is ``subject_of``, a name): its parent
    (``{parent}/…``) links to it by a property whose target is not a record of its own
    (``SEPARATE``). No Linked Art API schema describes such a node alone."""
    return any(
        isinstance(t.subject, NamedNode)
        and iri.startswith(t.subject.value + "/")
        and t.predicate.value not in SEPARATE
        for t in incoming
    )


def is_museion_own(iri: str, triples: Iterable[Triple]) -> bool:
    """Whether ``iri`` is one of Museion's own resources (a record, a dataset, a harvest run:
    typed with a Museion class and with no Linked Art class; or a graph's IRI, ``{base}meta``,
    which has no class at all), not a Linked Art entity. Its document states all it is and
    says (``museion:origin``: which partner file a record came from), for there Museion's
    statements are the description itself, not bookkeeping."""
    types = [
        t.object.value
        for t in triples
        if _subject(t) == iri and t.predicate.value == RDF_TYPE and isinstance(t.object, NamedNode)
    ]
    classes = context_vocab().classes
    museion = not types or any(t.startswith(MUSEION_NS) for t in types)
    return museion and not any(t in classes for t in types)


def _back_link(triple: Triple, document: str) -> bool:
    """A node embedded in a separate record's document pointing back at that record (the
    acquisition inside a provenance activity, ``part_of`` the activity): the nesting says it."""
    obj = triple.object
    return (
        triple.predicate.value in SEPARATE and isinstance(obj, NamedNode) and obj.value == document
    )


def linked_art_view(iri: str, triples: Iterable[Triple]) -> list[Triple]:
    """The entity's statements as Linked Art states them, triple by triple: what its JSON-LD
    document parses to (references' ``type`` and ``_label`` stubs aside).

    It differs from the Turtle in exactly these ways: Museion's bookkeeping is left out; the
    language of a ``content`` is a ``language`` link instead of a tag on the text (the text is
    plain); of a node's ``rdfs:label``s, the one ``_label`` is kept, plain; and what a
    separate record (``shows``, ``carries``) says about itself is in its own document.

    One of Museion's own resources (:func:`is_museion_own`) differs in nothing: every triple
    of its own is kept as it is."""
    by_subject: dict[str, list[Triple]] = defaultdict(list)
    triples = list(triples)
    for triple in triples:
        by_subject[_subject(triple)].append(triple)
    out: list[Triple] = []
    own = is_museion_own(iri, triples)
    kept = _kept_subjects(iri, by_subject)
    for subject in kept:
        if own and subject == iri:
            out += by_subject[iri]
            continue
        labels = [t for t in by_subject[subject] if t.predicate.value == RDFS_LABEL]
        label = _pick_label([t.object for t in labels])
        if label is None and subject == iri:
            label = iri  # a top-level document needs a _label; the page shows the IRI too
        if label is not None:
            out.append(Triple(NamedNode(subject), NamedNode(RDFS_LABEL), Literal(label)))
        for triple in by_subject[subject]:
            if (
                _is_bookkeeping(triple)
                or triple.predicate.value == RDFS_LABEL
                or _back_link(triple, iri)
            ):
                continue
            obj = triple.object
            if isinstance(obj, Literal) and obj.language:
                out.append(Triple(triple.subject, triple.predicate, Literal(obj.value)))
                if triple.predicate.value == CONTENT:
                    out.append(
                        Triple(
                            triple.subject,
                            NamedNode(LANGUAGE),
                            NamedNode(language_iri(obj.language)[0]),
                        )
                    )
                continue
            out.append(triple)
    return list(dict.fromkeys(out))


def _kept_subjects(iri: str, by_subject: dict[str, list[Triple]]) -> list[str]:
    """The entity and the nodes embedded in its document, in the order they are reached."""
    order: list[str] = []
    todo = [iri]
    while todo:
        subject = todo.pop(0)
        if subject in order:
            continue
        order.append(subject)
        for triple in by_subject.get(subject, []):
            obj = triple.object
            if (
                isinstance(obj, NamedNode)
                and obj.value.startswith(iri + "/")
                and obj.value in by_subject
                and triple.predicate.value not in SEPARATE
                and triple.predicate.value != RDF_TYPE
            ):
                todo.append(obj.value)
    return order


def _pick_label(labels: list[Any]) -> str | None:
    """One label: the English one, else the untagged one, else the first (in sort order)."""
    texts = sorted(
        (t for t in labels if isinstance(t, Literal)), key=lambda t: (t.value, t.language or "")
    )
    for wanted in ("en", None):
        for text in texts:
            if (text.language or None) == wanted or (
                wanted and (text.language or "").startswith(wanted + "-")
            ):
                return text.value
    return texts[0].value if texts else None


@dataclass
class LinkedArtDocument:
    document: dict[str, Any]
    separate: list[str]
    """IRIs of the separate records the document references (``shows``, ``carries``)."""


def linked_art_document(
    iri: str,
    triples: Iterable[Triple],
    references: Iterable[Triple] = (),
    *,
    embedded_ids: bool = False,
) -> dict[str, Any]:
    """The entity, its embedded nodes inline, in the Linked Art context; ``embedded_ids``
    gives the graph profile (embedded nodes keep their ``id``)."""
    return build(iri, triples, references, embedded_ids=embedded_ids).document


def build(
    iri: str,
    triples: Iterable[Triple],
    references: Iterable[Triple] = (),
    *,
    embedded_ids: bool = False,
) -> LinkedArtDocument:
    writer = _Writer(iri, list(triples), list(references), embedded_ids=embedded_ids)
    root = writer.node(iri)
    if not writer.own:  # a Linked Art document needs a _label; Museion's own states its own
        root.setdefault("_label", iri)
    root = {k: root[k] for k in ("id", "type", "_label") if k in root} | root
    return LinkedArtDocument({"@context": CONTEXT_URL, **root}, writer.separate)


def _json_number(lexical: str, datatype: str) -> int | float | None:
    """The JSON number a numeric literal is, when JSON can say it exactly: an integer as
    itself, a decimal or double whose float gives back its value; None for one it cannot
    (``NaN``, ``INF``, a decimal past a double's precision, an ill-typed ``12,5``), which is
    then written as a value object."""
    try:
        if datatype == XSD + "integer" or (datatype == XSD + "decimal" and "." not in lexical):
            return int(lexical)
        number = float(lexical)
        if not math.isfinite(number):
            return None
        if datatype == XSD + "decimal" and Decimal(lexical) != Decimal(repr(number)):
            return None
    except (ValueError, ArithmeticError):
        return None
    return number


class _Writer:
    def __init__(
        self,
        iri: str,
        triples: list[Triple],
        references: list[Triple],
        *,
        embedded_ids: bool,
    ) -> None:
        self.iri = iri
        self.vocab = context_vocab()
        self.by_subject: dict[str, list[Triple]] = defaultdict(list)
        for triple in triples:
            self.by_subject[_subject(triple)].append(triple)
        self.ref_types: dict[str, list[str]] = defaultdict(list)
        self.ref_labels: dict[str, list[Any]] = defaultdict(list)
        for triple in [*references, *triples]:
            if triple.predicate.value == RDF_TYPE and isinstance(triple.object, NamedNode):
                self.ref_types[_subject(triple)].append(triple.object.value)
            elif triple.predicate.value == RDFS_LABEL:
                self.ref_labels[_subject(triple)].append(triple.object)
        self.kept = set(_kept_subjects(iri, self.by_subject))
        self.done: set[str] = set()
        self.separate: list[str] = []
        self.embedded_ids = embedded_ids
        self.own = is_museion_own(iri, triples)

    def type_name(self, iri: str, default: str | None = None) -> str | None:
        for cls in self.ref_types.get(iri, []):
            name = self.vocab.classes.get(cls)
            if name:
                return name
        return default

    def rdf_types(self, iri: str) -> str | list[str] | None:
        """The classes of a resource that is not Linked Art's, by their IRIs (a JSON-LD
        ``type`` takes an absolute IRI as it is)."""
        types = sorted(set(self.ref_types.get(iri, [])))
        return types[0] if len(types) == 1 else types or None

    def node(self, subject: str) -> dict[str, Any]:
        self.done.add(subject)
        triples = self.by_subject[subject]
        own = self.own and subject == self.iri  # every statement kept, as the Turtle has it
        kind = self.type_name(subject)
        out: dict[str, Any] = {}
        if subject == self.iri or self.embedded_ids:
            out["id"] = subject
        if own and (types := self.rdf_types(subject)):
            out["type"] = types
        elif kind:
            out["type"] = kind
        label = None if own else _pick_label(self.ref_labels.get(subject, []))
        if label is not None:
            out["_label"] = label
        scoped = self.vocab.scoped.get(kind or "", {})
        values: dict[str, list[Any]] = defaultdict(list)
        terms: dict[str, Term] = {}
        languages: list[str] = []
        for triple in triples:
            pred = triple.predicate.value
            if pred == RDF_TYPE or (
                not own
                and (_is_bookkeeping(triple) or pred == RDFS_LABEL or _back_link(triple, self.iri))
            ):
                continue
            term = (
                (None if pred in UNSCOPED else scoped.get(pred))
                or self.vocab.terms.get(pred)
                or Term(pred, True, None, linked_art=False)
            )
            if own:  # as the Turtle has it: every label, every language tag
                term = Term(term.name, True, term.coerce, term.linked_art)
            terms[term.name] = term
            obj = triple.object
            if isinstance(obj, Literal) and obj.language and pred == CONTENT and not own:
                languages.append(obj.language)
            if own and isinstance(obj, Literal) and obj.language:
                values[term.name].append({"@value": obj.value, "@language": obj.language})
                continue
            values[term.name].append(self.value(term, pred, obj, kind))
        for tag in dict.fromkeys(languages):
            lang, name = language_iri(tag)
            values["language"].append({"id": lang, "type": "Language", "_label": name})
            terms["language"] = Term("language", True, "@id")
        for name in sorted(values, key=lambda n: (n != "identified_by", n)):
            items = values[name]
            single = (kind, name) in SINGLE and len(items) == 1
            out[name] = items if (terms[name].is_set and not single) or len(items) > 1 else items[0]
        return out

    def value(self, term: Term, pred: str, obj: Any, subject_kind: str | None) -> Any:
        if isinstance(obj, Literal):
            return self.literal(term, obj)
        if not isinstance(obj, NamedNode):  # a blank node: Museion mints none
            return {"id": f"_:{obj.value}"}
        target = obj.value
        if target in self.kept and target not in self.done and pred not in SEPARATE:
            return self.node(target)
        if term.coerce == "@vocab":  # a property, named by its term (``carried_out_by``)
            named = self.vocab.terms.get(target)
            return named.name if named else target
        if pred in SEPARATE and target.startswith(self.iri + "/"):
            self.separate.append(target)
        ref: dict[str, Any] = {"id": target}
        kind: str | list[str] | None
        if term.name == "equivalent":  # the same entity elsewhere: of the same class
            kind = subject_kind
        else:
            # The class Linked Art requires where the store does not say; none is given
            # outside Linked Art's terms, where a reference has only the classes it has.
            default = _RANGE.get(term.name) if term.linked_art else None
            kind = self.type_name(target, default) or self.rdf_types(target)
        if kind:
            ref["type"] = kind
        label = _pick_label(self.ref_labels.get(target, [])) or _LABELS.get(target)
        if label is not None:
            ref["_label"] = label
        return ref

    def literal(self, term: Term, obj: Literal) -> Any:
        datatype = obj.datatype.value
        if obj.language:
            return obj.value
        if term.name == "value" and datatype in _NUMBERS and not self.embedded_ids:
            number = _json_number(obj.value, datatype)
            if number is not None:  # a JSON number, as the Linked Art schemas require
                return number
        if datatype == XSD + "string" and term.coerce is None:
            return obj.value
        if term.coerce == datatype:
            return obj.value
        return {"@value": obj.value, "@type": datatype}
