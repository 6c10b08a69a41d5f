"""A ``museion harvest`` with a remote store (a real ``oxigraph serve``) killed with SIGKILL in
the middle of a write: right after the server took one of its requests, before the working
store was written. The kill raises nothing, so nothing is noted in ``<working>.unsure``; the
run left ``applying`` is applied again by the next harvest (``pipeline.recover``: every graph
of it written whole, server first), and the source not ``mirrored`` has its run applied even
if it changes nothing. The next harvest, the same feed, must serve what a clean run serves,
and the server's record graphs must be the working store's."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

import pytest
import requests

from museion import load_config
from museion.cli import run_harvest
from museion.config import Config
from store import RemoteReader
from tests.helpers.hostile import passed_on
from tests.helpers.http import Quiet, serving
from tests.helpers.sparql_servers import SparqlServer, oxigraph_serve
from tests.publish.test_crash import VOLATILE, make_feed, stable
from tests.store.test_remote_refusals import graphs_held, graphs_local

pytestmark = pytest.mark.slow

BASE = "https://data.example.org/"


def write_config(directory: Path, feed: Path, url: str, base: str) -> Path:
    """The CMOA feed of ``tests.publish.test_crash``, its store on the server at ``url``."""
    path = directory / "museion.toml"
    path.write_text(
        f'[store]\npath = "store"\nbatch_size = 4\n{SparqlServer(url).store_keys()}'
        f'[publish]\nbase_iri = "{base}"\n'
        f'[[sources]]\nname = "cmoa"\nkind = "files"\nlocation = "{feed}"\nmapping = "cmoa"\n'
        '[sources.gates]\nmax_record_drop = 0.5\n[sources.partner]\nlabel = "CMOA"\n',
        encoding="utf-8",
    )
    return path


class Killing:
    """A proxy before the server that passes every request on; while ``at`` is set, it
    passes on the first write whose first line matches it (its method and path, then its
    body), and kills ``pid`` (SIGKILL) once the server took it, before the harvest hears."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.at: re.Pattern[str] | None = None
        self.pid = 0
        self.killed = False
        self.lock = threading.Lock()

    @contextmanager
    def serving(self) -> Iterator[str]:
        proxy = self

        class Handler(Quiet):
            def answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path.partition("?")[0]
                line = f"{self.command} {unquote(self.path)} {body[:200].decode(errors='replace')}"
                with proxy.lock:
                    kill = path in ("/store", "/update") and proxy.at and proxy.at.match(line)
                    if kill:
                        proxy.at, proxy.killed = None, True
                if not kill:
                    passed_on(self, proxy.upstream, body)
                    return
                headers = {k: v for k in ("Content-Type",) if (v := self.headers.get(k))}
                taken = requests.request(
                    self.command,
                    proxy.upstream + self.path,
                    data=body,
                    headers=headers,
                    timeout=60,
                )
                assert taken.ok, taken.text
                os.kill(proxy.pid, signal.SIGKILL)
                self.close_connection = True

            do_GET = do_POST = do_PUT = answer

        with serving(Handler) as url:
            yield url


def served(config: Config, base: str) -> set[tuple[str, str, str]]:
    """What the server's current version answers to every statement, less what differs
    between any two runs (as ``stable``), its base IRI written ``BASE``."""
    reader = RemoteReader(config.remote)  # type: ignore[arg-type]
    try:
        reader.refresh()
        rows = reader.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
        return {
            tuple(str(row[k]).replace(base, "BASE") for k in "spo")  # type: ignore[misc]
            for row in rows
            if "/run/" not in str(row["s"]) and str(row["p"]) not in VOLATILE
        }
    finally:
        reader.close()


def published(config: Config, base: str) -> set[tuple[str, ...]]:
    return {tuple(str(t).replace(base, "BASE") for t in q) for q in stable(config)}


Answers = tuple[set[tuple[str, str, str]], set[tuple[str, ...]]]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, Answers]]:
    """What uninterrupted harvests serve and publish: of version 1, then 2 (key 2), then 1
    again (key 1)."""
    directory = tmp_path_factory.mktemp("clean")
    answers: dict[int, Answers] = {}
    with oxigraph_serve(directory / "server") as server:
        config = load_config(write_config(directory, make_feed(directory, 1), server.url, BASE))
        for version in (1, 2, 1):
            make_feed(directory, version)
            [summary] = run_harvest(config)
            assert summary.status == "published", summary.reason
            answers[version] = served(config, BASE), published(config, BASE)
        yield answers


KILLED_AT = {
    "a record graph's PUT": r"PUT /store\?graph=\S*/record/",
    "metadata's delete, before its insert": r"POST /update DELETE \{ GRAPH <\S*/meta>",
    "a withdrawal": r"POST /update DROP SILENT GRAPH <\S*/record/",
    "an entity graph's delete, before its insert": r"POST /update DELETE \{ GRAPH <\S*/entities/",
    "reconciliation's update": r"POST /update DELETE \{ GRAPH <\S*/reconciliation>",
    "the version's build": r"POST /update INSERT \{ GRAPH <urn:museion:store:version:",
    "the pointer's move": r"POST /update DELETE \{ GRAPH <urn:museion:store:pointer>",
}
"""Where the harvest of version 2 is killed: right after the server took the first write
whose first line matches (``Killing``)."""


@pytest.mark.parametrize("then", [2, 1], ids=["same-feed", "feed-as-before"])
@pytest.mark.parametrize("where", list(KILLED_AT))
def test_a_harvest_killed_mid_write_is_recovered_by_the_next(
    tmp_path: Path, clean: dict[int, Answers], where: str, then: int
) -> None:
    """Version 1 harvested; version 2 (three records changed, three withdrawn, three new)
    killed right after the server took one of its writes (``KILLED_AT``: a record graph,
    metadata, an entity graph, a withdrawal, reconciliation, the version, the pointer),
    before the working store was written. The next harvest, of version 2 again or of
    version 1 (the partner's feed back as it was), serves and publishes what clean runs of
    the same versions do, the server's record graphs are the working store's, and nothing
    is left noted unsure."""
    with oxigraph_serve(tmp_path / "server") as server:
        proxy = Killing(server.url)
        with proxy.serving() as url:
            path = write_config(tmp_path, make_feed(tmp_path, 1), url, BASE)
            config = load_config(path)
            [first] = run_harvest(config)
            assert first.status == "published", first.reason
            make_feed(tmp_path, 2)
            proxy.at = re.compile(KILLED_AT[where])
            process = subprocess.Popen(
                [sys.executable, "-m", "museion", "--config", str(path), "harvest"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env={k: v for k, v in os.environ.items() if k != "MUSEION_FAILPOINT"},
            )
            proxy.pid = process.pid
            _, stderr = process.communicate(timeout=300)
            assert process.returncode == -signal.SIGKILL, stderr.decode()
            assert proxy.killed  # there, not after the harvest ended
            make_feed(tmp_path, then)
            [summary] = run_harvest(config)
            assert summary.status == "published", summary.reason
            assert (served(config, BASE), published(config, BASE)) == clean[then]
            working = graphs_local(config.data_dir / "working", BASE)
            assert graphs_held(server, BASE) == working
        assert not (config.data_dir / "working.unsure").exists()
