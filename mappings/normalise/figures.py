"""How a figure is written: decimal marks, groups of thousands, fractions, and how a
statement's figures settle a point or comma they leave open.

- Decimal commas are read as decimal points ("3,5"), except a comma before exactly three
  digits, which separates thousands ("1,200 lb").
- A lone point or comma before three digits is read by the statement's other numbers, else
  its language (``marks``); in a product of mm or cm, beside a whole figure, it groups
  thousands where that makes the more proportionate object (``product_numbers``).
- A fraction sign is its fraction ("12 ½" is 12.5); Arabic's decimal and thousands signs are
  a point and a comma.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .units import Unit

__all__ = [
    "ARABIC_SIGNS",
    "DECIMAL_COMMA_LANGUAGES",
    "DECIMAL_POINT_LANGUAGES",
    "FRACTIONS",
    "LIKELY_CM",
    "Marks",
    "decimal_comma",
    "marks",
    "parse_number",
    "product_numbers",
]

FRACTIONS = {
    "½": " 1/2", "⅓": " 1/3", "⅔": " 2/3", "¼": " 1/4", "¾": " 3/4", "⅛": " 1/8",
    "⅜": " 3/8", "⅝": " 5/8", "⅞": " 7/8", "⅙": " 1/6", "⅚": " 5/6", "⅕": " 1/5",
    "⁄": "/",
}  # fmt: skip

ARABIC_SIGNS = str.maketrans({"٫": ".", "٬": ",", "إ": "ا"})


def parse_number(text: str, decimal_comma: bool | None = None) -> Decimal | None:
    """``"20 7/8"`` → 20.875, ``"3,5"`` → 3.5, ``"1/2"`` → 0.5, ``"1,200"`` → 1200.

    ``decimal_comma``: whether the statement writes decimals with a comma (``decimal_comma``):
    then ``"2,250"`` is 2.25 and ``"1.200"`` 1200; if not, or not known (None), ``"2,250"`` is
    2250 and ``"1.200"`` 1.2. A fraction sign counts as its fraction: ``"12 ½"`` → 12.5."""
    if not text.isascii():
        for symbol, replacement in FRACTIONS.items():
            text = text.replace(symbol, replacement)
    text = text.strip()
    whole, _, fraction = re.sub(r"\s+|-", " ", text).partition(" ")
    try:
        if "/" in whole and not fraction:
            top, bottom = whole.split("/")
            return Decimal(top) / Decimal(bottom)
        if decimal_comma and re.fullmatch(r"\d{1,3}\.\d{3}", whole):
            whole = whole.replace(".", "")
        elif not decimal_comma and re.fullmatch(r"\d{1,3},\d{3}", whole):
            whole = whole.replace(",", "")
        value = Decimal(whole.replace(",", "."))
        if fraction:
            top, bottom = fraction.split("/")
            value += Decimal(top) / Decimal(bottom)
    except (InvalidOperation, ValueError, ZeroDivisionError):
        return None
    return value


DECIMAL_COMMA_LANGUAGES = frozenset(
    {
        "az",
        "be",
        "bg",
        "bs",
        "ca",
        "cs",
        "da",
        "de",
        "el",
        "es",
        "et",
        "eu",
        "fi",
        "fr",
        "gl",
        "hr",
        "hu",
        "id",
        "is",
        "it",
        "ka",
        "kk",
        "lt",
        "lv",
        "mk",
        "nb",
        "nl",
        "nn",
        "no",
        "pl",
        "pt",
        "ro",
        "ru",
        "sk",
        "sl",
        "sq",
        "sr",
        "sv",
        "tr",
        "uk",
        "uz",
        "vi",
    }
)
"""Languages whose writers put a comma before decimals ("12,5 cm")."""

DECIMAL_POINT_LANGUAGES = frozenset({"en", "ga", "he", "hi", "ja", "ko", "ms", "mt", "th", "zh"})
"""Languages whose writers put a point before decimals, and may group thousands with a comma."""

_SEPARATED = re.compile(r"(?<![\d.,])(\d+)([.,])(\d+)(?![\d.,])")
_IMPERIAL = re.compile(
    r"(?<![^\W\d_])(?:in|ins|inch|inches|ft|feet|foot|lbs?|pounds?|oz|ounces?)(?![^\W\d_])|[\"″'′]",
    re.IGNORECASE,
)


def decimal_comma(statement: str, language: str | None = None) -> bool | None:
    """Whether ``statement`` writes decimals with a comma: told by a number that can only be
    read one way ("1,5", "12.75", "1250,5", "0.450"), else by ``language``; None if neither
    tells. "1,5 x 2,250 m" is 1.5 by 2.25 metres, whatever the language. Inches and pounds
    are not told by the language: "10.125 in" (ten and an eighth) is written so everywhere."""
    return marks(statement, language).comma


@dataclass(frozen=True, slots=True)
class Marks:
    """How a statement writes its numbers (``decimal_comma``)."""

    comma: bool | None
    guessed: bool = False
    """Told by the language only, not by the statement's numbers: a point before three digits
    is then read as grouping thousands only where that gives a likely size ("1.200 x 800
    mm", not "Diam. 3.175 cm", which would be 31 metres, and never a weight); and a product's
    figures may settle a lone mark either way (``product_numbers``)."""

    def number(self, raw: str, unit: Unit) -> Decimal | None:
        value = parse_number(raw, self.comma)
        if (
            value is not None
            and self.comma
            and self.guessed
            and _POINT_GROUP.fullmatch(raw.strip())
            and (unit.weight or value * unit.factor > LIKELY_CM)
        ):
            return parse_number(raw)  # the point as a decimal
        return value


LIKELY_CM = 1000
"""Ten metres: a size past it, read from a point the language alone called a thousands mark,
is read with the point as a decimal instead."""
_POINT_GROUP = re.compile(r"\d{1,3}\.\d{3}")


def marks(statement: str, language: str | None) -> Marks:
    comma = point = False
    for before, mark, after in _SEPARATED.findall(statement):
        # not a group of thousands (a group never follows a lone 0): a decimal
        if len(after) != 3 or len(before) > 3 or before.startswith("0"):
            comma, point = comma or mark == ",", point or mark == "."
    if comma != point:
        return Marks(comma)
    if _IMPERIAL.search(statement):
        return Marks(None)
    primary = (language or "").split("-")[0].casefold()
    if primary in DECIMAL_COMMA_LANGUAGES:
        return Marks(True, guessed=True)
    if primary in DECIMAL_POINT_LANGUAGES:
        return Marks(False, guessed=True)
    return Marks(None)


_LONE_MARK = re.compile(r"[1-9]\d{0,2}[.,]\d{3}")
"""A figure whose one point or comma stands before exactly three digits ("1.250", "1,250"):
decimals or a group of thousands, as ``product_numbers`` decides."""
_GROUP_UNITS = frozenset({"mm", "cm"})


def product_numbers(raws: list[str], units: list[Unit], marks: Marks) -> list[Decimal | None]:
    """The figures of a product ("1.250 x 80 cm"), each in its own unit.

    A figure with a lone point or comma before three digits, in a statement whose numbers
    do not tell how it writes decimals (its language may have guessed), is read as a group
    of thousands where all of these hold, else as ``marks`` reads it:

    - it is in millimetres or centimetres: three decimals there are hundredths of a
      millimetre, which no registrar measures ("1.250 m" is a millimetre-precise 1.25 m,
      "10.125 in" ten inches and an eighth; weights are left as read);
    - the product has a figure without that ambiguity, which says how big the object is
      (a product of such figures alone, "1.250 x 1.500 cm", is left as read);
    - read as thousands, it is nearer in size to the largest such figure than read as
      decimals (by ratio, in one unit): "1.250 x 80 cm" is 1,250 by 80 cm (15 to 1, against
      1 to 64), but "1.250 x 10 cm" is 1.25 by 10 cm and "3.175 x 5 cm" (an inch and a
      quarter) is 3.175 cm;
    - it is the first or second figure (height or width): a third, a depth, is small beside
      them by nature ("500 x 400 x 3.175 mm" is an eighth of an inch deep, not 3.2 m).

    This settles a figure the language reading alone would put past ten metres
    (``LIKELY_CM``) too: a German "1.250 x 80 cm" is 1,250 cm high."""
    numbers = [marks.number(raw, unit) for raw, unit in zip(raws, units, strict=True)]
    if marks.comma is not None and not marks.guessed:
        return numbers
    sizes = [
        number * unit.factor
        for raw, number, unit in zip(raws, numbers, units, strict=True)
        if number is not None and number > 0 and not _LONE_MARK.fullmatch(raw.strip())
    ]
    if not sizes:
        return numbers
    largest = max(sizes)
    for index, (raw, number, unit) in enumerate(zip(raws, numbers, units, strict=True)):
        if index >= 2:  # a depth is small beside its height and width: "500 x 400 x 3.175 mm"
            break
        if number is None or unit.code not in _GROUP_UNITS or not _LONE_MARK.fullmatch(raw.strip()):
            continue
        grouped = Decimal(re.sub(r"[.,]", "", raw))
        if grouped != number and _apart(grouped * unit.factor, largest) < _apart(
            number * unit.factor, largest
        ):
            numbers[index] = grouped
    return numbers


def _apart(size: Decimal, other: Decimal) -> Decimal:
    """How many times larger the larger of two sizes is."""
    return max(size, other) / min(size, other)
