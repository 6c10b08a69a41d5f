"""A harvest that fails before its run can be judged (the partner's file gone, its server down)
is shown on the partner's page: its report would otherwise go on showing the run before as if
nothing had happened."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from lxml import html

from museion import Pipeline, load_config
from museion.pipeline import SourcesFailedError
from sparql.report_page import failure_banner, failure_note, harvest_failure
from tests.conftest import BASE
from tests.helpers.endpoint import live_endpoint
from tests.helpers.http import Response, serve

CSV = "Inventory No,Title\nA1,Vase\nA2,Bol\n"


def _config(folder: Path, elsewhere: Path) -> Path:
    """Partner p's export beside the config; q's in a folder of its own elsewhere."""
    (folder / "p.toml").write_text(
        '[mapping]\nname = "p"\nlanguage = "fr"\n[object]\nid = "Inventory No"\ntitles = "Title"\n',
        encoding="utf-8",
    )
    sources = "".join(
        f'[[sources]]\nname = "{name}"\nkind = "files"\nlocation = "{location}"\n'
        f'mapping = "p.toml"\n[sources.partner]\nlabel = "{name.upper()}"\n'
        for name, location in (("p", "p.csv"), ("q", elsewhere / "q.csv"))
    )
    (folder / "museion.toml").write_text(
        f'[store]\npath = "store"\n[publish]\nbase_iri = "{BASE}"\n{sources}', encoding="utf-8"
    )
    return folder / "museion.toml"


def _harvest(config: Path | str) -> list[str]:
    """The sources whose harvest failed."""
    try:
        Pipeline(load_config(config), jobs=1).harvest()
    except SourcesFailedError as exc:
        return sorted(str(f.source) for f in exc.failures)
    return []


def _text(element: html.HtmlElement) -> str:
    return " ".join("".join(str(t) for t in element.itertext()).split())


def _banner(page: str) -> str:
    found = [e for e in html.fromstring(page).iter() if e.get("role") == "alert"]
    return _text(found[0]) if found else ""


def test_a_failed_harvest_is_shown_on_the_partner_s_page_until_the_next_run(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path_factory.mktemp("partner-q")
    config = _config(tmp_path, elsewhere)
    (tmp_path / "p.csv").write_text(CSV, encoding="utf-8")
    assert _harvest(config) == ["q"]  # q's file never came: its first harvest fails
    (tmp_path / "p.csv").unlink()  # p's export is gone
    with monkeypatch.context() as here:
        here.chdir(tmp_path)  # `museion harvest` beside its config, as a partner runs it
        assert _harvest("museion.toml") == ["p", "q"]
    reports = tmp_path / "store" / "reports"
    assert failure_note(reports, "p").is_file()
    with live_endpoint(config) as live:
        french = requests.get(f"{live.url}/sources/p", params={"lang": "fr"}, timeout=30)
        assert french.status_code == 200
        banner = _banner(french.text)
        assert banner.startswith("Le dernier moissonnage de cette source a échoué (")
        assert banner.endswith(". p.csv n’existe pas")  # why, in French
        assert "<bdi>p.csv</bdi> n’existe pas" in french.text
        assert str(tmp_path) not in french.text  # the server's folders are not shown
        state = requests.get(f"{live.url}/sources/p", params={"format": "json"}, timeout=30)
        assert state.json()["latest_harvest_failed"]["reason"] == "p.csv does not exist"
        assert state.json()["counts"]["new"] == 2  # the report of the run before
        assert "Ce que sont devenues vos notices" in french.text  # the last report is below
        first = requests.get(f"{live.url}/sources/q", params={"lang": "ar"}, timeout=30)
        assert first.status_code == 200  # no report yet, but the failure is there to read
        banner = _banner(first.text)
        assert banner.startswith("فشل أول حصاد لهذا المصدر (")  # its first: no report below
        assert "لم يُنشر شيء من هذا المصدر بعد" in banner
        assert banner.endswith("q.csv غير موجود")  # its own folder is not shown either
        assert str(elsewhere) not in first.text
        document = html.fromstring(first.text)  # a page in the reader's language, named
        assert (document.get("lang"), document.get("dir")) == ("ar", "rtl")  # by its label
        assert [_text(h) for h in document.iter("h1")] == ["Q"]
        as_json = requests.get(f"{live.url}/sources/q", params={"format": "json"}, timeout=30)
        assert as_json.status_code == 404  # there is no report to give
        partners = requests.get(f"{live.url}/sources/", params={"lang": "fr"}, timeout=30)
        listed = [_text(li) for li in html.fromstring(partners.text).iter("li")]
        items = [item for item in listed if "(échoué," in item]
        assert sorted(item.split(" ·")[0] for item in items) == ["P", "Q"]  # labels, not names
        [p, q] = sorted(items)
        assert "Rapport de moissonnage" in p  # its report, below the failure
        assert "Pourquoi le premier moissonnage a échoué" in q  # it has none
    (tmp_path / "p.csv").write_text(CSV, encoding="utf-8")
    assert _harvest(config) == ["q"]
    assert not failure_note(reports, "p").exists()  # judged again: the note is gone
    assert failure_note(reports, "q").exists()


@pytest.mark.parametrize("note", ["", "{not json", '{"at": "x"}'])
def test_a_damaged_note_is_no_failure(tmp_path: Path, note: str) -> None:
    failure_note(tmp_path, "p").write_text(note, encoding="utf-8")
    assert harvest_failure(tmp_path, "p") is None


def test_a_repository_that_answers_broken_xml_is_explained_in_the_reader_s_language(
    tmp_path: Path,
) -> None:
    """An OAI-PMH repository behind a misconfigured server answers Latin-1 bytes where UTF-8 is
    required: the partner's page said why in English whatever the reader's language. The
    reason, and the XML parser's reason inside it, now read in French and Arabic; the parser's
    own words stay English, marked so."""
    broken = b"<?xml version='1.0'?><OAI-PMH>Mus\xe9e</OAI-PMH>"
    with serve({"/oai": Response(200, broken, {"Content-Type": "text/xml"})}) as server:
        (tmp_path / "museion.toml").write_text(
            f'[store]\npath = "store"\n[publish]\nbase_iri = "{BASE}"\n[[sources]]\n'
            f'name = "m"\nkind = "oaipmh"\nlocation = "{server.url}/oai"\nmapping = "lido"\n'
            'max_retries = 0\n[sources.partner]\nlabel = "Musée M"\n',
            encoding="utf-8",
        )
        assert _harvest(tmp_path / "museion.toml") == ["m"]
    failure = harvest_failure(tmp_path / "store" / "reports", "m")
    assert failure is not None
    assert failure["reason"].startswith(f"{server.url}/oai?verb=")
    assert "did not answer with XML that can be read: not well-formed XML: " in failure["reason"]
    expected = {
        "fr": ["n’a pas répondu par du XML lisible : XML mal formé :", "comme l’exige OAI-PMH"],
        "ar": ["لم يُجب", "بـ XML يمكن قراءته: XML غير سليم البنية:", "كما يشترط OAI-PMH"],
    }
    for lang, sentences in expected.items():
        page = failure_banner(failure, lang, has_report=False)
        shown = _banner(page)
        assert [s for s in sentences if s not in shown] == [], shown
        assert "did not answer" not in shown
        parser = [e for e in html.fromstring(page).iter("bdi") if e.get("lang") == "en"]
        assert parser, "the parser's own words are marked English"
