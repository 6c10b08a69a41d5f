"""Units of measurement: their AAT concepts and exact factors to centimetres or grams.

Factors are exact decimals (an inch is 2.54 cm by definition, a pound 453.59237 g), so a value
converted to centimetres and back is the value it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pyoxigraph import NamedNode

from museion_core.vocab import AAT

__all__ = ["CENTIMETRES", "GRAMS", "UNITS", "Unit", "from_base", "to_base", "unit_for"]


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    concept: NamedNode
    factor: Decimal
    """Multiply by this to get centimetres (lengths) or grams (weights)."""
    weight: bool = False

    @property
    def base(self) -> Unit:
        """The unit values are compared in: centimetres, or grams for weights."""
        return GRAMS if self.weight else CENTIMETRES


CENTIMETRES = Unit("cm", AAT.CENTIMETRES, Decimal(1))
GRAMS = Unit("g", AAT.GRAMS, Decimal(1), weight=True)

UNITS: dict[str, Unit] = {
    "mm": Unit("mm", AAT.MILLIMETRES, Decimal("0.1")),
    "cm": CENTIMETRES,
    "m": Unit("m", AAT.METRES, Decimal(100)),
    "in": Unit("in", AAT.INCHES, Decimal("2.54")),
    "ft": Unit("ft", AAT.FEET, Decimal("30.48")),
    "g": GRAMS,
    "kg": Unit("kg", AAT.KILOGRAMS, Decimal(1000), weight=True),
    "lb": Unit("lb", AAT.POUNDS, Decimal("453.59237"), weight=True),
    "oz": Unit("oz", AAT.OUNCES, Decimal("28.349523125"), weight=True),
}

_ALIASES = {
    "millimetre": "mm",
    "millimeter": "mm",
    "millimetres": "mm",
    "millimeters": "mm",
    "centimetre": "cm",
    "centimeter": "cm",
    "centimetres": "cm",
    "centimeters": "cm",
    # French writes them with a grave accent: "45 x 30 centimètres" was read as no dimension
    "millimètre": "mm",
    "millimètres": "mm",
    "centimètre": "cm",
    "centimètres": "cm",
    "mètre": "m",
    "mètres": "m",
    "metre": "m",
    "meter": "m",
    "metres": "m",
    "meters": "m",
    "in.": "in",
    "ins": "in",
    "ins.": "in",
    "inch": "in",
    "inches": "in",
    '"': "in",
    "″": "in",
    "''": "in",
    "zoll": "in",
    "pouces": "in",
    "feet": "ft",
    "foot": "ft",
    "ft.": "ft",
    "'": "ft",
    "′": "ft",
    "gram": "g",
    "grams": "g",
    "gramm": "g",
    "gramme": "g",
    "grammes": "g",
    "gr": "g",
    "gr.": "g",
    "kilogram": "kg",
    "kilograms": "kg",
    "kilogramm": "kg",
    "kilogramme": "kg",
    "kilogrammes": "kg",
    "kgs": "kg",
    "kg.": "kg",
    "lbs": "lb",
    "lbs.": "lb",
    "lb.": "lb",
    "pound": "lb",
    "pounds": "lb",
    "oz.": "oz",
    "ounce": "oz",
    "ounces": "oz",
    # Arabic
    "مم": "mm",
    "ملم": "mm",
    "مليمتر": "mm",
    "سم": "cm",
    "سنتيمتر": "cm",
    "سنتمتر": "cm",
    "م": "m",
    "متر": "m",
    "غ": "g",
    "غم": "g",
    "جم": "g",
    "غرام": "g",
    "كغ": "kg",
    "كغم": "kg",
    "كجم": "kg",
    "كلغ": "kg",
    "كيلوغرام": "kg",
}


def unit_for(text: str) -> Unit | None:
    key = text.strip().casefold()
    return UNITS.get(_ALIASES.get(key, key))


def to_base(value: Decimal, unit: Unit) -> Decimal:
    """The value in centimetres, or grams for a weight."""
    return value * unit.factor


def from_base(value: Decimal, unit: Unit) -> Decimal:
    """The inverse of ``to_base``: a value in centimetres (or grams) in ``unit``."""
    return value / unit.factor
