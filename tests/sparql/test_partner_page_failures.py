"""What a partner reads when its source's run failed, in its own language.

- A source whose first harvest failed (its OAI-PMH repository answered 503) was listed on the
  partners list with a link to its "Harvest report", and the page it led to said "Nothing
  harvested yet." under the failure's banner: there was no report, and the partner had to
  read the banner to learn that its harvest had failed. The list now links to "Why the first
  harvest failed", and the page says that the first harvest failed, and why.
- An upload whose run failed because a map worker died was told so in English on a French or
  an Arabic page: the run's error names its source first ("source 'hunt': a map worker
  process died ..."), which kept the page from recognising the message. The page, which names
  the source in its heading, now shows the message without it, translated.

A live server on 127.0.0.1 serves the pages of both: Victoria and Albert (``vam``), harvested
from a repository on 127.0.0.1 that answers 503; Hunt (``hunt``), which uploads its files and
whose upload's map worker died.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from lxml import html

from museion import Pipeline, load_config
from museion.pipeline import SourcesFailedError
from museion.uploads import run_upload, upload_store
from museion_core import messages
from museion_core.errors import HarvestError
from sparql import i18n
from sparql.report_files import failure_note, latest_report_link
from tests.helpers.endpoint import Live, live_endpoint
from tests.helpers.http import Response, serve
from tests.helpers.samples import sample_feeds
from tests.helpers.uploads import upload_source

BASE = "https://data.example.org/"
HTML = "text/html,application/xhtml+xml,*/*;q=0.8"
FIRST_FAILED = {
    "en": "The first harvest of this source failed (",
    "fr": "Le premier moissonnage de cette source a échoué (",
    "ar": "فشل أول حصاد لهذا المصدر (",
}
WHY_LINK = {
    "en": "Why the first harvest failed",
    "fr": "Pourquoi le premier moissonnage a échoué",
    "ar": "سبب فشل الحصاد الأول",
}
WHY = {"en": "Why it failed:", "fr": "Pourquoi il a échoué :", "ar": "سبب الفشل:"}
ANSWERED_503 = {"en": "answered HTTP 503", "fr": "a répondu HTTP 503", "ar": "HTTP 503"}
HARVEST = {"en": "Harvest report", "fr": "Rapport de moissonnage", "ar": "تقرير الحصاد"}
WORKER_DIED = {
    "fr": "un processus de conversion s’est arrêté (tué, ou à court de mémoire)",
    "ar": "توقفت عملية تحويل (أُنهيت، أو نفدت ذاكرتها)",
}


@dataclass
class Failed:
    live: Live
    upload: str
    """Hunt's upload whose map worker died."""


@pytest.fixture(scope="module")
def failed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Failed]:
    folder = tmp_path_factory.mktemp("failures")
    (folder / "hunt-feed").mkdir()
    down = Response(503, b"down for maintenance", {"Content-Type": "text/plain"})
    with serve({"/oai": down}) as server:
        vam = (
            f'[[sources]]\nname = "vam"\nkind = "oaipmh"\nlocation = "{server.url}/oai"\n'
            'mapping = "lido"\nmax_retries = 0\n[sources.partner]\n'
            'label = "Victoria and Albert Museum"\n'
        )
        hunt = upload_source(
            "hunt", folder / "hunt-feed", "Hunt Museum", "hunt-upload-token-0123456789"
        )
        config_path = folder / "museion.toml"
        config_path.write_text(
            f'[store]\npath = "store"\n[publish]\nbase_iri = "{BASE}"\n{vam}{hunt}',
            encoding="utf-8",
        )
        with pytest.raises(SourcesFailedError) as caught:
            Pipeline(load_config(config_path), jobs=1).harvest(("vam",))
        assert [f.source for f in caught.value.failures] == ["vam"]
    config = load_config(config_path)
    files = sorted((sample_feeds() / "cmoa").glob("*.json"))[:2]
    with pytest.MonkeyPatch.context() as patch:

        def died(self: Pipeline, source: str, *args: object, **kwargs: object) -> None:
            # what Mapper raises when a worker dies mapping an upload (tests/museion/test_jobs)
            raise HarvestError(messages.MAP_WORKER_DIED_UPLOAD(), source=source)

        patch.setattr(Pipeline, "harvest_upload", died)
        with ExitStack() as opened:
            sent = [(path.name, opened.enter_context(path.open("rb"))) for path in files]
            upload = upload_store(config.data_dir).receive("hunt", sent)
        with pytest.raises(HarvestError):
            run_upload(config, "hunt", upload)
    with live_endpoint(config_path) as live:
        yield Failed(live, upload)


def _get(live: Live, path: str, lang: str) -> html.HtmlElement:
    answer = requests.get(
        live.url + path, params={"lang": lang}, headers={"Accept": HTML}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    return html.fromstring(answer.text)


def _text(element: html.HtmlElement) -> str:
    return " ".join("".join(str(t) for t in element.itertext()).split())


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_source_whose_first_harvest_failed_says_so_and_why(failed: Failed, lang: str) -> None:
    listed = _get(failed.live, "/sources/", lang)
    [vam] = [
        li for li in listed.cssselect("#partners li") if li.cssselect("a[href='/sources/vam']")
    ]
    [link] = vam.cssselect("a.report")
    assert _text(link) == WHY_LINK[lang]
    assert HARVEST[lang] not in _text(vam)
    page = _get(failed.live, "/sources/vam", lang)
    [said] = page.cssselect("#first-harvest-failed")
    assert _text(said).startswith(FIRST_FAILED[lang])
    [why] = page.cssselect("#failure-reason")
    assert _text(why).startswith(WHY[lang])
    assert ANSWERED_503[lang] in _text(why)  # the failure the run recorded
    assert "Nothing harvested yet." not in _text(page)
    assert "Rien n’a encore été moissonné." not in _text(page)
    assert "لم يُحصد شيء بعد." not in _text(page)
    assert i18n.translate("Harvest report", lang) not in _text(page)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_dead_map_workers_error_is_shown_in_the_readers_language(
    failed: Failed, lang: str
) -> None:
    page = _get(failed.live, f"/sources/hunt/uploads/{failed.upload}", lang)
    [reason] = page.cssselect("#reason")
    shown = _text(reason)
    assert WORKER_DIED[lang] in shown, shown
    assert "map worker" not in shown  # not the English
    assert "source 'hunt'" not in shown
    english = [e for e in reason.iter("bdi") if e.get("lang") == "en"]
    assert not english, "the message is translated, not marked English"


def test_a_link_to_a_source_without_a_report_says_its_first_harvest_failed(
    tmp_path: Path,
) -> None:
    """The partner's page links its source's report by ``latest_report_link``: a source whose
    only harvest failed has no report to call a "Harvest report"."""
    failure_note(tmp_path, "vam").write_text(
        '{"at": "2026-12-07T10:00:00Z", "reason": "vam.csv does not exist"}', encoding="utf-8"
    )
    assert latest_report_link(tmp_path, "vam") == "Why the first harvest failed"
    (tmp_path / "vam.json").write_text('{"run": {"kind": "upload"}}', encoding="utf-8")
    assert latest_report_link(tmp_path, "vam") == "Harvest report"  # opens with the failure
