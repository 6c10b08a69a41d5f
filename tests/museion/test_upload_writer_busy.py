"""An upload whose run waited for another run's writer lock until it gave up: its page said
"source 'shop': another museion process (pid 4242 since ...) is writing to /srv/museion/data;
wait for it to end", in English on a French or Arabic page, with the server's data directory
and process in it. It now says a message its page translates (``UPLOAD_SERVER_BUSY``); the
error itself is raised, and the upload's process writes it to its ``log.txt``."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from museion.uploads import run_upload, upload_store
from museion_core import messages
from museion_core.errors import WriterBusyError
from publish import Workspace
from sparql import i18n
from tests.museion.test_upload_store_fault import _config, _page, _send


def test_an_upload_that_waited_too_long_for_another_run_is_told_in_its_language(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path, "")
    upload_id = _send(config)
    with Workspace(config.data_dir).lock(), pytest.raises(WriterBusyError) as raised:
        run_upload(config, "shop", upload_id, wait=0.5)  # a harvest holds the lock
    where = str(config.data_dir)
    assert where in raised.value.one_line()  # the operator's, in log.txt
    status = upload_store(config.data_dir).status("shop", upload_id) or {}
    assert (status["status"], status["reason"]) == ("failed", messages.UPLOAD_SERVER_BUSY())
    for lang in ("fr", "ar"):
        page = html.fromstring(_page(config, upload_id, lang))
        [reason] = page.cssselect("#reason")
        shown = " ".join("".join(str(t) for t in reason.itertext()).split())
        said = i18n.translate(messages.UPLOAD_SERVER_BUSY.template, lang)
        assert shown == said != messages.UPLOAD_SERVER_BUSY()
        assert not reason.cssselect('[lang="en"]'), "left in English"
        assert where not in "".join(str(t) for t in page.itertext())
