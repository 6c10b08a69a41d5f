"""What the endpoint serves beside SPARQL: the reconciliation service (OpenRefine), partner
reports, and redirects for retired aggregate IRIs — through a live ``museion serve``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from lxml import html
from pyoxigraph import NamedNode, Quad

from museion import Workspace, load_config
from museion_core.vocab import MUSEION, RDF
from publish import meta_graph
from tests.helpers.endpoint import (
    Live,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)

BASE = "https://data.example.org/"
REPLACED_BY = NamedNode("http://purl.org/dc/terms/isReplacedBy")
CRM = "http://www.cidoc-crm.org/cidoc-crm/"


def picasso_aggregate(config_path: Path) -> str:
    config = load_config(config_path)
    store = Workspace(config.data_dir).open_published()
    [row] = store.select(
        f"SELECT ?a WHERE {{ ?a a <{MUSEION.Aggregate.value}> ; "
        f'<http://www.w3.org/2000/01/rdf-schema#label> "Pablo Picasso" }}'
    )
    store.close()
    return str(row["a"])


def _retire(config_path: Path, old: str, targets: list[str]) -> None:
    """What a merge (one target) or a split (several) of aggregates leaves in the metadata."""
    config = load_config(config_path)
    workspace = Workspace(config.data_dir)
    store = workspace.open_writer()
    meta = meta_graph(config.base_iri)
    node = NamedNode(old)
    quads = [Quad(node, RDF.type, MUSEION.Redirect, meta)]
    quads += [Quad(node, REPLACED_BY, NamedNode(t), meta) for t in targets]
    store.replace_subjects(meta, [node], quads)
    workspace.publish(store)
    store.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = write_two_partner_config(tmp_path_factory.mktemp("services"))
    harvest_and_publish(load_config(path))
    picasso = picasso_aggregate(path)
    _retire(path, f"{BASE}person/merged-away", [picasso])
    _retire(path, f"{BASE}person/split-up", [picasso, f"{BASE}tate/person/1767"])
    with live_endpoint(path, "--query-processes", "2") as server:
        yield server


def test_the_reconciliation_manifest(live: Live) -> None:
    response = requests.get(live.url + "/reconcile", timeout=30)
    assert response.status_code == 200
    manifest = response.json()
    assert (manifest["identifierSpace"], manifest["schemaSpace"]) == (BASE, CRM)
    assert {t["id"] for t in manifest["defaultTypes"]} >= {f"{CRM}E21_Person"}


def test_an_openrefine_batch_with_a_type_filter(live: Live) -> None:
    queries = {
        "q0": {"query": "Picasso, Pablo", "type": f"{CRM}E21_Person", "limit": 3},
        "q1": {"query": "Guerrilla Girls", "type": f"{CRM}E74_Group"},
        "q2": {"query": "Picasso", "type": f"{CRM}E53_Place"},
    }
    response = requests.post(
        live.url + "/reconcile",
        data={"queries": json.dumps(queries)},
        headers={"Origin": "http://127.0.0.1:3333"},  # OpenRefine, in a partner's browser
        timeout=30,
    )
    assert response.status_code == 200, response.text
    answers = response.json()
    [best, *_] = answers["q0"]["result"]
    assert best["name"] == "Pablo Picasso"
    assert best["id"].startswith(f"{BASE}person/")
    assert best["score"] > 0
    assert all(c["type"][0]["id"] == f"{CRM}E21_Person" for c in answers["q0"]["result"])
    assert answers["q1"]["result"][0]["name"] == "Guerrilla Girls"
    assert answers["q2"]["result"] == []  # no place is called Picasso
    assert response.headers["access-control-allow-origin"] == "*"


def test_partner_reports_are_served(live: Live) -> None:
    index = requests.get(live.url + "/sources/", timeout=30)
    assert index.status_code == 200
    links = {a.get("href") for a in html.fromstring(index.text).iter("a")}
    assert {"/sources/cmoa", "/sources/tate", "/partner/cmoa", "/partner/tate"} <= links
    page = requests.get(live.url + "/sources/tate", timeout=30)
    assert page.status_code == 200
    document = html.fromstring(page.text)
    assert document.xpath("string(//h1)") == "Tate"  # the name in its <bdi>
    charts = [e for e in document.iter("ul") if e.get("class") == "chart"]
    assert len(charts) == 2  # field coverage, Object ID
    assert len(document.findall(".//svg")) == 1  # runs
    data = requests.get(live.url + "/sources/tate", params={"format": "json"}, timeout=30)
    assert data.json()["counts"]["new"] == 36
    assert data.json()["object_id"]["elements_total"] == 10
    assert requests.get(live.url + "/sources/nowhere", timeout=30).status_code == 404


def _text(element: html.HtmlElement) -> str:
    return str(html.tostring(element, method="text", encoding="unicode")).strip()


@pytest.mark.parametrize(
    ("lang", "heading", "counts"),
    [
        ("fr", "Ce que sont devenues vos notices", ["lues", "nouvelles", "en quarantaine"]),
        ("ar", "ما الذي جرى لسجلاتك", ["مقروءة", "جديدة", "في الحجر"]),
    ],
)
def test_a_partner_report_is_in_the_reader_s_language(
    live: Live, lang: str, heading: str, counts: list[str]
) -> None:
    """It was the English page the harvest wrote, whatever language the site was read in."""
    page = requests.get(
        live.url + "/sources/tate", headers={"Accept-Language": lang}, timeout=30
    ).text
    document = html.fromstring(page)
    assert document.get("lang") == lang
    assert document.get("dir") == ("rtl" if lang == "ar" else "ltr")
    assert heading in [_text(h) for h in document.iter("h2")]
    labels = [_text(c) for c in document.iter("div") if c.get("class") == "count"]
    for label in counts:
        assert any(text.endswith(label) for text in labels), (label, labels)
    english = ("What happened to your records", "Records held for this source", "Runs")
    assert not [text for text in english if text in page]
    # What Museion says in English (a warning, a reason) is marked as English.
    marked = [td.get("lang") for td in document.iter("td") if td.get("dir") == "ltr"]
    assert set(marked) <= {"en", None}


def test_a_merged_aggregate_redirects_and_a_split_one_offers_its_parts(live: Live) -> None:
    merged = requests.get(
        live.url + "/person/merged-away",
        allow_redirects=False,
        timeout=30,
        headers={"Accept": "text/turtle"},
    )
    assert merged.status_code == 308
    assert merged.headers["location"].startswith("/person/")
    # asked again before reuse: a reviewed merge can be undone, and a cache keeps a 308
    assert merged.headers["cache-control"] == "public, no-cache"
    followed = requests.get(
        live.url + "/person/merged-away", headers={"Accept": "text/turtle"}, timeout=30
    )
    assert followed.status_code == 200
    assert "Pablo Picasso" in followed.text
    split = requests.get(
        live.url + "/person/split-up",
        allow_redirects=False,
        timeout=30,
        headers={"Accept": "text/html"},
    )
    assert split.status_code == 300
    assert split.headers["cache-control"] == "public, no-cache"
    links = {a.get("href") for a in html.fromstring(split.text).iter("a")}
    assert "/tate/person/1767" in links
    assert len(links) == 2
