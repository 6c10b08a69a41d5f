"""A site under a path: ``base_iri = "https://example.org/museion/"``, served by a live
``museion serve`` behind a real reverse proxy that passes ``/museion/`` only (nginx's
``location /museion/ { proxy_pass http://127.0.0.1:PORT; }``, with ``X-Forwarded-*``).

The query UI, ``/sparql``, the search, the partner reports, an upload, VoID, the
reconciliation service and every page's style sheet and links must all work through that one
rule. They used to live at the host's root whatever the base IRI said: through the proxy the
query UI, SPARQL and search were 404 and the object pages came without their style sheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import BrowserContext, Page, expect

from museion import load_config
from tests.conftest import files_source
from tests.helpers.browser import Outside, chromium, guarded_page
from tests.helpers.endpoint import (
    FEEDS,
    Live,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)
from tests.helpers.linkcheck import LinkChecker
from tests.helpers.proxy import Proxy, reverse_proxy

BASE = "https://example.org/museion/"
PREFIX = "/museion/"
TOKEN = "partner-upload-token-0123456789"
CURATOR = "curator-token-0123456789abcdef"
CLIENT = "203.0.113.7"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("prefix")
    uploads = files_source("small-museum", FEEDS / "cmoa", "cmoa", label="Small Museum")
    path = write_two_partner_config(
        folder,
        BASE,
        extra=f'\n[endpoint]\ntrusted_proxies = ["127.0.0.1"]\n[workspace]\ntoken = "{CURATOR}"\n',
        more=[f'{uploads}\ntoken = "{TOKEN}"'],
    )
    harvest_and_publish(load_config(path))
    with live_endpoint(path, "--query-processes", "2") as server:
        yield server


@pytest.fixture(scope="module")
def proxy(live: Live) -> Iterator[Proxy]:
    with reverse_proxy(live.url, PREFIX, client=CLIENT) as running:
        yield running


class UnderThePrefix(LinkChecker):
    """A link to the proxy's host outside the prefix reaches no Museion page: broken, not
    external (the checker only checks the form of links to other sites)."""

    def __init__(self, proxy: Proxy, prefix: str = PREFIX, base: str = BASE) -> None:
        super().__init__(proxy.url + prefix, [base], workers=2, variants_per_kind=2)
        self.host = proxy.url
        self.prefix = prefix

    def _check_external(self, link: str, page: str) -> None:
        if (link.startswith("/") and not link.startswith("//")) or link.startswith(self.host):
            self._broken(link, f"outside the site's path {self.prefix}", page)
            return
        super()._check_external(link, page)


def test_every_page_link_style_sheet_and_script_answers_under_the_prefix(proxy: Proxy) -> None:
    report = UnderThePrefix(proxy).crawl(["", "search", "sources/", "checklists/"])
    broken = "\n".join(str(b) for b in report.broken[:30])
    assert not report.broken, f"{len(report.broken)} broken links:\n{broken}"
    assert report.kinds["/museion/tate#4"] > 0  # object pages were read
    assert report.pages > 20
    assert proxy.outside == []


def test_sparql_and_its_descriptions_answer_under_the_prefix(proxy: Proxy, live: Live) -> None:
    endpoint = proxy.url + PREFIX + "sparql"
    asked = requests.post(
        endpoint,
        data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?o a crm:E22_Human-Made_Object }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert asked.status_code == 200
    assert int(asked.json()["results"]["bindings"][0]["n"]["value"]) > 0
    described = requests.get(endpoint, headers={"Accept": "text/turtle"}, timeout=30).text
    assert f"sd:endpoint <{endpoint}>" in described  # where clients reach it: the proxy's URL
    assert f"<{BASE}.well-known/void#museion>" in described
    browser = requests.get(endpoint, headers={"Accept": "text/html"}, allow_redirects=False)
    assert browser.status_code == 303
    assert browser.headers["location"] == PREFIX  # a browser is sent to the query UI
    service = requests.get(proxy.url + PREFIX + "reconcile", timeout=30).json()
    assert service["preview"]["url"].startswith(proxy.url + PREFIX + "reconcile/preview?")
    assert CLIENT in live.read_log()  # the proxy is trusted: the client's address is logged


@pytest.mark.parametrize("sent_to", ["", "sparql"])
def test_relative_iris_resolve_against_the_endpoint_under_the_prefix(
    proxy: Proxy, sent_to: str
) -> None:
    """A query sent to the site's root (SPARQLWrapper pointed at the base URL) is answered as
    ``/sparql`` answers it, relative IRIs included: under a prefix they resolved against
    ``/museion/``, the UI's address, as only a path of ``/`` was taken for the UI's."""
    answer = requests.post(
        proxy.url + PREFIX + sent_to,
        data={"query": "SELECT * WHERE { BIND(<> AS ?a) BIND(<#x> AS ?b) BIND(<?x> AS ?c) }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    row = answer.json()["results"]["bindings"][0]
    endpoint = proxy.url + PREFIX + "sparql"
    assert [row[v]["value"] for v in "abc"] == [endpoint, endpoint + "#x", endpoint + "?x"]


def test_the_server_itself_sends_its_root_paths_under_the_prefix(live: Live) -> None:
    """Reached without the proxy, the site's own paths are redirected under the prefix (308:
    a POST to /sparql stays a POST); a path under no prefix names no IRI Museion mints."""
    for path, target in [("/", PREFIX), ("/museion", PREFIX), ("/sparql?x=1", "/museion/sparql")]:
        moved = requests.get(live.url + path, allow_redirects=False, timeout=30)
        assert moved.status_code == 308, path
        assert urlsplit(moved.headers["location"]).path == target
    posted = requests.post(live.url + "/sparql", data={"query": "ASK {}"}, timeout=30)
    assert posted.status_code == 200
    assert posted.json()["boolean"] is True
    assert requests.get(live.url + "/tate/object/T06803", timeout=30).status_code == 404


def test_a_partner_uploads_under_the_prefix(proxy: Proxy, tmp_path: Path) -> None:
    page = requests.get(proxy.url + PREFIX + "sources/small-museum", timeout=30).text
    assert 'action="/museion/sources/small-museum/upload"' in page
    sample = next(iter(sorted((FEEDS / "cmoa").glob("*.json"))))
    with sample.open("rb") as handle:
        sent = requests.post(
            proxy.url + PREFIX + "sources/small-museum/upload",
            headers={"Authorization": f"Bearer {TOKEN}", "Origin": proxy.url},
            files={"files": (sample.name, handle, "application/json")},
            timeout=60,
        )
    assert sent.status_code == 202, sent.text
    url = sent.json()["url"]
    assert url.startswith("/museion/sources/small-museum/uploads/")
    assert sent.headers["location"] == url
    assert requests.get(proxy.url + url, params={"format": "json"}, timeout=30).status_code == 200


def test_a_curator_s_sign_in_stays_with_the_site_under_its_prefix(proxy: Proxy) -> None:
    """The curator's session cookie is for the site's path alone: with ``Path=/`` a browser
    sent it to every other site of the host (it opens the checklists as the token does), and
    two Museion sites on one host signed each other out."""
    curator = requests.Session()
    site = proxy.url + PREFIX
    signed = curator.post(
        site + "checklists/sign-in",
        data={"token": CURATOR, "next": PREFIX + "checklists/"},
        headers={"Origin": proxy.url},
        allow_redirects=False,
        timeout=30,
    )
    assert signed.status_code == 303, signed.text
    assert signed.headers["location"] == PREFIX + "checklists/"
    assert "Path=/museion/;" in signed.headers["set-cookie"]

    def sent_to(url: str) -> str:
        return curator.prepare_request(requests.Request("GET", url)).headers.get("Cookie", "")

    assert "museion_curator=" in sent_to(site + "checklists/")
    assert sent_to(proxy.url + "/wiki/") == ""  # another site of the host
    made = curator.post(
        site + "checklists/",
        data={"name": "Under the prefix"},
        headers={"Origin": proxy.url},
        allow_redirects=False,
        timeout=30,
    )
    assert made.status_code == 303, made.text  # signed in: the cookie came back
    out = curator.post(
        site + "checklists/sign-out", headers={"Origin": proxy.url}, allow_redirects=False
    )
    assert out.status_code == 303
    assert "Path=/museion/;" in out.headers["set-cookie"]
    assert "museion_curator=" not in sent_to(site + "checklists/")


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "https://other.example/",
        "javascript:alert(1)",
        "/wiki/",  # another site of the host
        "/museionx/",
        "/museion/../wiki/",
        "/museion/%2e%2e/wiki/",
        "",
    ],
)
def test_a_curator_is_sent_nowhere_but_under_the_site_after_signing_in(
    proxy: Proxy, target: str
) -> None:
    """``next`` is followed only to a path of the site under its prefix: a link that reaches a
    curator from elsewhere must not turn the sign-in page into a way off the site, to another
    host or to another site of the same host. The sign-in form carries the same check."""
    site = proxy.url + PREFIX
    form = requests.get(site + "checklists/sign-in", params={"next": target}, timeout=30)
    assert form.status_code == 200
    assert f'name="next" value="{PREFIX}checklists/"' in form.text, target
    signed = requests.post(
        site + "checklists/sign-in",
        data={"token": CURATOR, "next": target},
        headers={"Origin": proxy.url},
        allow_redirects=False,
        timeout=30,
    )
    assert signed.status_code == 303, signed.text
    assert signed.headers["location"] == PREFIX + "checklists/", target


def test_a_curator_comes_back_to_the_page_they_signed_in_from(proxy: Proxy) -> None:
    back = PREFIX + "checklists/abc?done=added#item-1"
    signed = requests.post(
        proxy.url + PREFIX + "checklists/sign-in",
        data={"token": CURATOR, "next": back},
        headers={"Origin": proxy.url},
        allow_redirects=False,
        timeout=30,
    )
    assert signed.status_code == 303, signed.text
    assert signed.headers["location"] == back


def test_the_reader_s_language_is_remembered_for_the_site_alone(proxy: Proxy) -> None:
    """The language a reader chose is kept in a cookie for the site's path, as the curator's
    session is: with ``Path=/`` it went to every site of the host, and two Museion sites on
    one host each took the other's choice."""
    reader = requests.Session()
    page = reader.get(proxy.url + PREFIX + "search", params={"lang": "fr"}, timeout=30)
    assert page.status_code == 200
    chosen = [c for c in reader.cookies if c.name == "museion_lang"]
    assert [(c.value, c.path) for c in chosen] == [("fr", "/museion/")]
    again = reader.get(proxy.url + PREFIX + "search", timeout=30)
    assert again.headers["content-language"] == "fr"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    with guarded_page(browser, Outside()) as opened:
        yield opened


def test_the_query_ui_runs_a_query_under_the_prefix(page: Page, proxy: Proxy) -> None:
    page.goto(proxy.url + PREFIX)
    expect(page.locator(".yasgui .yasqe")).to_be_visible()  # YASGUI's script and style came
    endpoint = page.locator(".yasgui input.autocomplete").first
    expect(endpoint).to_have_value(proxy.url + PREFIX + "sparql")
    page.select_option("#examples", label="Objects per partner")
    rows = page.locator(".yasr table tbody tr")
    expect(rows.first).to_be_visible(timeout=30_000)
    assert "Tate" in page.locator(".yasr table").inner_text()
    sheets = page.evaluate("() => [...document.styleSheets].map((s) => s.href || '')")
    assert any(re.search(r"/museion/static/museion\.css$", s) for s in sheets)
    assert proxy.outside == []
