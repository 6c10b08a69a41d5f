"""The W3C SPARQL 1.1 Protocol and Service Description test suites, replayed over HTTP against a
live ``museion serve``.

Each protocol test is a list of HTTP requests with expected responses (``mf:expectedStatus``,
``mf:expectedFormat``, ``mf:expectedBoolean``); the runner sends each request as written —
method, path (``/sparql/`` is the endpoint), headers and body, in the body's own character
encoding — and checks the answer as the manifest says. The suite's data files are loaded
into the named graphs whose IRIs the tests use (``ut:graphData``'s label), and Museion's
default graph is, as always, their merge. Query tests run against an endpoint without an
admin token; update tests, and the malformed-update tests, against one with the token.
"""

from __future__ import annotations

import functools
import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    Quad,
    QuerySolutions,
    RdfFormat,
    Store,
    parse,
)
from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, Namespace
from rdflib.term import Node

from museion import Workspace, load_config
from tests.conftest import DATA
from tests.helpers.endpoint import ADMIN_TOKEN, Live, live_endpoint

SUITE = DATA / "w3c-sparql11"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: list[str]
    """Status classes, "2xx", "3xx", "4xx"."""
    format: str | None
    boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    steps: list[Step]
    data: dict[str, Path] = field(default_factory=dict)

    @property
    def is_update(self) -> bool:
        return self.name.startswith(("update_", "bad_update", "bad_multiple_updates"))


def _opt(graph: Graph, subject: Node, predicate: URIRef) -> Node | None:
    return graph.value(subject, predicate)


def _one(graph: Graph, subject: Node, predicate: URIRef) -> Node:
    value = graph.value(subject, predicate)
    assert value is not None, f"{subject} has no {predicate}"
    return value


def load_manifest() -> list[ProtocolTest]:
    manifest = SUITE / "protocol" / "manifest.ttl"
    graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
    [root] = graph.subjects(RDF.type, MF.Manifest)
    tests = []
    for entry in Collection(graph, _one(graph, root, MF.entries)):
        assert isinstance(entry, URIRef)
        requests_list = _one(graph, _one(graph, entry, MF.action), HT.requests)
        steps = [_step(graph, request) for request in Collection(graph, requests_list)]
        data = {
            str(_one(graph, item, RDFS.label)): SUITE
            / "protocol"
            / Path(str(_one(graph, item, UT.graph))).name
            for item in graph.objects(entry, UT.graphData)
        }
        title = str(_one(graph, entry, MF.name))
        tests.append(ProtocolTest(entry.split("#")[-1], title, steps, data))
    return tests


def _step(graph: Graph, request: Node) -> Step:
    headers = {}
    header_list = _opt(graph, request, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers[str(_one(graph, header, HT.fieldName))] = str(
                _one(graph, header, HT.fieldValue)
            )
    body = None
    content = _opt(graph, request, HT.body)
    if content is not None:
        encoding = str(_opt(graph, content, CNT.characterEncoding) or "UTF-8")
        body = str(_one(graph, content, CNT.chars)).encode(encoding)
    response = _one(graph, request, HT.resp)
    statuses = [str(s)[len(HTS) :] for s in graph.objects(response, MF.expectedStatus)]
    fmt = _opt(graph, response, MF.expectedFormat)
    boolean = _opt(graph, response, MF.expectedBoolean)
    return Step(
        method=str(_one(graph, request, HT.methodName)),
        path=str(_one(graph, request, HT.absolutePath)),
        headers=headers,
        body=body,
        statuses=statuses,
        format=str(fmt) if fmt is not None else None,
        boolean=bool(boolean.toPython()) if isinstance(boolean, RdfLiteral) else None,
    )


TESTS = load_manifest()
QUERY_TESTS = [t for t in TESTS if not t.is_update]
UPDATE_TESTS = [t for t in TESTS if t.is_update]


def _suite_store(folder: Path) -> Path:
    """A Museion data directory whose named graphs hold the suite's data files."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "museion.toml"
    config.write_text(
        '[store]\npath = "store"\n[publish]\nbase_iri = "http://museion.test/"\n', "utf-8"
    )
    workspace = Workspace(load_config(config).data_dir)
    store = workspace.open_writer()
    graphs: dict[NamedNode, list[Quad]] = {}
    for test in TESTS:
        for label, path in test.data.items():
            name = NamedNode(label)
            graphs[name] = [
                Quad(q.subject, q.predicate, q.object, name)
                for q in parse(path=str(path), format=RdfFormat.N_TRIPLES)
            ]
    store.replace_graphs(graphs)
    workspace.publish(store)
    store.close()
    return config


@pytest.fixture(scope="module")
def query_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    config = _suite_store(tmp_path_factory.mktemp("w3c-query"))
    with live_endpoint(config, "--query-processes", "2") as live:
        yield live


@pytest.fixture(scope="module")
def update_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    config = _suite_store(tmp_path_factory.mktemp("w3c-update"))
    with live_endpoint(config, "--query-processes", "2", admin_token=ADMIN_TOKEN) as live:
        yield live


def run(test: ProtocolTest, live: Live, token: str | None = None) -> None:
    for number, step in enumerate(test.steps, start=1):
        headers = dict(step.headers)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if step.format is not None:
            headers.setdefault("Accept", _accept(step.format))
        url = live.url + step.path.replace("/sparql/", "/sparql", 1)
        response = requests.request(
            step.method, url, headers=headers, data=step.body, timeout=30, allow_redirects=False
        )
        where = f"{test.name} step {number}: {step.method} {step.path}"
        status = f"{response.status_code // 100}xx"
        assert status in step.statuses, (
            f"{where}: got {response.status_code} ({response.text.strip()[:300]}), "
            f"expected {step.statuses}"
        )
        if step.format is not None:
            check_format(where, response, step, step.format)


def _query_of(step: Step) -> tuple[str, dict[str, list[str]]]:
    """The query a step sends and its other protocol parameters (dataset IRIs)."""
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(step.path).query)
    headers = {name.lower(): value for name, value in step.headers.items()}
    media, _, charset = headers.get("content-type", "").partition("charset=")
    text = step.body.decode(charset.strip() or "utf-8") if step.body is not None else ""
    if media.startswith("application/x-www-form-urlencoded"):
        params |= urllib.parse.parse_qs(text)
    elif media.startswith("application/sparql-query"):
        params["query"] = [text]
    return params.pop("query")[0], params


@functools.cache
def _local_store() -> Store:
    """The suite's data in an Oxigraph store of this process, to compute the answers."""
    store = Store()
    for test in TESTS:
        for label, path in test.data.items():
            store.load(path=str(path), format=RdfFormat.N_TRIPLES, to_graph=NamedNode(label))
    return store


def expected_rows(step: Step) -> list[tuple[str | None, ...]]:
    """The rows (each variable's value, in order) Oxigraph itself gives for a step's query, on
    the step's dataset or, by Museion's rule, on the union of the named graphs."""
    query, params = _query_of(step)
    defaults: list[NamedNode | BlankNode | DefaultGraph] = [
        NamedNode(iri) for iri in params.get("default-graph-uri", [])
    ]
    named: list[NamedNode | BlankNode] = [
        NamedNode(iri) for iri in params.get("named-graph-uri", [])
    ]
    solutions = _local_store().query(
        query,
        use_default_graph_as_union=not defaults,
        default_graph=defaults or None,
        named_graphs=named or None,
    )
    assert isinstance(solutions, QuerySolutions)
    names = solutions.variables
    rows = [tuple(None if s[v] is None else s[v].value for v in names) for s in solutions]
    return sorted(rows, key=repr)


def tabular_rows(text: str, media: str) -> list[tuple[str | None, ...]]:
    """The rows of a SPARQL JSON answer; of the other formats, only how many there are."""
    if media.endswith("json"):
        answer = json.loads(text)
        names = answer["head"]["vars"]
        rows = [
            tuple(b[n]["value"] if n in b else None for n in names)
            for b in answer["results"]["bindings"]
        ]
        return sorted(rows, key=repr)
    raise AssertionError(f"asked for SPARQL JSON first, got {media}")


def _accept(fmt: str) -> str:
    """What a client asks for; the suite leaves it open, so ask for everything suitable."""
    if fmt in ("boolean", "tabular"):
        return (
            "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
            "text/csv;q=0.5, text/tab-separated-values;q=0.5"
        )
    return "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.8"


def check_format(where: str, response: requests.Response, step: Step, fmt: str) -> None:
    boolean = step.boolean
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if fmt == "boolean":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml"), where
        if media.endswith("json"):
            value = json.loads(response.text)["boolean"]
        else:
            value = "<boolean>true</boolean>" in response.text
        if boolean is not None:
            assert value is boolean, f"{where}: expected {boolean}, got {response.text}"
    elif fmt == "tabular":
        assert media in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        ), where
        assert tabular_rows(response.text, media) == expected_rows(step), where
    else:
        formats = {
            "text/turtle": "turtle",
            "application/n-triples": "nt",
            "application/rdf+xml": "xml",
        }
        assert media in formats, f"{where}: {media} is not an RDF format"
        Graph().parse(data=response.text, format=formats[media])


@pytest.mark.parametrize("test", QUERY_TESTS, ids=[t.name for t in QUERY_TESTS])
def test_protocol_query(test: ProtocolTest, query_endpoint: Live) -> None:
    run(test, query_endpoint)


@pytest.mark.parametrize("test", UPDATE_TESTS, ids=[t.name for t in UPDATE_TESTS])
def test_protocol_update_with_admin_token(test: ProtocolTest, update_endpoint: Live) -> None:
    run(test, update_endpoint, token=ADMIN_TOKEN)


def test_the_suite_is_complete() -> None:
    """Every test of the manifest ran above: 34 protocol tests, none left out."""
    assert len(TESTS) == 34
    assert len(QUERY_TESTS) + len(UPDATE_TESTS) == len(TESTS)


# -- service description ------------------------------------------------------------------


def _description(live: Live) -> tuple[requests.Response, Graph]:
    response = requests.get(live.sparql, headers={"Accept": "text/turtle"}, timeout=30)
    graph = Graph().parse(data=response.text, format="turtle")
    return response, graph


def test_sd_get_on_endpoint_returns_rdf(query_endpoint: Live) -> None:
    response, graph = _description(query_endpoint)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    [service] = graph.subjects(RDF.type, SD.Service)
    assert graph.value(service, SD.endpoint) == URIRef(query_endpoint.sparql)


def test_sd_has_endpoint_triple(query_endpoint: Live) -> None:
    _, graph = _description(query_endpoint)
    [service] = graph.subjects(SD.endpoint, URIRef(query_endpoint.sparql))
    assert (service, RDF.type, SD.Service) in graph  # one endpoint, of the one service


def test_sd_conforms_to_schema(query_endpoint: Live) -> None:
    """The SD vocabulary's own constraints: a sd:Service with an endpoint and a supported
    language from SD's closed list, result formats as IRIs, a default dataset that is a
    sd:Dataset with a sd:Graph as default graph."""
    _, graph = _description(query_endpoint)
    [service] = graph.subjects(RDF.type, SD.Service)
    languages = set(graph.objects(service, SD.supportedLanguage))
    assert languages == {SD.SPARQL11Query}  # no admin token: no updates
    assert all(isinstance(f, URIRef) for f in graph.objects(service, SD.resultFormat))
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    assert (graph.value(dataset, SD.defaultGraph), RDF.type, SD.Graph) in graph
    assert SD.SPARQL11Update not in languages  # no admin token: no updates


def test_sd_says_updates_are_taken_when_a_token_is_configured(update_endpoint: Live) -> None:
    _, graph = _description(update_endpoint)
    [service] = graph.subjects(RDF.type, SD.Service)
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) in graph
