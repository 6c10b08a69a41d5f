"""A party that leaves the data answers 308, 300 or 410 at its old IRI, never a bare 404.

A donor's IRI is minted from its record's credit line (``{source}/person/name-…``), and
researchers cite it. A files source is harvested twice into the real store, its records
changed in between (``publish.departures``), then the real endpoint is asked for the old IRIs:

- "Gift of Jon Smyth" corrected to "Gift of Jon Smith": the same record and role (the
  acquisition's ``transferred title from``) names another IRI: 308 to it;
- "Gift of Anna and Carl Holm" (a group) written "Gift of Anna Holm, and Carl Holm" (two
  persons): two candidates, 300;
- "Gift of Peter Quince" become a museum purchase: no successor, 410 with a page that says
  when and why, and links the record that named it;
- a donor one changed record drops and another still names is still 200;
- the donor of a withdrawn record is gone too, and its page says the record was withdrawn;
- the 410 and 300 pages pass axe-core in a real Chromium, in English, French and Arabic.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from lxml import html

from museion import load_config
from museion.commands.common import run_harvest
from tests.conftest import files_source
from tests.helpers.browser import assert_accessible, chromium, guarded_page
from tests.helpers.credit_feeds import write_credit_feed
from tests.helpers.endpoint import Live, live_endpoint

BASE = "https://data.example.org/"
PERSON = f"{BASE}cmoa/person/name-"
HTML = "text/html,application/xhtml+xml,*/*;q=0.8"
LINKED_ART = "application/ld+json"
TURTLE = "text/turtle"

FIRST = {
    "smyth": "Gift of Jon Smyth",
    "holm": "Gift of Anna and Carl Holm",
    "quince": "Gift of Peter Quince",
    "kept-1": "Gift of Ruth Keeper",
    "kept-2": "Gift of Ruth Keeper",
    "withdrawn": "Gift of Olive Leaving",
}
SECOND = {
    "smyth": "Gift of Jon Smith",
    "holm": "Gift of Anna Holm, and Carl Holm",
    "quince": "Museum purchase",
    "kept-1": "Museum purchase",
    "kept-2": "Gift of Ruth Keeper",
}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("retired-parties")
    feed = folder / "feed"
    feed.mkdir()
    config_path = folder / "museion.toml"
    source = files_source("cmoa", feed, "cmoa", label="Carnegie Museum of Art")
    config_path.write_text(
        f'[store]\npath = "store"\n[publish]\nbase_iri = "{BASE}"\n[[sources]]\n{source}\n',
        encoding="utf-8",
    )
    write_credit_feed(feed, FIRST)
    [first] = run_harvest(load_config(config_path), ("cmoa",))
    assert first.status == "published"
    write_credit_feed(feed, SECOND)
    [second] = run_harvest(load_config(config_path), ("cmoa",))
    assert second.status == "published"
    with live_endpoint(config_path) as server:
        yield server


def _get(live: Live, iri: str, accept: str = HTML, **params: str) -> requests.Response:
    return requests.get(
        live.iri_url(iri),
        headers={"Accept": accept},
        params=params,
        allow_redirects=False,
        timeout=30,
    )


def _links(page: str, selector: str) -> list[str]:
    return [str(a.get("href")) for a in html.fromstring(page).cssselect(f"{selector} a")]


def _text(page: str, selector: str) -> str:
    found = html.fromstring(page).cssselect(selector)
    return " ".join(" ".join(str(t) for t in found[0].itertext()).split()) if found else ""


@pytest.mark.parametrize("accept", [HTML, LINKED_ART, TURTLE])
def test_a_party_the_same_record_and_role_now_names_otherwise_redirects_308(
    live: Live, accept: str
) -> None:
    answer = _get(live, PERSON + "jon-smyth", accept)
    assert answer.status_code == 308, answer.text
    assert answer.headers["location"] == "/cmoa/person/name-jon-smith"
    assert not answer.headers["content-type"].startswith(("application/ld+json", "text/turtle"))
    followed = requests.get(
        urljoin(live.url, answer.headers["location"]), headers={"Accept": accept}, timeout=30
    )
    assert followed.status_code == 200
    assert "Jon Smith" in followed.text


def test_a_party_its_record_now_reads_as_two_offers_both_300(live: Live) -> None:
    page = _get(live, f"{BASE}cmoa/group/name-anna-and-carl-holm", lang="en")
    assert page.status_code == 300, page.text
    both = ["/cmoa/person/name-anna-holm", "/cmoa/person/name-carl-holm"]
    assert sorted(_links(page.text, "#choices")) == both
    assert _links(page.text, "#records") == ["/cmoa/object/holm"]
    assert "in its place the record now names" in _text(page.text, "#message")
    # a client of the data gets the choices in the Link header, and no page to parse as data
    for accept in (LINKED_ART, TURTLE):
        data = _get(live, f"{BASE}cmoa/group/name-anna-and-carl-holm", accept)
        assert data.status_code == 300
        assert data.headers["content-type"].startswith("text/plain")
        assert all(f"<{href}>" in data.headers["link"] for href in both)


GONE = {
    "en": ("Gone", "was named by a record its partner changed on", "Named by"),
    "fr": ("Retiré", "était nommé par une notice que son partenaire a modifiée le", "Cité dans"),
    "ar": ("سُحب", "في سجل عدّله الشريك في", "ورد في"),
}


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_party_no_record_names_any_more_is_gone_with_a_page_saying_when_and_why(
    live: Live, lang: str
) -> None:
    page = _get(live, PERSON + "peter-quince", lang=lang)
    assert page.status_code == 410
    heading, why, named_by = GONE[lang]
    assert heading in _text(page.text, "h1")
    message = _text(page.text, "#message")
    assert why in message
    assert PERSON + "peter-quince" in message
    assert html.fromstring(page.text).cssselect("#message time")[0].get("datetime")
    assert _text(page.text, "#named-by") == named_by
    assert _links(page.text, "#records") == ["/cmoa/object/quince"]
    assert "Still life quince" in _text(page.text, "#records")


@pytest.mark.parametrize("accept", [LINKED_ART, TURTLE])
def test_a_gone_party_tells_a_client_of_the_data_in_one_line_not_in_data(
    live: Live, accept: str
) -> None:
    answer = _get(live, PERSON + "peter-quince", accept)
    assert answer.status_code == 410
    assert answer.headers["content-type"].startswith("text/plain")
    assert "was named by a record its partner changed on" in answer.text


def test_a_party_another_record_still_names_is_still_described(live: Live) -> None:
    answer = _get(live, PERSON + "ruth-keeper", LINKED_ART)
    assert answer.status_code == 200
    assert answer.json()["_label"] == "Ruth Keeper"


def test_the_party_of_a_withdrawn_record_is_gone_and_says_the_record_was_withdrawn(
    live: Live,
) -> None:
    page = _get(live, PERSON + "olive-leaving", lang="en")
    assert page.status_code == 410
    assert "was named by a record its partner withdrew on" in _text(page.text, "#message")
    assert _links(page.text, "#records") == ["/cmoa/object/withdrawn"]
    # the record's own entity answers 410 as before
    assert _get(live, f"{BASE}cmoa/object/withdrawn").status_code == 410


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("person/name-peter-quince", "ar"),
        ("person/name-peter-quince", "en"),
        ("group/name-anna-and-carl-holm", "fr"),
    ],
)
def test_the_pages_of_a_retired_party_are_accessible(
    live: Live, tmp_path: Path, name: str, lang: str
) -> None:
    with chromium(tmp_path / "profile") as browser, guarded_page(browser) as page:
        page.goto(f"{live.iri_url(BASE + 'cmoa/' + name)}?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("#records a").count() == 1
        assert_accessible(page)
