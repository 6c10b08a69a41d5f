"""A partner who sends files: its source in a config, and an upload as the form sends it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import requests

from museion import Config, HarvestSummary
from museion.uploads import run_upload, upload_store
from sparql.uploads import UploadViews
from tests.helpers.asgi import page_request


def upload_files(config: Config, source: str, paths: Sequence[Path]) -> HarvestSummary:
    """Send ``paths`` to ``source`` as one upload, then check, map and publish it."""
    with ExitStack() as opened:
        files = [(path.name, opened.enter_context(path.open("rb"))) for path in paths]
        upload_id = upload_store(config.data_dir).receive(source, files)
    return run_upload(config, source, upload_id)


def upload_source(name: str, feed: Path, label: str, token: str) -> str:
    """A ``[[sources]]`` table of CMOA files at ``feed`` whose partner may upload with
    ``token``."""
    return f"""
[[sources]]
name = "{name}"
kind = "files"
location = "{feed.as_posix()}"
mapping = "cmoa"
[sources.partner]
label = "{label}"
token = "{token}"
"""


def upload_page(views: UploadViews, source: str, upload_id: str, lang: str) -> str:
    """The upload's page (``/sources/SOURCE/uploads/ID``) as the endpoint shows it in
    ``lang``, asked for as a browser asks."""
    path = f"/sources/{source}/uploads/{upload_id}"
    request = page_request(path, lang, params={"name": source, "upload_id": upload_id})
    response = asyncio.run(views.show(request))
    return bytes(response.body).decode("utf-8")


def run_ended(url: str) -> dict[str, Any]:
    """The upload's status (its page ``url`` asked for as JSON) once its run has ended:
    published, held or failed. Fails the test after four minutes without an end."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        status: dict[str, Any] = requests.get(url, params={"format": "json"}, timeout=30).json()
        if status["status"] in ("published", "held", "failed"):
            return status
        time.sleep(0.3)
    raise AssertionError(f"the upload's run did not end: {status}")
