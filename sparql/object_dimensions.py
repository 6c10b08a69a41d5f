"""The dimensions an object page shows: the object's own figures and each part's, in
centimetres as the reader writes numbers, with what they measure, the lender's qualifier of
them ("unconfirmed", "support") and the lender's own figures exactly as given.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from museion_core.vocab import AAT, CRM, RDFS

from .i18n import gettext as _
from .i18n import number
from .readers import Text, pick, text_of
from .record_graph import Graph, nodes, out, parts, types

__all__ = ["UNIT_SYMBOLS", "Dimensions", "all_dimensions", "figures_written", "numbered"]

_DIMENSION_ORDER = [AAT.HEIGHT, AAT.WIDTH, AAT.DEPTH, AAT.LENGTH, AAT.DIAMETER, AAT.THICKNESS]
_DIMENSION_NAMES = {
    AAT.HEIGHT.value: "height",
    AAT.WIDTH.value: "width",
    AAT.DEPTH.value: "depth",
    AAT.LENGTH.value: "length",
    AAT.DIAMETER.value: "diameter",
    AAT.THICKNESS.value: "thickness",
    AAT.WEIGHT.value: "weight",
}
UNIT_SYMBOLS = {
    AAT.MILLIMETRES.value: "mm",
    AAT.CENTIMETRES.value: "cm",
    AAT.METRES.value: "m",
    AAT.INCHES.value: "in",
    AAT.FEET.value: "ft",
    AAT.GRAMS.value: "g",
    AAT.KILOGRAMS.value: "kg",
    AAT.POUNDS.value: "lb",
    AAT.OUNCES.value: "oz",
}
"""The symbol of each unit Museion records a dimension in (AAT unit IRIs)."""
_MEASURED_LABELS = {
    "overall", "object", "displayed", "installed", "support", "sheet", "image", "composition",
    "sight", "plate", "platemark", "plate mark", "unconfirmed", "frame", "mount", "base", "case",
}  # fmt: skip
"""Words a lender labels a set of figures with ("unconfirmed: 1601 x 2714 mm", "frame: …"),
shown in the reader's language; any other label is shown as the lender wrote it."""
_DIMENSION_KEYS = {
    "h", "w", "d", "l", "b", "t", "ht", "wt", "dia", "diam", "diameter", "height", "width",
    "depth", "length", "thickness", "weight", "haut", "hauteur", "larg", "largeur", "prof",
    "profondeur", "long", "longueur", "ép", "épaisseur", "poids", "höhe", "breite", "tiefe",
    "länge", "durchmesser", "stärke", "gewicht", "ارتفاع", "الارتفاع", "عرض", "العرض", "عمق",
    "العمق", "طول", "الطول", "قطر", "القطر", "سمك", "السمك", "وزن", "الوزن", "ø", "x", "×",
}  # fmt: skip
"""Words of a key that names the figures ("H: 12 cm", "Höhe x Breite: 216 x 164 mm"), which
labels no set of figures."""
_SET_LABEL = re.compile(r"[^\W\d_][^\d:;()\[\]]*?(?:\s*[x×]\s*\d+)?\s*$")
"""The label before a colon, back to the figures or the separator before it."""
_UNIT_WORD = re.compile(r"^(?:mm|cm|m|in|ins|ft|kg|g|lb|lbs|oz)\b\.?[\s,.]*", re.IGNORECASE)


@dataclass
class Dimensions:
    part: str
    """``""`` for the object itself, else the part's label (``frame``; in the reader's
    language when it is a word the page knows, else as the partner wrote it)."""
    cm: str
    """The figures, ``48 × 62.3 cm``, as the reader writes numbers and units: ``48 × 62.3
    سم`` in Arabic, read right to left as the names of what they measure are (``الارتفاع ×
    العرض``, height × width), the height first."""
    names: str = ""
    """What the figures measure, in the reader's language: ``height × width``."""
    original: str = ""
    """The partner's own figures when they were not in centimetres, exactly as given
    (``5.875 in``, ``1608 × 1417 mm``): never rounded, never grouped."""
    qualifier: str = ""
    """How the partner qualifies the object's own figures (``unconfirmed``, ``displayed``,
    ``support``), said as ``part`` is; ``""`` for a part or when the partner says nothing."""
    weight: str = ""
    """The weight, ``167 kg``, shown after what the figures measure."""
    statements: list[Text] = field(default_factory=list)
    """The lender's own statement of this set of figures, when the record measures the
    object more than once and one of its statements gives exactly this set ("Höhe x Breite:
    205 x 149 mm (Platte)"): said under the set, in place of ``original``."""
    figures: tuple[float, ...] = ()
    """The lender's figures as numbers, by which its statement is known."""


def all_dimensions(
    graph: Graph,
    iri: str,
    statements: list[Text],
    lang: str,
    named: Callable[[str], Text | None] | None = None,
) -> list[Dimensions]:
    """The object's own figures, with the lender's qualifier of them ("unconfirmed",
    "displayed"), then each part's ("frame").

    ``named`` gives the label of a concept outside the record: a figure the lender typed with
    a term of its own ("Breite (geöffnet)") is a line of its own under that name, not a
    fourth figure of the object's sizes ("106 × 101,1 × 60,9 × 190 cm")."""
    labelled = [
        (part, [text_of(t) for t in out(graph, part, RDFS.label)]) for part in parts(graph, iri)
    ]
    qualifier = _own_qualifier(
        [s.value for s in statements], [t.value for _p, labels in labelled for t in labels[:1]]
    )
    own = _said(qualifier) if qualifier else ""
    found = [replace(d, qualifier=own) for d in _dimensions(graph, iri, "", lang, named)]
    for part, labels in labelled:
        part_label = pick(labels, lang)
        found += _dimensions(
            graph, part, _said(part_label.value) if part_label else "", lang, named
        )
    if len(found) > 1:
        _own_statements(found, statements)
    return found


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _own_statements(found: list[Dimensions], statements: list[Text]) -> None:
    """Give each set of figures the one statement of the lender that gives exactly its
    figures: a print measured as a plate (205 x 149 mm) and a sheet (216 x 164 mm) says
    "Platte" under the one and "Blatt" under the other, not both statements under each. A
    statement that gives the figures of several sets ("support: …; frame: …"), or a set
    that several statements give, is left to the line of all statements, as before."""
    matches: dict[int, list[int]] = {}
    for s, statement in enumerate(statements):
        numbers = {float(n.replace(",", ".")) for n in _NUMBER.findall(statement.value[:2000])}
        sets = [i for i, d in enumerate(found) if d.figures and set(d.figures) <= numbers]
        if len(sets) == 1:
            matches.setdefault(sets[0], []).append(s)
    for i, said in matches.items():
        if len(said) == 1:
            found[i].statements = [statements[said[0]]]


def _said(label: str) -> str:
    """A label of a set of figures in the reader's language when it is a word the page knows
    ("support" → "الدعامة"), else as the lender wrote it."""
    key = " ".join(label.split()).casefold()
    if key not in _MEASURED_LABELS:
        return label
    said = _(key)
    return said if said != key else label


def _own_qualifier(statements: list[str], part_labels: list[str]) -> str:
    """The label of the lender's line that measures the object itself.

    A mapping reads the object's own figures out of one line of the dimension statement
    ("unconfirmed: 1601 x 2714 x 305 mm") and every other line into a part whose label is the
    line's ("frame"), but keeps the object's line's label only in the statement's text. So
    it is the statement's one label that no part has; "" when there is none (an unlabelled
    line, "H: 12 cm"), or more than one (which line measures the object is then not known)."""
    found: list[str] = []
    for statement in statements:
        for before in _labels_of_figures(statement):
            label = _SET_LABEL.search(before)
            if label is None:
                continue
            text = label.group()
            while (unit := _UNIT_WORD.match(text)) is not None and unit.end() > 0:
                text = text[unit.end() :]
            text = " ".join(text.split()).strip(" ,.")
            words = [w for w in re.split(r"[\s,./]+", text.casefold()) if w]
            if text and not all(w in _DIMENSION_KEYS for w in words):
                found.append(text)
    left = Counter(" ".join(f.split()).casefold() for f in found)
    left.subtract(" ".join(p.split()).casefold() for p in part_labels)
    own = [f for f in found if left[" ".join(f.split()).casefold()] > 0]
    return own[0] if len(set(map(str.casefold, own))) == 1 else ""


_SEPARATOR = re.compile(r"[:;\n\r]")
_LABEL_WINDOW = 200
"""Characters before a colon a label is looked for in: labels are words, not pages."""
_LONGEST_STATEMENT = 10_000
"""Characters of a statement looked at for labels (a record may hold megabytes)."""
_MOST_LABELS = 100
"""Colons of one statement looked at: a lender's statement has a few lines."""


def _labels_of_figures(statement: str) -> Iterator[str]:
    """The text before each colon that some figures follow (back to the separator before
    it, at most ``_LABEL_WINDOW`` characters), in one pass over the statement: a 40 KB
    statement cost seconds per page view when each colon re-read what came before."""
    statement = statement[:_LONGEST_STATEMENT]
    digits = [m.start() for m in re.finditer(r"\d", statement)]
    semicolons = [m.start() for m in re.finditer(";", statement)] + [len(statement)]
    start, colons = 0, 0
    for separator in _SEPARATOR.finditer(statement):
        if separator.group() == ":":
            colons += 1
            if colons > _MOST_LABELS:
                return
            segment_end = semicolons[bisect_left(semicolons, separator.end())]
            at = bisect_left(digits, separator.end())
            if at < len(digits) and digits[at] < segment_end:  # figures follow, in its line
                yield statement[max(start, separator.start() - _LABEL_WINDOW) : separator.start()]
        start = separator.end()


def _dimensions(
    graph: Graph,
    node: str,
    part: str,
    lang: str,
    named: Callable[[str], Text | None] | None = None,
) -> list[Dimensions]:
    """``48 × 62.3 cm`` (height × width × depth, then diameter…; weight apart), and the
    partner's own figures, as given, when Museion converted them."""
    computed: list[str] = []
    original: list[str] = []
    for dim in nodes(graph, node, CRM.P43_has_dimension):
        assigned = nodes(graph, dim, CRM.P141i_was_assigned_by)
        is_computed = any(AAT.COMPUTER_GENERATED.value in types(graph, a) for a in assigned)
        (computed if is_computed else original).append(dim)
    found: list[Dimensions] = []
    apart: list[Dimensions] = []
    for given, derived in _sets(graph, original, computed):
        kept, converted = list(given), list(derived)
        for dim, name in _named_apart(graph, given, named):
            kept.remove(dim)
            own = [c for c in converted if c == f"{dim}/normalised"]
            converted = [c for c in converted if c not in own]
            apart += [
                replace(d, part=name.value, names="")
                for d in _set_of_figures(graph, [dim], own, part, lang)
            ]
        found += _set_of_figures(graph, kept, converted, part, lang)
    return found + apart


def _named_apart(
    graph: Graph, dims: list[str], named: Callable[[str], Text | None] | None
) -> list[tuple[str, Text]]:
    """The figures of a kind of the lender's own (no height, width, weight…), each with the
    name of its kind, where the name is known."""
    if named is None:
        return []
    found: list[tuple[str, Text]] = []
    for dim in dims:
        kinds = types(graph, dim)
        if any(k in _DIMENSION_NAMES for k in kinds):
            continue
        name = next((n for k in sorted(kinds) if (n := named(k)) is not None and n.value), None)
        if name is not None:
            found.append((dim, name))
    return found


def _sets(
    graph: Graph, original: list[str], computed: list[str]
) -> list[tuple[list[str], list[str]]]:
    """The lender's sets of figures, each with the centimetres Museion computed from it.

    A record may measure an object more than once (LIDO's ``objectMeasurementsSet``s: the
    plate, 205 x 149 mm, and the sheet, 216 x 164 mm, both of the print itself). Its figures
    are numbered in the lender's order (``{object}/dimension/3``); a figure of a kind the set
    already has starts the next set, so that a height of one is never shown with the width
    of another ("216 × 149 mm"). A computed figure goes with the one it was computed from
    (``{dimension}/normalised``); when one cannot be placed, all stay one set, as before."""
    given = sorted(original, key=numbered)
    derived_of = {dim: [c for c in computed if c == f"{dim}/normalised"] for dim in given}
    if sum(len(found) for found in derived_of.values()) != len(computed):
        return [(original, computed)]
    sets: list[tuple[list[str], list[str]]] = []
    kinds: set[str] = set()
    for dim in given:
        kind = next((k for k in types(graph, dim) if k in _DIMENSION_NAMES), "")
        if not sets or (kind and kind in kinds):
            sets.append(([], []))
            kinds = set()
        kinds.add(kind)
        sets[-1][0].append(dim)
        sets[-1][1].extend(derived_of[dim])
    return sets or [([], computed)]


def numbered(iri: str) -> list[tuple[int, str]]:
    """An IRI's sort key with its numbers as numbers: ``dimension/2`` before ``dimension/10``
    (a record's nodes are numbered in the lender's order)."""
    return [(int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"(\d+)", iri)]


def _set_of_figures(
    graph: Graph, original: list[str], computed: list[str], part: str, lang: str
) -> list[Dimensions]:
    """One set of figures: the centimetres, and the lender's own figures when Museion
    converted them."""

    def line(dims: list[str], given: bool) -> tuple[str, str, str]:
        """The figures, what they measure, and the weight: the partner's as they gave them
        (``given``), else in the reader's way of writing numbers, a weight in kilograms from
        1,000 g."""
        sizes: dict[str, tuple[str, str]] = {}
        weight = ""
        for dim in dims:
            kinds = types(graph, dim)
            values = [getattr(v, "value", "") for v in out(graph, dim, CRM.P90_has_value)]
            units = [UNIT_SYMBOLS.get(u, "") for u in nodes(graph, dim, CRM.P91_has_unit)]
            if not values:
                continue
            figure = _figure(values[0], given, lang)
            if figure is None:
                continue
            unit = units[0] if units else ""
            if AAT.WEIGHT.value in kinds:
                if not given:
                    figure, unit = _weight(float(values[0]), unit, lang)
                weight = f"{figure} {unit}".strip()
                continue
            kind = next((k for k in kinds if k in _DIMENSION_NAMES), "")
            # a unit in the reader's words where the page has them ("سم"): an Arabic page
            # writes the figures right to left, the height first, as it writes their names
            sizes[kind] = (figure, unit if given or not unit else _(unit))
        order = [k.value for k in _DIMENSION_ORDER] + [""]
        shown = [k for k in order if k in sizes]
        if not shown:
            return "", "", weight
        names = " × ".join(_(_DIMENSION_NAMES.get(k, "size")) for k in shown)
        return figures_written([sizes[k] for k in shown]), names, weight

    figures = tuple(_numbers(graph, original))
    if computed:
        # a figure Museion converted is shown converted; one the lender gave in centimetres
        # (or grams) is shown as it is: "80 × 54 × 30 cm" beside "81,8 kg", not the weight
        # alone because only the weight was converted (kg → g)
        unconverted = [d for d in original if f"{d}/normalised" not in computed]
        cm, names, weight = line(unconverted + computed, given=False)
        theirs = "; ".join(t for t in line(original, given=True)[::2] if t)
        found = Dimensions(part, cm, names, theirs, weight=weight, figures=figures)
        return [found] if cm or weight else []
    cm, names, weight = line(original, given=False)
    return [Dimensions(part, cm, names, weight=weight, figures=figures)] if cm or weight else []


def _numbers(graph: Graph, dims: list[str]) -> list[float]:
    """The lender's figures of a set, as numbers."""
    found: list[float] = []
    for dim in dims:
        for value in out(graph, dim, CRM.P90_has_value):
            try:
                figure = float(getattr(value, "value", ""))
            except ValueError:
                continue
            if math.isfinite(figure):
                found.append(figure)
    return found


def figures_written(figures: list[tuple[str, str]]) -> str:
    """(figure, unit) pairs in order as one text: ``19.25 × 14.25 in`` with one unit, each
    figure with its own where they differ (``3 ft × 10 in``)."""
    units = {unit for _figure, unit in figures}
    if len(units) == 1:
        return f"{' × '.join(figure for figure, _unit in figures)} {units.pop()}".strip()
    return " × ".join(f"{figure} {unit}".strip() for figure, unit in figures)


def _figure(value: str, given: bool, lang: str) -> str | None:
    """A dimension's value as a page writes it: the partner's own figure as they gave it
    (``5.875``, ``1608``: a rounded or grouped figure is not what they gave), else to two
    decimals as the reader writes numbers (``14,92``); None when it is no number."""
    try:
        number_value = float(value)
    except ValueError:
        return None
    if not math.isfinite(number_value):
        return None
    if given and re.fullmatch(r"-?\d+(?:\.\d+)?", value.strip()):
        return value.strip()
    if given:  # "1.5E3", "+12": the same number, written out in full
        try:
            return format(Decimal(value.strip()), "f")
        except InvalidOperation:
            return value.strip()
    return number(number_value, 2, lang)


def _weight(grams_or_not: float, unit: str, lang: str) -> tuple[str, str]:
    """A weight in a unit a reader takes in: kilograms from 1,000 g up, grams below."""
    grams = {"g": grams_or_not, "kg": grams_or_not * 1000}.get(unit)
    if grams is None:
        return number(grams_or_not, 2, lang), unit
    if grams >= 1000:
        return number(grams / 1000, 2, lang), "kg"
    return number(grams, 2, lang), "g"
