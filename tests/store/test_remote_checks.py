"""The remote store's checks that a server holds what it accepted: against real servers
(``oxigraph serve`` and Virtuoso 7), what a server legitimately holds differently from what
was sent passes; against one that loses withdrawals or metadata updates it acknowledged
(``Forgetful``), the run fails in one line and the next one, the server mended, writes them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, Store

from museion import Workspace
from museion.cli import run_harvest
from museion.config import Config, load_config
from museion_core.errors import StoreFaultError
from store import RemoteStore
from store.oxigraph import without_graph_name
from tests.helpers.hostile import Forgetful
from tests.helpers.hostile import server as hostile
from tests.helpers.sparql_servers import SparqlServer
from tests.store.test_remote_store import server

__all__ = ["server"]  # the module's fixture: a real server per parameter

XSD = "http://www.w3.org/2001/XMLSchema#"
BASE = "http://localhost:8000/checks/"


def twice(graph: str) -> bytes:
    """A record's N-Quads stating five values twice, in two forms that a server keeping
    values (rather than their text) holds as one (or that are one: a language tag's case,
    an explicit ``xsd:string``), beside two values of one property that stay two."""
    s, g = f"<{BASE}object/1>", f"<{graph}>"
    return "".join(
        f"{s} <{BASE}{p}> {o} {g} .\n"
        for p, o in [
            ("count", f'"01"^^<{XSD}integer>'),
            ("count", f'"1"^^<{XSD}integer>'),
            ("flag", f'"1"^^<{XSD}boolean>'),
            ("flag", f'"true"^^<{XSD}boolean>'),
            ("when", f'"2000-01-01T00:00:00Z"^^<{XSD}dateTime>'),
            ("when", f'"2000-01-01T00:00:00+00:00"^^<{XSD}dateTime>'),
            ("title", '"Title"@EN'),
            ("title", '"Title"@en'),
            ("label", f'"n\\u00e9"^^<{XSD}string>'),
            ("label", '"né"'),
            ("size", f'"1"^^<{XSD}integer>'),  # two values: the server keeps both
            ("size", f'"2"^^<{XSD}integer>'),
            ("other", f'"2"^^<{XSD}integer>'),
        ]
    ).encode()


@pytest.mark.parametrize("graph_store", [True, False], ids=["gsp", "update"])
def test_a_value_stated_in_two_forms_is_held_as_sent(
    tmp_path: Path, server: SparqlServer, graph_store: bool
) -> None:
    """A record stating one value in two forms (``"01"`` and ``"1"`` as ``xsd:integer``)
    failed its run, 'did not keep part of the write', on both servers, and every run after
    it, which wrote the record again: Oxigraph and Virtuoso keep values, not their text, and
    hold the two statements as one. The check now allows for that, in that graph only, as
    long as the server holds each of its subject–predicate pairs; what it lost still fails."""
    store = RemoteStore(tmp_path / "working", server.endpoint(graph_store=graph_store))
    graph = NamedNode(f"{BASE}record/{'gsp' if graph_store else 'update'}")
    store.replace_serialized_graphs({graph: twice(graph.value)})
    [row] = store.client.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    # Of 13 lines sent, 8 statements held (Virtuoso 9: it keeps an explicit xsd:string apart)
    assert int(row["n"] or 0) in (8, 9)
    # A server that lost part of such a graph is still caught: here, one statement, which
    # leaves as many as the values could have merged into, but not each pair.
    store.client.update(f"DELETE WHERE {{ GRAPH {graph} {{ ?s <{BASE}other> ?o }} }}")
    lost = r"does not hold 1 of them as sent \(<.*>: [78] of 13 statements"
    with pytest.raises(StoreFaultError, match=lost):
        store._check_held({graph: without_graph_name(graph, twice(graph.value))})
    store.close()


MAPPING = '[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "title"\n'
SHOP = "http://localhost:8000/"


MAKERS = '[object.production.creators]\neach = "makers[]"\nid = "id"\nname = "name"\n'


def shop(
    folder: Path,
    url: str,
    ids: Iterable[int],
    *,
    graph_store: bool = True,
    base: str = SHOP,
    makers: Mapping[int, tuple[str, str]] | None = None,
    titles: Mapping[int, str] | None = None,
) -> Config:
    """A source of one record per id (a JSON file each), its store on the server at ``url``
    (``oxigraph serve``'s paths), its graphs under ``base``; ``makers``: the (id, name) of
    the maker some records name (a statement records share); ``titles``: some records'
    titles (a statement of their own), others ``Thing {id}``."""
    feed = folder / "feed"
    feed.mkdir(parents=True, exist_ok=True)
    for old in feed.iterdir():
        old.unlink()
    for n in ids:
        document: dict[str, object] = {"id": f"r{n}", "title": (titles or {}).get(n, f"Thing {n}")}
        if makers and n in makers:
            document["makers"] = [{"id": makers[n][0], "name": makers[n][1]}]
        (feed / f"{n}.json").write_text(json.dumps(document))
    (folder / "m.toml").write_text(MAPPING + (MAKERS if makers else ""), encoding="utf-8")
    path = folder / "museion.toml"
    path.write_text(
        f'[store]\npath = "store"\n{SparqlServer(url).store_keys(graph_store=graph_store)}\n'
        f'[publish]\nbase_iri = "{base}"\n\n[[sources]]\nname = "shop"\nkind = "files"\n'
        f'location = "{feed.as_posix()}"\nmapping = "{(folder / "m.toml").as_posix()}"\n'
        "gates = { max_record_drop = 1.0, max_quarantined = 1.0 }\n"
        '[sources.partner]\nlabel = "Shop"\n',
        encoding="utf-8",
    )
    return load_config(path)


def published_and_held(config: Config, forgetful: Forgetful) -> tuple[set[Quad], set[Quad]]:
    """Every statement of the published snapshot's named graphs, and of the server's (its
    own bookkeeping and versions left out)."""
    local = Workspace(config.data_dir).open_published()
    try:
        mine = {q for g in local.named_graphs() for q in local.graph_quads(g)}
    finally:
        local.close()
    kept: Store = forgetful.kept
    held = {q for q in kept if str(q.graph_name).startswith(f"<{SHOP}")}
    return mine, held


def test_a_withdrawal_the_server_did_not_keep_is_made_again_by_the_next_run(
    tmp_path: Path,
) -> None:
    """A server (or a proxy before it) that answered the DROP of withdrawn records' graphs
    204 and kept them had the run say 'published' while the records stayed in every version
    built after, visible as ever, their tombstones written: and the next run, the records
    marked withdrawn, never dropped them again. Now the server is asked, after each batch of
    DROPs, whether it still holds any of those graphs: the run fails in one line, the records
    stay live in the index, and the next run withdraws them."""
    forgetful = Forgetful("silent", first=1, loses=frozenset({"drop"}))
    with hostile(forgetful) as (url, _):
        [first] = run_harvest(shop(tmp_path, url, range(6)))
        assert first.status == "published", first.reason
        config = shop(tmp_path, url, range(4))  # r4 and r5 withdrawn
        [failed] = run_harvest(config)
        assert failed.status == "failed"
        assert failed.reason is not None
        assert "\n" not in failed.reason
        assert failed.reason.count("the remote store at") == 1
        assert "accepted the withdrawal of 2 graphs but still holds 2 of them" in failed.reason
        forgetful.mended = True
        [summary] = run_harvest(config)
        assert summary.status == "published", summary.reason
        assert summary.deleted == 2
    mine, held = published_and_held(config, forgetful)
    assert not any("/record/r4" in str(q.graph_name) for q in held)
    assert held == mine


def test_a_metadata_update_the_server_did_not_keep_is_made_again_by_the_next_run(
    tmp_path: Path,
) -> None:
    """A server that answered an update of Museion's metadata graph 204 and did not keep it
    had the run say 'published' with the records' provenance (their checksums, dates, the
    run that wrote them) missing or stale on the server, and no later run wrote it again:
    the records were indexed as written. Now what the metadata graph says of each subject an
    update named is counted after the update (one query per 200 subjects), and a shortfall
    fails the run in one line, its records unindexed, for the next run to write."""
    forgetful = Forgetful("silent", first=2, loses=frozenset({"meta"}))  # the first INSERT
    with hostile(forgetful) as (url, _):
        config = shop(tmp_path, url, range(6))
        [failed] = run_harvest(config)
        assert failed.status == "failed"
        assert failed.reason is not None
        assert "\n" not in failed.reason
        assert failed.reason.count("the remote store at") == 1
        assert f"accepted the update of {SHOP}meta but does not hold what it says" in failed.reason
        forgetful.mended = True
        [summary] = run_harvest(config)
        assert summary.status == "published", summary.reason
        assert not summary.rejections
    mine, held = published_and_held(config, forgetful)
    assert any(str(q.graph_name) == f"<{SHOP}meta>" for q in held)
    assert held == mine
