"""Events (``eventWrap``): production, acquisition, exhibition, use and every other kind.

Each ``eventSet`` becomes one event, modelled by its type (``eventtypes``): a production is the
object's ``crm:P108i_was_produced_by`` (several production events become parts of one
production), an acquisition its ``crm:P24i_changed_ownership_through``, an exhibition a typed
``crm:E7_Activity`` that used a ``la:Set`` the object is a member of, a use an activity the
object ``crm:P16i_was_used_for``, and any other event a ``crm:E7_Activity`` (or the CRM class the
LIDO-Term2CRM table gives: transfer of custody, modification, move, destruction) carrying its
LIDO type, which the object ``crm:P12i_was_present_at``.
"""

from __future__ import annotations

from lxml import etree
from pyoxigraph import NamedNode

from museion_core import messages
from museion_core.vocab import AAT, CRM, LA

from ..iris import label_key
from .agents import actor, place, timespan
from .common import Record
from .eventtypes import event_kind, event_type_iri
from .physical import materials
from .reader import (
    L,
    LidoConcept,
    Text,
    child,
    children,
    clean,
    concept,
    concepts,
    language,
    texts,
)

__all__ = ["events"]

# kind → (class, property from the object to the event)
_PATTERNS: dict[str, tuple[NamedNode, NamedNode]] = {
    "production": (CRM.E12_Production, CRM.P108i_was_produced_by),
    "acquisition": (CRM.E8_Acquisition, CRM.P24i_changed_ownership_through),
    "custody": (CRM.E10_Transfer_of_Custody, CRM.P30i_custody_transferred_through),
    "modification": (CRM.E11_Modification, CRM.P31i_was_modified_by),
    "move": (CRM.E9_Move, CRM.P25i_moved_by),
    "destruction": (CRM.E6_Destruction, CRM.P13i_was_destroyed_by),
    "use": (CRM.E7_Activity, CRM.P16i_was_used_for),
    "activity": (CRM.E7_Activity, CRM.P12i_was_present_at),
}


def events(r: Record, descriptive: etree._Element) -> None:
    found: list[tuple[int, etree._Element, LidoConcept, str | None, str]] = []
    for n, event_set in enumerate(children(descriptive, f"{L}eventWrap/{L}eventSet"), start=1):
        event = child(event_set, L + "event")
        if event is None:
            for k, display in enumerate(texts(event_set, L + "displayEvent", r.language), 1):
                r.statement(
                    r.obj, r.node("statement", "event", f"{n}-{k}"), display, AAT.DESCRIPTION
                )
            continue
        lang = language(event, r.language)
        event_type = concept(child(event, L + "eventType"), lang)
        iri = event_type_iri(event_type)
        found.append((n, event, event_type, iri, event_kind(iri).kind))
    productions = [f for f in found if f[4] == "production"]
    production = r.node("production")
    if len(productions) > 1:
        r.b.add(r.obj, CRM.P108i_was_produced_by, production)
        r.b.a(production, CRM.E12_Production)
    for n, event, event_type, iri, kind in found:
        lang = language(event, r.language)
        if kind == "production":
            if len(productions) == 1:
                node = production
                r.b.add(r.obj, CRM.P108i_was_produced_by, node)
            else:
                node = r.node("production", n)
                r.b.add(production, CRM.P9_consists_of, node)
            r.b.a(node, CRM.E12_Production)
        else:
            node = r.node("event", n)
            _link(r, node, kind)
        _event_type(r, node, event_type, iri)
        _details(r, event, node, kind, lang)


def _link(r: Record, node: NamedNode, kind: str) -> None:
    if kind == "exhibition":
        # ARCHITECTURE §6: an exhibition is an activity that used a set of objects.
        objects = NamedNode(node.value + "/objects")
        r.b.a(node, CRM.E7_Activity)
        r.b.add(node, CRM.P2_has_type, AAT.EXHIBITION)
        r.b.add(node, CRM.P16_used_specific_object, objects)
        r.b.a(objects, LA.Set)
        r.b.add(r.obj, LA.member_of, objects)
        return
    cls, prop = _PATTERNS[kind]
    r.b.a(node, cls)
    r.b.add(r.obj, prop, node)
    if kind == "acquisition":
        r.b.add(node, CRM.P24_transferred_title_of, r.obj)


def _event_type(r: Record, node: NamedNode, event_type: LidoConcept, iri: str | None) -> None:
    if iri is not None:
        event_type = LidoConcept(ids=[(iri, "")], labels=event_type.labels)
    if event_type:
        r.classify(node, event_type, "event-type")


def _details(
    r: Record, event: etree._Element, node: NamedNode, kind: str, lang: str | None
) -> None:
    for name_set in event.iterchildren(L + "eventName"):
        for k, text in enumerate(texts(name_set, L + "appellationValue", lang), start=1):
            r.b.name(node, NamedNode(f"{node.value}/name/{k}"), text.value, text.language, None)
    _actors(r, event, node, kind, lang)
    _dates(r, event, node, lang)
    _places(r, event, node, lang)
    for method in concepts(event, L + "eventMethod", lang):
        r.classify(node, method, "event-method")
    for culture in concepts(event, L + "culture", lang):
        r.classify(node, culture, "culture")
    for period in concepts(event, L + "periodName", lang):
        r.classify(node, period, "period")
    _materials_and_techniques(r, event, node, kind)
    descriptions = children(event, f"{L}eventDescriptionSet/{L}descriptiveNoteValue")
    for k, element in enumerate(descriptions, start=1):
        value = clean(element.text)
        if value:
            r.statement(
                node,
                NamedNode(f"{node.value}/statement/description/{k}"),
                Text(value, language(element, lang)),
                AAT.DESCRIPTION,
            )


def _dates(r: Record, event: etree._Element, node: NamedNode, lang: str | None) -> None:
    """Each eventDate a time-span of its own; a date no one can compute with is said so."""
    for k, date in enumerate(event.iterchildren(L + "eventDate")):
        span = timespan(date, lang, r.b.warnings)
        if span:
            suffix = "" if k == 0 else f"/{k + 1}"
            span_node = NamedNode(f"{node.value}/timespan{suffix}")
            r.b.timespan(node, span_node, span)
            # the same date in other languages ("XVIIIe siècle" beside the Arabic): names too
            others = texts(date, L + "displayDate", lang)[1:]
            for n, other in enumerate(others, start=2):
                if other.value != span.text:
                    r.b.name(
                        span_node,
                        NamedNode(f"{span_node.value}/name/{n}"),
                        other.value,
                        other.language,
                        AAT.DISPLAY_NAME,
                    )
            if span.text and not (span.begin or span.end):
                r.b.warnings.append(messages.DATE_NO_BOUNDS(text=span.text))


def _places(r: Record, event: etree._Element, node: NamedNode, lang: str | None) -> None:
    """The event's places; a place given only as display text still becomes a named place."""
    for where in event.iterchildren(L + "eventPlace"):
        element = child(where, L + "place")
        found = place(r, element, lang) if element is not None else None
        if found is None:
            for display in texts(where, L + "displayPlace", lang)[:1]:
                found = r.minter.place(label_key(display.value))
                if found.value not in r._described:
                    r._described.add(found.value)
                    r.b.a(found, CRM.E53_Place)
                    r.names(found, [(Text(display.value, None), True)])
        if found is not None:
            r.b.add(node, CRM.P7_took_place_at, found)


def _materials_and_techniques(r: Record, event: etree._Element, node: NamedNode, kind: str) -> None:
    """A production's materials are the object's own; a modification employs them."""
    for k, mt in enumerate(event.iterchildren(L + "eventMaterialsTech"), start=1):
        key = node.value.rsplit("/", 1)[-1] if kind != "production" else "production"
        materials(
            r,
            mt,
            r.obj,
            node,
            f"{key}-{k}" if k > 1 else key,
            production=kind == "production",
            employ=kind == "modification",
        )


def _actors(r: Record, event: etree._Element, node: NamedNode, kind: str, lang: str | None) -> None:
    """Actors without a role carry out the event; an actor with a role (or an attribution such
    as "workshop of") carries out a part of it that is typed by the role."""
    part_class = CRM.E12_Production if kind == "production" else CRM.E7_Activity
    statement_type = AAT.PRODUCTION_STATEMENT if kind == "production" else AAT.DESCRIPTION
    parts = 0
    displays = 0
    for event_actor in event.iterchildren(L + "eventActor"):
        for display in texts(event_actor, L + "displayActorInRole", lang):
            displays += 1
            r.statement(
                node, NamedNode(f"{node.value}/statement/actor/{displays}"), display, statement_type
            )
        for in_role in event_actor.iterchildren(L + "actorInRole"):
            element = child(in_role, L + "actor")
            if element is None:
                continue
            who = actor(r, element, language(in_role, lang))
            if who is None:
                continue
            roles = concepts(in_role, L + "roleActor", lang)
            qualifiers = concepts(in_role, L + "attributionQualifierActor", lang)
            if not roles and not qualifiers:
                r.b.add(node, CRM.P14_carried_out_by, who)
                continue
            parts += 1
            part = NamedNode(f"{node.value}/part/{parts}")
            r.b.add(node, CRM.P9_consists_of, part)
            r.b.a(part, part_class)
            r.b.add(part, CRM.P14_carried_out_by, who)
            for role in roles:
                r.classify(part, role, "role")
            for qualifier in qualifiers:
                r.classify(part, qualifier, "attribution")
