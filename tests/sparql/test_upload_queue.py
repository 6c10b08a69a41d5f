"""Uploads run one at a time per HTTP worker: 80 uploads at once started 80 ``museion upload``
processes (6.7 GB between them), all waiting on the data directory's writer lock."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sparql import uploads as uploads_module
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


def test_a_hung_run_is_stopped_and_the_next_upload_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The queue waited for a run without a bound: one hung run held every later upload."""
    monkeypatch.setattr(uploads_module, "RUN_LIMIT", 1.0)
    uploads, log = tmp_path / "uploads", tmp_path / "runs.log"
    hang = (
        "import sys, time\n"
        "hung, upload = sys.argv[2], sys.argv[5]\n"  # command, hung id, source, --stored, id
        "open(sys.argv[1], 'a').write(upload + '\\n')\n"
        "time.sleep(60 if upload == hung else 0)\n"
    )
    settings = EndpointSettings(
        base_iri="https://data.example.org/",
        published_dir=tmp_path / "published",
        uploads_dir=uploads,
        upload_command=(sys.executable, "-c", hang, str(log)),
    )
    views = UploadViews(settings)
    first, second = (
        views.store.receive("museum", [("a.csv", io.BytesIO(b"id\n1\n"))]) for _ in range(2)
    )
    views.settings = settings.model_copy(
        update={"upload_command": (*settings.upload_command, first)}
    )
    views._start("museum", first)
    views._start("museum", second)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not log.exists() or second not in log.read_text()):
        time.sleep(0.1)
    assert log.read_text().split() == [first, second]
    status = views.store.status("museum", first) or {}
    assert status["status"] == "failed"
    assert "more than" in status["reason"]


def test_uploads_left_queued_by_a_stopped_worker_run_when_a_worker_starts(
    tmp_path: Path,
) -> None:
    """After a restart (a deploy, a crash), uploads stayed "queued" for ever: the queue lived
    only in the worker that received them. A worker now takes up those whose claim is gone;
    one another live worker holds is left to it."""
    uploads, log = tmp_path / "uploads", tmp_path / "runs.log"
    record = "import sys\nopen(sys.argv[1], 'a').write(sys.argv[4] + '\\n')\n"
    settings = EndpointSettings(
        base_iri="https://data.example.org/",
        published_dir=tmp_path / "published",
        uploads_dir=uploads,
        upload_command=(sys.executable, "-c", record, str(log)),
    )
    store = UploadViews(settings).store  # nothing queued yet: runs nothing
    orphan, held = (store.receive("museum", [("a.csv", io.BytesIO(b"id\n1\n"))]) for _ in range(2))
    gone = subprocess.Popen([sys.executable, "-c", ""])
    gone.wait()  # a process id that no longer runs
    (store.folder("museum", orphan) / "claim").write_text(str(gone.pid))
    (store.folder("museum", held) / "claim").write_text(str(os.getppid()))  # alive
    UploadViews(settings)  # a worker starts
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not log.exists():
        time.sleep(0.1)
    time.sleep(1)
    assert log.read_text().split() == [orphan]
