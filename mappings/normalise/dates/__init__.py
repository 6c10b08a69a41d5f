"""Dates: structured years and ISO dates (``bounds``), and free date texts (``parse_date_text``).

Museum date texts ("c.1828–30", "mid-19th century", "18. Jh.", "XIXe siècle", "XIX əsrin
sonu", "1920-е", "1200 AH") are read by a small grammar with word lists per language
(``lexicon``), because no maintained library reads them without quietly misreading some (see
the README's "Dates").
"""

from .grammar import parse_date_text
from .instants import (
    Bounds,
    Day,
    bounds,
    day_instant,
    format_instant,
    instant_order,
    last_day_of_month,
    year_bounds,
)
from .model import CENTURY_PARTS, CIRCA_YEARS, CIRCA_YEARS_CENTURY, ParsedDate

__all__ = [
    "CENTURY_PARTS",
    "CIRCA_YEARS",
    "CIRCA_YEARS_CENTURY",
    "Bounds",
    "Day",
    "ParsedDate",
    "bounds",
    "day_instant",
    "format_instant",
    "instant_order",
    "last_day_of_month",
    "parse_date_text",
    "year_bounds",
]
