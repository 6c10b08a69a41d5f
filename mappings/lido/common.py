"""What every part of the LIDO mapping shares: the record's builder and its concepts.

A LIDO concept becomes an IRI by these rules, so that the same concept gets the same IRI
whichever record, version or partner it comes from:

1. an AAT identifier (given, or a ``skos:exactMatch``) — Linked Art's vocabulary of choice;
2. another authority identifier or any http(s) IRI the record gives (normalised: a Wikidata or
   GND page URL becomes the entity IRI; an Iconclass notation its Iconclass IRI);
3. a term Museion's AAT table knows for the concept's scheme ("painting" as an object type);
4. otherwise a local concept of the source, ``{base}{source}/concept/{scheme}/{term}``.

Further identifiers are kept as ``la:equivalent`` of the chosen IRI, and the record's terms as
its labels, in their languages — except for AAT concepts Museion already describes in its
vocabulary graph (``mappings.vocabulary_quads``), which, as the builder's convention has it, are
not described again in every record that uses them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from pyoxigraph import NamedNode

from museion_core.vocab import AAT, AAT_NS, CRM, LA, RDFS, SKOS

from ..builder import RecordBuilder
from ..iris import Minter, label_key, slug
from ..normalise.text import clean_text
from ..terms import Vocabularies, aat_label
from .authorities import iconclass, is_uri, normalise, priority
from .reader import LidoConcept, Text

__all__ = ["Record", "primary_iri"]

_VOCABULARIES = Vocabularies({})


def primary_iri(concept: LidoConcept) -> tuple[str | None, list[str]]:
    """The concept's own IRI by rules 1–2 above, and the other IRIs it is known by."""
    chosen, others = _primary_iri(tuple(concept.ids), tuple(concept.matches))
    return chosen, list(others)


@lru_cache(maxsize=8192)
def _primary_iri(
    ids: tuple[tuple[str, str], ...], matches: tuple[str, ...]
) -> tuple[str | None, tuple[str, ...]]:
    """``primary_iri`` of a concept's identifiers: a feed gives the same concepts over and
    over, so each set of identifiers is worked out once."""
    iris: list[str] = []
    for value, source in ids:
        if is_uri(value):
            iris.append(normalise(value))
        elif source.lower().startswith("iconclass"):
            iris.append(iconclass(value))
    exact = [normalise(m) for m in matches if is_uri(m)]
    chosen = next((i for i in iris if i.startswith(AAT_NS)), None)
    if chosen is None:
        chosen = next((i for i in exact if i.startswith(AAT_NS)), None)
    if chosen is None and iris:
        chosen = min(iris, key=priority)  # stable: an authority before a partner's own IRI
    others = tuple(i for i in dict.fromkeys(iris + exact) if i != chosen)
    return chosen, others


@lru_cache(maxsize=8192)
def _known(scheme: str, term: str, minter: Minter) -> str | None:
    """The IRI Museion's vocabularies give a term of a scheme (rule 3), or None."""
    resolved = _VOCABULARIES.concept(scheme, term, minter)
    return resolved.iri.value if resolved.local_scheme is None else None


@lru_cache(maxsize=8192)
def _local_iri(prefix: str, scheme: str, key: str) -> NamedNode:
    """A local concept's IRI (rule 4): a feed's local terms come back in record after record."""
    return NamedNode(f"{prefix}concept/{scheme}/{slug(key)}")


def _statement_text(value: str) -> str:
    """A statement's text without markup; short texts (credit lines, materials) repeat, so
    they are cleaned once."""
    if len(value) > 200:
        return clean_text(value, html_markup=True)
    return _short_statement_text(value)


@lru_cache(maxsize=8192)
def _short_statement_text(value: str) -> str:
    return clean_text(value, html_markup=True)


@dataclass(slots=True)
class Record:
    """One LIDO record being mapped: its builder, its object, its default languages."""

    b: RecordBuilder
    obj: NamedNode
    language: str | None
    """The language of the record's descriptive texts (``descriptiveMetadata/@xml:lang``)."""
    admin_language: str | None = None
    _described: set[str] = field(default_factory=set)
    _prefix: str = ""
    """The object's IRI and a slash: every node of the record starts with it."""

    def __post_init__(self) -> None:
        self._prefix = self.obj.value + "/"

    @property
    def minter(self) -> Minter:
        return self.b.minter

    def node(self, *parts: object) -> NamedNode:
        """An IRI for a node of this record: ``{object}/part/part``."""
        return NamedNode(self._prefix + "/".join([str(p) for p in parts]))

    def label(self, subject: NamedNode, value: Text) -> None:
        self.b.add(subject, RDFS.label, self.b.text(value.value, value.language))

    def concept(
        self,
        concept: LidoConcept,
        scheme: str,
        cls: NamedNode = CRM.E55_Type,
        meta: NamedNode | None = None,
    ) -> NamedNode | None:
        """The concept's IRI (rules above), described in this record's graph; None if empty."""
        iri, others = primary_iri(concept)
        label = concept.label
        if iri is None:
            if label is None:
                local = next((i for i, _ in concept.ids if i), None)
                if local is None:
                    return None
                return self._local(scheme, local, None, cls, meta)
            iri = _known(scheme, label.value, self.minter)
            if iri is None:
                local = next((i for i, _ in concept.ids if i), None)
                return self._local(scheme, local or label.value, concept, cls, meta)
        checked = self.b.iri(iri, f"{scheme} identifier")
        if checked is None:  # not an IRI after all: keep the concept as a local one
            return self._local(scheme, label.value if label else iri, concept, cls, meta)
        node = checked
        iri = node.value
        if iri not in self._described and aat_label(iri) is None:
            self._described.add(iri)
            self.b.a(node, cls)
            if meta is not None:
                self.b.add(node, CRM.P2_has_type, meta)
            for text in concept.labels:
                self.label(node, text)
            self._notation(node, concept)
            for other in others:
                self.b.equivalent(node, other)
        return node

    def _local(
        self,
        scheme: str,
        key: str,
        concept: LidoConcept | None,
        cls: NamedNode,
        meta: NamedNode | None,
    ) -> NamedNode:
        node = _local_iri(self.minter.prefix, scheme, key)
        if node.value in self._described:
            return node
        self._described.add(node.value)
        self.b.a(node, cls)
        if meta is not None:
            self.b.add(node, CRM.P2_has_type, meta)
        labels = concept.labels if concept is not None else []
        for text in labels:
            self.label(node, text)
        if concept is not None:
            self._notation(node, concept)
        if not labels:
            self.b.add(node, RDFS.label, self.b.text(key, None))
        self.b.local_terms.append((scheme, labels[0].value if labels else key))
        return node

    def _notation(self, node: NamedNode, concept: LidoConcept) -> None:
        if concept.notation is not None:
            self.b.add(node, SKOS.notation, self.b.text(concept.notation, None))

    def classify(
        self,
        subject: NamedNode,
        concept: LidoConcept,
        scheme: str,
        meta: NamedNode | None = None,
    ) -> NamedNode | None:
        node = self.concept(concept, scheme, meta=meta)
        if node is not None:
            self.b.add(subject, CRM.P2_has_type, node)
        return node

    def equivalent(self, subject: NamedNode, value: str) -> None:
        if is_uri(value):
            self.b.equivalent(subject, normalise(value))

    def name_key(self, value: str) -> str:
        return "name-" + label_key(value)

    def names(
        self,
        subject: NamedNode,
        values: list[tuple[Text, bool]],
        *,
        label: bool = True,
    ) -> None:
        """Names as Linked Art appellations: preferred ones typed primary, others alternate;
        the first preferred name (one per language) also becomes an ``rdfs:label``."""
        seen_label: set[str | None] = set()
        for n, (value, preferred) in enumerate(values, start=1):
            kind = AAT.PRIMARY_NAME if preferred else AAT.ALTERNATE_NAME
            self.b.name(
                subject, NamedNode(f"{subject.value}/name/{n}"), value.value, value.language, kind
            )
            if label and preferred and value.language not in seen_label:
                seen_label.add(value.language)
                self.label(subject, value)

    def statement(self, subject: NamedNode, node: NamedNode, value: Text, kind: NamedNode) -> None:
        """A statement's text without the HTML some partners put in LIDO's plain-text fields
        (``&lt;br/&gt;``, ``&lt;i&gt;``): markup is how a page showed it, not what it says."""
        text = _statement_text(value.value)
        if text:
            self.b.statement(subject, node, text, kind, value.language)

    def member(self, subject: NamedNode, collection: NamedNode) -> None:
        self.b.add(subject, LA.member_of, collection)
