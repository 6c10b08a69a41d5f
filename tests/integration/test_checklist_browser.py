"""The curator's flow in a real Chromium: open an object page, add it to a checklist, add a
work from the other partner, reorder, write a note, export XLSX and CSV (the files opened and
checked), print to PDF (its text checked) — in English and with the Arabic UI — and
axe-core on every page of the flow.

Each step is a helper, so the search step (search → facet → open an object) can be put in
front of ``open_object`` once the search branch is merged.
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
from playwright.sync_api import BrowserContext, Page, expect
from pypdf import PdfReader

from museion import load_config
from tests.helpers.browser import assert_accessible, chromium
from tests.helpers.endpoint import (
    Live,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)

TATE = "https://data.example.org/tate/object/T06803"  # Picasso, Bullfight Scene: ink on paper
CMOA = "https://data.example.org/cmoa/object/f70d03e3-0fe7-4f6a-a430-ddced6d09d82"
CMOA_TITLE = "L'Homme a la Guitare (Man with the Guitar)"


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
def page(browser: BrowserContext) -> Iterator[Page]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    page.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


# -- steps ------------------------------------------------------------------------------


def choose_language(page: Page, live: Live, lang: str) -> None:
    page.goto(f"{live.url}/checklists/?lang={lang}")


def open_object(page: Page, live: Live, iri: str) -> None:
    response = page.goto(live.iri_url(iri))
    assert response is not None
    assert response.status == 200


def add_to_checklist(page: Page, *, new_name: str | None = None) -> str:
    """From an object page (or a search result): the add form, then the chooser. Returns the
    checklist's URL."""
    page.locator("form.add-to-checklist button").first.click()
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


def run_flow(page: Page, live: Live, tmp_path: Path, name: str, rtl: bool) -> None:
    open_object(page, live, TATE)
    url = add_to_checklist(page, new_name=name)
    assert re.search(r"/checklists/[\w-]+$", url)
    if rtl:
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#checklist-name")).to_have_text(name)
    open_object(page, live, CMOA)
    assert add_to_checklist(page) == url  # the most recent checklist is chosen first
    assert order(page) == [TATE, CMOA]
    move_up(page, CMOA)
    assert order(page) == [CMOA, TATE]
    write_note(page, TATE, "Ask Tate for the frame")
    expect(page.locator("#total-objects")).to_have_text("2")
    expect(page.locator("#total-lenders")).to_contain_text("Tate")
    expect(page.locator("#total-lenders")).to_contain_text("Carnegie Museum of Art")
    light = page.locator("#warnings .warning-light")
    expect(light.filter(has_text="Bullfight Scene")).to_contain_text("paper (fiber product)")
    if rtl:
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(page)

    workbook = load_workbook(download(page, "#export-xlsx", tmp_path))
    sheet = workbook.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    cells = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [c["Lender"] for c in cells] == ["Carnegie Museum of Art", "Tate"]
    assert cells[0]["Title"] == CMOA_TITLE
    assert cells[1]["Accession number"] == "T06803"
    assert cells[1]["Title"] == "Bullfight Scene"
    assert cells[1]["Maker"] == "Pablo Picasso"
    assert cells[1]["Width (cm)"] == pytest.approx(62.3)
    assert cells[1]["Height (cm)"] == pytest.approx(48.0)
    assert cells[1]["Note"] == "Ask Tate for the frame"
    assert str(cells[1]["Image"]).endswith("T06803_8.jpg")

    text = download(page, "#export-csv", tmp_path).read_text(encoding="utf-8-sig")
    records = list(csv.DictReader(io.StringIO(text)))
    assert [r["Accession number"] for r in records] == [
        str(cells[0]["Accession number"]),
        "T06803",
    ]
    assert records[1]["Credit line"].startswith("Presented by Gustav and Elly Kahnweiler")
    assert records[1]["Width (cm)"] == "62.3"

    pdf = print_pdf(page, tmp_path)
    assert "Bullfight Scene" in pdf
    assert "Guitare" in pdf
    assert "Ask Tate for the frame" in pdf
    assert "Save note" not in pdf  # controls are not printed
    assert "62.3" in pdf

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


@pytest.mark.parametrize("path", ["/", "/checklists/", "/tate/object/T06803"])
def test_no_serious_accessibility_violations(page: Page, live: Live, path: str) -> None:
    """The query UI, an entity page and the list of checklists; the checklist pages
    themselves are checked inside the flow."""
    page.goto(live.url + path)
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
