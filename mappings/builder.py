"""The Linked Art patterns of ARCHITECTURE §6, as small building blocks every mapping shares.

A ``RecordBuilder`` collects the quads of one record's named graph. Its methods each emit one
pattern (a name, an identifier, a statement, a time-span, a dimension, a web page, an image)
so that the tabular/JSON engine and the LIDO mapping say the same thing the same way.
Bad values (an IRI that is not one, a language tag that is not BCP 47) become warnings on the
record rather than exceptions: the record still maps, and the report says what was left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache
from urllib.parse import quote, urlsplit, urlunsplit

from pyoxigraph import Literal, NamedNode, Quad

from museion_core import messages
from museion_core.vocab import AAT, CRM, DIG, LA, RDF, RDFS, XSD

from .authorities import normalise_authority
from .iris import Minter
from .links import REFUSED_SCHEMES, Link, LinkKind, classify_link, scheme_of
from .normalise.dimensions import MeasuredDimension
from .normalise.language import language_tag
from .normalise.text import clean_text
from .normalise.units import Unit, to_base
from .nquads import lone_surrogate, term

__all__ = [
    "DEFAULT_LANGUAGE",
    "DIMENSION_TYPES",
    "Concept",
    "Dimension",
    "Lang",
    "RecordBuilder",
    "TextRecordBuilder",
    "TimeSpan",
    "clean_text",
    "decimal_literal",
    "to_decimal",
]


class _Default(Enum):
    LANGUAGE = "the record's default language"


DEFAULT_LANGUAGE = _Default.LANGUAGE
Lang = str | None | _Default
"""A language tag, None for no tag, or DEFAULT_LANGUAGE for the record's default."""


@dataclass(frozen=True, slots=True)
class Concept:
    """A type, material or role: an AAT (or other authority) IRI, or a local term with a label."""

    iri: NamedNode
    label: str | None = None
    language: str | None = None
    meta: NamedNode | None = None
    """What kind of type it is (e.g. AAT 'type of work'), emitted as the concept's own type."""
    local_scheme: str | None = None
    """Set when the term matched no vocabulary and was minted locally: the scheme it belongs to."""


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """Begin of the begin and end of the end as xsd:dateTime lexical forms, plus the source text."""

    begin: str | None = None
    end: str | None = None
    text: str | None = None
    language: str | None = None

    def __bool__(self) -> bool:
        return bool(self.begin or self.end or self.text)


@dataclass(frozen=True, slots=True)
class Dimension:
    type: NamedNode
    value: Decimal
    unit: NamedNode | None
    measured: Unit | None = None
    """The unit as Museion knows it; when it is not centimetres or grams, the dimension is
    also given in those, so that one triple pattern compares every partner's widths."""

    @classmethod
    def of(cls, measured: MeasuredDimension) -> Dimension:
        """A dimension read by ``mappings.normalise`` (a statement, a LIDO measurement), with
        its unit kept so that ``RecordBuilder.dimension`` adds the centimetre (gram) copy."""
        unit = measured.unit
        return cls(DIMENSION_TYPES[measured.kind], measured.value, unit.concept, unit)


DIMENSION_TYPES = {
    "height": AAT.HEIGHT,
    "width": AAT.WIDTH,
    "depth": AAT.DEPTH,
    "diameter": AAT.DIAMETER,
    "weight": AAT.WEIGHT,
    "length": AAT.LENGTH,
    "thickness": AAT.THICKNESS,
}
"""``normalise.DIMENSION_KINDS`` → the AAT type of each kind of dimension."""


@dataclass(slots=True)
class RecordBuilder:
    graph: NamedNode
    minter: Minter
    """Mints the IRIs of the record's source (objects, actors, places, local terms)."""
    language: str | None = None
    quads: list[Quad] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    local_terms: list[tuple[str, str]] = field(default_factory=list)
    """(scheme, label) of every term that matched no vocabulary; listed in partner reports."""
    unparsed: list[tuple[str, str, str]] = field(default_factory=list)
    """(kind, text, field) of every date or dimension text that gave no value (``date``,
    ``dimensions``; the source field it came from, ``""`` where none names it): the text is
    kept, and the partner report counts and lists them, with the column to look in."""

    # -- terms -----------------------------------------------------------------------------
    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, p, o, self.graph))

    def a(self, s: NamedNode, cls: NamedNode) -> None:
        self.quads.append(Quad(s, RDF.type, cls, self.graph))

    def text(self, value: str, language: Lang = DEFAULT_LANGUAGE) -> Literal:
        """A string literal in the given (or the record's default) language; a tag that is not
        valid BCP 47 is left off (with a warning), never emitted."""
        lang = self.language if language is DEFAULT_LANGUAGE else language
        if lang:
            tag = language_tag(lang)
            if tag is not None:
                return _text(value, tag)
            self.warnings.append(messages.LANGUAGE_TAG_INVALID(tag=lang))
        return _text(value)

    def iri(self, value: str, what: str) -> NamedNode | None:
        """An external IRI (web page, image, authority), or None and a warning if it is not one
        — or if it is a ``javascript:``, ``data:`` or ``file:`` IRI, which a page would run."""
        value = value.strip()
        scheme = scheme_of(value)
        if scheme in REFUSED_SCHEMES:
            self.warnings.append(messages.SCHEME_REFUSED(what=what, value=value, scheme=scheme))
            return None
        try:
            return NamedNode(value)
        except ValueError:
            pass
        try:
            parts = urlsplit(value)
            fixed = urlunsplit(
                parts._replace(
                    path=quote(parts.path, safe="/%:@!$&'()*+,;=-._~"),
                    query=quote(parts.query, safe="=&%:@/?!$'()*+,;-._~"),
                    fragment=quote(parts.fragment, safe="%:@/?!$&'()*+,;=-._~"),
                )
            )
            if parts.scheme and parts.netloc:
                return NamedNode(fixed)
        except ValueError:
            pass
        self.warnings.append(messages.IRI_LEFT_OUT(what=what, value=value))
        return None

    # -- patterns --------------------------------------------------------------------------
    def label(self, s: NamedNode, value: str, language: Lang = DEFAULT_LANGUAGE) -> None:
        self.add(s, RDFS.label, self.text(value, language))

    def classify(self, s: NamedNode, concept: Concept) -> None:
        """``s crm:P2_has_type concept``, describing a local concept in this graph."""
        self.add(s, CRM.P2_has_type, concept.iri)
        self.describe_concept(concept)

    def describe_concept(self, concept: Concept, cls: NamedNode = CRM.E55_Type) -> None:
        """A local term is described where the partner used it; AAT and other authority
        concepts are described once, in the vocabulary graph (``mappings.vocabulary_quads``),
        because what they are is not something a partner's record says."""
        if not concept.local_scheme or not concept.label:
            return
        self.a(concept.iri, cls)
        self.add(concept.iri, RDFS.label, self.text(concept.label, concept.language))
        if concept.meta is not None:
            self.add(concept.iri, CRM.P2_has_type, concept.meta)
        self.local_terms.append((concept.local_scheme, concept.label))

    def name(
        self,
        owner: NamedNode,
        node: NamedNode,
        value: str,
        language: Lang = DEFAULT_LANGUAGE,
        kind: NamedNode | None = AAT.PRIMARY_NAME,
    ) -> None:
        self.add(owner, CRM.P1_is_identified_by, node)
        self.a(node, CRM.E33_E41_Linguistic_Appellation)
        if kind is not None:
            self.add(node, CRM.P2_has_type, kind)
        self.add(node, CRM.P190_has_symbolic_content, self.text(value, language))

    def identifier(
        self, owner: NamedNode, node: NamedNode, value: str, kind: NamedNode | None
    ) -> None:
        self.add(owner, CRM.P1_is_identified_by, node)
        self.a(node, CRM.E42_Identifier)
        if kind is not None:
            self.add(node, CRM.P2_has_type, kind)
        self.add(node, CRM.P190_has_symbolic_content, _text(value))

    def statement(
        self,
        owner: NamedNode,
        node: NamedNode,
        value: str,
        kind: NamedNode,
        language: Lang = DEFAULT_LANGUAGE,
    ) -> None:
        """A Linked Art statement: ``referred_to_by`` a typed brief text."""
        self.add(owner, CRM.P67i_is_referred_to_by, node)
        self.a(node, CRM.E33_Linguistic_Object)
        self.add(node, CRM.P2_has_type, kind)
        self.add(node, CRM.P190_has_symbolic_content, self.text(value, language))

    def timespan(self, event: NamedNode, node: NamedNode, span: TimeSpan) -> None:
        self.add(event, CRM.P4_has_time_span, node)
        self.a(node, CRM.E52_Time_Span)
        if span.begin:
            self.add(node, CRM.P82a_begin_of_the_begin, Literal(span.begin, datatype=XSD.dateTime))
        if span.end:
            self.add(node, CRM.P82b_end_of_the_end, Literal(span.end, datatype=XSD.dateTime))
        if span.text:
            # the partner's words for the span: a Linked Art display name
            self.name(
                node, NamedNode(node.value + "/name"), span.text, span.language, AAT.DISPLAY_NAME
            )

    def dimension(self, owner: NamedNode, node: NamedNode, dim: Dimension) -> None:
        """A dimension as stated; one in inches, millimetres, pounds... is also given in
        centimetres or grams (``{node}/normalised``), with the same type, marked as assigned
        by Museion's computation (``P141i_was_assigned_by`` an attribute assignment typed
        "computer-generated"), so ``?d crm:P91_has_unit aat:300379098`` finds every width."""
        self._dimension(owner, node, dim.type, dim.value, dim.unit)
        measured = dim.measured
        if measured is None or measured.factor == 1:
            return
        derived = NamedNode(node.value + "/normalised")
        base = measured.base
        self._dimension(owner, derived, dim.type, to_base(dim.value, measured), base.concept)
        assignment = NamedNode(derived.value + "/assignment")
        self.add(derived, CRM.P141i_was_assigned_by, assignment)
        self.a(assignment, CRM.E13_Attribute_Assignment)
        self.add(assignment, CRM.P2_has_type, AAT.COMPUTER_GENERATED)

    def _dimension(
        self,
        owner: NamedNode,
        node: NamedNode,
        kind: NamedNode,
        value: Decimal,
        unit: NamedNode | None,
    ) -> None:
        self.add(owner, CRM.P43_has_dimension, node)
        self.a(node, CRM.E54_Dimension)
        self.add(node, CRM.P2_has_type, kind)
        self.add(node, CRM.P90_has_value, decimal_literal(value))
        if unit is not None:
            self.add(node, CRM.P91_has_unit, unit)

    def part(self, whole: NamedNode, node: NamedNode, kind: Concept, label: str) -> None:
        """A physical part of an object (its frame, mount, base, one of its sheets), described
        as Linked Art does: an object that ``P46i_forms_part_of`` the whole, typed by a part
        type; it carries the dimensions measured of it."""
        self.add(node, CRM.P46i_forms_part_of, whole)
        self.a(node, CRM.E22_Human_Made_Object)
        self.label(node, label)
        self.classify(node, kind)

    def link(self, value: str, what: str) -> NamedNode | Link | None:
        """What a link field's value becomes (``mappings.links``): an http(s) URL its IRI; an
        identifier (``urn:``, ``doi:``) or free text a ``Link`` to keep as text (``keep``);
        any other scheme (``javascript:``, ``data:`` ...) nothing. Each but the first is
        reported as a warning on the record."""
        found = classify_link(value)
        if found.kind is LinkKind.WEB:
            return self.iri(found.value, what)
        if found.kind is LinkKind.REFUSED:
            self.warnings.append(
                messages.LINK_REFUSED(what=what, value=found.value, scheme=found.scheme)
            )
            return None
        if not found.value:
            return None
        kept = "an identifier" if found.kind is LinkKind.IDENTIFIER else "text"
        self.warnings.append(messages.LINK_KEPT(what=what, value=found.value, kept=kept))
        return found

    def keep(self, node: NamedNode, link: Link, at: NamedNode | None = None) -> None:
        """A link field's value that is not a URL, kept on ``node`` (the page, image or
        resource it stood for) as ``at``: an identifier as an identifier, free text as a
        statement."""
        if link.kind is LinkKind.IDENTIFIER:
            self.identifier(node, at or NamedNode(node.value + "/id"), link.value, None)
        else:
            at = at or NamedNode(node.value + "/note")
            self.statement(node, at, link.value, AAT.BRIEF_TEXT, None)

    def web_page(self, owner: NamedNode, node: NamedNode, url: str) -> None:
        target = self.link(url, "web page")
        if target is None:
            return
        self.add(owner, CRM.P129i_is_subject_of, node)
        self.a(node, CRM.E33_Linguistic_Object)
        if isinstance(target, Link):
            self.keep(node, target)
        else:
            self._digital(node, LA.digitally_carried_by, AAT.WEB_PAGE, target)

    def image(self, owner: NamedNode, node: NamedNode, url: str) -> NamedNode | None:
        """``owner`` is shown by a digital image at ``url``; returns the visual item."""
        target = self.link(url, "image URL")
        if target is None:
            return None
        self.add(owner, CRM.P138i_has_representation, node)
        self.a(node, CRM.E36_Visual_Item)
        if isinstance(target, Link):
            self.keep(node, target)
        else:
            self._digital(node, LA.digitally_shown_by, AAT.DIGITAL_IMAGE, target)
        return node

    def _digital(
        self, node: NamedNode, link: NamedNode, kind: NamedNode, target: NamedNode
    ) -> None:
        """The digital object at ``target`` that carries or shows ``node`` (``{node}/digital``)."""
        digital = NamedNode(node.value + "/digital")
        self.add(node, link, digital)
        self.a(digital, DIG.D1_Digital_Object)
        self.add(digital, CRM.P2_has_type, kind)
        self.add(digital, LA.access_point, target)

    def equivalent(self, s: NamedNode, value: str, scheme: str | None = None) -> None:
        """``s la:equivalent`` the authority's entity IRI, whatever form ``value`` cites it in
        (a web page, a CURIE, or a bare identifier of the authority ``scheme`` names)."""
        target = self.iri(normalise_authority(value, scheme), "authority link")
        if target is not None:
            self.add(s, LA.equivalent, target)


_PREDICATE_TEXT: dict[NamedNode, str] = {}
"""The N-Quads text of predicates and classes: a closed vocabulary, so written once."""


def _constant(node: NamedNode) -> str:
    text = _PREDICATE_TEXT.get(node)
    if text is None:
        text = term(node)
        if len(_PREDICATE_TEXT) < 4096:  # a data-made predicate must not grow it for ever
            _PREDICATE_TEXT[node] = text
    return text


@lru_cache(maxsize=64)
def _watched(watch: frozenset[NamedNode]) -> frozenset[str]:
    """The predicates to index, as N-Quads text: a text is what ``add`` has in hand, and a
    string's hash is kept by the string, so the test per statement is cheap."""
    return frozenset(_constant(p) for p in watch)


@dataclass(slots=True)
class TextRecordBuilder(RecordBuilder):
    """The same patterns, written as N-Quads lines (the compiled path, ARCHITECTURE §9):
    no ``Quad`` per statement, every term through ``nquads.term``. The links whose predicate
    is in ``watch`` are also indexed (subject, predicate) → objects, for the coverage flags."""

    watch: frozenset[NamedNode] = frozenset()
    lines: list[str] = field(default_factory=list)
    links: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    _graph: str = ""
    _texts: dict[NamedNode | Literal, str] = field(default_factory=dict)
    _watch: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._graph = f" {term(self.graph)} .\n"
        self._watch = _watched(self.watch)

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        # The hot loop of the compiled path: the term caches are read inline, not by calls.
        texts = self._texts
        subject = texts.get(s)
        if subject is None:
            subject = texts[s] = term(s)
        predicate = _PREDICATE_TEXT.get(p) or _constant(p)
        cached = None if type(o) is Literal else texts.get(o)  # values: seldom met twice
        if cached is None:
            obj = term(o)
            if type(o) is not Literal:
                texts[o] = obj
        else:
            obj = cached
        self.lines.append(f"{subject} {predicate} {obj}{self._graph}")
        if predicate in self._watch:
            self.links.setdefault((subject, predicate), []).append(obj)

    def a(self, s: NamedNode, cls: NamedNode) -> None:
        self.add(s, RDF.type, cls)


def _text(value: str, language: str | None = None) -> Literal:
    """A string literal of a partner's text; ``NQuadsError`` (the record is quarantined, with
    the reason) for a text that holds a lone surrogate, which pyoxigraph refuses to take."""
    try:
        return Literal(value, language=language) if language else Literal(value)
    except (ValueError, UnicodeEncodeError) as exc:
        raise (lone_surrogate(value) or exc) from None


def decimal_literal(value: Decimal) -> Literal:
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") or "0"
    return Literal(text, datatype=XSD.decimal)


def to_decimal(value: object) -> Decimal | None:
    """A number from a JSON number or a text like ``"13.5"`` / ``"13,5"``; None if it is none.

    Not a number either: NaN and the infinities, which JSON gives as ``1e400`` (and Python's
    reader as ``NaN`` or ``Infinity``) and ``Decimal`` reads from those words: no
    ``xsd:decimal`` can say them."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            return None
    else:
        return None
    # beyond a double's range (``1e400``, kept as written by the JSON reader) is no measure
    return number if number.is_finite() and number.adjusted() <= 308 else None
