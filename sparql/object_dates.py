"""An object's dates as its page writes them: the production, each acquisition and each
event (``object_events``) are dated alike. The partner's own text of a time-span is kept (a
curator reads "um 1890" as the partner meant it), and the years it was read as are added where
the text does not say them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mappings import parse_date_text
from museion_core.instants import instant_year
from museion_core.vocab import CRM

from .i18n import current, translate
from .i18n import year as year_written
from .i18n import years as years_written
from .readers import text_of
from .record_graph import Graph, nodes, out, texts

__all__ = ["date_said", "span_date"]

NO_DATE = "date not known"


def date_said(text: str, lang: str | None = None) -> str:
    """A partner's date text as a page in ``lang`` (else the one being rendered) writes it:
    a text that says the work has no date ("date not known", Tate's words on a tenth of its
    works, CMOA's "not dated", "o. J.", "غير مؤرخ") in the reader's words ("date inconnue");
    any other as the partner wrote it."""
    return translate(NO_DATE, lang or current()) if text and _undated(text) else text


@lru_cache(maxsize=4096)
def _undated(text: str) -> bool:
    parsed = parse_date_text(text)
    return parsed is not None and parsed.undated


def span_date(graph: Graph, span: str) -> str:
    """A time-span as a page writes it: the partner's own text, followed by the years it was
    read as when the text does not say them ("1200 هـ (1785–1786)", "um 1890 (1885–1895)");
    else the years alone. Years before Christ as people write them ("44 BC")."""
    names = [t for n in nodes(graph, span, CRM.P1_is_identified_by) for t in texts(graph, n)]
    bounds = [
        found
        for prop in (CRM.P82a_begin_of_the_begin, CRM.P82b_end_of_the_end)
        for found in [instant_year(text_of(v).value) for v in out(graph, span, prop)][:1]
        if found is not None
    ]
    distinct = list(dict.fromkeys(bounds))
    written = [str(y) if y >= 1 else str(1 - y) for y in distinct]
    if not distinct:
        years = ""
    else:
        years = year_written(distinct[0]) if len(distinct) == 1 else years_written(*distinct)
    if not names:
        return years
    text = date_said(names[0].value)
    if years and not all(re.search(rf"(?<!\d){w}(?!\d)", _western(text)) for w in written):
        return f"{text} ({years})"
    return text


def _western(text: str) -> str:
    """Arabic-Indic and Persian digits as ASCII ones, to find a year in a partner's text."""
    return text.translate(_DIGITS)


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
