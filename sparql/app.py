"""The endpoint as an ASGI application: routes, limits, content negotiation, middleware.

Routes: ``/sparql`` (the SPARQL 1.1 Protocol; GET without a query gives the service
description), ``/`` (the query UI; a SPARQL client's query sent there is answered as at
``/sparql``), ``/search`` (full-text and faceted search), ``/static/``
(its assets, shipped with the package), ``/.well-known/void`` (VoID), ``/reconcile`` (the
reconciliation service), ``/sources/`` (partner reports, ``sparql.partner_pages``), the
addresses people type for them (``/partners``, ``/objects``: ``sparql.typed_addresses``),
and every other path under the base IRI's path: the minted IRI ``{base_iri}{path}`` as a
linked-data page (HTML, Turtle, N-Triples, JSON-LD; ``sparql.entity_routes``). What the
routes share is in ``sparql.web``. With a base IRI that has a path
(``https://example.org/museion/``) all of them are under that path (``sparql.site``), as
behind a proxy that serves Museion there.

Statuses: 400 malformed query or request, 403 update without the admin token or a SERVICE
not allow-listed, 404 unknown IRI, 405 wrong method, 406 no acceptable format, 410 withdrawn
entity, 413 body too large, 415 wrong media type or charset, 500 the query failed,
502 an allow-listed SERVICE could not be reached or failed, 503 the query ran over its time
limit (or no query process became free in time: then with ``Retry-After``, ``sparql.retry``).
"""

from __future__ import annotations

import contextlib
import hmac
import json
from collections import OrderedDict
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import unquote, urljoin

from pyoxigraph import Quad, Triple, serialize
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from museion_core.errors import QueryError
from search import Searcher

from . import i18n, site
from .caching import current_validators, validators_for
from .checklists.web import ChecklistViews
from .compression import NegotiatedGZip
from .describe import service_description
from .entity_routes import entity_request
from .examples import example_queries
from .jobs import (
    TRUNCATED_HEADER,
    Job,
    QueryJob,
    ReconcileJob,
    UpdateJob,
    VoidJob,
)
from .negotiation import (
    GRAPH_FORMATS,
    VARY,
    NotAcceptable,
    accepts_html,
    negotiate,
)
from .pages import templates
from .partner_pages import partner_page
from .pool import QueryPool
from .prefixes import PREFIXES
from .protocol import (
    QueryRequest,
    ServiceDescriptionRequest,
    UpdateRequest,
    read_operation,
)
from .retry import RetryAfter
from .search_page import search_endpoint
from .security import SecurityHeaders, closing, paced, read_body
from .settings import EndpointSettings
from .typed_addresses import typed_address_routes
from .ui_language import LanguageMiddleware
from .uploads import UploadViews
from .web import here, iri_path, not_acceptable, reply_response, site_url, text_error, ui_lang

__all__ = ["create_app", "create_app_from_env"]

STATIC = Path(__file__).parent / "static"


MAX_RECONCILE_BODY = 10 * 1024 * 1024
MAX_ANSWERED = 50_000
"""Entity tags remembered as 200s (about 4 MB); the oldest are forgotten first."""
RECONCILE_METHODS = ["GET", "POST", "OPTIONS"]


class Endpoint:
    def __init__(self, settings: EndpointSettings, pool: QueryPool) -> None:
        self.settings = settings
        self.pool = pool
        self.searcher = Searcher(settings.published_dir)
        self.uploads = UploadViews(settings) if settings.uploads_dir else None
        self._answered: OrderedDict[str, None] = OrderedDict()
        """Entity tags of the representations answered with 200 (``_answer``), newest last."""

    # -- /search ------------------------------------------------------------------------------
    async def search(self, request: Request) -> Response:
        """Full-text and faceted search (HTML, or JSON with ``format=json``)."""
        return await search_endpoint(request, self.searcher, self.settings.base_iri)

    async def _answer(
        self,
        request: Request,
        job: Job,
        variant: str,
        *,
        headers: dict[str, str] | None = None,
        ok_headers: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Run a read job in a query process, with the snapshot's validators on a GET's 200
        (``ETag``, ``Last-Modified``, ``Cache-Control``), or answer 304 without running it when
        the client's copy is of the current snapshot. ``variant`` names the representation
        (the resource, the format, the language...).

        A 304 stands for a 200 (RFC 9110 §15.4.5): it is sent only for a representation known
        to be one. An entity tag this server gave is, since tags are given with 200s only; a
        date (``If-Modified-Since``) or ``If-None-Match: *`` is not, and gets a 304 only for
        a representation this process answered with 200 from the same snapshot, so that
        an IRI never described, a query that is not SPARQL or a refused ``SERVICE`` is
        answered with its error whatever date the client sends."""
        headers = dict(headers or {})
        conditional = request.method in ("GET", "HEAD")
        if conditional:
            current = current_validators(self.settings.published_dir)
            if current is not None and current.not_modified(
                request.headers, variant, answered=current.etag(variant) in self._answered
            ):
                return Response(
                    status_code=304,
                    headers={**headers, **(ok_headers or {}), **current.headers(variant)},
                )
        client = request.client.host if request.client is not None else None
        reply = await self.pool.run(job, timeout or self.settings.query_timeout, client)
        if reply.status < 400 or reply.status == 406:  # a 406 is negotiated too
            headers |= ok_headers or {}
        if conditional and reply.status == 200 and reply.snapshot:
            found = validators_for(self.settings.published_dir, reply.snapshot)
            headers |= found.headers(variant)
            self._answered[found.etag(variant)] = None
            while len(self._answered) > MAX_ANSWERED:
                self._answered.popitem(last=False)
        return reply_response(reply, headers)

    # -- /sparql ----------------------------------------------------------------------------
    async def sparql(self, request: Request) -> Response:
        try:
            request = paced(request, None, self.settings.header_timeout, "the query or update")
            operation = await read_operation(request, self.settings.max_query_bytes)
            if isinstance(operation, ServiceDescriptionRequest):
                if accepts_html(request.headers.get("accept")) and not request.query_params:
                    # A person opened the endpoint in a browser: the query UI is for them.
                    return RedirectResponse(site.url("/"), status_code=303, headers=VARY)
                return self._service_description(request)
            if isinstance(operation, UpdateRequest):
                return await self._update(request, operation)
            return await self._query(request, operation)
        except NotAcceptable as exc:
            return not_acceptable(str(exc))
        except QueryError as exc:
            headers = (
                {"Allow": "GET, HEAD, POST, OPTIONS"} if exc.http_status == 405 else closing(exc)
            )
            return text_error(exc.http_status, exc.one_line(), headers)

    @property
    def void_iri(self) -> str:
        """The VoID document's IRI, which names the collection's dataset (``#museion``): on the
        base IRI's host and under its path, as every IRI Museion mints and where the site is
        served, not on the host a request names (the ``Host`` header is the client's to
        write)."""
        base = self.settings.base_iri
        return urljoin(base, site.root_of(base) + "/.well-known/void")

    def endpoint_url(self, request: Request) -> str:
        """The URL relative IRIs resolve against: ``/sparql``'s (or ``/sparql/``'s, where the
        request was sent), also for a query sent to the UI's ``/`` (answered as ``/sparql``
        answers), under the site's path: with a base IRI ``…/museion/`` a query sent to
        ``/museion/`` resolved ``<>`` against ``/museion/``, as only a path of ``/`` was
        known to be the UI's."""
        return site_url(request, "/sparql/" if request.url.path.endswith("/sparql/") else "/sparql")

    async def _query(self, request: Request, operation: QueryRequest) -> Response:
        """Hand the query to a query process as sent: it is read there (the SERVICE check
        parses it, which takes time on a big query), where the time limit applies and the
        event loop is not held up."""
        endpoint = self.endpoint_url(request)
        job = QueryJob(
            query=operation.query,
            base_iri=endpoint,
            accept=request.headers.get("accept"),
            format=operation.formats,
            default_graphs=operation.default_graphs if operation.names_dataset else None,
            named_graphs=operation.named_graphs if operation.names_dataset else None,
            max_rows=self.settings.max_rows,
        )
        variant = json.dumps(
            ["query", operation.query, job.default_graphs, job.named_graphs, job.accept, job.format]
        )
        return await self._answer(request, job, variant, ok_headers=VARY)

    async def _update(self, request: Request, operation: UpdateRequest) -> Response:
        token = self.settings.admin_token
        if not token:
            raise QueryError(
                "SPARQL Update is disabled: this endpoint has no admin token configured",
                http_status=403,
            )
        sent = request.headers.get("authorization", "")
        scheme, _, credentials = sent.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            credentials.strip().encode(), token.encode()
        ):
            raise QueryError(
                "SPARQL Update needs the admin token (Authorization: Bearer TOKEN)",
                http_status=403,
            )
        job = UpdateJob(
            operation.update,
            self.endpoint_url(request),
            operation.using_graphs,
            operation.using_named_graphs,
        )
        return reply_response(await self.pool.run(job, self.settings.update_timeout))

    def _service_description(self, request: Request) -> Response:
        fmt = negotiate(
            request.headers.get("accept"), GRAPH_FORMATS, request.query_params.get("format")
        )
        triples = service_description(
            self.endpoint_url(request),
            updates=bool(self.settings.admin_token),
            void_url=self.void_iri,
            federated=bool(self.settings.service_allowlist),
        )
        body = serialize(
            _for_format(triples, fmt.rdf_format().supports_datasets),
            format=fmt.rdf_format(),
            prefixes={**PREFIXES, "sd": "http://www.w3.org/ns/sparql-service-description#"},
        )
        return Response(body or b"", media_type=fmt.content_type, headers=VARY)

    # -- VoID ---------------------------------------------------------------------------------
    async def void(self, request: Request) -> Response:
        try:
            accept = request.headers.get("accept")
            format_param = request.query_params.get("format")
            if format_param == "html" or (format_param is None and accepts_html(accept)):
                name = "html"  # the header's "Datasets" link opens a page, not a download
            else:
                name = negotiate(accept, GRAPH_FORMATS, format_param).name
            job = VoidJob(
                name,
                site_url(request, "/sparql"),
                self.void_iri,
                lang=ui_lang(request),
                here=here(request),
            )
            return await self._answer(request, job, f"void {name}", headers=VARY)
        except NotAcceptable as exc:
            return not_acceptable(str(exc))
        except QueryError as exc:
            return text_error(exc.http_status, exc.one_line())

    # -- the query UI -------------------------------------------------------------------------
    async def ui(self, request: Request) -> Response:
        """The query UI for a person; the SPARQL Protocol for a client that sends its query
        to the base URL (SPARQLWrapper and rdflib pointed at ``/``): a POST, or a GET with a
        ``query`` (or ``update``) from a client that does not ask for HTML first. Answered
        here rather than redirected: urllib, which both use, follows no redirect of a POST
        with its body (a 307/308 is an error to it, a 301-303 turns it into an empty GET)."""
        params = request.query_params
        if request.method == "POST" or (
            ("query" in params or "update" in params)
            and not accepts_html(request.headers.get("accept"))
        ):
            return await self.sparql(request)
        examples = [
            {"name": q.name, "title": q.title, "description": q.description, "query": q.query}
            for q in example_queries()
        ]
        html = i18n.render(
            templates().get_template("ui.html"),
            ui_lang(request),
            here(request),
            nav="query",
            title=self.settings.title,
            static=site.url("/static"),
            endpoint=site.url("/sparql"),
            endpoint_url=site_url(request, "/sparql"),
            examples=examples,
            examples_json=json.dumps(examples).replace("</", "<\\/"),
            timeout=f"{self.settings.query_timeout:g}",
            max_rows=self.settings.max_rows,
        )
        # "/?query=…" is this page for a browser and the answer for a SPARQL client
        return HTMLResponse(html, headers=VARY)

    # -- reconciliation service, partner reports ---------------------------------------------
    async def reconcile(self, request: Request) -> Response:
        """The W3C Reconciliation API (OpenRefine) over the reconciled persons, groups, places
        and the types, evaluated in a query process like every other read."""
        if request.method == "OPTIONS":
            return Response(status_code=204)
        try:
            what = "the reconciliation request"
            paced_request = paced(request, None, self.settings.header_timeout, what)
            body = await read_body(paced_request, MAX_RECONCILE_BODY, what)
        except QueryError as exc:
            return text_error(exc.http_status, exc.one_line(), closing(exc))
        job = ReconcileJob(
            method=request.method,
            path=request.path_params.get("rest", ""),
            query_string=request.url.query,
            body=body,
            content_type=request.headers.get("content-type", ""),
            service_url=site_url(request, "/reconcile"),
        )
        try:
            return await self._answer(request, job, f"reconcile {job.path}?{job.query_string}")
        except QueryError as exc:
            return text_error(exc.http_status, exc.one_line())

    async def sources(self, request: Request) -> Response:
        """Partner reports (``/sources/NAME``, HTML or JSON), written by each harvest run."""
        return partner_page(request, self.settings, self.uploads)

    # -- linked-data pages ------------------------------------------------------------------
    async def entity(self, request: Request) -> Response:
        """The minted IRI ``{base_iri}{path}`` in the representation asked for."""
        asked = entity_request(request, self.settings)
        if isinstance(asked, Response):
            return asked
        try:
            return await self._answer(request, asked.job, asked.variant, headers=asked.headers)
        except QueryError as exc:
            return text_error(exc.http_status, exc.one_line())


def _for_format(triples: list[Triple], datasets: bool) -> list[Triple] | list[Quad]:
    if datasets:
        return [Quad(t.subject, t.predicate, t.object) for t in triples]
    return triples


async def favicon(_: Request) -> Response:
    """Browsers ask for ``/favicon.ico`` whatever the page links; answer with the icon."""
    return FileResponse(STATIC / "favicon.png", media_type="image/png")


async def _to_canonical(request: Request) -> Response:
    """``/sources`` and ``/sources/NAME/``, as people type them: to the page's own URL (308,
    so the query string and the method stay)."""
    path = request.url.path
    target = path + "/" if path.endswith("/sources") else path.rstrip("/")
    return RedirectResponse(str(request.url.replace(path=target)), status_code=308)


def _outside_the_site(root: str) -> Route:
    """Requests outside the site's path (``root``, decoded as request paths are): the site's
    own pages and services (``/``, ``/sparql``, ``/search``...) are sent under it (308: the
    method and the body stay), so a client that reaches the server itself, not through the
    proxy, still finds them; any other path names no IRI Museion mints."""

    async def outside(request: Request) -> Response:
        path = request.url.path
        if path == root or path.split("/", 2)[1] in site.SITE_SEGMENTS:
            target = site.url("/" if path == root else iri_path(request.scope))
            return RedirectResponse(str(request.url.replace(path=target)), status_code=308)
        return text_error(404, f"nothing is served at {path}: this site is served under {root}/")

    return Route("/{path:path}", outside, methods=["GET", "HEAD", "POST", "OPTIONS"])


def create_app(settings: EndpointSettings) -> Starlette:
    site.serve_under(settings.base_iri)
    pool = QueryPool(settings)
    endpoint = Endpoint(settings, pool)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.close()
            endpoint.searcher.close()

    routes = [
        Route(
            "/sparql",
            endpoint.sparql,
            methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
            name="sparql",
        ),
        Route("/sparql/", endpoint.sparql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/", endpoint.ui, methods=["GET", "POST"], name="ui"),
        Route("/.well-known/void", endpoint.void, methods=["GET"], name="void"),
        Route("/reconcile", endpoint.reconcile, methods=RECONCILE_METHODS, name="reconcile"),
        Route("/reconcile/{rest:path}", endpoint.reconcile, methods=RECONCILE_METHODS),
        Route("/search", endpoint.search, methods=["GET"], name="search"),
        Route("/sources/", endpoint.sources, methods=["GET"]),
        Route("/sources/{name}", endpoint.sources, methods=["GET"], name="sources"),
        Route("/sources", _to_canonical, methods=["GET"]),
        Route("/sources/{name}/", _to_canonical, methods=["GET"]),
        *(endpoint.uploads.routes() if endpoint.uploads else []),
        *(ChecklistViews(settings, pool).routes() if settings.checklists_path else []),
        *typed_address_routes(checklists=settings.checklists_path is not None),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Route("/{path:path}", endpoint.entity, methods=["GET"], name="entity"),
    ]
    root = unquote(site.root())  # a request's path is matched decoded: "/musée", not "/mus%C3%A9e"
    if root:  # the whole site under the base IRI's path (``sparql.site``)
        routes = [Mount(root, routes=routes), _outside_the_site(root)]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=[  # what a page's script on another site may read of an answer
                TRUNCATED_HEADER,
                "Content-Type",
                "Vary",
                "ETag",
                "Last-Modified",
                "Link",
                "Retry-After",  # a busy endpoint's 503: when to send the query again
                "Server-Timing",
            ],
            max_age=86400,
        ),
        Middleware(NegotiatedGZip, minimum_size=1024),
        Middleware(SecurityHeaders),
        Middleware(RetryAfter),
        Middleware(LanguageMiddleware),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    app.state.settings = settings
    return app


def create_app_from_env() -> Starlette:
    """The app factory uvicorn's worker processes call (settings travel as JSON in the env)."""
    return create_app(EndpointSettings.from_env())
