"""What a date text was read as: a span of days with open or closed ends, and how it was read.

The margins below are Museion's conventions, the same for every partner, so that "c. 1650" from
one museum and "um 1650" from another are the same span and a query for "1600–1650" finds both.
"""

from __future__ import annotations

from dataclasses import dataclass

from .instants import Bounds, Day, day_instant

__all__ = [
    "CENTURY_PARTS",
    "CIRCA_YEARS",
    "CIRCA_YEARS_CENTURY",
    "SEASON_MONTHS",
    "ParsedDate",
]

CIRCA_YEARS = 5
""""c. 1650" is 1645–1655: circa widens a year, month, day or decade by five years each way."""

CIRCA_YEARS_CENTURY = 10
"""A circa century or part of a century ("c. late 19th century") widens by ten years."""

SEASON_MONTHS: dict[str, tuple[int, int]] = {
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "winter": (1, 14),
}
"""The months of a season of a year (meteorological, northern hemisphere): "spring 1888" is
March to May 1888. "Winter 1888" may be its first months or the winter it begins, so it
reaches from January 1888 to February 1889 (month 14). Only years have seasons."""

CENTURY_PARTS: dict[str, tuple[float, float]] = {
    # (start, end) as fractions of the century (or decade, or year): overlapping on purpose,
    # because "mid" and "late" meet where cataloguers disagree.
    "early": (0.0, 0.4),
    "mid": (0.3, 0.7),
    "late": (0.6, 1.0),
    "half-1": (0.0, 0.5),
    "half-2": (0.5, 1.0),
    "third-1": (0.0, 1 / 3),
    "third-2": (1 / 3, 2 / 3),
    "third-3": (2 / 3, 1.0),
    "quarter-1": (0.0, 0.25),
    "quarter-2": (0.25, 0.5),
    "quarter-3": (0.5, 0.75),
    "quarter-4": (0.75, 1.0),
}
"""Parts of a century: "early 18th century" is 1700–1739, "mid-" 1730–1769, "late" 1760–1799;
halves, thirds and quarters are exact. The same fractions apply to decades ("early 1920s" is
1920–1923) and to years (months)."""


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date text read as a span: ``begin`` is the first day it can mean, ``end`` the last.

    Either end is ``None`` when the text leaves it open ("before 1650" has no begin); both are
    ``None`` for a text that says the date is not known ("date not known", "o. J.").
    ``recognised`` names what was read, e.g. ``("circa", "range", "year")``.
    """

    text: str
    begin: Day | None
    end: Day | None
    recognised: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.begin is not None and self.end is not None and self.begin > self.end:
            raise ValueError(f"{self.text!r}: begin {self.begin} is after end {self.end}")

    @property
    def begin_instant(self) -> str | None:
        """``P82a_begin_of_the_begin`` as an xsd:dateTime lexical form."""
        return day_instant(self.begin) if self.begin is not None else None

    @property
    def end_instant(self) -> str | None:
        """``P82b_end_of_the_end`` as an xsd:dateTime lexical form."""
        return day_instant(self.end, end=True) if self.end is not None else None

    @property
    def bounds(self) -> Bounds | None:
        """Both ends as instants, or None when either is open."""
        begin, end = self.begin_instant, self.end_instant
        return (begin, end) if begin is not None and end is not None else None

    @property
    def undated(self) -> bool:
        """The text says there is no date ("date not known", "n.d.")."""
        return self.begin is None and self.end is None
