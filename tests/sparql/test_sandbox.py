"""A query process with an empty allow-list has no network: not even the server's 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests

from tests.helpers.recording import recording_server

PROBE = """
import sys, urllib.request
from sparql.sandbox import isolate_network
if not isolate_network():
    print("unavailable"); sys.exit(0)
try:
    urllib.request.urlopen(sys.argv[1], timeout=5)
    print("reached")
except OSError as exc:
    print("refused", exc)
"""


def test_an_isolated_process_reaches_no_host() -> None:
    with recording_server() as recorder:
        assert requests.get(recorder.url + "/before", timeout=10).status_code == 200
        probe = subprocess.run(
            [sys.executable, "-c", PROBE, recorder.url + "/x"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        if probe.stdout.startswith("unavailable"):
            pytest.skip("this kernel refuses unprivileged user namespaces")
        assert probe.stdout.startswith("refused"), probe.stdout + probe.stderr
        assert [r.path for r in recorder.requests] == ["/before"]
