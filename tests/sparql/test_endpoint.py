"""The endpoint over HTTP, as researchers' tools meet it: SPARQLWrapper, rdflib's SPARQLStore,
plain requests. One live ``museion serve`` over the two-partner test feeds."""

from __future__ import annotations

import csv
import gzip
import io
import json
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    parse,
    parse_query_results,
)
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

import sparql
from museion import Workspace, load_config
from tests.helpers.endpoint import (
    ADMIN_TOKEN,
    Live,
    harvest_and_publish,
    live_endpoint,
    other_client,
    published_two_partner_config,
    write_two_partner_config,
)

BASE = "https://data.example.org/"
PICASSO = (
    "SELECT ?title WHERE { ?o crm:P108i_was_produced_by/crm:P14_carried_out_by/rdfs:label "
    '"Pablo Picasso" ; rdfs:label ?title } ORDER BY ?title'
)
TITLES = ["Bullfight Scene", "L'Homme a la Guitare (Man with the Guitar)"]
OBJECT = f"{BASE}tate/object/T06803"


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published_two_partner_config(tmp_path_factory.mktemp("endpoint"))


@pytest.fixture(scope="module")
def live(config_path: Path) -> Iterator[Live]:
    with live_endpoint(config_path, "--query-processes", "2", "--max-rows", "50") as server:
        yield server


def select(live: Live, query: str, **headers: str) -> requests.Response:
    return requests.post(live.sparql, data={"query": query}, headers=headers, timeout=30)


def get(
    live: Live, query: str, headers: dict[str, str] | None = None, **params: str
) -> requests.Response:
    """A GET of the endpoint with ``query`` and other protocol parameters (``format``, ...)."""
    return requests.get(live.sparql, params={"query": query, **params}, headers=headers, timeout=60)


def value(response: requests.Response, name: str = "n") -> str:
    """The value of ``name`` in the first row of a SPARQL JSON answer."""
    return str(response.json()["results"]["bindings"][0][name]["value"])


# -- real clients -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [JSON, XML, CSV])
def test_sparqlwrapper_select(live: Live, fmt: str) -> None:
    client = SPARQLWrapper(live.sparql)
    client.setQuery(sparql.prologue() + PICASSO)
    client.setReturnFormat(fmt)
    result: Any = client.query().convert()
    if fmt == JSON:
        titles = [b["title"]["value"] for b in result["results"]["bindings"]]
    elif fmt == XML:
        titles = [n.firstChild.data for n in result.getElementsByTagName("literal")]
    else:
        titles = [row[0] for row in list(csv.reader(io.StringIO(result.decode())))[1:]]
    assert titles == TITLES


def test_sparqlwrapper_construct_as_turtle_by_post(live: Live) -> None:
    client = SPARQLWrapper(live.sparql)
    client.setMethod(POST)
    client.setQuery(
        f"CONSTRUCT {{ <{OBJECT}> rdfs:label ?l }} WHERE {{ <{OBJECT}> rdfs:label ?l }}"
    )
    client.setReturnFormat(TURTLE)
    turtle: Any = client.query().convert()
    graph = Graph().parse(data=turtle, format="turtle")
    assert {str(o) for o in graph.objects()} == {"Bullfight Scene"}


def test_rdflib_sparqlstore(live: Live) -> None:
    graph = Graph(SPARQLStore(live.sparql, returnFormat="xml"))
    rows = graph.query(sparql.prologue() + PICASSO)
    assert [str(row[0]) for row in rows] == TITLES  # type: ignore[index]
    ask = graph.query(
        f"ASK {{ <{OBJECT}> a <http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object> }}"
    )
    assert ask.askAnswer is True


# -- the protocol, content negotiation ------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/sparql-results+json"),
    ],
)
def test_select_formats(live: Live, accept: str, media: str) -> None:
    response = select(live, PICASSO, Accept=accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    assert response.headers["vary"].startswith("Accept")
    if media.startswith("application/sparql-results"):
        fmt = QueryResultsFormat.from_media_type(media)
        parsed = parse_query_results(response.content, fmt)
        assert isinstance(parsed, QuerySolutions)
        assert [str(s["title"].value) for s in parsed] == TITLES


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_construct_formats(live: Live, accept: str, rdflib_format: str) -> None:
    query = f"CONSTRUCT WHERE {{ <{OBJECT}> rdfs:label ?l }}"
    response = select(live, query, Accept=accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    if rdflib_format in ("turtle", "nt", "xml"):  # an independent parser where it has no warnings
        objects = {
            str(o) for o in Graph().parse(data=response.text, format=rdflib_format).objects()
        }
    else:
        fmt = RdfFormat.from_media_type(accept)
        objects = {str(q.object.value) for q in parse(response.content, format=fmt)}
    assert objects == {"Bullfight Scene"}


def test_format_parameter_overrides_accept(live: Live) -> None:
    response = get(live, PICASSO, {"Accept": "application/json"}, format="csv")
    assert response.headers["content-type"].startswith("text/csv")


def test_unacceptable_format_is_406(live: Live) -> None:
    response = select(live, PICASSO, Accept="image/png")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text
    response = select(live, "ASK {}", Accept="text/csv")
    assert response.status_code == 200
    assert response.text == "true"


def test_an_answer_xml_cannot_carry_is_406_in_xml_only(live: Live) -> None:
    """pyoxigraph wrote U+0001 into XML as it is: a 200 no XML parser reads."""
    query = 'SELECT ?x WHERE { BIND("a\\u0001b" AS ?x) }'
    xml = select(live, query, Accept="application/sparql-results+xml")
    assert xml.status_code == 406
    assert "U+0001" in xml.text
    graph = 'CONSTRUCT { <http://e/s> <http://e/p> "a\\u0001b" } WHERE {}'
    assert select(live, graph, Accept="application/rdf+xml").status_code == 406
    answer = select(live, query, Accept="application/sparql-results+json")
    assert answer.status_code == 200
    assert answer.json()["results"]["bindings"][0]["x"]["value"] == "a\u0001b"


def test_a_browser_on_the_endpoint_is_sent_to_the_query_ui(live: Live) -> None:
    response = requests.get(
        live.sparql, headers={"Accept": "text/html,*/*;q=0.8"}, allow_redirects=False, timeout=30
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("PUT", {"params": {"query": "ASK {}"}}, 405),
        ("DELETE", {}, 405),
        ("POST", {"data": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
        ("POST", {"data": b"ASK {}"}, 415),
        (
            "POST",
            {
                "data": "ASK {}".encode("utf-16"),
                "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"},
            },
            415,
        ),
        (
            "POST",
            {"data": b"ASK { \xff }", "headers": {"Content-Type": "application/sparql-query"}},
            400,
        ),
        ("GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ("GET", {"params": {"query": "ASK {"}}, 400),
        ("GET", {"params": {"update": "CLEAR ALL"}}, 400),
        ("POST", {"data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400),
    ],
)
def test_malformed_requests(live: Live, method: str, kwargs: dict[str, Any], status: int) -> None:
    response = requests.request(method, live.sparql, timeout=30, **kwargs)
    assert response.status_code == status, response.text
    assert response.text.strip()  # a message says what is wrong
    if status == 405:  # every method the endpoint answers, HEAD too (it answers it as GET)
        assert response.headers["allow"] == "GET, HEAD, POST, OPTIONS"
        assert requests.head(live.sparql, params={"query": "ASK {}"}, timeout=30).ok


def test_syntax_error_names_the_fault(live: Live) -> None:
    response = select(live, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert "not valid SPARQL" in response.text


def test_union_default_graph_unless_the_request_names_a_dataset(live: Live) -> None:
    count = 'SELECT (COUNT(*) AS ?n) WHERE { ?s rdfs:label "Pablo Picasso" }'
    union = value(select(live, count))
    # Tate's person, CMOA's person and their reconciled aggregate: once each, though many
    # records name them.
    assert union == "3"
    url = f"{live.sparql}?default-graph-uri={quote(f'{BASE}tate/person/1767', safe='')}"
    assert value(requests.post(url, data={"query": count}, timeout=30)) in ("0", "1")
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert value(get(live, everything, None, **{"default-graph-uri": "urn:none"})) == "0"


def test_cors_and_gzip(live: Live) -> None:
    preflight = requests.options(
        live.sparql,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=30,
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "https://example.org")
    response = requests.get(
        live.sparql,
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 40"},
        headers={"Origin": "https://example.org", "Accept-Encoding": "gzip"},
        stream=True,
        timeout=30,
    )
    assert response.headers["access-control-allow-origin"] == "*"
    # A query UI on another site may read when to retry a busy endpoint's 503, and how long
    # the query took: a browser hides every header the answer does not expose.
    exposed = {
        h.strip().casefold() for h in response.headers["access-control-expose-headers"].split(",")
    }
    assert {"x-sparql-maxrows", "link", "retry-after", "server-timing"} <= exposed
    assert response.headers["content-encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.raw.read()))["results"]["bindings"]) == 40


def test_access_log(live: Live) -> None:
    get(live, "ASK { ?s ?p ?o }")
    assert '"GET /sparql?query=' in live.read_log()


# -- honest limits --------------------------------------------------------------------------


def test_row_cap_is_announced_not_silent(live: Live) -> None:
    capped = get(live, "SELECT * WHERE { ?s ?p ?o }")
    assert len(capped.json()["results"]["bindings"]) == 50
    assert capped.headers["x-sparql-maxrows"] == "50"
    small = get(live, "SELECT * WHERE { ?s ?p ?o } LIMIT 7")
    assert len(small.json()["results"]["bindings"]) == 7
    assert "x-sparql-maxrows" not in small.headers
    exact = get(live, "SELECT * WHERE { ?s ?p ?o } LIMIT 50", format="tsv")
    assert len(exact.text.splitlines()) == 51
    assert "x-sparql-maxrows" not in exact.headers
    graph = get(live, "CONSTRUCT WHERE { ?s ?p ?o }", format="nt")
    assert len(graph.text.splitlines()) == 50
    assert graph.headers["x-sparql-maxrows"] == "50"


def test_service_is_refused_unless_allow_listed(live: Live) -> None:
    for query in (
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "PREFIX e: <http://example.org/>\nSELECT * WHERE { SERVICE SILENT e:sparql { ?s ?p ?o } }",
        "SELECT * WHERE { ?e a ?t . SERVICE ?e { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ):
        response = select(live, query)
        assert response.status_code == 403, query
        assert "SERVICE" in response.text
        assert "not allowed" in response.text
    # the word in a string, an IRI or a comment is no SERVICE clause
    harmless = 'SELECT * WHERE { ?s ?p "SERVICE <http://x/>" } # SERVICE <http://y/>'
    assert select(live, harmless).status_code == 200


def test_updates_are_refused_without_a_token(live: Live) -> None:
    update = f"INSERT DATA {{ GRAPH <{BASE}graph/x> {{ <{BASE}x> <{BASE}p> 1 }} }}"
    response = requests.post(live.sparql, data={"update": update}, timeout=30)
    assert response.status_code == 403
    assert "disabled" in response.text


# -- example queries ------------------------------------------------------------------------


@pytest.mark.parametrize("example", sparql.example_queries(), ids=lambda q: q.name)
def test_every_example_query_answers(live: Live, example: sparql.ExampleQuery) -> None:
    assert example.title
    assert example.description
    response = select(live, example.query)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"], f"{example.name} found nothing"


# -- VoID -----------------------------------------------------------------------------------


def test_void_describes_each_partner_source(live: Live) -> None:
    response = requests.get(
        live.url + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30
    )
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    rows = graph.query(
        """PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?title ?triples ?entities ?modified WHERE {
          ?root void:subset ?d . ?d a void:Dataset ; dcterms:title ?title ;
             void:triples ?triples ; void:entities ?entities ; dcterms:modified ?modified ;
             void:sparqlEndpoint ?e } ORDER BY ?title"""
    )
    found = {str(r[0]): (int(str(r[1])), int(str(r[2]))) for r in rows}  # type: ignore[index]
    assert set(found) == {"Carnegie Museum of Art", "Tate"}
    # entities, not records (21 + 15 Tate, 24 CMOA): objects, artists, the concepts they type
    assert found["Tate"][1] > 36
    assert found["Carnegie Museum of Art"][1] > 24
    assert all(triples > 0 for triples, _ in found.values())


# -- a new publish is served without a restart; updates are visible at once ----------------


def test_new_snapshot_is_served_without_restart(tmp_path: Path) -> None:
    config_path = write_two_partner_config(tmp_path / "switch")
    config = load_config(config_path)
    harvest_and_publish(config)
    marker = f'ASK {{ <{BASE}marker> <{BASE}p> "new harvest" }}'
    with live_endpoint(config_path, "--query-processes", "2") as server:
        assert select(server, marker).json()["boolean"] is False
        workspace = Workspace(config.data_dir)
        store = workspace.open_writer()
        graph = NamedNode(f"{BASE}graph/marker")
        store.replace_graphs(
            {
                graph: [
                    Quad(
                        NamedNode(f"{BASE}marker"),
                        NamedNode(f"{BASE}p"),
                        Literal("new harvest"),
                        graph,
                    )
                ]
            }
        )
        workspace.publish(store)
        store.close()
        for _ in range(4):  # every query process sees it, not just one
            assert select(server, marker).json()["boolean"] is True


def test_admin_update_is_visible_to_the_next_query(tmp_path: Path) -> None:
    config_path = published_two_partner_config(tmp_path / "update")
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with live_endpoint(config_path, "--query-processes", "2", admin_token=ADMIN_TOKEN) as server:
        label = (
            f'INSERT DATA {{ GRAPH <{BASE}graph/fixes> {{ <{OBJECT}> rdfs:label "Corrida"@fr }} }}'
        )
        wrong = requests.post(
            server.sparql,
            data={"update": label},
            headers={"Authorization": "Bearer nope"},
            timeout=30,
        )
        assert wrong.status_code == 403
        done = requests.post(server.sparql, data={"update": label}, headers=auth, timeout=60)
        assert done.status_code == 204, done.text
        for _ in range(3):
            ask = select(server, f'ASK {{ <{OBJECT}> rdfs:label "Corrida"@fr }}')  # default graph
            assert ask.json()["boolean"] is True
        removed = requests.post(
            server.sparql,
            data={"update": f"DROP GRAPH <{BASE}graph/fixes>"},
            headers=auth,
            timeout=60,
        )
        assert removed.status_code == 204
        assert (
            select(server, f'ASK {{ <{OBJECT}> rdfs:label "Corrida"@fr }}').json()["boolean"]
            is False
        )
        # The default graph is derived: writing to it directly is refused, with the reason.
        direct = requests.post(
            server.sparql,
            data={"update": f'INSERT DATA {{ <{OBJECT}> rdfs:label "x" }}'},
            headers=auth,
            timeout=30,
        )
        assert direct.status_code == 400
        assert "named graph" in direct.text


# -- time limits ----------------------------------------------------------------------------

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""A count over a cartesian product of the store: it never ends, so any time limit stops it."""
LIMIT = 15
"""Seconds: generous, because the fast query must be answered within the same limit on a
machine whose cores are all busy (with 1.5 s it once got 503 there)."""


def test_query_over_the_time_limit_is_stopped_while_others_are_answered(config_path: Path) -> None:
    with live_endpoint(
        config_path, "--query-timeout", str(LIMIT), "--query-processes", "2"
    ) as server:
        slow: dict[str, Any] = {}

        def run_slow() -> None:
            slow["response"] = select(server, SLOW)

        thread = threading.Thread(target=run_slow)
        thread.start()
        fast = other_client().post(  # a second client, meanwhile
            server.sparql, data={"query": sparql.prologue() + PICASSO}, timeout=30
        )
        thread.join(timeout=LIMIT * 8)
        assert fast.status_code == 200
        assert [b["title"]["value"] for b in fast.json()["results"]["bindings"]] == TITLES
        response = slow["response"]
        assert response.status_code == 503
        assert f"time limit of {LIMIT} s" in response.text
        # the stopped process was replaced: the endpoint goes on answering
        for _ in range(3):
            assert select(server, "ASK { ?s ?p ?o }").json()["boolean"] is True


def _processes_serving(folder: Path) -> list[int]:
    """Processes whose environment names ``folder`` (HTTP workers and query processes carry
    the endpoint settings, with the data directory, in theirs)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if str(folder).encode() in environ and b"MUSEION_ENDPOINT_SETTINGS" in environ:
            found.append(int(entry.name))
    return found


def test_several_http_workers_and_a_clean_shutdown(tmp_path: Path) -> None:
    config_path = published_two_partner_config(tmp_path / "workers")
    with live_endpoint(config_path, "--workers", "2", "--query-processes", "1") as server:
        answers = {select(server, "ASK { ?s ?p ?o }").status_code for _ in range(12)}
        assert answers == {200}
        assert len(_processes_serving(config_path.parent)) >= 4  # 2 HTTP workers, 2 queriers
    for _ in range(600):  # up to a minute: a busy machine may be slow to end processes
        if not _processes_serving(config_path.parent):
            break
        threading.Event().wait(0.1)
    assert _processes_serving(config_path.parent) == []


def test_big_answers_stream_from_a_spool_file_that_is_then_deleted(config_path: Path) -> None:
    spool = Path(tempfile.gettempdir())
    before = set(spool.glob("museion-answer-*"))
    with live_endpoint(config_path, "--max-rows", "0", "--query-processes", "1") as server:
        count = value(select(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        response = get(server, "CONSTRUCT WHERE { ?s ?p ?o }", {"Accept": "application/n-triples"})
        assert len(response.content) > 256 * 1024  # over the in-memory limit
        assert len(response.text.splitlines()) == int(count)
        assert "x-sparql-maxrows" not in response.headers
    assert set(spool.glob("museion-answer-*")) <= before
