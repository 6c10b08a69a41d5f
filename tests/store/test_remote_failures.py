"""A write the server fails midway — a 500, or a connection dropped unanswered — against a
real ``oxigraph serve`` behind a proxy (``Failing``): the server and the working store are
left in step, and the next run, the feed as it was before, publishes what the index says."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from museion.cli import run_harvest
from museion.config import Config
from publish import HarvestSummary
from store import RemoteReader
from store.protocol import SparqlClient
from tests.helpers.hostile import answer, passed_on, seen_body, server
from tests.helpers.sparql_servers import SparqlServer, oxigraph_serve
from tests.store.test_remote_checks import shop
from tests.store.test_remote_refusals import (
    P190,
    PERSONS,
    graphs_held,
    graphs_local,
    names_held,
)

RECORDS = 8


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph") / "data") as running:
        yield running


class Failing:
    """A proxy before a real SPARQL server that fails each write holding the text
    ``holding`` while ``failing``: a 500 (``how="500"``), or its connection dropped with no
    answer (``how="dropped"``); it counts the writes it failed."""

    def __init__(self, upstream: str, holding: str, how: str) -> None:
        self.upstream = upstream
        self.holding = holding.encode()
        self.how = how
        self.failing = False
        self.failed = 0
        self.lock = threading.Lock()

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        body = seen_body(handler)
        write = handler.path.partition("?")[0] in ("/store", "/update")
        with self.lock:
            fail = self.failing and write and self.holding in body
            self.failed += fail
        if fail and self.how == "dropped":
            handler.close_connection = True
            return
        if fail:
            answer(500, b"SR325: Transaction aborted", Content_Type="text/plain")(handler)
            return
        passed_on(handler, self.upstream, body)


def names_served(config: Config) -> set[str]:
    """The persons' names the server's current version serves (what researchers query)."""
    reader = RemoteReader(config.remote)  # type: ignore[arg-type]
    try:
        reader.refresh()
        rows = reader.select(f"SELECT DISTINCT ?n WHERE {{ ?x <{P190}> ?n {PERSONS} }}")
        return {str(row["n"]) for row in rows}
    finally:
        reader.close()


@pytest.mark.parametrize("how", ["500", "dropped"])
@pytest.mark.parametrize("graph_store", [True, False], ids=["gsp", "update"])
def test_a_shared_write_the_server_fails_is_mended_by_the_next_publish(
    tmp_path: Path, upstream: SparqlServer, graph_store: bool, how: str
) -> None:
    """A maker renamed in four records: the entity graph's update deletes the maker's name,
    then inserts the new one, and the server fails the insert. A refusal (a 500) was put
    back, but a connection dropped (or a 503, a timeout) was not: the server had lost the
    maker's name, the working store (written after the server) kept it, and the next run,
    the feed back as it was, wrote nothing of the maker (its records did not differ from the
    index): the name was missing from every version after. A write failing of any cause
    now notes what it names as unsure (``store.unsure``), and the next publish sends it as
    the working store holds it: the server and the working store hold the same, and the
    version serves the name."""
    mode = "gsp" if graph_store else "update"
    base = f"http://failing-{how}.{mode}/"
    makers = {n: (f"p{n % 2}", f"Maker {n % 2}") for n in range(RECORDS)}
    renamed = {**makers, **dict.fromkeys(range(1, RECORDS, 2), ("p1", "Broken"))}
    proxy = Failing(upstream.url, "Broken", how)
    with server(proxy) as (url, _):

        def harvest(named: dict[int, tuple[str, str]]) -> tuple[Config, HarvestSummary]:
            config = shop(
                tmp_path, url, range(RECORDS), graph_store=graph_store, base=base, makers=named
            )
            [summary] = run_harvest(config)
            return config, summary

        config, first = harvest(makers)
        assert first.status == "published", first.reason
        assert names_served(config) == {"Maker 0", "Maker 1"}
        proxy.failing = True
        config, failed = harvest(renamed)
        assert failed.status == "failed"
        assert proxy.failed
        proxy.failing = False
        config, again = harvest(makers)  # the feed as it was: nothing differs from the index
        assert again.status == "published", again.reason
        assert names_held(upstream, base) == names_served(config) == {"Maker 0", "Maker 1"}
    held, working = graphs_held(upstream, base), graphs_local(config.data_dir / "working", base)
    assert held == working
    assert not (config.data_dir / "working.unsure").exists()


@pytest.mark.parametrize("damage", [b"not json\n", b'{"graph": 1}\n', b"\xff\xfe\n"])
def test_a_damaged_unsure_file_has_every_graph_sent_again(
    tmp_path: Path, upstream: SparqlServer, damage: bytes
) -> None:
    """``<working>.unsure`` edited by hand (or by a disk's fault) made every run fail at the
    store's opening with a bare JSON error. What it named is not known, so the next publish
    now sends the server every graph: a graph the server had lost is back, and the file is
    gone once sent. Found by a review."""
    base = f"http://damaged-{len(damage)}.example/"
    config = shop(tmp_path, upstream.url, range(RECORDS), base=base)
    [first] = run_harvest(config)
    assert first.status == "published", first.reason
    working = graphs_local(config.data_dir / "working", base)
    lost = sorted({g for g, *_ in working if "/record/" in g or "/r1" in g})[0]
    SparqlClient(upstream.endpoint()).update(f"DROP GRAPH {lost}")  # written <…>
    assert graphs_held(upstream, base) != working
    unsure = config.data_dir / "working.unsure"
    unsure.write_bytes(damage)
    [again] = run_harvest(config)
    assert again.status == "published", again.reason
    assert graphs_held(upstream, base) == working
    assert not unsure.exists()


def titles_served(config: Config) -> set[str]:
    """The objects' titles the server's current version serves."""
    reader = RemoteReader(config.remote)  # type: ignore[arg-type]
    try:
        reader.refresh()
        rows = reader.select(
            f'SELECT DISTINCT ?t WHERE {{ ?x <{P190}> ?t FILTER CONTAINS(?t, "Thing") }}'
        )
        return {str(row["t"]) for row in rows}
    finally:
        reader.close()


@pytest.mark.parametrize("how", ["dropped"])
def test_records_written_before_a_failed_shared_write_are_written_again(
    tmp_path: Path, upstream: SparqlServer, how: str
) -> None:
    """Records retitled and their maker renamed: their graphs and metadata are written, then
    the entity graph's write fails. The index was not told of the records (it is written after
    the shared statements), so it kept their old checksums while the server and the working
    store held their new graphs: the next run, the feed back as it was, found them unchanged
    by the index and wrote nothing, and the retitled records stayed published as the failed
    run had them, in every version after."""
    base = f"http://lagging-{how}.example/"
    makers = {n: (f"p{n % 2}", f"Maker {n % 2}") for n in range(RECORDS)}
    renamed = {**makers, **dict.fromkeys(range(1, RECORDS, 2), ("p1", "Broken"))}
    retitled = {n: f"Thing {n} retitled" for n in range(1, RECORDS, 2)}
    proxy = Failing(upstream.url, "Broken", how)
    with server(proxy) as (url, _):

        def harvest(
            named: dict[int, tuple[str, str]], titles: dict[int, str] | None = None
        ) -> tuple[Config, HarvestSummary]:
            config = shop(tmp_path, url, range(RECORDS), base=base, makers=named, titles=titles)
            [summary] = run_harvest(config)
            return config, summary

        config, first = harvest(makers)
        assert first.status == "published", first.reason
        before = titles_served(config)
        assert before == {f"Thing {n}" for n in range(RECORDS)}
        proxy.failing = True
        config, failed = harvest(renamed, retitled)
        assert failed.status == "failed"
        assert proxy.failed
        proxy.failing = False
        config, again = harvest(makers)  # the feed as it was before the failed run
        assert again.status == "published", again.reason
        assert titles_served(config) == before
        assert names_served(config) == {"Maker 0", "Maker 1"}
    held, working = graphs_held(upstream, base), graphs_local(config.data_dir / "working", base)
    assert held == working
