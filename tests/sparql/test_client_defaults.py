"""SPARQLWrapper with its default settings, against a real ``museion serve``: every query
form, every return format it offers, GET, POST (form) and POST (direct).

SPARQLWrapper sends its choice twice — an ``Accept`` header and a ``format`` parameter whose
values are its own (``format=xml`` for RDF/XML, ``n3``, ``json-ld`` plus a media-type list):
the endpoint reads ``format`` as a hint and never answers 406 what ``Accept`` could serve.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from rdflib import Graph
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from museion import load_config
from tests.helpers.endpoint import (
    Live,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)

OBJECT = "https://data.example.org/tate/object/T06803"
QUERIES = {
    "SELECT": f"SELECT ?p ?o WHERE {{ <{OBJECT}> ?p ?o }}",
    "ASK": f"ASK {{ <{OBJECT}> ?p ?o }}",
    "CONSTRUCT": f"CONSTRUCT {{ <{OBJECT}> ?p ?o }} WHERE {{ <{OBJECT}> ?p ?o }}",
    "DESCRIBE": f"DESCRIBE <{OBJECT}>",
}
FORMATS = {
    "SELECT": (JSON, XML, CSV, TSV),
    "ASK": (JSON, XML, CSV, TSV),
    "CONSTRUCT": (None, XML, RDFXML, TURTLE, N3, JSONLD),
    "DESCRIBE": (None, XML, RDFXML, TURTLE, N3, JSONLD),
}
METHODS = {
    "GET": (GET, URLENCODED),
    "POST": (POST, URLENCODED),
    "POST-direct": (POST, POSTDIRECTLY),
}
RDFLIB_FORMATS = {
    "application/rdf+xml": "xml",
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
CASES = [
    (form, fmt, method)
    for form, formats in FORMATS.items()
    for fmt in formats
    for method in METHODS
]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = write_two_partner_config(tmp_path_factory.mktemp("clients"))
    harvest_and_publish(load_config(path))
    with live_endpoint(path, "--query-processes", "2") as server:
        yield server


@pytest.mark.parametrize(("form", "fmt", "method"), CASES)
def test_sparqlwrapper_defaults(live: Live, form: str, fmt: str | None, method: str) -> None:
    client = SPARQLWrapper(live.sparql)
    client.setQuery(QUERIES[form])
    if fmt is not None:  # None: SPARQLWrapper's own default for the query form
        client.setReturnFormat(fmt)
    client.setMethod(METHODS[method][0])
    client.setRequestMethod(METHODS[method][1])
    result = client.query()
    assert result.response.status == 200
    if form in ("CONSTRUCT", "DESCRIBE"):
        # SPARQLWrapper's own convert() uses rdflib's deprecated ConjunctiveGraph: parse here
        media = result.response.headers["Content-Type"].split(";")[0]
        with warnings.catch_warnings():  # rdflib's JSON-LD parser uses ConjunctiveGraph
            warnings.filterwarnings("ignore", "ConjunctiveGraph", DeprecationWarning)
            graph = Graph().parse(data=result.response.read(), format=RDFLIB_FORMATS[media])
        assert len(graph) > 5
        return
    converted: Any = result.convert()
    if form == "ASK" and fmt == JSON:
        assert converted["boolean"] is True
    elif form == "SELECT" and fmt == JSON:
        assert converted["results"]["bindings"]
    else:
        assert converted
