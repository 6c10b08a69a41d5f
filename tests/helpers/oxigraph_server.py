"""A real ``oxigraph serve`` (the CLI of the ``oxigraph`` dev dependency) on 127.0.0.1, for
the remote-store tests: a SPARQL 1.1 Protocol, Update and Graph Store Protocol server."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from store import RemoteEndpoint
from tests.helpers.endpoint import free_port


@dataclass(frozen=True)
class OxigraphServer:
    url: str
    """``http://127.0.0.1:PORT`` (no trailing slash)."""

    def endpoint(self, *, graph_store: bool = True) -> RemoteEndpoint:
        return RemoteEndpoint(
            query_endpoint=self.url + "/query",
            update_endpoint=self.url + "/update",
            graph_store_endpoint=self.url + "/store" if graph_store else None,
        )

    def store_keys(self, *, graph_store: bool = True) -> str:
        """The ``[store]`` keys of a museion.toml that uses this server."""
        keys = (
            'kind = "sparql"\n'
            f'query_endpoint = "{self.url}/query"\n'
            f'update_endpoint = "{self.url}/update"\n'
        )
        if graph_store:
            keys += f'graph_store_endpoint = "{self.url}/store"\n'
        return keys


@contextmanager
def oxigraph_serve(location: Path, timeout: float = 120) -> Iterator[OxigraphServer]:
    """``oxigraph serve`` on a free port, its data in ``location``, until the block ends."""
    port = free_port()
    log = location.with_name(location.name + ".log")
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("oxigraph")),
                "serve",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = OxigraphServer(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited early:\n{log.read_text()}")
            try:
                answer = requests.get(server.url + "/query", params={"query": "ASK {}"}, timeout=2)
                if answer.status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"oxigraph serve did not come up:\n{log.read_text()}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
