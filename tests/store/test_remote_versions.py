"""A remote store's version is built in parts (``store.versions``): against a real Virtuoso
whose transaction log limit is lowered, a version larger than one transaction is published,
and one part too large fails in one line naming the setting; against a server that loses a
part's update it acknowledged (``Forgetful``), the publish fails before readers are moved."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad

from museion import Workspace
from museion.cli import run_harvest
from museion.gates import PublishFailedError
from museion_core.errors import StoreError
from store import RemoteReader, RemoteStore, Store, mirrored, remote, versions
from store.protocol import SparqlClient
from store.remote import VERSION_PREFIX
from store.versions import pointer as _pointer
from tests.helpers.hostile import Forgetful, Refusing
from tests.helpers.hostile import server as hostile
from tests.helpers.sparql_servers import SparqlServer, oxigraph_serve, virtuoso
from tests.store.test_remote_checks import SHOP, shop

BASE = "http://localhost:8000/parts/"
LIMIT = 1_000_000
"""The test Virtuoso's ``TransactionAfterImageLimit``, a 50th of its default: one update
copying 20,000 new statements into a graph passes it (logging some 50–100 bytes each), as
one of 1.1 million (a first harvest of 10,000 records) passes the default."""
PART = 1_000
"""``PART_STATEMENTS`` here: its share of ``LIMIT`` is that of 20,000 of the default."""


def record(n: int | str, statements: int, blank: int = 0) -> bytes:
    """A record graph's N-Quads: ``statements`` of its own, ``blank`` of them about blank
    nodes, each value new to the server (what a first harvest sends)."""
    graph = f"<{BASE}record/{n}>"
    lines = [
        f'<{BASE}object/{n}/{i % 20}> <{BASE}p{i % 7}> "value {i} of record {n}" {graph} .\n'
        for i in range(statements - blank)
    ]
    lines += [f'_:b{i} <{BASE}note> "note {i} of record {n}" {graph} .\n' for i in range(blank)]
    return "".join(lines).encode()


@pytest.mark.parametrize("limited", [True, False], ids=["virtuoso", "oxigraph"])
def test_a_version_larger_than_one_virtuoso_transaction_is_built_in_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limited: bool
) -> None:
    """A first harvest of 10,000 records could not be published on a Virtuoso with its
    default settings: the version was built by one update of 1.1 million statements, which
    Virtuoso aborts (``SR325``: its log passed ``TransactionAfterImageLimit``), and the run
    failed. The version is now built in parts of ``PART_STATEMENTS``: record graphs packed,
    a graph larger than a part (the metadata graph) by subject, its blank nodes apart (on
    ``oxigraph serve`` too, which has no such limit: the parts hold the same)."""
    monkeypatch.setattr(versions, "PART_STATEMENTS", PART)
    started = oxigraph_serve(tmp_path / "o")
    if limited:
        started = virtuoso(tmp_path / "v", parameters={"TransactionAfterImageLimit": LIMIT})
    with started as srv:
        endpoint = srv.endpoint(graphs=BASE)
        store = RemoteStore(tmp_path / "working", endpoint)
        for start in range(0, 100, 20):  # 20,000 statements in 100 record graphs
            store.replace_serialized_graphs(
                {NamedNode(f"{BASE}record/{n}"): record(n, 200) for n in range(start, start + 20)}
            )
        big = NamedNode(f"{BASE}record/big")  # larger than a part: copied by subject
        store.replace_serialized_graphs({big: record("big", 1500, blank=100)})
        meta = NamedNode(f"{BASE}meta")  # 3,000 statements, about 300 subjects
        said = [NamedNode(f"{BASE}object/{n}") for n in range(300)]
        facts = [
            Quad(s, NamedNode(f"{BASE}fact/{k}"), NamedNode(f"{s.value}/{k}"), meta)
            for s in said
            for k in range(10)
        ]
        store.replace_subjects(meta, said, facts)
        expected = len(store)
        assert expected == 24_500
        assert len(list(versions.parts(store, lambda g: g.startswith(BASE)))) > 20

        if limited:
            # One part holding them all is refused, in one line naming the setting to raise;
            # readers are not moved, and what was built of the version is dropped.
            monkeypatch.setattr(versions, "PART_STATEMENTS", 10**9)
            monkeypatch.setattr(versions, "PART_NAMES", 10**9)
            with pytest.raises(StoreError) as caught:
                store.publish_version("99990101T000000000000Z-whole", keep=3)
            line = caught.value.one_line()
            assert "refused to copy 24,500 statements into its new version" in line
            assert "TransactionAfterImageLimit" in line
            assert "SR325" in line
            assert line.count("the remote store at") == 1
            assert _pointer(store.client) == (None, [])
            monkeypatch.setattr(versions, "PART_STATEMENTS", PART)
            monkeypatch.setattr(versions, "PART_NAMES", 200)
        store.publish_version("99990101T000000000001Z-parts", keep=3)
        reader = RemoteReader(endpoint)
        version = reader.refresh()
        assert version == VERSION_PREFIX + "99990101T000000000001Z-parts"
        [row] = reader.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert int(row["n"] or 0) == expected
        [row] = reader.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{BASE}note> ?o }}")
        assert int(row["n"] or 0) == 100  # the blank nodes' statements too
        rows = store.client.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER STRSTARTS(STR(?g), "{VERSION_PREFIX}") }}'
        )
        assert [r["g"] for r in rows] == [version]  # the failed one was dropped
        reader.close()
        store.close()


def test_a_part_of_a_version_the_server_did_not_keep_is_not_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built in one update, a version was kept or lost whole, and a lost one was caught as
    holding nothing. Built in parts, one part lost (answered 204, not kept) would have left
    a version without some records, published: each part is now counted on the server
    before readers are moved. The run fails in one line, readers stay on the version
    before, and the next run publishes the whole."""
    monkeypatch.setattr(versions, "PART_STATEMENTS", 40)  # some records, or some subjects
    forgetful = Forgetful("silent", first=1, loses=frozenset({"version"}))
    forgetful.mended = True
    with hostile(forgetful) as (url, _):
        [first] = run_harvest(shop(tmp_path, url, range(4)))
        assert first.status == "published", first.reason
        config = shop(tmp_path, url, range(8))
        reader = RemoteReader(config.remote)  # type: ignore[arg-type]
        before = reader.refresh()
        forgetful.mended = False  # every other update of a version's build is lost
        with pytest.raises(PublishFailedError) as caught:
            run_harvest(config)
        line = caught.value.one_line()
        assert line.count("the remote store at") == 1
        assert "accepted the build of its new version" in line
        assert "did not keep an update (readers were not moved to it)" in line
        assert line.endswith("not published yet: the next harvest publishes it")
        assert reader.refresh() == before
        versions_held = {
            g.value for g in forgetful.kept.named_graphs() if g.value.startswith(VERSION_PREFIX)
        }
        assert versions_held == {before}  # what was built of the new one, dropped
        forgetful.mended = True
        [summary] = run_harvest(config)
        assert summary.status == "published", summary.reason
        current = reader.refresh()
        assert current != before
        reader.close()
    local = Workspace(config.data_dir).open_published()
    try:
        mine = {q.triple for g in local.named_graphs() for q in local.graph_quads(g)}
    finally:
        local.close()
    assert current is not None
    # the iterator is not kept in a name: this frame is in a cycle (``caught``'s traceback),
    # and pyoxigraph's iterators may only be dropped on the thread that made them, not on
    # whichever thread's allocation later sets the garbage collector off
    held = {
        q.triple for q in forgetful.kept.quads_for_pattern(None, None, None, NamedNode(current))
    }
    assert held == mine
    assert any(str(t.subject).startswith(f"<{SHOP}shop/object/r7") for t in held)


def test_a_graph_larger_than_one_virtuoso_transaction_is_mirrored_in_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data directory first published elsewhere (an embedded store switched to ``kind =
    "sparql"``) sends the server every graph on its next publish (``RemoteStore._sync``),
    each in one PUT: its metadata graph (some 13 statements a record) passed Virtuoso's
    ``TransactionAfterImageLimit`` from a few hundred thousand records on, and the publish
    failed on ``SR325``. A graph is now sent in pieces of ``PUT_STATEMENTS``, a PUT then
    POSTs, its blank nodes' statements in one piece (a label holds within one request); a
    piece still too large fails in one line naming the setting, as a version's part does."""
    monkeypatch.setattr(versions, "PART_STATEMENTS", PART)
    monkeypatch.setattr(mirrored, "PUT_STATEMENTS", PART)
    meta = NamedNode(f"{BASE}meta")  # 6,000 statements: a PUT of 5,000 passes LIMIT here
    lines = [
        f'<{BASE}record/{n // 12}> <{BASE}fact/{n % 12}> "fact {n}" {meta} .\n'
        for n in range(5_850)
    ]
    lines += [f"<{BASE}record/{n}> <{BASE}noted> _:n{n} {meta} .\n" for n in range(50)]
    lines += [f'_:n{n} <{BASE}note> "note {n}" {meta} .\n' for n in range(50)]
    lines += [f"_:n{n} <{BASE}next> _:n{(n + 1) % 50} {meta} .\n" for n in range(50)]
    embedded = Store(tmp_path / "working")
    embedded.replace_serialized_graphs({meta: "".join(lines).encode()})
    embedded.replace_serialized_graphs({NamedNode(f"{BASE}record/1"): record(1, 30)})
    expected = len(embedded)
    embedded.close()
    with virtuoso(tmp_path / "v", parameters={"TransactionAfterImageLimit": LIMIT}) as srv:
        endpoint = srv.endpoint(graphs=BASE)
        store = RemoteStore(tmp_path / "working", endpoint)  # mirrored to no server yet
        assert store.mirror_pending()
        monkeypatch.setattr(mirrored, "PUT_STATEMENTS", 10**9)  # whole, as before
        with pytest.raises(StoreError) as caught:
            store.publish_version("99990101T000000000000Z-whole", keep=3)
        line = caught.value.one_line()
        assert f"refused to write 6,000 statements of {meta.value} in one request" in line
        assert "TransactionAfterImageLimit" in line
        assert "SR325" in line
        assert line.count("the remote store at") == 1
        monkeypatch.setattr(mirrored, "PUT_STATEMENTS", PART)
        store.publish_version("99990101T000000000001Z-pieces", keep=3)
        assert not store.mirror_pending()
        reader = RemoteReader(endpoint)
        reader.refresh()
        [row] = reader.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert int(row["n"] or 0) == expected
        rows = store.client.select(
            f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ GRAPH {meta} {{ ?r <{BASE}noted> ?b . "
            f"?b <{BASE}next> ?c . ?c <{BASE}note> ?t }} }}"
        )
        assert [r["n"] for r in rows] == ["50"]  # one node each, linked as sent
        reader.close()
        store.close()


def versions_held(client: SparqlClient) -> set[str]:
    """The version graphs a server holds, by the statements it holds in them."""
    rows = client.select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER STRSTARTS(STR(?g), "{VERSION_PREFIX}") }}'
    )
    return {str(row["g"]) for row in rows}


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_what_a_killed_or_failed_build_left_is_dropped_by_the_next_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A publish killed mid-build left the parts it had built of its version on the server,
    and so did one whose build failed when its drop of what it built failed too (the server
    failing by then; the error is ignored): only versions named in the pointer's kept list
    were ever dropped, so each was a copy of the data on the server's disk for good. The next
    publish now finds the version graphs no reader is pointed at by their prefix and drops
    them: the server holds the current version and the kept ones only. On ``oxigraph serve``
    they are listed by ``GRAPH ?g { }``; Virtuoso lists none that way, and is asked for the
    graphs of its statements. (A proxy before ``oxigraph serve`` fails the build midway and
    every write after it; Virtuoso's one path for queries and updates, it cannot tell.)"""
    monkeypatch.setattr(versions, "PART_STATEMENTS", 400)  # 2 records a part: 5 parts
    started = oxigraph_serve(tmp_path / "o") if kind == "oxigraph" else virtuoso(tmp_path / "v")
    with started as srv:
        proxy = Refusing(srv.url)
        direct = SparqlClient(srv.endpoint())
        with hostile(proxy) as (url, _):
            through = srv if kind == "virtuoso" else SparqlServer(url)
            store = RemoteStore(tmp_path / "working", through.endpoint(graphs=BASE))
            store.replace_serialized_graphs(
                {NamedNode(f"{BASE}record/{n}"): record(n, 200) for n in range(10)}
            )
            name = "99990101T00000000000{}Z".format

            def unasked(*_: object) -> list[str]:
                raise AssertionError("a publish after clean ones looked for leftovers")

            with monkeypatch.context() as patched:  # nothing was left: nothing is listed
                patched.setattr(remote, "leftovers", unasked)
                store.publish_version(name(1), keep=2)
            first = VERSION_PREFIX + name(1)
            each = list(versions.parts(store, lambda g: g.startswith(BASE)))
            assert len(each) == 5
            left: set[str] = set()
            if kind == "oxigraph":  # the server fails at the build's last part, and after
                proxy.breaks = each[-1].graphs[0]
                with pytest.raises(StoreError):
                    store.publish_version(name(2), keep=2)
                proxy.broken, proxy.breaks = False, ""
                left.add(VERSION_PREFIX + name(2))

            # killed mid-build: the parts it built before it died, no pointer moved, no drop
            def killed(client: SparqlClient, where: str, version: str, _: object) -> None:
                versions.build(client, where, version, each[:2])
                raise KeyboardInterrupt  # the process stops here

            with monkeypatch.context() as patched:
                patched.setattr(remote, "build", killed)
                with pytest.raises(KeyboardInterrupt):
                    store.publish_version(name(3), keep=2)
            left.add(VERSION_PREFIX + name(3))
            assert versions_held(direct) == {first} | left  # what no reader reads, left
            assert _pointer(direct) == (first, [first])

            store.publish_version(name(4), keep=2)
            current = VERSION_PREFIX + name(4)
            assert _pointer(direct) == (current, [first, current])
            assert versions_held(direct) == {first, current}
            reader = RemoteReader(through.endpoint(graphs=BASE))
            assert reader.refresh() == current
            [row] = reader.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            assert int(row["n"] or 0) == len(store) == 2000
            reader.close()
            store.close()


def test_blank_nodes_are_written_to_virtuoso_without_the_graph_store_protocol(
    tmp_path: Path,
) -> None:
    """Without the Graph Store Protocol a graph is written by ``INSERT DATA``, which Virtuoso
    refuses for a blank node ("SP031 … Blank node '_:n0' is not allowed in a constant
    clause"): a graph with blank nodes (a metadata graph's) could not be written at all. An
    update holding blank nodes is now an ``INSERT … WHERE {}``, which makes the same nodes."""
    meta = NamedNode(f"{BASE}meta")
    lines = [f"<{BASE}record/{n}> <{BASE}noted> _:n{n} {meta} .\n" for n in range(50)]
    lines += [f'_:n{n} <{BASE}note> "note {n}" {meta} .\n' for n in range(50)]
    lines += [f"_:n{n} <{BASE}next> _:n{(n + 1) % 50} {meta} .\n" for n in range(50)]
    with virtuoso(tmp_path / "v") as srv:
        endpoint = srv.endpoint(graph_store=False, graphs=BASE)
        store = RemoteStore(tmp_path / "working", endpoint)
        store.replace_serialized_graphs({meta: "".join(lines).encode()})
        store.replace_serialized_graphs({NamedNode(f"{BASE}record/1"): record(1, 30)})
        store.publish_version("99990101T000000000000Z", keep=3)
        reader = RemoteReader(endpoint)
        reader.refresh()
        [row] = reader.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert int(row["n"] or 0) == len(store) == 180
        [row] = reader.select(
            f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ ?r <{BASE}noted> ?b . "
            f"?b <{BASE}next>/<{BASE}next> ?c . ?c <{BASE}note> ?text }}"
        )
        assert int(row["n"] or 0) == 50  # each node the one its neighbours name
        reader.close()
        store.close()
