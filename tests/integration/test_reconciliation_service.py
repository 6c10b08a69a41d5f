"""The reconciliation service over HTTP, as OpenRefine calls it.

A real WSGI server (``sparql.reconciliation_wsgi`` under the standard library's wsgiref) on
127.0.0.1 serves a published store; requests go through ``requests`` the way OpenRefine sends
them: the manifest by GET, then form-encoded ``queries={...}`` batches with a type filter.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import requests

from museion import Pipeline, Workspace, load_config
from sparql import ReconciliationService, make_wsgi_app
from tests.conftest import BASE, DATA, files_source

FEEDS = DATA / "feeds"
PERSON = "http://www.cidoc-crm.org/cidoc-crm/E21_Person"
PLACE = "http://www.cidoc-crm.org/cidoc-crm/E53_Place"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def service_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory: Path = tmp_path_factory.mktemp("service")
    text = f'[store]\npath = "store"\n[publish]\nbase_iri = "{BASE}"\n'
    for source in (
        files_source("tate", FEEDS / "tate", "tate", label="Tate"),
        files_source("cmoa", FEEDS / "cmoa", "cmoa", label="Carnegie Museum of Art"),
    ):
        text += "\n[[sources]]\n" + source + "\n"
    (directory / "museion.toml").write_text(text, encoding="utf-8")
    config = load_config(directory / "museion.toml")
    Pipeline(config).harvest()
    store = Workspace(config.data_dir).open_published()
    service = ReconciliationService(store, BASE)
    server: WSGIServer = make_server("127.0.0.1", 0, make_wsgi_app(service), handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/reconcile"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        store.close()


def test_manifest(service_url: str) -> None:
    response = requests.get(service_url, timeout=10)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    manifest = response.json()
    assert "0.2" in manifest["versions"]
    assert manifest["identifierSpace"] == BASE
    assert {t["id"] for t in manifest["defaultTypes"]} >= {PERSON, PLACE}
    assert "{{id}}" in manifest["preview"]["url"]


def test_an_openrefine_query_batch_with_a_type_filter(service_url: str) -> None:
    queries = {
        "q0": {"query": "Picasso, Pablo", "type": PERSON, "limit": 3, "type_strict": "should"},
        "q1": {
            "query": "Kitaj R B",
            "type": PERSON,
            "properties": [{"pid": "birth_year", "v": "1932"}],
        },
        "q2": {"query": "Guerrilla Girls", "type": PERSON},
        "q3": {"query": "Pittsburgh, Pennsylvania", "type": "place"},
    }
    response = requests.post(service_url, data={"queries": json.dumps(queries)}, timeout=10)
    assert response.status_code == 200, response.text
    results = response.json()
    assert set(results) == {"q0", "q1", "q2", "q3"}
    [picasso, *_] = results["q0"]["result"]
    assert picasso["id"].startswith(f"{BASE}person/")
    assert picasso["name"] == "Pablo Picasso"
    assert picasso["match"] is True
    assert picasso["score"] == 100
    assert picasso["type"] == [{"id": PERSON, "name": "Person"}]
    assert "Carnegie Museum of Art" in picasso["description"]
    kitaj = results["q1"]["result"][0]
    assert kitaj["name"] in ("R. B. Kitaj", "R.B. Kitaj")
    assert kitaj["match"]
    assert {"id": "birth_year", "name": "birth year", "value": True} in kitaj["features"]
    # the type filter: the Guerrilla Girls are a group, so a person query finds no match
    assert all(c["type"][0]["id"] == PERSON for c in results["q2"]["result"])
    assert not any(c["name"] == "Guerrilla Girls" for c in results["q2"]["result"])
    assert all(c["type"][0]["id"] == PLACE for c in results["q3"]["result"])
    # the same batch by GET, as older clients send it
    again = requests.get(service_url, params={"queries": json.dumps(queries)}, timeout=10)
    assert again.json() == results


def test_a_contradicting_property_lowers_the_score(service_url: str) -> None:
    queries = {"q0": {"query": "Pablo Picasso", "properties": [{"pid": "birth_year", "v": 1901}]}}
    [best, *_] = requests.post(
        service_url, data={"queries": json.dumps(queries)}, timeout=10
    ).json()["q0"]["result"]
    assert best["score"] == 70
    assert best["match"] is False


def test_a_json_batch_of_the_1_0_draft(service_url: str) -> None:
    body = {"queries": [{"query": "Frank Stella", "type": "person", "limit": 1}]}
    response = requests.post(service_url, json=body, timeout=10)
    [result] = response.json()["results"]
    [candidate] = result["candidates"]
    assert candidate["name"] == [{"str": "Frank Stella"}]


def test_suggest_and_preview(service_url: str) -> None:
    found = requests.get(f"{service_url}/suggest/entity", params={"prefix": "gue"}, timeout=10)
    names = [r["name"] for r in found.json()["result"]]
    assert "Guerrilla Girls" in names
    assert "Philip Guston" not in names
    props = requests.get(f"{service_url}/suggest/property", params={"prefix": "birth"}, timeout=10)
    assert [p["id"] for p in props.json()["result"]] == ["birth_year"]
    [first] = [r for r in found.json()["result"] if r["name"] == "Guerrilla Girls"]
    page = requests.get(f"{service_url}/preview", params={"id": first["id"]}, timeout=10)
    assert page.status_code == 200
    assert "Guerrilla Girls" in page.text
    assert requests.get(f"{service_url}/preview", params={"id": "x"}, timeout=10).status_code == 404


def test_bad_requests_are_400_with_a_reason(service_url: str) -> None:
    bad = requests.post(service_url, data={"queries": "{not json"}, timeout=10)
    assert bad.status_code == 400
    assert "error" in bad.json()
    wrong = requests.post(service_url, data={"queries": json.dumps({"q0": "text"})}, timeout=10)
    assert wrong.status_code == 400
    odd = requests.post(service_url, data=b"x", headers={"Content-Type": "text/plain"}, timeout=10)
    assert odd.status_code == 415
