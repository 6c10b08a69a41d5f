"""What the object shows and relates to, its rights, its record, and its images.

``subjectWrap`` (what the object is about and shows), ``relatedWorksWrap``,
``rightsWorkWrap``, ``recordWrap`` (the partner's catalogue record as a Linked Art
``LinguisticObject`` the object is the subject of) and ``resourceWrap`` (images, each a
``VisualItem`` shown by one digital object per link, with its own rights).
"""

from __future__ import annotations

import re

from lxml import etree
from pyoxigraph import NamedNode

from museion_core.vocab import AAT, CRM, DIG, LA

from ..links import Link
from .agents import actor, legal_body, place
from .authorities import is_uri, normalise
from .common import Record
from .reader import (
    L,
    LidoConcept,
    Text,
    attr,
    child,
    children,
    clean,
    concept,
    concepts,
    language,
    texts,
    values,
)

__all__ = ["record_wrap", "related_works", "resources", "rights", "subjects"]

_IMAGE_FORMATS = re.compile(r"^(image/|jpe?g$|png$|gif$|tiff?$|webp$|jp2$)", re.IGNORECASE)
_IMAGE_URL = re.compile(r"\.(jpe?g|png|gif|tiff?|webp|jp2)(\?.*)?$", re.IGNORECASE)
_IMAGE_WORDS = ("image", "bild", "foto", "photo", "digitalisat", "300215302", "300046300", "mt002")
_IMAGE_REPRESENTATIONS = (
    "lido00451",
    "lido00464",
    "lido00465",
    "thumb",
    "preview",
    "master",
    "image",
)


def subjects(r: Record, descriptive: etree._Element) -> None:
    """Concepts the object's visual content is about; actors and places it represents."""
    wrap = child(descriptive, f"{L}objectRelationWrap/{L}subjectWrap")
    if wrap is None:
        return
    visual = r.node("visual-content")
    shown = False
    for subject in children(wrap, f"{L}subjectSet/{L}subject"):
        lang = language(subject, r.language)
        for item in concepts(subject, L + "subjectConcept", lang):
            iri = r.concept(item, "subject")
            if iri is not None:
                r.b.add(visual, CRM.P129_is_about, iri)
                shown = True
        for element in children(subject, f"{L}subjectActor/{L}actor"):
            who = actor(r, element, lang)
            if who is not None:
                r.b.add(visual, CRM.P138_represents, who)
                shown = True
        for element in children(subject, f"{L}subjectPlace/{L}place"):
            where = place(r, element, lang)
            if where is not None:
                r.b.add(visual, CRM.P138_represents, where)
                shown = True
    if shown:
        r.b.add(r.obj, CRM.P65_shows_visual_item, visual)
        r.b.a(visual, CRM.E36_Visual_Item)


_CITATION_WORDS = (
    "lido00617",  # is documented in
    "document",
    "dokumentiert",
    "literatur",
    "literature",
    "bibliograph",
    "citation",
    "zitat",
    "p70i",
    "p67i",
    "p129i",
    "is subject of",
    "ist thema von",
)


def _relation(found: LidoConcept) -> tuple[NamedNode, NamedNode]:
    words = " ".join([*found.all_ids(), *(t.value for t in found.labels)]).lower()
    if "has part" in words or "consists of" in words or "composed of" in words:
        return CRM.P46_is_composed_of, CRM.E22_Human_Made_Object
    if "hat teil" in words or "lido00573" in words or "p46_" in words:
        return CRM.P46_is_composed_of, CRM.E22_Human_Made_Object
    if "part of" in words or "teil von" in words or "lido00574" in words or "p46i" in words:
        return CRM.P46i_forms_part_of, CRM.E22_Human_Made_Object
    return CRM.P130_shows_features_of, CRM.E22_Human_Made_Object


def _is_citation(work_set: etree._Element, relation: LidoConcept) -> bool:
    """A related "work" that is a text about the object — literature, a catalogue, a patent
    the record cites — is a bibliography statement, not another object."""
    words = " ".join([*relation.all_ids(), *(t.value for t in relation.labels)]).lower()
    if any(word in words for word in _CITATION_WORDS):
        return True
    notes = children(work_set, f"{L}relatedWork/{L}object/{L}objectNote")
    return any(
        attr(note, "type").lower() in ("citation", "literature", "literatur") for note in notes
    )


def related_works(r: Record, descriptive: etree._Element) -> None:
    """A related work is a part or whole of the object (``P46``) or otherwise related
    (``P130_shows_features_of``, CRM's "similar to"); the relation type the record gives is
    kept, as Linked Art keeps it, on an attribute assignment (``attributed_by``) that assigned
    the related work with that property. Literature and other texts about the object become
    bibliography statements the object is referred to by, with the cited work's identifiers
    and web pages."""
    wrap = child(descriptive, f"{L}objectRelationWrap/{L}relatedWorksWrap")
    if wrap is None:
        return
    for n, work_set in enumerate(wrap.iterchildren(L + "relatedWorkSet"), start=1):
        lang = language(work_set, r.language)
        relation = concept(child(work_set, L + "relatedWorkRelType"), lang)
        node = r.node("related", n)
        labels, ids, pages, notes = _related_work_texts(work_set, lang)
        if not (labels or ids or pages):
            continue
        if _is_citation(work_set, relation):
            texts_ = labels[:1] + [t for t in notes if t not in labels[:1]]
            text = "; ".join(t.value for t in texts_) or (pages or ids)[0]
            lang_of = texts_[0].language if texts_ else None
            r.statement(r.obj, node, Text(text, lang_of), AAT.BIBLIOGRAPHY)
        else:
            _related_object(r, node, relation, labels)
        for k, value in enumerate(ids, start=1):
            if is_uri(value):
                r.b.equivalent(node, normalise(value))
            else:
                r.b.identifier(node, NamedNode(f"{node.value}/id/{k}"), value, None)
        for k, url in enumerate(pages, start=1):
            r.b.web_page(node, NamedNode(f"{node.value}/page/{k}"), url)


def _related_work_texts(
    work_set: etree._Element, lang: str | None
) -> tuple[list[Text], list[str], list[str], list[Text]]:
    """A related work's labels, identifiers, web pages and notes; its first note labels it
    when nothing else does."""
    labels = texts(work_set, L + "displayRelatedWork", lang)
    work = child(work_set, f"{L}relatedWork/{L}object")
    display = child(work_set, f"{L}relatedWork/{L}displayObject")
    if display is not None:
        labels += texts(work_set, f"{L}relatedWork/{L}displayObject", lang)
    ids: list[str] = []
    pages: list[str] = []
    notes: list[Text] = []
    if work is not None:
        labels += texts(work, L + "displayObject", lang)
        ids = values(work, L + "objectID")
        pages = values(work, L + "objectWebResource")
        notes = texts(work, L + "objectNote", lang)
    if not labels:
        labels = notes[:1]
    return labels, ids, pages, notes


def _related_object(r: Record, node: NamedNode, relation: LidoConcept, labels: list[Text]) -> None:
    """The related object, linked by the property its relation type names; the relation type
    itself is kept on the attribute assignment that assigned that property."""
    prop, cls = _relation(relation)
    r.b.add(r.obj, prop, node)
    r.b.a(node, cls)
    for label in labels[:1]:
        r.label(node, label)
    if relation:
        assignment = NamedNode(f"{node.value}/relation")
        r.b.add(r.obj, CRM.P140i_was_attributed_by, assignment)
        r.b.a(assignment, CRM.E13_Attribute_Assignment)
        r.b.add(assignment, CRM.P141_assigned, node)
        r.b.add(assignment, CRM.P177_assigned_property_of_type, prop)
        r.classify(assignment, relation, "relation-type")


def rights(
    r: Record,
    element: etree._Element,
    subjects: list[NamedNode],
    node: NamedNode,
    credit_to: NamedNode | None = None,
) -> None:
    """A ``rightsComplexType`` as a ``crm:E30_Right`` the subjects are subject to: typed by the
    licence or rights statement (its IRI, e.g. a Creative Commons licence), possessed by the
    holder. Its credit line is a statement about ``credit_to`` (the first subject if not
    given)."""
    lang = language(element, r.admin_language)
    types = concepts(element, L + "rightsType", lang)
    holders = [
        h
        for h in (legal_body(r, e) for e in element.iterchildren(L + "rightsHolder"))
        if h is not None
    ]
    if (types or holders) and subjects:
        for subject in subjects:
            r.b.add(subject, CRM.P104_is_subject_to, node)
        r.b.a(node, CRM.E30_Right)
        for item in types:
            r.classify(node, item, "rights")
        for holder in holders:
            r.b.add(node, CRM.P75i_is_possessed_by, holder)
    target = credit_to or (subjects[0] if subjects else None)
    if target is None:
        return
    for k, credit in enumerate(texts(element, L + "creditLine", lang), start=1):
        suffix = node.value.rsplit("/", 1)[-1]
        r.statement(
            target,
            NamedNode(
                f"{target.value}/statement/credit-line/{suffix}" + ("" if k == 1 else f"-{k}")
            ),
            credit,
            AAT.CREDIT_LINE,
        )


def rights_work(r: Record, admin: etree._Element) -> None:
    for n, item in enumerate(children(admin, f"{L}rightsWorkWrap/{L}rightsWorkSet"), start=1):
        rights(r, item, [r.obj], r.node("right", n))


def record_wrap(r: Record, record: etree._Element, admin: etree._Element | None) -> None:
    """The partner's record about the object: its identifiers, type, source, rights and the
    web page that shows it."""
    node = r.node("record")
    r.b.add(r.obj, CRM.P129i_is_subject_of, node)
    r.b.a(node, CRM.E33_Linguistic_Object)
    r.b.add(node, CRM.P2_has_type, AAT.RECORD)
    ids = values(record, L + "lidoRecID")
    wrap = child(admin, L + "recordWrap") if admin is not None else None
    if wrap is not None:
        ids += values(wrap, L + "recordID")
        ids += values(wrap, f"{L}recordInfoSet/{L}recordInfoID")
    for k, value in enumerate(dict.fromkeys(ids), start=1):
        r.b.identifier(node, NamedNode(f"{node.value}/id/{k}"), value, AAT.SYSTEM_NUMBER)
    if wrap is None:
        return
    lang = language(wrap, r.admin_language)
    for record_type in concepts(wrap, L + "recordType", lang):
        r.classify(node, record_type, "record-type")
    sources = [
        s
        for s in (legal_body(r, e) for e in wrap.iterchildren(L + "recordSource"))
        if s is not None
    ]
    if sources:
        creation = NamedNode(node.value + "/creation")
        r.b.add(node, CRM.P94i_was_created_by, creation)
        r.b.a(creation, CRM.E65_Creation)
        for source in sources:
            r.b.add(creation, CRM.P14_carried_out_by, source)
    for n, item in enumerate(wrap.iterchildren(L + "recordRights"), start=1):
        rights(r, item, [node], NamedNode(f"{node.value}/right/{n}"))
    links = values(wrap, f"{L}recordInfoSet/{L}recordInfoLink")
    for n, link in enumerate(dict.fromkeys(links), start=1):
        r.b.web_page(r.obj, r.node("page", n), link)


def _is_image(resource: etree._Element, links: list[tuple[str, str, str]]) -> bool:
    for url, fmt, kind in links:
        if _IMAGE_FORMATS.match(fmt) or _IMAGE_URL.search(url):
            return True
        if any(word in kind for word in _IMAGE_REPRESENTATIONS):
            return True
    for item in concepts(resource, L + "resourceType"):
        words = " ".join([*item.all_ids(), *(t.value for t in item.labels)]).lower()
        if any(word in words for word in _IMAGE_WORDS):
            return True
    return False


def resources(r: Record, admin: etree._Element) -> None:
    """Each ``resourceSet`` with links: an image is a visual item shown by its digital objects
    (one per ``linkResource``: thumbnail, full size ...), each subject to the resource's rights;
    anything else (a PDF, a 3D model) is a digital document about the object."""
    for n, resource in enumerate(children(admin, f"{L}resourceWrap/{L}resourceSet"), start=1):
        links = [
            (url, attr(link, "formatResource").lower(), attr(rep, "type").lower())
            for rep in resource.iterchildren(L + "resourceRepresentation")
            for link in rep.iterchildren(L + "linkResource")
            if (url := clean(link.text))
        ]
        if not links:
            continue
        lang = language(resource, r.admin_language)
        image = _is_image(resource, links)
        node = r.node("image" if image else "resource", n)
        if image:
            r.b.add(r.obj, CRM.P138i_has_representation, node)
            r.b.a(node, CRM.E36_Visual_Item)
        else:
            r.b.add(r.obj, CRM.P129i_is_subject_of, node)
            r.b.a(node, CRM.E33_Linguistic_Object)
        digitals = []
        for k, (url, _fmt, _kind) in enumerate(dict.fromkeys(links), start=1):
            target = r.b.link(url, "resource link")
            if target is None:
                continue
            if isinstance(target, Link):  # a urn:, a doi: or text: kept, never a link
                r.b.keep(node, target, NamedNode(f"{node.value}/link/{k}"))
                continue
            digital = NamedNode(f"{node.value}/digital" + ("" if k == 1 else f"/{k}"))
            r.b.add(node, LA.digitally_shown_by if image else LA.digitally_carried_by, digital)
            r.b.a(digital, DIG.D1_Digital_Object)
            if image:
                r.b.add(digital, CRM.P2_has_type, AAT.DIGITAL_IMAGE)
            r.b.add(digital, LA.access_point, target)
            digitals.append(digital)
        for perspective in concepts(resource, L + "resourcePerspective", lang):
            r.classify(node, perspective, "perspective")
        for k, value in enumerate(values(resource, L + "resourceID"), start=1):
            r.b.identifier(node, NamedNode(f"{node.value}/id/{k}"), value, None)
        for k, text in enumerate(texts(resource, L + "resourceDescription", lang), start=1):
            r.statement(
                node, NamedNode(f"{node.value}/statement/description/{k}"), text, AAT.DESCRIPTION
            )
        for k, item in enumerate(resource.iterchildren(L + "rightsResource"), start=1):
            # The rights are those of the digital files; the credit line goes with the image.
            rights(r, item, digitals, NamedNode(f"{node.value}/right/{k}"), credit_to=node)
