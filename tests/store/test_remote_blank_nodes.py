"""Blank nodes read from Virtuoso: it names them ``nodeID://b12`` in SPARQL results JSON (as
a blank node's label, which Oxigraph refuses, or as an IRI, which it is not), and answers a
CONSTRUCT with results JSON when that is the first type asked for. Against a real Virtuoso
holding a record with blank nodes, Museion's reads of its version (a client's SELECT and
CONSTRUCT through the endpoint, DESCRIBE, the object and entity pages) get blank nodes,
each node one blank node throughout an answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

import pytest
import requests
from pyoxigraph import BlankNode, NamedNode, QuerySolutions, RdfFormat, parse

from sparql.executor import Worker
from sparql.jobs import EntityJob, QueryJob
from sparql.settings import EndpointSettings
from store import RemoteReader, RemoteStore
from store.blanks import Blanks
from tests.helpers.sparql_servers import SparqlServer, virtuoso

BASE = "http://localhost:8000/blank/"
CRM = "http://www.cidoc-crm.org/cidoc-crm/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
OBJECT = f"{BASE}object/1"


def record() -> bytes:
    """An object's record graph: its title, and a dimension with its unit, on blank nodes (as
    a Linked Art record may give them)."""
    g, o = f"<{BASE}record/1>", f"<{OBJECT}>"
    return (
        "".join(
            f"{s} {p} {v} {g} .\n"
            for s, p, v in [
                (o, "a", f"<{CRM}E22_Human-Made_Object>"),
                (o, f"<{LABEL}>", '"A vase"'),
                (o, f"<{CRM}P1_is_identified_by>", "_:title"),
                ("_:title", "a", f"<{CRM}E33_E41_Linguistic_Appellation>"),
                ("_:title", f"<{CRM}P190_has_symbolic_content>", '"A vase"'),
                (o, f"<{CRM}P43_has_dimension>", "_:height"),
                ("_:height", f"<{CRM}P90_has_value>", '"12"'),
                ("_:height", f"<{CRM}P91_has_unit>", "_:cm"),
                ("_:cm", f"<{LABEL}>", '"cm"'),
            ]
        )
        .replace(" a ", " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ")
        .encode()
    )


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    """A Virtuoso whose current version holds the record."""
    folder = tmp_path_factory.mktemp("blank")
    with virtuoso(folder / "v") as server:
        store = RemoteStore(folder / "working", server.endpoint(graphs=BASE))
        store.replace_serialized_graphs({NamedNode(f"{BASE}record/1"): record()})
        store.publish_version("99990101T000000000000Z-blank", keep=1)
        store.close()
        yield server


@pytest.fixture
def worker(tmp_path: Path, held: SparqlServer) -> Iterator[Worker]:
    settings = EndpointSettings(
        base_iri=BASE, published_dir=tmp_path / "published", remote=held.endpoint(graphs=BASE)
    )
    running = Worker(settings)
    yield running
    running.store().close()


def test_a_select_gets_blank_nodes_each_one_node(held: SparqlServer) -> None:
    reader = RemoteReader(held.endpoint(graphs=BASE))
    reader.refresh()
    results = reader.query(
        f"SELECT ?d ?u WHERE {{ <{OBJECT}> <{CRM}P43_has_dimension> ?d . "
        f"?d <{CRM}P91_has_unit> ?u }}"
    )
    assert isinstance(results, QuerySolutions)
    [row] = list(results)
    assert isinstance(row["d"], BlankNode)
    assert isinstance(row["u"], BlankNode)
    assert row["d"] != row["u"]
    # the node a later answer names is the node this one did
    results = reader.query(f"SELECT ?d WHERE {{ <{OBJECT}> <{CRM}P43_has_dimension> ?d }}")
    assert isinstance(results, QuerySolutions)
    assert [r["d"] for r in results] == [row["d"]]
    # Museion's own rows: the label, as the server's N-Triples name the node
    [plain] = reader.select(f"SELECT ?d WHERE {{ <{OBJECT}> <{CRM}P43_has_dimension> ?d }}")
    assert plain["d"] == row["d"].value
    assert not str(plain["d"]).startswith("nodeID:")
    reader.close()


def test_the_endpoint_answers_blank_nodes_and_graphs_as_such(worker: Worker) -> None:
    """A client's SELECT over the record was answered 502 (the answer could not be read), and
    its CONSTRUCT a table of ``s``/``p``/``o``, not a graph, even without blank nodes."""
    select = QueryJob("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", BASE, "application/json")
    reply = worker.handle(select)
    assert reply.status == 200, reply.body
    body = reply.body if isinstance(reply.body, bytes) else b""
    assert b"nodeID" not in body
    bindings = json.loads(body)["results"]["bindings"]
    assert len(bindings) == 9
    blanks = {t["value"] for b in bindings for t in b.values() if t["type"] == "bnode"}
    assert len(blanks) == 3  # title, height, unit: each one node throughout

    for query in (
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        f"# a client's comment\nPREFIX ex: <{BASE}>\nDESCRIBE <{OBJECT}>",
    ):
        reply = worker.handle(QueryJob(query, BASE, "application/n-triples"))
        assert reply.status == 200, reply.body
        assert reply.content_type.startswith("application/n-triples")
        body = reply.body if isinstance(reply.body, bytes) else b""
        triples = list(parse(body, RdfFormat.N_TRIPLES))
        assert triples
        assert b"nodeID" not in body
        assert any(isinstance(t.object, BlankNode) for t in triples)
        if query.startswith("CONSTRUCT"):
            assert len(triples) == 9
            assert len({t.subject for t in triples if isinstance(t.subject, BlankNode)}) == 3


def test_the_pages_of_a_record_with_blank_nodes_are_read(worker: Worker) -> None:
    """The object page, the entity's statements and its documents read the record graph by
    SELECT: on Virtuoso, each failed on its first blank node (500)."""
    for representation, view in [("html", ""), ("html", "rdf"), ("nt", ""), ("linked-art", "")]:
        reply = worker.handle(EntityJob(OBJECT, representation, view=view))
        assert reply.status == 200, (representation, view, reply.body)
        body = reply.body if isinstance(reply.body, bytes) else b""
        assert b"nodeID" not in body
        if representation == "html":
            assert b"A vase" in body
        if representation == "nt":
            triples = list(parse(body, RdfFormat.N_TRIPLES))
            assert any(isinstance(t.object, BlankNode) for t in triples)


class Dribbled:
    """An answer's body that comes a few bytes at a time, as a slow server sends it."""

    def __init__(self, data: bytes, most: int) -> None:
        self.data, self.most, self.at = data, most, 0

    def read(self, size: int = -1) -> bytes:  # noqa: ARG002 - what a slow socket gives
        piece = self.data[self.at : self.at + self.most]
        self.at += len(piece)
        return piece


def test_an_answer_is_rewritten_the_same_however_it_arrives(held: SparqlServer) -> None:
    """Rewritten as it is read, a term cut between two reads is rewritten all the same."""
    answer = requests.post(
        held.url + held.query,
        data={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert b"nodeID://" in answer.content
    whole = Blanks(cast(IO[bytes], Dribbled(answer.content, len(answer.content)))).read()
    assert b"nodeID://" not in whole
    for most in (1, 7, 100):
        body = cast(IO[bytes], Blanks(cast(IO[bytes], Dribbled(answer.content, most))))
        pieces = []
        while piece := body.read(5):
            pieces.append(piece)
        assert b"".join(pieces) == whole
