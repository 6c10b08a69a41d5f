"""The object's physical make-up: its measurements (``objectMeasurementsWrap``: values, types
and units, or the display text read as a dimension statement) and the materials and techniques
of a ``objectMaterialsTechSet`` or an event's ``eventMaterialsTech``.
"""

from __future__ import annotations

from lxml import etree
from pyoxigraph import NamedNode

from museion_core import messages
from museion_core.vocab import AAT, AAT_NS, CRM

from ..builder import DIMENSION_TYPES, Dimension
from ..normalise.dimensions import legend_kinds, parse_measured_values
from ..normalise.text import clean_text
from ..normalise.units import UNITS, Unit, unit_for
from .authorities import normalise
from .cached import dimension_statement
from .common import Record
from .reader import L, LidoConcept, Text, attr, child, children, clean, concept, language, texts

__all__ = ["materials", "measurements"]

_DIMENSIONS = {
    "height": AAT.HEIGHT,
    "höhe": AAT.HEIGHT,
    "hoehe": AAT.HEIGHT,
    "width": AAT.WIDTH,
    "breite": AAT.WIDTH,
    "depth": AAT.DEPTH,
    "tiefe": AAT.DEPTH,
    "diameter": AAT.DIAMETER,
    "durchmesser": AAT.DIAMETER,
    "weight": AAT.WEIGHT,
    "gewicht": AAT.WEIGHT,
    "length": AAT.LENGTH,
    "länge": AAT.LENGTH,
    "laenge": AAT.LENGTH,
    "thickness": AAT.THICKNESS,
    "stärke": AAT.THICKNESS,
    "dicke": AAT.THICKNESS,
}
_DIMENSION_IRIS = {
    **{t.value: t for t in _DIMENSIONS.values()},
    "http://www.wikidata.org/entity/Q208826": AAT.HEIGHT,
    "http://www.wikidata.org/entity/Q35059": AAT.WIDTH,
    "http://www.wikidata.org/entity/Q3250078": AAT.DEPTH,
    "http://www.wikidata.org/entity/Q37221": AAT.DIAMETER,
    "http://www.wikidata.org/entity/Q25288": AAT.WEIGHT,
    "http://www.wikidata.org/entity/Q36253": AAT.LENGTH,
}
_UNIT_IRIS = {
    "http://www.wikidata.org/entity/Q174728": "cm",
    "http://www.wikidata.org/entity/Q174789": "mm",
    "http://www.wikidata.org/entity/Q11573": "m",
    "http://www.wikidata.org/entity/Q218593": "in",
    "http://www.wikidata.org/entity/Q3710": "ft",
    "http://www.wikidata.org/entity/Q41803": "g",
    "http://www.wikidata.org/entity/Q11570": "kg",
}


def measurements(r: Record, ident: etree._Element) -> None:
    """Each ``objectMeasurementsSet``: its display text as a dimension statement, and each
    measurement with its type, unit and value ("12,5", "ca. 30", "216 x 164" for a type
    "Höhe x Breite"). A set whose measurements give no value is read from its display text
    as the declarative mappings read one ("203 x 314 cm": height × width; "(H x D)": height
    and diameter). A dimension in millimetres, metres or inches also gets its centimetres
    (``RecordBuilder.dimension``), so one query compares every partner's widths."""
    dims: list[Dimension] = []
    statements = 0
    for mset in children(ident, f"{L}objectMeasurementsWrap/{L}objectMeasurementsSet"):
        lang = language(mset, r.language)
        displays = texts(mset, L + "displayObjectMeasurements", lang)
        for display in displays:
            statements += 1
            node = r.node(
                "statement", "dimensions" if statements == 1 else f"dimensions/{statements}"
            )
            r.statement(r.obj, node, display, AAT.DIMENSION_STATEMENT)
        found: list[Dimension] = []
        units: list[Unit] = []
        for item in children(mset, f"{L}objectMeasurements/{L}measurementsSet"):
            found.extend(_measurement(r, item, lang, units))
        if not found:
            for display in displays[:1]:
                found.extend(_from_display(r, display, units[0] if units else None))
        dims.extend(found)
    for n, dim in enumerate(dims, start=1):
        r.b.dimension(r.obj, r.node("dimension", n), dim)


def _from_display(r: Record, display: Text, unit: Unit | None) -> list[Dimension]:
    text = clean_text(display.value, html_markup=True)
    parsed = dimension_statement(text, display.language)
    if not parsed.parsed and unit is not None:  # "36 x 24 x 4.5" with the unit given apart
        parsed = dimension_statement(f"{text} {unit.code}", display.language)
    if not parsed.parsed:
        r.b.warnings.append(messages.NO_DIMENSION(text=display.value))
        r.b.unparsed.append(("dimensions", display.value, "displayObjectMeasurements"))
        return []
    if parsed.whole is None:  # only a frame, a base ...: not the object's own dimensions
        return []
    return [Dimension.of(d) for d in parsed.whole.dimensions]


def _measurement(
    r: Record, item: etree._Element, lang: str | None, units: list[Unit]
) -> list[Dimension]:
    type_ = concept(child(item, L + "measurementType"), lang)
    unit_ = concept(child(item, L + "measurementUnit"), lang)
    measured = child(item, L + "measurementValue")
    raw = clean(measured.text) if measured is not None else ""
    found = parse_measured_values(raw) if raw else []
    if not found:
        if raw:
            r.b.warnings.append(messages.MEASUREMENT_NOT_NUMBER(value=raw))
        return []
    unit_node, unit = _unit(r, unit_)
    if unit is not None:
        units.append(unit)
    if len(found) > 1:  # "216 x 164" measured as "Höhe x Breite"
        label = type_.label
        kinds = legend_kinds(label.value, label.language) if label is not None else None
        if kinds is None or len(kinds) != len(found):
            kinds = ["height", "width", "depth"][: len(found)]
        return [
            Dimension(DIMENSION_TYPES[kind], value, unit_node, unit)
            for kind, value in zip(kinds, found, strict=False)
        ]
    kind = _dimension_type(type_)
    if kind is None:
        kind_node = r.concept(type_, "dimension")
        if kind_node is None:
            r.b.warnings.append(messages.MEASUREMENT_NO_TYPE())
            return []
        kind = kind_node
    return [Dimension(kind, found[0], unit_node, unit)]


def _dimension_type(found: LidoConcept) -> NamedNode | None:
    for value in found.all_ids():
        hit = _DIMENSION_IRIS.get(normalise(value))
        if hit is not None:
            return hit
    for label in found.labels:
        hit = _DIMENSIONS.get(label.value.lower())
        if hit is not None:
            return hit
    return None


_UNIT_OF_CONCEPT = {u.concept.value: u for u in UNITS.values()}


def _unit(r: Record, found: LidoConcept) -> tuple[NamedNode | None, Unit | None]:
    """The unit's IRI, and the unit as Museion knows it (None for pixels and other units it
    cannot convert)."""
    for value in found.all_ids():
        iri = normalise(value)
        if iri.startswith(AAT_NS):
            return NamedNode(iri), _UNIT_OF_CONCEPT.get(iri)
        code = _UNIT_IRIS.get(iri)
        if code is not None:
            unit = unit_for(code)
            if unit is not None:
                return unit.concept, unit
    for label in found.labels:
        unit = unit_for(label.value)
        if unit is not None:
            return unit.concept, unit
    if found:
        return r.concept(found, "unit", CRM.E58_Measurement_Unit), None
    return None, None


def materials(
    r: Record,
    element: etree._Element,
    obj: NamedNode,
    event: NamedNode | None,
    statement_key: str,
    *,
    production: bool = True,
    employ: bool = False,
) -> None:
    """``objectMaterialsTechSet`` / ``eventMaterialsTech``: the display text as a materials
    statement; materials the object consists of (those of its production or the object
    itself), or that a modification employed; techniques the event used. A material another
    kind of event used has no CRM property; its display text is kept."""
    lang = language(element, r.language)
    for n, display in enumerate(texts(element, L + "displayMaterialsTech", lang), start=1):
        node = r.node("statement", "materials", statement_key if n == 1 else f"{statement_key}-{n}")
        r.statement(obj, node, display, AAT.MATERIAL_STATEMENT)
    for term in children(element, f"{L}materialsTech/{L}termMaterialsTech"):
        kind = attr(term, "type").lower()
        found = concept(term, lang)
        if not found:
            continue
        technique = "technique" in kind or kind.endswith(("lido00131", "lido00129"))
        if technique:
            used = r.concept(found, "technique")
            if event is not None and used is not None:
                r.b.add(event, CRM.P32_used_general_technique, used)
            continue
        material = r.concept(found, "material", CRM.E57_Material)
        if material is None:
            continue
        if production or event is None:
            r.b.add(obj, CRM.P45_consists_of, material)
        elif employ:
            r.b.add(event, CRM.P126_employed, material)
