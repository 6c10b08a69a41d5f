"""The curator's flow in a real Chromium, as one flow: search, narrow by a facet, open an
object, look at its maker's aggregate page, add the object to a new checklist, find a work
from the other partner and add it from its search card, reorder, write a note, export XLSX
and CSV (the files opened and checked), print to PDF (its text checked) — in English and
with the Arabic UI (``dir="rtl"`` on the search, object and checklist pages) — and axe-core
on every page of the flow: search, object, aggregate, chooser, checklist, loan requests.

Every page is a ``guarded_page``: a JavaScript error, a CSP violation or a request beyond
this machine fails the test (the partners' images are expected, and aborted all the same).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import BrowserContext, Locator, Page, expect
from pypdf import PdfReader

from museion import load_config
from sparql.checklists.exports import HEADER, header
from tests.helpers.browser import Outside, assert_accessible, chromium, guarded_page
from tests.helpers.endpoint import (
    Live,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)

TATE = "https://data.example.org/tate/object/T06803"  # Picasso, Bullfight Scene: ink on paper
CMOA = "https://data.example.org/cmoa/object/f70d03e3-0fe7-4f6a-a430-ddced6d09d82"
CMOA_TITLE = "L'Homme a la Guitare (Man with the Guitar)"
PARTNER_IMAGES = {"www.tate.org.uk", "collection.cmoa.org"}
"""The partners' own image servers: their images are expected on the pages (and aborted)."""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = write_two_partner_config(tmp_path_factory.mktemp("checklist-browser"))
    harvest_and_publish(load_config(path))
    with live_endpoint(path, "--query-processes", "2") as server:
        yield server


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    with chromium(tmp_path_factory.mktemp("chromium-profile"), accept_downloads=True) as ctx:
        yield ctx


@pytest.fixture
def outside() -> Outside:
    return Outside(image_hosts=set(PARTNER_IMAGES))


@pytest.fixture
def page(browser: BrowserContext, outside: Outside) -> Iterator[Page]:
    with guarded_page(browser, outside) as page:
        yield page


# -- steps ------------------------------------------------------------------------------


def choose_language(page: Page, live: Live, lang: str) -> None:
    page.goto(f"{live.url}/checklists/?lang={lang}")


def search(page: Page, live: Live, words: str, rtl: bool) -> None:
    """From the site's navigation: the search page, the words typed, the form sent."""
    page.locator("nav.site a[href='/search']").click()
    expect(page.locator("form.search-form")).to_be_visible()
    page.locator("#q").fill(words)
    page.locator("#q").press("Enter")
    expect(page.locator("p.count")).to_contain_text(re.compile(r"\d"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if rtl else "ltr")
    assert page.locator("li.card").count() > 0


def choose_facet(page: Page, value: str) -> None:
    """One value of the lender facet: every card left is that lender's, and the chosen value
    shows as a removable filter."""
    page.locator("aside.facets a", has=page.locator(".v", has_text=value)).first.click()
    expect(page.locator("ul.chips a")).to_contain_text(value)
    lenders = page.locator("li.card .lender").all_inner_texts()
    assert lenders
    assert set(lenders) == {value}, lenders
    assert_accessible(page)


def card(page: Page, title: str) -> Locator:
    return page.locator("li.card", has=page.locator("h2", has_text=title))


def open_object(page: Page, title: str, iri: str) -> None:
    """A search result opened: its title links to the object's page on this server."""
    card(page, title).locator("h2 a").click()
    expect(page.locator("h1#label")).to_have_text(title)
    assert page.url.endswith(iri.removeprefix("https://data.example.org"))
    assert page.locator("article.object").get_attribute("data-iri") == iri


def visit_maker(page: Page, name: str, partners: tuple[str, ...]) -> None:
    """The maker's aggregate page from the object page: the works grouped by lender."""
    page.locator("#makers a", has_text=name).first.click()
    expect(page.locator("h1#label")).to_have_text(name)
    for partner in partners:
        expect(page.locator("#works")).to_contain_text(partner)
    assert_accessible(page)
    page.go_back()
    expect(page.locator("h1#label")).to_be_visible()


def add_to_checklist(page: Page, *, new_name: str | None = None, within: str = "") -> str:
    """From an object page, or the search card titled ``within``: the add form, then the
    chooser. Returns the checklist's URL."""
    scope = card(page, within) if within else page.locator("main")
    scope.locator("form.add-to-checklist button").first.click()
    expect(page.locator("#add-form")).to_be_visible()
    assert_accessible(page)
    if new_name is not None:
        page.locator("#to-new").check()
        page.locator("#new-name").fill(new_name)
    page.locator("#add-submit").click()
    expect(page.locator("#checklist")).to_be_visible()
    return page.url


def item(page: Page, iri: str) -> object:
    return page.locator(f'li.item[data-iri="{iri}"]')


def order(page: Page) -> list[str]:
    return [
        str(i) for i in page.locator("li.item").evaluate_all("els => els.map(e => e.dataset.iri)")
    ]


def move_up(page: Page, iri: str) -> None:
    page.locator(f'li.item[data-iri="{iri}"] button.move-up').click()
    expect(page.locator("li.item").first).to_have_attribute("data-iri", iri)


def write_note(page: Page, iri: str, text: str) -> None:
    row = page.locator(f'li.item[data-iri="{iri}"]')
    row.locator("textarea[name=note]").fill(text)
    row.locator("button.save-note").click()
    expect(page.locator(f'li.item[data-iri="{iri}"] .note-text')).to_have_text(text)


def download(page: Page, selector: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.locator(selector).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def print_pdf(page: Page, folder: Path) -> str:
    path = folder / "checklist.pdf"
    page.pdf(path=str(path), format="A4")
    text = " ".join(p.extract_text() for p in PdfReader(path).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())  # ligatures, line breaks


# -- the flow ---------------------------------------------------------------------------


def start_checklist(page: Page, live: Live, name: str, rtl: bool) -> str:
    """Tate's Picasso found by search and facet, its page and its maker's page looked at, then
    added to a new checklist named ``name``. Returns the checklist's URL."""
    direction = "rtl" if rtl else "ltr"
    search(page, live, "Picasso", rtl)
    choose_facet(page, "Tate")
    open_object(page, "Bullfight Scene", TATE)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    assert_accessible(page)
    visit_maker(page, "Pablo Picasso", ("Tate", "Carnegie Museum of Art"))
    url = add_to_checklist(page, new_name=name)
    # the page opens at the work added, and says so
    assert re.search(r"/checklists/[\w-]+\?done=added#item-", url), url
    expect(page.locator(".done[role=status]")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", direction)
    expect(page.locator("#checklist-name")).to_have_text(name)
    return url.split("?")[0]


def add_the_other_partners_work(page: Page, live: Live, url: str, rtl: bool) -> None:
    """Carnegie's Picasso added from its search card to the checklist at ``url``, moved to the
    top, and a note written on Tate's: the totals and the light warning follow."""
    search(page, live, "Picasso", rtl)
    choose_facet(page, "Carnegie Museum of Art")
    # from the search card; the most recent checklist is chosen first
    assert add_to_checklist(page, within=CMOA_TITLE).split("?")[0] == url
    assert order(page) == [TATE, CMOA]
    move_up(page, CMOA)
    assert order(page) == [CMOA, TATE]
    write_note(page, TATE, "Ask Tate for the frame")
    expect(page.locator("#total-objects")).to_have_text("2")
    expect(page.locator("#total-lenders")).to_contain_text("Tate")
    expect(page.locator("#total-lenders")).to_contain_text("Carnegie Museum of Art")
    # each lender isolated on its own: one <bdi> round the list ran it in the first's direction
    expect(page.locator("#total-lenders bdi")).to_have_count(2)
    light = page.locator("#warnings .warning-light")
    # the material in the reader's language, as search facets and object pages name it
    paper = "ورق" if rtl else "paper"
    expect(light.filter(has_text="Bullfight Scene")).to_contain_text(paper)
    # the work's light-sensitive materials joined as the reader's language joins a list
    joined = page.locator(f'li[data-iri="{TATE}"] .flag-light')
    expect(joined).to_contain_text("، " if rtl else ", ")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if rtl else "ltr")
    assert_accessible(page)


def check_xlsx(page: Page, folder: Path) -> list[dict[object, object]]:
    """The XLSX export, opened: one row per object in the checklist's order. Returns the rows
    by column name."""
    workbook = load_workbook(download(page, "#export-xlsx", folder))
    sheet = workbook.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    lang = page.locator("html").get_attribute("lang") or "en"
    # the headers are in the reader's language, the sheet in its direction: read in English
    assert list(rows[0]) == header(lang)
    assert sheet.sheet_view.rightToLeft == (lang == "ar")
    cells: list[dict[object, object]] = [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]
    assert [c["Lender"] for c in cells] == ["Carnegie Museum of Art", "Tate"]
    assert cells[0]["Title"] == CMOA_TITLE
    assert cells[1]["Accession number"] == "T06803"
    assert cells[1]["Title"] == "Bullfight Scene"
    assert cells[1]["Maker"] == "Pablo Picasso"
    assert cells[1]["Width (cm)"] == pytest.approx(62.3)
    assert cells[1]["Height (cm)"] == pytest.approx(48.0)
    assert cells[1]["Note"] == "Ask Tate for the frame"
    assert str(cells[1]["Image"]).endswith("T06803_8.jpg")
    return cells


def check_csv(page: Page, folder: Path, xlsx: list[dict[object, object]]) -> None:
    """The CSV export, read: the same objects in the same order as the XLSX's."""
    text = download(page, "#export-csv", folder).read_text(encoding="utf-8-sig")
    lang = page.locator("html").get_attribute("lang") or "en"
    assert text.splitlines()[0] == ",".join(header(lang))
    records = list(csv.DictReader(io.StringIO(text), fieldnames=HEADER))[1:]
    assert [r["Accession number"] for r in records] == [
        str(xlsx[0]["Accession number"]),
        "T06803",
    ]
    assert records[1]["Credit line"].startswith("Presented by Gustav and Elly Kahnweiler")
    assert records[1]["Width (cm)"] == "62.3"


def check_pdf(page: Page, folder: Path) -> None:
    """The checklist printed: both works, the note and a dimension, none of the controls."""
    pdf = print_pdf(page, folder)
    assert "Bullfight Scene" in pdf
    assert "Guitare" in pdf
    assert "Ask Tate for the frame" in pdf
    assert "Save note" not in pdf  # controls are not printed
    assert "62.3" in pdf


def run_flow(page: Page, live: Live, tmp_path: Path, name: str, rtl: bool) -> None:
    url = start_checklist(page, live, name, rtl)
    add_the_other_partners_work(page, live, url, rtl)
    check_csv(page, tmp_path, check_xlsx(page, tmp_path))
    check_pdf(page, tmp_path)
    page.locator("#loans").click()
    expect(page.locator("section.loan")).to_have_count(2)
    assert_accessible(page)


def test_checklist_flow_in_english(page: Page, live: Live, tmp_path: Path) -> None:
    choose_language(page, live, "en")
    run_flow(page, live, tmp_path, "Picasso between London and Pittsburgh", rtl=False)


def test_checklist_flow_with_the_arabic_ui(page: Page, live: Live, tmp_path: Path) -> None:
    choose_language(page, live, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    run_flow(page, live, tmp_path, "بيكاسو بين لندن وبيتسبرغ", rtl=True)


@pytest.mark.parametrize(
    "path",
    ["/", "/checklists/", "/tate/object/T06803", "/sources/tate", "/sources/tate?lang=ar"],
)
def test_no_serious_accessibility_violations(page: Page, live: Live, path: str) -> None:
    """The query UI, an entity page, the list of checklists and a partner report (in English
    and in Arabic); the checklist pages themselves are checked inside the flow."""
    page.goto(live.url + path)
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
