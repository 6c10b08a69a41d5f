"""The search and a checklist answer ``Accept`` as an object's IRI does, over real HTTP
against a live ``museion serve``: a script that asks for JSON (or a checklist's Linked Art
set) by its header gets it, not the page; a browser, curl and a client that sends no
``Accept`` still get the page; and each answer says ``Vary: Accept``, so that a cache does not
hand the page to a script or the JSON to a browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.helpers.endpoint import Live, live_endpoint, published_two_partner_config

TATE = "https://data.example.org/tate/object/T06803"
CHROMIUM = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CURL = "*/*"
PAGES = {"Chromium": CHROMIUM, "Firefox": FIREFOX, "curl": CURL, "none": None}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    config = published_two_partner_config(tmp_path_factory.mktemp("page-negotiation"))
    with live_endpoint(config, "--query-processes", "1") as server:
        yield server


@pytest.fixture(scope="module")
def checklist(live: Live) -> str:
    r = requests.post(live.url + "/checklists/", json={"name": "Picasso"}, timeout=30)
    assert r.status_code == 201, r.text
    ident: str = r.json()["id"]
    added = requests.post(
        f"{live.url}/checklists/{ident}", json={"action": "add", "object_iri": TATE}, timeout=30
    )
    assert added.status_code == 200, added.text
    return ident


def _get(url: str, accept: str | None) -> requests.Response:
    session = requests.Session()
    if accept is None:  # requests sends "*/*" unless told to send none
        del session.headers["Accept"]
    headers = {} if accept is None else {"Accept": accept}
    return session.get(url, headers=headers, timeout=30)


def _varies_by_accept(r: requests.Response) -> bool:
    return "accept" in [v.strip().lower() for v in r.headers.get("Vary", "").split(",")]


@pytest.mark.parametrize("client", PAGES)
def test_browsers_and_curl_get_the_search_page(live: Live, client: str) -> None:
    r = _get(live.url + "/search?q=picasso", PAGES[client])
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html"), client
    assert _varies_by_accept(r), r.headers.get("Vary")


def test_search_answers_json_to_a_script_that_asks_for_it(live: Live) -> None:
    r = _get(live.url + "/search?q=picasso", "application/json")
    assert r.headers["Content-Type"] == "application/json", r.text[:200]
    assert r.json()["total"] >= 1
    assert _varies_by_accept(r)
    assert r.json() == _get(live.url + "/search?q=picasso&format=json", None).json()
    # a mistake in the form is said as JSON to a script too
    bad = _get(live.url + "/search?q=picasso&page=zero", "application/json")
    assert bad.status_code == 400
    assert "error" in bad.json()
    # what the search has no answer in is refused, naming what it has
    refused = _get(live.url + "/search?q=picasso", "text/turtle")
    assert refused.status_code == 406
    assert "application/json" in refused.text
    assert _varies_by_accept(refused)


@pytest.mark.parametrize("client", PAGES)
def test_browsers_and_curl_get_the_checklist_page(live: Live, checklist: str, client: str) -> None:
    for path in (f"/checklists/{checklist}", "/checklists/"):
        r = _get(live.url + path, PAGES[client])
        assert r.status_code == 200
        assert r.headers["Content-Type"].startswith("text/html"), (client, path)
        assert _varies_by_accept(r), r.headers.get("Vary")


def test_a_checklist_answers_json_and_linked_art_to_a_script(live: Live, checklist: str) -> None:
    url = f"{live.url}/checklists/{checklist}"
    as_json = _get(url, "application/json")
    assert as_json.headers["Content-Type"] == "application/json"
    assert [i["iri"] for i in as_json.json()["items"]] == [TATE]
    assert _varies_by_accept(as_json)
    linked_art = _get(url, "application/ld+json")
    assert linked_art.headers["Content-Type"] == "application/ld+json"
    assert _varies_by_accept(linked_art)
    assert linked_art.json() == _get(url + ".jsonld", None).json()  # the export, by its header
    assert linked_art.json()["@graph"][0]["type"] == "Set"
    # a Linked Art client's header, profile and all
    profiled = 'application/ld+json;profile="https://linked.art/ns/v1/linked-art.json"'
    assert _get(url, profiled).json() == linked_art.json()
    listed = _get(live.url + "/checklists/", "application/json")
    assert checklist in [c["id"] for c in listed.json()]
    assert _varies_by_accept(listed)


def test_no_representation_shares_another_s_validators(live: Live, checklist: str) -> None:
    """A cache keys by ``Vary``; an entity tag must differ per representation too, or a
    conditional request for the JSON is answered 304 with the page's tag."""
    for url in (live.url + "/search?q=picasso", f"{live.url}/checklists/{checklist}"):
        tags = [_get(url, accept).headers.get("ETag") for accept in (CHROMIUM, "application/json")]
        given = [t for t in tags if t is not None]
        assert len(set(given)) == len(given), (url, tags)


def test_a_checklist_s_error_varies_by_accept(live: Live) -> None:
    """A missing checklist is a 404, which a cache may keep without being told to: said as
    JSON to a script and as a page to a browser, each must say ``Vary: Accept``, or a cache
    hands the browser the script's JSON."""
    url = live.url + "/checklists/no-such-checklist"
    as_json = _get(url, "application/json")
    assert as_json.status_code == 404
    assert as_json.headers["Content-Type"] == "application/json"
    assert _varies_by_accept(as_json), as_json.headers.get("Vary")
    page = _get(url, FIREFOX)
    assert page.status_code == 404
    assert page.headers["Content-Type"].startswith("text/html")
    assert _varies_by_accept(page), page.headers.get("Vary")
