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
import requests
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
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
from SPARQLWrapper.SPARQLExceptions import URITooLong

from museion import load_config
from sparql.server import URL_LIMIT
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
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
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


def counting(items: int) -> str:
    """A query listing ``items`` IRIs in ``VALUES``, as a researcher pastes a list of objects."""
    values = " ".join(f"<{OBJECT}-{n}>" for n in range(items))
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?x {{ {values} }} }}"


def test_a_query_too_long_for_a_get_url_is_told_to_use_post(live: Live) -> None:
    """SPARQLWrapper sends a query by GET unless told otherwise. A URL longer than the HTTP
    parser reads gets 414 URI Too Long with the way out (POST), not a bare 400; the same
    query by POST is answered, and so is a long query whose URL the parser can read."""
    client = SPARQLWrapper(live.sparql)
    client.setReturnFormat(JSON)
    client.setQuery(counting(1500))  # about 99 KB once percent-encoded
    with pytest.raises(URITooLong) as refused:
        client.query()
    assert "Send a long query with POST" in str(refused.value)
    assert f"up to {URL_LIMIT:,} bytes" in str(refused.value)
    client.setMethod(POST)
    posted: Any = client.query().convert()
    assert posted["results"]["bindings"][0]["n"]["value"] == "1500"
    client.setMethod(GET)
    client.setQuery(counting(700))  # about 46 KB
    got: Any = client.query().convert()
    assert got["results"]["bindings"][0]["n"]["value"] == "700"


BASE_URL_CLIENTS = [*METHODS, "rdflib GET", "rdflib POST", "rdflib POST_FORM"]


@pytest.mark.parametrize("client", BASE_URL_CLIENTS)
def test_a_client_pointed_at_the_base_url_gets_answers(live: Live, client: str) -> None:
    """A researcher who gives SPARQLWrapper or rdflib the site's address instead of
    ``/sparql`` got the query UI's HTML (SPARQLWrapper: "unknown response content type", POST:
    405). ``/`` answers their queries as ``/sparql`` does, by GET, POST and POST direct."""
    query = f"SELECT ?title WHERE {{ <{OBJECT}> rdfs:label ?title }}"
    if client.startswith("rdflib"):
        store = SPARQLStore(live.url + "/", method=client.split()[1])
        rows = list(Graph(store=store).query(query))
        assert [str(row[0]) for row in rows] == ["Bullfight Scene"]  # type: ignore[index]
        return
    wrapper = SPARQLWrapper(live.url + "/")
    wrapper.setQuery(query)
    wrapper.setReturnFormat(JSON)
    wrapper.setMethod(METHODS[client][0])
    wrapper.setRequestMethod(METHODS[client][1])
    answer: Any = wrapper.query().convert()
    assert [b["title"]["value"] for b in answer["results"]["bindings"]] == ["Bullfight Scene"]


def test_the_base_url_is_the_ui_for_a_browser_and_the_endpoint_for_a_client(live: Live) -> None:
    """``/?query=…`` opens the UI in a browser, and is the same answer as ``/sparql?query=…``
    for a client asking for results (relative IRIs resolve against ``/sparql`` in both)."""
    query = {"query": "SELECT ?here WHERE { BIND(<#here> AS ?here) }"}
    browser = requests.get(
        live.url + "/", params=query, headers={"Accept": BROWSER_ACCEPT}, timeout=60
    )
    assert browser.headers["content-type"].startswith("text/html")
    assert "Accept" in browser.headers["vary"]
    answers = [
        requests.get(url, params=query, headers={"Accept": accept}, timeout=60)
        for url in (live.url + "/", live.sparql)
        for accept in ("application/sparql-results+json", "*/*")
    ]
    assert all(a.headers["content-type"] == "application/sparql-results+json" for a in answers)
    assert {a.json()["results"]["bindings"][0]["here"]["value"] for a in answers} == {
        live.sparql + "#here"
    }
    plain = requests.get(live.url + "/", headers={"Accept": "*/*"}, timeout=60)
    assert plain.headers["content-type"].startswith("text/html")  # no query: the UI
