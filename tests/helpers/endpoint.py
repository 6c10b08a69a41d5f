"""A live ``museion serve`` on 127.0.0.1 for integration tests: a real process, a real port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from museion import load_config
from museion.cli import run_harvest
from museion.config import Config
from tests.conftest import files_source
from tests.helpers.samples import sample_feeds

FEEDS = sample_feeds()
ADMIN_TOKEN = "test-admin-token-0123456789"


@dataclass
class Live:
    url: str
    """``http://127.0.0.1:PORT`` (no trailing slash)."""
    config: Config
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def iri_url(self, iri: str) -> str:
        """Where a minted IRI is dereferenced on this server."""
        assert iri.startswith(self.config.base_iri)
        return self.url + "/" + iri[len(self.config.base_iri) :]

    def read_log(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_two_partner_config(
    folder: Path,
    base_iri: str = "https://data.example.org/",
    *,
    tate: Path | None = None,
    extra: str = "",
    more: Iterable[str] = (),
    homepages: bool = False,
    wikidata: bool = False,
) -> Path:
    """A museion.toml for the Tate and CMOA samples (``tate``: a copy of the Tate feed that a
    test may change), then ``more`` [[sources]] fragments; ``extra`` goes before the sources.
    ``homepages``, ``wikidata``: the partners' home pages, their Wikidata items."""
    folder.mkdir(parents=True, exist_ok=True)
    text = f'[store]\npath = "store"\n\n[publish]\nbase_iri = "{base_iri}"\n{extra}'
    sources = [
        files_source("tate", tate or FEEDS / "tate", "tate", label="Tate"),
        files_source("cmoa", FEEDS / "cmoa", "cmoa", label="Carnegie Museum of Art"),
    ]
    if homepages:
        sources[0] += '\nhomepage = "https://www.tate.org.uk/"'
        sources[1] += '\nhomepage = "https://carnegieart.org/"'
    if wikidata:
        sources[0] += '\nequivalent = ["http://www.wikidata.org/entity/Q430682"]'
        sources[1] += '\nequivalent = ["http://www.wikidata.org/entity/Q1043967"]'
    for source in [*sources, *more]:
        text += "\n[[sources]]\n" + source + "\n"
    path = folder / "museion.toml"
    path.write_text(text, encoding="utf-8")
    return path


def published_two_partner_config(folder: Path) -> Path:
    """The Tate and CMOA samples harvested and published in ``folder``: its config."""
    path = write_two_partner_config(folder)
    harvest_and_publish(load_config(path))
    return path


def harvest_and_publish(config: Config) -> None:
    """What ``museion harvest`` does: harvest every source, then publish a snapshot."""
    run_harvest(config)


@contextmanager
def live_endpoint(
    config_path: Path, *args: str, admin_token: str | None = None, cwd: Path | None = None
) -> Iterator[Live]:
    """``museion serve`` on a free port until the block ends; ``args`` are serve options.

    ``cwd``: where the command runs (a partner runs it beside its config); it is then the
    ``museion`` command, as installed, since ``python -m`` would read that folder first."""
    config = load_config(config_path)
    port = free_port()
    log = config_path.parent / f"serve-{port}.log"
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("MUSEION_ADMIN_TOKEN", None)
    if admin_token:
        env["MUSEION_ADMIN_TOKEN"] = admin_token
    with open(log, "wb") as out:
        command = (
            [str(Path(sys.executable).parent / "museion")]
            if cwd
            else [sys.executable, "-m", "museion"]
        )
        process = subprocess.Popen(
            [
                *command,
                "--config",
                str(config_path),
                "serve",
                "--port",
                str(port),
                *args,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
        )
    live = Live(f"http://127.0.0.1:{port}", config, process, log)
    try:
        _wait_until_up(live)
        yield live
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], grace: float = 15) -> None:
    """Stop a server the test started: SIGTERM, then SIGKILL if it has not ended in ``grace``."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _wait_until_up(live: Live, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if live.process.poll() is not None:
            raise RuntimeError(f"museion serve exited early:\n{live.read_log()}")
        try:
            if requests.get(live.sparql, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"museion serve did not come up in {timeout} s:\n{live.read_log()}")


class _FromAddress(HTTPAdapter):
    """Connections made from one local address (``other_client``)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def other_client(address: str = "127.0.0.2") -> requests.Session:
    """A session whose requests come from another loopback address: another client, as the
    endpoint tells clients apart by their address (one client's queries may hold all but
    one of the query processes; a second client's are answered meanwhile)."""
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session
