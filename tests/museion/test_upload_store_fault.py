"""An upload whose run the store failed: its partner reads, on the upload's page and in its
own language, that the network's store failed and what to do, not the store's own English
words (which name the store's address, for the operator: the run's reason, ``log.txt``)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import html

from museion import Pipeline, load_config
from museion.config import Config
from museion.uploads import run_upload, upload_store
from museion_core import messages
from museion_core.errors import StoreFaultError
from publish import Run, RunStatus, Workspace
from sparql import i18n
from sparql.settings import EndpointSettings
from sparql.uploads import UploadViews
from tests.helpers.endpoint import free_port
from tests.helpers.sparql_servers import SparqlServer
from tests.helpers.uploads import upload_page

SAID = messages.UPLOAD_NOT_WRITTEN()
MAPPING = '[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "titre"\n'


def _config(folder: Path, store: str) -> Config:
    feed = folder / "feed"  # the source's location: empty, the partner uploads
    feed.mkdir()
    (folder / "m.toml").write_text(MAPPING, encoding="utf-8")
    path = folder / "museion.toml"
    path.write_text(
        f'[store]\npath = "store"\n{store}[publish]\nbase_iri = "https://data.example.org/"\n'
        f'[[sources]]\nname = "shop"\nkind = "files"\nlocation = "{feed.as_posix()}"\n'
        'mapping = "m.toml"\n[sources.gates]\nmax_record_drop = 1.0\n'
        '[sources.partner]\nlabel = "Shop"\ntoken = "shop-upload-token-0123456789"\n',
        encoding="utf-8",
    )
    return load_config(path)


def _send(config: Config) -> str:
    rows = io.BytesIO(b"id;titre\r\nA-1;Bol\r\n")
    return upload_store(config.data_dir).receive("shop", [("a.csv", rows)])


def _page(config: Config, upload_id: str, lang: str) -> str:
    """The upload's page (``/sources/shop/uploads/ID``) as the endpoint shows it in ``lang``."""
    settings = EndpointSettings(
        base_iri="https://data.example.org/",
        published_dir=config.data_dir / "published",
        uploads_dir=config.data_dir / "uploads",
    )
    return upload_page(UploadViews(settings), "shop", upload_id, lang)


def _told(config: Config, upload_id: str, where: str) -> None:
    """The status says the message, not the store's words; each page says it translated."""
    status = upload_store(config.data_dir).status("shop", upload_id) or {}
    assert (status["status"], status["reason"]) == ("failed", SAID)
    assert where not in status["reason"]
    for lang in ("fr", "ar"):
        page = html.fromstring(_page(config, upload_id, lang))
        [reason] = page.cssselect("#reason")
        shown = " ".join("".join(str(t) for t in reason.itertext()).split())
        assert shown == i18n.translate(messages.UPLOAD_NOT_WRITTEN.template, lang) != SAID
        assert not reason.cssselect('[lang="en"]'), "left in English"
        assert where not in "".join(str(t) for t in page.itertext())


def test_an_upload_the_store_could_not_take_is_told_in_the_partner_s_language(
    tmp_path: Path,
) -> None:
    """The remote store cannot be reached while the run is applied: the run fails, and its
    upload's page said "the run could not be applied (applying it): the remote store at
    http://...:PORT/store cannot be reached (...)", in English on a French or Arabic page,
    with the store's address. The run keeps that reason for the operator."""
    where = f"127.0.0.1:{free_port()}"  # nothing listens there
    config = _config(tmp_path, SparqlServer(f"http://{where}").store_keys())
    upload_id = _send(config)
    summary = run_upload(config, "shop", upload_id)
    assert summary.status == RunStatus.FAILED
    assert where in str(summary.reason)  # the operator's
    run = Run.open(Workspace(config.data_dir).runs_dir / "shop" / upload_id)
    try:
        assert where in run.info()["reason"]
    finally:
        run.close()
    _told(config, upload_id, where)


def test_an_upload_whose_publish_the_store_failed_is_told_in_the_partner_s_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store fails after the run was applied, as it is published (a remote server that
    did not keep a write): the fault is raised, and the upload's page says the message."""
    config = _config(tmp_path, "")
    where = "http://store.internal:7878/store"
    fault = StoreFaultError(f"the remote store at {where} accepted the write but lost it")

    def failing(*_: object, **__: object) -> None:
        raise fault

    monkeypatch.setattr(Pipeline, "_publish", failing)
    upload_id = _send(config)
    with pytest.raises(StoreFaultError) as raised:
        run_upload(config, "shop", upload_id)
    assert where in str(raised.value)  # the operator's, in log.txt
    _told(config, upload_id, where)
