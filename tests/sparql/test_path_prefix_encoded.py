"""A site under a path that is percent-encoded in its base IRI
(``https://example.org/mus%C3%A9e/``), behind the same reverse proxy as
``test_path_prefix``: browsers send the path encoded, the server matches it decoded
(``/musée/``), and the IRIs Museion mints keep the encoded spelling.

The site was not served at all there: its routes were mounted under the encoded spelling,
which no decoded request path matches, so every page, ``/sparql`` and every object answered
404 and ``museion serve`` never came up for a client that waits for it.
"""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
import requests

from museion import load_config
from tests.helpers.endpoint import (
    Live,
    harvest_and_publish,
    live_endpoint,
    write_two_partner_config,
)
from tests.helpers.proxy import Proxy, reverse_proxy
from tests.sparql.test_path_prefix import UnderThePrefix

BASE = "https://example.org/mus%C3%A9e/"
PREFIX = "/mus%C3%A9e/"
CURATOR = "curator-token-0123456789abcdef"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("encoded-prefix")
    path = write_two_partner_config(
        folder,
        BASE,
        extra=f'\n[endpoint]\ntrusted_proxies = ["127.0.0.1"]\n[workspace]\ntoken = "{CURATOR}"\n',
    )
    harvest_and_publish(load_config(path))
    with live_endpoint(path, "--query-processes", "2") as server:
        yield server


@pytest.fixture(scope="module")
def proxy(live: Live) -> Iterator[Proxy]:
    with reverse_proxy(live.url, PREFIX) as running:
        yield running


def test_every_page_link_style_sheet_and_script_answers_under_an_encoded_prefix(
    proxy: Proxy,
) -> None:
    report = UnderThePrefix(proxy, PREFIX, BASE).crawl(["", "search", "sources/", "checklists/"])
    broken = "\n".join(str(b) for b in report.broken[:30])
    assert not report.broken, f"{len(report.broken)} broken links:\n{broken}"
    assert report.kinds[PREFIX + "tate#4"] > 0  # object pages were read
    assert report.pages > 20
    assert proxy.outside == []


def test_sparql_answers_with_the_iris_as_minted_under_an_encoded_prefix(proxy: Proxy) -> None:
    endpoint = proxy.url + PREFIX + "sparql"
    asked = requests.post(
        endpoint,
        data={
            "query": "SELECT ?o (<#x> AS ?here) WHERE { ?o a crm:E22_Human-Made_Object } LIMIT 1"
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert asked.status_code == 200, asked.text
    row = asked.json()["results"]["bindings"][0]
    assert row["o"]["value"].startswith(BASE)  # the minted IRIs: encoded
    assert row["here"]["value"] == endpoint + "#x"  # the endpoint as a client spells it
    described = requests.get(endpoint, headers={"Accept": "text/turtle"}, timeout=30).text
    assert f"sd:endpoint <{endpoint}>" in described
    page = requests.get(proxy.url + PREFIX, timeout=30).text
    assert f'value="{endpoint}"' in page or endpoint in page  # the query UI's endpoint


def test_an_object_answers_at_its_iri_and_a_raw_spelling_is_sent_there(
    proxy: Proxy, live: Live
) -> None:
    found = requests.get(
        proxy.url + PREFIX + "tate/object/T06803", headers={"Accept": "text/turtle"}, timeout=30
    )
    assert found.status_code == 200, found.text
    assert f"<{BASE}tate/object/T06803>" in found.text
    # a lower-case spelling, sent as is (requests would write it in upper case)
    connection = http.client.HTTPConnection(urlsplit(live.url).netloc, timeout=30)
    connection.request("GET", PREFIX.lower() + "tate/object/T06803")
    lower = connection.getresponse()
    assert lower.status == 301
    assert lower.getheader("location") == PREFIX + "tate/object/T06803"
    connection.close()
    moved = requests.get(live.url + "/search?q=x", allow_redirects=False, timeout=30)
    assert moved.status_code == 308
    assert moved.headers["location"].endswith(PREFIX + "search?q=x")


def test_a_curator_signs_in_and_comes_back_under_an_encoded_prefix(proxy: Proxy) -> None:
    curator = requests.Session()
    listed = curator.get(proxy.url + PREFIX + "checklists/", timeout=30).text
    link = re.search(r'href="([^"]*sign-in\?next=[^"]*)"', listed)
    assert link, listed
    form = curator.get(proxy.url + link.group(1).replace("&amp;", "&"), timeout=30).text
    sent_back = re.search(r'name="next" value="([^"]*)"', form)
    assert sent_back
    assert quote(sent_back.group(1), safe="/%") == PREFIX + "checklists/"
    signed = curator.post(
        proxy.url + PREFIX + "checklists/sign-in",
        data={"token": CURATOR, "next": sent_back.group(1)},
        headers={"Origin": proxy.url},
        allow_redirects=False,
        timeout=30,
    )
    assert signed.status_code == 303, signed.text
    assert signed.headers["location"] == PREFIX + "checklists/"
    assert f"Path={PREFIX};" in signed.headers["set-cookie"]
    out = requests.post(
        proxy.url + PREFIX + "checklists/sign-in",
        data={"token": CURATOR, "next": "/museion/checklists/"},
        headers={"Origin": proxy.url},
        allow_redirects=False,
        timeout=30,
    )
    assert out.headers["location"] == PREFIX + "checklists/"  # another site's path: not followed
