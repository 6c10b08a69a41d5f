"""Reading LIDO elements: texts with their languages, concepts in both LIDO forms, dates.

LIDO 1.0 names a concept with ``lido:conceptID`` and ``lido:term``; LIDO 1.1 may instead embed
a ``skos:Concept`` (``rdf:about``, ``skos:prefLabel``, ``skos:exactMatch`` ...). Both come out of
``concept()`` as one ``LidoConcept``, so the rest of the mapping does not care which version a
record is in. Terms marked ``lido:addedSearchTerm="yes"`` are search aids, not labels, and are
left out, unless the concept's own terms only repeat its notation.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from lxml import etree

from harvesters import parse_xml, safe_parser

__all__ = [
    "GML",
    "SKOS",
    "L",
    "LidoConcept",
    "Text",
    "appellations",
    "attr",
    "child",
    "children",
    "concept",
    "concepts",
    "language",
    "parse_record",
    "text",
    "texts",
    "values",
]

LIDO_NS: Final = "http://www.lido-schema.org"
L: Final = f"{{{LIDO_NS}}}"
SKOS: Final = "{http://www.w3.org/2004/02/skos/core#}"
RDF_NS: Final = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
GML: Final = "{http://www.opengis.net/gml}"
XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
_ABOUT: Final = RDF_NS + "about"
_RESOURCE: Final = RDF_NS + "resource"
_ADDED: Final = L + "addedSearchTerm"
_PREF: Final = L + "pref"
_CONCEPT_ID: Final = L + "conceptID"
_TERM: Final = L + "term"
_APPELLATION: Final = L + "appellationValue"
_SKOS_CONCEPT: Final = SKOS + "Concept"
_PREF_LABEL: Final = SKOS + "prefLabel"
_EXACT: Final = SKOS + "exactMatch"
_RELATED: Final = (SKOS + "closeMatch", SKOS + "mappingRelation", SKOS + "broadMatch")
_STEP = re.compile(r"\{[^}]*\}[^/{}\[\]*.]+")

_local = threading.local()


def parse_record(payload: bytes) -> etree._Element:
    """The record's element, parsed as safely as the harvester parsed it.

    A parser is kept per thread: creating one per record costs more than parsing a small record.
    """
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = safe_parser()
    try:
        root = etree.fromstring(payload, parser)
    except etree.XMLSyntaxError:
        root = parse_xml(payload)  # raises XmlError with the parser's message
    if root.getroottree().docinfo.doctype:  # type: ignore[union-attr,unused-ignore]
        parse_xml(payload)  # raises: the payload declares a DTD
    return root


@lru_cache(maxsize=512)
def _steps(path: str) -> tuple[str, ...] | None:
    """The tags of a path of child steps (``{ns}a/{ns}b``); None for any other path."""
    steps = tuple(_STEP.findall(path))
    return steps if steps and "/".join(steps) == path else None


def children(parent: etree._Element, path: str) -> Iterator[etree._Element]:
    """``parent.iterfind(path)``, for a path of child steps by lxml's own child iterator:
    ElementPath's Python machinery costs more than reading a LIDO element's few children."""
    steps = _steps(path)
    if steps is None:
        return parent.iterfind(path)
    if len(steps) == 1:
        return parent.iterchildren(steps[0])
    if len(steps) == 2:  # most paths: a wrap and its sets
        return _grandchildren(parent, steps[0], steps[1])
    return _descend(parent, steps)


def child(parent: etree._Element, path: str) -> etree._Element | None:
    """``parent.find(path)`` by ``children``."""
    return next(children(parent, path), None)


def _grandchildren(parent: etree._Element, first: str, second: str) -> Iterator[etree._Element]:
    for element in parent.iterchildren(first):
        yield from element.iterchildren(second)


def _descend(parent: etree._Element, steps: tuple[str, ...]) -> Iterator[etree._Element]:
    for child in parent.iterchildren(steps[0]):
        if len(steps) == 1:
            yield child
        else:
            yield from _descend(child, steps[1:])


@dataclass(frozen=True, slots=True)
class Text:
    value: str
    language: str | None


def clean(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


def language(
    element: etree._Element, default: str | None = None, stop: etree._Element | None = None
) -> str | None:
    """``xml:lang`` of the element or its nearest ancestor (XML inherits it), else ``default``.

    With ``stop``, the search ends at that ancestor (included): the caller already knows the
    language in force there, and passes it as ``default`` — which saves walking to the root
    for every text of a record."""
    node: etree._Element | None = element
    while node is not None:
        found = node.get(XML_LANG)
        if found:
            return found.strip() or default
        if node is stop:
            break
        node = node.getparent()
    return default


def text(element: etree._Element | None) -> str:
    return clean(element.text) if element is not None else ""


def texts(parent: etree._Element, path: str, default: str | None = None) -> list[Text]:
    """Every non-empty text at ``path`` with its language; added search terms left out."""
    found = []
    for element in children(parent, path):
        if element.get(_ADDED) == "yes":
            continue
        value = clean(element.text)
        if value:
            found.append(Text(value, language(element, default, parent)))
    return found


def values(parent: etree._Element, path: str) -> list[str]:
    """The non-empty texts at ``path`` (identifiers, links), whitespace collapsed."""
    return [v for v in (clean(e.text) for e in children(parent, path)) if v]


def attr(element: etree._Element, name: str) -> str:
    return clean(element.get(L + name))


def is_preferred(element: etree._Element) -> bool | None:
    """True for preferred, False for alternate, None when the record does not say."""
    pref = (element.get(_PREF) or "").strip().lower()
    if not pref:
        return None
    return pref in ("preferred", "http://terminology.lido-schema.org/lido00169")


def appellations(
    parent: etree._Element, default: str | None = None, *, inherit: bool = True
) -> list[tuple[Text, bool]]:
    """``appellationValue`` texts under ``parent`` with whether each is preferred (the first one
    counts as preferred when none is marked).

    ``inherit=False`` is for names of people, bodies and places: a record's ``xml:lang`` says
    what language its texts are in, but "Botticelli, Sandro" is no more English than German,
    so such a name gets a language only where the record marks the name itself."""
    values = []
    marked = False
    for element in parent.iterchildren(_APPELLATION):
        value = clean(element.text)
        if not value:
            continue
        preferred = is_preferred(element)
        marked = marked or preferred is not None
        if inherit:
            lang = language(element, default, parent)
        else:
            lang = (element.get(XML_LANG) or parent.get(XML_LANG) or "").strip() or None
        values.append((Text(value, lang), preferred is not False))
    if values and not marked:
        values = [(t, i == 0) for i, (t, _) in enumerate(values)]
    return values


@dataclass(slots=True)
class LidoConcept:
    """A concept as a LIDO record gives it: identifiers, labels and SKOS mappings."""

    ids: list[tuple[str, str]] = field(default_factory=list)
    """(identifier, source attribute) in document order."""
    labels: list[Text] = field(default_factory=list)
    matches: list[str] = field(default_factory=list)
    """skos:exactMatch targets: the same concept in another vocabulary."""
    related: list[str] = field(default_factory=list)
    """skos:closeMatch / mappingRelation targets: a similar concept (used only to recognise
    well-known types such as height or centimetre)."""
    notation: str | None = None
    """The notation the concept's own terms only repeated, when an added term labels it."""
    added: list[Text] = field(default_factory=list)
    """Terms marked ``addedSearchTerm``: search aids, a label only where the concept's own
    terms are no more than its notation (``read_notation_only``)."""

    def __bool__(self) -> bool:
        return bool(self.ids or self.labels)

    @property
    def label(self) -> Text | None:
        return self.labels[0] if self.labels else None

    def all_ids(self) -> list[str]:
        return [i for i, _ in self.ids] + self.matches + self.related


def concept(element: etree._Element | None, default: str | None = None) -> LidoConcept:
    """The concept an element such as ``lido:objectWorkType`` or ``lido:eventType`` holds.

    ``default`` is the language in force at the element's parent; the element's own
    ``xml:lang`` overrides it for its terms."""
    found = LidoConcept()
    if element is None:
        return found
    default = element.get(XML_LANG) or default
    for child in element:
        tag = child.tag
        if tag == _CONCEPT_ID:
            value = clean(child.text)
            if value:
                found.ids.append((value, attr(child, "source")))
        elif tag == _TERM:
            value = clean(child.text)
            if value:
                text = Text(value, child.get(XML_LANG) or default)
                (found.added if child.get(_ADDED) == "yes" else found.labels).append(text)
        elif tag == _SKOS_CONCEPT:
            _skos(child, found, default)
    if not found and len(element) == 0:
        value = clean(element.text)  # LIDO 1.0 allows a bare text, e.g. <lido:genderActor>
        if value:
            found.labels.append(Text(value, element.get(XML_LANG) or default))
    _read_notation_only(found)
    return found


def _read_notation_only(found: LidoConcept) -> None:
    """A concept whose terms only repeat its notation (Iconclass's ``<term>23 D 42</term>``
    beside ``<conceptID>23 D 42</conceptID>``) is labelled by its first added search term
    ("spring, 'Ver'; 'Primavera' (Ripa)"), which says what it is, and keeps the code as its
    ``skos:notation``. A curator read only the code on the page and found nothing by
    searching."""
    if not found.added or not found.ids or not found.labels:
        return  # without terms of its own the concept keeps its id (a URI is no notation)

    def key(text: str) -> str:  # "23D42" and "23 D 42" are one notation
        return "".join(text.split()).casefold()

    notations = {key(value) for value, _ in found.ids}
    if all(key(label.value) in notations for label in found.labels):
        found.notation = found.labels[0].value
        found.labels = found.added[:1]


def _skos(element: etree._Element, found: LidoConcept, default: str | None) -> None:
    about = clean(element.get(_ABOUT))
    if about:
        found.ids.append((about, ""))
    for child in element:
        tag = child.tag
        if tag == _PREF_LABEL:
            value = clean(child.text)
            if value:
                found.labels.append(Text(value, child.get(XML_LANG) or default))
        elif tag == _EXACT:
            target = clean(child.text) or clean(child.get(_RESOURCE))
            if target:
                found.matches.append(target)
        elif tag in _RELATED:
            target = clean(child.text) or clean(child.get(_RESOURCE))
            if target:
                found.related.append(target)


def concepts(parent: etree._Element, path: str, default: str | None = None) -> list[LidoConcept]:
    return [c for c in (concept(e, default) for e in children(parent, path)) if c]
