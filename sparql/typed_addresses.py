"""The addresses people type for the site's own pages, led to those pages: ``/partners`` to
the partners' list (``/sources/``), ``/objects`` to the search (which lists every object),
``/search/`` with its slash, ``/checklist`` for ``/checklists/``. They answered 404.

Only whole one-segment paths are led on: Museion mints no IRI of one segment (an entity's is
``{base}{source}/object/{id}``, ``{base}partner/{source}``), so none of these hides an entity,
even of a source named ``partners`` or ``objects``. The redirect is permanent and keeps the
query string (``?lang=fr``, ``?q=turner``) and the method (308)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from . import site

__all__ = ["TYPED_ADDRESSES", "typed_address_routes"]

TYPED_ADDRESSES = {
    "/partners": "/sources/",
    "/partner": "/sources/",
    "/objects": "/search",
    "/works": "/search",
    "/search/": "/search",
}
"""An address typed (with or without its final ``/``) → the site's page for it."""

CHECKLIST_ADDRESSES = {"/checklist": "/checklists/"}
"""The same, for a site whose curators keep checklists."""


def typed_address_routes(checklists: bool) -> list[Route]:
    """A route for each typed address, its form with a final ``/`` and without."""
    addresses = {**TYPED_ADDRESSES, **(CHECKLIST_ADDRESSES if checklists else {})}
    routes = []
    for typed, target in addresses.items():
        bare = typed.rstrip("/")
        for path in (bare, bare + "/"):
            if path != target:  # "/search/" is led to "/search", which is the page itself
                routes.append(Route(path, _to(target), methods=["GET", "HEAD"]))
    return routes


def _to(target: str) -> Callable[[Request], Awaitable[Response]]:
    async def redirect(request: Request) -> Response:
        return RedirectResponse(str(request.url.replace(path=site.url(target))), status_code=308)

    return redirect
