"""Reading back the instants Museion writes (``xsd:dateTime``, astronomical years).

The mappings write time-span bounds as ``xsd:dateTime`` (``-0500-01-01T00:00:00`` for 501 BCE);
every stage that reads them back for a year (the pages, the search index, reconciliation's
life dates) must read the same year, so the reading lives here once.
"""

from __future__ import annotations

import re

__all__ = ["instant_year"]

_YEAR = re.compile(r"^\s*([+-]?)(\d{1,6})(?:-|T|$)")


def instant_year(value: str | None) -> int | None:
    """The astronomical year of an ``xsd:dateTime`` or ``xsd:date`` (``-500`` for
    ``-0500-01-01T00:00:00``), or None when ``value`` does not start with one."""
    match = _YEAR.match(value or "")
    if match is None:
        return None
    year = int(match.group(2))
    return -year if match.group(1) == "-" else year
