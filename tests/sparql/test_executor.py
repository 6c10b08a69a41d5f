"""The query process's worker, in-process: what it refuses before touching any store."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

import pytest

from publish import Workspace
from sparql.analysis import prepare_update
from sparql.executor import Worker
from sparql.guard import unescape_codepoints
from sparql.jobs import QueryJob, UpdateJob
from sparql.settings import EndpointSettings


def test_an_update_never_creates_an_empty_working_store(tmp_path: Path) -> None:
    settings = EndpointSettings(
        base_iri="https://data.example.org/",
        published_dir=tmp_path / "published",
        working_path=tmp_path / "working",
    )
    reply = Worker(settings).handle(UpdateJob("CLEAR ALL", "http://localhost/sparql"))
    assert reply.status == 503
    assert b"no working store" in reply.body
    assert not (tmp_path / "working").exists()


def test_nothing_published_yet_is_503(tmp_path: Path) -> None:
    settings = EndpointSettings(base_iri="https://data.example.org/", published_dir=tmp_path)
    reply = Worker(settings).handle(
        QueryJob("ASK {}", "http://localhost/sparql", "application/json")
    )
    assert reply.status == 503
    assert b"museion harvest" in reply.body


def test_an_update_is_run_as_the_text_its_checks_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given the raw text, Oxigraph ended a string where rdflib's reading of the escaped
    backslash did not, and ran a LOAD the SERVICE/LOAD check had read as data."""
    (tmp_path / "working").mkdir()
    settings = EndpointSettings(
        base_iri="https://data.example.org/",
        published_dir=tmp_path / "published",
        working_path=tmp_path / "working",
        service_allowlist=("http://allowed.example/sparql",),
    )
    ran: list[str] = []

    class Store:
        def update_named_graphs(self, text: str, **_: object) -> None:
            ran.append(text)

    def update(_: object, write: Callable[[Store], None], *args: object, **kwargs: object) -> None:
        write(Store())

    monkeypatch.setattr(Workspace, "update", update)
    hidden = (
        'INSERT DATA { GRAPH <http://g/> { <http://a/> <http://b/> "x\\u005C" } } ; '
        "LOAD <http://127.0.0.1:9/secret> INTO GRAPH <http://g2/> ; "
        'INSERT DATA { GRAPH <http://g/> { <http://a/> <http://b/> " } } #" } }'
    )
    reply = Worker(settings).handle(UpdateJob(hidden, "http://localhost/sparql"))
    assert reply.status == 204, reply.body
    assert ran == [prepare_update(unescape_codepoints(hidden), (), ())]
    assert "\\u005C" not in ran[0]  # Oxigraph reads one INSERT of a long literal: no LOAD


def test_an_allow_listed_service_that_cannot_be_reached_is_a_bad_gateway(tmp_path: Path) -> None:
    """Its lookup or connection failing was answered 500, as if this server had failed."""
    from store import Store, publish_snapshot

    working = Store(tmp_path / "working")
    publish_snapshot(working, tmp_path / "published", keep=1)
    working.close()
    closed = "http://127.0.0.1:9/sparql"  # the discard port: nothing listens
    settings = EndpointSettings(
        base_iri="https://data.example.org/",
        published_dir=tmp_path / "published",
        service_allowlist=(closed,),
    )
    query = f"SELECT * WHERE {{ SERVICE <{closed}> {{ ?s ?p ?o }} }}"
    reply = Worker(settings).handle(QueryJob(query, "http://localhost/sparql", "application/json"))
    assert reply.status == 502, reply.body
    assert reply.body.startswith(b"a SERVICE call failed: ")


def test_a_query_that_fails_leaves_none_of_its_results_for_another_thread(
    tmp_path: Path,
) -> None:
    """pyoxigraph's results may be dropped only on the thread that made them. A failed SERVICE
    call's error held them in cyclic garbage (its cause's traceback and the frame naming it;
    the SERVICE check's parser frames, which name the query's frame as their caller), so the
    garbage collector freed them later from another thread, and pyoxigraph complained: an
    error of whichever test ran then, in CI."""
    from pyoxigraph import QuerySolutions

    from store import Store, publish_snapshot

    working = Store(tmp_path / "working")
    publish_snapshot(working, tmp_path / "published", keep=1)
    working.close()
    settings = EndpointSettings(
        base_iri="https://data.example.org/",
        published_dir=tmp_path / "published",
        service_allowlist=("http://127.0.0.1:9/sparql",),
    )
    worker = Worker(settings)
    gc.collect()
    gc.disable()  # only what is left alive by reference, not what a collection would free
    try:
        query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
        reply = worker.handle(QueryJob(query, "http://localhost/sparql", "application/json"))
        left = [o for o in gc.get_objects() if isinstance(o, QuerySolutions)]
    finally:
        gc.enable()
    assert reply.status == 502, reply.body
    assert left == []
