"""A live ``oxigraph serve`` (the oxigraph dev dependency's CLI) on 127.0.0.1, in memory."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.helpers.endpoint import free_port, stop


@dataclass
class Oxigraph:
    url: str

    @property
    def sparql(self) -> str:
        return self.url + "/query"

    def load_turtle(self, text: str) -> None:
        """Add triples to the default graph (Graph Store Protocol)."""
        answer = requests.post(
            self.url + "/store?default",
            data=text.encode("utf-8"),
            headers={"Content-Type": "text/turtle"},
            timeout=30,
        )
        answer.raise_for_status()

    def update(self, update: str) -> None:
        answer = requests.post(
            self.url + "/update",
            data=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
            timeout=30,
        )
        answer.raise_for_status()


def _binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph CLI (dev dependency) is not installed")
    return found


@contextmanager
def oxigraph_serve() -> Iterator[Oxigraph]:
    port = free_port()
    process = subprocess.Popen(
        [_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Oxigraph(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError("oxigraph serve exited early")
            try:
                requests.get(server.url + "/query", params={"query": "ASK {}"}, timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield server
    finally:
        stop(process)
