"""The query UI and an entity page in a real headless Chromium (Debian's ``chromium``), driven
by Playwright with ``executable_path`` — Playwright's own browser download is never used.

The checks read the DOM: YASGUI is on the page, an example query runs against the endpoint
and its result rows are in the table; an entity page shows its title, image, partner and
links that lead to other entity pages. All of it under the Content-Security-Policy the
endpoint sends: any violation the browser reports fails the test.

Nothing leaves this machine: every request the page makes to a host other than 127.0.0.1 or
localhost is aborted, and a test during which one was attempted fails — unless the test
expects exactly that request (an entity page shows its partner's image from the partner's
own server; the request is aborted all the same).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from museion import load_config
from sparql.security import CONTENT_SECURITY_POLICY
from tests.helpers.browser import Outside, chromium, guarded_page
from tests.helpers.endpoint import (
    Live,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = write_two_partner_config(tmp_path_factory.mktemp("browser"))
    harvest_and_publish(load_config(path))
    with live_endpoint(path, "--query-processes", "2") as server:
        yield server


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


@pytest.fixture
def outside() -> Outside:
    return Outside()


@pytest.fixture
def page(browser: BrowserContext, outside: Outside) -> Iterator[Page]:
    with guarded_page(browser, outside) as page:
        yield page


def test_query_ui_runs_an_example_query(page: Page, live: Live) -> None:
    response = page.goto(live.url + "/")
    assert response is not None
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY  # and it works
    expect(page.locator(".yasgui .yasqe")).to_be_visible()  # YASGUI loaded, from /static
    expect(page.locator(".yasgui input.autocomplete").first).to_have_value(live.sparql)
    page.select_option("#examples", label="Objects per partner")
    table = page.locator(".yasr table tbody tr")
    expect(table.first).to_be_visible(timeout=30_000)
    text = page.locator(".yasr table").inner_text()
    assert "Tate" in text
    assert "Carnegie Museum of Art" in text
    assert table.count() == 2
    assert "How many objects each partner contributes" in page.inner_text("#example-description")


def test_query_link_opens_and_runs_in_the_ui(page: Page, live: Live) -> None:
    page.goto(
        live.url
        + "/?query="
        + "SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20a%20crm%3AE21_Person%20%7D%20LIMIT%203"
    )
    rows = page.locator(".yasr table tbody tr")
    expect(rows.first).to_be_visible(timeout=30_000)
    assert rows.count() == 3


def test_entity_page_shows_title_image_partner_and_links(
    page: Page, live: Live, outside: Outside
) -> None:
    iri = "https://data.example.org/tate/object/T06803"
    picture = "http://www.tate.org.uk/art/images/work/T/T06/T06803_8.jpg"
    outside.expected.add(picture)  # the partner's image, from the partner (aborted here)
    outside.image_hosts.add("collection.cmoa.org")  # the artist's page: the other partner's
    response = page.goto(live.iri_url(iri))
    assert response is not None
    assert response.status == 200
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    expect(page.locator("h1#label")).to_have_text("Bullfight Scene")
    assert page.title().startswith("Bullfight Scene")
    image = page.locator(".images img").first
    assert image.get_attribute("src") == picture
    partner = page.locator("#lender a").first
    expect(partner).to_have_text("Tate")
    assert partner.get_attribute("href") == "/partner/tate"
    expect(page.locator("#dates")).to_contain_text("1960")
    query_link = page.locator("#query-this")
    assert "T06803" in (query_link.get_attribute("href") or "")
    # a link to the artist leads to the artist's page, which lists the work
    page.locator("a", has_text="Pablo Picasso").first.click()
    expect(page.locator("h1#label")).to_have_text("Pablo Picasso")
    expect(page.locator("#works")).to_contain_text("Bullfight Scene")


def test_unknown_entity_page_is_404(page: Page, live: Live) -> None:
    response = page.goto(live.url + "/tate/object/no-such-thing")
    assert response is not None
    assert response.status == 404
    expect(page.locator("#message")).to_contain_text("no description")


def test_the_void_link_in_the_header_opens_a_page(page: Page, live: Live, outside: Outside) -> None:
    outside.image_hosts.update(("www.tate.org.uk", "collection.cmoa.org"))  # partners' images
    page.goto(live.iri_url("https://data.example.org/tate/object/T06803"))
    page.locator("header nav.site a", has_text="Datasets").click()
    expect(page.locator("h1")).to_have_text("Datasets")  # a page, not a downloaded file
    assert page.url == live.url + "/.well-known/void"
    tate = page.locator('tr[data-iri="https://data.example.org/dataset/tate"]')
    expect(tate).to_contain_text("Tate")
    # entities, not the 36 records (the cell groups thousands; its data-value is the count)
    assert int(str(tate.locator(".entities").get_attribute("data-value"))) > 36
    tate.locator("a", has_text="Tate").first.click()
    expect(page.locator("p.kind")).to_have_text("Dataset")  # its page
