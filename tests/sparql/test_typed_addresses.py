"""The addresses a partner or a curator types for the site's pages: ``/partners`` (the list
is at ``/sources/``), ``/objects``, ``/search/``, ``/checklist``. They answered 404.

The app is called in this process, without its query processes: a redirect asks none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.routing import Match

from sparql import site
from sparql.app import create_app
from sparql.settings import EndpointSettings
from tests.helpers.asgi import asgi_exchange


def _get(app: Any, path: str, query: str = "") -> tuple[int, dict[str, str]]:
    """``GET path?query`` as a browser sends it: the status and the headers."""
    status, headers, _body = asgi_exchange(app, path, query)
    return status, headers


def _app(tmp_path: Path, base_iri: str = "https://data.example.org/", **more: Any) -> Any:
    settings = EndpointSettings(base_iri=base_iri, published_dir=tmp_path, **more)
    return create_app(settings)


@pytest.fixture(autouse=True)
def _site_at_the_root() -> Any:
    yield
    site.serve_under("https://data.example.org/")  # the process's other tests: at the root


TYPED = [
    ("/partners", "/sources/"),
    ("/partners/", "/sources/"),
    ("/partner", "/sources/"),
    ("/objects", "/search"),
    ("/objects/", "/search"),
    ("/works", "/search"),
    ("/search/", "/search"),
    ("/checklist", "/checklists/"),
    ("/checklist/", "/checklists/"),
]


@pytest.mark.parametrize(("typed", "page"), TYPED)
def test_an_address_people_type_leads_to_its_page_with_the_query_and_language(
    tmp_path: Path, typed: str, page: str
) -> None:
    """``/partners`` was 404 while the partners' list is at ``/sources/``: a partner who
    typed it found nothing. A permanent redirect, keeping ``?lang=ar`` and the search."""
    app = _app(tmp_path, checklists_path=tmp_path / "checklists.sqlite")
    status, headers = _get(app, typed, "lang=ar&q=turner")
    assert status == 308
    assert headers["location"] == f"http://127.0.0.1:8000{page}?lang=ar&q=turner"
    status, headers = _get(app, typed)
    assert (status, headers["location"]) == (308, f"http://127.0.0.1:8000{page}")


def test_under_a_site_path_the_typed_address_stays_under_it(tmp_path: Path) -> None:
    app = _app(tmp_path, "https://example.org/museion/")
    status, headers = _get(app, "/museion/partners", "lang=fr")
    assert (status, headers["location"]) == (308, "http://127.0.0.1:8000/museion/sources/?lang=fr")


def test_no_checklists_no_checklist_address_and_deeper_paths_stay_entities(
    tmp_path: Path,
) -> None:
    """Without checklists ``/checklist`` is led nowhere; a path of two segments or more is
    an entity's, never led on (a source may be named ``partners``: ``partners/object/1``)."""
    app = _app(tmp_path)
    assert _route(app, "/checklist") == "entity"
    for path in ("/partners/object/1", "/objects/tate", "/partner/tate", "/search/x"):
        assert _route(app, path) == "entity", path
    assert _route(app, "/partners") != "entity"


def _route(app: Any, path: str) -> str:
    """The name of the route that answers ``GET path``."""
    scope = {"type": "http", "method": "GET", "path": path, "root_path": ""}
    for route in app.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return str(route.name)
    raise AssertionError(f"no route answers {path}")
