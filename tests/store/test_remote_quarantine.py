"""A source's quarantine on a remote store (``[store] kind = "sparql"``): an entry only the
server holds is compared with what the server holds of it.

Applying a run lists the source's quarantine on the working store and on the server
(``Store.select_all_copies``), so that an entry whose removal the server missed goes from it
now. A remap takes an entry out once it maps the record whose payload the entry holds; that
payload was read from the working store only, where an entry only the server holds has none:
it was never found mended, and stayed on the server, served by its every version. A real
``oxigraph serve``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest

from museion import Pipeline, Workspace, load_config
from museion.config import Config
from museion_core.vocab import MUSEION
from store.protocol import SparqlClient
from tests.helpers.sparql_servers import SparqlServer, oxigraph_serve
from tests.publish.test_remap_quarantine import refusing
from tests.store.test_remote_checks import MAPPING, SHOP, shop

META = pyoxigraph.NamedNode(f"{SHOP}meta")


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph") / "data") as running:
        yield running


def on_the_server(config: Config) -> set[str]:
    """The quarantine entries the server's metadata graph holds."""
    assert config.remote is not None
    client = SparqlClient(config.remote)
    try:
        query = f"SELECT ?q WHERE {{ GRAPH {META} {{ ?q a {MUSEION.QuarantinedRecord} }} }}"
        return {str(row["q"]) for row in client.select(query)}
    finally:
        client.close()


def test_an_entry_only_the_server_holds_leaves_it_once_its_record_maps(
    tmp_path: Path, upstream: SparqlServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = shop(tmp_path, upstream.url, [1, 2, 3])
    [harvest] = Pipeline(config, jobs=1).harvest()
    assert (harvest.status, harvest.new) == ("published", 3)
    with monkeypatch.context() as patch:
        refusing(patch, b'"r1"')
        refused = Pipeline(config, jobs=1).remap("shop")
    assert refused is not None
    assert (refused.status, refused.rejected) == ("published", 1)
    [entry] = on_the_server(config)
    # the working store's copy goes (as a write the server missed would leave it), the
    # server's stays
    working = pyoxigraph.Store(str(Workspace(config.data_dir).working_path))
    for quad in list(working.quads_for_pattern(pyoxigraph.NamedNode(entry), None, None, META)):
        working.remove(quad)
    working.flush()
    del working
    # a mapping edited since: the remap writes every record again, and is applied
    (tmp_path / "m.toml").write_text(MAPPING + 'accession_number = "id"\n', encoding="utf-8")
    config = load_config(config.path)

    mapped = Pipeline(config, jobs=1).remap("shop")

    assert mapped is not None
    assert (mapped.status, mapped.rejected, mapped.changed) == ("published", 0, 3)
    assert on_the_server(config) == set()
