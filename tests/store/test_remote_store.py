"""The remote store (``[store] kind = "sparql"``) against a real ``oxigraph serve``: the demo
questions answer the same as on the embedded store, through ``museion serve``; a run written
but not yet published is invisible; publishing switches versions whole; a server without the
Graph Store Protocol gets the same graphs by SPARQL Update; bad settings get one line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pyoxigraph import (
    NamedNode,
    QueryResultsFormat,
    QuerySolutions,
    parse_query_results,
)

from museion import Workspace
from museion.cli import run_harvest
from museion.config import load_config
from museion.demo import demo_config
from museion_core.errors import ConfigError, StoreError
from museion_core.vocab import CRM, LA
from sparql import PREFIXES, ExampleQuery, example_queries
from store import RemoteReader, RemoteStore
from store.remote import POINTER_GRAPH, VERSION_PREFIX
from store.versions import pointer as _pointer
from tests.helpers.endpoint import live_endpoint
from tests.helpers.sparql_servers import SparqlServer, oxigraph_serve, virtuoso

QUERIES = example_queries()
Rows = list[tuple[tuple[str, str], ...]]


DEMO_BASE = "http://localhost:8000/"
"""The demo's base IRI: the graphs a remote store publishes start with it."""


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SparqlServer]:
    folder = tmp_path_factory.mktemp(request.param)
    start = oxigraph_serve(folder / "data") if request.param == "oxigraph" else virtuoso(folder)
    with start as running:
        yield running


def remote_demo(folder: Path, server: SparqlServer, *, graph_store: bool = True) -> Path:
    """The demo's config, its store on ``server``."""
    path = demo_config(folder).path
    text = path.read_text(encoding="utf-8")
    text = re.sub(
        r'(?m)^path = "\."$', 'path = "."\n' + server.store_keys(graph_store=graph_store), text
    )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = demo_config(tmp_path_factory.mktemp("embedded"))
    run_harvest(config)
    return config.path


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory, server: SparqlServer) -> Path:
    path = remote_demo(tmp_path_factory.mktemp("remote"), server)
    run_harvest(load_config(path))
    return path


def rows(results: object, unordered: set[str], sampled: set[str]) -> Rows:
    """Solutions as a sorted list of (variable, term) tuples: the same answer compares equal.

    SPARQL leaves two aggregates to the engine: which value ``SAMPLE`` picks, and the order
    ``GROUP_CONCAT`` joins values in. Those columns are compared as what the standard fixes:
    that a sample is there, and the joined values as a set."""
    assert isinstance(results, QuerySolutions)
    names = [v.value for v in results.variables]
    out = []
    for s in results:
        row = []
        for n in names:
            term = s[n]
            if term is None:
                continue
            text = str(term)
            if n in sampled:
                text = "(a sample)"
            elif n in unordered:
                text = ", ".join(sorted(term.value.split(", ")))
            row.append((n, text))
        out.append(tuple(row))
    return sorted(out)


def _aggregated(text: str, function: str) -> set[str]:
    return set(re.findall(function + r"\s*\(.*?\)\s+AS\s+\?(\w+)", text, re.I | re.S))


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_demo_questions_answer_the_same_on_the_server(
    query: ExampleQuery, embedded: Path, remote: Path, served: str, server: SparqlServer
) -> None:
    text = query.query
    unordered, sampled = _aggregated(text, "GROUP_CONCAT"), _aggregated(text, "SAMPLE")
    local = Workspace(load_config(embedded).data_dir).open_published()
    try:
        expected = rows(local.query(text, prefixes=PREFIXES), unordered, sampled)
    finally:
        local.close()
    answer = requests.post(
        served,
        data={"query": text},
        headers={"Accept": "application/sparql-results+json"},
        timeout=120,
    )
    assert answer.status_code == 200, answer.text
    got = rows(parse_query_results(answer.content, QueryResultsFormat.JSON), unordered, sampled)
    assert expected, f"{query.name} has no answer on the embedded store"
    if server.graph_store == "/sparql-graph-crud" and query.name == "04-works-by-period":
        # A known Virtuoso 7.2 fault, kept in view: it compares BCE xsd:dateTime values as if
        # they were later than 1900, so objects of 202 BC pass the filter and head the list.
        assert any(dict(row)["year"].startswith('"-') for row in got)
        return
    assert got == expected


@pytest.fixture(scope="module")
def served(remote: Path) -> Iterator[str]:
    """``museion serve`` over the remote store: its query processes ask oxigraph serve."""
    with live_endpoint(remote) as live:
        yield live.sparql


def test_pages_and_void_read_the_remote_version(
    remote: Path, served: str, server: SparqlServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The object, aggregate person, donor and partner pages and VoID, through ``museion serve``
    (on Virtuoso, the object page once joined a whole-store scan and its cards query hit a
    compiler fault: see ``sparql/objectpage.py``, ``sparql/readers.py``)."""
    config = load_config(remote)
    reader = RemoteReader(config.remote)  # type: ignore[arg-type]
    caplog.set_level("DEBUG", logger="museion.store")
    reader.refresh()
    assert re.search(r"^\d+\.\d{3} s: SELECT \?p \?v WHERE", caplog.messages[-1])  # timed
    [row] = reader.select(
        f"SELECT ?o WHERE {{ ?o a {CRM.E22_Human_Made_Object} }} ORDER BY ?o LIMIT 1"
    )
    obj = row["o"]
    # a maker, whose page lists works by partner (a donor, minted from its name, made none)
    [row] = reader.select(
        f"SELECT ?p WHERE {{ ?p a {CRM.E21_Person} ; {LA.equivalent} ?member "
        f"FILTER EXISTS {{ ?made {CRM.P14_carried_out_by} ?member }} "
        f'FILTER (STRSTARTS(STR(?p), "{config.base_iri}person/")) }} ORDER BY ?p LIMIT 1'
    )
    person = row["p"]
    [row] = reader.select(
        f"SELECT ?d ?o WHERE {{ ?a {CRM.P23_transferred_title_from} ?d ; "
        f"{CRM.P24_transferred_title_of} ?o "
        f'FILTER (CONTAINS(STR(?d), "/person/name-")) }} ORDER BY ?d ?o LIMIT 1'
    )
    donor, given = row["d"], row["o"]
    site = served.removesuffix("/sparql")

    def page(path: str) -> str:
        answer = requests.get(site + path, headers={"Accept": "text/html"}, timeout=120)
        assert answer.status_code == 200, f"{path}: {answer.text}"
        return answer.text

    # The keeper, read over the protocol
    assert re.search("Tate|Carnegie", page("/" + obj.removeprefix(config.base_iri)))
    assert 'class="partner-group"' in page("/" + person.removeprefix(config.base_iri))
    # a donor's page lists what the partners acquired from them (the acquisitions query)
    donated = page("/" + donor.removeprefix(config.base_iri))
    assert 'id="acquired"' in donated
    assert 'href="/' + given.removeprefix(config.base_iri) + '"' in donated
    partner = page("/partner/tate")
    assert re.search(r"<h1[^>]*>Tate<", partner)
    assert re.search(r"id=\"work-count\">[1-9]", partner)
    void = requests.get(site + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=120)
    assert void.status_code == 200, void.text
    assert "void:Dataset" in void.text or "rdfs.org/ns/void#Dataset" in void.text
    assert reader.graphs_with_subject(NamedNode(obj))  # its record graph, on the server
    reader.close()


def test_a_run_is_invisible_until_published_then_versions_switch_whole(
    tmp_path: Path, server: SparqlServer, remote: Path
) -> None:
    endpoint = server.endpoint(graphs=DEMO_BASE)
    reader = RemoteReader(endpoint)
    before = reader.refresh()
    _, earlier = _pointer(reader.client)
    assert before is not None
    assert before.startswith(VERSION_PREFIX)
    store = RemoteStore(tmp_path / "working", endpoint)
    graph = NamedNode("http://localhost:8000/test/record/1")
    thing = NamedNode("http://localhost:8000/test/object/1")
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.replace_serialized_graphs({graph: f'{thing} {label} "written" {graph} .\n'.encode()})
    ask = f"SELECT ?l WHERE {{ {thing} {label} ?l }}"
    assert reader.has_graph(graph)  # the record graph is on the server ...
    assert reader.refresh() == before
    assert list(reader.select(ask)) == []  # ... but no query sees it before the publish
    store.publish_version("99990101T000000000000Z-test", keep=1)
    assert reader.refresh() == VERSION_PREFIX + "99990101T000000000000Z-test"
    assert list(reader.select(ask)) == [{"l": "written"}]
    # The pointer keeps one version; the ones it no longer names are gone from the server.
    current, kept = _pointer(store.client)
    assert current == reader.version
    assert kept == [current]
    dropped = [v for v in earlier if v not in kept]
    assert dropped
    assert not any(reader.has_graph(NamedNode(v)) for v in dropped)
    # Take the test's record out again, and publish: the demo's data is as it was.
    store.remove_graphs([graph])
    store.publish_version("99990101T000000000001Z-test", keep=3)
    reader.refresh()
    assert list(reader.select(ask)) == []
    assert reader.has_graph(NamedNode(POINTER_GRAPH))
    store.close()
    reader.close()


def test_without_the_graph_store_protocol_updates_write_the_same_graphs(
    tmp_path: Path, server: SparqlServer
) -> None:
    endpoint = server.endpoint(graph_store=False, graphs=DEMO_BASE)
    store = RemoteStore(tmp_path / "working", endpoint)
    meta = NamedNode("http://localhost:8000/test/meta")
    graphs = {
        NamedNode(f"http://localhost:8000/test/gsp-less/{n}"): (
            f"<http://localhost:8000/test/o/{n}> <http://www.w3.org/2000/01/rdf-schema#label> "
            f'"n\\u00e9 {n}\\n" <http://localhost:8000/test/gsp-less/{n}> .\n'
        ).encode()
        for n in range(3)
    }
    store.replace_serialized_graphs(graphs)
    store.replace_subjects(meta, [], [])
    reader = RemoteReader(endpoint)
    for graph in graphs:
        [row] = reader.client.select(f"SELECT ?l WHERE {{ GRAPH {graph} {{ ?o ?p ?l }} }}")
        assert row["l"] == f"né {graph.value[-1]}\n"
    store.remove_graphs(list(graphs))
    assert not any(reader.has_graph(g) for g in graphs)
    store.close()
    reader.close()


def test_kind_sparql_needs_its_endpoints(tmp_path: Path) -> None:
    path = tmp_path / "museion.toml"
    path.write_text(
        '[store]\nkind = "sparql"\nquery_endpoint = "http://127.0.0.1:9/query"\n'
        '[publish]\nbase_iri = "https://data.example.org/"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "update_endpoint" in caught.value.one_line()
    assert "\n" not in caught.value.one_line()
    path.write_text(
        '[store]\nquery_endpoint = "http://127.0.0.1:9/query"\n'
        '[publish]\nbase_iri = "https://data.example.org/"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match='kind = "sparql"'):
        load_config(path)


@pytest.mark.parametrize("key", ["query_endpoint", "update_endpoint", "graph_store_endpoint"])
def test_credentials_in_an_endpoint_url_are_refused(tmp_path: Path, key: str) -> None:
    """``http://user:password@host/`` was taken: the password then sat in the config file
    and was repeated in every message that names the store (a failed harvest's line, its
    run's reason). The config says where the credentials go instead."""
    urls = {k: f"http://127.0.0.1:9/{k}" for k in ("query_endpoint", "update_endpoint")}
    urls[key] = f"http://museion:pass-in-the-file@127.0.0.1:9/{key}"
    lines = "".join(f'{k} = "{v}"\n' for k, v in urls.items())
    path = tmp_path / "museion.toml"
    path.write_text(
        f'[store]\nkind = "sparql"\n{lines}[publish]\nbase_iri = "https://data.example.org/"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = caught.value.one_line()
    assert key in line
    assert "may not hold credentials" in line
    assert "user_env" in line


def test_an_unreachable_server_fails_the_run_in_one_line(tmp_path: Path) -> None:
    dead = SparqlServer("http://127.0.0.1:9")  # the discard port: nothing listens
    config = load_config(remote_demo(tmp_path, dead))
    [summary] = run_harvest(config, ("tate",))
    assert summary.status == "failed"
    assert summary.reason is not None
    assert "the remote store at http://127.0.0.1:9/store cannot be reached" in summary.reason
    assert "\n" not in summary.reason
    assert Workspace(config.data_dir).published_path() is None  # nothing half-published


def test_credentials_come_from_the_environment(
    tmp_path: Path, server: SparqlServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = server.endpoint().model_copy(update={"token_env": "MUSEION_TEST_REMOTE_TOKEN"})
    monkeypatch.delenv("MUSEION_TEST_REMOTE_TOKEN", raising=False)
    with pytest.raises(StoreError, match=r"\$MUSEION_TEST_REMOTE_TOKEN"):
        RemoteStore(tmp_path / "working", endpoint)
    monkeypatch.setenv("MUSEION_TEST_REMOTE_TOKEN", "secret")
    reader = RemoteReader(endpoint)
    assert getattr(reader.client.session.auth, "header", None) == "Bearer secret"
    reader.close()
