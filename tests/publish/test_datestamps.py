"""A record's datestamp in the metadata graph is a typed value, as ``dcterms:created`` is.

``museion:datestamp`` was a plain string beside the ``xsd:dateTime`` of ``dcterms:created``
and ``modified``: a researcher comparing it with a date in SPARQL (``?stamp >
"2024-01-01"^^xsd:date``) met a type error, and so matched nothing. OAI-PMH repositories
give seconds (``2024-05-01T12:00:00Z``) or, when day-granular, days (``2024-05-01``).
"""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode

from mappings import Minter
from museion_core.vocab import MUSEION, XSD
from publish.index import IndexedRecord
from publish.provenance import datestamp_literal, meta_graph, record_meta_quads

BASE = "https://data.example.org/"


@pytest.mark.parametrize(
    ("stamp", "datatype"),
    [
        ("2024-05-01T12:00:00Z", XSD.dateTime),  # an OAI-PMH repository's seconds
        ("2024-05-01T12:00:00.25+02:00", XSD.dateTime),
        ("2024-05-01T12:00:00", XSD.dateTime),  # no zone: still a dateTime
        ("2024-05-01", XSD.date),  # a day-granular repository
        ("2024-02-29", XSD.date),  # a leap day
        ("-0044-03-15", XSD.date),
        ("2023-02-29", XSD.string),  # no such day
        ("2024-13-01", XSD.string),
        ("2024-05-01T25:00:00Z", XSD.string),
        ("2024-5-1", XSD.string),
        ("yesterday", XSD.string),
    ],
)
def test_a_datestamp_is_typed_when_it_is_a_date_time_or_a_date(
    stamp: str, datatype: NamedNode
) -> None:
    written = datestamp_literal(stamp)
    assert (written.value, written.datatype) == (stamp, datatype)


def test_the_metadata_graph_types_the_datestamp_as_it_types_created() -> None:
    minter = Minter(BASE, "ddb")
    record = IndexedRecord(
        "ddb", "a", f"{BASE}ddb/record/a", f"{BASE}ddb/object/a", "object", "sum", "lido",
        "application/xml", "2024-05-01", None, "oai:x:a", 0,
        "2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z", "run-1", None,
    )  # fmt: skip
    stamps = [
        q.object
        for q in record_meta_quads(meta_graph(BASE), minter, record)
        if q.predicate == MUSEION.datestamp
    ]
    assert stamps == [Literal("2024-05-01", datatype=XSD.date)]
