"""An upload whose run the server could not start, or whose run stopped before it ended or
took too long: its page said so in English on a French or Arabic page ("its run could not
start ([Errno 2] ...)", "the upload's run stopped before it ended (exit code 7); ..."), with
the operator's detail in it. The status now holds a message the page translates; the
exception and the exit code go to the upload's ``log.txt``. A status written before keeps
showing as it was written (in English, marked so)."""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import pytest
from lxml import html

from museion_core import messages
from sparql import i18n
from sparql import uploads as uploads_module
from sparql.settings import EndpointSettings
from sparql.uploads import UploadViews
from tests.helpers.uploads import upload_page

SHOWN = {
    "fr": "la vérification de cet envoi",
    "ar": "فحص هذا الإرسال",
}


def _views(tmp_path: Path, command: tuple[str, ...]) -> UploadViews:
    settings = EndpointSettings(
        base_iri="https://data.example.org/",
        published_dir=tmp_path / "published",
        uploads_dir=tmp_path / "uploads",
        upload_command=command,
    )
    return UploadViews(settings)


def _ended(views: UploadViews) -> tuple[str, dict[str, object]]:
    """An upload sent and its run started; its status once the run has ended."""
    upload_id = views.store.receive("tate", [("a.json", io.BytesIO(b"[]"))])
    views._start("tate", upload_id)
    deadline = time.monotonic() + 60
    while (status := views.store.status("tate", upload_id) or {}).get("status") != "failed":
        assert time.monotonic() < deadline, f"the upload did not fail: {status}"
        time.sleep(0.1)
    return upload_id, status


def _reason(views: UploadViews, upload_id: str, lang: str) -> html.HtmlElement:
    """The reason on the upload's page (``/sources/tate/uploads/ID``) in ``lang``."""
    page = upload_page(views, "tate", upload_id, lang)
    [reason] = html.fromstring(page).cssselect("#reason")
    return reason


def _text(element: html.HtmlElement) -> str:
    return " ".join("".join(str(t) for t in element.itertext()).split())


def _told(views: UploadViews, upload_id: str, said: str, hidden: str) -> None:
    """Each page says ``said`` in its language, without the operator's ``hidden`` detail."""
    for lang in ("fr", "ar"):
        reason = _reason(views, upload_id, lang)
        shown = _text(reason)
        assert SHOWN[lang] in shown, shown
        assert said not in shown
        assert hidden not in shown
        assert not reason.cssselect('[lang="en"]'), "left in English"
    assert _text(_reason(views, upload_id, "en")) == said


def test_a_run_that_stops_before_it_ends_is_told_in_the_partner_s_language(
    tmp_path: Path,
) -> None:
    views = _views(tmp_path, (sys.executable, "-c", "raise SystemExit(7)"))
    upload_id, status = _ended(views)
    assert status["reason"] == messages.UPLOAD_RUN_STOPPED()
    log = (views.store.folder("tate", upload_id) / "log.txt").read_text(encoding="utf-8")
    assert "stopped before it ended (exit code 7)" in log  # the operator's
    _told(views, upload_id, messages.UPLOAD_RUN_STOPPED(), "exit code")


def test_a_run_that_cannot_start_is_told_in_the_partner_s_language(tmp_path: Path) -> None:
    views = _views(tmp_path, (str(tmp_path / "no-such-museion"),))
    upload_id, status = _ended(views)
    assert status["reason"] == messages.UPLOAD_RUN_NOT_STARTED()
    log = (views.store.folder("tate", upload_id) / "log.txt").read_text(encoding="utf-8")
    assert "could not start: [Errno 2]" in log
    assert "no-such-museion" in log
    _told(views, upload_id, messages.UPLOAD_RUN_NOT_STARTED(), "no-such-museion")


def test_a_run_past_its_time_limit_is_told_in_the_partner_s_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads_module, "RUN_LIMIT", 1.8)
    views = _views(tmp_path, (sys.executable, "-c", "import time; time.sleep(60)"))
    upload_id, status = _ended(views)
    said = messages.UPLOAD_RUN_TOO_LONG(hours="0.0005")
    assert status["reason"] == said
    log = (views.store.folder("tate", upload_id) / "log.txt").read_text(encoding="utf-8")
    assert "took more than 1.8 seconds and was killed" in log
    _told(views, upload_id, said, "seconds")
    assert "0.0005" in _text(_reason(views, upload_id, "fr"))  # the limit, as it was


@pytest.mark.parametrize(
    "written",
    [
        "its run could not start ([Errno 2] No such file or directory: 'museion')",
        "the upload's run stopped before it ended (exit code -9); the server's administrator "
        "will find why in its log.txt",
        "the upload's run took more than 4 hours and was stopped; the server's administrator "
        "will find why in its log.txt",
    ],
)
def test_a_reason_written_before_the_messages_still_shows(tmp_path: Path, written: str) -> None:
    views = _views(tmp_path, (sys.executable, "-c", ""))
    upload_id = views.store.receive("tate", [("a.json", io.BytesIO(b"[]"))])
    views.store.set_status("tate", upload_id, status="failed", reason=written)
    for lang in ("en", "fr", "ar"):
        reason = _reason(views, upload_id, lang)
        assert _text(reason) == written
    [english] = _reason(views, upload_id, "ar").cssselect('bdi[lang="en"]')
    assert english.text == written


def test_the_new_messages_are_translated() -> None:
    for message in (
        messages.UPLOAD_RUN_NOT_STARTED,
        messages.UPLOAD_RUN_STOPPED,
        messages.UPLOAD_RUN_TOO_LONG,
    ):
        for lang in ("fr", "ar"):
            assert i18n.translate(message.template, lang) != message.template
