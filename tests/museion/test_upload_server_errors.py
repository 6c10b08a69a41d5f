"""Upload runs the server's set-up stopped, not the partner's files: a data directory it cannot
use, its configuration, a store it cannot open. The upload's page showed the error's own
English words ("cannot use /srv/museion/data as the data directory ([store] path): Is a
directory", "/etc/museion.toml: publish.base_iri: the data was harvested under ...", "cannot
open the store at /srv/museion/data/working: ..."), marked English on a French or Arabic page,
with the server's paths in them. Its status now holds a message the page translates
(``museion.uploads._said``); the error is raised, and the upload's process writes it to the
upload's ``log.txt``, where the operator finds it."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from lxml import html

from museion import load_config
from museion.config import Config
from museion.uploads import run_upload, upload_store
from museion_core import messages
from museion_core.errors import ConfigError, HarvestError, MuseionError, StoreError
from museion_core.message_template import Message
from sparql import i18n
from sparql.settings import EndpointSettings
from sparql.uploads import UploadViews
from tests.helpers.uploads import upload_page
from tests.museion.test_upload_store_fault import _config, _page, _send

ENGLISH = ("upload", "server", "store", "directory", "configuration")


def _told(config: Config, upload_id: str, said: Message, hidden: list[str]) -> None:
    """The status holds the message; each page (fr, ar) shows it translated, with none of the
    ``hidden`` details (the server's paths) and no English."""
    status = upload_store(config.data_dir).status("shop", upload_id) or {}
    assert (status["status"], status["reason"]) == ("failed", said())
    for lang in ("fr", "ar"):
        page = html.fromstring(_page(config, upload_id, lang))
        [reason] = page.cssselect("#reason")
        shown = " ".join("".join(str(t) for t in reason.itertext()).split())
        assert shown == i18n.translate(said.template, lang) != said(), shown
        assert not reason.cssselect('[lang="en"]'), "left in English"
        everything = "".join(str(t) for t in page.itertext())
        for detail in hidden:
            assert detail not in everything
        assert not [w for w in ENGLISH if w in shown.lower()], shown


def test_a_data_directory_the_server_cannot_use_is_told_in_the_partner_s_language(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path, "")
    upload_id = _send(config)
    (config.data_dir / "writer.lock").mkdir()  # the lock cannot be opened: "Is a directory"
    with pytest.raises(StoreError) as raised:
        run_upload(config, "shop", upload_id)
    assert str(config.data_dir) in raised.value.one_line()  # the operator's
    _told(config, upload_id, messages.UPLOAD_NOT_WRITTEN, [str(config.data_dir), "[store]"])


def test_a_store_that_cannot_be_opened_is_told_in_the_partner_s_language(tmp_path: Path) -> None:
    """A refusal of the store that is not a fault of a server (``StoreError``, not
    ``StoreFaultError``): its working store is a file."""
    config = _config(tmp_path, "")
    upload_id = _send(config)
    (config.data_dir / "working").write_text("not a store", encoding="utf-8")
    with pytest.raises(StoreError) as raised:
        run_upload(config, "shop", upload_id)
    where = str(config.data_dir / "working")
    assert where in raised.value.one_line()
    _told(config, upload_id, messages.UPLOAD_NOT_WRITTEN, [where])


def test_a_configuration_error_is_told_in_the_partner_s_language(tmp_path: Path) -> None:
    """The operator changed ``base_iri`` after the source was published: every run refuses to
    write the data directory, naming the configuration file and its key."""
    config = _config(tmp_path, "")
    run_upload(config, "shop", _send(config))
    text = config.path.read_text(encoding="utf-8")
    config.path.write_text(text.replace("data.example.org", "data.example.net"), "utf-8")
    config = load_config(config.path)
    upload_id = _send(config)
    with pytest.raises(ConfigError) as raised:
        run_upload(config, "shop", upload_id)
    assert str(config.path) in raised.value.one_line()
    hidden = [str(config.path), "base_iri", "data.example.org"]
    _told(config, upload_id, messages.UPLOAD_SERVER_FAILED, hidden)


def test_a_source_no_longer_configured_is_told_in_the_partner_s_language(tmp_path: Path) -> None:
    """The upload was kept, then the operator took the source out of the configuration (or
    misspelt it) before its run: the run's error names the configuration."""
    config = _config(tmp_path, "")
    upload_id = _send(config)
    text = config.path.read_text(encoding="utf-8")
    config.path.write_text(text.replace('name = "shop"', 'name = "shop2"'), "utf-8")
    with pytest.raises(MuseionError) as raised:
        run_upload(load_config(config.path), "shop", upload_id)
    assert "shop" in raised.value.one_line()
    _told(config, upload_id, messages.UPLOAD_SERVER_FAILED, [str(config.path)])


def test_the_detail_is_in_the_upload_s_log(tmp_path: Path) -> None:
    """As the endpoint runs it (``museion upload SOURCE --stored ID``, in a process whose
    output is the upload's ``log.txt``): the status says the message, the log the error."""
    config = _config(tmp_path, "")
    (config.data_dir / "writer.lock").mkdir(parents=True)
    command = (sys.executable, "-m", "museion", "--config", str(config.path), "upload")
    settings = EndpointSettings(
        base_iri="https://data.example.org/",
        published_dir=config.data_dir / "published",
        uploads_dir=config.data_dir / "uploads",
        upload_command=command,
    )
    views = UploadViews(settings)
    upload_id = _send(config)
    views._start("shop", upload_id)
    deadline = time.monotonic() + 120
    while (status := views.store.status("shop", upload_id) or {}).get("status") != "failed":
        assert time.monotonic() < deadline, f"the upload did not fail: {status}"
        time.sleep(0.2)
    time.sleep(0.5)  # the endpoint's own line, if it wrote one, after the process's
    assert status["reason"] == messages.UPLOAD_NOT_WRITTEN()
    log = (views.store.folder("shop", upload_id) / "log.txt").read_text(encoding="utf-8")
    assert f"cannot use {config.data_dir} as the data directory" in log, log
    page = upload_page(views, "shop", upload_id, "fr")
    assert str(config.data_dir) not in page


def test_a_feed_error_leaves_out_the_upload_s_folder(tmp_path: Path) -> None:
    """A feed that cannot be read is the partner's to act on, and its message is kept, but
    the upload's folder on the server is taken out of it: "no file matches
    /srv/museion/data/uploads/shop/ID/feed/*" (its files gone before its run)."""
    config = _config(tmp_path, "")
    upload_id = _send(config)
    folder = upload_store(config.data_dir).folder("shop", upload_id)
    for sent in (folder / "feed").iterdir():
        sent.unlink()
    with pytest.raises(HarvestError) as raised:
        run_upload(config, "shop", upload_id)
    assert str(folder) in raised.value.one_line()
    status = upload_store(config.data_dir).status("shop", upload_id) or {}
    said = messages.NO_FILE_MATCHES(location="feed/*")
    assert status["reason"] == f"source 'shop': {said}"  # the page leaves out its source
    for lang in ("fr", "ar"):
        page = "".join(str(t) for t in html.fromstring(_page(config, upload_id, lang)).itertext())
        assert str(config.data_dir) not in page
        assert i18n.translate(messages.NO_FILE_MATCHES.template, lang).split("{")[0] in page
