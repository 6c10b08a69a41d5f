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

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from lxml import html

from museion import Pipeline, load_config
from museion.demo import demo_config
from publish import RunKind
from sparql import i18n, report_html
from sparql.report_files import report_link
from tests.helpers.endpoint import Live, harvest_and_publish, live_endpoint
from tests.helpers.samples import sample_feeds
from tests.helpers.uploads import upload_files

HTML = "text/html,application/xhtml+xml,*/*;q=0.8"
REMAP = {
    "en": "Remap report",
    "fr": "Rapport de nouvelle conversion",
    "ar": "تقرير إعادة التحويل",
}
HARVEST = {"en": "Harvest report", "fr": "Rapport de moissonnage", "ar": "تقرير الحصاد"}
UPLOAD = {"en": "Upload report", "fr": "Rapport d’envoi", "ar": "تقرير الإرسال"}


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


# -- an upload ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def uploaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Tate harvested from its folder; Carnegie harvested, then sent its files as an upload
    (as ``POST /sources/cmoa/upload`` keeps them and ``museion upload --stored`` runs them)."""
    folder = tmp_path_factory.mktemp("upload-link")
    feeds = {"tate": folder / "tate-feed", "cmoa": folder / "cmoa-feed"}
    for feed in feeds.values():
        feed.mkdir()
    shutil.copy(sorted((sample_feeds() / "tate" / "artworks").glob("*.json"))[0], feeds["tate"])
    sent = sorted((sample_feeds() / "cmoa").glob("*.json"))[:3]
    for path in sent:
        shutil.copy(path, feeds["cmoa"])
    config_path = folder / "museion.toml"
    labels = {"tate": "Tate", "cmoa": "Carnegie Museum of Art"}
    text = '[store]\npath = "store"\n[publish]\nbase_iri = "https://data.example.org/"\n'
    for name, feed in feeds.items():
        text += f"""
[[sources]]
name = "{name}"
kind = "files"
location = "{feed.as_posix()}"
mapping = "{name}"
[sources.partner]
label = "{labels[name]}"
"""
    config_path.write_text(text, encoding="utf-8")
    config = load_config(config_path)
    harvest_and_publish(config)
    assert upload_files(config, "cmoa", sent).status == "published"
    with live_endpoint(config_path) as live:
        yield live


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_an_upload_s_report_is_linked_as_an_upload_s(uploaded: Live, lang: str) -> None:
    """A partner that sends its files (``POST /sources/NAME/upload``) read on the partners
    list and on its page that its latest report was the "Harvest report": the report did not
    say how its run came about, so every run but a remap was taken for a harvest. The report
    says it (``run.kind``), and the links name it."""
    listed = _get(uploaded, "/sources/", lang=lang).text
    assert _link(listed, "#partners a.report", "/sources/cmoa") == UPLOAD[lang]
    assert _link(listed, "#partners a.report", "/sources/tate") == HARVEST[lang]
    cmoa = _get(uploaded, "/partner/cmoa", **{"Accept-Language": lang}).text
    assert _link(cmoa, "#report") == UPLOAD[lang]
    assert _link(_get(uploaded, "/partner/tate", lang=lang).text, "#report") == HARVEST[lang]
    # the page the link leads to says so too, beside the run
    report = html.fromstring(_get(uploaded, "/sources/cmoa", lang=lang).text)
    [said] = report.cssselect("#uploaded")
    assert "".join(str(t) for t in said.itertext()) == i18n.translate("upload of your files", lang)
    assert not html.fromstring(_get(uploaded, "/sources/tate", lang=lang).text).cssselect(
        "#uploaded"
    )


def test_a_report_says_how_its_run_came_about(uploaded: Live) -> None:
    kinds = {
        name: _get(uploaded, f"/sources/{name}", Accept="application/json").json()["run"]["kind"]
        for name in ("cmoa", "tate")
    }
    assert kinds == {"cmoa": "upload", "tate": "harvest"}


@pytest.mark.parametrize(
    ("run", "failed", "link"),
    [
        ({"kind": "upload", "remap": False}, False, "Upload report"),
        ({"kind": "remap", "remap": True}, False, "Remap report"),
        ({"kind": "harvest", "remap": False}, False, "Harvest report"),
        ({"kind": "upload", "remap": False}, True, "Harvest report"),  # opens with the failure
        # reports written before the kind was said: a remap's said "remap", any other nothing
        ({"remap": True}, False, "Remap report"),
        ({"remap": False}, False, "Harvest report"),
        ({"kind": "unheard-of", "remap": False}, False, "Harvest report"),
        (None, False, "Harvest report"),
    ],
)
def test_the_link_to_a_report_names_its_run(run: object, failed: bool, link: str) -> None:
    assert report_link(run, failed=failed) == link


def test_a_report_from_before_the_kind_was_said_still_renders(uploaded: Live) -> None:
    """A report kept from an earlier Museion has ``run.remap`` and no ``run.kind``: a remap's
    is still named a remap, any other's a harvest (an upload's could not be told)."""
    report = _get(uploaded, "/sources/cmoa", Accept="application/json").json()
    run = {k: v for k, v in report["run"].items() if k != "kind"}
    for remap in (True, False):
        old = {**report, "run": {**run, "remap": remap}}
        for lang in ("en", "fr", "ar"):
            page = html.fromstring(report_html(old, lang))
            said = i18n.translate("remap of stored records", lang) in "".join(
                str(t) for t in page.itertext()
            )
            assert said is remap
            assert not page.cssselect("#uploaded")
    assert {kind.value for kind in RunKind} == {"harvest", "upload", "remap"}
