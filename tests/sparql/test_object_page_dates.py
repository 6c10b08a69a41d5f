"""An object's date on its page: the partner's words, and the years they were read as when
the words do not say them (a curator cannot read "1200 هـ" or "300 ق.م" as years)."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode

from museion_core.vocab import CRM, XSD
from sparql.object_dates import span_date
from sparql.record_graph import Graph

SPAN = "https://data.example.org/x/object/1/production/timespan"


def _graph(text: str | None, begin: str, end: str) -> Graph:
    name = SPAN + "/name"
    graph: Graph = {
        SPAN: {
            CRM.P82a_begin_of_the_begin.value: [Literal(begin, datatype=XSD.dateTime)],
            CRM.P82b_end_of_the_end.value: [Literal(end, datatype=XSD.dateTime)],
        }
    }
    if text is not None:
        graph[SPAN][CRM.P1_is_identified_by.value] = [NamedNode(name)]
        graph[name] = {CRM.P190_has_symbolic_content.value: [Literal(text)]}
    return graph


@pytest.mark.parametrize(
    ("text", "begin", "end", "shown"),
    [
        ("1200 هـ", "1785-10-05T00:00:00Z", "1786-09-23T23:59:59Z", "1200 هـ (1785–1786)"),
        ("um 1890", "1885-01-01T00:00:00Z", "1895-12-31T23:59:59Z", "um 1890 (1885–1895)"),
        ("1850", "1850-01-01T00:00:00Z", "1850-12-31T23:59:59Z", "1850"),
        ("1850–1860", "1850-01-01T00:00:00Z", "1860-12-31T23:59:59Z", "1850–1860"),
        ("١٨٥٠", "1850-01-01T00:00:00Z", "1850-12-31T23:59:59Z", "١٨٥٠"),
        ("300 ق.م", "-0299-01-01T00:00:00Z", "-0299-12-31T23:59:59Z", "300 ق.م"),
        ("Augustan", "-0042-01-01T00:00:00Z", "0014-12-31T23:59:59Z", "Augustan (43 BC–14)"),
        (None, "-0099-01-01T00:00:00Z", "0000-12-31T23:59:59Z", "100–1 BC"),
        (None, "1901-01-01T00:00:00Z", "1901-12-31T23:59:59Z", "1901"),
    ],
)
def test_a_date_shows_the_years_its_words_were_read_as(
    text: str | None, begin: str, end: str, shown: str
) -> None:
    assert span_date(_graph(text, begin, end), SPAN) == shown
