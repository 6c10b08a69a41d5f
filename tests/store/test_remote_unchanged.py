"""An unchanged harvest on a remote store (``[store] kind = "sparql"``): a write the server
missed is sent again, and a server that missed nothing keeps its version.

A run whose feed changed nothing is not applied (``publish.writes_nothing``), which compares
with the local working store only. A run that failed on the server had already written the
working store: the next, unchanged harvest skipped its run, and its publish built the new
version from the server's stale graphs, so the server kept serving the partner's old name or
the old quarantine while the local snapshot said otherwise, for ever. Now a source whose last
run did not reach the server whole has its next run applied, which sends it all again. A real
``oxigraph serve`` behind a proxy that answers 500 to the writes of one graph (``Refusing``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from mappings import Minter
from museion import Pipeline, Workspace, load_config
from museion.cli import run_harvest
from museion.config import Config
from museion_core.errors import MuseionError
from museion_core.vocab import MUSEION_NS
from store import RemoteReader
from store.protocol import SparqlClient
from tests.helpers.hostile import Refusing, server
from tests.helpers.sparql_servers import SparqlServer, oxigraph_serve
from tests.store.test_remote_checks import shop

TITLE = "http://purl.org/dc/terms/title"


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph") / "data") as running:
        yield running


def answers(config: Config, sparql: str) -> tuple[set[str], set[str]]:
    """One variable's values for ``sparql`` in the local snapshot and in the server's current
    version (what the endpoint serves)."""
    with closing(Workspace(config.data_dir).open_published()) as store:
        local = {str(v) for row in store.select(sparql) for v in row.values()}
    reader = RemoteReader(config.remote)  # type: ignore[arg-type]
    try:
        reader.refresh()
        remote = {str(v) for row in reader.select(sparql) for v in row.values()}
    finally:
        reader.close()
    return local, remote


def version(config: Config) -> str | None:
    reader = RemoteReader(config.remote)  # type: ignore[arg-type]
    try:
        return reader.refresh()
    finally:
        reader.close()


def failed_on_the_server(config: Config, proxy: Refusing, graph: str) -> None:
    """Harvest ``config`` while the server answers 500 to every write of ``graph``."""
    proxy.graph = graph
    try:
        [summary] = run_harvest(config)
        assert summary.status == "failed", summary.reason
    except MuseionError:
        pass
    finally:
        proxy.graph = ""  # the server is well again


def test_a_renamed_partner_the_server_missed_is_sent_by_the_next_unchanged_harvest(
    tmp_path: Path, upstream: SparqlServer
) -> None:
    base = "http://renamed.standing/"
    dataset = f"{base}dataset/shop"
    named = f"SELECT ?t WHERE {{ <{dataset}> <{TITLE}> ?t }}"
    proxy = Refusing(upstream.url)
    with server(proxy) as (url, _):
        config = shop(tmp_path, url, range(4), base=base)
        [first] = run_harvest(config)
        assert first.status == "published", first.reason
        config.path.write_text(
            config.path.read_text().replace('label = "Shop"', 'label = "Shop Renamed"')
        )
        config = load_config(config.path)
        failed_on_the_server(config, proxy, dataset)  # the working store has the new name

        [summary] = run_harvest(config)  # the feed unchanged, the server well

        assert summary.status == "published", summary.reason
        assert answers(config, named) == ({"Shop Renamed"}, {"Shop Renamed"})
        # in step now: the next unchanged harvest keeps the version, and sends nothing
        served, writes = version(config), proxy.counts["put"] + proxy.counts["update"]
        [again] = run_harvest(config)
        assert (again.status, again.wrote_nothing) == ("published", True)
        assert again.snapshot == summary.snapshot
        assert version(config) == served
        assert proxy.counts["put"] + proxy.counts["update"] == writes


def test_a_quarantine_the_server_missed_is_sent_by_the_next_unchanged_harvest(
    tmp_path: Path, upstream: SparqlServer
) -> None:
    """A file the feed now sends broken, its quarantine entry refused by the server; then the
    file mended (gone), the entry's removal refused: each time the next harvest, which
    changes nothing in the working store, makes the server's version say what the local
    snapshot says."""
    base = "http://quarantine.standing/"
    meta = f"{base}meta"
    listed = f"SELECT ?q WHERE {{ ?q a <{MUSEION_NS}QuarantinedRecord> }}"
    proxy = Refusing(upstream.url)
    with server(proxy) as (url, _):
        config = shop(tmp_path, url, range(4), base=base)
        [first] = run_harvest(config)
        assert first.status == "published", first.reason
        broken = tmp_path / "feed" / "broken.json"
        broken.write_text("<html><body>502 Bad Gateway</body></html>")
        failed_on_the_server(config, proxy, meta)

        [summary] = run_harvest(config)

        assert (summary.status, summary.rejected) == ("published", 1), summary.reason
        local, remote = answers(config, listed)
        assert len(local) == 1
        assert remote == local

        broken.unlink()
        failed_on_the_server(config, proxy, meta)

        [summary] = run_harvest(config)

        assert (summary.status, summary.rejected) == ("published", 0), summary.reason
        assert answers(config, listed) == (set(), set())


def test_an_unchanged_remap_of_a_source_the_server_missed_is_sent(
    tmp_path: Path, upstream: SparqlServer
) -> None:
    """A remap whose mapping gives the same output is not applied (``publish.writes_nothing``
    compares with the local working store), unless its source is not marked mirrored: its
    last run may not have reached the server whole (here the server lost a record graph).
    The remap is then applied, which sends the server every graph again; in step after it,
    the next unchanged remap keeps the version and sends nothing."""
    base = "http://remap.standing/"
    graph = Minter(base, "shop").record_graph("r0").value
    held = f"SELECT ?p WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT 1"
    proxy = Refusing(upstream.url)
    client = SparqlClient(upstream.endpoint())
    try:
        with server(proxy) as (url, _):
            config = shop(tmp_path, url, range(4), base=base)
            [first] = run_harvest(config)
            assert first.status == "published", first.reason
            client.update(f"DROP GRAPH <{graph}>")
            Workspace(config.data_dir).save_source_state("shop", mirrored=False)

            summary = Pipeline(config).remap("shop")

            assert summary is not None
            assert (summary.status, summary.wrote_nothing) == ("published", False), summary
            assert list(client.select(held))  # sent again
            served, writes = version(config), proxy.counts["put"] + proxy.counts["update"]
            again = Pipeline(config).remap("shop")
            assert again is not None
            assert (again.wrote_nothing, again.snapshot) == (True, summary.snapshot)
            assert version(config) == served
            assert proxy.counts["put"] + proxy.counts["update"] == writes
    finally:
        client.close()
