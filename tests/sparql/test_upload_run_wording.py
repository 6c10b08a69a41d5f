"""What a partner that uploads its files reads of its runs: never a harvest it did not have.

Two things still spoke of a harvest after reports said how their run came about (``run.kind``):

- a source that takes uploads and has had no run yet was listed on the partners list with a
  link to its "Harvest report", and the page it led to (its upload form) said "Nothing
  harvested yet.": there was no report, and such a partner may have no feed to harvest. The
  list now links to its "Upload form" and says it has no report yet; the page says so too.
  Both named the partner by its source's name ("hunt"): they now give its label.
- a source whose only upload failed was listed the same way, "no report yet" and its upload
  form, as if it had sent nothing: the partner was not told that its files had come and their
  run failed. It is now listed as failed, when, with a link "Why the upload failed" to the
  upload's page, which says why and what it can do.
- an upload whose records had not changed, published in a new snapshot all the same (the
  working store held an update no snapshot held yet), was told "They are in the new snapshot
  this harvest published:". It now says "this upload published", in English, French and
  Arabic.

Carnegie (``cmoa``) harvested from its folder, an update left unpublished (its process died
before the publish), then the same files sent as an upload; Hunt (``hunt``) takes uploads and
has sent none; the Ashmolean (``ashm``) sent files whose run failed (the data directory's
writer lock could not be opened).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from lxml import html

from museion import Workspace, load_config
from museion.commands.common import run_harvest
from museion.uploads import run_upload, upload_store
from museion_core import messages
from museion_core.errors import StoreError
from sparql import i18n, report_html
from store import Store
from tests.helpers.endpoint import Live, live_endpoint
from tests.helpers.samples import sample_feeds
from tests.helpers.uploads import upload_files, upload_source

BASE = "https://data.example.org/"
HTML = "text/html,application/xhtml+xml,*/*;q=0.8"
UPLOAD_PUBLISHED = {
    "en": "They are in the new snapshot this upload published:",
    "fr": "Elles figurent dans le nouvel instantané que cet envoi a publié :",
    "ar": "وهي في اللقطة الجديدة التي نشرها هذا الإرسال:",
}
HARVEST_PUBLISHED = {"en": "this harvest published", "fr": "ce moissonnage", "ar": "هذا الحصاد"}
FORM = {"en": "Upload form", "fr": "Formulaire d’envoi", "ar": "نموذج الإرسال"}
NO_REPORT = {"en": "no report yet", "fr": "pas encore de rapport", "ar": "لا تقرير بعد"}
NO_REPORT_PAGE = {"en": "No report yet.", "fr": "Pas encore de rapport.", "ar": "لا تقرير بعد."}
HARVEST = {"en": "Harvest report", "fr": "Rapport de moissonnage", "ar": "تقرير الحصاد"}
WHY_UPLOAD = {
    "en": "Why the upload failed",
    "fr": "Pourquoi l’envoi a échoué",
    "ar": "سبب فشل الإرسال",
}
FAILED = {"en": "failed", "fr": "échoué", "ar": "فشل"}


@dataclass
class Sent:
    live: Live
    report: dict[str, object]
    """Carnegie's upload's report, as the run wrote it."""
    failed_upload: str
    """The id of the Ashmolean's upload, whose run failed."""
    failed_at: str
    """When it failed, as its status says it (ISO 8601)."""


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sent]:
    folder = tmp_path_factory.mktemp("upload-wording")
    feed = folder / "cmoa-feed"
    feed.mkdir()
    files = sorted((sample_feeds() / "cmoa").glob("*.json"))[:3]
    for path in files:
        shutil.copy(path, feed)
    (folder / "hunt-feed").mkdir()  # Hunt's location holds nothing: it sends its files
    config_path = folder / "museion.toml"
    head = f'[store]\npath = "store"\n[publish]\nbase_iri = "{BASE}"\n'
    hunt = upload_source(
        "hunt", folder / "hunt-feed", "Hunt Museum", "hunt-upload-token-0123456789"
    )
    cmoa = upload_source("cmoa", feed, "Carnegie Museum of Art", "cmoa-upload-token-9876543210")
    ashm = upload_source("ashm", folder / "hunt-feed", "Ashmolean", "ashm-upload-token-0246813579")
    config_path.write_text(head + cmoa + hunt + ashm, encoding="utf-8")
    [harvested] = run_harvest(load_config(config_path), ("cmoa",))
    assert harvested.status == "published"
    config = load_config(config_path)
    fix = f"{BASE}graph/fixes"

    def change_and_die(store: Store) -> None:
        store.update_named_graphs(f'INSERT DATA {{ GRAPH <{fix}> {{ <{fix}> <{BASE}p> "v" }} }}')
        raise OSError("the process died before publishing")

    with pytest.raises(OSError, match="died"):  # the next run publishes it in a new snapshot
        Workspace(config.data_dir).update(change_and_die, BASE, wait=1)
    summary = upload_files(config, "cmoa", files)
    assert (summary.status, summary.wrote_nothing, summary.new_snapshot) == (
        "published",
        True,
        True,
    )
    reports = Workspace(config.data_dir).reports_dir
    report = json.loads((reports / "cmoa.json").read_text(encoding="utf-8"))
    assert report["run"]["kind"] == "upload"
    store = upload_store(config.data_dir)
    with files[0].open("rb") as sending:
        failed_upload = store.receive("ashm", [(files[0].name, sending)])
    lock = config.data_dir / "writer.lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()  # the run cannot take the writer lock: "Is a directory"
    with pytest.raises(StoreError):
        run_upload(config, "ashm", failed_upload)
    lock.rmdir()
    status = store.status("ashm", failed_upload) or {}
    assert status["status"] == "failed"
    with live_endpoint(config_path) as live:
        yield Sent(live, report, failed_upload, str(status["updated"]))


def _get(live: Live, path: str, lang: str) -> str:
    answer = requests.get(
        live.url + path, params={"lang": lang}, headers={"Accept": HTML}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    return answer.text


def _text(element: html.HtmlElement) -> str:
    return " ".join("".join(str(t) for t in element.itertext()).split())


def _said(page: str, selector: str) -> str:
    [found] = html.fromstring(page).cssselect(selector)
    return " ".join("".join(str(t) for t in found.itertext()).split())


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_an_unchanged_upload_says_its_upload_published_the_snapshot(sent: Sent, lang: str) -> None:
    snapshot = sent.report["run"]["snapshot"]  # type: ignore[index]
    for page in (report_html(sent.report, lang), _get(sent.live, "/sources/cmoa", lang)):
        told = _said(page, "#unchanged-in-new-snapshot")
        assert UPLOAD_PUBLISHED[lang] in told
        assert told.endswith(str(snapshot))
        assert HARVEST_PUBLISHED[lang] not in page
    # a harvest's report still says a harvest published it
    harvest = {**sent.report, "run": {**sent.report["run"], "kind": "harvest"}}  # type: ignore[dict-item]
    told = _said(report_html(harvest, lang), "#unchanged-in-new-snapshot")
    assert HARVEST_PUBLISHED[lang] in told


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_source_that_has_sent_nothing_is_listed_with_its_upload_form(
    sent: Sent, lang: str
) -> None:
    listed = html.fromstring(_get(sent.live, "/sources/", lang))
    [hunt] = [
        li for li in listed.cssselect("#partners li") if li.cssselect("a[href='/sources/hunt']")
    ]
    [link] = hunt.cssselect("a.report")
    assert (link.get("href"), _text(link)) == ("/sources/hunt", FORM[lang])
    assert NO_REPORT[lang] in _text(hunt)
    assert _text(hunt.cssselect("b")[0]) == "Hunt Museum"  # its label, not the source's name
    assert HARVEST[lang] not in _text(hunt)
    # the page it leads to: the form, and no report yet
    page = html.fromstring(_get(sent.live, "/sources/hunt", lang))
    assert [_text(h) for h in page.iter("h1")] == ["Hunt Museum"]
    said = [e.get("id") for e in page.cssselect("#no-report, #upload")]
    assert said == ["no-report", "upload"]  # first that there is none, then the form
    assert _said(html.tostring(page, encoding="unicode"), "#no-report") == NO_REPORT_PAGE[lang]
    assert i18n.translate("Nothing harvested yet.", lang) not in _text(page)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_source_whose_only_upload_failed_is_listed_as_failed_with_why(
    sent: Sent, lang: str
) -> None:
    listed = html.fromstring(_get(sent.live, "/sources/", lang))
    [ashm] = [li for li in listed.cssselect("#partners li") if _text(li).startswith("Ashmolean")]
    [link] = ashm.cssselect("a.report")
    upload = f"/sources/ashm/uploads/{sent.failed_upload}"
    assert (link.get("href"), _text(link)) == (upload, WHY_UPLOAD[lang])
    [small] = ashm.cssselect("small")
    assert _text(small).startswith(f"({FAILED[lang]}")
    [when] = small.cssselect(".when")
    assert _text(when) == sent.failed_at[:10]
    assert NO_REPORT[lang] not in _text(ashm)
    assert FORM[lang] not in _text(ashm)
    # the page it leads to: that it failed, why, and the way back to the form to send again
    page = html.fromstring(_get(sent.live, upload, lang))
    assert FAILED[lang] in _text(page.cssselect("strong")[0])
    [reason] = page.cssselect("#reason")
    assert _text(reason) == i18n.translate(messages.UPLOAD_NOT_WRITTEN.template, lang)
    assert page.cssselect("a[href='/sources/ashm']")
