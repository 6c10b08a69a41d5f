"""Checklists over HTTP against a live ``museion serve``: the JSON API, the curator token and
cross-site protection, withdrawn objects across a re-harvest, and the Linked Art export
validated against the Linked Art API JSON Schemas."""

from __future__ import annotations

import ast
import csv
import io
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from string import Formatter
from typing import Any
from urllib.parse import quote

import pytest
import requests
from jsonschema import Draft202012Validator
from lxml import html
from pyld import jsonld
from pyoxigraph import NamedNode, RdfFormat, parse
from referencing import Registry, Resource

from museion import load_config
from museion.serving import endpoint_settings
from museion_core.errors import ConfigError
from museion_core.vocab import AAT, CRM, LA, RDF
from sparql import i18n
from tests.conftest import DATA
from tests.helpers.endpoint import (
    Live,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)
from tests.helpers.samples import linked_art_context, sample_feeds

TATE = "https://data.example.org/tate/object/T06803"
CMOA = "https://data.example.org/cmoa/object/f70d03e3-0fe7-4f6a-a430-ddced6d09d82"
WITHDRAWN_FILE = "a00001-1035.json"
WITHDRAWN = "https://data.example.org/tate/object/A00001"
TOKEN = "curator-token-0123456789abcdef"
SCHEMAS = DATA / "linked-art-schemas"


def _config(folder: Path, extra: str = "") -> Path:
    """Tate (from a copy of its feed, so a test can withdraw a record) and CMOA."""
    feed = folder / "tate-feed"
    shutil.copytree(sample_feeds() / "tate", feed)
    return write_two_partner_config(folder, tate=feed, extra=extra)


@pytest.fixture(scope="module")
def open_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Loopback, no curator token: anyone on this machine may write."""
    path = _config(tmp_path_factory.mktemp("checklists-open"))
    harvest_and_publish(load_config(path))
    with live_endpoint(path, "--query-processes", "2") as server:
        yield server


@pytest.fixture(scope="module")
def guarded_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A curator token is configured: writing needs it."""
    path = _config(
        tmp_path_factory.mktemp("checklists-guarded"), f'[workspace]\ntoken = "{TOKEN}"\n'
    )
    harvest_and_publish(load_config(path))
    with live_endpoint(path, "--query-processes", "1") as server:
        yield server


def _create(live: Live, name: str, **headers: str) -> str:
    r = requests.post(live.url + "/checklists/", json={"name": name}, headers=headers, timeout=30)
    assert r.status_code == 201, r.text
    ident: str = r.json()["id"]
    return ident


def _act(live: Live, ident: str, **body: Any) -> requests.Response:
    return requests.post(f"{live.url}/checklists/{ident}", json=body, timeout=30)


def test_api_builds_a_checklist_across_partners(open_live: Live) -> None:
    ident = _create(open_live, "Picasso on paper")
    assert _act(open_live, ident, action="add", object_iri=TATE).status_code == 200
    r = _act(open_live, ident, action="add", object_iri=CMOA, note="Ask for the crate size")
    assert r.status_code == 200
    data = r.json()
    assert [i["iri"] for i in data["items"]] == [TATE, CMOA]
    assert data["totals"]["lenders"] == ["Tate", "Carnegie Museum of Art"]
    tate = data["items"][0]["fields"]
    assert tate["accession_number"] == "T06803"
    assert tate["makers"] == ["Pablo Picasso"]
    assert tate["width_cm"] == pytest.approx(62.3)
    # Tate states its rights on the image: the object page showed them, the checklist did not
    assert tate["image_rights"] == "© Succession Picasso/DACS 2014"
    sheet = requests.get(f"{open_live.url}/checklists/{ident}.csv", timeout=30)
    [header, first, *_] = csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")))
    assert dict(zip(header, first, strict=True))["Image rights"] == tate["image_rights"]
    page = requests.get(f"{open_live.url}/checklists/{ident}", timeout=30)
    assert (
        "<dt>Image rights</dt>"
        '<dd lang="en" dir="auto">© Succession Picasso/DACS 2014</dd>' in page.text
    )
    assert data["items"][1]["note"] == "Ask for the crate size"
    for item in data["items"]:  # to a millimetre, as the page and the exports give them
        sizes = [item["fields"][k] for k in ("height_cm", "width_cm", "depth_cm")]
        assert all(v is None or v == round(v, 1) for v in sizes), sizes
    # adding twice changes nothing
    assert len(_act(open_live, ident, action="add", object_iri=TATE).json()["items"]) == 2
    # reorder, note, rename, remove
    assert [
        i["iri"] for i in _act(open_live, ident, action="order", iris=[CMOA, TATE]).json()["items"]
    ] == [CMOA, TATE]
    assert [
        i["iri"]
        for i in _act(open_live, ident, action="move", object_iri=TATE, to=1).json()["items"]
    ] == [TATE, CMOA]
    assert (
        _act(open_live, ident, action="note", object_iri=TATE, note="frame?").json()["items"][0][
            "note"
        ]
        == "frame?"
    )
    assert _act(open_live, ident, action="rename", name="Picasso").json()["name"] == "Picasso"
    assert [
        i["iri"] for i in _act(open_live, ident, action="remove", object_iri=CMOA).json()["items"]
    ] == [TATE]
    # the list, and the shareable URL as JSON
    listed = requests.get(open_live.url + "/checklists/?format=json", timeout=30).json()
    assert {"id": ident, "name": "Picasso"}.items() <= next(
        c for c in listed if c["id"] == ident
    ).items()


@pytest.mark.parametrize(
    ("lang", "dims", "wall"),
    [
        # the wall holds the frame: 79.2 cm wide, where the sheet is 62.3
        ("en", "48 × 62.3 cm", "0.79 m"),
        ("fr", "48 × 62,3 cm", "0,79 m"),
        # Arabic: the object page's figures and unit (read right to left, the height first),
        # and the wall's metres in the same script ("0.79 m" beside "سم" mixed two)
        ("ar", "48 × 62.3 سم", "0.79 م"),
    ],
)
def test_figures_are_written_as_the_readers_language_writes_them(
    open_live: Live, lang: str, dims: str, wall: str
) -> None:
    """A French curator reads a decimal comma in sizes and the wall length, on the checklist
    and on the loan list; Arabic pages keep Western digits and the point, as the site does,
    and write the sizes as the object page does ("سم")."""
    ident = _create(open_live, f"Figures {lang}")
    assert _act(open_live, ident, action="add", object_iri=TATE).status_code == 200
    headers = {"Accept-Language": lang}
    url = f"{open_live.url}/checklists/{ident}"
    doc: html.HtmlElement = html.fromstring(requests.get(url, headers=headers, timeout=30).text)
    assert doc.cssselect("dd.dims bdi")[0].text_content() == dims
    assert doc.cssselect("#wall-length bdi")[0].text_content() == wall
    # the count of widths agrees with it: "1 widths" on every page, "1 عروض" in Arabic
    counted = {"en": "(1 width + ", "fr": "(1 largeur + ", "ar": "(عرض واحد + "}[lang]
    assert doc.cssselect("#wall-length .muted")[0].text_content().startswith(counted)
    loans: html.HtmlElement = html.fromstring(
        requests.get(url + "/loans", headers=headers, timeout=30).text
    )
    assert dims in [cell.text_content() for cell in loans.cssselect("td bdi")]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (
            {"action": "add", "object_iri": "https://data.example.org/tate/object/NOPE"},
            400,
            "describes no current object",
        ),
        (
            {"action": "add", "object_iri": "https://data.example.org/tate/person/38"},
            400,
            "describes no current object",
        ),
        ({"action": "add", "object_iri": "http://elsewhere.example/x"}, 400, "not an object"),
        ({"action": "order", "iris": ["x"]}, 400, "every object"),
        ({"action": "explode"}, 400, "unknown action"),
        ({"action": "rename", "name": "x" * 300}, 400, "at most 200"),
        ({"action": "rename", "name": 5}, 400, "name must be a string"),
        ({"action": "rename", "name": None}, 400, "name must be a string"),
        ({"action": "rename", "name": ["a"]}, 400, "name must be a string"),
        ({"action": "rename", "name": "x\u0000y"}, 400, "control characters"),
    ],
)
def test_bad_requests_get_one_clear_line(
    open_live: Live, body: dict[str, Any], status: int, words: str
) -> None:
    ident = _create(open_live, "Bad input")
    r = _act(open_live, ident, **body)
    assert r.status_code == status
    assert words in r.json()["error"]


ROOT = Path(__file__).resolve().parents[2]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def _refusals() -> set[str]:
    """Every template a checklist refusal is raised with, read from the code."""
    found: set[str] = set()
    for path in (ROOT / "sparql" / "checklists").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("BadRequestError", "NotFoundError")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(str(node.args[0].value))
    return found


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_checklist_refusal_has_a_translation_with_the_same_fields(lang: str) -> None:
    refusals = _refusals()
    assert len(refusals) > 20
    catalogue = i18n.catalogue()[lang]
    assert not [t for t in refusals if t not in catalogue], lang
    for template in refusals:
        assert _fields(catalogue[template]) == _fields(template), template


def test_a_refusal_is_said_in_the_reader_s_language_with_the_way_back(open_live: Live) -> None:
    """A French curator renaming a checklist to spaces read "a checklist needs a name" in
    English, with a link to every checklist but not back to hers; "12,5" cm between works
    was refused as not a whole number."""
    ident = _create(open_live, "Été")
    url = f"{open_live.url}/checklists/{ident}?lang=fr"
    headers = {"Origin": open_live.url}
    r = requests.post(url, data={"action": "rename", "name": "  "}, headers=headers, timeout=30)
    assert r.status_code == 400
    assert "une liste a besoin d’un nom" in r.text
    assert f'<a href="/checklists/{ident}">Retour à la liste</a>' in r.text
    spaced = requests.post(
        url, data={"action": "spacing", "spacing_cm": "12,5"}, headers=headers, timeout=30
    )
    assert spaced.status_code == 200
    assert _act(open_live, ident, action="spacing", spacing_cm="x").json()["error"] == (
        "the spacing between works must be a number of centimetres"
    )
    data = requests.get(f"{open_live.url}/checklists/{ident}?format=json", timeout=30).json()
    assert data["spacing_cm"] == 12.5


def test_a_body_nested_too_deeply_or_too_big_gets_one_clear_line(open_live: Live) -> None:
    """Nested JSON made the server's decoder recurse out of its stack: a 500 and a traceback."""
    ident = _create(open_live, "Hostile bodies")
    nested = b'{"action":' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    for url in (open_live.url + "/checklists/", f"{open_live.url}/checklists/{ident}"):
        r = requests.post(
            url, data=nested, headers={"Content-Type": "application/json"}, timeout=30
        )
        assert r.status_code == 400
        assert "nested too deeply" in r.json()["error"]
    big = {"action": "rename", "name": "x" * (1024 * 1024)}
    assert _act(open_live, ident, **big).status_code == 413


def test_one_lenders_loan_request_is_printed_without_the_others(open_live: Live) -> None:
    """The loan requests were one page for every lender: printed and sent to Tate, it also
    told Tate what Carnegie lends. Each request now opens alone, to print and send."""
    ident = _create(open_live, "Two lenders")
    for iri in (TATE, CMOA):
        assert _act(open_live, ident, action="add", object_iri=iri).status_code == 200
    url = f"{open_live.url}/checklists/{ident}/loans"
    every: html.HtmlElement = html.fromstring(requests.get(url, timeout=30).text)
    links = [a.get("href") for a in every.cssselect("section.loan a.one-lender")]
    assert len(links) == 2
    headings = []
    for link in links:
        alone: html.HtmlElement = html.fromstring(
            requests.get(open_live.url + link, timeout=30).text
        )
        [section] = alone.cssselect("section.loan")
        headings.append(section.cssselect("h2")[0].text_content())
        assert not alone.cssselect("a.one-lender")
        assert alone.cssselect("#all-lenders")[0].get("href").endswith(f"/{ident}/loans")
    assert sorted(headings) == sorted(["Tate", "Carnegie Museum of Art"])
    unknown = requests.get(url, params={"lender": "Louvre"}, timeout=30)
    assert unknown.status_code == 404
    page: html.HtmlElement = html.fromstring(unknown.text)
    said = page.text_content()
    assert "no lender “Louvre” on this checklist" in said


def test_unknown_checklist_is_404(open_live: Live) -> None:
    r = requests.get(open_live.url + "/checklists/no-such-list", timeout=30)
    assert r.status_code == 404
    assert "no checklist" in r.text


def test_a_form_from_another_site_is_refused(open_live: Live) -> None:
    """Even on loopback without a token, a page on the web may not post to the server."""

    def post(**headers: str) -> requests.Response:
        return requests.post(
            open_live.url + "/checklists/",
            data={"name": "From elsewhere"},
            headers=headers,
            allow_redirects=False,
            timeout=30,
        )

    assert post(Origin="https://evil.example").status_code == 403
    assert post(**{"Sec-Fetch-Site": "cross-site"}).status_code == 403
    own = post(Origin=open_live.url)
    assert own.status_code == 303
    assert own.headers["location"].startswith("/checklists/")


def test_writing_needs_the_curator_token_and_reading_does_not(guarded_live: Live) -> None:
    url = guarded_live.url + "/checklists/"
    assert requests.post(url, json={"name": "x"}, timeout=30).status_code == 403
    wrong = {"Authorization": "Bearer not-the-token-at-all"}
    assert requests.post(url, json={"name": "x"}, headers=wrong, timeout=30).status_code == 403
    ident = _create(guarded_live, "Shared", Authorization=f"Bearer {TOKEN}")
    page = requests.get(f"{url}{ident}", timeout=30)
    assert page.status_code == 200
    assert "Sign in as curator" in page.text
    assert 'name="action"' not in page.text  # no write controls for a reader

    # the browser's way: sign in once, then the cookie (an HMAC, not the token) authorises
    session = requests.Session()
    bad = session.post(url + "sign-in", data={"token": "nope"}, allow_redirects=False, timeout=30)
    assert bad.status_code == 403
    ok = session.post(
        url + "sign-in",
        data={"token": TOKEN, "next": f"/checklists/{ident}"},
        allow_redirects=False,
        timeout=30,
    )
    assert ok.status_code == 303
    assert ok.headers["location"] == f"/checklists/{ident}"
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert TOKEN not in cookie
    r = session.post(
        f"{url}{ident}",
        data={"action": "add", "object_iri": TATE},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 303
    r = session.post(
        f"{url}{ident}",
        data={"action": "rename", "name": "hijacked"},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 403
    data = requests.get(f"{url}{ident}?format=json", timeout=30).json()
    assert data["name"] == "Shared"
    assert [i["iri"] for i in data["items"]] == [TATE]


def test_adding_from_the_form_goes_where_the_curator_meant_and_says_what_happened(
    open_live: Live,
) -> None:
    """The chooser pre-selects the first checklist: a name typed for a new one went unread
    and the work onto that first list; a work already listed dropped the note written with
    it, silently; and after every action a keyboard user was back at the top of the page."""
    first = _create(open_live, "Sample")

    def form(url: str, **data: str) -> requests.Response:
        headers = {"Origin": open_live.url}
        return requests.post(url, data=data, headers=headers, allow_redirects=False, timeout=30)

    add = open_live.url + "/checklists/add"
    r = form(add, object_iri=TATE, checklist=first, name="Picasso, summer", note="Priority")
    assert r.status_code == 303
    ident = r.headers["location"].split("/checklists/")[1].split("?")[0]
    assert ident != first  # a new checklist, of the typed name
    made = requests.get(f"{open_live.url}/checklists/{ident}?format=json", timeout=30).json()
    assert made["name"] == "Picasso, summer"
    assert [(i["iri"], i["note"]) for i in made["items"]] == [(TATE, "Priority")]
    assert r.headers["location"].endswith(f"?done=added#item-{quote(TATE, safe='')}")
    again = form(add, object_iri=TATE, checklist=ident, note="Ask for the frame")
    assert "?done=already-noted#" in again.headers["location"]
    page = requests.get(open_live.url + again.headers["location"], timeout=30).text
    assert "already on this checklist: your note was added" in page
    note = requests.get(f"{open_live.url}/checklists/{ident}?format=json", timeout=30).json()
    assert note["items"][0]["note"] == "Priority\nAsk for the frame"
    assert len(note["items"]) == 1
    # a note that is part of a line already there ("Ask") is a note of its own; one the
    # note already has, line for line, is not added twice and not said to be
    part = form(add, object_iri=TATE, checklist=ident, note="Ask")
    assert "?done=already-noted#" in part.headers["location"]
    same = form(add, object_iri=TATE, checklist=ident, note="Priority")
    assert "?done=already#" in same.headers["location"]
    notes = requests.get(f"{open_live.url}/checklists/{ident}?format=json", timeout=30).json()
    assert notes["items"][0]["note"] == "Priority\nAsk for the frame\nAsk"
    # a work Museion does not describe makes no empty checklist of the name typed with it
    before = len(requests.get(f"{open_live.url}/checklists/?format=json", timeout=30).json())
    refused = form(add, object_iri="https://data.example.org/tate/object/NONE", name="Typo")
    assert refused.status_code == 400
    after = requests.get(f"{open_live.url}/checklists/?format=json", timeout=30).json()
    assert len(after) == before
    # each action brings the page back at the work it acted on, or at its neighbour
    form(add, object_iri=CMOA, checklist=ident)
    url = f"{open_live.url}/checklists/{ident}"
    moved = form(url, action="move", object_iri=CMOA, direction="up")
    assert moved.headers["location"].endswith(f"?done=moved#item-{quote(CMOA, safe='')}")
    gone = form(url, action="remove", object_iri=CMOA)
    assert gone.headers["location"].endswith(f"?done=removed#item-{quote(TATE, safe='')}")
    last = form(url, action="remove", object_iri=TATE)
    assert last.headers["location"].endswith("?done=removed#objects-h")


def test_the_chooser_says_which_checklists_hold_the_work_already(open_live: Live) -> None:
    """The chooser chose the checklist changed last, the one the curator had just added the
    work to, and said nothing of it: "Add" then only answered "already on this checklist".
    It now says which lists hold the work and chooses the first that does not."""
    other = _create(open_live, "Not yet")
    holds = _create(open_live, "Has it")
    assert _act(open_live, holds, action="add", object_iri=TATE).status_code == 200
    headers = {"Accept": "text/html", "Accept-Language": "fr"}
    page = requests.get(
        open_live.url + "/checklists/add", params={"object_iri": TATE}, headers=headers, timeout=30
    )
    doc: html.HtmlElement = html.fromstring(page.text)
    [first] = doc.cssselect("#add-form input[name=checklist]")[:1]
    assert first.get("value") == holds  # the newest change: listed first, as before
    assert first.get("checked") is None
    said = doc.cssselect(f"label[for=to-{holds}] .already")
    assert [s.text_content() for s in said] == ["cette œuvre y figure déjà"]
    assert not doc.cssselect(f"label[for=to-{other}] .already")
    [chosen] = doc.cssselect("#add-form input[checked]")
    assert chosen.get("value") not in (holds, "new")


def test_withdrawn_object_stays_listed_across_a_reharvest(open_live: Live) -> None:
    ident = _create(open_live, "Survives re-harvests")
    _act(open_live, ident, action="add", object_iri=WITHDRAWN)
    _act(open_live, ident, action="add", object_iri=CMOA)
    feed = Path(open_live.config.source("tate").location)
    (feed / "artworks" / WITHDRAWN_FILE).unlink()
    before = datetime.now(UTC).replace(microsecond=0)
    harvest_and_publish(open_live.config)  # the partner no longer sends the record
    data = requests.get(f"{open_live.url}/checklists/{ident}?format=json", timeout=30).json()
    gone = data["items"][0]
    assert gone["iri"] == WITHDRAWN
    assert gone["status"] == "withdrawn"
    assert before <= datetime.fromisoformat(gone["withdrawn_at"]) <= datetime.now(UTC)
    assert gone["fields"]["accession_number"] == "A00001"  # the copy made when it was added
    assert gone["fields"]["title"].startswith("A Figure Bowing")
    assert data["items"][1]["status"] == "current"
    assert data["totals"]["withdrawn"] == 1
    assert {"iri": WITHDRAWN, "kind": "withdrawn"}.items() <= data["warnings"][0].items()
    csv_text = requests.get(f"{open_live.url}/checklists/{ident}.csv", timeout=30).text
    assert "A00001" in csv_text
    assert "withdrawn by lender" in csv_text
    page = requests.get(f"{open_live.url}/checklists/{ident}", timeout=30).text
    assert "Withdrawn by its lender" in page
    # its count agrees with its word: "(1 withdrawn)", "(1 retirée)", "(قطعة واحدة مسحوبة)"
    for lang, total in (
        ("en", "2 (1 withdrawn)"),
        ("fr", "2 (1 retirée)"),
        ("ar", "2 (قطعة واحدة مسحوبة)"),
    ):
        page = requests.get(f"{open_live.url}/checklists/{ident}?lang={lang}", timeout=30).text
        doc: html.HtmlElement = html.fromstring(page)
        assert doc.cssselect("#total-objects")[0].text_content() == total, lang


def _validator(name: str) -> Draft202012Validator:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry)


def _loader(url: str, _options: object = None) -> dict[str, Any]:
    assert url.rstrip("/") == "https://linked.art/ns/v1/linked-art.json", url
    context = linked_art_context()
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": context,
    }


def test_linked_art_export_is_a_set_used_by_an_exhibition(open_live: Live) -> None:
    ident = _create(open_live, "Linked Art")
    _act(open_live, ident, action="add", object_iri=TATE)
    _act(open_live, ident, action="add", object_iri=CMOA)
    r = requests.get(f"{open_live.url}/checklists/{ident}.jsonld", timeout=30)
    assert r.headers["content-type"].startswith("application/ld+json")
    document = r.json()
    context = document["@context"]
    the_set, *members = document["@graph"]
    errors = list(_validator("set.json").iter_errors({"@context": context, **the_set}))
    assert errors == [], [e.message for e in errors]
    for member in members:
        errors = list(_validator("object.json").iter_errors({"@context": context, **member}))
        assert errors == [], [e.message for e in errors]

    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": _loader})
    triples = {(t.subject, t.predicate, t.object) for t in parse(nquads, RdfFormat.N_QUADS)}
    set_node = NamedNode(the_set["id"])
    assert (set_node, RDF.type, LA.Set) in triples
    activities = [s for s, p, o in triples if p == CRM.P16_used_specific_object and o == set_node]
    assert len(activities) == 1
    assert (activities[0], RDF.type, CRM.E7_Activity) in triples
    assert (activities[0], CRM.P2_has_type, AAT.EXHIBITION) in triples
    assert (set_node, CRM.P16i_was_used_for, activities[0]) in triples
    for iri in (TATE, CMOA):
        assert (NamedNode(iri), LA.member_of, set_node) in triples


def test_curator_token_must_differ_from_the_admin_token(tmp_path: Path) -> None:
    same = "the-same-token-0123456789"
    path = _config(
        tmp_path,
        f'[workspace]\ntoken = "{same}"\n[endpoint]\nadmin_token = "{same}"\n',
    )
    with pytest.raises(ConfigError, match="must differ from the admin token"):
        endpoint_settings(load_config(path))


@pytest.mark.parametrize(("lang", "zone"), [("en", "UTC"), ("fr", "UTC"), ("ar", "بتوقيت UTC")])
def test_when_a_checklist_was_updated_is_readable_and_names_its_time_zone(
    open_live: Live, lang: str, zone: str
) -> None:
    """The checklist said "updated 2026-12-06 05:31": an ISO code, in UTC without saying
    so. It says the day and time as the reader writes them, and the zone; the instant
    itself stays in ``<time datetime>`` for machines."""
    ident = _create(open_live, f"Updated {lang}")
    headers = {"Accept-Language": lang}
    page = requests.get(f"{open_live.url}/checklists/{ident}", headers=headers, timeout=30)
    [when] = html.fromstring(page.text).cssselect("p.meta time.when")
    instant = datetime.fromisoformat(when.get("datetime", ""))
    assert instant.utcoffset() is not None
    shown = "".join(str(t) for t in when.itertext())
    assert shown.endswith(zone), shown
    assert when.get("datetime", "")[:10] not in shown  # not the ISO date
    assert f"{instant.astimezone(UTC):%H:%M}" in shown
    listed = requests.get(f"{open_live.url}/checklists/", headers=headers, timeout=30)
    days = [
        "".join(str(s) for s in t.itertext())
        for t in html.fromstring(listed.text).cssselect("time.when")
    ]
    assert days
    assert not [d for d in days if d[:4].isdigit() and d[4:5] == "-"], days  # no ISO dates
