"""Points of a date text (a year, month, day, decade or century in its era) and their days.

A range lends one end what the other leaves out (``lend``) before either becomes days
(``days``), so "202–220 BCE", "17th–19th century" and "1850–60" read as their writers meant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .hijri import hijri_years
from .instants import Day, last_day_of_month
from .model import CENTURY_PARTS, SEASON_MONTHS
from .tokens import Token

__all__ = ["NoParseError", "Point", "astronomical", "day_point", "days", "iso_month", "lend"]

MAX_YEAR = 9999


class NoParseError(Exception):
    """The text is not a date this grammar reads."""


@dataclass(frozen=True, slots=True)
class Point:
    kind: str
    """``year``, ``month``, ``day``, ``decade``, ``decade2`` (a "30s" range end), ``century``."""
    year: int | None = None
    """The year in the point's era (decade: its first year; century: its number)."""
    month: int | None = None
    day: int | None = None
    other: tuple[int, int] | None = None
    """(month, day) of the other reading of an ambiguous numeric date ("05/06/1918")."""
    digits: int = 4
    leading_zero: bool = False
    part: str | None = None
    era: str | None = None
    circa: bool = False
    uncertain: bool = False
    named_century: bool = True
    """False for "17th" in "17th–19th century", until the range lends it the century."""


def day_point(year: int, month: int, day: int) -> Point:
    if not 1 <= month <= 12 or not 1 <= day <= last_day_of_month(year, month):
        raise NoParseError
    return Point("day", year, month, day)


def iso_month(first: Point, second: Point, separator: Token | None) -> Point | None:
    """ "1650-03" is March 1650 where a range reading cannot be meant ("1650–1603")."""
    if (
        separator is not None
        and separator.kind == "dash"
        and separator.value is True  # a hyphen, not an en dash
        and not separator.spaced
        and first.kind == "year"
        and first.digits == 4
        and not (first.circa or first.era or second.era or second.circa)
        and second.kind == "year"
        and second.digits == 2
        and second.year is not None
        and first.year is not None
        and 1 <= second.year <= 12
        and (second.leading_zero or second.year < first.year % 100)
    ):
        return Point("month", first.year, second.year, uncertain=first.uncertain)
    return None


def lend(first: Point, second: Point) -> tuple[Point, Point]:
    """What one end of a range leaves out, the other end supplies."""
    if (  # "1850–60", "c.1828–30", "1799–1805"
        second.kind == "year"
        and first.kind == "year"
        and first.year is not None
        and second.year is not None
        and first.digits >= 3
        and second.digits < first.digits
        and second.era in (None, first.era)
        and first.era != "bce"
    ):
        scale = 10**second.digits
        year = first.year - first.year % scale + second.year
        second = replace(second, year=year if year >= first.year else year + scale, digits=4)
    if second.era is not None and first.era is None:
        first = replace(first, era=second.era)
    if second.era is None and (
        first.era == "ah" or (first.era == "bce" and (second.year or 0) <= (first.year or 0))
    ):
        second = replace(second, era=first.era)
    if first.kind == "century" and not first.named_century:
        if second.kind != "century":
            raise NoParseError
        first = replace(first, named_century=True)
    if second.kind == "decade2":
        if first.kind != "decade" or first.year is None or second.year is None:
            raise NoParseError
        year = first.year - first.year % 100 + second.year
        second = replace(second, kind="decade", year=year if year > first.year else year + 100)
    if first.kind == "month" and first.year is None and second.kind in ("month", "day"):
        first = replace(first, year=second.year, era=second.era)
    if first.kind == "year" and first.digits <= 2 and second.kind == "day" and first.era is None:
        assert second.month is not None
        assert first.year is not None
        first = day_point(second.year or 0, second.month, first.year)
    if first.circa and not second.circa:
        second = replace(second, circa=True)
    if first.uncertain and not second.uncertain:
        second = replace(second, uncertain=True)
    return first, second


def days(point: Point) -> tuple[Day, Day]:
    """The first and last day a point covers, in astronomical years."""
    year = point.year
    if year is None:
        raise NoParseError
    if point.kind in ("month", "day"):
        return _calendar_days(point, year)
    if point.part in SEASON_MONTHS:
        return _season(point, year)
    if point.kind == "year" and point.part is not None:
        return _months_of_year_part(point, year)
    first, last = _years(point, year)
    if point.part is not None:  # "early 17th century": a share of the century's years
        start, stop = CENTURY_PARTS[point.part]
        length = last - first + 1
        first, last = first + math.floor(start * length), first + math.ceil(stop * length) - 1
    return _whole_years(first, last, point.era)


def _calendar_days(point: Point, year: int) -> tuple[Day, Day]:
    """A month's first and last day; a day itself, or both readings of an ambiguous one."""
    if point.part is not None or point.era == "ah":
        raise NoParseError  # Hijri months are not supported
    number = astronomical(year, point.era)
    assert point.month is not None
    if point.kind == "month":
        month_end = last_day_of_month(number, point.month)
        return (number, point.month, 1), (number, point.month, month_end)
    assert point.day is not None
    readings: list[Day] = [(number, point.month, point.day)]
    if point.other is not None:
        readings.append((number, *point.other))
    return min(readings), max(readings)


def _season(point: Point, year: int) -> tuple[Day, Day]:
    """ "spring 1888": the season's months (``SEASON_MONTHS``); a year's only, not Hijri."""
    assert point.part is not None
    if point.kind != "year" or point.era == "ah":
        raise NoParseError
    number = astronomical(year, point.era)
    first, last = SEASON_MONTHS[point.part]
    end_year, end_month = number + (last - 1) // 12, (last - 1) % 12 + 1
    return (number, first, 1), (end_year, end_month, last_day_of_month(end_year, end_month))


def _months_of_year_part(point: Point, year: int) -> tuple[Day, Day]:
    """ "early 1850": the part of the year's months, whole months (not for Hijri years)."""
    assert point.part is not None
    if point.era == "ah":
        raise NoParseError
    number = astronomical(year, point.era)
    start, stop = CENTURY_PARTS[point.part]
    first_month = math.floor(start * 12) + 1
    last_month = max(first_month, math.ceil(stop * 12))
    return (number, first_month, 1), (number, last_month, last_day_of_month(number, last_month))


def _years(point: Point, year: int) -> tuple[int, int]:
    """First and last year of a century, decade or year; Hijri years stay in their era."""
    if point.kind == "century":
        if not 1 <= year <= 100:
            raise NoParseError
        if point.era == "bce":  # the 5th century BCE is 500–401 BCE
            return astronomical(year * 100, "bce"), astronomical((year - 1) * 100 + 1, "bce")
        return max((year - 1) * 100, 1), (year - 1) * 100 + 99
    if point.kind == "decade":
        if year % 10:
            raise NoParseError
        if point.era == "bce":  # "the 40s BCE": 49–40 BCE
            return astronomical(year + 9, "bce"), astronomical(year, "bce")
        return year, year + 9
    if point.kind == "year":
        number = year if point.era == "ah" else astronomical(year, point.era)
        return number, number
    raise NoParseError


def _whole_years(first: int, last: int, era: str | None) -> tuple[Day, Day]:
    """1 January of the first year to 31 December of the last (Hijri years converted)."""
    if era == "ah":
        converted = hijri_years(first, last)
        if converted is None:
            raise NoParseError
        return converted
    if not -MAX_YEAR * 10 <= first <= last <= MAX_YEAR:
        raise NoParseError
    return (first, 1, 1), (last, 12, 31)


def astronomical(year: int, era: str | None) -> int:
    """Astronomical year of a year in its era: 1 BCE is 0, 44 BCE is -43 (XSD 1.1)."""
    if era == "astronomical":
        return year
    if era == "bce":
        return 1 - year
    if year < 1 or year > MAX_YEAR:
        raise NoParseError
    return year
