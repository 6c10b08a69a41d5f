"""Dimensions in declarative mappings: statements read into the object's dimensions and its
measured parts, or numeric fields in a unit the mapping names."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pyoxigraph import NamedNode

from museion_core import messages
from museion_core.vocab import AAT

from ..builder import DIMENSION_TYPES, Dimension, RecordBuilder, to_decimal
from ..iris import label_key, slug
from ..normalise.dimensions import (
    DimensionGroup,
    DimensionStatement,
    parse_dimension_statement,
    parse_measured_value,
)
from ..normalise.units import unit_for
from ..terms import Vocabularies
from .fields import compile_fields
from .schema import DimensionsModel

__all__ = ["DIMENSION_TYPES", "DimensionSpec"]


class DimensionSpec:
    """``[object.dimensions]`` compiled."""

    def __init__(self, spec: DimensionsModel) -> None:
        self.spec = spec
        self.statement = compile_fields(spec.statement)
        self.values = {
            kind: compile_fields(getattr(spec, kind))
            for kind in DIMENSION_TYPES
            if kind not in ("length", "thickness")
        }
        self.unit = compile_fields(spec.unit)

    def emit(self, obj: Any, o: NamedNode, b: RecordBuilder, vocabularies: Vocabularies) -> None:
        """The dimension statements of a record, its dimensions, and its measured parts."""
        statements = self.statement.items(obj) if self.statement else []
        for n, (text, _) in enumerate(statements, start=1):
            node = NamedNode(f"{o.value}/statement/dimensions" + ("" if n == 1 else f"/{n}"))
            b.statement(o, node, str(text), AAT.DIMENSION_STATEMENT)
        dims: list[Dimension] = []
        parts: list[DimensionGroup] = []
        if self.spec.parse:
            for text, field in statements:
                parsed = _statement(str(text), b.language)
                if not parsed.parsed:
                    b.warnings.append(messages.NO_DIMENSION(text=text))
                    b.unparsed.append(("dimensions", str(text), field.source))
                    continue
                if parsed.whole is not None:
                    dims.extend(Dimension.of(d) for d in parsed.whole.dimensions)
                parts.extend(g for g in parsed.parts if g.dimensions)
        if not dims:
            dims = self._numeric_dimensions(obj, o, b)
        for n, dim in enumerate(dims, start=1):
            b.dimension(o, NamedNode(f"{o.value}/dimension/{n}"), dim)
        self._parts(o, parts, b, vocabularies)

    def _numeric_dimensions(self, obj: Any, o: NamedNode, b: RecordBuilder) -> list[Dimension]:
        unit_text = self.unit.first(obj) if self.unit else None
        unit = unit_for(str(unit_text)) if unit_text is not None else None
        if unit_text is not None and unit is None:
            b.warnings.append(messages.UNKNOWN_UNIT(unit=unit_text))
        dims = []
        for kind, fields in self.values.items():
            if fields is None:
                continue
            for n, (raw, field) in enumerate(fields.items(obj), start=1):
                value, own = to_decimal(raw), None
                if value is None and isinstance(raw, str):  # "45,5 cm", "ca. 45", "1 250,5"
                    read = parse_measured_value(raw, unit, b.language)
                    value, own = (read.value, read.unit) if read is not None else (None, None)
                if own is not None and own.weight != (kind == "weight"):  # "3 kg" as a height
                    b.warnings.append(
                        messages.MEASUREMENT_UNIT_REFUSED(value=str(raw)[:200], unit=own.code)
                    )
                    _keep(o, kind, n, str(raw), b, field.source)
                    continue
                if own is not None and unit is not None and own != unit:
                    b.warnings.append(
                        messages.MEASUREMENT_OWN_UNIT(value=str(raw)[:200], configured=unit.code)
                    )
                if value is not None and value < 0:  # "-3": a typo, never a size
                    b.warnings.append(messages.MEASUREMENT_NEGATIVE(value=str(raw)[:200]))
                    _keep(o, kind, n, str(raw), b, field.source)
                    continue
                if value is None and isinstance(raw, str) and raw.strip():
                    # the partner's text stays on the object, as an unread statement does
                    b.warnings.append(messages.MEASUREMENT_KEPT_AS_TEXT(value=raw[:200]))
                    _keep(o, kind, n, raw, b, field.source)
                elif value is None and str(raw).strip():  # a JSON number, though not finite
                    b.warnings.append(messages.MEASUREMENT_NOT_NUMBER(value=str(raw)[:200]))
                if value is None or (value == 0 and self.spec.zero_is_missing):
                    continue
                dim_unit = own or unit
                dims.append(
                    Dimension(
                        DIMENSION_TYPES[kind],
                        value,
                        dim_unit.concept if dim_unit else None,
                        dim_unit,
                    )
                )
        return dims

    def _parts(
        self, o: NamedNode, groups: list[DimensionGroup], b: RecordBuilder, vocab: Vocabularies
    ) -> None:
        """Frames, mounts, bases and the pieces of a work in several, as parts of the object
        that carry their own dimensions ("frame: 1500 x 1840 x 108 mm")."""
        totals: dict[str, int] = {}
        for group in groups:
            key = label_key(group.part or group.label or "part")
            totals[key] = totals.get(key, 0) + 1
        numbers: dict[str, int] = {}
        for group in groups:
            name = group.part or group.label or "part"
            key = label_key(name)
            numbers[key] = numbers.get(key, 0) + 1
            node = NamedNode(
                f"{o.value}/part/{slug(name)}" + (f"/{numbers[key]}" if totals[key] > 1 else "")
            )
            b.part(
                o, node, vocab.concept("part_type", name, b.minter, b.language), group.label or name
            )
            for n, dim in enumerate(group.dimensions, start=1):
                b.dimension(node, NamedNode(f"{node.value}/dimension/{n}"), Dimension.of(dim))


def _keep(  # noqa: PLR0917
    o: NamedNode, kind: str, n: int, text: str, b: RecordBuilder, source: str
) -> None:
    """A measurement cell that could not be read, kept as a dimension statement of the
    object, and listed with the statements no dimension was read from (and its column)."""
    node = NamedNode(f"{o.value}/statement/dimensions/{kind}" + ("" if n == 1 else f"/{n}"))
    b.statement(o, node, text, AAT.DIMENSION_STATEMENT)
    b.unparsed.append(("dimensions", text, source))


@lru_cache(maxsize=4096)
def _statement(text: str, language: str | None) -> DimensionStatement:
    """``parse_dimension_statement``, cached: feeds repeat the same statements ("Support:
    …" texts, edition sizes), and the parsed statement is frozen, so it can be shared."""
    return parse_dimension_statement(text, language)
