"""The query process's worker, in-process: what it refuses before touching any store."""

from __future__ import annotations

from pathlib import Path

from sparql.executor import Worker
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
