"""Dimension statements ("support: 394 x 419 mm", "H. 12 cm", "20 7/8 x 15 3/4 in.") as typed
values with units, grouped by what they measure.

Conventions, the same for every partner:

- A product is height × width (× depth): "394 x 419 mm" is 394 mm high and 419 mm wide.
- A labelled value says its own type: "H. 12 cm", "Ø 3,5 cm", "diam. 4 in.", "12 cm high",
  "Gewicht 3 kg"; a mass ("167 kg") is a weight whatever its label.
- Only the first unit system of a segment is read: "24.1 × 30.5 cm (9 1/2 × 12 in.)" gives the
  centimetres, so a statement never yields the same measure twice.
- A statement may measure several things, one per line or ``;`` ("support: …", "frame: …").
  The object itself is measured by the segment labelled ``overall``, ``object``, ``displayed``,
  ``support`` or ``sheet`` (in that order of preference), else by an unlabelled one, else by
  ``image`` or ``plate``. Frames, mounts and bases, and pieces measured "each" or "x 3", are
  parts; so is every segment whose label repeats (six "support:" lines are six sheets).
- Decimal commas are read as decimal points ("3,5 cm"), except a comma before exactly three
  digits, which separates thousands ("1,200 lb"). Groups of three digits after a space, a
  no-break or a narrow no-break space are thousands ("1 250 x 80 cm"), and so is a point
  before a decimal comma ("1.250,5"), or a comma before a decimal point ("1,250.5"). A lone
  point or comma before three digits is read by the statement's other numbers, else its
  language; in a product of mm or cm, beside a whole figure, it groups thousands where that
  makes the more proportionate object ("1.250 x 80 cm"). How a figure is written is read
  by ``figures``.
- A key says what a product measures: "36 x 24 cm (H x D)", "Höhe x Breite: 216 x 164 mm".
  A "D" beside a height and no width is a diameter (German "Durchmesser": a round thing is
  measured by its height and diameter); beside a width it is a depth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .figures import ARABIC_SIGNS, FRACTIONS, Marks, marks, parse_number, product_numbers
from .units import CENTIMETRES, Unit, to_base, unit_for

__all__ = [
    "DIMENSION_KINDS",
    "DimensionGroup",
    "DimensionStatement",
    "MeasuredDimension",
    "MeasuredValue",
    "legend_kinds",
    "parse_dimension_statement",
    "parse_dimensions",
    "parse_measured_value",
    "parse_measured_values",
]

DIMENSION_KINDS = ("height", "width", "depth", "diameter", "length", "thickness", "weight")

_NUMBER = r"\d+(?:[.,]\d+)?(?:(?:\s+|-)\d+/\d+)?|\d+/\d+"
_UNIT = (
    r"mm|cm|m|in\.?|ins\.?|inch(?:es)?|ft\.?|feet|foot|kgs?\.?|g|gr\.?|lbs?\.?|pounds?|oz\.?"
    r"|ounces?|grams?|gramm|grammes?|kilograms?|kilogramm|kilogrammes?|zoll|pouces"
    r"|millim[eè]t(?:re|er)s?|centim[eè]t(?:re|er)s?|m[eè]t(?:re|er)s?|''|[\"″'′]"
    r"|مليمتر|ملم|مم|سنتيمتر|سنتمتر|سم|متر|م|كيلوغرام|كغم|كغ|كجم|كلغ|غرام|غم|جم|غ"
)
_SEP = r"\s*[x×X*]\s*"
_LETTER = r"(?:(?P<{}>[hwdlbt])\.?\s*)?"  # "H. 12 x W. 8 cm"
_INNER_UNIT = rf"(?:\s*(?P<{{}}>{_UNIT})(?={_SEP}))?"  # "2 m x 150 cm": a unit per number
_PRODUCT = re.compile(
    _LETTER.format("la")
    + rf"(?P<a>{_NUMBER})"
    + _INNER_UNIT.format("ua")
    + _SEP
    + _LETTER.format("lb")
    + rf"(?P<b>{_NUMBER})"
    + _INNER_UNIT.format("ub")
    + rf"(?:{_SEP}"
    + _LETTER.format("lc")
    + rf"(?P<c>{_NUMBER}))?\s*(?P<unit>{_UNIT})(?![^\W\d_])",
    re.IGNORECASE,
)
_KIND_WORD = (
    r"h(?:eight|öhe|ohe|auteur|aut|t)?|w(?:idth|t)?|b(?:reite)?"
    r"|l(?:ength|argeur|arg|änge|ange|ongueur|ong)?"
    r"|d(?:epth|iam(?:eter)?|ia|urchmesser|m)?|t(?:iefe|hickness|h)?|p(?:rofondeur|rof|r)?"
    r"|ép(?:aisseur|ais)?|dicke|ø|⌀|weight|gewicht|poids|wt|thick(?:ness)?"
    r"|(?:ال)?(?:ارتفاع|عرض|عمق|طول|قطر|سمك|وزن)"
)
_QUANTITY = (
    rf"(?P<value>{_NUMBER})\s*(?P<unit>{_UNIT})(?:\s*(?P<value2>{_NUMBER})\s*(?P<unit2>{_UNIT}))?"
)
_LABELLED = re.compile(
    rf"(?<![^\W\d_])(?P<label>{_KIND_WORD})\.?\s*[:=]?\s*{_QUANTITY}(?![^\W\d_])",
    re.IGNORECASE,
)
_SUFFIXED = re.compile(  # "12 cm high", "3 in. diameter", "4 cm hoch"
    rf"{_QUANTITY}\s*(?P<label>high|tall|hoch|haut|wide|breit|large|deep|tief|profond|long|lang"
    r"|thick|dick|épais|in diameter|diameter|diam\.?)(?![^\W\d_])",
    re.IGNORECASE,
)
_BARE = re.compile(rf"(?<![\d/.,])(?P<value>{_NUMBER})\s*(?P<unit>{_UNIT})(?![^\W\d_])", re.I)

_LABEL_KIND = {
    "h": "height", "height": "height", "höhe": "height", "hohe": "height", "hauteur": "height",
    "ht": "height", "high": "height", "tall": "height", "hoch": "height", "haut": "height",
    "w": "width", "width": "width", "b": "width", "breite": "width", "largeur": "width",
    "wide": "width", "breit": "width", "large": "width", "larg": "width",
    "l": "length", "length": "length", "länge": "length", "lange": "length", "long": "length",
    "lang": "length", "longueur": "length",
    "d": "depth", "depth": "depth", "t": "depth", "tiefe": "depth", "deep": "depth",
    "tief": "depth", "p": "depth", "pr": "depth", "profondeur": "depth", "profond": "depth",
    "prof": "depth",
    "diam": "diameter", "dia": "diameter", "dm": "diameter", "diameter": "diameter",
    "in diameter": "diameter", "durchmesser": "diameter", "ø": "diameter", "⌀": "diameter",
    "th": "thickness", "thickness": "thickness", "thick": "thickness", "dicke": "thickness",
    "dick": "thickness", "ép": "thickness", "épaisseur": "thickness", "épais": "thickness",
    "weight": "weight", "gewicht": "weight", "poids": "weight", "wt": "weight",
    "ارتفاع": "height", "الارتفاع": "height", "عرض": "width", "العرض": "width",
    "عمق": "depth", "العمق": "depth", "طول": "length", "الطول": "length",
    "قطر": "diameter", "القطر": "diameter", "سمك": "thickness", "السمك": "thickness",
    "وزن": "weight", "الوزن": "weight",
}  # fmt: skip
_LANGUAGE_KIND = {
    # letters that mean another thing in another language
    "fr": {"l": "width", "p": "depth"},
    "de": {"d": "diameter", "b": "width", "t": "depth"},
}
_ORDER = ("height", "width", "depth")

_PART_LABELS = {
    "frame": "frame", "framed": "frame", "rahmen": "frame", "cadre": "frame",
    "mount": "mount", "mat": "mount", "passepartout": "mount", "montage": "mount",
    "base": "base", "plinth": "base", "pedestal": "base", "stand": "base", "sockel": "base",
    "socle": "base", "case": "case", "box": "case", "vitrine": "case",
}  # fmt: skip
"""Labels of segments that measure a part of the object, not the object."""
_WHOLE_LABELS = (
    "overall", "object", "objekt", "objet", "displayed", "installed", "support", "sheet",
    "blatt", "feuille", "", "unconfirmed", "image", "bild", "composition", "sight", "plate",
    "platemark", "plate mark", "plattenrand",
)  # fmt: skip
"""Preference among segments that may measure the object itself ("" is an unlabelled one)."""


@dataclass(frozen=True, slots=True)
class MeasuredDimension:
    kind: str
    """height, width, depth, diameter, length, thickness or weight."""
    value: Decimal
    unit: Unit
    part: str | None = None
    """The label of what was measured, as the statement gives it ("support", "frame")."""

    @property
    def normalised(self) -> Decimal:
        """The value in centimetres (lengths) or grams (weights)."""
        return to_base(self.value, self.unit)

    @property
    def normalised_unit(self) -> Unit:
        return self.unit.base


@dataclass(frozen=True, slots=True)
class DimensionGroup:
    """One segment of a statement: what it measures and the dimensions it gives."""

    label: str
    """The segment's label as written ("support", "Rahmen", "support, each"); "" for none."""
    part: str | None
    """``frame``, ``mount``, ``base``, ``case`` for parts; else the label in lower case,
    without "each" or "x 3"."""
    each: bool
    """The values measure each of several pieces ("support, each", "support x 3")."""
    dimensions: tuple[MeasuredDimension, ...]


@dataclass(frozen=True, slots=True)
class DimensionStatement:
    text: str
    groups: tuple[DimensionGroup, ...]
    whole: DimensionGroup | None
    """The group that measures the object itself, when one does."""

    @property
    def parts(self) -> tuple[DimensionGroup, ...]:
        return tuple(g for g in self.groups if g is not self.whole)

    @property
    def dimensions(self) -> list[MeasuredDimension]:
        return [d for g in self.groups for d in g.dimensions]

    @property
    def parsed(self) -> bool:
        """At least one dimension was read."""
        return any(g.dimensions for g in self.groups)


_APPROXIMATE = re.compile(
    r"^\s*(?:ca\.?|circa|c\.|approx\.?|approximately|about|etwa|um|env\.?|environ|~|≈)\s*",
    re.IGNORECASE,
)


def parse_measured_values(text: str) -> list[Decimal]:
    """The numbers of a value field as partners fill it: ``"12,5"``, ``"ca. 30"``,
    ``"216 x 164"`` (one per measured dimension, in order); [] if any part is not a number."""
    parts = re.split(_SEP, _plain_numbers(text, cell=True).strip())
    found = []
    for part in parts:
        number = parse_number(_APPROXIMATE.sub("", part).strip().rstrip("."))
        if number is None:
            return []
        found.append(number)
    return found


@dataclass(frozen=True, slots=True)
class MeasuredValue:
    """One measurement cell read: its number, and the unit typed beside it, if one was."""

    value: Decimal
    unit: Unit | None = None


_CELL = re.compile(rf"(?P<value>{_NUMBER})(?:\s*(?P<unit>{_UNIT}))?", re.IGNORECASE)


def parse_measured_value(
    text: str, unit: Unit | None = None, language: str | None = None
) -> MeasuredValue | None:
    """A measurement cell as registrars type it: ``"45,5 cm"`` (the unit typed in the cell),
    ``"ca. 45"``, ``"env. 45"``, ``"um 45"`` (approximate: the number is read, as in a
    statement), ``"1 250,5"`` (thousands grouped by a space or a no-break one),
    ``"1.250,5"``, ``"٤٥٫٥"`` (Arabic-Indic digits and decimal sign); None if the cell is not
    one number with perhaps its unit. ``unit`` (the mapping's) and ``language`` settle a
    point or comma before three digits the way a statement's are."""
    cleaned = _APPROXIMATE.sub("", _plain_numbers(text, cell=True)).strip()
    found = _CELL.fullmatch(cleaned)
    if found is None:
        return None
    own = unit_for(found["unit"]) if found["unit"] else None
    if found["unit"] and own is None:
        return None
    number = marks(found["value"], language).number(found["value"], own or unit or CENTIMETRES)
    return None if number is None else MeasuredValue(number, own)


def _plain_numbers(text: str, *, cell: bool = False) -> str:
    """Fraction signs, Arabic decimal and thousands signs and grouped thousands as the
    parsers read them ("1 250,5" → "1250,5"); ``cell``: a value field's, not a statement."""
    if not text.isascii():
        for symbol, replacement in FRACTIONS.items():
            text = text.replace(symbol, replacement)
    return _ungroup(text.translate(ARABIC_SIGNS), cell=cell)


def legend_kinds(text: str, language: str | None = None) -> list[str] | None:
    """The kinds a key such as ``"H x D"`` or ``"Höhe x Breite x Tiefe"`` names, in order;
    None if the text is not such a key."""
    tokens = [t.strip().casefold().rstrip(".") for t in re.split(_SEP, text.strip())]
    if len(tokens) < 2 or len(tokens) > 3:
        return None
    letters = _LANGUAGE_KIND.get((language or "").split("-")[0].casefold(), {})
    widths = {"w", "b", "br", "l", "width", "breite", "largeur"}
    kinds = []
    for token in tokens:
        if token == "d":
            kind: str | None = "depth" if widths & set(tokens) else "diameter"
        else:
            kind = _kind(token, letters) if token else None
        if kind is None or kind == "weight":
            return None
        kinds.append(kind)
    return kinds


_LEGEND = re.compile(r"\((?P<keys>[^\W\d_]{1,12}\.?(?:\s*[x×X]\s*[^\W\d_]{1,12}\.?){1,2})\)")


def parse_dimensions(statement: str, language: str | None = None) -> list[MeasuredDimension]:
    """Every measure a statement gives, in the first unit system of each segment."""
    return parse_dimension_statement(statement, language).dimensions


_SPACED = re.compile(r"(?<![\d.,/])\d{1,3}(?: \d{3})+(?![\d/])")
"""Thousands grouped by a plain space ("1 250"), which may also be two numbers ("Set of 3
100 x 50 cm", "sheet 2 100 x 150 mm", a value field's "216 164"): see ``_spaced``."""
_CELL_SPACED = re.compile(r"(?:[,.]\d+)?(?:\s*[^\W\d_]{1,4}\.?)?\s*$")
"""What may follow a value field's spaced thousands for them to be one number: decimals, a
unit, and nothing else ("1 250", "1 250,5 cm")."""
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\W*$")

_GROUPS = (
    # "1\u00a0250", "1\u202f250,5": a no-break or narrow no-break space (French Excel and
    # LibreOffice group thousands so) before groups of exactly three digits, not a fraction
    re.compile(r"(?<![\d.,/])\d{1,3}(?:[\u00a0\u202f]\d{3})+(?![\d/])"),
    # "1.250,5", "1,250.5": the first mark groups where the other one is the decimal
    re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?=,\d+(?![\d.,]))"),
    re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?=\.\d+(?![\d.,]))"),
    # "1.250.000": a mark twice is no decimal
    re.compile(r"(?<![\d.,])\d{1,3}(?:([.,])\d{3})(?:\1\d{3})+(?![\d.,])"),
)


def _ungroup(text: str, *, cell: bool = False) -> str:
    """Thousands written as one number: "1 250,5 x 80 cm" → "1250,5 x 80 cm". A lone point or
    comma before three digits ("1.250") is left for ``marks`` to read by the statement's
    other numbers or its language."""
    text = _SPACED.sub(lambda found: _spaced(found, cell), text)
    for pattern in _GROUPS:
        text = pattern.sub(lambda found: re.sub(r"[^\d]", "", found.group()), text)
    return text


def _spaced(found: re.Match[str], cell: bool) -> str:
    """Digits grouped by a plain space, as one number where nothing suggests two: in a
    statement, at its start, after a separator or a dimension's label ("1 250 x 80 cm", "80 x
    1 250", "Höhe 1 250 mm", "الارتفاع 1 250 مم"), not after another word ("Set of 3 100 x 50
    cm": three sets of 100; "sheet 2 100 x 150 mm"); in a value field, when the field holds
    nothing else but decimals and a unit ("1 250", "1 250,5 cm")."""
    text, start, end = found.string, found.start(), found.end()
    if cell:
        one = text[:start].strip() in ("", "ca.", "ca", "~") and bool(_CELL_SPACED.match(text, end))
    else:
        before = text[:start].rstrip()
        word = _WORD_BEFORE.search(before)
        one = (
            not before
            or before[-1] in "x×X*:(=;,.Ø⌀"
            or (word is not None and _kind(word.group(1), {}) is not None)
        )
    return found.group().replace(" ", "") if one else found.group()


def parse_dimension_statement(statement: str, language: str | None = None) -> DimensionStatement:
    """A statement's segments, each with its label and dimensions, and the one that measures
    the object itself. ``language`` settles letters that differ ("L." is largeur in French)."""
    # Arabic-Indic digits are digits already; their decimal and thousands signs are not
    statement = _plain_numbers(statement)
    statement = _FEET_INCHES.sub(_in_inches, statement)
    letters = _LANGUAGE_KIND.get((language or "").split("-")[0].casefold(), {})
    comma = marks(statement, language)
    groups: list[DimensionGroup] = []
    unlabelled: list[MeasuredDimension] = []
    for segment in _SEGMENT.split(statement):
        if not segment.strip():
            continue
        label, rest = _label(segment)
        legend = legend_kinds(label, language) if label else None
        if legend is not None:  # "Höhe x Breite: 216 x 164 mm" is a key, not a part
            label = ""
        else:
            key = _LEGEND.search(rest)
            legend = legend_kinds(key["keys"], language) if key else None
            if key is not None and legend is not None:
                rest = rest[: key.start()] + rest[key.end() :]
        base, each = _base_label(label)
        primary = re.split(r"\(", rest, maxsplit=1)[0]
        text = primary if re.search(r"\d", primary) else rest
        dims = _parse_segment(text, label or None, letters, legend, comma)
        if not label:  # "H 30 cm; B 20 cm": unlabelled segments measure one thing together
            unlabelled.extend(dims)
            continue
        groups.append(DimensionGroup(label, _PART_LABELS.get(base, base), each, tuple(dims)))
    if unlabelled or not groups:
        groups.insert(0, DimensionGroup("", None, False, tuple(unlabelled)))
    return DimensionStatement(statement, tuple(groups), _whole(groups))


_SEGMENT = re.compile(
    # new lines and semicolons; and, for statements whose lines were joined into one, a space
    # before the next label ("… 419 mm frame: …", "… mm support x 3: …")
    # (not inside a key such as "H x D:")
    r"[;\n\r]+|(?<![,\s])(?<!\s[x×X])\s+(?=(?![x×X]\s)(?!(?:mm|cm|m|in|ins|ft|kg|g|lb|lbs|oz)\b)"
    r"(?:[^\W\d_]+[ ,]*){1,4}"
    r"(?:[x×]\s*\d+\s*)?:)"
)
_FEET_INCHES = re.compile(
    r"(?P<feet>\d+)\s*(?:['′]|ft\.?|feet|foot)\s*(?P<inches>\d+(?:[.,]\d+)?(?:\s+\d+/\d+)?)\s*"
    r"(?:[\"″]|''|in\.?|inch(?:es)?)(?![^\W\d_])",
    re.IGNORECASE,
)


def _in_inches(found: re.Match[str]) -> str:
    """ "3' 4\"" and "3 ft 4 in" as one value in inches ("40 in"), so a product can read it."""
    inches = parse_number(found["inches"])
    if inches is None:
        return found.group()
    return f"{Decimal(found['feet']) * 12 + inches} in"


def _label(segment: str) -> tuple[str, str]:
    found = re.match(r"\s*(?P<label>[^\W\d_][^:]{0,40}?)\s*:(?P<rest>.*)$", segment, re.S)
    if found is None:
        return "", segment
    label = re.sub(r"\s+", " ", found["label"]).strip()
    if _LABEL_KIND.get(label.casefold().rstrip(".")) is not None:  # "H: 12 cm" labels a value
        return "", segment
    return label, found["rest"]


def _base_label(label: str) -> tuple[str, bool]:
    """ "support, each" → ("support", True); "support x 3" → ("support", True)."""
    folded = label.casefold()
    base = re.sub(r"\s*(?:,?\s*\(?each\)?|x\s*\d+|×\s*\d+)\s*$", "", folded).strip(" ,")
    return base, base != folded


def _whole(groups: list[DimensionGroup]) -> DimensionGroup | None:
    counts: dict[str, int] = {}
    for group in groups:
        counts[group.label] = counts.get(group.label, 0) + 1
    candidates = [
        g
        for g in groups
        if g.dimensions
        and not g.each
        and counts[g.label] == 1
        and _base_label(g.label)[0] not in _PART_LABELS
    ]
    if not candidates:
        return None

    def rank(group: DimensionGroup) -> int:
        label = group.label.casefold()
        return _WHOLE_LABELS.index(label) if label in _WHOLE_LABELS else _WHOLE_LABELS.index("")

    return min(candidates, key=rank)


def _parse_segment(
    text: str,
    part: str | None,
    letters: dict[str, str],
    legend: list[str] | None,
    comma: Marks,
) -> list[MeasuredDimension]:
    dims: list[MeasuredDimension] = []
    taken: list[tuple[int, int]] = []
    product = _PRODUCT.search(text)
    if product:
        final = unit_for(product["unit"])
        if final is not None and not final.weight:
            taken.append(product.span())
            count = 3 if product["c"] else 2
            order = legend if legend is not None and len(legend) == count else _ORDER
            raws = [product[name] for name in ("a", "b", "c")[:count]]
            # a figure without a unit has the next one written after it: "125 x 80 cm x
            # 25 mm" is 125 cm high, not 125 mm (the product's last unit)
            owns = [unit_for(own) if own else None for own in (product["ua"], product["ub"])]
            units = [
                next((u for u in owns[index:count] if u is not None), final)
                for index in range(count)
            ]
            numbers = product_numbers(raws, units, comma)
            for index, (default, number, unit) in enumerate(
                zip(order, numbers, units, strict=False)
            ):
                letter = product[("la", "lb", "lc")[index]]
                kind = _kind(letter, letters) if letter else default
                if number is not None and number > 0 and kind is not None and not unit.weight:
                    dims.append(MeasuredDimension(kind, number, unit, part))
    for pattern in (_LABELLED, _SUFFIXED, _BARE):
        for found in pattern.finditer(text):
            if any(start < found.end() and found.start() < end for start, end in taken):
                continue
            measured = _quantity(found, comma)
            if measured is None:
                continue
            number, unit = measured
            label = found.groupdict().get("label")
            kind = _kind(label, letters) if label else None
            if unit.weight:
                kind = "weight"  # "Gewicht 3 kg" or a mislabelled "H. 3 kg": a mass is a weight
            if kind is None or number <= 0:
                continue
            taken.append(found.span())
            dims.append(MeasuredDimension(kind, number, unit, part))
    return dims


def _kind(label: str, letters: dict[str, str]) -> str | None:
    key = re.sub(r"\s+", " ", label.casefold().rstrip("."))
    return letters.get(key) or _LABEL_KIND.get(key)


def _quantity(found: re.Match[str], comma: Marks) -> tuple[Decimal, Unit] | None:
    """A number with its unit, or two ("3 ft 4 in", "2 lb 3 oz") summed in the smaller."""
    unit = unit_for(found["unit"])
    number = comma.number(found["value"], unit) if unit is not None else None
    if unit is None or number is None:
        return None
    if found.groupdict().get("value2"):
        unit2 = unit_for(found["unit2"])
        number2 = comma.number(found["value2"], unit2) if unit2 is not None else None
        if unit2 is None or number2 is None or unit2.weight != unit.weight:
            return number, unit
        if unit2.factor < unit.factor:
            return number * unit.factor / unit2.factor + number2, unit2
    return number, unit
