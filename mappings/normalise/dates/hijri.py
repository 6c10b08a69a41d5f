"""Hijri (AH) years as Gregorian days, by the arithmetic (tabular) Islamic calendar.

Catalogues give Hijri dates as years ("1200 AH", "AH 1200/1785"); the tabular calendar
(``convertdate.islamic``) covers every year and differs from observed or Umm al-Qura months by
a day or two at most, which a year-precision date does not notice.
"""

from __future__ import annotations

from datetime import date, timedelta

from convertdate import islamic

from .instants import Day

__all__ = ["hijri_years"]


def hijri_years(first: int, last: int) -> tuple[Day, Day] | None:
    """The Gregorian days from 1 Muharram of ``first`` AH to the last day of ``last`` AH."""
    if first < 1 or last < first or last > 9000:
        return None
    begin: tuple[int, int, int] = islamic.to_gregorian(first, 1, 1)
    after: tuple[int, int, int] = islamic.to_gregorian(last + 1, 1, 1)
    end = date(*after) - timedelta(days=1)
    return (begin[0], begin[1], begin[2]), (end.year, end.month, end.day)
