"""Units of measurement: their AAT concepts and factors to centimetres or grams."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pyoxigraph import NamedNode

from ..vocab import AAT

__all__ = ["UNITS", "Unit", "unit_for"]


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    concept: NamedNode
    factor: Decimal
    """Multiply by this to get centimetres (lengths) or grams (weights)."""
    weight: bool = False


UNITS: dict[str, Unit] = {
    "mm": Unit("mm", AAT.MILLIMETRES, Decimal("0.1")),
    "cm": Unit("cm", AAT.CENTIMETRES, Decimal(1)),
    "m": Unit("m", AAT.METRES, Decimal(100)),
    "in": Unit("in", AAT.INCHES, Decimal("2.54")),
    "ft": Unit("ft", AAT.FEET, Decimal("30.48")),
    "g": Unit("g", AAT.GRAMS, Decimal(1), weight=True),
    "kg": Unit("kg", AAT.KILOGRAMS, Decimal(1000), weight=True),
    "lb": Unit("lb", AAT.POUNDS, Decimal("453.59237"), weight=True),
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
    "metre": "m",
    "meter": "m",
    "metres": "m",
    "meters": "m",
    "in.": "in",
    "inch": "in",
    "inches": "in",
    '"': "in",
    "″": "in",
    "feet": "ft",
    "foot": "ft",
    "ft.": "ft",
    "'": "ft",
    "′": "ft",
    "gram": "g",
    "grams": "g",
    "gr": "g",
    "kilogram": "kg",
    "kilograms": "kg",
    "kgs": "kg",
    "lbs": "lb",
    "lb.": "lb",
    "pound": "lb",
    "pounds": "lb",
}


def unit_for(text: str) -> Unit | None:
    key = text.strip().casefold()
    return UNITS.get(_ALIASES.get(key, key))
