"""Dates as instants: the begin of the begin and end of the end of a year, month or day.

Structured date fields (a year number, an ISO date) become ``xsd:dateTime`` bounds here; free
date texts ("c.1805", "1850–60") are parsed by ``parse_date_text`` (``grammar``).

Years are astronomical and proleptic Gregorian, as in XSD 1.1 and ISO 8601: year 0 is 1 BCE,
-1 is 2 BCE, and 44 BCE is -43. A ``Day`` is ``(year, month, day)``; tuples order days
chronologically, BCE included.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache

from convertdate import julian

__all__ = [
    "Bounds",
    "Day",
    "bounds",
    "day_instant",
    "first_day",
    "format_instant",
    "julian_new_year",
    "last_day",
    "last_day_of_month",
    "year_bounds",
]

Bounds = tuple[str, str]
"""(begin of the begin, end of the end) as xsd:dateTime lexical forms in UTC."""

Day = tuple[int, int, int]
"""(astronomical year, month, day) in the proleptic Gregorian calendar."""

_ISO = re.compile(
    r"^\s*(?P<year>[+-]?\d{1,6})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*$"
)


_INSTANT = re.compile(r"^(-?\d+)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)")


@lru_cache(maxsize=8192)
def instant_order(lexical: str) -> tuple[int, ...]:
    """An xsd:dateTime lexical form as a tuple that orders like the instant (BCE included)."""
    found = _INSTANT.match(lexical)
    assert found is not None, lexical
    return tuple(int(part) for part in found.groups())


def format_instant(year: int, month: int, day: int, end: bool = False) -> str:
    """``-0044-03-15T00:00:00Z``: astronomical years, at least four digits, as in XSD 1.1."""
    sign = "-" if year < 0 else ""
    clock = "23:59:59" if end else "00:00:00"
    return f"{sign}{abs(year):04d}-{month:02d}-{day:02d}T{clock}Z"


def day_instant(day: Day, end: bool = False) -> str:
    """``format_instant`` of a Day: its first second, or with ``end`` its last."""
    return format_instant(day[0], day[1], day[2], end)


def last_day_of_month(year: int, month: int) -> int:
    # calendar handles the proleptic Gregorian calendar for years 1..9999 only.
    if 1 <= year <= 9999:
        return calendar.monthrange(year, month)[1]
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]


def first_day(year: int, month: int | None = None) -> Day:
    return (year, month or 1, 1)


def last_day(year: int, month: int | None = None) -> Day:
    month = month or 12
    return (year, month, last_day_of_month(year, month))


GREGORIAN_REFORM = 1582


def julian_new_year(year: int, month: int, day: int) -> int | None:
    """The year whose 1 January (year, month, day) is, written in the Julian calendar, for a
    year before the Gregorian reform: the offset a collection system leaves when it converts
    its "1 January" between the calendars. Since the 3rd century the Julian date is the
    previous December ("1570" is 1569-12-22); before it, a few days into the same January
    ("-202" is -0202-01-05)."""
    if year >= GREGORIAN_REFORM:
        return None
    for meant in (year + 1, year):
        if tuple(julian.from_gregorian(meant, 1, 1)) == (year, month, day):
            return meant
    return None


def year_bounds(first: int, last: int | None = None) -> Bounds:
    last = first if last is None else last
    return format_instant(first, 1, 1), format_instant(last, 12, 31, end=True)


def bounds(value: object, precision: str | None = None, *, bc: bool = False) -> Bounds | None:
    """Bounds of a year number or an ISO 8601 date/date-time; None when it is neither.

    ``bc``: a negative year counts the years before Christ as people write them, without a
    year 0 (CMOA's "-0202" is 202 BCE), rather than astronomically as ISO 8601 and XSD 1.1 do
    (where "-0202" is 203 BCE); the bounds are astronomical either way.

    ``precision="year"`` widens a full date to its year; ``"january-1"`` does so only for
    1 January, for collection systems (like CMOA's) that store the year 1915 as "1915-01-01".
    Such systems store a year before the Gregorian reform (1582) with the calendars' offset:
    "1570" is 1569-12-22 (1 January 1570 in Julian dating), "1495" is 1494-12-23. With
    ``"january-1"``, a date that is exactly that Julian 1 January of the next year is that year.
    """

    def era(year: int) -> int:
        return year + 1 if bc and year < 0 else year

    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return year_bounds(era(value))
    if isinstance(value, float):
        return year_bounds(era(int(value))) if value.is_integer() else None
    if not isinstance(value, str):
        return None
    found = _ISO.match(value)
    if not found:
        return None
    written = int(found["year"])
    year = era(written)
    month = int(found["month"]) if found["month"] else None
    day = int(found["day"]) if found["day"] else None
    if month is not None and not 1 <= month <= 12:
        return None
    if (
        month is None
        or precision == "year"
        or (precision == "january-1" and month == 1 and day == 1)
    ):
        return year_bounds(year)
    meant = julian_new_year(written, month, day) if precision == "january-1" and day else None
    if meant is not None:
        return year_bounds(era(meant))
    if day is None or precision == "month":
        return format_instant(year, month, 1), format_instant(
            year, month, last_day_of_month(year, month), True
        )
    if not 1 <= day <= last_day_of_month(year, month):
        return None
    return format_instant(year, month, day), format_instant(year, month, day, end=True)
