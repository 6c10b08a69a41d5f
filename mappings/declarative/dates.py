"""Dates in declarative mappings: structured fields and the partner's date text, combined."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from museion_core import messages

from ..builder import RecordBuilder, TimeSpan
from ..normalise.dates import bounds, instant_order, parse_date_text
from .fields import FieldList, compile_fields
from .schema import DateLike, DateModel

__all__ = ["DateSpec"]


@dataclass(frozen=True, slots=True)
class DateSpec:
    text: FieldList | None
    begin: FieldList | None
    end: FieldList | None
    on: FieldList | None
    precision: str | None
    prefer: str = "fields"
    bc: bool = False
    """Negative years in the fields count as people write them, with no year 0."""

    @classmethod
    def compile(cls, spec: DateLike | None) -> DateSpec | None:
        if spec is None:
            return None
        if isinstance(spec, str):
            spec = DateModel(on=spec)
        return cls(
            compile_fields(spec.text),
            compile_fields(spec.begin),
            compile_fields(spec.end),
            compile_fields(spec.on),
            spec.precision,
            spec.prefer,
            spec.negative_years == "bc",
        )

    def span(self, obj: Any, b: RecordBuilder) -> TimeSpan:
        """The time-span of the date fields and the date text: each bound from the preferred
        one where it gives it, else from the other. The text is kept as the span's name."""
        raw = self.text.first_item(obj) if self.text is not None else None
        text, where = (str(raw[0]), raw[1].source) if raw is not None else (None, "")
        unread: list[tuple[str, str]] = []
        fields = self._field_bounds(obj, b, text, unread)
        unread = [u for u in unread if u[0] != text]  # the text read from it already
        # "c. 1850" in the one field meant for a year: a date text after all. Two such (a begin
        # "c. 1850", an end "c. 1860") are not one text: each is said instead.
        adopted = text is None and len(unread) == 1 and fields == (None, None)
        if adopted:
            text, where = unread.pop()
        for value, _ in unread:
            b.warnings.append(messages.DATE_FIELD_UNREAD(value=value))
        read: tuple[str | None, str | None] = (None, None)
        if text is not None:
            parsed = parse_date_text(text, b.language)
            if parsed is not None:
                read = (parsed.begin_instant, parsed.end_instant)
                if adopted:
                    b.warnings.append(messages.DATE_FIELD_AS_TEXT(value=text))
            elif fields == (None, None):
                b.warnings.append(messages.DATE_TEXT_ONLY(text=text))
            else:
                b.warnings.append(messages.DATE_FIELDS_USED(text=text))
        if _first_day_of(fields, read):
            # "August 1947" stored as the single day 1947-08-01: the text says how long
            fields = read
        if _disjoint(fields, read):
            b.warnings.append(
                messages.DATE_DISAGREE(
                    begin=str(fields[0])[:10],
                    end=str(fields[1])[:10],
                    text=text,
                    prefer=self.prefer,
                )
            )
        first, second = (read, fields) if self.prefer == "text" else (fields, read)
        begin = first[0] if first[0] is not None else second[0]
        end = first[1] if first[1] is not None else second[1]
        if begin is not None and end is not None and instant_order(begin) > instant_order(end):
            begin, end = first
        if text is not None and begin is None and end is None:
            b.unparsed.append(("date", text, where))
        return TimeSpan(begin, end, text, b.language)

    def _field_bounds(
        self, obj: Any, b: RecordBuilder, text: str | None, unread: list[tuple[str, str]]
    ) -> tuple[str | None, str | None]:
        """Begin and end from the date fields (``on``, then ``begin`` and ``end``); none if
        they run backwards. A value that is no year or ISO date is added to ``unread``, with
        the field it came from."""
        begin = end = None
        if self.on is not None:
            found = self._bounds(self.on, obj, b, unread)
            if found:
                begin, end = found
        if self.begin is not None:
            found = self._bounds(self.begin, obj, b, unread)
            if found:
                begin = found[0]
        if self.end is not None:
            found = self._bounds(self.end, obj, b, unread)
            if found:
                end = found[1]
        if begin is not None and end is not None and instant_order(begin) > instant_order(end):
            backwards = messages.DATE_BACKWARDS_READ_TEXT if text else messages.DATE_BACKWARDS
            b.warnings.append(backwards(begin=begin[:10], end=end[:10], text=text))
            return None, None
        return begin, end

    def _bounds(
        self, fields: FieldList, obj: Any, b: RecordBuilder, unread: list[tuple[str, str]]
    ) -> tuple[str, str] | None:
        for value, field in fields.items(obj):
            found = _cached_bounds(value, field.precision or self.precision, self.bc)
            if found and instant_order(found[0])[0] > LATEST_YEAR:
                b.warnings.append(messages.DATE_IMPOSSIBLE_YEAR(value=value))
                continue
            if found:
                return found
            if str(value).strip():  # not silently lost: said, or read as a date text
                unread.append((str(value), field.source))
        return None


_Span = tuple[str | None, str | None]


@lru_cache(maxsize=8192, typed=True)  # typed: True and 1, 1.0 and 1 are not one date
def _bounds_of(value: object, precision: str | None, bc: bool) -> tuple[str, str] | None:
    return bounds(value, precision, bc=bc)


def _cached_bounds(
    value: object, precision: str | None, bc: bool = False
) -> tuple[str, str] | None:
    """``bounds``, cached: feeds repeat the same date values record after record."""
    try:
        return _bounds_of(value, precision, bc)
    except TypeError:  # a value that cannot be a key (none that a field gives today)
        return bounds(value, precision, bc=bc)


LATEST_YEAR = 2100
"""A date field later than this is a typo ("71959"), reported rather than used."""


def _first_day_of(fields: _Span, read: _Span) -> bool:
    """The fields are one day, the first of the longer span the text gives."""
    a, b = fields
    c, d = read
    if a is None or b is None or c is None or d is None:
        return False
    return a[:10] == b[:10] == c[:10] and d[:10] != b[:10]


def _disjoint(one: tuple[str | None, str | None], other: tuple[str | None, str | None]) -> bool:
    """Both spans are closed and share no instant."""
    a, b = one
    c, d = other
    if a is None or b is None or c is None or d is None:
        return False
    return instant_order(b) < instant_order(c) or instant_order(d) < instant_order(a)
