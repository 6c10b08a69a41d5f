"""``kind = "sparql"``: harvesting a live ``museion serve`` and a live ``oxigraph serve``.

One Museion harvests another with nothing but its ``/sparql`` URL; a Linked Art endpoint is
harvested over several pages, then incrementally by its objects' ``dcterms:modified``; faults
end in one clear line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from pyoxigraph import Literal

from harvesters.sparql.client import SparqlClient
from museion import Pipeline, Workspace, load_config
from museion.config import Config
from museion.pipeline import HarvestSummary
from museion_core.errors import ConfigError, HarvestError
from store import Store
from tests.conftest import BASE, ConfigWriter
from tests.helpers.endpoint import (
    Live,
    free_port,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)
from tests.helpers.http import Quiet, serving, trickle
from tests.helpers.oxigraph_server import Oxigraph, oxigraph_serve

PARTNER_BASE = "https://partner.example.net/"
CRM = "http://www.cidoc-crm.org/cidoc-crm/"
TITLE = (
    f"PREFIX crm: <{CRM}> SELECT ?o ?t WHERE {{ GRAPH ?g {{ ?o a crm:E22_Human-Made_Object ;"
    " crm:P1_is_identified_by/crm:P190_has_symbolic_content ?t } }"
)


def sparql_source(
    url: str, name: str = "network", mapping: str | None = "linkedart", **options: Any
) -> str:
    lines = [
        f'name = "{name}"',
        'kind = "sparql"',
        f'location = "{url}"',
        *([f'mapping = "{mapping}"'] if mapping else []),
        *(f"{key} = {value!r}".replace("'", '"') for key, value in options.items()),
        "[sources.partner]",
        'label = "Partner network"',
    ]
    return "\n".join(lines)


def harvest(config: Config) -> tuple[Store, HarvestSummary]:
    [summary] = Pipeline(config).harvest()
    return Workspace(config.data_dir).open_published(), summary


def objects(store: Store, source: str = "network") -> set[str]:
    rows = store.select(
        f"SELECT ?o WHERE {{ GRAPH <{BASE}meta> {{ ?g <http://xmlns.com/foaf/0.1/primaryTopic> ?o ;"
        f" <http://rdfs.org/ns/void#inDataset> <{BASE}dataset/{source}> }} }}"
    )
    return {str(r["o"]) for r in rows}


@pytest.fixture(scope="module")
def partner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Another Museion, with the Tate and Carnegie samples, serving /sparql."""
    folder = tmp_path_factory.mktemp("partner")
    path = write_two_partner_config(folder, base_iri=PARTNER_BASE)
    harvest_and_publish(load_config(path))
    with live_endpoint(path) as live:
        yield live


def partner_objects(partner: Live) -> set[str]:
    answer = requests.post(
        partner.sparql,
        data={
            "query": f"SELECT DISTINCT ?o WHERE {{ ?o a <{CRM}E22_Human-Made_Object>"
            f" FILTER NOT EXISTS {{ ?o <{CRM}P46i_forms_part_of> ?whole }} }}"
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    return {b["o"]["value"] for b in answer.json()["results"]["bindings"]}


def test_one_museion_harvests_another_with_only_its_url(
    partner: Live, write_config: ConfigWriter
) -> None:
    expected = partner_objects(partner)
    assert len(expected) > 20
    # No mapping named: a sparql source maps with the Linked Art pass-through.
    config = load_config(write_config(sparql_source(partner.sparql, mapping=None)))
    assert config.sources[0].mapping_name == "linkedart"
    store, summary = harvest(config)
    assert (summary.read, summary.mapped, summary.rejected) == (len(expected),) * 2 + (0,)
    assert objects(store) == expected  # the partner's own IRIs, kept as they are
    # Each object's description came with it: titles, and the production's maker names.
    titled = {str(r["o"]) for r in store.select(TITLE)}
    assert titled >= expected  # (and their parts: a frame, a support)
    [row] = store.select(
        f"PREFIX crm: <{CRM}> SELECT (COUNT(*) AS ?n) WHERE {{"
        " ?o crm:P108i_was_produced_by/crm:P14_carried_out_by/crm:P1_is_identified_by"
        "/crm:P190_has_symbolic_content ?maker }"
    )
    assert int(row["n"]) > 20
    # The partner's record dates make the next harvest incremental.
    assert set(summary.checkpoint) == {"since"}

    # The second harvest lists only the records changed on or after the newest date seen
    # (inclusive: those of the partner's last run), finds them unchanged and withdraws nothing.
    store.close()
    store, again = harvest(config)
    assert 0 < again.read <= len(expected)
    assert (again.unchanged, again.new, again.changed) == (again.read, 0, 0)
    assert objects(store) == expected
    store.close()


def test_a_missing_endpoint_is_one_clear_line(partner: Live, write_config: ConfigWriter) -> None:
    config = load_config(write_config(sparql_source(partner.url + "/no-such-endpoint")))
    with pytest.raises(HarvestError) as caught:
        harvest(config)
    message = str(caught.value)
    assert "HTTP 405 Method Not Allowed" in message
    assert "/no-such-endpoint" in message
    assert "\n" not in message


def test_a_query_the_endpoint_refuses_is_one_clear_line(
    partner: Live, write_config: ConfigWriter
) -> None:
    config = load_config(write_config(sparql_source(partner.sparql, list_where="?object ?? ;")))
    with pytest.raises(HarvestError, match=r"HTTP 400 the endpoint refused the query") as caught:
        harvest(config)
    assert "\n" not in str(caught.value)


def test_an_endpoint_that_is_down_fails_after_its_retries(write_config: ConfigWriter) -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there
    config = load_config(write_config(sparql_source(url, max_retries=1, timeout=5)))
    with pytest.raises(HarvestError, match=r"no answer after 2 tries") as caught:
        harvest(config)
    assert url in str(caught.value)


LINKED_ART = """\
@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <https://museum.example.com/> .

<object/1> a crm:E22_Human-Made_Object ; dcterms:modified "2024-01-01T00:00:00Z"^^xsd:dateTime ;
  crm:P1_is_identified_by [ a crm:E33_E41_Linguistic_Appellation ;
                            crm:P190_has_symbolic_content "Jar" ] .
<object/2> a crm:E22_Human-Made_Object ; dcterms:modified "2024-02-01T00:00:00Z"^^xsd:dateTime ;
  crm:P1_is_identified_by <object/2/name> .
<object/2/name> a crm:E33_E41_Linguistic_Appellation ; crm:P190_has_symbolic_content "Bowl" .
<object/3> a crm:E22_Human-Made_Object ; dcterms:modified "2024-03-01T00:00:00Z"^^xsd:dateTime ;
  crm:P1_is_identified_by <object/3/name> ;
  crm:P108i_was_produced_by <object/3/production> .
<object/3/name> a crm:E33_E41_Linguistic_Appellation ; crm:P190_has_symbolic_content "Lamp" .
<object/3/production> a crm:E12_Production ; crm:P14_carried_out_by <person/9> .
<person/9> a crm:E21_Person ; crm:P1_is_identified_by <person/9/name> .
<person/9/name> a crm:E33_E41_Linguistic_Appellation ; crm:P190_has_symbolic_content "Abu Zayd" .
<person/10> a crm:E21_Person .
"""


@pytest.fixture
def oxigraph() -> Iterator[Oxigraph]:
    with oxigraph_serve() as server:
        server.load_turtle(LINKED_ART)
        yield server


def titles(store: Store) -> dict[str, str]:
    return {str(r["o"]): str(r["t"]) for r in store.select(TITLE)}


def test_a_linked_art_endpoint_over_pages_then_incrementally(
    oxigraph: Oxigraph, write_config: ConfigWriter, tmp_path: Path
) -> None:
    config = load_config(write_config(sparql_source(oxigraph.sparql, page_size=2)))
    store, summary = harvest(config)
    ex = "https://museum.example.com/"
    assert (summary.read, summary.mapped, summary.rejected) == (3, 3, 0)
    assert titles(store) == {
        f"{ex}object/1": "Jar",
        f"{ex}object/2": "Bowl",
        f"{ex}object/3": "Lamp",
    }
    # Three links deep: the maker's name came with the lamp.
    [row] = store.select(
        f"SELECT ?n WHERE {{ GRAPH ?g {{"
        f" <{ex}person/9/name> <{CRM}P190_has_symbolic_content> ?n }} }}"
    )
    assert str(row["n"]) == "Abu Zayd"
    assert summary.checkpoint == {"since": "2024-03-01T00:00:00Z"}
    store.close()

    oxigraph.update(
        f"""PREFIX crm: <{CRM}> PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        DELETE {{ <{ex}object/2/name> crm:P190_has_symbolic_content ?t .
                  <{ex}object/2> dcterms:modified ?m }}
        INSERT {{ <{ex}object/2/name> crm:P190_has_symbolic_content "Blue bowl" .
                  <{ex}object/2> dcterms:modified "2024-06-01T00:00:00Z"^^xsd:dateTime }}
        WHERE {{ <{ex}object/2/name> crm:P190_has_symbolic_content ?t .
                 <{ex}object/2> dcterms:modified ?m }}"""
    )
    store, again = harvest(config)
    # Only what changed on or after the newest date of the last harvest: the bowl and the lamp.
    assert again.read == 2
    assert titles(store)[f"{ex}object/2"] == "Blue bowl"
    assert len(titles(store)) == 3  # an incremental harvest withdraws nothing
    assert again.checkpoint == {"since": "2024-06-01T00:00:00Z"}
    store.close()


@contextmanager
def flaky_proxy(
    target: str, faults: list[tuple[int, dict[str, str]]]
) -> Iterator[tuple[str, list[int]]]:
    """A SPARQL endpoint on 127.0.0.1 that answers the first requests with ``faults`` (status,
    headers), then passes each request on to ``target``; yields its URL and the statuses sent."""
    sent: list[int] = []

    class Handler(Quiet):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if faults:
                status, headers = faults.pop(0)
                payload = b"not now"
            else:
                answer = requests.post(
                    target,
                    data=body,
                    headers={
                        "Content-Type": self.headers.get("Content-Type", ""),
                        "Accept": self.headers.get("Accept", "*/*"),
                    },
                    timeout=60,
                )
                status, payload = answer.status_code, answer.content
                headers = {"Content-Type": answer.headers.get("Content-Type", "")}
            sent.append(status)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    with serving(Handler) as url:
        yield f"{url}/sparql", sent


def test_429_and_503_are_retried_honouring_retry_after(
    oxigraph: Oxigraph, write_config: ConfigWriter
) -> None:
    faults = [(429, {"Retry-After": "1"}), (503, {}), (502, {"Retry-After": "0"})]
    with flaky_proxy(oxigraph.sparql, faults) as (url, sent):
        config = load_config(write_config(sparql_source(url, max_retries=3)))
        store, summary = harvest(config)
        store.close()
    assert sent[:3] == [429, 503, 502]
    assert (summary.read, summary.mapped) == (3, 3)


def test_retries_spent_is_one_clear_line(oxigraph: Oxigraph, write_config: ConfigWriter) -> None:
    faults = [(503, {"Retry-After": "0"})] * 3
    with flaky_proxy(oxigraph.sparql, faults) as (url, sent):
        config = load_config(write_config(sparql_source(url, max_retries=1)))
        with pytest.raises(HarvestError, match=r"HTTP 503 Service Unavailable") as caught:
            harvest(config)
    assert sent == [503, 503]
    assert "\n" not in str(caught.value)


def test_other_kinds_still_need_a_mapping(write_config: ConfigWriter) -> None:
    source = sparql_source("https://example.org/api", mapping=None).replace("sparql", "jsonapi")
    with pytest.raises(ConfigError, match=r"sources\[1\] \(network\)\.mapping: required key"):
        load_config(write_config(source))


def test_an_endpoint_answering_an_rdf_xml_bomb_is_one_clear_line() -> None:
    """A CONSTRUCT answered in RDF/XML whose entities expand ten to the seventh times (which
    pyoxigraph's parser does without a bound: a few more levels abort the harvest) is refused
    with its reason; entities that expand to little are read."""

    def answer(levels: int) -> bytes:
        entities = '<!ENTITY a0 "AAAAAAAAAA">' + "".join(
            f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, levels)
        )
        return (
            f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [ {entities} ]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:ex="http://ex.org/"><rdf:Description rdf:about="http://ex.org/a">'
            f"<ex:p>&a{levels - 1};</ex:p></rdf:Description></rdf:RDF>"
        ).encode()

    levels = [7, 2]

    class Handler(Quiet):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            payload = answer(levels.pop(0))
            self.send_response(200)
            self.send_header("Content-Type", "application/rdf+xml")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    with serving(Handler) as url:
        client = SparqlClient(f"{url}/sparql", source="bomb", max_retries=0)
        query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        with pytest.raises(HarvestError, match="expand to far more text than the document"):
            client.construct(query)
        [quad] = client.construct(query)
        assert quad.object == Literal("A" * 100)


def test_an_endpoint_that_trickles_is_stopped_at_its_deadline() -> None:
    """An endpoint that sends its answer a byte at a time is never silent for ``timeout``: the
    harvest (and its writer lock) waited for as long as it liked; it is stopped at
    request_deadline, and not retried."""
    answer = b'{"head": {"vars": []}, "results": {"bindings": []}}' + b" " * 40
    with trickle(answer, "application/sparql-results+json") as url:
        client = SparqlClient(url, source="slow", timeout=5, request_deadline=1, max_retries=0)
        with pytest.raises(
            HarvestError, match=r"took more than 1 s in all \(request_deadline\)"
        ) as cut:
            client.select("SELECT * WHERE { ?s ?p ?o }")
    assert str(cut.value).count(url) == 1  # the endpoint named once, not in a message in a message
