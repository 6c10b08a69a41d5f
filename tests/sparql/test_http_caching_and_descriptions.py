"""What a live ``museion serve`` says about its answers and itself, over real HTTP.

- Conditional requests: every GET answer read from a snapshot carries ``ETag``,
  ``Last-Modified`` and ``Cache-Control``; the validators bring 304; a publish changes the tag.
- ``Accept-Encoding: gzip;q=0`` gets no gzip.
- The service description advertises federation only with a SERVICE allow-list, and its
  ``void:inDataset`` is a dataset the VoID describes; VoID's per-source counts are the counts
  SPARQL gives (distinct triples, entities rather than records); its link opens a page.
- The two Linked Art JSON-LD profiles, each named by its answer's ``Content-Type``.
- rdflib's ``SPARQLStore`` with its default settings.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import socket
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from lxml import html as lxml_html
from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from sparql import i18n
from sparql.linkedart_context import linked_art_context
from tests.helpers.endpoint import (
    ADMIN_TOKEN,
    Live,
    live_endpoint,
    published_two_partner_config,
)

BASE = "https://data.example.org/"
OBJECT = BASE + "tate/object/T06803"
LINKED_ART = "https://linked.art/ns/v1/linked-art.json"
GRAPH = "https://w3id.org/museion/ns#graph"
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published_two_partner_config(tmp_path_factory.mktemp("caching"))


@pytest.fixture(scope="module")
def live(config_path: Path) -> Iterator[Live]:
    with live_endpoint(config_path, "--query-processes", "2", admin_token=ADMIN_TOKEN) as server:
        yield server


def _get(live: Live, path: str, **headers: str) -> requests.Response:
    return requests.get(live.url + path, headers=headers, timeout=60)


def _query(live: Live, query: str) -> list[dict[str, str]]:
    answer = requests.get(
        live.sparql,
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]


# -- conditional requests --------------------------------------------------------------------


def test_snapshot_answers_are_revalidated_and_a_publish_changes_the_tag(live: Live) -> None:
    query = f"/sparql?query=ASK%20%7B%20%3C{OBJECT}%3E%20%3Fp%20%3Fo%20%7D"
    paths = {
        "entity": "/tate/object/T06803?format=jsonld",
        "turtle": "/tate/object/T06803?format=ttl",
        "query": query,
        "void": "/.well-known/void",
        "reconcile": "/reconcile",
    }
    first = {name: _get(live, path) for name, path in paths.items()}
    for name, answer in first.items():
        assert answer.status_code == 200, name
        assert answer.headers["ETag"].startswith('W/"'), name
        assert answer.headers["Cache-Control"] == "public, no-cache", name
        assert answer.headers["Last-Modified"].endswith(" GMT"), name
    tags = {name: answer.headers["ETag"] for name, answer in first.items()}
    assert tags["entity"] != tags["turtle"]  # one tag per representation
    for name, path in paths.items():
        again = _get(live, path, **{"If-None-Match": tags[name]})
        assert again.status_code == 304, name
        assert again.content == b""
        assert again.headers["ETag"] == tags[name]
        since = _get(live, path, **{"If-Modified-Since": first[name].headers["Last-Modified"]})
        assert since.status_code == 304, name
    other = _get(live, paths["entity"], **{"If-None-Match": tags["turtle"]})
    assert other.status_code == 200

    update = requests.post(
        live.sparql,
        data={"update": f"INSERT DATA {{ GRAPH <{BASE}test/extra> {{ <{BASE}x> <{BASE}p> 1 }} }}"},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=120,
    )
    assert update.status_code == 204, update.text
    for name, path in paths.items():
        after = _get(live, path, **{"If-None-Match": tags[name]})
        assert after.status_code == 200, name  # a new snapshot: the old copy is stale
        assert after.headers["ETag"] != tags[name], name
        assert _get(live, path, **{"If-None-Match": after.headers["ETag"]}).status_code == 304


def test_a_conditional_request_for_an_error_gets_the_error(live: Live) -> None:
    """A 304 stands for a 200: an IRI never described, a text that is not SPARQL, a refused
    SERVICE or a format the server cannot give keep their errors whatever date or tag the
    client sends (RFC 9110 §13.2.1), and one resource's tag is not another's."""
    good = _get(live, "/tate/object/T06803?format=ttl")
    assert good.status_code == 200
    since = {"If-Modified-Since": good.headers["Last-Modified"]}
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    for path, status, sent in (
        ("/tate/object/NOPE?format=ttl", 404, since),
        ("/tate/object/NOPE?format=ttl", 404, {"If-None-Match": "*"}),
        ("/tate/object/NOPE?format=ttl", 404, {"If-None-Match": good.headers["ETag"]}),
        ("/sparql?query=NOT%20SPARQL", 400, since),
        (f"/sparql?query={quote(service)}", 403, since),
    ):
        answer = _get(live, path, **sent)
        assert answer.status_code == status, (path, sent, answer.status_code)
    refused = requests.get(
        live.url + "/tate/object/T06803", headers={"Accept": "image/png", **since}, timeout=60
    )
    assert refused.status_code == 406
    # once a representation has been answered, a date is enough for a 304
    assert _get(live, "/tate/object/T06803?format=ttl", **since).status_code == 304


def test_gzip_only_when_the_client_accepts_it(live: Live) -> None:
    path = "/tate/object/T06803?format=ttl"  # big enough to be compressed
    plain = requests.get(live.url + path, headers={"Accept-Encoding": "identity"}, timeout=60)
    assert len(plain.content) > 2048
    for header, gzipped in (
        ("gzip", True),
        ("gzip;q=0.5, identity", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, deflate", False),
        ("*;q=1, gzip;q=0", False),
        ("identity", False),
    ):
        raw = _raw_get(live, path, header)
        assert (b"content-encoding: gzip" in raw.head.lower()) is gzipped, header
        body = gzip.decompress(raw.body) if gzipped else raw.body
        assert body == plain.content, header


class _Raw:
    def __init__(self, head: bytes, body: bytes) -> None:
        self.head, self.body = head, body


def _raw_get(live: Live, path: str, accept_encoding: str) -> _Raw:
    """A GET whose headers are exactly these (requests would add its own Accept-Encoding and
    decode the answer)."""
    host, port = live.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/turtle\r\n"
            f"Accept-Encoding: {accept_encoding}\r\nConnection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" in head.lower():
        body = _dechunk(body)
    return _Raw(head, body)


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2 :]
    return out


# -- the service description and VoID ---------------------------------------------------------


def _graph(answer: requests.Response) -> Graph:
    assert answer.status_code == 200, answer.text
    return Graph().parse(data=answer.text, format="turtle")


def test_service_description_without_an_allow_list(live: Live) -> None:
    sd = _graph(_get(live, "/sparql", Accept="text/turtle"))
    features = set(sd.objects(None, URIRef(SD + "feature")))
    assert URIRef(SD + "UnionDefaultGraph") in features
    assert URIRef(SD + "BasicFederatedQuery") not in features
    [dataset] = list(sd.objects(None, URIRef(VOID + "inDataset")))
    void = _graph(_get(live, "/.well-known/void", Accept="text/turtle"))
    assert (dataset, RDF_TYPE, URIRef(VOID + "Dataset")) in void
    assert set(void.objects(dataset, URIRef(VOID + "subset")))  # the whole collection
    # named on the base IRI's host, whatever host the request names
    assert str(dataset) == "https://data.example.org/.well-known/void#museion"
    other = _graph(_get(live, "/sparql", Accept="text/turtle", Host="evil.example"))
    assert list(other.objects(None, URIRef(VOID + "inDataset"))) == [dataset]
    other = _graph(_get(live, "/.well-known/void", Accept="text/turtle", Host="evil.example"))
    assert (dataset, RDF_TYPE, URIRef(VOID + "Dataset")) in other


def test_service_description_with_an_allow_list(config_path: Path) -> None:
    text = config_path.read_text(encoding="utf-8")
    allowed = config_path.with_name("museion-federated.toml")
    allowed.write_text(
        text + '\n[endpoint]\nservice_allowlist = ["http://127.0.0.1:9/sparql"]\n',
        encoding="utf-8",
    )
    with live_endpoint(allowed, "--query-processes", "1") as server:
        sd = _graph(_get(server, "/sparql", Accept="text/turtle"))
    assert URIRef(SD + "BasicFederatedQuery") in set(sd.objects(None, URIRef(SD + "feature")))


def test_void_counts_are_what_sparql_counts(live: Live) -> None:
    void = _graph(_get(live, "/.well-known/void", Accept="text/turtle"))
    meta = f"<{BASE}meta>"
    for source in ("tate", "cmoa"):
        dataset = URIRef(f"{BASE}dataset/{source}")
        # its record graphs, and the entity graph of what they share (an artist's names)
        records = (
            f"{{ GRAPH {meta} {{ ?g <{VOID}inDataset> <{dataset}> }} }} "
            f"UNION {{ VALUES ?g {{ <{BASE}graph/entities/{source}> }} }}"
        )
        [row] = _query(
            live,
            f"SELECT (COUNT(*) AS ?quads) WHERE {{ {records} GRAPH ?g {{ ?s ?p ?o }} }}",
        )
        quads = int(row["quads"])
        # Counted by the store, each term whole: "architecture"@fr and "architecture"@en
        # (a Tate subject's labels) are two triples, which their values alone are not.
        distinct = f"SELECT DISTINCT ?s ?p ?o WHERE {{ {records} GRAPH ?g {{ ?s ?p ?o }} }}"
        [row] = _query(live, f"SELECT (COUNT(*) AS ?n) WHERE {{ {distinct} }}")
        triples = int(row["n"])
        [count] = list(void.objects(dataset, URIRef(VOID + "triples")))
        assert int(str(count)) == triples, source
        assert triples == quads  # what records share is held once
        entities = {
            r["s"]
            for r in _query(
                live, f"SELECT DISTINCT ?s WHERE {{ {records} GRAPH ?g {{ ?s a ?class }} }}"
            )
            if _is_entity(r["s"])
        }
        [count] = list(void.objects(dataset, URIRef(VOID + "entities")))
        assert int(str(count)) == len(entities), source
        [row] = _query(
            live,
            f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH {meta} {{ ?g <{VOID}inDataset> "
            f"<{dataset}> }} }}",
        )
        assert len(entities) > int(row["n"])  # persons and concepts too, not one per record


def _is_entity(iri: str) -> bool:
    """Museion's minted entities, not the nodes inside them (``{object}/production``)."""
    if not iri.startswith(BASE):
        return False
    parts = iri[len(BASE) :].split("/")
    if len(parts) == 2:  # a partner, an aggregate
        return parts[0] in ("partner", "person", "group", "place")
    if len(parts) == 3:
        return parts[1] in ("object", "person", "group", "place", "set") or parts[0] == "concept"
    return len(parts) == 4 and parts[1] == "concept"


def test_the_void_link_opens_a_page(live: Live) -> None:
    page = _get(live, "/tate/object/T06803", Accept=BROWSER)
    assert 'href="/.well-known/void"' in page.text
    void = _get(live, "/.well-known/void", Accept=BROWSER)
    assert void.status_code == 200
    assert void.headers["Content-Type"].startswith("text/html")
    assert "attachment" not in void.headers.get("Content-Disposition", "")
    assert f'data-iri="{BASE}dataset/tate"' in void.text
    assert (
        _get(live, "/.well-known/void?format=ttl").headers["Content-Type"].startswith("text/turtle")
    )


def test_a_graph_iri_says_what_the_graph_is_and_how_to_list_it(live: Live) -> None:
    """Museion's own graphs (from a ``GRAPH ?g`` answer) were an empty 200."""
    for path, label in (
        ("/meta", "Museion's bookkeeping"),
        ("/vocabulary", "Museion's vocabulary terms"),
        ("/graph/reconciliation", "Persons, groups and places across partners"),
    ):
        answer = _get(live, path, Accept="text/turtle")
        assert answer.status_code == 200, path
        graph = Graph().parse(data=answer.text, format="turtle")
        subject = URIRef(BASE + path.lstrip("/"))
        labels = _tagged(graph, subject, RDFS.label)
        assert labels["en"] == label
        assert set(labels) == {"ar", "en", "fr"}  # a label in each of the pages' languages
        assert len(list(graph.objects(subject, RDFS.comment))) == 3
        (listing,) = graph.objects(subject, RDFS.seeAlso)
        rows = requests.get(str(listing).replace(BASE, live.url + "/", 1), timeout=60)
        assert rows.status_code == 200, rows.text
        assert rows.json()["results"]["bindings"], path  # it lists what the graph holds
        page = _get(live, path, Accept=BROWSER)
        assert label in html.unescape(page.text)


def _tagged(graph: Graph, subject: URIRef, predicate: URIRef) -> dict[str | None, str]:
    """The literals ``subject`` has for ``predicate``, by their language tag."""
    return {o.language: str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def _words(element: Any) -> str:
    return " ".join("".join(str(t) for t in element.itertext()).split())


OWN_GRAPHS = {
    "/meta": {
        "en": "Museion's bookkeeping",
        "fr": "Registres de Museion",
        "ar": "بيانات Museion الإدارية",
    },
    "/vocabulary": {
        "en": "Museion's vocabulary terms",
        "fr": "Termes du vocabulaire de Museion",
        "ar": "مصطلحات Museion",
    },
    "/graph/reconciliation": {
        "en": "Persons, groups and places across partners",
        "fr": "Personnes, groupes et lieux chez tous les partenaires",
        "ar": "الأشخاص والمجموعات والأماكن لدى جميع الشركاء",
    },
    "/graph/entities/tate": {
        "en": "What the records of Tate share",
        "fr": "Ce que partagent les notices de Tate",
        "ar": "ما تشترك فيه سجلات Tate",
    },
    "/graph/entities/cmoa": {
        "en": "What the records of Carnegie Museum of Art share",
        "fr": "Ce que partagent les notices de Carnegie Museum of Art",
        "ar": "ما تشترك فيه سجلات Carnegie Museum of Art",
    },
}
"""Each graph's heading; a source's entity graph is said by its partner's name (the config's
``[sources.partner] label``): it was said by the source's short name ("What the records of
cmoa share"), a name the partner pages never show but in a report's address."""


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_museion_s_own_graphs_are_headed_in_the_reader_s_language(live: Live, lang: str) -> None:
    """The page of one of Museion's own graphs was headed by its IRI, and said what the graph
    is in English only (its ``rdfs:label``, in the statements below): a French or Arabic
    reader got "Graphe de Museion" over ``https://…/meta``. It is headed, titled and
    explained in the reader's language, asked for by ``?lang`` or by ``Accept-Language``;
    its RDF says so in each language, tagged."""
    for path, labels in OWN_GRAPHS.items():
        turtle = _get(live, path, Accept="text/turtle").text
        graph = Graph().parse(data=turtle, format="turtle")
        subject = URIRef(BASE + path.lstrip("/"))
        tagged = _tagged(graph, subject, RDFS.label)
        assert tagged[lang] == labels[lang], path
        said = _tagged(graph, subject, RDFS.comment)
        for asked in ({"params": {"lang": lang}}, {"headers": {"Accept-Language": lang}}):
            headers = {"Accept": BROWSER, **asked.get("headers", {})}
            answer = requests.get(
                live.url + path, params=asked.get("params"), headers=headers, timeout=60
            )
            assert answer.status_code == 200, (path, answer.text)
            page = lxml_html.fromstring(answer.text)
            assert page.get("lang") == lang
            assert page.get("dir") == ("rtl" if lang == "ar" else "ltr")
            [heading] = page.cssselect("h1#label")
            assert _words(heading) == labels[lang], (path, asked)
            assert (page.findtext(".//title") or "").startswith(labels[lang] + " — ")
            [about] = page.cssselect("#about")  # what the graph holds, in the same language
            assert _words(about) == said[lang], (path, asked)
            # the source's short name stays in sight, beside its partner's name
            source = path.removeprefix("/graph/entities/") if "/entities/" in path else ""
            shown = [_words(p) for p in page.cssselect("#source")]
            assert shown == ([f"{i18n.translate('Source', lang)} {source}"] if source else [])


def test_a_statement_in_another_language_keeps_its_own_direction(live: Live) -> None:
    """The statements below a page are in any language (a graph's label in three): their
    literals were laid out in the page's direction, an Arabic sentence with a Latin name in it
    turned round on an English page ("… tate العبارات التي"). Each says its language."""
    for lang, other, direction in (("en", "ar", "rtl"), ("ar", "en", "auto")):
        answer = _get(live, f"/graph/entities/tate?lang={lang}", Accept=BROWSER)
        page = lxml_html.fromstring(answer.text)
        literals = page.cssselect("dl.node span.literal")
        shown = {_words(s): s.get("dir") for s in literals if s.get("lang") == other}
        assert shown[OWN_GRAPHS["/graph/entities/tate"][other]] == direction  # the label
        assert set(shown.values()) == {direction}  # and the comment


# -- the Linked Art profiles -----------------------------------------------------------------


def test_a_node_linked_art_only_embeds_is_answered_in_the_graph_profile(live: Live) -> None:
    """An object's image (its ``representation``) was served alone in the Linked Art profile,
    typed VisualItem with ``digitally_shown_by``, which no Linked Art API schema allows on a
    record of its own (image.json): 1,678 such documents failed. A node Linked Art only embeds
    is answered in the graph profile; a separate record (the visual content the object
    ``shows``) keeps the Linked Art profile."""
    path = "/tate/object/A00001"
    whole = _get(live, path + "?format=json-ld&profile=graph").json()
    node = whole["representation"][0]["id"]
    answer = _get(live, "/" + node.removeprefix(BASE), Accept="application/ld+json")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == f'application/ld+json;profile="{GRAPH}"'
    assert answer.json()["id"] == node
    shown = _get(live, path + "/visual-content", Accept="application/ld+json")
    assert shown.headers["Content-Type"] == f'application/ld+json;profile="{LINKED_ART}"'


def test_museion_own_resources_are_answered_in_the_graph_profile(live: Live) -> None:
    """A record, a dataset and a harvest run are Museion's own resources, not Linked Art
    entities (no Linked Art API schema describes one): they were served under the Linked Art
    profile all the same. Their document (the same in either) is named the graph profile."""
    [run] = _query(
        live, "SELECT ?run WHERE { ?run a <https://w3id.org/museion/ns#HarvestRun> } LIMIT 1"
    )
    for iri in (BASE + "tate/record/T06803", BASE + "dataset/tate", run["run"]):
        for headers in (
            {"Accept": "application/ld+json"},
            {"Accept": f'application/ld+json;profile="{LINKED_ART}"'},
        ):
            answer = _get(live, "/" + iri.removeprefix(BASE), **headers)
            assert answer.status_code == 200, iri
            assert answer.headers["Content-Type"] == f'application/ld+json;profile="{GRAPH}"', iri
            assert answer.json()["id"] == iri
    record = _get(live, "/tate/record/T06803", Accept="application/ld+json").json()
    assert "https://w3id.org/museion/ns#RecordGraph" in record["type"]
    entity = _get(live, "/tate/object/T06803", Accept="application/ld+json")
    assert entity.headers["Content-Type"] == f'application/ld+json;profile="{LINKED_ART}"'


def test_a_graph_iri_is_answered_in_the_graph_profile_with_its_turtle(live: Live) -> None:
    """A graph's IRI (``{base}meta``) has no class, so no Linked Art API document (every
    schema requires ``type``): it was served as one all the same, named the Linked Art profile,
    its English label and comment turned into plain texts. It is one of Museion's own
    resources: its document keeps what its Turtle says, language tags included."""
    context = {"@context": linked_art_context()["@context"]}
    for path in ("/meta", "/vocabulary", "/graph/reconciliation"):
        answer = _get(live, path, Accept="application/ld+json")
        assert answer.status_code == 200, path
        assert answer.headers["Content-Type"] == f'application/ld+json;profile="{GRAPH}"', path
        document = answer.json()
        document["@context"] = context["@context"]  # the bundled copy: no test goes online
        with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated API
            warnings.filterwarnings("ignore", ".*ConjunctiveGraph", DeprecationWarning)
            mine = Graph().parse(data=json.dumps(document), format="json-ld")
        turtle = Graph().parse(data=_get(live, path, Accept="text/turtle").text, format="turtle")
        assert set(mine) == set(turtle), path


def test_what_has_no_linked_art_document_advertises_only_the_graph_profile(live: Live) -> None:
    """A record, a dataset, a harvest run and a node Linked Art only embeds (an image) are
    answered in the graph profile however JSON-LD is asked for, yet their ``Link`` header and
    page advertised ``?format=jsonld`` as the Linked Art profile: a client that followed it got
    another profile than the one it was promised. Every advertised JSON-LD target is now
    served in the profile it is advertised with."""
    [run] = _query(
        live, "SELECT ?run WHERE { ?run a <https://w3id.org/museion/ns#HarvestRun> } LIMIT 1"
    )
    graph_only = ["/tate/record/T06803", "/dataset/tate", "/" + run["run"].removeprefix(BASE)]
    graph_only.append("/tate/object/T06803/image/1")
    for path in [*graph_only, "/tate/object/T06803"]:
        answer = _get(live, path, Accept="text/turtle")
        assert answer.status_code == 200, path
        advertised = re.findall(
            r'<([^>]+)>; rel="alternate"; type="application/ld\+json"; profile="([^"]+)"',
            answer.headers["Link"],
        )
        expected = {GRAPH} if path in graph_only else {GRAPH, LINKED_ART}
        assert {profile for _, profile in advertised} == expected, path
        for target, profile in advertised:
            served = _get(live, target, Accept="*/*")
            assert served.headers["Content-Type"] == f'application/ld+json;profile="{profile}"'
        page = html.unescape(_get(live, path + "?view=rdf", Accept=BROWSER).text)
        offered = f'application/ld+json;profile="{LINKED_ART}"\' href="?format=jsonld"'
        assert (offered in page) is (path not in graph_only), path
        assert (">JSON-LD (Linked Art)</a>" in page) is (path not in graph_only), path
        assert ">JSON-LD (graph)</a>" in page, path


def test_each_linked_art_profile_is_named_by_its_answer(live: Live) -> None:
    path = "/tate/object/T06803"
    asked = {
        "default": ({"Accept": "application/ld+json"}, ""),
        "linked-art": ({"Accept": f'application/ld+json;profile="{LINKED_ART}"'}, ""),
        "format": ({}, "?format=json-ld"),
        "graph": ({"Accept": f'application/ld+json;profile="{GRAPH}"'}, ""),
        "graph-param": ({}, "?format=json-ld&profile=graph"),
        "preferred": (
            {
                "Accept": f'application/ld+json;profile="{LINKED_ART}";q=0.5, '
                f'application/ld+json;profile="{GRAPH}"'
            },
            "",
        ),
    }
    for name, (headers, query) in asked.items():
        answer = _get(live, path + query, **headers)
        assert answer.status_code == 200, name
        graph = name.startswith("graph") or name == "preferred"
        profile = GRAPH if graph else LINKED_ART
        assert answer.headers["Content-Type"] == f'application/ld+json;profile="{profile}"', name
        assert "Accept" in answer.headers["Vary"]
        links = answer.headers["Link"]
        assert f'profile="{LINKED_ART}"' in links
        assert f'profile="{GRAPH}"' in links
        document = json.loads(answer.content)
        production = document["produced_by"]
        assert ("id" in production) is graph, name
    page = _get(live, path, Accept=BROWSER).text
    assert "?format=jsonld&amp;profile=graph" in page
    assert f"profile=&#34;{GRAPH}&#34;" in page or f'profile="{GRAPH}"' in page


def test_every_advertised_representation_is_served_as_advertised(live: Live) -> None:
    """RDF/XML was served (rdflib asks for it by default) but neither the Link header nor the
    page named it; the Link header's text/html target was the bare IRI, which answers Turtle
    to a client that sends Accept: */*; text/n3 got a 406, though Turtle is N3."""
    path = "/tate/object/T06803"
    answer = _get(live, path, Accept="text/turtle")
    advertised = re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', answer.headers["Link"])
    assert {kind for _, kind in advertised} >= {
        "text/html",
        "text/turtle",
        "application/n-triples",
        "application/rdf+xml",
        "application/ld+json",
    }
    for target, kind in advertised:
        served = _get(live, target.replace("&amp;", "&"), Accept="*/*")
        assert served.status_code == 200, target
        assert served.headers["Content-Type"].split(";")[0] == kind, target
    page = _get(live, path, Accept=BROWSER).text
    assert '<link rel="alternate" type="application/rdf+xml" href="?format=rdfxml">' in page
    n3 = _get(live, path, Accept="text/n3")
    assert n3.status_code == 200
    assert n3.headers["Content-Type"].startswith("text/turtle")


# -- rdflib's SPARQLStore ------------------------------------------------------------------------


def test_rdflib_sparqlstore_with_its_defaults(live: Live) -> None:
    graph = Graph(store=SPARQLStore(live.sparql))
    rows = list(graph.query(f"SELECT ?p ?o WHERE {{ <{OBJECT}> ?p ?o }}"))
    assert len(rows) > 5
    assert graph.query(f"ASK {{ <{OBJECT}> ?p ?o }}").askAnswer is True
    built = graph.query(f"CONSTRUCT {{ <{OBJECT}> ?p ?o }} WHERE {{ <{OBJECT}> ?p ?o }}")
    assert built.graph is not None
    assert len(built.graph) == len(rows)
    assert (URIRef(OBJECT), RDF_TYPE, None) in built.graph


def test_every_406_says_it_varies_by_accept(live: Live) -> None:
    """A 406 is a negotiated answer: another Accept gets another one (RFC 9110 §12.5.5), so it
    names Vary: Accept as the 200s do, and no cache hands it to a client that can read Turtle."""
    select = quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    xml = quote('SELECT ?x WHERE { BIND("a\\u0001b" AS ?x) }')
    for path, accept in (
        ("/tate/object/T06803", "image/png"),  # an entity
        (f"/sparql?query={select}", "image/png"),  # a query, refused in a query process
        (f"/sparql?query={xml}", "application/sparql-results+xml"),  # XML cannot carry it
        ("/sparql", "image/png"),  # the service description
        ("/.well-known/void", "image/png"),
    ):
        answer = _get(live, path, Accept=accept)
        assert answer.status_code == 406, (path, answer.status_code)
        assert "Accept" in answer.headers.get("Vary", ""), (path, answer.headers)


@pytest.mark.parametrize("asked", [BROWSER, "text/turtle"])
def test_a_partner_renamed_in_the_config_is_not_kept_from_before(
    live: Live, config_path: Path, asked: str
) -> None:
    """A source's entity graph is said by its partner's name from the config, not from the
    snapshot: renamed there (and the server restarted), the page and its RDF say the new
    name, and a copy kept from before must not be revalidated as it was, though no new
    snapshot was published."""
    path = "/graph/entities/tate"
    first = _get(live, path, Accept=asked)
    assert first.status_code == 200
    assert "What the records of Tate share" in first.text
    renamed = config_path.with_name("museion-renamed.toml")
    text = config_path.read_text(encoding="utf-8")
    assert text.count('label = "Tate"') == 1
    renamed.write_text(text.replace('label = "Tate"', 'label = "Tate Britain"'), encoding="utf-8")
    with live_endpoint(renamed, "--query-processes", "1") as server:
        again = _get(server, path, Accept=asked, **{"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 200
        assert "What the records of Tate Britain share" in again.text
        tag = again.headers["ETag"]
        assert _get(server, path, Accept=asked, **{"If-None-Match": tag}).status_code == 304
