"""Actors, legal bodies and places of a LIDO record.

Their IRIs are minted under the source and are the same in every record that names the same
actor or place, so the default graph merges them: from the partner's own (local) identifier if
the record gives one, else from the first authority by a fixed order (ULAN, GND, Wikidata,
VIAF, TGN, GeoNames: ``person/gnd%3A118514008``), else from the name. Every authority IRI the
record gives is kept as ``la:equivalent`` (an entity IRI, never a web page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree
from pyoxigraph import Literal, NamedNode

from museion_core import messages
from museion_core.vocab import AAT, CRM

from ..authorities import parse_authority
from ..builder import TimeSpan
from ..iris import label_key
from ..normalise.dates import instant_order
from .authorities import is_uri, key, normalise, priority
from .cached import bounds, parse_date_text
from .common import Record
from .reader import GML, L, Text, appellations, attr, child, clean, concept, language, text

__all__ = ["actor", "legal_body", "place", "timespan"]

_GROUP_TYPES = ("organization", "organisation", "corporation", "corporate", "group", "family")
_GROUP_IDS = ("lido00413", "lido00164", "lido00165", "actor_type/organization")


def _minting_key(entity: _Entity) -> str | None:
    """Local id first (the partner's own authority file is consistent across its records),
    then an authority, then the name."""
    ids = entity.ids
    local = [i for i in ids if not is_uri(i)]
    if local:
        return local[0]
    uris = sorted((normalise(i) for i in ids), key=priority)
    if uris:
        return key(uris[0]) or uris[0]
    name = entity.preferred()
    return "name-" + label_key(name) if name else None


def _ids(parent: etree._Element, tag: str) -> list[str]:
    return [v for v in (clean(e.text) for e in parent.iterchildren(L + tag)) if v]


def _cited(parent: etree._Element, tag: str) -> list[str]:
    """The authority records bare ids cite by their ``source`` (``<actorID lido:source="ULAN">
    500115493</actorID>``), as entity IRIs; an id whose source names no authority Museion
    knows is the partner's own."""
    found = []
    for element in parent.iterchildren(L + tag):
        value = clean(element.text)
        if value and not is_uri(value):
            authority = parse_authority(value, attr(element, "source") or None)
            if authority is not None:
                found.append(authority.iri)
    return found


def _equivalents(r: Record, subject: NamedNode, ids: list[str]) -> None:
    for value in dict.fromkeys(normalise(i) for i in ids if is_uri(i)):
        r.b.equivalent(subject, value)


@dataclass(slots=True)
class _Entity:
    """An actor, legal body or place element: its identifiers read at once, its names and
    the authority records its bare ids cite only when they are needed. A record names the
    same holder, source or place again and again (each image's rights holder), describes it
    the first time, and needs only its IRI after that: the ids mint it (the names only when
    there are no ids)."""

    element: etree._Element
    id_tag: str
    name_tag: str
    ids: list[str] = field(init=False)
    _names: list[tuple[Text, bool]] | None = None

    def __post_init__(self) -> None:
        self.ids = _ids(self.element, self.id_tag)

    @property
    def names(self) -> list[tuple[Text, bool]]:
        """Its names, each with whether it is preferred; a language only where the record
        marks one on the name."""
        if self._names is None:
            self._names = [
                v
                for s in self.element.iterchildren(L + self.name_tag)
                for v in appellations(s, inherit=False)
            ]
        return self._names

    def preferred(self) -> str | None:
        return next((t.value for t, p in self.names if p), None)

    def cited(self) -> list[str]:
        """The authority records its bare ids cite (``_cited``: equivalents, not minting keys,
        so that no IRI changes)."""
        return _cited(self.element, self.id_tag)


def _first_description(r: Record, node: NamedNode, cls: NamedNode, entity: _Entity) -> bool:
    """Type, names and equivalents of an entity the first time a record names it; False (and
    nothing written, nothing more read) when the record has described it already."""
    if node.value in r._described:
        return False
    r._described.add(node.value)
    r.b.a(node, cls)
    r.names(node, entity.names)
    _equivalents(r, node, entity.ids + entity.cited())
    return True


def actor(r: Record, element: etree._Element, default: str | None) -> NamedNode | None:
    """``lido:actor`` as a ``crm:E21_Person`` or ``crm:E74_Group``."""
    entity = _Entity(element, "actorID", "nameActorSet")
    ident = _minting_key(entity)
    if ident is None:
        r.b.warnings.append(messages.ACTOR_NAMELESS())
        return None
    kind = attr(element, "type").lower()
    group = any(t in kind for t in _GROUP_TYPES) or any(t in kind for t in _GROUP_IDS)
    node = r.minter.actor("group" if group else "person", ident)
    cls = CRM.E74_Group if group else CRM.E21_Person
    if not _first_description(r, node, cls, entity):
        return node
    for nationality in element.iterchildren(L + "nationalityActor"):
        r.classify(node, concept(nationality, default), "nationality", AAT.NATIONALITY)
    for gender in element.iterchildren(L + "genderActor"):
        r.classify(node, concept(gender, default), "gender", AAT.GENDER)
    vital = child(element, L + "vitalDatesActor")
    if vital is not None:
        _life(r, node, vital, group)
    return node


def _life(r: Record, node: NamedNode, vital: etree._Element, group: bool) -> None:
    """Earliest and latest vital dates as birth and death (formation/dissolution of a group),
    unless the record says they are dates of activity."""
    for which, tag in (("birth", "earliestDate"), ("death", "latestDate")):
        element = child(vital, L + tag)
        value = text(element)
        if element is None or not value or "activ" in attr(element, "type").lower():
            continue
        found = bounds(value)
        if found is None:
            r.b.warnings.append(messages.ACTOR_DATE_INVALID(which=which, value=value))
            continue
        if which == "birth":
            prop, cls = (
                (CRM.P95i_was_formed_by, CRM.E66_Formation)
                if group
                else (CRM.P98i_was_born, CRM.E67_Birth)
            )
        else:
            prop, cls = (
                (CRM.P99i_was_dissolved_by, CRM.E68_Dissolution)
                if group
                else (CRM.P100i_died_in, CRM.E69_Death)
            )
        event = NamedNode(f"{node.value}/{which}")
        r.b.add(node, prop, event)
        r.b.a(event, cls)
        r.b.timespan(event, NamedNode(f"{event.value}/timespan"), TimeSpan(*found, value))


def legal_body(r: Record, element: etree._Element) -> NamedNode | None:
    """A ``legalBodyRefComplexType`` (repository, rights holder, record source) as a group;
    its names carry a language only where the record marks one on them."""
    entity = _Entity(element, "legalBodyID", "legalBodyName")
    ident = _minting_key(entity)
    if ident is None:
        return None
    node = r.minter.actor("group", ident)
    if not _first_description(r, node, CRM.E74_Group, entity):
        return node
    for n, link in enumerate(_ids(element, "legalBodyWeblink"), start=1):
        r.b.web_page(node, NamedNode(f"{node.value}/page/{n}"), link)
    return node


def place(
    r: Record, element: etree._Element, default: str | None, fallback: NamedNode | None = None
) -> NamedNode | None:
    """``lido:place`` (or ``repositoryLocation``) as a ``crm:E53_Place``, with its names,
    coordinates, type and the places it falls within. ``fallback`` names a place that has
    only coordinates."""
    entity = _Entity(element, "placeID", "namePlaceSet")
    local = [i for i in entity.ids if not is_uri(i)]
    uris = sorted((normalise(i) for i in entity.ids if is_uri(i)), key=priority)
    if uris:
        node = r.minter.place(key(uris[0]) or uris[0])
    elif local:
        node = r.minter.place(local[0])
    elif preferred := entity.preferred():
        node = r.minter.place(label_key(preferred))
    elif fallback is not None:
        node = fallback
    else:
        return None
    if not _first_description(r, node, CRM.E53_Place, entity):
        return node
    for wkt in _geometries(element, r):
        r.b.add(node, CRM.P168_place_is_defined_by, Literal(wkt))
    for classification in element.iterchildren(L + "placeClassification"):
        r.classify(node, concept(classification, default), "place-type")
    for parent in element.iterchildren(L + "partOfPlace"):
        broader = place(r, parent, language(parent, default))
        if broader is not None and broader != node:
            r.b.add(node, CRM.P89_falls_within, broader)
    return node


def _geometries(element: etree._Element, r: Record) -> list[str]:
    """GML points and polygons as WKT (``POINT(lon lat)``: WKT puts longitude first, LIDO's
    ``gml:pos`` latitude first)."""
    found = []
    for gml in element.iterchildren(L + "gml"):
        for point in gml.iterchildren(GML + "Point"):
            pos = _positions(point)
            if pos:
                found.append(f"POINT({pos[0]})")
        for polygon in gml.iterchildren(GML + "Polygon"):
            ring = _positions(polygon)
            if len(ring) >= 4:
                found.append(f"POLYGON(({', '.join(ring)}))")
        if len(gml) and not found:
            r.b.warnings.append(messages.COORDINATES_LEFT_OUT())
    return found


def _positions(element: etree._Element) -> list[str]:
    """Every ``gml:pos`` (``lat lon``) and ``gml:posList``/``gml:coordinates`` under the
    element, as WKT ``lon lat`` pairs."""
    pairs: list[tuple[str, str]] = []
    for pos in element.iter(GML + "pos"):
        parts = clean(pos.text).split()
        if len(parts) >= 2:
            pairs.append((parts[0], parts[1]))
    for pos_list in element.iter(GML + "posList"):
        parts = clean(pos_list.text).split()
        pairs.extend(zip(parts[0::2], parts[1::2], strict=False))
    for coordinates in element.iter(GML + "coordinates"):
        for pair in clean(coordinates.text).split():
            lat, _, lon = pair.partition(",")
            if lon:
                pairs.append((lat, lon))
    out = []
    for lat, lon in pairs:
        try:
            if not (-90 <= Decimal(lat) <= 90 and -180 <= Decimal(lon) <= 180):
                return []
        except InvalidOperation:
            return []
        out.append(f"{lon} {lat}")
    return out


def timespan(
    date: etree._Element | None, default: str | None, warnings: list[str] | None = None
) -> TimeSpan:
    """``eventDate``-like element: ``displayDate`` as the text, ``date/earliestDate`` and
    ``date/latestDate`` as the bounds (one alone bounds both ends). Bounds that run backwards
    are not used (the display text is read instead), and said in ``warnings``."""
    if date is None:
        return TimeSpan()
    display = next(
        (clean(d.text) for d in date.iterchildren(L + "displayDate") if clean(d.text)), None
    )
    display_lang = None
    if display is not None:
        first = child(date, L + "displayDate")
        display_lang = language(first, default) if first is not None else default
    earliest = latest = None
    inner = child(date, L + "date")
    if inner is not None:
        earliest = text(child(inner, L + "earliestDate")) or None
        latest = text(child(inner, L + "latestDate")) or None
    begin = bounds(earliest or latest) if (earliest or latest) else None
    end = bounds(latest or earliest) if (earliest or latest) else None
    backwards = None
    if begin and end and instant_order(begin[0]) > instant_order(end[1]):
        # earliestDate 1760, latestDate 1750: neither bound can be trusted; the display
        # text is read instead, and the partner told
        backwards = (begin[0][:10], end[1][:10])
        begin = end = None
    if begin is None and end is None and display is not None:
        # No structured dates: read the display text ("um 1650", "18. Jh.", "1620-25").
        parsed = parse_date_text(display, display_lang)
        if backwards and warnings is not None:
            said = messages.DATE_BACKWARDS_READ_TEXT if parsed else messages.DATE_BACKWARDS
            warnings.append(said(begin=backwards[0], end=backwards[1], text=display))
        if parsed is not None:
            return TimeSpan(parsed.begin_instant, parsed.end_instant, display, display_lang)
    elif backwards and warnings is not None:
        warnings.append(messages.DATE_BACKWARDS(begin=backwards[0], end=backwards[1]))
    return TimeSpan(
        begin[0] if begin else None,
        end[1] if end else None,
        display,
        display_lang,
    )
