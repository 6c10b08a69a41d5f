"""The object itself: identity, category, types, titles, inscriptions, repository and
description (``objectClassificationWrap`` and ``objectIdentificationWrap``); its measurements and
object-level materials are read by ``physical``.
"""

from __future__ import annotations

import re

from lxml import etree
from pyoxigraph import NamedNode

from museion_core import messages
from museion_core.vocab import AAT, CRM

from .agents import legal_body, place
from .authorities import is_uri, normalise
from .common import Record
from .physical import materials, measurements
from .reader import (
    L,
    LidoConcept,
    Text,
    appellations,
    attr,
    child,
    children,
    clean,
    concept,
    language,
    texts,
)

__all__ = ["identify", "object_core"]

_HUMAN_MADE = (
    "E22",
    "human-made",
    "man-made",
    "lido00096",
    "300386957",
)


def identify(record: etree._Element) -> str:
    """The record's ``lidoRecID`` — what Museion calls the record, from OAI-PMH or a dump.

    Several ``lidoRecID``s are allowed by LIDO; they must agree, or one must be marked
    preferred, else the record's identity is ambiguous and it cannot be mapped.
    """
    ids = [(value, e) for e in children(record, L + "lidoRecID") if (value := clean(e.text))]
    if not ids:
        raise ValueError(messages.LIDO_NO_ID())
    distinct = list(dict.fromkeys(v for v, _ in ids))
    if len(distinct) == 1:
        return distinct[0]
    preferred = [v for v, e in ids if attr(e, "pref").lower().endswith(("preferred", "lido00169"))]
    if len(set(preferred)) == 1:
        return preferred[0]
    return _ambiguous(distinct)


def _ambiguous(values: list[str]) -> str:
    shown = ", ".join(repr(v) for v in values)
    raise ValueError(messages.LIDO_IDS_DISAGREE(count=len(values), ids=shown))


def object_core(r: Record, record: etree._Element, descriptive: etree._Element | None) -> None:
    o = r.obj
    r.b.a(o, CRM.E22_Human_Made_Object)
    _published_ids(r, record)
    _category(r, child(record, L + "category"))
    if descriptive is None:
        return
    lang = r.language
    classification = child(descriptive, L + "objectClassificationWrap")
    if classification is not None:
        for work_type in children(classification, f"{L}objectWorkTypeWrap/{L}objectWorkType"):
            r.classify(o, concept(work_type, lang), "object-type", AAT.TYPE_OF_WORK)
        for item in children(classification, f"{L}classificationWrap/{L}classification"):
            r.classify(
                o, concept(item, lang), "classification", _kind_of(r, item, "classification-type")
            )
    ident = child(descriptive, L + "objectIdentificationWrap")
    if ident is None:
        return
    _titles(r, ident)
    _inscriptions(r, ident)
    _repositories(r, ident)
    _descriptions(r, ident, lang)
    measurements(r, ident)
    for n, tech in enumerate(
        children(ident, f"{L}objectMaterialsTechWrap/{L}objectMaterialsTechSet")
    ):
        materials(r, tech, o, None, f"object-{n + 1}")


SOURCE_OF_DESCRIPTION = re.compile(r"urheber|quelle|source|author|autor", re.IGNORECASE)
"""``objectDescriptionSet`` types that name who wrote the description ("Urheber / Quelle",
kuniweb): their text is a name, not a description of the object."""


def _descriptions(r: Record, ident: etree._Element, lang: str | None) -> None:
    """Each description text is a description statement; a set whose type says it names the
    description's author or source is a statement of that type, not a description."""
    n = sources = 0
    for item in children(ident, f"{L}objectDescriptionWrap/{L}objectDescriptionSet"):
        found = texts(item, L + "descriptiveNoteValue", language(item, lang))
        if SOURCE_OF_DESCRIPTION.search(attr(item, "type")):
            kind = _kind_of(r, item, "description-type")
            for text in found:
                sources += 1
                node = r.node("statement", "description-source", sources)
                if kind is not None:
                    r.statement(r.obj, node, text, kind)
            continue
        for text in found:
            n += 1
            r.statement(r.obj, r.node("statement", "description", n), text, AAT.DESCRIPTION)


def _published_ids(r: Record, record: etree._Element) -> None:
    """``objectPublishedID``: an IRI is the object elsewhere (``la:equivalent``); anything
    else is an identifier the object carries."""
    n = 0
    for element in children(record, L + "objectPublishedID"):
        value = clean(element.text)
        if not value:
            continue
        if is_uri(value):
            r.b.equivalent(r.obj, normalise(value))
        else:
            n += 1
            r.b.identifier(r.obj, r.node("identifier", "published", n), value, None)


def _category(r: Record, element: etree._Element | None) -> None:
    """``category`` says what class of thing the record describes. "Human-made object" is what
    ``crm:E22_Human-Made_Object`` already says; any other category is kept as a type."""
    if element is None:
        return
    found = concept(element, r.language)
    if not found:
        return
    words = " ".join([*found.all_ids(), *(t.value for t in found.labels)])
    if any(marker.lower() in words.lower() for marker in _HUMAN_MADE):
        return
    r.classify(r.obj, found, "category")


PLACEHOLDER_TITLES = frozenset({"gleicher_titel"})
"""Title texts that are a cataloguing system's placeholder, not a title: KENOM writes
"gleicher_Titel" ("same title") in the title slot when the alternative title is the title.
Kept, it would be the object's primary name and label."""


def _titles(r: Record, ident: etree._Element) -> None:
    """Every title in every language: preferred titles are primary names, the rest alternate;
    the first preferred title per language is also the object's ``rdfs:label``."""
    values: list[tuple[Text, bool]] = []
    title_types: dict[tuple[str, str | None], NamedNode] = {}
    for title_set in children(ident, f"{L}titleWrap/{L}titleSet"):
        found = appellations(title_set, r.language)
        values.extend(found)
        kind = _kind_of(r, title_set, "title-type")
        if kind is not None:
            for value, _ in found:
                title_types.setdefault((value.value, value.language), kind)
    placeholders = [value for value, _ in values if value.value.casefold() in PLACEHOLDER_TITLES]
    for value in placeholders:
        r.b.warnings.append(messages.PLACEHOLDER_TITLE(value=value.value))
    values = [(v, preferred) for v, preferred in values if v not in placeholders]
    if values and not any(preferred for _, preferred in values):
        values[0] = (values[0][0], True)  # the placeholder stood for the title that remains
    if not values:
        # LIDO requires a title or an objectName; a record without one still maps, namelessly.
        r.b.warnings.append(messages.NO_TITLE())
        return
    seen: set[tuple[str, str | None]] = set()
    unique = []
    for value, preferred in values:
        if (value.value, value.language) not in seen:
            seen.add((value.value, value.language))
            unique.append((value, preferred))
    labelled: set[str | None] = set()
    for n, (value, preferred) in enumerate(unique, start=1):
        kind = AAT.PRIMARY_NAME if preferred else AAT.ALTERNATE_NAME
        r.b.name(r.obj, r.node("title", n), value.value, value.language, kind)
        title_type = title_types.get((value.value, value.language))
        if title_type is not None:
            r.b.add(r.node("title", n), CRM.P2_has_type, title_type)
        if preferred and value.language not in labelled:
            labelled.add(value.language)
            r.label(r.obj, value)


def _inscriptions(r: Record, ident: etree._Element) -> None:
    """A transcription is the text the object carries (``crm:P128_carries``); a description
    of an inscription is a statement about the object."""
    for n, item in enumerate(children(ident, f"{L}inscriptionsWrap/{L}inscriptions"), start=1):
        lang = language(item, r.language)
        side = _side(attr(item, "type"))
        kind = side or _kind_of(r, item, "inscription-type")
        for k, text in enumerate(texts(item, L + "inscriptionTranscription", lang), start=1):
            node = r.node("inscription", n if k == 1 else f"{n}-{k}")
            r.b.add(r.obj, CRM.P128_carries, node)
            r.b.a(node, CRM.E33_Linguistic_Object)
            r.b.add(node, CRM.P2_has_type, AAT.INSCRIPTIONS)
            if kind is not None:
                r.b.add(node, CRM.P2_has_type, kind)
            r.b.add(node, CRM.P190_has_symbolic_content, r.b.text(text.value, text.language))
        descriptions = children(item, f"{L}inscriptionDescription/{L}descriptiveNoteValue")
        for k, element in enumerate(descriptions, start=1):
            value = clean(element.text)
            if value:
                r.statement(
                    r.obj,
                    r.node("statement", "inscription", f"{n}-{k}"),
                    Text(value, language(element, lang)),
                    AAT.INSCRIPTION,
                )


_SIDES = {
    "front": AAT.OBVERSE,
    "obverse": AAT.OBVERSE,
    "vorderseite": AAT.OBVERSE,
    "avers": AAT.OBVERSE,
    "recto": AAT.OBVERSE,
    "back": AAT.REVERSE,
    "reverse": AAT.REVERSE,
    "rückseite": AAT.REVERSE,
    "rueckseite": AAT.REVERSE,
    "revers": AAT.REVERSE,
    "verso": AAT.REVERSE,
}
"""The side of a coin or sheet an inscription is on, as numismatic feeds name it."""


def _side(value: str) -> NamedNode | None:
    key = value.rstrip("/").rsplit("/", 1)[-1].strip().lower()
    return _SIDES.get(key)


def _kind_of(r: Record, element: etree._Element, scheme: str) -> NamedNode | None:
    """The ``lido:type`` of a title set, classification or inscription as a concept: an IRI
    (AAT, LIDO terminology) as itself, a word as a local concept of the source."""
    value = attr(element, "type")
    if not value:
        return None
    return r.concept(
        LidoConcept(
            ids=[(value, "")] if is_uri(value) else [],
            labels=[] if is_uri(value) else [Text(value, None)],
        ),
        scheme,
    )


_CURRENT = ("current", "aktuell", "actuel", "actual", "attuale", "lido00475", "lido01017")
_FORMER = ("former", "ehemal", "früher", "frueher", "ancien", "anterior", "previous", "lido00476")


def _repository_kind(kind: str) -> str:
    """``current``, ``former``, ``""`` for a repository marked neither way in words (none, or
    the partner's own: "Standort"), or ``other`` for a LIDO terminology term that is neither
    (not taken for the current repository)."""
    folded = kind.lower()
    if any(word in folded for word in _FORMER):
        return "former"
    if any(word in folded for word in _CURRENT):
        return "current"
    return "other" if re.search(r"lido\d{5}", folded) else ""


def _former_repository(r: Record, name: etree._Element, numbers: list[str], n: int) -> None:
    """The ``n``-th former repository as a provenance statement ("Sammlung Müller, Wien
    (M-77)", with the ``numbers`` it gave): Linked Art's object has no former keeper (custody
    history is a provenance record of its own), and its numbers, assigned by it, keep only
    their holder."""
    names = [t for s in name.iterchildren(L + "legalBodyName") for t, _ in appellations(s)]
    if not names:
        return
    text = f"{names[0].value} ({', '.join(numbers)})" if numbers else names[0].value
    node = r.node("statement", "former-repository" if n == 1 else f"former-repository-{n}")
    r.statement(r.obj, node, Text(text, names[0].language), AAT.PROVENANCE_STATEMENT)


def _repositories(r: Record, ident: etree._Element) -> None:
    """The current repository keeps the object; its work ID is the accession number; its
    location is where the object is. A repository marked neither current nor former (no type,
    or one in the partner's words: "Standort") is taken as current when none is marked so.
    A former repository is the object's former keeper, and its numbers are the numbers it
    gave (assigned by it), not the object's accession number."""
    kept = False
    numbers = 0
    pages = 0
    formers = 0
    sets = list(children(ident, f"{L}repositoryWrap/{L}repositorySet"))
    kinds = [_repository_kind(attr(repo, "type")) for repo in sets]
    for repo, kind in zip(sets, kinds, strict=True):
        former = kind == "former"
        current = kind == "current" or (not kind and "current" not in kinds)
        lang = language(repo, r.language)
        name = child(repo, L + "repositoryName")
        holder = legal_body(r, name) if name is not None and (current or former) else None
        if holder is not None and current:
            r.b.add(r.obj, CRM.P50_has_current_keeper, holder)
            kept = True
        given = []  # the numbers this repository gave the object
        for work_id in children(repo, L + "workID"):
            value = clean(work_id.text)
            if not value:
                continue
            if value.lower().startswith(("http://", "https://")):
                # A web address in the number slot is the object's page, not its number: the
                # inventory number that follows it is the accession number.
                pages += 1
                r.b.web_page(r.obj, r.node("page", "repository", pages), value)
                continue
            numbers += 1
            given.append(value)
            node = r.node("accession-number" if numbers == 1 else f"accession-number/{numbers}")
            number_type = AAT.ACCESSION_NUMBER if current else AAT.LOCAL_NUMBER
            r.b.identifier(r.obj, node, value, number_type)
            if holder is not None and not current:
                assignment = NamedNode(f"{node.value}/assignment")
                r.b.add(node, CRM.P141i_was_assigned_by, assignment)
                r.b.a(assignment, CRM.E13_Attribute_Assignment)
                r.b.add(assignment, CRM.P14_carried_out_by, holder)
        if former and name is not None:
            formers += 1
            _former_repository(r, name, given, formers)
        location = child(repo, L + "repositoryLocation")
        if location is not None and current:
            where = place(r, location, lang, fallback=r.node("location"))
            if where is not None:
                r.b.add(r.obj, CRM.P55_has_current_location, where)
    if not kept:
        # LIDO names no repository: the partner who sends the record keeps it, as far as
        # Museion can tell (the declarative mappings say the same).
        r.b.add(r.obj, CRM.P50_has_current_keeper, r.minter.partner())
