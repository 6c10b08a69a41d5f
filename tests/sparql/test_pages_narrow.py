"""Every page at a phone's width (390 px) in Debian's chromium: nothing wider than the
screen (``document.scrollingElement.scrollWidth <= 390``), in English and in Arabic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from museion import load_config
from tests.helpers.browser import PHONE, Outside, guarded_page, launch
from tests.helpers.endpoint import Live, harvest_and_publish, live_endpoint
from tests.sparql.test_people_pages import BAKU, BASE, BULLFIGHT, write_config


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = write_config(tmp_path_factory.mktemp("narrow"))
    harvest_and_publish(load_config(path))
    with live_endpoint(path, "--query-processes", "2") as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch() as browser:
        yield browser


def partner_images() -> Outside:
    """The pages show the partners' images from the partners' servers (aborted here)."""
    return Outside(image_hosts={"www.tate.org.uk", "collection.cmoa.org", "musee.example.az"})


def pages(live: Live) -> list[str]:
    person = live.url + "/person/"
    return [
        live.iri_url(BULLFIGHT),
        live.iri_url(BULLFIGHT) + "?view=rdf",
        live.iri_url(BAKU),
        live.iri_url(f"{BASE}partner/tate"),
        live.url + "/sources/",
        live.url + "/sources/tate",
        live.url + "/",
        live.url + "/search?q=picasso",
        live.url + "/search?facet=partner%3DTate",
        live.url + "/checklists/",
        live.url + "/.well-known/void",  # was English whatever the reader's language
        person,  # resolved below to the reconciled Picasso
    ]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_page_is_wider_than_a_phone(live: Live, browser: Browser, lang: str) -> None:
    widths = {}
    with guarded_page(
        browser,
        partner_images(),
        viewport=PHONE,
        extra_http_headers={"Accept-Language": lang},
    ) as page:
        page.goto(live.iri_url(BULLFIGHT))
        picasso = page.locator("#makers a").first.get_attribute("href")
        urls = [u for u in pages(live) if not u.endswith("/person/")] + [live.url + str(picasso)]
        for url in urls:
            response = page.goto(url, wait_until="load")
            assert response is not None
            assert response.status == 200, url
            # the site's header follows the reader (a partner report's own text stays English)
            assert page.evaluate("document.querySelector('header.bar').lang") == lang, url
            widths[url] = page.evaluate("document.scrollingElement.scrollWidth")
    too_wide = {url: width for url, width in widths.items() if width > PHONE["width"]}
    assert not too_wide, f"pages wider than {PHONE['width']} px: {too_wide}"


def test_arabic_reads_right_to_left(live: Live, browser: Browser) -> None:
    with guarded_page(
        browser,
        partner_images(),
        viewport=PHONE,
        extra_http_headers={"Accept-Language": "ar"},
    ) as page:
        page.goto(live.iri_url(BAKU))
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        heading = page.locator("h1#label")
        assert heading.inner_text() == "منظر باكو"
        assert heading.evaluate("e => getComputedStyle(e).direction") == "rtl"
        # the French title, listed below, keeps its own left-to-right direction
        french = page.locator('#other-titles [lang="fr"]')
        assert french.evaluate("e => getComputedStyle(e).direction") == "ltr"


def test_the_datasets_page_is_a_list_of_cards_on_a_phone(live: Live, browser: Browser) -> None:
    """Its five columns broke "Triples" into "Tri/ples" and each date over four lines; the
    partner was its IRI and the date an xsd:dateTime."""
    with guarded_page(
        browser,
        partner_images(),
        viewport=PHONE,
        extra_http_headers={"Accept-Language": "fr"},
    ) as page:
        page.goto(live.url + "/.well-known/void")
        assert page.locator("h1").inner_text() == "Jeux de données"
        tate = page.locator('tr[data-iri="https://data.example.org/dataset/tate"]')
        assert tate.evaluate("e => getComputedStyle(e).display") == "block"
        partner = tate.locator("td").nth(1)
        before = partner.evaluate("e => getComputedStyle(e, '::before').content")
        assert before == '"Partenaire\u202f: "'  # its heading, beside it, French colon
        assert "Tate" in partner.inner_text()
        assert "http" not in partner.inner_text()
        when = tate.locator("td").nth(4).inner_text()
        assert "T" not in when.split(":", 1)[1]  # "2026-12-05 14:35", not "…T14:35:58Z"


@pytest.mark.parametrize(
    ("css", "table", "label"),
    [
        (
            "museion.css",
            '<table id="datasets"><tr><td data-label="Triplets">4</td></tr></table>',
            "Triplets",
        ),
        (
            "checklists.css",
            '<section class="loan"><table><tr><td data-label="Titre">Lamp</td></tr></table>'
            "</section>",
            "Titre",
        ),
    ],
)
def test_a_narrow_table_s_labels_end_with_the_reader_s_colon(
    browser: Browser, css: str, table: str, label: str
) -> None:
    """At 390 px the VoID page and a loan request show each cell under its column's name:
    "Triplets: 4 780", "Titre: …" on French pages, where every other label says "Titre :"."""
    style = (Path(__file__).parents[2] / "sparql" / "static" / css).read_text("utf-8")
    shown = {}
    with guarded_page(browser, viewport=PHONE) as page:
        for lang in ("fr", "en", "ar"):
            page.set_content(
                f'<html lang="{lang}"><style>{style}</style><body>{table}</body></html>'
            )
            shown[lang] = page.evaluate(
                "getComputedStyle(document.querySelector('td'), '::before').content"
            )
    assert shown == {
        "fr": f'"{label}\u202f: "',
        "en": f'"{label}: "',
        "ar": f'"{label}: "',
    }


def test_a_checklist_s_date_reads_as_a_date_on_one_line_on_an_arabic_page(
    browser: Browser,
) -> None:
    """/checklists/?lang=ar at 390 px showed "حُدِّثت 2026-12-06" as "06-12-2026" (after an
    Arabic word its digits are Arabic numbers, and the hyphens between them run right to
    left), or broke it after "2026-12-". The day is written as Arabic writes it ("6 ديسمبر
    2026"), right to left like the sentence around it, on one line."""
    from sparql import i18n
    from sparql.checklists import Checklist
    from sparql.pages import templates

    checklist = Checklist("c1", "Paysages du XIXe siècle", 60.0, "", "2026-12-06T02:31:30+00:00")
    text = i18n.render(
        templates().get_template("checklists.html"),
        "ar",
        checklists=[(checklist, 6)],
        can_write=False,
        static="/static",
        title="Museion",
    )
    style = (Path(__file__).parents[2] / "sparql" / "static" / "checklists.css").read_text()
    with guarded_page(browser, viewport=PHONE) as page:
        page.set_content(text.replace("</head>", f"<style>{style}</style></head>"))
        when = page.locator("#checklists li time.when")
        assert when.inner_text() == "6 ديسمبر 2026"
        assert when.get_attribute("datetime") == "2026-12-06T02:31:30+00:00"
        # on one line (a bidi run is a box of its own: "6", "ديسمبر", "2026")
        tops = when.evaluate("e => [...e.getClientRects()].map(r => Math.round(r.top))")
        assert len(set(tops)) == 1, tops


_LENDER = "LWL-Museum für Kunst und Kultur (Westfälisches Landesmuseum) — Porträtarchiv"


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
@pytest.mark.parametrize(
    "before", [_LENDER + " Diepenbroick (Münster),", _LENDER + " Diepenbroick,", "Tate,"]
)
def test_an_accession_number_is_not_broken_at_its_hyphen_on_a_phone(
    browser: Browser, lang: str, before: str
) -> None:
    """At 390 px the checklist showed the LWL print's lender as "… (Münster), C-" and
    "567588 PAD" on the next line: an accession number broken at its hyphen, which a
    registrar reads as two numbers. It goes to the next line whole; one longer than the
    screen breaks rather than make the page scroll sideways."""
    style = (Path(__file__).parents[2] / "sparql" / "static" / "museion.css").read_text()
    long_one = "-".join(["PAD1234567"] * 12)
    body = (
        f'<dl><dd class="lender"><span><bdi>{before}</bdi> <bdi class="ident">C-567588 PAD'
        f'</bdi></span></dd><dd><bdi class="ident" id="long">{long_one}</bdi></dd></dl>'
    )
    with guarded_page(browser, viewport=PHONE) as page:
        page.set_content(
            f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"><head>'
            f'<meta name="viewport" content="width=device-width"><style>{style}</style>'
            f"</head><body><main>{body}</main></body></html>"
        )
        lines = page.locator(".lender .ident").evaluate("e => e.getClientRects().length")
        width = page.evaluate("document.scrollingElement.scrollWidth")
    assert lines == 1
    assert width <= PHONE["width"]


def test_every_accession_number_a_page_shows_is_kept_whole() -> None:
    """The rule above holds only where the pages mark an accession number as one."""
    folder = Path(__file__).parents[2] / "sparql" / "templates"
    shown = re.compile(r"<[^<>]*>\{\{ (?:[\w.]+\.accession_number|a) \}\}")
    found = [
        (path.name, match.group())
        for path in sorted(folder.glob("*.html"))
        if "accession" in (text := path.read_text("utf-8"))
        for match in shown.finditer(text)
    ]
    assert found, "the templates show accession numbers"
    assert [f for f in found if 'class="ident"' not in f[1]] == []


_PLACEHOLDERS = """() => [...document.querySelectorAll('.search-form input[placeholder]')]
  .map(e => {
  const style = getComputedStyle(e);
  const pen = document.createElement('canvas').getContext('2d');
  pen.font = style.font;
  const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [e.placeholder, pen.measureText(e.placeholder).width, room];
})"""


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
@pytest.mark.parametrize("width", [PHONE["width"], 1280])
def test_the_search_form_s_hints_and_date_examples_are_shown_whole(
    live: Live, browser: Browser, lang: str, width: int
) -> None:
    """The date field's example was cut off: "1850, 300 av." of "1850, 300 av. J.-C." on a
    French page, the Arabic one by its last letter, at every width; on a phone the words
    field's hint too ("Title, maker, material, inscriptio", beside the button). Each hint and
    example fits its field."""
    with guarded_page(
        browser,
        partner_images(),
        viewport={"width": width, "height": 844},
        extra_http_headers={"Accept-Language": lang},
    ) as page:
        page.goto(live.url + "/search")
        fields = page.evaluate(_PLACEHOLDERS)
        assert len(fields) == 3  # the words, and the dates from and to
        assert [f for f in fields if f[1] > f[2]] == [], fields
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_an_object_s_identifier_goes_to_the_next_line_whole(browser: Browser, lang: str) -> None:
    """At 390 px an Arabic object page ended "المعرّف: http://localhost:8742/tate/object/T1144"
    and "4" on the next line: its IRI was broken at any letter even where it fits on a line
    of its own, and a curator copying it by eye read another work's. An IRI longer than the
    line still breaks rather than make the page scroll sideways."""
    style = (Path(__file__).parents[2] / "sparql" / "static" / "museion.css").read_text()
    label = {"en": "Identifier:", "fr": "Identifiant :", "ar": "المعرّف:"}[lang]
    long_one = "http://localhost:8742/tate/object/" + "T11444" * 20
    body = "".join(
        f'<p class="iri"><small>{label}</small> <code dir="ltr" id="{name}">{iri}</code></p>'
        for name, iri in (("short", "http://localhost:8742/tate/object/T11444"), ("long", long_one))
    )
    with guarded_page(browser, viewport=PHONE) as page:
        page.set_content(
            f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"><head>'
            f'<meta name="viewport" content="width=device-width"><style>{style}</style>'
            f"</head><body><main>{body}</main></body></html>"
        )
        lines = page.locator("#short").evaluate("e => e.getClientRects().length")
        width = page.evaluate("document.scrollingElement.scrollWidth")
    assert lines == 1
    assert width <= PHONE["width"]


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_partner_s_date_on_the_partners_list_stays_on_one_line(
    browser: Browser, lang: str
) -> None:
    """/sources/?lang=ar at 390 px broke a held run's date after its hyphen: "(موقوف، 2026-12-"
    at the end of a line and "07)" on the next. The date goes to the next line whole. Partners
    of every name length from 1 to 60 characters, so that one of them ends its line in the
    date wherever the date falls."""
    from sparql import i18n
    from sparql.pages import templates

    partners = [
        {
            "source": f"s{n}",
            "partner": ("Museo " + "Bellas Artes de la Ciudad " * 3)[:n],
            "status": "held",
            "ended": "2026-12-07T10:15:00Z",
            "report": "Harvest report",
        }
        for n in range(1, 61)
    ]
    text = i18n.render(
        templates().get_template("partners.html"),
        lang,
        partners=partners,
        static="/static",
        title="Museion",
    )
    style = (Path(__file__).parents[2] / "sparql" / "static" / "museion.css").read_text()
    with guarded_page(browser, viewport=PHONE) as page:
        page.set_content(text.replace("</head>", f"<style>{style}</style></head>"))
        dates = page.locator("#partners li small bdi")
        assert dates.count() == len(partners)
        assert set(dates.all_inner_texts()) == {"2026-12-07"}
        lines = dates.evaluate_all(
            "es => es.map(e => new Set([...e.getClientRects()].map(r => Math.round(r.top))).size)"
        )
        width = page.evaluate("document.scrollingElement.scrollWidth")
    broken = [partners[i]["partner"] for i, n in enumerate(lines) if n != 1]
    assert broken == []
    assert width <= PHONE["width"]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_search_card_s_title_is_not_smaller_than_its_maker(
    live: Live, browser: Browser, lang: str
) -> None:
    """A card's maker was written at the page's size and its title at 1.02rem: "Joseph Mallord
    William Turner" stood out above "Sketches", which a curator scans for. The title is the
    card's largest text, the maker no larger."""
    with guarded_page(
        browser, partner_images(), viewport=PHONE, extra_http_headers={"Accept-Language": lang}
    ) as page:
        page.goto(live.url + "/search?q=picasso")
        sizes = page.locator(".card").evaluate_all(
            "cs => cs.map(c => [c.querySelector('h2'), c.querySelector('.makers')]"
            ".filter(e => e).map(e => parseFloat(getComputedStyle(e).fontSize)))"
        )
    assert sizes
    assert all(len(s) == 2 for s in sizes), sizes
    assert [s for s in sizes if s[0] <= s[1]] == []
