"""The reconciliation service over HTTP, as OpenRefine and other clients call it: the real
``/reconcile`` route of a live ``museion serve``, every answer validated against the published
JSON Schemas of the version it claims (0.2 at ``/reconcile``, the 1.0 draft at
``/reconcile/v1``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from museion import load_config
from sparql.reconciliation import Condition, _agrees
from sparql.reconciliation_index import Entry
from tests.helpers.endpoint import (
    Live,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)
from tests.helpers.schemas import validate

BASE = "https://data.example.org/"
CRM = "http://www.cidoc-crm.org/cidoc-crm/"
PERSON = CRM + "E21_Person"
PLACE = CRM + "E53_Place"
V02 = "reconciliation/0.2"
V1 = "reconciliation/1.0-draft"
OPENREFINE = {"Origin": "http://127.0.0.1:3333"}
"""OpenRefine runs on the partner's machine and calls the service from its browser page."""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = write_two_partner_config(tmp_path_factory.mktemp("reconcile"), BASE, wikidata=True)
    harvest_and_publish(load_config(path))
    with live_endpoint(path, "--query-processes", "2") as server:
        yield server


def _valid(folder: str, schema: str, answer: object) -> Any:
    errors = validate(folder, schema, answer)
    assert not errors, "\n".join(errors)
    return answer


def _get(live: Live, path: str, **params: str) -> Any:
    response = requests.get(
        f"{live.url}/reconcile{path}", params=params, headers=OPENREFINE, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.json()


def _post(live: Live, path: str, **kwargs: Any) -> Any:
    response = requests.post(f"{live.url}/reconcile{path}", timeout=30, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def test_each_version_has_a_manifest_valid_for_it(live: Live) -> None:
    v02 = _valid(V02, "manifest.json", _get(live, ""))
    assert v02["versions"] == ["0.2"]
    assert v02["identifierSpace"] == BASE
    assert {t["id"] for t in v02["defaultTypes"]} >= {PERSON, PLACE}
    assert "{{id}}" in v02["preview"]["url"]
    assert v02["extend"]["propose_properties"]["service_path"] == "/propose_properties"
    v1 = _valid(V1, "manifest.json", _get(live, "/v1"))
    assert v1["versions"] == ["1.0-draft"]
    assert v1["suggest"] == {"entity": True, "type": True, "property": True}
    assert v1["extend"]["proposeProperties"] is True
    # neither manifest passes the other version's schema: each declares only what it serves
    assert validate(V1, "manifest.json", v02)
    assert validate(V02, "manifest.json", v1)


def test_an_openrefine_0_2_batch_with_a_type_filter(live: Live) -> None:
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
    _valid(V02, "reconciliation-query-batch.json", queries)
    results = _post(live, "", data={"queries": json.dumps(queries)})
    _valid(V02, "reconciliation-result-batch.json", results)
    assert set(results) == {"q0", "q1", "q2", "q3"}
    [picasso, *others] = results["q0"]["result"]
    assert len(others) <= 2
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
    assert _get(live, "", queries=json.dumps(queries)) == results


def test_a_contradicting_property_lowers_the_score(live: Live) -> None:
    queries = {"q0": {"query": "Pablo Picasso", "properties": [{"pid": "birth_year", "v": 1901}]}}
    [best, *_] = _post(live, "", data={"queries": json.dumps(queries)})["q0"]["result"]
    assert best["score"] == 70
    assert best["match"] is False


def test_a_year_from_a_number_cell_is_read_as_the_year(live: Live) -> None:
    """OpenRefine sends a spreadsheet's number cell as a JSON number with a fraction
    (``1881.0``): such a birth year was read as no year at all, neither agreeing with Picasso's
    nor contradicting another's."""
    for value, agrees in ((1881.0, True), ("1881.0", True), (1901.0, False), ("1881.5", None)):
        year = [{"pid": "birth_year", "v": value}]
        queries = {"q0": {"query": "Pablo Picasso", "properties": year}}
        [best, *_] = _post(live, "", data={"queries": json.dumps(queries)})["q0"]["result"]
        assert best["name"] == "Pablo Picasso"
        said = [f["value"] for f in best["features"] if f["id"] == "birth_year"]
        assert said == ([] if agrees is None else [agrees]), value
        assert best["score"] == {True: 100, False: 70, None: 100}[agrees], value


@pytest.mark.parametrize(
    ("given", "agrees"),
    [
        ("http://vocab.getty.edu/ulan/500009666", True),
        ("http://vocab.getty.edu/page/ulan/500009666", True),  # ULAN's web page
        ("ulan:500009666", True),
        ("Q5593", True),  # a column OpenRefine reconciled against Wikidata
        ("https://www.wikidata.org/wiki/Q5593", True),
        ("http://www.wikidata.org/entity/Q1", False),
        ("500009666", False),  # no authority named: not read as ULAN's
    ],
)
def test_an_authority_is_matched_in_any_of_its_forms(given: str, agrees: bool) -> None:
    """An ``authority`` property agreed only when it was the entity IRI itself: Picasso's ULAN
    web page, its CURIE and the Wikidata item of a reconciled column each contradicted him
    (30 off his score). No sample aggregate cites an authority, so this is the scoring alone."""
    picasso = Entry(f"{BASE}person/x", PERSON, "Pablo Picasso")
    picasso.authorities |= {
        "http://vocab.getty.edu/ulan/500009666",
        "http://www.wikidata.org/entity/Q5593",
    }
    assert _agrees(Condition("authority", (given,)), picasso) is agrees


def test_a_partner_is_known_by_its_source_name_iri_and_wikidata_item(live: Live) -> None:
    """A ``partner`` property agreed only when its value folded to the partner's label, so
    "cmoa" (the source's name), the partner's IRI and the Wikidata item of a column OpenRefine
    reconciled there (``{"id": "Q1043967", "name": "Carnegie Museum of Art"}``) each counted
    as a contradiction: 30 off the score of the right person."""
    agreeing = [
        "Carnegie Museum of Art",
        "cmoa",
        f"{BASE}partner/cmoa",
        {"id": "Q1043967", "name": "Carnegie Museum of Art"},
        {"id": "http://www.wikidata.org/entity/Q1043967"},
        [{"id": "Q430682", "name": "Tate"}],
    ]
    for value in [*agreeing, "Louvre", {"id": "Q19675", "name": "Louvre"}]:
        queries = {"q0": {"query": "Pablo Picasso", "properties": [{"pid": "partner", "v": value}]}}
        _valid(V02, "reconciliation-query-batch.json", queries)
        [best, *_] = _post(live, "", data={"queries": json.dumps(queries)})["q0"]["result"]
        assert best["name"] == "Pablo Picasso"
        agrees = value in agreeing
        assert {"id": "partner", "name": "partner", "value": agrees} in best["features"], value
        assert best["score"] == (100 if agrees else 70), value


def test_a_name_of_another_person_is_no_close_candidate(live: Live) -> None:
    """The service matches by the reconcile stage's name rules: "Paloma Picasso" shares a
    surname with Pablo, but a different given name is another person (word likeness alone
    put him at 89)."""
    queries = {"q0": {"query": "Paloma Picasso", "type": PERSON}}
    found = _post(live, "", data={"queries": json.dumps(queries)})["q0"]["result"]
    pablo = [c for c in found if c["name"] == "Pablo Picasso"]
    assert pablo
    assert pablo[0]["score"] <= 60
    assert not pablo[0]["match"]


def test_a_1_0_draft_batch_with_conditions(live: Live) -> None:
    body = {
        "queries": [
            {
                "type": PERSON,
                "limit": 1,
                "conditions": [{"matchType": "name", "propertyValue": "Frank Stella"}],
            },
            {
                "conditions": [
                    {"matchType": "name", "propertyValue": "Pablo Picasso"},
                    {
                        "matchType": "property",
                        "propertyId": "birth_year",
                        "propertyValue": 1901,
                        "required": True,
                    },
                ]
            },
            {
                "conditions": [
                    {"matchType": "name", "propertyValue": "Picasso"},
                    {"matchType": "property", "propertyId": "birth_year", "propertyValue": 1881},
                ]
            },
        ]
    }
    _valid(V1, "reconciliation-query-batch.json", body)
    answer = _valid(V1, "reconciliation-result-batch.json", _post(live, "/v1/match", json=body))
    stella, required, picasso = answer["results"]
    [candidate] = stella["candidates"]
    assert candidate["name"] == "Frank Stella"
    assert candidate["type"] == [{"id": PERSON, "name": "Person"}]
    # a required condition that no Picasso meets leaves no candidate
    assert required["candidates"] == []
    best = picasso["candidates"][0]
    assert best["name"] == "Pablo Picasso"
    assert {"id": "birth_year", "name": "birth year", "value": True} in best["features"]
    # an id condition restricts the candidates to that entity
    by_id = {"queries": [{"conditions": [{"matchType": "id", "propertyValue": best["id"]}]}]}
    [only] = _post(live, "/v1/match", json=by_id)["results"][0]["candidates"]
    assert only["id"] == best["id"]


@pytest.mark.parametrize(("version", "folder"), [("", V02), ("/v1", V1)])
def test_suggest_honours_prefix_type_cursor_and_limit(
    live: Live, version: str, folder: str
) -> None:
    found = _valid(
        folder,
        "suggest-entities-response.json",
        _get(live, f"{version}/suggest/entity", prefix="gue"),
    )
    names = [r["name"] for r in found["result"]]
    assert "Guerrilla Girls" in names
    assert "Philip Guston" not in names
    every = _get(live, f"{version}/suggest/entity", prefix="", limit="100")["result"]
    assert len(every) > 20
    assert _get(live, f"{version}/suggest/entity", prefix="")["result"] == every[:20]
    two = _get(live, f"{version}/suggest/entity", prefix="", limit="2")["result"]
    assert two == every[:2]
    page = _get(live, f"{version}/suggest/entity", prefix="", cursor="2", limit="2")
    assert page["result"] == every[2:4]
    places = _get(live, f"{version}/suggest/entity", prefix="p", type="place")["result"]
    assert places
    assert all(p["notable"] == [{"id": PLACE, "name": "Place"}] for p in places)
    props = _valid(
        folder,
        "suggest-properties-response.json",
        _get(live, f"{version}/suggest/property", prefix="birth"),
    )
    assert {p["id"] for p in props["result"]} == {
        "birth_date",
        "birth_year",
        "birth_place",
    }
    types = _valid(
        folder, "suggest-types-response.json", _get(live, f"{version}/suggest/type", prefix="pe")
    )
    assert types["result"] == [{"id": PERSON, "name": "Person"}]


def test_preview(live: Live) -> None:
    [first] = [
        r
        for r in _get(live, "/suggest/entity", prefix="guerrilla")["result"]
        if r["name"] == "Guerrilla Girls"
    ]
    page = requests.get(f"{live.url}/reconcile/preview", params={"id": first["id"]}, timeout=30)
    assert page.status_code == 200
    assert "Guerrilla Girls" in page.text
    missing = requests.get(f"{live.url}/reconcile/v1/preview", params={"id": "x"}, timeout=30)
    assert missing.status_code == 404


def _picasso(live: Live) -> str:
    [hit] = _get(live, "/suggest/entity", prefix="pablo picasso")["result"]
    return str(hit["id"])


def test_data_extension_in_0_2(live: Live) -> None:
    proposal = _valid(
        V02,
        "data-extension-property-proposal.json",
        _get(live, "/propose_properties", type=PERSON),
    )
    offered = {p["id"] for p in proposal["properties"]}
    assert {"birth_date", "death_date", "birth_place", "authority"} <= offered
    place_props = {p["id"] for p in _get(live, "/propose_properties", type="place")["properties"]}
    assert "birth_date" not in place_props
    assert "authority" in place_props
    picasso = _picasso(live)
    request = {
        "ids": [picasso, f"{BASE}person/nobody"],
        "properties": [{"id": p} for p in ("birth_date", "birth_year", "birth_place", "partner")],
    }
    _valid(V02, "data-extension-query.json", request)
    answer = _valid(
        V02, "data-extension-response.json", _post(live, "", data={"extend": json.dumps(request)})
    )
    assert [m["id"] for m in answer["meta"]] == [
        "birth_date",
        "birth_year",
        "birth_place",
        "partner",
    ]
    row = answer["rows"][picasso]
    assert row["birth_date"] == [{"str": "1881"}]  # the partners give the year only
    assert row["birth_year"] == [{"int": 1881}]
    # each partner's Málaga, as the aggregate place it belongs to
    places = row["birth_place"]
    assert places
    assert all(p["id"].startswith(f"{BASE}place/") for p in places)
    assert all("Málaga" in p["name"] for p in places)
    assert {v["str"] for v in row["partner"]} == {"Tate", "Carnegie Museum of Art"}
    assert answer["rows"][f"{BASE}person/nobody"]["birth_date"] == []


def test_data_extension_in_the_1_0_draft(live: Live) -> None:
    proposal = _valid(
        V1,
        "data-extension-property-proposal.json",
        _get(live, "/v1/extend/propose", type=PERSON, limit="3"),
    )
    assert len(proposal["properties"]) == 3
    picasso = _picasso(live)
    request = {"ids": [picasso], "properties": [{"id": "death_date"}, {"id": "partner_record"}]}
    answer = _valid(V1, "data-extension-response.json", _post(live, "/v1/extend", json=request))
    [row] = answer["rows"]
    assert row["id"] == picasso
    values = {p["id"]: p["values"] for p in row["properties"]}
    assert values["death_date"] == [{"str": "1973"}]
    records = {v["id"] for v in values["partner_record"]}
    assert any(r.startswith(f"{BASE}tate/person/") for r in records)
    assert any(r.startswith(f"{BASE}cmoa/person/") for r in records)


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        ("", {"data": {"queries": "{not json"}}),
        ("", {"data": {"queries": json.dumps({"q0": {"query": "x", "limit": -1}})}}),
        # matching costs time in the text's length: 50 queries of 3,000 words took 24 s of CPU
        ("", {"data": {"queries": json.dumps({"q0": {"query": "Artist " * 300}})}}),
        (
            "/v1/match",
            {
                "json": {
                    "queries": [
                        {"conditions": [{"matchType": "name", "propertyValue": ["a"] * 101}]}
                    ]
                }
            },
        ),
        # not JSON, though Python reads them: each reached int() as a limit and answered 500
        ("", {"data": {"queries": '{"q0": {"query": "x", "limit": 1e400}}'}}),
        ("", {"data": {"queries": '{"q0": {"query": "x", "limit": NaN}}'}}),
        ("", {"data": {"queries": '{"q0": {"query": "x", "limit": Infinity}}'}}),
        ("", {"data": {"extend": json.dumps({"ids": ["x"], "properties": [{"id": "nope"}]})}}),
        ("/v1/match", {"json": {"queries": [{"conditions": []}]}}),
        ("/v1/match", {"json": {"queries": [{"conditions": [{"matchType": "x"}]}]}}),
        (
            "/v1/match",
            {
                "data": "[" * 100_000 + "]" * 100_000,
                "headers": {"Content-Type": "application/json"},
            },
        ),
        ("/v1/extend", {"json": {"ids": "x"}}),
    ],
)
def test_bad_requests_are_400_with_a_reason(live: Live, path: str, kwargs: dict[str, Any]) -> None:
    bad = requests.post(f"{live.url}/reconcile{path}", timeout=30, **kwargs)
    assert bad.status_code == 400, bad.text
    assert bad.json()["error"]


@pytest.mark.parametrize("param", ["limit", "cursor"])
def test_a_suggest_number_that_is_no_number_is_400(live: Live, param: str) -> None:
    """ "²" is a digit to ``str.isdigit`` and not to ``int``: it answered 500."""
    bad = requests.get(
        f"{live.url}/reconcile/suggest/entity", params={"prefix": "a", param: "²"}, timeout=30
    )
    assert bad.status_code == 400, bad.text
    assert "must be a non-negative integer" in bad.json()["error"]
