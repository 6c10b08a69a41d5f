"""Every local link of every demo page answers (issue 12): the demo's two partners and the
LIDO samples as a third (identifiers with ``/`` and ``:`` in them), harvested and served by a
live ``museion serve``, crawled from the site's entry pages like a reader's browser would.

What is followed and what is sampled is said in tests/helpers/linkcheck.py: every page, every
link on it, each language/format/view variant on the first pages of each kind."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from lxml import html

from museion import load_config
from museion.demo import demo_config
from publish import Workspace
from sparql.checklists.rows import read_rows
from store import Store
from tests.conftest import DATA, files_source
from tests.helpers.endpoint import Live, harvest_and_publish, live_endpoint
from tests.helpers.linkcheck import LinkChecker, Report

START = ("/", "/search", "/sources/", "/checklists/")
KINDS = ("object", "person", "group", "place", "concept", "set", "partner")


def write_demo_with_lido(folder: Path) -> Path:
    """The demo configuration, plus the LIDO samples as a partner of their own."""
    config = demo_config(folder)
    lido = files_source(
        "ddb", DATA / "lido" / "*.xml", "lido", label="Deutsche Digitale Bibliothek"
    )
    config.path.write_text(
        config.path.read_text(encoding="utf-8") + "\n[[sources]]\n" + lido + "\n",
        encoding="utf-8",
    )
    return config.path


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = write_demo_with_lido(tmp_path_factory.mktemp("linkcheck"))
    harvest_and_publish(load_config(path))
    with live_endpoint(path, "--query-processes", "2") as server:
        yield server


@pytest.fixture(scope="module")
def report(live: Live) -> Report:
    checker = LinkChecker(live.url, [live.config.base_iri], workers=4)
    return checker.crawl(START)


@pytest.mark.slow
def test_every_local_link_of_every_page_answers(report: Report) -> None:
    broken = "\n".join(str(b) for b in report.broken[:50])
    assert not report.broken, f"{len(report.broken)} broken links:\n{broken}"


@pytest.mark.slow
def test_the_crawl_reached_every_kind_of_page(report: Report, live: Live) -> None:
    """The crawl is only as good as what it reached: every source's objects, and every kind
    of entity page, each many times over."""
    kinds = report.kinds
    for source in ("tate", "cmoa", "ddb"):
        assert kinds[f"/{source}/object#3"] >= 15, kinds
    for kind in KINDS:
        assert sum(n for k, n in kinds.items() if f"/{kind}" in k) >= 3, (kind, kinds)
    assert report.pages > 1000
    assert report.external > 100


def test_language_links_keep_an_identifier_s_encoded_slash(live: Live) -> None:
    """``DE-MUS-825210%2F78541`` is one path segment; decoded, the language links of its page
    named another IRI (``.../DE-MUS-825210/78541``), which is not served."""
    page = live.url + "/ddb/object/DE-MUS-825210%2F78541"
    response = requests.get(page, headers={"Accept": "text/html"}, timeout=60)
    assert response.status_code == 200
    links = [
        a.get("href", "") for a in html.fromstring(response.content).iter("a") if a.get("hreflang")
    ]
    assert len(links) == 3
    assert all(str(link).startswith("/ddb/object/DE-MUS-825210%2F78541?lang=") for link in links), (
        links
    )
    # So do the alternates of the Link header, and each of them is served.
    alternates = re.findall(r"<([^>]+)>", response.headers["Link"])
    assert len(alternates) >= 4
    for alternate in alternates:
        assert alternate.startswith("/ddb/object/DE-MUS-825210%2F78541"), alternate
        assert requests.get(live.url + alternate, timeout=60).status_code == 200, alternate


def test_subjects_are_shown_and_found_however_the_mapping_states_them(live: Live) -> None:
    """Linked Art says what an image is of with ``about`` (LIDO's subjects: none were shown on
    the page) and ``represents_instance_of_type`` (the Tate's: none were found by search).
    Iconclass subjects named only by their code are labelled by their first search term."""
    primavera = requests.get(
        live.url + "/ddb/object/DE-Mb112%2Flido-obj00154983",
        headers={"Accept": "text/html"},
        timeout=60,
    )
    assert primavera.status_code == 200
    assert "Cupid shooting a dart" in primavera.text
    for query, iri in (
        ("matador", "tate/object/T06803"),
        ("Zephyrus", "ddb/object/DE-Mb112%2Flido-obj00154983"),
    ):
        found = requests.get(
            live.url + "/search", params={"q": query, "format": "json"}, timeout=60
        ).json()
        assert live.config.base_iri + iri in {hit["iri"] for hit in found["hits"]}, query


def test_a_lido_object_s_provenance_and_restoration_are_on_its_page(live: Live) -> None:
    """La Primavera's record states where it was in 1498 and 1546–1555 and its restoration of
    1982: mapped, but on no page."""
    url = live.url + "/ddb/object/DE-Mb112%2Flido-obj00154983"
    for lang, heading, first, last in (
        ("en", "History", "Provenance, 1498", "Restoration, 1982"),
        ("fr", "Historique", "Provenance, 1498", "Restauration, 1982"),
    ):
        page = html.fromstring(
            requests.get(
                url, params={"lang": lang}, headers={"Accept": "text/html"}, timeout=60
            ).text
        )
        (cell,) = page.cssselect("dd#history")
        label = cell.getprevious()
        assert label is not None
        assert "".join(str(t) for t in label.itertext()) == heading
        items = [
            " ".join("".join(str(t) for t in li.itertext()).split()) for li in cell.cssselect("li")
        ]
        assert len(items) == 3, items
        assert items[0].startswith(first), items
        assert "Palazzo Medici Riccardi" in items[0]
        assert items[2] == last
        assert cell.cssselect("a[href^='/ddb/place/']")  # the places link to their pages
    tate = requests.get(
        live.url + "/tate/object/T06803", headers={"Accept": "text/html"}, timeout=60
    ).text
    assert 'id="history"' not in tate


def test_the_licences_of_a_lido_object_s_images_reach_the_page_and_the_checklist(
    live: Live,
) -> None:
    """LIDO's rights of a resource are a right typed by a licence IRI on the image's file: the
    page had no Rights row and the checklist's rights were empty, while the partner report
    counted rights 100%."""
    iri = live.config.base_iri + "ddb/object/DE-MUS-028013%2F289821"
    page = requests.get(live.iri_url(iri), headers={"Accept": "text/html"}, timeout=60)
    (cell,) = html.fromstring(page.text).cssselect("dd#rights")
    rights = "".join(str(text) for text in cell.itertext())
    assert "Image: CC BY-NC-SA" in rights  # the record's own name of the licence
    assert "Schifffahrtsmuseum" in rights  # the holder
    published = Workspace(live.config.data_dir).published_path()
    assert published is not None
    _, fields, _ = read_rows(Store(published, read_only=True), [iri])[iri]
    assert fields is not None
    assert fields.image_rights == "CC BY-NC-SA (Deutsches Schifffahrtsmuseum)"
    # the LWL print names Europeana's statement by its IRI alone: its name, not the IRI
    lwl = live.config.base_iri + "ddb/object/DE-MUS-100818%2Flido%2Fobj%2F33419853"
    page = requests.get(live.iri_url(lwl), headers={"Accept": "text/html"}, timeout=60)
    (cell,) = html.fromstring(page.text).cssselect("dd#rights")
    (link,) = cell.cssselect("a.licence")
    assert link.text == "Rights Reserved – Free Access"
    assert link.get("href") == "http://www.europeana.eu/rights/rr-f/"


def test_an_object_s_kinds_are_each_said_once(live: Live) -> None:
    """The Skulpturensammlung's angel read "Figur · Skulpturensammlung (SKS) · Figur": its
    record gives "Figur" as an object type and as a classification, two concepts."""
    iri = live.config.base_iri + "ddb/object/DE-MUS-815614%2F872000"
    page = requests.get(live.iri_url(iri), headers={"Accept": "text/html"}, timeout=60)
    kinds = [span.text for span in html.fromstring(page.text).cssselect("p.types span")]
    assert kinds.count("Figur") == 1, kinds
    assert "Skulpturensammlung (SKS)" in kinds


def test_a_concept_page_speaks_to_a_curator(live: Live) -> None:
    """It listed the works that show a subject as "(represents instance of type)", and its
    "Back to the page" link pointed at itself (a concept has no other page)."""
    concept = requests.get(
        live.url + "/tate/concept/subject/602", headers={"Accept": "text/html"}, timeout=60
    )
    assert concept.status_code == 200
    assert "Bullfight Scene</a> <small>(shows it)</small>" in concept.text
    assert "represents instance of type" not in concept.text
    assert 'id="people-view"' not in concept.text
    data_view = requests.get(
        live.url + "/tate/object/T06803?view=rdf", headers={"Accept": "text/html"}, timeout=60
    )
    assert 'id="people-view"' in data_view.text  # back to the object's own page


def test_a_path_is_shown_as_it_reads() -> None:
    from sparql.render import readable_path

    assert readable_path("/mia/person/name-%D9%85%D8%AD") == "/mia/person/name-مح"
    assert readable_path("/ddb/object/DE-MUS-825210%2F78541") == "/ddb/object/DE-MUS-825210%2F78541"
