"""A dimension's value in the Linked Art profile: a JSON number when JSON can say it exactly,
else the literal as a value object (found by reviewing 3953abe)."""

from __future__ import annotations

import json

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from museion_core.vocab import CRM, RDF
from sparql.linkedart import linked_art_document

XSD = "http://www.w3.org/2001/XMLSchema#"
OBJECT = "https://data.example.org/tate/object/X1"


@pytest.mark.parametrize(
    ("lexical", "datatype", "written"),
    [
        ("9.938", "decimal", 9.938),
        ("480", "decimal", 480),
        ("3.94E1", "double", 39.4),
        ("123456789012345678901", "integer", 123456789012345678901),  # every digit kept
        ("0.10000000000000000001", "decimal", {"@value": "0.10000000000000000001"}),
        ("NaN", "double", {"@value": "NaN"}),  # not JSON
        ("INF", "double", {"@value": "INF"}),
        ("12,5", "decimal", {"@value": "12,5"}),  # ill-typed, as a partner sent it: no 500
    ],
)
def test_a_value_is_a_number_only_when_json_says_it_exactly(
    lexical: str, datatype: str, written: object
) -> None:
    dimension = NamedNode(f"{OBJECT}/dimension/1")
    triples = [
        Triple(NamedNode(OBJECT), RDF.type, CRM.E22_Human_Made_Object),
        Triple(NamedNode(OBJECT), CRM.P43_has_dimension, dimension),
        Triple(dimension, RDF.type, CRM.E54_Dimension),
        Triple(dimension, CRM.P90_has_value, Literal(lexical, datatype=NamedNode(XSD + datatype))),
    ]
    document = linked_art_document(OBJECT, triples)
    text = json.dumps(document, allow_nan=False)  # valid JSON: no NaN, no Infinity
    [value] = [d["value"] for d in json.loads(text)["dimension"]]
    if isinstance(written, dict):
        assert value == {**written, "@type": XSD + datatype}
    else:
        assert value == written
        assert type(value) is type(written)
