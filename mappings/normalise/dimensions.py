"""Dimension statements ("support: 394 x 419 mm", "H. 12 cm") as typed values with units.

Museum convention writes height × width × depth; a labelled value ("H.", "Ø", "weight") says
its own type. Only the first unit system of a statement is taken ("24.1 × 30.5 cm (9 1/2 × 12
in.)" gives the centimetres), so a statement never yields the same measure twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .units import Unit, unit_for

__all__ = ["MeasuredDimension", "parse_dimensions", "parse_number"]

_NUMBER = r"\d+(?:[.,]\d+)?(?:[ -]\d+/\d+)?|\d+/\d+"
_UNIT = (
    r"mm|cm|m|in\.?|inch(?:es)?|ft\.?|feet|foot|kg|g|gr|lbs?\.?|pounds?|grams?|kilograms?"
    r"|millimet(?:re|er)s?|centimet(?:re|er)s?|met(?:re|er)s?|[\"″'′]"
)
_SEP = r"\s*[x×X*]\s*"

_INNER_UNIT = rf"(?:\s*(?:{_UNIT})(?={_SEP}))?"  # "12 cm x 8 cm": a unit after each number
_PRODUCT = re.compile(
    rf"(?P<a>{_NUMBER}){_INNER_UNIT}{_SEP}(?P<b>{_NUMBER}){_INNER_UNIT}"
    rf"(?:{_SEP}(?P<c>{_NUMBER}))?\s*(?P<unit>{_UNIT})(?![a-z])",
    re.IGNORECASE,
)
_LABELLED = re.compile(
    rf"(?P<label>h(?:eight|öhe|ohe|auteur)?|w(?:idth)?|b(?:reite)?|l(?:ength|argeur|änge)?|"
    rf"d(?:epth|iam(?:eter)?|urchmesser)?|t(?:iefe)?|ø|⌀|weight|gewicht|poids|wt)\.?\s*:?\s*"
    rf"(?P<value>{_NUMBER})\s*(?P<unit>{_UNIT})(?![a-z])",
    re.IGNORECASE,
)

_LABEL_KIND = {
    "h": "height",
    "height": "height",
    "höhe": "height",
    "hohe": "height",
    "hauteur": "height",
    "w": "width",
    "width": "width",
    "b": "width",
    "breite": "width",
    "largeur": "width",
    "l": "length",
    "length": "length",
    "länge": "length",
    "d": "depth",
    "depth": "depth",
    "t": "depth",
    "tiefe": "depth",
    "diam": "diameter",
    "diameter": "diameter",
    "durchmesser": "diameter",
    "ø": "diameter",
    "⌀": "diameter",
    "weight": "weight",
    "gewicht": "weight",
    "poids": "weight",
    "wt": "weight",
}
_ORDER = ("height", "width", "depth")


@dataclass(frozen=True, slots=True)
class MeasuredDimension:
    kind: str
    """height, width, depth, diameter, length or weight."""
    value: Decimal
    unit: Unit
    part: str | None = None
    """What was measured when the statement says so ("support", "image", "frame")."""

    @property
    def normalised(self) -> Decimal:
        """The value in centimetres (lengths) or grams (weights)."""
        return self.value * self.unit.factor


def parse_number(text: str) -> Decimal | None:
    """``"20 7/8"`` → 20.875, ``"3,5"`` → 3.5, ``"1/2"`` → 0.5."""
    text = text.strip()
    whole, _, fraction = text.replace("-", " ").partition(" ")
    try:
        if "/" in whole and not fraction:
            top, bottom = whole.split("/")
            return Decimal(top) / Decimal(bottom)
        value = Decimal(whole.replace(",", "."))
        if fraction:
            top, bottom = fraction.split("/")
            value += Decimal(top) / Decimal(bottom)
    except (InvalidOperation, ValueError, ZeroDivisionError):
        return None
    return value


def parse_dimensions(statement: str) -> list[MeasuredDimension]:
    """Every measure a statement gives, in the first unit system it uses per segment."""
    found: list[MeasuredDimension] = []
    for segment in re.split(r"[;\n]+", statement):
        part: str | None = None
        label = re.match(r"\s*([A-Za-zÀ-ÿ ]{2,30}):", segment)
        if label and not _LABELLED.match(segment.strip()):
            part = label.group(1).strip().lower()
        primary = re.split(r"\(", segment, maxsplit=1)[0]
        text = primary if re.search(r"\d", primary) else segment
        found.extend(_parse_segment(text, part))
    return found


def _parse_segment(text: str, part: str | None) -> list[MeasuredDimension]:
    product = _PRODUCT.search(text)
    if product:
        unit = unit_for(product["unit"])
        if unit is None:
            return []
        values = [product["a"], product["b"], product["c"]]
        dims = []
        for kind, raw in zip(_ORDER, values, strict=True):
            number = parse_number(raw) if raw else None
            if number is not None:
                dims.append(MeasuredDimension(kind, number, unit, part))
        return dims
    dims = []
    for labelled in _LABELLED.finditer(text):
        unit = unit_for(labelled["unit"])
        number = parse_number(labelled["value"])
        named = _LABEL_KIND.get(labelled["label"].lower().rstrip("."))
        if unit is None or number is None or named is None:
            continue
        if unit.weight:
            named = "weight"  # "Gewicht 3 kg" or a mislabelled "H. 3 kg": a mass is a weight
        dims.append(MeasuredDimension(named, number, unit, part))
    return dims
