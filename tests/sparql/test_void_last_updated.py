"""The datasets page (``/.well-known/void``) dates each partner's data by the run that last
changed it, whatever that run was.

Its column said "Last harvested" ("Dernier moissonnage", "آخر حصاد") above the date of a
partner's upload as well: the date is ``dcterms:modified``, when the data last changed, written
by a harvest, an upload or a remap. The column now says "Last updated", and beside the date how
the run came about, where the snapshot's manifest keeps it. The RDF is unchanged.

Carnegie (``cmoa``) is harvested from its folder; Hunt (``hunt``) sends the same kind of files
as an upload.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
import requests
from lxml import html
from rdflib import Graph, URIRef

from museion import load_config
from museion.commands.common import run_harvest
from tests.helpers.endpoint import Live, live_endpoint
from tests.helpers.samples import sample_feeds
from tests.helpers.uploads import upload_files, upload_source

BASE = "https://data.example.org/"
HTML = "text/html,application/xhtml+xml,*/*;q=0.8"
DCTERMS_MODIFIED = URIRef("http://purl.org/dc/terms/modified")
COLUMN = {"en": "Last updated", "fr": "Dernière mise à jour", "ar": "آخر تحديث"}
HARVESTED = {"en": "Last harvested", "fr": "Dernier moissonnage", "ar": "آخر حصاد"}
BY = {
    "en": {"cmoa": "by harvest", "hunt": "by upload"},
    "fr": {"cmoa": "par moissonnage", "hunt": "par envoi"},
    "ar": {"cmoa": "بالحصاد", "hunt": "بالإرسال"},
}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("void-updated")
    feed = folder / "cmoa-feed"
    feed.mkdir()
    files = sorted((sample_feeds() / "cmoa").glob("*.json"))
    for path in files[:3]:
        shutil.copy(path, feed)
    (folder / "hunt-feed").mkdir()  # Hunt sends its files
    config_path = folder / "museion.toml"
    head = f'[store]\npath = "store"\n[publish]\nbase_iri = "{BASE}"\n'
    cmoa = upload_source("cmoa", feed, "Carnegie Museum of Art", "cmoa-upload-token-9876543210")
    hunt = upload_source(
        "hunt", folder / "hunt-feed", "Hunt Museum", "hunt-upload-token-0123456789"
    )
    config_path.write_text(head + cmoa + hunt, encoding="utf-8")
    [harvested] = run_harvest(load_config(config_path), ("cmoa",))
    assert harvested.status == "published"
    uploaded = upload_files(load_config(config_path), "hunt", files[3:6])
    assert (uploaded.status, uploaded.wrote_nothing) == ("published", False)
    with live_endpoint(config_path) as server:
        yield server


def _cells(page: str) -> dict[str, str]:
    """Each dataset's "last updated" cell, as a reader sees it."""
    document = html.fromstring(page)
    return {
        str(tr.get("data-iri")).rsplit("/", 1)[-1]: " ".join(
            "".join(str(t) for t in tr.cssselect("td.updated")[0].itertext()).split()
        )
        for tr in document.cssselect("#datasets tbody tr")
    }


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_datasets_page_dates_an_upload_as_an_update_not_a_harvest(
    live: Live, lang: str
) -> None:
    answer = requests.get(
        live.url + "/.well-known/void", params={"lang": lang}, headers={"Accept": HTML}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    document = html.fromstring(answer.text)
    headings = [
        " ".join("".join(str(t) for t in th.itertext()).split())
        for th in document.cssselect("#datasets th")
    ]
    assert headings[-1] == COLUMN[lang]
    assert HARVESTED[lang] not in answer.text
    cells = _cells(answer.text)
    assert set(cells) == {"cmoa", "hunt"}
    for source, by in BY[lang].items():
        assert cells[source].endswith(by), cells
        assert cells[source][:4].isdigit()  # the date first
    labels = {td.get("data-label") for td in document.cssselect("td.updated")}
    assert labels == {COLUMN[lang]}  # what a phone shows beside each stacked cell


def test_the_void_rdf_still_says_when_each_dataset_was_modified(live: Live) -> None:
    """The page's words changed, not the data: each source's ``dcterms:modified`` is there,
    an upload's as a harvest's."""
    answer = requests.get(live.url + "/.well-known/void?format=ttl", timeout=60)
    graph = Graph().parse(data=answer.text, format="turtle")
    for source in ("cmoa", "hunt"):
        [modified] = list(graph.objects(URIRef(f"{BASE}dataset/{source}"), DCTERMS_MODIFIED))
        assert str(modified)[:4].isdigit()
