"""A batch a remote server refused: the records it refuses alone are found by writing the
batch in halves, against a real ``oxigraph serve`` behind a proxy that refuses one record's
graph (``Refusing``), counting the requests; a server that refuses every write fails the run
in one line, after a write of Museion's own, without blaming a record."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions

from museion import Workspace
from museion.cli import run_harvest
from museion.config import Config
from museion_core.vocab import MUSEION_NS
from publish import HarvestSummary
from store import RemoteReader, Store
from store.protocol import SparqlClient
from tests.helpers.hostile import Refusing, Unavailable, server
from tests.helpers.sparql_servers import SparqlServer, oxigraph_serve
from tests.publish.test_shared_statements import check_counts
from tests.store.test_remote_checks import shop

RECORDS = 128
FIRST_RECORD_WRITE = 5
"""The first write of records' graphs, after those of the dataset's own graphs."""


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph") / "data") as running:
        yield running


def harvested(
    folder: Path,
    upstream: SparqlServer,
    base: str,
    *,
    graph_store: bool,
    refusing: str = "",
    breaking: str = "",
) -> tuple[Counter[str], HarvestSummary]:
    """Harvest ``RECORDS`` records through a proxy that refuses the graph of record
    ``refusing``, or every write from the first that names record ``breaking``'s graph on:
    the requests the proxy was sent, and the run's summary."""
    graph, breaks = (f"{base}shop/record/{r}" if r else "" for r in (refusing, breaking))
    proxy = Refusing(upstream.url, graph, breaks=breaks)
    with server(proxy) as (url, _):
        config = shop(folder, url, range(RECORDS), graph_store=graph_store, base=base)
        [summary] = run_harvest(config)
    return proxy.counts, summary


def records_held(upstream: SparqlServer, base: str) -> int:
    rows = SparqlClient(upstream.endpoint()).select(
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER STRSTARTS(STR(?g), "{base}shop/record/") }}'
    )
    return int(next(iter(rows))["n"] or 0)


@pytest.mark.parametrize("graph_store", [True, False], ids=["gsp", "update"])
def test_one_record_the_server_refuses_costs_a_few_writes_not_one_per_record(
    tmp_path: Path, upstream: SparqlServer, graph_store: bool
) -> None:
    """A batch the server answered 500 was written again record by record, since one record
    may be at fault: each record one write again, several requests each (a PUT, its check,
    the metadata's update and its check), some 600 requests for 128 records. The batch is now
    written in halves, down to the record refused alone: about 2·log2(128) = 14 writes, and
    the graphs the server took before the refusal are not PUT again. The record is
    quarantined with the server's words, the others are published."""
    mode = "gsp" if graph_store else "update"
    clean, fine = harvested(
        tmp_path / "clean", upstream, f"http://clean.{mode}/", graph_store=graph_store
    )
    counts, summary = harvested(
        tmp_path / "refused",
        upstream,
        f"http://refused.{mode}/",
        graph_store=graph_store,
        refusing="r77",
    )
    assert fine.status == summary.status == "published", summary.reason
    [rejection] = summary.rejections
    assert rejection.record.startswith("r77")
    assert "the store refused the record" in rejection.reason
    assert "answered 500" in rejection.reason
    assert "SR325: Transaction aborted" in rejection.reason
    assert records_held(upstream, f"http://refused.{mode}/") == RECORDS - 1
    extra = {kind: counts[kind] - clean[kind] for kind in ("put", "update", "query")}
    writes = 2 * math.ceil(math.log2(RECORDS))  # the halves tried
    assert sum(extra.values()) <= 6 * writes, extra
    assert extra["put"] <= writes + 2, extra  # the refused graph, once a level, and the probe


@pytest.mark.parametrize("graph_store", [True, False], ids=["gsp", "update"])
def test_a_server_refusing_every_write_fails_the_run_at_once_blaming_no_record(
    tmp_path: Path, upstream: SparqlServer, graph_store: bool
) -> None:
    """A server that answers 500 to every write (its disk full, a proxy before it broken)
    had each of the batch's 128 records tried alone before the run failed. A small write of
    Museion's own now tells the server's fault from a record's: the run fails in one line
    after it, no record quarantined, and the next run writes the batch again."""
    mode = "gsp" if graph_store else "update"
    counts, summary = harvested(
        tmp_path, upstream, f"http://broken.{mode}/", graph_store=graph_store, breaking="r0"
    )
    assert summary.status == "failed"
    assert summary.reason is not None
    assert "\n" not in summary.reason
    assert "answered 500" in summary.reason
    assert "it refused a small write of Museion's own too" in summary.reason
    assert not summary.rejections
    assert counts["refused"] == 2  # the batch's write, and Museion's own


@pytest.mark.parametrize("every", [1, 3], ids=["down", "shedding"])
@pytest.mark.parametrize("graph_store", [True, False], ids=["gsp", "update"])
def test_a_server_unavailable_fails_the_run_in_one_line_and_the_next_run_writes_it_all(
    tmp_path: Path, upstream: SparqlServer, graph_store: bool, every: int
) -> None:
    """A server answering 503 to writes — down behind its proxy, or shedding load (here every
    third write) — was taken to refuse a record: the batch was written again in halves (500
    writes for 128 records, a third of them refused), a record refused alone could be
    quarantined for the server's fault, and the line quoted the proxy's HTML page. A 503 (or
    429, 502, 504) to a write is now the store's fault: the run fails at that write, in one
    line that says so with the page's text, no record blamed, and the next run writes all."""
    mode = "gsp" if graph_store else "update"
    base = f"http://unavailable-{every}.{mode}/"
    proxy = Unavailable(upstream.url, first=FIRST_RECORD_WRITE, every=every)
    with server(proxy) as (url, _):
        config = shop(tmp_path, url, range(RECORDS), graph_store=graph_store, base=base)
        [failed] = run_harvest(config)
        assert failed.status == "failed"
        assert failed.reason is not None
        assert "\n" not in failed.reason
        assert "answered 503 to" in failed.reason
        assert "cannot take writes now" in failed.reason
        assert "retry after 120 s" in failed.reason
        assert "503 Service Unavailable Back soon." in failed.reason
        assert "<" not in failed.reason.split("answered")[1]  # the page's text, not its tags
        assert not failed.rejections
        assert proxy.counts["refused"] == 1
        assert proxy.counts["write"] == FIRST_RECORD_WRITE  # none after it
        proxy.mended = True
        [summary] = run_harvest(config)
        assert summary.status == "published", summary.reason
        assert not summary.rejections
    assert records_held(upstream, base) == RECORDS


SHARING = 12
P190 = "http://www.cidoc-crm.org/cidoc-crm/P190_has_symbolic_content"


PERSONS = 'FILTER CONTAINS(STR(?x), "/person/")'


def names_held(upstream: SparqlServer, base: str) -> set[str]:
    """The persons' names the server's graphs under ``base`` hold (not its versions)."""
    rows = SparqlClient(upstream.endpoint()).select(
        f"SELECT DISTINCT ?n WHERE {{ GRAPH ?g {{ ?x <{P190}> ?n }} {PERSONS} "
        f'FILTER STRSTARTS(STR(?g), "{base}") }}'
    )
    return {str(row["n"]) for row in rows}


def names_published(config: Config) -> set[str]:
    """The persons' names of the published snapshot."""
    with closing(Workspace(config.data_dir).open_published()) as store:
        rows = store.select(f"SELECT DISTINCT ?n WHERE {{ ?x <{P190}> ?n {PERSONS} }}")
        return {str(row["n"]) for row in rows}


@pytest.mark.parametrize("graph_store", [True, False], ids=["gsp", "update"])
def test_a_shared_statement_the_server_refuses_quarantines_the_records_that_bring_it(
    tmp_path: Path, upstream: SparqlServer, graph_store: bool
) -> None:
    """A maker's name the server refuses (a 400 to the update of the entity graph that
    holds it: what records share is written there, after their graphs) failed the whole
    run, where a record graph refused the same way only quarantined its record. Now the
    records that bring the statement are found in halves and quarantined with the server's
    words, the others published; a new record refused leaves no graph behind, and a
    published record whose change is refused keeps what it shared before."""
    mode = "gsp" if graph_store else "update"
    base = f"http://shared.{mode}/"
    makers = {n: (f"p{n % 3}", f"Maker {n % 3}") for n in range(SHARING)}
    makers[4] = ("p4", "Only Four")
    makers[7] = ("p9", "Unsayable")
    proxy = Refusing(upstream.url, holding="Unsayable")
    fine = {"Maker 0", "Maker 1", "Maker 2", "Only Four"}
    with server(proxy) as (url, _):
        config = shop(
            tmp_path, url, range(SHARING), graph_store=graph_store, base=base, makers=makers
        )
        [summary] = run_harvest(config)
        assert summary.status == "published", summary.reason
        [rejection] = summary.rejections
        assert rejection.record.startswith("r7")
        assert "the store refused the record" in rejection.reason
        assert "answered 400" in rejection.reason
        assert "SP029: SPARQL compiler, line 3: bad literal" in rejection.reason
        assert records_held(upstream, base) == SHARING - 1
        assert names_held(upstream, base) == names_published(config) == fine
        check_counts(config)

        makers[4] = ("p9", "Unsayable")  # a published record now says it too
        config = shop(
            tmp_path, url, range(SHARING), graph_store=graph_store, base=base, makers=makers
        )
        [again] = run_harvest(config)
        assert again.status == "published", again.reason
        assert sorted(r.record[:2] for r in again.rejections) == ["r4", "r7"]
        assert not again.deleted
        assert records_held(upstream, base) == SHARING - 1
        assert names_held(upstream, base) == names_published(config) == fine
        check_counts(config)


Quads = set[tuple[str, str, str, str]]


def graphs_held(upstream: SparqlServer, base: str) -> Quads:
    """Every statement of the server's graphs under ``base`` (not its versions)."""
    results = SparqlClient(upstream.endpoint()).query(
        "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER STRSTARTS(STR(?g), "{base}") }}'
    )
    assert isinstance(results, QuerySolutions)
    return {(str(r["g"]), str(r["s"]), str(r["p"]), str(r["o"])) for r in results}


def graphs_local(path: Path, base: str) -> Quads:
    """Every statement of the local store at ``path`` in its graphs under ``base``."""
    with closing(Store(path, read_only=True)) as store:
        return {
            (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
            for g in store.named_graphs()
            if g.value.startswith(base)
            for q in store.graph_quads(g)
        }


def record_of(quads: Quads, base: str, n: int) -> Quads:
    """A record's own graph, and what the metadata graph says of it."""
    graph = f"<{base}shop/record/r{n}>"
    return {q for q in quads if graph in (q[0], q[1])}


@pytest.mark.parametrize("graph_store", [True, False], ids=["gsp", "update"])
def test_a_record_the_server_refuses_is_held_locally_as_the_server_holds_it(
    tmp_path: Path, upstream: SparqlServer, graph_store: bool
) -> None:
    """A record whose graph, or whose shared statements, the server refused was quarantined,
    but the working store (written first) kept it: a new record's graph and metadata, a
    changed record's refused version; the local snapshot, pages and search showed what the
    researchers' endpoint did not have. The server is now written first and the working
    store only once it took the write, a write refused midway is put back on the server as
    the working store holds it, and a refused share takes the changed record's graph back
    to what it held: local store, snapshot and server hold the same, the refused records as
    before (a new one not at all)."""
    mode = "gsp" if graph_store else "update"
    base = f"http://kept.{mode}/"
    makers = {n: (f"p{n % 2}", f"Maker {n % 2}") for n in range(8)}
    makers[6] = ("p9", "Unsayable")  # new, its shared statement refused
    titles = {5: "Unsayable too"}  # new, its own graph refused

    def harvest(url: str) -> HarvestSummary:
        config = shop(
            tmp_path,
            url,
            range(8),
            graph_store=graph_store,
            base=base,
            makers=makers,
            titles=titles,
        )
        [summary] = run_harvest(config)
        assert summary.status == "published", summary.reason
        held, working = graphs_held(upstream, base), graphs_local(config.data_dir / "working", base)
        published = Workspace(config.data_dir).published_path()
        assert published is not None
        assert working == held
        assert graphs_local(published, base) == held
        return summary

    # One proxy for both runs: a store mirrored to another URL is sent whole by the next
    # publish (``RemoteStore._sync``), which would hide what a write left on the server.
    with server(Refusing(upstream.url, holding="Unsayable")) as (url, _):
        first = harvest(url)
        assert sorted(r.record[:2] for r in first.rejections) == ["r5", "r6"]
        was = graphs_held(upstream, base)
        assert not record_of(was, base, 5)
        assert not record_of(was, base, 6)
        assert record_of(was, base, 2)
        assert record_of(was, base, 3)

        titles.update({1: "Changed", 2: "Unsayable now"})  # r2's own graph refused
        makers[3] = ("p9", "Unsayable")  # r3's shared statement refused
        again = harvest(url)
    assert sorted(r.record[:2] for r in again.rejections) == ["r2", "r3", "r5", "r6"]
    now = graphs_held(upstream, base)
    assert record_of(now, base, 1) != record_of(was, base, 1)  # a change the server took
    for n in (2, 3):  # a change refused: the version before, graph and metadata
        assert record_of(now, base, n) == record_of(was, base, n)


def tombstones(config: Config) -> tuple[set[str], set[str]]:
    """The tombstones (withdrawn entities) of the local snapshot and of the server's current
    version (what the endpoint serves)."""
    sparql = f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s a <{MUSEION_NS}Tombstone> }} }}"
    with closing(Workspace(config.data_dir).open_published()) as store:
        local = {str(row["s"]) for row in store.select(sparql)}
    reader = RemoteReader(config.remote)  # type: ignore[arg-type]
    try:
        reader.refresh()
        remote = {
            str(row["s"])
            for row in reader.select(f"SELECT ?s WHERE {{ ?s a <{MUSEION_NS}Tombstone> }}")
        }
    finally:
        reader.close()
    return local, remote


@pytest.mark.parametrize("graph_store", [True, False], ids=["gsp", "update"])
def test_a_withdrawn_record_that_comes_back_refused_keeps_its_tombstone(
    tmp_path: Path, upstream: SparqlServer, graph_store: bool
) -> None:
    """A withdrawn record's entity answers 410 Gone (its tombstone in the metadata). Back in
    the feed with a shared statement the server refuses, it was quarantined and its index
    row stayed withdrawn, but its write had taken the tombstone out (a record that comes back
    loses it) and the refused share's take-back put back only live records' metadata: the
    entity answered 404, locally and on the server. The tombstone is now put back too, as
    the index says (withdrawn when, by which run), and the server holds it as the working
    store does."""
    mode = "gsp" if graph_store else "update"
    base = f"http://tomb.{mode}/"
    gone = f"{base}shop/object/r5"
    makers = {n: (f"p{n % 3}", f"Maker {n % 3}") for n in range(SHARING)}

    def harvest(url: str, ids: Iterable[int]) -> tuple[Config, HarvestSummary]:
        config = shop(tmp_path, url, ids, graph_store=graph_store, base=base, makers=makers)
        [summary] = run_harvest(config)
        assert summary.status == "published", summary.reason
        return config, summary

    with server(Refusing(upstream.url, holding="Unsayable")) as (url, _):
        harvest(url, range(SHARING))
        config, withdrawn = harvest(url, [n for n in range(SHARING) if n != 5])
        assert withdrawn.deleted == 1
        assert tombstones(config) == ({gone}, {gone})
        was = graphs_held(upstream, base)

        makers[5] = ("p9", "Unsayable")  # back, with a statement the server refuses
        config, back = harvest(url, range(SHARING))
        assert [r.record[:2] for r in back.rejections] == ["r5"]
        assert tombstones(config) == ({gone}, {gone})
    held = graphs_held(upstream, base)
    assert {q for q in held if q[1] == f"<{gone}>"} == {q for q in was if q[1] == f"<{gone}>"}
    assert graphs_local(config.data_dir / "working", base) == held
