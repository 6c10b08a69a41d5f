"""An object's history beyond its making and acquisition: the events its record states.

A LIDO record's events — provenance (where the work was when), restorations, exhibitions,
moves, losses, uses, publications, transfers of custody — are mapped as CIDOC-CRM events the
object was present at, modified, moved or destroyed by, used for, or (an exhibition) a member
of the set of objects it used. The page lists them in date order: what each was (in the
reader's language for LIDO's own event types), when, where, who took part, and what the
partner wrote of it. Productions and acquisitions have rows of their own on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from museion_core.instants import instant_year
from museion_core.vocab import AAT, CRM, LA, LIDO_TERMS_NS, RDF

from .i18n import gettext as _
from .readers import Text, text_of
from .record_graph import Graph, nodes, out, texts, types

__all__ = ["Event", "object_events"]

_LINKS = (
    CRM.P12i_was_present_at,
    CRM.P16i_was_used_for,
    CRM.P30i_custody_transferred_through,
    CRM.P31i_was_modified_by,
    CRM.P25i_moved_by,
    CRM.P13i_was_destroyed_by,
)
"""How the mappings link an object to an event that is not its production or acquisition."""

LIDO_EVENT_TYPES = {
    "lido00001": "acquisition",
    "lido00002": "finding",
    "lido00003": "event",
    "lido00006": "modification",
    "lido00008": "part addition",
    "lido00009": "loss",
    "lido00010": "collecting",
    "lido00011": "use",
    "lido00013": "type creation",
    "lido00021": "part removal",
    "lido00023": "type assignment",
    "lido00026": "destruction",
    "lido00029": "transformation",
    "lido00030": "performance",
    "lido00032": "planning",
    "lido00033": "excavation",
    "lido00034": "restoration",
    "lido00223": "move",
    "lido00224": "designing",
    "lido00225": "exhibition",
    "lido00226": "commissioning",
    "lido00227": "provenance",
    "lido00228": "publication",
}
"""LIDO 1.1's event types a page names in the reader's language (sparql/data/i18n)."""
_CLASSES = {
    CRM.E10_Transfer_of_Custody.value: "transfer of custody",
    CRM.E11_Modification.value: "modification",
    CRM.E9_Move.value: "move",
    CRM.E6_Destruction.value: "destruction",
}
"""What an event is when its record gives it no type: what its class says."""
_NUMBER = re.compile(r"(\d+)$")
_WORDS = re.compile(r"\w+")
_SCOPE_NOTE = re.compile(r"\s+\([^()]*\)$")
"""AAT's scope note after a label: "commissioners (people who order works)"."""


@dataclass
class Event:
    kind: Text
    """What happened ("restoration", "exhibition"), in the reader's language when known."""
    date: str = ""
    names: list[Text] = field(default_factory=list)
    """The event's own names (an exhibition's title)."""
    places: list[tuple[Text, str | None]] = field(default_factory=list)
    actors: list[tuple[Text, str | None, Text | None]] = field(default_factory=list)
    """Who took part: name, page (None for a party minted in the record) and role."""
    notes: list[Text] = field(default_factory=list)
    """What the partner wrote of it."""
    begin: int | None = None
    """The first year it may have begun: the list's order."""
    typed: bool = True
    """Whether the record says what kind of event it was (an "event (non-specified)" with
    nothing else to say is not listed)."""


def object_events(
    graph: Graph,
    iri: str,
    label: Callable[[str], Text],
    href: Callable[[str], str | None],
    span_date: Callable[[str], str],
) -> list[Event]:
    """The events of the object ``iri`` other than its production and acquisitions, earliest
    first (undated ones last, in the record's order). ``label`` names a linked node, ``href``
    gives its page (None when it has none), ``span_date`` writes a time-span."""
    found = [node for prop in _LINKS for node in nodes(graph, iri, prop)]
    for group in nodes(graph, iri, LA.member_of):
        found += [
            node
            for node, props in graph.items()
            if group
            in [
                getattr(v, "value", None) for v in props.get(CRM.P16_used_specific_object.value, [])
            ]
            and AAT.EXHIBITION.value in types(graph, node)
        ]
    events = [
        _event(graph, node, label, href, span_date) for node in sorted(set(found), key=_in_order)
    ]
    events = [e for e in events if e.date or e.names or e.places or e.actors or e.notes or e.typed]
    return sorted(events, key=lambda e: (e.begin is None, e.begin or 0))


def _in_order(node: str) -> tuple[str, int]:
    """The record's order: ``…/event/2`` before ``…/event/10``."""
    number = _NUMBER.search(node)
    return (node[: number.start()] if number else node, int(number[1]) if number else 0)


def _event(
    graph: Graph,
    node: str,
    label: Callable[[str], Text],
    href: Callable[[str], str | None],
    span_date: Callable[[str], str],
) -> Event:
    kind, typed = _kind(graph, node, label)
    event = Event(kind=kind, typed=typed)
    spans = nodes(graph, node, CRM.P4_has_time_span)
    for span in spans:
        event.date = event.date or span_date(span)
        begins = [
            instant_year(text_of(v).value) for v in out(graph, span, CRM.P82a_begin_of_the_begin)
        ]
        known = [y for y in begins if y is not None]
        if known and event.begin is None:
            event.begin = min(known)
    event.names = [
        t for name in nodes(graph, node, CRM.P1_is_identified_by) for t in texts(graph, name)
    ]
    event.places = [(label(p), href(p)) for p in nodes(graph, node, CRM.P7_took_place_at)]
    actors: list[tuple[str, Text | None]] = [
        (a, None) for a in nodes(graph, node, CRM.P14_carried_out_by)
    ]
    for part in nodes(graph, node, CRM.P9_consists_of):
        role = _roles([label(k) for k in sorted(types(graph, part))])
        actors += [(a, role) for a in nodes(graph, part, CRM.P14_carried_out_by)]
    event.actors = [(label(a), href(a), role) for a, role in actors]
    event.notes = [
        t
        for statement in nodes(graph, node, CRM.P67i_is_referred_to_by)
        for t in texts(graph, statement)
        if not _names_an_actor(t.value, event.actors)
    ]
    return event


def _roles(labels: list[Text]) -> Text | None:
    """An actor's roles as one text ("sculptor"; AAT's scope note dropped: "commissioners",
    not "commissioners (people who order works)"), in their language when they share one."""
    if not labels:
        return None
    values = [_SCOPE_NOTE.sub("", t.value) or t.value for t in labels]
    languages = {t.lang for t in labels}
    return Text(", ".join(values), languages.pop() if len(languages) == 1 else "")


def _names_an_actor(note: str, actors: list[tuple[Text, str | None, Text | None]]) -> bool:
    """Whether ``note`` is the partner's display of an actor the event already lists ("Paul
    Starke (Mühlenbesitzer)" beside "Starke, Paul", "Auftraggeberin: Olimpia Pamphili
    Maidalchini" beside "Pamphili, Olimpia"): every word of the name in it, and at most two
    words more than the name and the role."""
    words = set(_WORDS.findall(note.casefold()))
    for name, _page, role in actors:
        named = set(_WORDS.findall(name.value.casefold()))
        said = set(_WORDS.findall(role.value.casefold())) if role else set()
        if named and named <= words and len(words - named - said) <= 2:
            return True
    return False


def _kind(graph: Graph, node: str, label: Callable[[str], Text]) -> tuple[Text, bool]:
    """The event's type: LIDO's own in the reader's language, else the type's label, else
    what the event's class says; and whether the record says what it was (LIDO's "event
    (non-specified)", or no type and no telling class, does not)."""
    kinds = sorted(types(graph, node) - {AAT.EXHIBITION.value})
    if AAT.EXHIBITION.value in types(graph, node):
        return Text(_("exhibition")), True
    for kind in kinds:
        word = LIDO_EVENT_TYPES.get(kind.removeprefix(LIDO_TERMS_NS))
        if kind.startswith(LIDO_TERMS_NS) and word:
            return Text(_(word)), word != "event"
    if kinds:
        return label(kinds[0]), True
    classes = [getattr(c, "value", "") for c in out(graph, node, RDF.type)]
    word = next((_CLASSES[c] for c in classes if c in _CLASSES), "")
    return Text(_(word or "event")), bool(word)
