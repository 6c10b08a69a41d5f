"""The endpoint as an ASGI application: routes, limits, content negotiation, middleware.

Routes: ``/sparql`` (the SPARQL 1.1 Protocol; GET without a query gives the service
description), ``/`` (the query UI), ``/search`` (full-text and faceted search), ``/static/``
(its assets, shipped with the package),
``/.well-known/void`` (VoID), and every other path under the base IRI's path: the minted IRI
``{base_iri}{path}`` as a linked-data page (HTML, Turtle, N-Triples, JSON-LD).

Statuses: 400 malformed query or request, 403 update without the admin token or a SERVICE
not allow-listed, 404 unknown IRI, 405 wrong method, 406 no acceptable format, 410 withdrawn
entity, 413 body too large, 415 wrong media type or charset, 500 the query failed,
503 the query ran over its time limit (or no query process became free in time).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import re
from collections.abc import AsyncIterator, Iterable, MutableMapping
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pyoxigraph import NamedNode, Quad, Triple, serialize
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from museion_core.errors import QueryError
from search import Searcher

from . import i18n
from .caching import current_validators, validators_for
from .checklists.web import ChecklistViews
from .compression import NegotiatedGZip
from .describe import service_description
from .examples import example_queries
from .jobs import (
    TRUNCATED_HEADER,
    EntityJob,
    Job,
    QueryJob,
    ReconcileJob,
    Reply,
    UpdateJob,
    VoidJob,
)
from .linkedart import EXTENSION_PATH, extension_context
from .negotiation import (
    GRAPH_FORMATS,
    GRAPH_PROFILE,
    LINKED_ART_PROFILE,
    NotAcceptable,
    accepts_html,
    negotiate,
    preferred_profile,
)
from .pages import templates
from .pool import QueryPool
from .prefixes import PREFIXES
from .protocol import (
    QueryRequest,
    ServiceDescriptionRequest,
    UpdateRequest,
    read_operation,
)
from .search_page import search_endpoint
from .security import SecurityHeaders, read_body
from .settings import EndpointSettings
from .uploads import UploadViews, upload_form

__all__ = ["create_app", "create_app_from_env"]

STATIC = Path(__file__).parent / "static"


MAX_RECONCILE_BODY = 10 * 1024 * 1024
RECONCILE_METHODS = ["GET", "POST", "OPTIONS"]
SOURCE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        message.rstrip() + "\n",
        status_code=status,
        media_type="text/plain; charset=utf-8",
        headers=headers,
    )


def _reply(reply: Reply, extra: dict[str, str] | None = None) -> Response:
    headers = {**reply.headers, **(extra or {})}
    if reply.file is not None:
        path = reply.file
        return FileResponse(
            path,
            status_code=reply.status,
            media_type=reply.content_type,
            headers=headers,
            background=BackgroundTask(lambda: Path(path).unlink(missing_ok=True)),
        )
    if reply.status == 204:
        return Response(status_code=204, headers=headers)
    return Response(
        reply.body, status_code=reply.status, media_type=reply.content_type, headers=headers
    )


class Endpoint:
    def __init__(self, settings: EndpointSettings, pool: QueryPool) -> None:
        self.settings = settings
        self.pool = pool
        self.searcher = Searcher(settings.published_dir)
        self.uploads = UploadViews(settings) if settings.uploads_dir else None

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
        the client's copy is of the current snapshot. ``variant`` names the representation."""
        headers = dict(headers or {})
        conditional = request.method in ("GET", "HEAD")
        if conditional:
            current = current_validators(self.settings.published_dir)
            if current is not None and current.not_modified(request.headers, variant):
                return Response(
                    status_code=304,
                    headers={**headers, **(ok_headers or {}), **current.headers(variant)},
                )
        reply = await self.pool.run(job, timeout or self.settings.query_timeout)
        if reply.status < 400:
            headers |= ok_headers or {}
        if conditional and reply.status == 200 and reply.snapshot:
            found = validators_for(self.settings.published_dir, reply.snapshot)
            headers |= found.headers(variant)
        return _reply(reply, headers)

    # -- /sparql ----------------------------------------------------------------------------
    async def sparql(self, request: Request) -> Response:
        try:
            operation = await read_operation(request, self.settings.max_query_bytes)
            if isinstance(operation, ServiceDescriptionRequest):
                if accepts_html(request.headers.get("accept")) and not request.query_params:
                    # A person opened the endpoint in a browser: the query UI is for them.
                    return RedirectResponse("/", status_code=303, headers={"Vary": "Accept"})
                return self._service_description(request)
            if isinstance(operation, UpdateRequest):
                return await self._update(request, operation)
            return await self._query(request, operation)
        except NotAcceptable as exc:
            return _error(406, str(exc))
        except QueryError as exc:
            headers = {"Allow": "GET, POST, OPTIONS"} if exc.http_status == 405 else None
            return _error(exc.http_status, exc.one_line(), headers)

    def endpoint_url(self, request: Request) -> str:
        return str(request.url.replace(query="", fragment=""))

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
        return await self._answer(request, job, variant, ok_headers={"Vary": "Accept"})

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
        return _reply(await self.pool.run(job, self.settings.update_timeout))

    def _service_description(self, request: Request) -> Response:
        fmt = negotiate(
            request.headers.get("accept"), GRAPH_FORMATS, request.query_params.get("format")
        )
        triples = service_description(
            self.endpoint_url(request),
            updates=bool(self.settings.admin_token),
            void_url=str(request.url_for("void")),
            federated=bool(self.settings.service_allowlist),
        )
        body = serialize(
            _for_format(triples, fmt.rdf_format().supports_datasets),
            format=fmt.rdf_format(),
            prefixes={**PREFIXES, "sd": "http://www.w3.org/ns/sparql-service-description#"},
        )
        return Response(body or b"", media_type=fmt.content_type, headers={"Vary": "Accept"})

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
                str(request.url_for("sparql")),
                str(request.url.replace(query="", fragment="")),
            )
            return await self._answer(request, job, f"void {name}", headers={"Vary": "Accept"})
        except NotAcceptable as exc:
            return _error(406, str(exc))
        except QueryError as exc:
            return _error(exc.http_status, exc.one_line())

    # -- the query UI -------------------------------------------------------------------------
    async def ui(self, request: Request) -> Response:
        examples = [
            {"name": q.name, "title": q.title, "description": q.description, "query": q.query}
            for q in example_queries()
        ]
        html = i18n.render(
            templates().get_template("ui.html"),
            _ui_lang(request),
            _here(request),
            nav="query",
            title=self.settings.title,
            static="/static",
            endpoint="/sparql",
            endpoint_url=str(request.url_for("sparql")),
            examples=examples,
            examples_json=json.dumps(examples).replace("</", "<\\/"),
            timeout=f"{self.settings.query_timeout:g}",
            max_rows=self.settings.max_rows,
        )
        return HTMLResponse(html)

    # -- reconciliation service, partner reports ---------------------------------------------
    async def reconcile(self, request: Request) -> Response:
        """The W3C Reconciliation API (OpenRefine) over the reconciled persons, groups, places
        and the types, evaluated in a query process like every other read."""
        if request.method == "OPTIONS":
            return Response(status_code=204)
        try:
            body = await read_body(request, MAX_RECONCILE_BODY, "the reconciliation request")
        except QueryError as exc:
            return _error(exc.http_status, exc.one_line())
        job = ReconcileJob(
            method=request.method,
            path=request.path_params.get("rest", ""),
            query_string=request.url.query,
            body=body,
            content_type=request.headers.get("content-type", ""),
            service_url=str(request.url_for("reconcile")),
        )
        try:
            return await self._answer(request, job, f"reconcile {job.path}?{job.query_string}")
        except QueryError as exc:
            return _error(exc.http_status, exc.one_line())

    async def sources(self, request: Request) -> Response:
        """Partner reports (``/sources/NAME``, HTML or JSON), written by each harvest run."""
        folder = self.settings.reports_dir
        name = request.path_params.get("name", "")
        if folder is None or (not folder.is_dir() and not self.settings.upload_sources):
            return _error(404, "no partner reports are published here")
        if not name:
            return HTMLResponse(
                i18n.render(
                    templates().get_template("partners.html"),
                    _ui_lang(request),
                    _here(request),
                    nav="partners",
                    title=self.settings.title,
                    base_path=self.settings.base_path,
                    partners=_partner_reports(folder, self.settings.upload_sources),
                )
            )
        if not SOURCE_NAME.match(name):
            return _error(404, f"there is no source named {name!r}")
        wants_json = request.query_params.get("format") == "json" or (
            "application/json" in request.headers.get("accept", "")
            and not accepts_html(request.headers.get("accept"))
        )
        path = folder / f"{name}.{'json' if wants_json else 'html'}"
        suffixes = None if wants_json or not self.uploads else self.uploads.accepts(name)
        if not path.is_file() and suffixes is None:
            return _error(404, f"there is no report for a source named {name!r}")
        if wants_json:
            return Response(
                path.read_bytes(), media_type="application/json", headers={"Vary": "Accept"}
            )
        if path.is_file():
            page = path.read_text(encoding="utf-8")
        else:  # a partner that only uploads, before its first upload
            page = (
                f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(name)}"
                f"</title></head><body><h1>{escape(name)}</h1><p>Nothing harvested yet.</p>"
                "</body></html>"
            )
        if suffixes is not None:  # the partner's page carries its upload form
            at = page.find("</h1>")
            at = at + len("</h1>") if at >= 0 else 0
            page = page[:at] + upload_form(name, suffixes) + page[at:]
        header = i18n.render(
            templates().get_template("_site_header.html"),
            _ui_lang(request),
            _here(request),
            nav="partners",
            title=self.settings.title,
        )
        return HTMLResponse(_with_site_header(page, header), headers={"Vary": "Accept"})

    # -- linked-data pages ------------------------------------------------------------------
    async def entity(self, request: Request) -> Response:
        path = request.url.path
        base_path = self.settings.base_path
        if not path.startswith(base_path):
            return _error(404, f"nothing is served at {path}")
        if path == base_path + EXTENSION_PATH:
            return Response(
                json.dumps(extension_context(), indent=2),
                media_type="application/ld+json",
                headers={"Cache-Control": "public, max-age=86400"},
            )
        iri = self.settings.base_iri + _iri_path(request.scope)[len(base_path) :]
        try:
            NamedNode(iri)
        except ValueError:  # "%ZZ", a raw ">" or space: no IRI Museion mints looks like that
            return _error(404, f"nothing is served at {path}: <{iri}> is not a valid IRI")
        accept = request.headers.get("accept")
        format_param = request.query_params.get("format")
        try:
            if format_param in (None, "html") and (format_param == "html" or accepts_html(accept)):
                representation = "html"
            else:
                fmt = negotiate(accept, GRAPH_FORMATS[:4], format_param)
                representation = fmt.name
                if fmt.name == "jsonld":
                    representation = _linked_art_profile(request)
        except NotAcceptable as exc:
            return _error(406, str(exc))
        job = EntityJob(
            iri,
            representation,
            "/sparql",
            lang=_ui_lang(request),
            here=_here(request),
            view=request.query_params.get("view", ""),
        )
        try:
            variant = f"entity {representation}"
            if representation == "html":  # each language is its own page
                variant += f" {_ui_lang(request)} {job.view}"
            return await self._answer(
                request,
                job,
                variant,
                headers={
                    "Vary": "Accept",
                    "Link": _alternates(quote(path, safe="/%:@!$&'()*+,;=~")),
                },
            )
        except QueryError as exc:
            return _error(exc.http_status, exc.one_line())


def _linked_art_profile(request: Request) -> str:
    """Which JSON-LD document an entity's IRI answers: the Linked Art API document (the
    default), or the graph profile — asked for by ``Accept``'s ``profile`` or by ``?profile=graph``
    (a link can carry no header)."""
    wanted = request.query_params.get("profile")
    if wanted in ("graph", GRAPH_PROFILE):
        return "linked-art-graph"
    if wanted in ("linked-art", LINKED_ART_PROFILE):
        return "linked-art"
    offered = (LINKED_ART_PROFILE, GRAPH_PROFILE)
    chosen = preferred_profile(request.headers.get("accept"), "application/ld+json", offered)
    return "linked-art-graph" if chosen == GRAPH_PROFILE else "linked-art"


def _alternates(path: str) -> str:
    """The ``Link`` header of an entity's answers: every representation, both JSON-LD
    profiles named (RFC 8288 ``profile`` and ``type`` target attributes)."""
    links = [
        f'<{path}>; rel="alternate"; type="text/html"',
        f'<{path}?format=ttl>; rel="alternate"; type="text/turtle"',
        f'<{path}?format=nt>; rel="alternate"; type="application/n-triples"',
    ]
    for query, profile in (("", LINKED_ART_PROFILE), ("&profile=graph", GRAPH_PROFILE)):
        links.append(
            f'<{path}?format=jsonld{query}>; rel="alternate"; type="application/ld+json"; '
            f'profile="{profile}"'
        )
    return ", ".join(links)


def _partner_reports(folder: Path, upload_sources: Iterable[str] = ()) -> list[dict[str, str]]:
    """Each partner report's source name and partner label, for the partners page (and the
    sources that take uploads but have no report yet)."""
    out = []
    reports = sorted(folder.glob("*.json")) if folder.is_dir() else []
    for name in sorted(set(upload_sources) - {p.stem for p in reports}):
        out.append({"source": name, "partner": name, "status": "", "ended": ""})
    for path in reports:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            report = {}
        run = report.get("run") if isinstance(report.get("run"), dict) else {}
        out.append(
            {
                "source": path.stem,
                "partner": str(report.get("partner") or path.stem),
                "status": str((run or {}).get("status") or ""),
                "ended": str((run or {}).get("ended") or ""),
            }
        )
    return out


def _with_site_header(report: str, header: str) -> str:
    """A partner report (a self-contained page a harvest run wrote, in English) served with
    the site's header, icon and stylesheet, so it keeps the navigation of every other page."""
    head = (
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
        '<link rel="stylesheet" href="/static/museion.css"></head>'
    )
    report = report.replace("</head>", head, 1)
    report = report.replace("<body>", f'<body class="report-page">{header}<div class="report">', 1)
    return report.replace("</body>", "</div></body>", 1)


def _ui_lang(request: Request) -> str:
    """The language :class:`i18n.LanguageMiddleware` chose for this request."""
    return str(getattr(request.state, "ui_lang", i18n.DEFAULT))


def _here(request: Request) -> str:
    """The page's own path and query for its language links, with the path as it was sent:
    decoded, an identifier's ``%2F`` (``DE-MUS-825210%2F78541``) would become a ``/`` and
    the link another IRI's, which is not served."""
    query = request.url.query
    return _iri_path(request.scope) + (f"?{query}" if query else "")


def _iri_path(scope: MutableMapping[str, Any]) -> str:
    """The request path as it was sent (still percent-encoded), so that a minted IRI's
    encoded identifier (``T%2F1``) maps back to itself."""
    raw = scope.get("raw_path")
    if isinstance(raw, bytes):
        return raw.decode("latin-1").split("?", 1)[0]
    return str(scope.get("path", "/"))


def _for_format(triples: list[Triple], datasets: bool) -> list[Triple] | list[Quad]:
    if datasets:
        return [Quad(t.subject, t.predicate, t.object) for t in triples]
    return triples


async def favicon(_: Request) -> Response:
    """Browsers ask for ``/favicon.ico`` whatever the page links; answer with the icon."""
    return FileResponse(STATIC / "favicon.png", media_type="image/png")


def create_app(settings: EndpointSettings) -> Starlette:
    pool = QueryPool(settings)
    endpoint = Endpoint(settings, pool)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.close()

    routes = [
        Route(
            "/sparql",
            endpoint.sparql,
            methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
            name="sparql",
        ),
        Route("/sparql/", endpoint.sparql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/", endpoint.ui, methods=["GET"], name="ui"),
        Route("/.well-known/void", endpoint.void, methods=["GET"], name="void"),
        Route("/reconcile", endpoint.reconcile, methods=RECONCILE_METHODS, name="reconcile"),
        Route("/reconcile/{rest:path}", endpoint.reconcile, methods=RECONCILE_METHODS),
        Route("/search", endpoint.search, methods=["GET"], name="search"),
        Route("/sources/", endpoint.sources, methods=["GET"]),
        Route("/sources/{name}", endpoint.sources, methods=["GET"], name="sources"),
        *(endpoint.uploads.routes() if endpoint.uploads else []),
        *(ChecklistViews(settings, pool).routes() if settings.checklists_path else []),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Route("/{path:path}", endpoint.entity, methods=["GET"], name="entity"),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=[
                TRUNCATED_HEADER,
                "Content-Type",
                "Vary",
                "ETag",
                "Last-Modified",
                "Link",
            ],
            max_age=86400,
        ),
        Middleware(NegotiatedGZip, minimum_size=1024),
        Middleware(SecurityHeaders),
        Middleware(i18n.LanguageMiddleware),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    app.state.settings = settings
    return app


def create_app_from_env() -> Starlette:
    """The app factory uvicorn's worker processes call (settings travel as JSON in the env)."""
    return create_app(EndpointSettings.from_env())
