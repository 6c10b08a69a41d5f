"""Pages for people over HTTP on the test feeds: what a curator reads on an object page, an
artist reconciled across partners, a place, a partner; in English, French and Arabic.

Three partners: Tate and Carnegie Museum of Art (both hold a Picasso, reconciled into one
person) and a small museum's spreadsheet with French and Arabic titles
(``tests/data/mappings/csv-small-museum``).
"""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from lxml import html
from rdflib import Graph, URIRef

from museion import load_config
from sparql.entity_routes import canonical_path
from tests.conftest import DATA, files_source
from tests.helpers.endpoint import (
    Live,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)

BASE = "https://data.example.org/"
BULLFIGHT = f"{BASE}tate/object/T06803"
CMOA_PICASSO = f"{BASE}cmoa/object/f70d03e3-0fe7-4f6a-a430-ddced6d09d82"
BAKU = f"{BASE}musee/object/MV-001"
SMALL_MUSEUM = DATA / "mappings" / "csv-small-museum"
HTML = "text/html,application/xhtml+xml,*/*;q=0.8"


def write_config(folder: Path) -> Path:
    """Tate and CMOA with their homepages, and the small museum's spreadsheet."""
    musee = files_source(
        "musee",
        SMALL_MUSEUM / "input.csv",
        (SMALL_MUSEUM / "mapping.toml").as_posix(),
        label="Musée exemple",
    )
    return write_two_partner_config(folder, BASE, more=[musee], homepages=True)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = write_config(tmp_path_factory.mktemp("people-pages"))
    harvest_and_publish(load_config(path))
    with live_endpoint(path, "--query-processes", "2") as server:
        yield server


def page(
    live: Live, iri_or_path: str, **headers: str
) -> tuple[requests.Response, html.HtmlElement]:
    url = live.iri_url(iri_or_path) if iri_or_path.startswith(BASE) else live.url + iri_or_path
    response = requests.get(url, headers={"Accept": HTML, **headers}, timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response, html.fromstring(response.text)


def text(doc: html.HtmlElement, selector: str) -> str:
    found = doc.cssselect(selector)
    assert found, f"nothing matches {selector}"
    return " ".join(" ".join(e.text_content().split()) for e in found)


def select(live: Live, query: str) -> list[dict[str, Any]]:
    """The bindings of a SELECT ``query`` at the endpoint."""
    answer = requests.post(live.sparql, data={"query": query}, timeout=30)
    bindings: list[dict[str, Any]] = answer.json()["results"]["bindings"]
    return bindings


def test_object_page_reads_like_a_catalogue_entry(live: Live) -> None:
    _, doc = page(live, BULLFIGHT)
    assert text(doc, "h1#label") == "Bullfight Scene"
    assert "Scène de corrida" in text(doc, "#other-titles")
    makers = text(doc, "#makers")
    assert "Pablo Picasso" in makers
    assert "(1881–1973)" in makers
    dimensions = text(doc, "#dimensions")
    assert "48 × 62.3 cm" in dimensions  # converted from the partner's millimetres
    assert "480 × 623 mm" in dimensions  # and the partner's own figures
    assert "frame" in dimensions
    assert text(doc, "#dates") == "1960"
    assert "Ink on paper" in text(doc, "#materials")
    assert text(doc, "#accession") == "T06803"
    assert "Kahnweiler" in text(doc, "#credit")
    assert "Image: © Succession Picasso" in text(doc, "#rights")  # the photograph's rights
    lender = doc.cssselect("#lender a")
    assert next(a.text_content() for a in lender) == "Tate"
    assert "https://www.tate.org.uk/" in [a.get("href") for a in lender]
    web = doc.cssselect("#web-page a")[0].get("href")
    assert web == "http://www.tate.org.uk/art/artworks/picasso-bullfight-scene-t06803"
    image = doc.cssselect(".images img")[0].get("src")
    assert image == "http://www.tate.org.uk/art/images/work/T/T06/T06803_8.jpg"
    # how it came to the holder, and what it shows, each subject with its page
    # (the year of the gift, not "accessioned 1994": the credit line says both)
    assert text(doc, "#acquisition") == "gift, from Gustav and Elly Kahnweiler, 1974"
    subjects = {a.text_content(): a.get("href") for a in doc.cssselect("#subjects a")}
    assert {"bull", "horse", "matador"} <= set(subjects), subjects
    _, bull = page(live, subjects["bull"])
    assert text(bull, "h1") == "bull"
    # the maker links to the person reconciled across partners
    maker_href = doc.cssselect("#makers a")[0].get("href")
    assert maker_href.startswith("/person/")


def test_object_page_says_how_the_lender_qualifies_the_figures(live: Live) -> None:
    """The label of the object's own line ("support: 480 x 623 mm frame: …") is kept, said in
    the reader's language."""
    for lang, support, frame, cm in [
        ("en", "support", "frame", "cm"),
        ("ar", "الدعامة", "الإطار", "سم"),
    ]:
        _, doc = page(live, BULLFIGHT + f"?lang={lang}")
        rows = [" ".join(li.text_content().split()) for li in doc.cssselect("#dimensions li")]
        assert rows[0].startswith(f"{support}: 48 × 62.3 {cm}"), rows
        assert rows[1].startswith(f"{frame}: 92.8 × 79.2 × 3.2 {cm}"), rows


def test_object_page_shows_the_lenders_figures_as_given(live: Live) -> None:
    """CMOA's 5.875 in, not 5.88; the centimetres as the reader writes numbers."""
    _, doc = page(live, f"{BASE}cmoa/object/00078d13-d7c7-4f1b-bbe2-b9afcc25fcbd?lang=fr")
    # French typography: a (narrow no-break) space before the colon
    assert text(doc, "#dimensions .unit-original") == "selon le prêteur : 13 × 5.875 in"
    assert (
        "selon le prêteur\u202f:" in doc.cssselect("#dimensions .unit-original")[0].text_content()
    )
    assert "33,02 × 14,92 cm" in text(doc, "#dimensions .cm")


def test_object_page_says_the_acquisition_method_in_the_readers_language(live: Live) -> None:
    _, french = page(live, BULLFIGHT + "?lang=fr")
    assert text(french, "#acquisition") == "don, de Gustav and Elly Kahnweiler, 1974"
    _, arabic = page(live, BULLFIGHT + "?lang=ar")
    assert text(arabic, "#acquisition").startswith("هبة، من Gustav and Elly Kahnweiler")  # ،


def test_object_page_shows_the_makers_works_at_the_other_partner(live: Live) -> None:
    _, doc = page(live, BULLFIGHT)
    groups = doc.cssselect("#other-works .partner-group")
    assert [g.get("data-partner") for g in groups] == ["Carnegie Museum of Art"]
    link = groups[0].cssselect(".works a")[0]
    assert link.get("href") == "/" + CMOA_PICASSO[len(BASE) :]
    assert "L'Homme a la Guitare" in link.text_content()


def test_aggregate_artist_page_lists_works_grouped_by_partner(live: Live) -> None:
    _, doc = page(live, BULLFIGHT)
    _, person = page(live, doc.cssselect("#makers a")[0].get("href"))
    assert text(person, "h1#label") == "Pablo Picasso"
    assert text(person, "#life") == "1881–1973"
    groups = {
        g.get("data-partner"): g.text_content() for g in person.cssselect("#works .partner-group")
    }
    assert set(groups) == {"Carnegie Museum of Art", "Tate"}
    assert "Bullfight Scene" in groups["Tate"]
    assert "L'Homme a la Guitare" in groups["Carnegie Museum of Art"]
    # what each partner says, and why they were matched
    cards = {c.get("data-partner"): c for c in person.cssselect(".source-card")}
    assert set(cards) == {"Carnegie Museum of Art", "Tate"}
    assert "Málaga, Spain" in cards["Carnegie Museum of Art"].text_content()
    assert "Málaga, España" in cards["Tate"].text_content()
    assert "birth 1881 = 1881" in text(person, ".evidence")
    # a birthplace leads to the partner's place, whose page names who was born there
    born = {a.text_content(): a.get("href") for a in cards["Tate"].cssselect("dd a")}
    assert born["Málaga, España"].startswith("/tate/place/"), born
    _, place = page(live, born["Málaga, España"])
    assert "Pablo Picasso" in text(place, "#people")


def acquired(doc: html.HtmlElement) -> dict[str, str]:
    """The objects a person's page says were acquired from them: partner → what it lists."""
    return {
        g.get("data-partner"): " ".join(g.text_content().split())
        for g in doc.cssselect("#acquired .partner-group")
    }


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_donor_s_page_lists_the_objects_acquired_from_them(live: Live, lang: str) -> None:
    """CMOA's "Bequest of Dr. James B. Austin" makes him a person of his own, but his page
    said "No works in the collections.": it listed only what he made. Both his record's page
    and the page across partners now list the two objects CMOA acquired from him, with how."""
    heading, bequest = {
        "en": ("Objects acquired from this person", "Bequest"),
        "fr": ("Objets acquis auprès de cette personne", "legs"),
        "ar": ("مقتنيات وردت من هذا الشخص", "وصية"),
    }[lang]
    donor = f"{BASE}cmoa/person/name-dr-james-b-austin"
    rows = select(live, f"SELECT ?agg WHERE {{ ?agg la:equivalent <{donor}> }}")
    across = rows[0]["agg"]["value"]
    for iri in (donor, across):
        _, doc = page(live, f"{iri}?lang={lang}" if lang != "en" else iri)
        assert text(doc, "#acquired h2") == heading
        groups = acquired(doc)
        assert set(groups) == {"Carnegie Museum of Art"}, groups
        listed = groups["Carnegie Museum of Art"]
        assert "Buddhist Deities, from an Untitled Series" in listed
        assert "Nishinomiya" in listed
        assert listed.count(bequest) == 2, listed
        links = [a.get("href") for a in doc.cssselect("#acquired .works a")]
        assert "/cmoa/object/1fb65224-a3b2-4caa-84b6-da89a278c87c" in links, links
        assert not doc.cssselect("#works")  # he made nothing: no empty "Works" beside


def test_who_made_and_gave_an_object_shows_both(live: Live) -> None:
    """Martin Creed gave Tate his own work: his page lists it as his work and as acquired
    from him; a group (Gustav and Elly Kahnweiler) gets the group's wording."""
    creed = f"{BASE}tate/person/2760"
    _, doc = page(live, creed)
    assert "Work No. 1104" in text(doc, "#works")
    assert "Work No. 1104" in acquired(doc)["Tate"]
    assert "gift" in acquired(doc)["Tate"]
    rows = select(
        live,
        f"SELECT ?p WHERE {{ <{BULLFIGHT}/provenance/acquisition>"
        " crm:P23_transferred_title_from ?p }",
    )
    _, group = page(live, rows[0]["p"]["value"])
    assert text(group, "#acquired h2") == "Objects acquired from this group"
    assert "Bullfight Scene" in acquired(group)["Tate"]
    # neither made nor gave anything in the sample (Turner): the empty message stays
    _, turner = page(live, f"{BASE}tate/person/558")
    assert text(turner, "#works") == "Works No works in the collections."
    assert not turner.cssselect("#acquired")


@pytest.mark.parametrize(
    ("lang", "born"), [("fr", "naissance 1881 = 1881"), ("ar", "الميلاد 1881 = 1881")]
)
def test_why_two_partners_records_are_one_is_said_in_the_reader_s_language(
    live: Live, lang: str, born: str
) -> None:
    """Picasso's French and Arabic pages said why Tate's and CMOA's records are one person
    in English ("birth 1881 = 1881", "surnames equal; given names equal"), marked so, in the
    middle of a translated page. The evidence is now in the page's language, with the
    partners' values (years, places) as they are."""
    _, doc = page(live, BULLFIGHT)
    person = doc.cssselect("#makers a")[0].get("href")
    _, translated = page(live, f"{person}?lang={lang}")
    items = translated.cssselect(".evidence li")
    shown = [" ".join(li.text_content().split()) for li in items]
    assert born in shown, shown
    assert not [li for li in items if li.cssselect('bdi[lang="en"]')], shown


def test_partner_and_place_pages(live: Live) -> None:
    _, partner = page(live, f"{BASE}partner/tate")
    assert text(partner, "h1#label") == "Tate"
    assert int(text(partner, "#work-count")) >= 20
    assert partner.cssselect("#homepage")[0].get("href") == "https://www.tate.org.uk/"
    assert "Bullfight Scene" in text(partner, "#works")
    rows = select(
        live,
        "SELECT ?p WHERE { ?p a museion:Aggregate, crm:E53_Place ; "
        'rdfs:label ?l FILTER(CONTAINS(?l, "Málaga")) } LIMIT 1',
    )
    _, place = page(live, rows[0]["p"]["value"])
    assert text(place, ".kind").startswith("Place")
    assert "Pablo Picasso" in text(place, "#people")


def _other_titles(doc: html.HtmlElement) -> tuple[str, str]:
    """The tombstone's label of the other titles, and what it lists."""
    listed = doc.cssselect("dl.tombstone > dd#other-titles")
    assert listed, "no other titles in the tombstone"
    label = listed[0].getprevious()
    assert label is not None
    assert label.tag == "dt"
    return " ".join(label.text_content().split()), " ".join(listed[0].text_content().split())


@pytest.mark.parametrize(
    ("lang", "label", "arabic"),
    [("en", "Other title", "(Arabic)"), ("fr", "Autre titre", "(arabe)"), ("ar", "عنوان آخر", "")],
)
def test_another_title_is_labelled_as_one_with_its_language(
    live: Live, lang: str, label: str, arabic: str
) -> None:
    """The title "Scène de corrida" stood under "Bullfight Scene", nothing saying what it was: it is
    the tombstone's "Other title". Its language is named when the record gives it (the
    museum's Arabic title); Tate's ``foreignTitle`` gives none, and none is guessed."""
    _, doc = page(live, BULLFIGHT + f"?lang={lang}")
    assert _other_titles(doc) == (label, "Scène de corrida")
    _, doc = page(live, BAKU + f"?lang={lang}")
    shown_label, listed = _other_titles(doc)
    if lang == "ar":  # the Arabic page leads with the Arabic title: the French one is other
        assert (shown_label, listed) == (label, "Vue de Bakou (الفرنسية)")
    else:
        assert (shown_label, listed) == (label, f"منظر باكو {arabic}")


def test_arabic_title_reads_right_to_left(live: Live) -> None:
    _, doc = page(live, BAKU)  # English UI: the French title leads, the Arabic one is listed
    assert text(doc, "h1#label") == "Vue de Bakou"
    arabic = [e for e in doc.cssselect("#other-titles [lang]") if e.get("lang") == "ar"]
    assert arabic
    assert arabic[0].get("dir") == "rtl"
    assert arabic[0].text_content() == "منظر باكو"
    response, doc = page(live, BAKU, **{"Accept-Language": "ar"})
    root = doc.getroottree().getroot()
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    heading = doc.cssselect("h1#label")[0]
    assert (heading.text_content(), heading.get("dir")) == ("منظر باكو", "rtl")
    assert response.headers["content-language"] == "ar"


def test_french_ui_from_accept_language(live: Live) -> None:
    response, doc = page(live, BULLFIGHT, **{"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"})
    root = doc.getroottree().getroot()
    assert (root.get("lang"), root.get("dir")) == ("fr", "ltr")
    assert "Prêteur" in text(doc, ".tombstone")
    assert "48 × 62,3 cm" in text(doc, "#dimensions")  # a French decimal comma
    assert text(doc, "nav.site") == (
        "Rechercher Requête SPARQL Partenaires Listes d’œuvres Jeux de données"
    )
    assert "Accept-Language" in response.headers["vary"]


def test_language_switch_is_remembered(live: Live) -> None:
    session = requests.Session()
    first = session.get(live.url + "/?lang=ar", headers={"Accept": HTML}, timeout=30)
    assert 'dir="rtl"' in first.text
    assert session.cookies.get("museion_lang") == "ar"
    later = session.get(live.iri_url(BULLFIGHT), headers={"Accept": HTML}, timeout=30)
    root = html.fromstring(later.text).getroottree().getroot()
    assert root.get("lang") == "ar"
    menu = html.fromstring(later.text).cssselect(".langs a")
    assert {a.get("hreflang"): a.get("href") for a in menu}["fr"] == "/tate/object/T06803?lang=fr"


def test_favicon_and_navigation_on_every_page(live: Live) -> None:
    svg = requests.get(live.url + "/static/favicon.svg", timeout=30)
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    ico = requests.get(live.url + "/favicon.ico", timeout=30)
    assert ico.status_code == 200
    assert ico.content.startswith(b"\x89PNG")
    for where in ("/", "/sources/", "/sources/tate", BULLFIGHT, f"{BASE}partner/cmoa"):
        _, doc = page(live, where)
        icons = [e.get("href") for e in doc.cssselect('link[rel="icon"]')]
        assert "/static/favicon.svg" in icons, where
        nav = {a.get("href") for a in doc.cssselect("nav.site a")}
        assert nav == {"/search", "/", "/sources/", "/checklists/", "/.well-known/void"}, where
    _, partners = page(live, "/sources/")
    assert "/partner/musee" in {a.get("href") for a in partners.cssselect("#partners a")}


def test_the_statement_tree_and_rdf_stay_one_click_away(live: Live) -> None:
    _, doc = page(live, BULLFIGHT)
    assert doc.cssselect("#rdf-view")[0].get("href") == "?view=rdf"
    _, tree = page(live, BULLFIGHT + "?view=rdf")
    assert tree.cssselect("dl.node")  # the full tree of statements
    assert "has dimension" in tree.text_content()
    turtle = requests.get(live.iri_url(BULLFIGHT), headers={"Accept": "text/turtle"}, timeout=30)
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "Bullfight Scene" in turtle.text


def test_attributions_read_as_a_catalogue_writes_them(live: Live) -> None:
    _, possibly = page(live, f"{BASE}cmoa/object/194a0d08-977e-46fb-85ac-f0e173bcd185")
    assert text(possibly, "#makers .maker .attribution").startswith("possibly by")
    assert "possibly by unknown French" in text(possibly, "#makers")
    _, after = page(live, f"{BASE}cmoa/object/13c3d02f-99d9-413e-a5d3-980649ea79e2")
    assert text(after, "#makers") == "after Joseph Nash (1808–1878)"
    _, french = page(live, f"{BASE}cmoa/object/13c3d02f-99d9-413e-a5d3-980649ea79e2?lang=fr")
    assert text(french, "#makers") == "d’après Joseph Nash (1808–1878)"


def test_one_partner_is_said_once_and_the_addresses_people_type_lead_to_the_page(
    live: Live,
) -> None:
    """A place one partner names said "1 partners" and "across partners"; /sources and
    /sources/tate/ were 404; the query page had no heading."""
    alone = select(
        live,
        "SELECT ?p WHERE { ?p a museion:Aggregate, crm:E53_Place ; la:equivalent ?m "
        f'FILTER STRSTARTS(STR(?m), "{BASE}") }} GROUP BY ?p HAVING (COUNT(?m) = 1) LIMIT 1',
    )
    assert alone, "the demo has places one partner names"
    _, single = page(live, alone[0]["p"]["value"])
    assert "".join(text(single, ".stats").split()) == "1partner"  # <b>1</b>partner
    assert "across partners" not in text(single, ".kind")
    for typed, canonical in (("/sources", "/sources/"), ("/sources/tate/", "/sources/tate")):
        moved = requests.get(live.url + typed, allow_redirects=False, timeout=30)
        assert moved.status_code == 308
        assert moved.headers["location"].endswith(canonical)
        assert requests.get(live.url + typed, headers={"Accept": HTML}, timeout=30).ok
    _, home = page(live, "/")
    assert text(home, "h1") == "Query the collections in SPARQL"


def test_an_iri_written_with_other_escapes_leads_to_its_page(live: Live) -> None:
    """ "%c3%a1" (lower case, as some tools write escapes) or a raw "á" for the "%C3%A1" of a
    minted IRI was 404: the same IRI to a reader, another one to the store."""
    rows = select(
        live, "SELECT ?p WHERE { ?p a crm:E53_Place FILTER(CONTAINS(STR(?p), '%C3%A1')) } LIMIT 1"
    )
    iri = rows[0]["p"]["value"]
    url = live.iri_url(iri)
    path = url.removeprefix(live.url)
    lower = re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), path)
    assert lower != path
    where = urlsplit(live.url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
    try:  # requests would write the escapes in upper case itself
        connection.request("GET", lower, headers={"Accept": HTML})
        moved = connection.getresponse()
        assert moved.status == 301
        assert moved.getheader("location") == path
    finally:
        connection.close()
    assert canonical_path("/tate/place/m\xc3\xa1laga-espa%c3%b1a") == (
        "/tate/place/m%C3%A1laga-espa%C3%B1a"  # raw UTF-8 bytes, as the server reads them
    )
    assert canonical_path("/tate/object/T%2f1") == "/tate/object/T%2F1"  # never decoded
    # "//host/..." as a Location is another site's address: never redirected there
    assert canonical_path("//evil.example/%c3%a9") == "/evil.example/%C3%A9"


def test_an_iri_typed_with_a_raw_colon_leads_to_its_page(live: Live) -> None:
    """Tate's artist records are ``person:480``, minted ``…/record/person%3A480``: typed or
    pasted with the ":" a person reads there, the IRI was 404. It is the same resource, so
    it is sent (301) to the IRI Museion minted, as other spellings of an escape are."""
    rows = select(
        live,
        "SELECT ?g WHERE { ?g a museion:RecordGraph FILTER(CONTAINS(STR(?g), '%3A')) } LIMIT 1",
    )
    minted = live.iri_url(rows[0]["g"]["value"])
    path = minted.removeprefix(live.url)
    typed = path.replace("%3A", ":")
    where = urlsplit(live.url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
    try:
        connection.request("GET", typed + "?format=ttl")
        moved = connection.getresponse()
        assert moved.status == 301, moved.read()
        assert moved.getheader("location") == path + "?format=ttl"
    finally:
        connection.close()
    graph = Graph().parse(live.url + typed, format="turtle")  # rdflib follows the 301
    assert (URIRef(rows[0]["g"]["value"]), None, None) in graph
    assert requests.get(live.url + typed, headers={"Accept": HTML}, timeout=30).url == minted
    assert canonical_path("/tate/object/A:1(b)") == "/tate/object/A%3A1%28b%29"
    # the base IRI's own path is left as it is: only what follows it is an identifier
    assert canonical_path("/a:b/tate/object/A:1", "/a:b/") == "/a:b/tate/object/A%3A1"


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("en", "Tate — dataset"),
        ("fr", "Tate — jeu de données"),
        ("ar", "مجموعة بيانات Tate"),
    ],
)
def test_a_dataset_page_is_headed_as_the_partner_s_dataset(
    live: Live, lang: str, heading: str
) -> None:
    """``{base}dataset/tate`` was headed by its IRI. Its title is the partner's name, which
    alone would read as the partner's page (``{base}partner/tate``): the heading says it is
    the partner's dataset, in the reader's language, with the name isolated for direction."""
    _, doc = page(live, f"{BASE}dataset/tate", **{"Accept-Language": lang})
    assert text(doc, "h1") == heading
    assert doc.cssselect("h1 bdi")[0].text_content() == "Tate"
    assert text(doc, "title").startswith(heading + " — ")
    _, partner = page(live, f"{BASE}partner/tate", **{"Accept-Language": lang})
    assert text(partner, "h1") != heading
