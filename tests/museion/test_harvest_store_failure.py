"""A harvest the store failed, not the partner's feed: its partner's page said nothing of it.

The remote store could not be reached while the run was applied (the run failed, and the
command exited 1), or the publish failed, or the disk refused a write while the run was
staged: the operator read the store's error, the partner's page and report went on showing
the run before as if nothing had happened (an applied run even cleared the note of an
earlier failure). Each now notes the failure (``reports/NAME.failure``) with a message the
page translates (``HARVEST_NOT_WRITTEN``), not the store's words (its address, a path): the
partner reads that its latest harvest failed, when, why, and that the data online is still
the snapshot published before it."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from lxml import html

from museion import Pipeline, load_config
from museion.config import Config
from museion.pipeline import PublishFailedError
from museion_core import messages
from museion_core.errors import StoreError
from publish import RunStatus, Workspace
from sparql import harvest_failure, i18n
from sparql.partner_pages import partner_page
from sparql.settings import EndpointSettings
from tests.helpers.asgi import page_request
from tests.helpers.sparql_servers import oxigraph_serve

BASE = "https://data.example.org/"
MAPPING = '[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "titre"\n'
FAILED = {
    "en": "The latest harvest of this source failed (",
    "fr": "Le dernier moissonnage de cette source a échoué (",
    "ar": "فشل آخر حصاد لهذا المصدر (",
}
ONLINE = {
    "en": "the data online is still the snapshot published before it",
    "fr": "les données en ligne sont toujours l’instantané publié avant lui",
    "ar": "البيانات المنشورة ما زالت اللقطة التي نُشرت قبله",
}
STORE = {"en": "the network's store failed", "fr": "l’entrepôt du réseau a échoué"}


def _config(folder: Path, store: str = "") -> Config:
    feed = folder / "feed"
    feed.mkdir(exist_ok=True)
    (feed / "a.csv").write_text("id;titre\r\nA-1;Bol\r\n", encoding="utf-8")
    (folder / "m.toml").write_text(MAPPING, encoding="utf-8")
    path = folder / "museion.toml"
    path.write_text(
        f'[store]\npath = "store"\n{store}[publish]\nbase_iri = "{BASE}"\n'
        f'[[sources]]\nname = "shop"\nkind = "files"\nlocation = "{feed.as_posix()}"\n'
        'mapping = "m.toml"\n[sources.partner]\nlabel = "Shop"\n',
        encoding="utf-8",
    )
    return load_config(path)


def _changed(config: Config) -> None:
    """The partner's export gains a record: the next harvest has something to write."""
    feed = Path(config.source("shop").location) / "a.csv"
    feed.write_text("id;titre\r\nA-1;Bol\r\nA-2;Vase\r\n", encoding="utf-8")


def _page(config: Config, lang: str) -> html.HtmlElement:
    """``/sources/shop`` as the endpoint serves it in ``lang``."""
    settings = EndpointSettings(
        base_iri=BASE,
        published_dir=config.data_dir / "published",
        reports_dir=Workspace(config.data_dir).reports_dir,
    )
    request = page_request("/sources/shop", lang, params={"name": "shop"})
    response = partner_page(request, settings, None)
    assert response.status_code == 200
    return html.fromstring(bytes(response.body).decode("utf-8"))


def _text(element: html.HtmlElement) -> str:
    return " ".join("".join(str(t) for t in element.itertext()).split())


def _told(config: Config, hidden: str) -> None:
    """The failure is noted with the message; each page says it failed, when, why (in its
    language, without ``hidden``, the store's words), and that the data online is the
    snapshot before, above the report of the run before."""
    reports = Workspace(config.data_dir).reports_dir
    failure = harvest_failure(reports, "shop")
    assert failure is not None, "the failure is not noted"
    assert failure["reason"] == messages.HARVEST_NOT_WRITTEN()
    assert failure["at"]
    for lang in ("en", "fr", "ar"):
        page = _page(config, lang)
        [banner] = [e for e in page.iter() if e.get("role") == "alert"]
        shown = _text(banner)
        assert shown.startswith(FAILED[lang]), shown
        assert ONLINE[lang] in shown, shown
        [why] = banner.cssselect("#failure-reason")
        said = i18n.translate(messages.HARVEST_NOT_WRITTEN.template, lang)
        assert _text(why) == said, _text(why)
        assert not why.cssselect('[lang="en"]') or lang == "en", "left in English"
        assert lang == "en" or STORE["en"] not in shown
        assert hidden not in _text(page)
        assert page.cssselect("#records, h1"), "the report of the run before follows"


def test_a_harvest_the_remote_store_failed_is_told_on_the_partner_s_page(
    tmp_path: Path,
) -> None:
    """A real store: ``oxigraph serve`` on 127.0.0.1 takes the first harvest, then is gone
    when the second is applied."""
    with oxigraph_serve(tmp_path / "oxigraph") as server:
        config = _config(tmp_path, server.store_keys())
        [first] = Pipeline(config, jobs=1).harvest()
        assert first.status == RunStatus.PUBLISHED
        where = server.url.removeprefix("http://")
    _changed(config)
    [second] = Pipeline(config, jobs=1).harvest()
    assert second.status == RunStatus.FAILED
    assert where in str(second.reason)  # the operator's
    _told(config, where)


def test_a_harvest_whose_publish_failed_is_told_on_the_partner_s_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path)
    Pipeline(config, jobs=1).harvest()
    _changed(config)
    where = str(config.data_dir / "published")

    def refused(*_: object, **__: object) -> Path:
        raise StoreError(f"cannot back up the store to {where}/20261207T000000Z: disk full")

    monkeypatch.setattr(Workspace, "publish", refused)
    with pytest.raises(PublishFailedError):
        Pipeline(config, jobs=1).harvest()
    monkeypatch.undo()
    _told(config, where)
    # the next command that writes publishes the applied run (Pipeline.recover): the note goes
    with Pipeline(config, jobs=1).writer():
        pass
    assert harvest_failure(Workspace(config.data_dir).reports_dir, "shop") is None
    assert not [e for e in _page(config, "fr").iter() if e.get("role") == "alert"]


def test_a_harvest_the_disk_failed_while_staging_is_told_on_the_partner_s_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path)
    Pipeline(config, jobs=1).harvest()
    _changed(config)
    where = str(config.data_dir / "runs" / "shop" / "000008.log")

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", where)

    monkeypatch.setattr("museion.pipeline.stage", full)
    with pytest.raises(StoreError) as raised:
        Pipeline(config, jobs=1).harvest()
    assert raised.value.source == "shop"
    monkeypatch.undo()
    _told(config, where)
    # the next harvest that is written clears the note
    [summary] = Pipeline(config, jobs=1).harvest()
    assert summary.status == RunStatus.PUBLISHED
    assert harvest_failure(Workspace(config.data_dir).reports_dir, "shop") is None


def test_a_first_harvest_the_store_failed_says_nothing_is_published_yet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before any report: the page says the first harvest failed, and why."""
    config = _config(tmp_path)

    def refused(*_: object, **__: object) -> Path:
        raise StoreError("cannot compact the store: Too many open files")

    monkeypatch.setattr(Workspace, "publish", refused)
    with pytest.raises(PublishFailedError):
        Pipeline(config, jobs=1).harvest()
    monkeypatch.undo()
    for lang in ("fr", "ar"):
        page = _page(config, lang)
        [first] = page.cssselect("#first-harvest-failed")
        assert _text(first)
        [why] = page.cssselect("#failure-reason")
        assert i18n.translate(messages.HARVEST_NOT_WRITTEN.template, lang) in _text(why)
        assert "compact" not in _text(page)
