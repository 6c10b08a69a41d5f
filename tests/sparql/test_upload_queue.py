"""Uploads run one at a time per HTTP worker: 80 uploads at once started 80 ``museion upload``
processes (6.7 GB between them), all waiting on the data directory's writer lock."""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from sparql.settings import EndpointSettings
from sparql.uploads import UploadViews

RUN = """
import json, pathlib, sys, time
log, name, upload = sys.argv[1], sys.argv[2], sys.argv[4]
with open(log, "a") as out:
    out.write(f"start {upload} {time.monotonic()}\\n")
time.sleep(0.3)
with open(log, "a") as out:
    out.write(f"end {upload} {time.monotonic()}\\n")
folder = pathlib.Path(UPLOADS) / name / upload
(folder / "status.json").write_text(json.dumps({"status": "published"}))
"""


def test_uploads_run_one_after_another(tmp_path: Path) -> None:
    uploads, log = tmp_path / "uploads", tmp_path / "runs.log"
    command = (sys.executable, "-c", RUN.replace("UPLOADS", repr(str(uploads))), str(log))
    settings = EndpointSettings(
        base_iri="https://data.example.org/",
        published_dir=tmp_path / "published",
        uploads_dir=uploads,
        upload_command=command,
    )
    views = UploadViews(settings)
    ids = [views.store.receive("museum", [("a.csv", io.BytesIO(b"id\n1\n"))]) for _ in range(5)]
    for upload_id in ids:
        views._start("museum", upload_id)  # as five POSTs in a row would
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not log.exists() or log.read_text().count("end") < 5):
        time.sleep(0.1)
    events = [line.split() for line in log.read_text().splitlines()]
    assert [e[0] for e in events] == ["start", "end"] * 5  # never two at once
    assert [e[1] for e in events[::2]] == ids  # in the order they came
