"""Linked-data IRIs over HTTP: every kind of minted IRI dereferences on the endpoint's host,
with content negotiation; unknown IRIs are 404, withdrawn ones 410."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import html as lxml_html
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse
from rdflib import Graph, URIRef

from museion import Workspace, load_config
from museion_core.vocab import MUSEION, RDF, XSD
from publish import meta_graph
from sparql import i18n
from sparql.description import entity_kind
from sparql.linkedart_context import linked_art_context
from tests.helpers.endpoint import (
    Live,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)

BASE = "https://data.example.org/"
OBJECT = f"{BASE}tate/object/T06803"
WITHDRAWN = f"{BASE}tate/object/T04406"
LINKED_ART = 'application/ld+json;profile="https://linked.art/ns/v1/linked-art.json"'


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = write_two_partner_config(tmp_path_factory.mktemp("pages"))
    config = load_config(path)
    harvest_and_publish(config)
    _withdraw(path, WITHDRAWN)
    with live_endpoint(path, "--query-processes", "2") as server:
        yield server


def _withdraw(config_path: Path, iri: str) -> None:
    """What a partner's deletion leaves: the record graph gone, a tombstone in the metadata."""
    config = load_config(config_path)
    workspace = Workspace(config.data_dir)
    store = workspace.open_writer()
    meta = meta_graph(config.base_iri)
    entity = NamedNode(iri)
    store.remove_graphs([NamedNode(iri.replace("/object/", "/record/"))])
    store.replace_subjects(
        meta,
        [entity],
        [
            Quad(entity, RDF.type, MUSEION.Tombstone, meta),
            Quad(
                entity,
                MUSEION.deletedAt,
                Literal("2026-01-02T03:04:05Z", datatype=XSD.dateTime),
                meta,
            ),
        ],
    )
    workspace.publish(store)
    store.close()


def get(live: Live, iri: str, accept: str, **params: str) -> requests.Response:
    return requests.get(live.iri_url(iri), headers={"Accept": accept}, params=params, timeout=30)


def test_turtle_and_ntriples_describe_the_object_and_its_embedded_nodes(live: Live) -> None:
    turtle = get(live, OBJECT, "text/turtle")
    assert turtle.status_code == 200
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "Accept" in turtle.headers["vary"]
    graph = Graph().parse(data=turtle.text, format="turtle")
    subjects = {str(s) for s in graph.subjects()}
    assert OBJECT in subjects
    assert f"{OBJECT}/production" in subjects  # embedded nodes come with the object
    assert f"{OBJECT}/title/1" in subjects
    nt = get(live, OBJECT, "application/n-triples")
    assert nt.headers["content-type"].startswith("application/n-triples")
    assert len(Graph().parse(data=nt.text, format="nt")) == len(graph)


def test_linked_art_json_ld(live: Live) -> None:
    response = get(live, OBJECT, LINKED_ART)
    assert response.status_code == 200
    assert response.headers["content-type"] == LINKED_ART
    doc = json.loads(response.text)
    assert doc["@context"] == "https://linked.art/ns/v1/linked-art.json"
    assert doc["id"] == OBJECT
    assert doc["type"] == "HumanMadeObject"
    assert doc["_label"] == "Bullfight Scene"
    production = doc["produced_by"]
    assert "id" not in production  # the Linked Art API document: embedded nodes have no id
    assert production["type"] == "Production"
    [artist] = production["carried_out_by"]
    assert artist == {"id": f"{BASE}tate/person/1767", "type": "Person", "_label": "Pablo Picasso"}
    heights = [d for d in doc["dimension"] if d["value"] == 480]
    assert heights  # numbers are JSON numbers
    names = {n["content"] for n in doc["identified_by"]}
    assert {"Bullfight Scene", "T06803"} <= names
    # the extension context earlier documents name is still served, and no longer types
    # value xsd:decimal (a fractional JSON number became "9.938E0"^^xsd:decimal)
    served = requests.get(live.iri_url(f"{BASE}ns/linked-art-extension.json"), timeout=30)
    assert served.status_code == 200
    assert "@type" not in json.loads(served.text)["@context"]["value"]
    # the default JSON-LD is the Linked Art document
    plain = get(live, OBJECT, "application/ld+json")
    assert plain.headers["content-type"] == LINKED_ART
    assert json.loads(plain.text) == doc
    # the graph profile keeps the embedded nodes' IRIs, for RDF tools
    graph = get(live, OBJECT, 'application/ld+json;profile="https://w3id.org/museion/ns#graph"')
    assert graph.headers["content-type"].endswith('profile="https://w3id.org/museion/ns#graph"')
    assert json.loads(graph.text)["produced_by"]["id"] == f"{OBJECT}/production"
    # a real JSON-LD processor reads well-typed numbers from both: the graph profile's are
    # the Turtle's decimals, the Linked Art profile's JSON numbers
    for text, expected in ((graph.text, "decimal"), (response.text, None)):
        offline = text.replace(
            '"https://linked.art/ns/v1/linked-art.json"',
            json.dumps(linked_art_context()["@context"]),
        )
        values = [
            t.object
            for t in parse(offline.encode(), format=RdfFormat.JSON_LD)
            if t.predicate.value.endswith("P90_has_value")
        ]
        assert values
        for value in values:
            kind = value.datatype.value.rsplit("#", 1)[-1]
            assert kind == expected or (expected is None and kind in ("integer", "double"))
            assert "E" not in value.value or kind == "double", value


@pytest.mark.parametrize(
    ("path", "kind", "label"),
    [
        ("tate/object/T06803", "Object", "Bullfight Scene"),
        ("tate/person/1767", "Person", "Pablo Picasso"),
        ("partner/tate", "Partner", "Tate"),
        ("tate/record/T06803", "Record graph", "tate/record/T06803"),
        ("dataset/cmoa", "Dataset", "Carnegie Museum of Art"),
    ],
)
def test_every_kind_of_minted_iri_has_a_page(live: Live, path: str, kind: str, label: str) -> None:
    response = get(live, BASE + path, "text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert f'<p class="kind">{kind}</p>' in response.text
    assert label in response.text


def test_concepts_places_and_groups_dereference(live: Live) -> None:
    minted = requests.post(
        live.sparql,
        data={
            "query": f"""SELECT ?kind (SAMPLE(?s) AS ?iri) WHERE {{
              ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}"))
              BIND(REPLACE(STR(?s), "^{BASE}[a-z0-9-]+/([a-z]+)/.*$", "$1") AS ?kind)
              FILTER(?kind IN ("concept", "place", "group"))
            }} GROUP BY ?kind"""
        },
        timeout=30,
    ).json()["results"]["bindings"]
    kinds = {row["kind"]["value"]: row["iri"]["value"] for row in minted}
    assert {"concept", "group"} <= set(kinds)
    for iri in kinds.values():
        root = "/".join(iri.split("/")[:7]) if "/concept/" in iri else "/".join(iri.split("/")[:6])
        response = get(live, root, "text/turtle")
        assert response.status_code == 200, root
        assert (URIRef(root), None, None) in Graph().parse(data=response.text, format="turtle")


def test_unknown_iri_is_404(live: Live) -> None:
    response = get(live, f"{BASE}tate/object/NOPE", "text/turtle")
    assert response.status_code == 404
    assert "no description" in response.text


@pytest.mark.parametrize(
    ("lang", "heading", "said"),
    [
        ("en", "404 Not found", "Museion has no description of <{iri}>."),
        ("fr", "404 Introuvable", "Museion n’a aucune description de <{iri}>."),
        ("ar", "404 غير موجود", "ليس لدى Museion وصف لـ <{iri}>."),
    ],
)
def test_an_unknown_iri_s_page_is_in_the_reader_s_language_under_the_site_s_name(
    live: Live, lang: str, heading: str, said: str
) -> None:
    """The page of an IRI Museion does not describe said "Not found" where the site's name
    goes, and its sentence in English on a French or an Arabic page."""
    iri = f"{BASE}tate/object/NOPE"
    response = requests.get(
        live.iri_url(iri), headers={"Accept": "text/html", "Accept-Language": lang}, timeout=30
    )
    assert response.status_code == 404
    page = lxml_html.fromstring(response.text)
    assert [_text(e) for e in page.cssselect("a.brand, h1, #message")] == [
        "Museion",
        heading,
        said.format(iri=iri),
    ]


def _text(element: Any) -> str:
    return " ".join("".join(str(t) for t in element.itertext()).split())


def test_withdrawn_entity_is_410_gone(live: Live) -> None:
    for accept in ("text/turtle", "text/html"):
        response = get(live, WITHDRAWN, accept)
        assert response.status_code == 410, response.text
        assert "withdrawn" in response.text
        assert "2026-01-02T03:04:05Z" in response.text


def test_format_parameter_and_406(live: Live) -> None:
    assert (
        get(live, OBJECT, "text/html", format="ttl")
        .headers["content-type"]
        .startswith("text/turtle")
    )
    assert get(live, OBJECT, "image/png").status_code == 406
    # A hint that names no format served here yields to Accept, as on /sparql: it was a 406
    # whose list left out the HTML the browser asked for.
    page = get(live, OBJECT, "text/html", format="xyz")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert (
        get(live, OBJECT, "text/turtle", format="xyz")
        .headers["content-type"]
        .startswith("text/turtle")
    )


def test_identifiers_with_reserved_characters_round_trip(live: Live) -> None:
    """A minted IRI whose identifier was percent-encoded is served at that same path."""
    rows = requests.post(
        live.sparql,
        data={
            "query": 'SELECT ?s WHERE { ?s a ?t FILTER(CONTAINS(STR(?s), "%")) '
            f'FILTER(STRSTARTS(STR(?s), "{BASE}")) }} LIMIT 1'
        },
        timeout=30,
    ).json()["results"]["bindings"]
    if not rows:
        pytest.skip("the test feeds mint no IRI with a percent-encoded identifier")
    iri = rows[0]["s"]["value"]
    assert get(live, iri, "text/turtle").status_code == 200


def test_a_base_iri_with_a_path_is_served_under_that_path(tmp_path: Path) -> None:
    base = "https://data.example.org/museion/"
    path = write_two_partner_config(tmp_path / "with-path", base_iri=base)
    harvest_and_publish(load_config(path))
    with live_endpoint(path, "--query-processes", "1") as server:
        page = requests.get(
            server.url + "/museion/tate/object/T06803", headers={"Accept": "text/html"}, timeout=30
        )
        assert page.status_code == 200
        assert 'href="/museion/partner/tate"' in page.text  # links stay on this host
        outside = requests.get(server.url + "/tate/object/T06803", timeout=30)
        assert outside.status_code == 404


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize(
    ("path", "kind"), [("tate/record/T06803", "Record graph"), ("dataset/cmoa", "Dataset")]
)
def test_the_kind_of_an_entity_is_said_in_the_reader_s_language(
    live: Live, path: str, kind: str, lang: str
) -> None:
    """Above a French or an Arabic heading ("Tate — jeu de données") the kind line read
    "DATASET", in English."""
    response = requests.get(
        live.iri_url(BASE + path),
        headers={"Accept": "text/html"},
        params={"lang": lang},
        timeout=30,
    )
    said = i18n.translate(kind, lang)
    assert said != kind
    assert f'<p class="kind">{said}</p>' in response.text


def test_every_kind_of_entity_has_its_french_and_arabic_words() -> None:
    kinds = {
        entity_kind(BASE + path, BASE)
        for path in (
            *(f"tate/{k}/1" for k in ("object", "person", "group", "place", "set", "record")),
            "tate/concept/aat/1",
            "partner/tate",
            "dataset/tate",
            "meta",
            "vocabulary",
            "graph/reconciliation",
            "elsewhere",
        )
    }
    assert len(kinds) == 11
    for lang in ("fr", "ar"):
        untranslated = [k for k in kinds if k not in i18n.catalogue()[lang]]
        assert not untranslated, lang
