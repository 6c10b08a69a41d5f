"""The partner pages link to a partner's latest report by what its run was.

``museion remap`` maps a source's stored records again and reads no feed, yet the partners
list and the partner's page linked its report as the "Harvest report": a partner read that
its feed had been harvested when it had not been read at all. The link says what the run
was, in the words the report page uses ("remap of stored records": "Remap report"), in the
reader's language; a harvest's report stays the "Harvest report".

The demo's two partners, harvested; then Carnegie's records remapped while the server runs.
The mapping did not change, so the remap publishes no new snapshot: the partner page a
browser kept from before it must not be revalidated as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from lxml import html

from museion import Pipeline, load_config
from museion.demo import demo_config
from sparql import i18n
from tests.helpers.endpoint import Live, harvest_and_publish, live_endpoint

HTML = "text/html,application/xhtml+xml,*/*;q=0.8"
REMAP = {
    "en": "Remap report",
    "fr": "Rapport de nouvelle correspondance",
    "ar": "تقرير إعادة التحويل",
}
HARVEST = {"en": "Harvest report", "fr": "Rapport de moissonnage", "ar": "تقرير الحصاد"}


@dataclass
class Remapped:
    live: Live
    etag: str
    """The ETag of Carnegie's partner page (English) before the remap."""


@pytest.fixture(scope="module")
def remapped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remapped]:
    config = demo_config(Path(tmp_path_factory.mktemp("remap-link")))
    harvest_and_publish(load_config(config.path))
    with live_endpoint(config.path) as live:
        before = _get(live, "/partner/cmoa", lang="en")
        assert _link(before.text, "#report") == "Harvest report"
        summary = Pipeline(load_config(config.path)).remap("cmoa")
        assert summary is not None
        assert (summary.remap, summary.wrote_nothing) == (True, True)  # no new snapshot
        yield Remapped(live, before.headers["ETag"])


def _get(live: Live, path: str, lang: str | None = None, **headers: str) -> requests.Response:
    params = {"lang": lang} if lang else {}
    answer = requests.get(
        live.url + path, params=params, headers={"Accept": HTML, **headers}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    return answer


def _link(page: str, selector: str, href: str = "") -> str:
    """The text of the link ``selector`` (to ``href``, if given)."""
    found = [
        " ".join("".join(str(t) for t in a.itertext()).split())
        for a in html.fromstring(page).cssselect(selector)
        if not href or a.get("href") == href
    ]
    assert len(found) == 1, (selector, href, found)
    return found[0]


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_partners_list_names_each_latest_report_by_its_run(
    remapped: Remapped, lang: str
) -> None:
    page = _get(remapped.live, "/sources/", lang=lang).text
    assert _link(page, "#partners a.report", "/sources/cmoa") == REMAP[lang]
    assert _link(page, "#partners a.report", "/sources/tate") == HARVEST[lang]
    # and the page the link leads to names the run as the link did
    report = _get(remapped.live, "/sources/cmoa", lang=lang).text
    assert i18n.translate("remap of stored records", lang) in report


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_partner_s_page_names_its_latest_report_by_its_run(remapped: Remapped, lang: str) -> None:
    cmoa = _get(remapped.live, "/partner/cmoa", **{"Accept-Language": lang}).text
    assert _link(cmoa, "#report") == REMAP[lang]
    tate = _get(remapped.live, "/partner/tate", lang=lang).text
    assert _link(tate, "#report") == HARVEST[lang]


def test_a_partner_page_kept_from_before_a_remap_is_answered_again(remapped: Remapped) -> None:
    """The remap published no new snapshot, and the page's validators were the snapshot's:
    a browser asking again with the tag it kept got 304, and went on calling the remap's
    report a harvest's."""
    again = requests.get(
        remapped.live.url + "/partner/cmoa",
        params={"lang": "en"},
        headers={"Accept": HTML, "If-None-Match": remapped.etag},
        timeout=60,
    )
    assert again.status_code == 200
    assert _link(again.text, "#report") == "Remap report"
    kept = requests.get(
        remapped.live.url + "/partner/cmoa",
        params={"lang": "en"},
        headers={"Accept": HTML, "If-None-Match": again.headers["ETag"]},
        timeout=60,
    )
    assert kept.status_code == 304  # and the new page is kept until the next run
