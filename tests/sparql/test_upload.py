"""Partners' uploads over HTTP against a live ``museion serve``: the partner's own token opens
its source only; the upload becomes a run whose report the partner reads at once."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import html

from museion import load_config
from museion_core import messages
from museion_core.errors import QueryError
from sparql import i18n
from sparql.checklists.auth import ForbiddenError
from sparql.security import BodyTooLarge, BodyTooSlowError
from sparql.settings import EndpointSettings
from sparql.upload_forms import (
    NoFilesError,
    NotKeptError,
    NoUploadsError,
    TokenRefusedError,
    UnauthorizedError,
    UnreadKindError,
)
from sparql.upload_pages import refused_page
from sparql.uploads import UploadStore, UploadViews, upload_form
from tests.helpers.endpoint import Live, harvest_and_publish, live_endpoint
from tests.helpers.samples import sample_feeds
from tests.helpers.uploads import run_ended

TATE_TOKEN = "tate-upload-token-0123456789"
CMOA_TOKEN = "cmoa-upload-token-9876543210"
ARTWORKS = sorted((sample_feeds() / "tate" / "artworks").glob("*.json"))


def _config(folder: Path) -> Path:
    tate, cmoa = folder / "tate-feed", folder / "cmoa-feed"
    tate.mkdir()
    cmoa.mkdir()
    shutil.copy(ARTWORKS[0], tate)
    for path in sorted((sample_feeds() / "cmoa").glob("*.json"))[:3]:
        shutil.copy(path, cmoa)
    text = f"""
[store]
path = "store"
[publish]
base_iri = "https://data.example.org/"
[endpoint]
max_upload_bytes = 300000

[[sources]]
name = "tate"
kind = "files"
location = "{tate.as_posix()}"
mapping = "tate"
[sources.partner]
label = "Tate"
token = "{TATE_TOKEN}"
[sources.gates]
max_quarantined = 0.5
max_record_drop = 1.0

[[sources]]
name = "cmoa"
kind = "files"
location = "{cmoa.as_posix()}"
mapping = "cmoa"
[sources.partner]
label = "Carnegie Museum of Art"
token_env = "CMOA_UPLOAD_TOKEN"
"""
    path = folder / "museion.toml"
    path.write_text(text, encoding="utf-8")
    return path


Files = dict[str, tuple[str, bytes, str]]


def _refused_before_anything_is_kept(live: Live, files: Files) -> None:
    """No token, a wrong token, another partner's token, too big a file, a file of the wrong
    kind: each answered with its own status, and nothing kept."""
    upload = f"{live.url}/sources/tate/upload"
    r = requests.post(upload, files=files, timeout=30)
    assert r.status_code == 401, r.text
    assert r.headers["WWW-Authenticate"] == "Bearer"
    r = requests.post(upload, files=files, data={"token": "not-the-token-0123456"}, timeout=30)
    assert r.status_code == 403, r.text
    wrong = {"Authorization": f"Bearer {CMOA_TOKEN}"}  # another partner's own token
    assert requests.post(upload, files=files, headers=wrong, timeout=30).status_code == 403
    right = {"Authorization": f"Bearer {TATE_TOKEN}"}
    big = {"files": ("big.json", b"[" + b" " * 400_000 + b"]", "application/json")}
    assert requests.post(upload, files=big, headers=right, timeout=30).status_code == 413
    exe = {"files": ("tool.exe", b"MZ", "application/octet-stream")}
    assert requests.post(upload, files=exe, headers=right, timeout=30).status_code == 415
    assert not list((live.config.data_dir / "uploads").glob("tate/*/manifest.json"))


def _by_id(page: Any, name: str) -> Any:
    [found] = page.xpath(f'//*[@id="{name}"]')
    return found


def _text(page: Any, name: str) -> str:
    return "".join(_by_id(page, name).itertext())


def _refused_forms_are_pages_in_the_reader_s_language(live: Live, files: Files) -> None:
    """The form, sent by a browser, was answered in bare English text ("this token does not
    open uploads to 'tate'"): a page in the reader's language, with the way back to the form;
    scripts keep their one line of text."""
    upload = f"{live.url}/sources/tate/upload"
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    french = {**browser, "Cookie": "museion_lang=fr"}
    wrong = {"token": "not-the-token-0123456"}
    r = requests.post(upload, files=files, data=wrong, headers=french, timeout=30)
    assert r.status_code == 403
    assert r.headers["Content-Type"].startswith("text/html")
    page = html.fromstring(r.text)
    assert page.get("lang") == "fr"
    assert "Ce jeton n’ouvre pas les envois vers" in _text(page, "why")
    assert _by_id(page, "back").get("href") == "/sources/tate#upload"
    assert "this token" not in r.text

    text = {"files": ("inventaire.txt", "N°\tTitre\r\n".encode("utf-16"), "text/plain")}
    right = {"token": TATE_TOKEN}
    arabic = {**browser, "Accept-Language": "ar"}
    r = requests.post(upload, files=text, data=right, headers=arabic, timeout=30)
    assert r.status_code == 415
    page = html.fromstring(r.text)
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    why = _text(page, "why")
    assert "inventaire.txt" in why
    assert ".csv, .json" in why
    assert "لا تُقرأ" in why
    assert ".tsv" in why  # which suffixes are read
    assert "inventaire.tsv" in _text(page, "hint-0")  # Excel's "Unicode Text": rename it .tsv
    assert _by_id(page, "back").get("href") == "/sources/tate#upload"

    r = requests.post(upload, files=text, data=right, timeout=30)  # a script: one line
    assert r.status_code == 415
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.text.startswith("inventaire.txt: source 'tate' reads .csv")
    assert not list((live.config.data_dir / "uploads").glob("tate/*/manifest.json"))


def _uploaded_with_the_bearer_token(
    live: Live, files: Files, sent: bytes, records: list[dict[str, Any]]
) -> None:
    """The partner's own token: a run, published, its report read at once; the file kept as
    sent; the records queryable."""
    right = {"Authorization": f"Bearer {TATE_TOKEN}"}
    r = requests.post(f"{live.url}/sources/tate/upload", files=files, headers=right, timeout=30)
    assert r.status_code == 202, r.text
    answer = r.json()
    status = run_ended(live.url + answer["url"])
    assert status["status"] == "published", status
    report = status["report"]
    assert report["run"]["id"] == answer["run"]
    assert report["counts"]["new"] == 3
    assert len(report["quarantined"]) == 1
    assert report["quarantined"][0]["reason"]
    kept = status["upload"]["files"][0]
    assert kept["sha256"] == hashlib.sha256(sent).hexdigest()
    blob = live.config.data_dir / "uploads" / "tate" / "files" / f"{kept['sha256']}.json"
    assert blob.read_bytes() == sent

    acno = records[1]["acno"]
    query = f'ASK {{ ?o crm:P1_is_identified_by/crm:P190_has_symbolic_content "{acno}" }}'
    r = requests.get(live.sparql, params={"query": query}, timeout=30)
    assert r.json()["boolean"] is True, acno


def _uploaded_by_the_form(live: Live, files: Files) -> None:
    """The form on the source's page, as a browser sends it: the token in a field, then the
    upload's page, which says why the quarantined record was kept out."""
    page = requests.get(f"{live.url}/sources/tate", headers={"Accept": "text/html"}, timeout=30)
    assert 'action="/sources/tate/upload"' in page.text
    assert 'name="token"' in page.text
    r = requests.post(
        f"{live.url}/sources/tate/upload",
        files=files,
        data={"token": TATE_TOKEN},
        headers={"Accept": "text/html"},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 303, r.text
    again = run_ended(live.url + r.headers["Location"])
    assert again["report"]["counts"]["unchanged"] == 3
    html = requests.get(live.url + r.headers["Location"], timeout=30).text
    reason = again["report"]["quarantined"][0]["reason"]
    assert reason.split("(")[0] in html


def test_upload_with_the_partners_own_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMOA_UPLOAD_TOKEN", CMOA_TOKEN)
    config_path = _config(tmp_path)
    harvest_and_publish(load_config(config_path))
    records = [json.loads(p.read_text(encoding="utf-8")) for p in ARTWORKS[1:4]]
    records.append({"title": "A row someone forgot to number"})
    sent = json.dumps(records).encode()
    files = {"files": ("inventory.json", sent, "application/json")}

    # Run where a partner runs it: beside its config, its data folder ("store") and a folder
    # of its own mappings, whose names Museion's packages also bear.
    (tmp_path / "mappings").mkdir()
    with live_endpoint(config_path, cwd=tmp_path) as live:
        _refused_before_anything_is_kept(live, files)
        _refused_forms_are_pages_in_the_reader_s_language(live, files)
        _uploaded_with_the_bearer_token(live, files, sent, records)
        _uploaded_by_the_form(live, files)  # the same file again: nothing new
        # Cmoa's own token opens cmoa's uploads.
        cmoa = {"Authorization": f"Bearer {CMOA_TOKEN}"}
        r = requests.post(f"{live.url}/sources/cmoa/upload", files=files, headers=cmoa, timeout=30)
        assert r.status_code == 202, r.text


def test_an_upload_whose_run_dies_before_it_ends_is_failed(tmp_path: Path) -> None:
    """A run process that ends without saying how the run went (it could not start, or was
    killed) leaves its upload failed, not "queued" for ever; its exit code is in the log."""
    settings = EndpointSettings(
        base_iri="https://data.example.org/",
        published_dir=tmp_path / "published",
        uploads_dir=tmp_path / "uploads",
        upload_command=(sys.executable, "-c", "raise SystemExit(7)"),
    )
    views = UploadViews(settings)
    upload_id = views.store.receive("tate", [("a.json", io.BytesIO(b"[]"))])
    views._start("tate", upload_id)
    deadline = time.monotonic() + 60
    while (status := views.store.status("tate", upload_id) or {}).get("status") == "queued":
        assert time.monotonic() < deadline, "the upload stayed queued"
        time.sleep(0.1)
    assert status["status"] == "failed"
    assert status["reason"] == messages.UPLOAD_RUN_STOPPED()
    assert "exit code 7" in (views.store.folder("tate", upload_id) / "log.txt").read_text()


def test_the_upload_status_page_is_a_page_of_the_site_in_the_partner_s_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It was bare English HTML: no site header, no viewport for a phone."""
    monkeypatch.setenv("CMOA_UPLOAD_TOKEN", CMOA_TOKEN)
    config_path = _config(tmp_path)
    harvest_and_publish(load_config(config_path))
    with live_endpoint(config_path) as live:
        views = UploadStore(tmp_path / "store" / "uploads")
        upload_id = views.receive("tate", [("a.json", io.BytesIO(b"[]"))])
        views.set_status("tate", upload_id, status="failed", reason="the <run> stopped")
        url = f"{live.url}/sources/tate/uploads/{upload_id}"
        page = requests.get(url, headers={"Accept-Language": "fr"}, timeout=30).text
        assert '<meta name="viewport"' in page
        assert '<header class="bar"' in page
        assert "Envoi vers tate" in page
        assert "<strong>échoué</strong>" in page
        assert "the &lt;run&gt; stopped" in page
        assert 'http-equiv="refresh"' not in page  # finished: nothing to wait for
        form = requests.get(
            f"{live.url}/sources/tate", headers={"Accept-Language": "ar"}, timeout=30
        ).text
        assert '<section id="upload" lang="ar" dir="rtl">' in form  # the report stays English
        assert "<button>إرسال وتحقق</button>" in form
        views.set_status("tate", upload_id, status="queued", reason="")
        waiting = requests.get(url, timeout=30).text
        assert 'http-equiv="refresh"' in waiting
        assert "This page refreshes itself" in waiting


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_upload_form_is_in_the_reader_s_language(lang: str) -> None:
    english = upload_form("tate", (".csv", ".xlsx"))
    assert "Upload and check" in english
    form = upload_form("tate", (".csv", ".xlsx"), lang)
    assert f'lang="{lang}" dir="{i18n.direction(lang)}"' in form
    assert '<span dir="ltr">(.csv, .xlsx)</span>' in form  # one left-to-right run, brackets too
    assert "must be your complete inventory" in english  # not only the new objects
    for text in ("Send new files", "Files", "Your upload token", "Upload and check", "checked"):
        assert text not in form, f"{text!r} left in English"
    for text in ("complete inventory", "withdrawn"):
        assert text not in form, f"{text!r} left in English"


REFUSALS = [
    UnauthorizedError("no token"),
    TokenRefusedError("this token does not open uploads to 'tate'"),
    ForbiddenError("a form from another site may not upload to 'tate'"),
    NoFilesError("send the files"),
    UnreadKindError("a.doc: no", file="a.doc", suffixes=(".csv",)),
    BodyTooLarge("the upload is over 300000 bytes"),
    BodyTooSlowError("the upload came slower than 8192 bytes a second"),
    NotKeptError("the server could not keep the files (No space left on device)"),
    NoUploadsError("source 'cmoa' takes no uploads (it has no partner token)"),
    QueryError("Too many files. Maximum number of files is 1000."),
]


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda e: type(e).__name__)
def test_every_refusal_of_the_form_is_said_in_the_reader_s_language(
    refusal: QueryError, lang: str
) -> None:
    """A body refused as too slow, files the server could not keep, a source that takes no
    uploads and a form that could not be read were answered in English on a French or an
    Arabic page (the form's words, then "the upload came slower than 8192 bytes a
    second..."). Each refusal says why in the reader's language; what the server's parser
    said of a broken form follows, marked English."""
    settings = EndpointSettings(base_iri="https://data.example.org/", published_dir=Path("."))
    english = html.fromstring(refused_page(refusal, "tate", "en", settings))
    page = html.fromstring(refused_page(refusal, "tate", lang, settings))
    assert (page.get("lang"), page.get("dir")) == (lang, i18n.direction(lang))
    [why] = page.cssselect("#why")
    [said] = english.cssselect("#why")
    text = "".join(str(t) for t in why.itertext())
    assert text != "".join(str(t) for t in said.itertext())
    assert not why.cssselect('[lang="en"]'), html.tostring(why, encoding="unicode")
    if lang == "ar":
        assert any("\u0600" <= c <= "\u06ff" for c in text)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda e: type(e).__name__)
def test_no_refusal_ends_on_an_isolated_value(refusal: QueryError, lang: str) -> None:
    """The refusal of a file's suffix ended on the list of suffixes the source reads, isolated
    left to right: on the Arabic page its full stop stood beside the list's first suffix,
    which read "..csv, .tsv, .xlsx". Every refusal's sentence ends on its own words."""
    settings = EndpointSettings(base_iri="https://data.example.org/", published_dir=Path("."))
    [why] = html.fromstring(refused_page(refusal, "tate", lang, settings)).cssselect("#why")
    isolated = why.cssselect("bdi")
    after = isolated[-1].tail if isolated else why.text
    assert any(c.isalpha() for c in after or ""), html.tostring(why, encoding="unicode")
