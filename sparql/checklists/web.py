"""``/checklists/``: the curator's checklists in the browser, and a JSON API for scripts.

Routes (added to ``sparql.app`` before the catch-all entity route):

- ``GET /checklists/`` every checklist; ``POST`` creates one (form ``name``, optional
  ``object_iri`` to add at once; or JSON ``{"name": ...}``).
- ``GET /checklists/add?object_iri=IRI`` picks the checklist to add an object to (what the
  ``_add_to_checklist.html`` form on search results and object pages opens); ``POST`` adds it.
- ``GET /checklists/ID`` the checklist (``?format=json``); ``POST`` changes it: ``action`` is
  ``rename``, ``add``, ``remove``, ``note``, ``move`` (``to``, or ``direction`` up/down),
  ``order`` (JSON ``iris``), ``spacing`` or ``delete`` — as a form or as a JSON body.
- ``GET /checklists/ID.csv``, ``.xlsx``, ``.jsonld``; ``/checklists/ID/loans`` one loan-request
  summary per lender (printable).
- ``GET|POST /checklists/sign-in``, ``POST /checklists/sign-out``: the curator token (auth.py).

This module is the routes and what each does; a request's body and fields are read by
``forms.py``, and the JSON of a checklist, an export's file name and where a page opens after
an action are made by ``replies.py``.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from museion_core.errors import QueryError

from .. import i18n, site
from ..jobs import ChecklistRowsJob
from ..negotiation import JSON, JSON_LD, VARY, NotAcceptable
from ..pages import local_href, templates
from ..pool import QueryPool
from ..settings import EndpointSettings
from ..web import here, iri_path, not_acceptable, site_url, ui_lang
from .auth import (
    COOKIE,
    ForbiddenError,
    check_origin,
    cookie_value,
    may_write,
    signed_in,
    token_matches,
    token_required,
)
from .exports import HEADER, csv_bytes, linked_art_set, row_values, xlsx_bytes
from .fields import Fields
from .forms import _body, _int, _is_json, _local, _spacing, _text, _wanted, _wants_json
from .planning import light_concepts_of, plan
from .replies import DONE, _as_json, _attachment, _back_to, _item_anchor
from .rows import CURRENT
from .store import BadRequestError, Checklist, ChecklistError, ChecklistStore, NotFoundError

__all__ = ["ChecklistViews"]


class ChecklistViews:
    def __init__(self, settings: EndpointSettings, pool: QueryPool) -> None:
        assert settings.checklists_path is not None
        self.settings = settings
        self.pool = pool
        self.store = ChecklistStore(settings.checklists_path)

    def routes(self) -> list[Route]:
        return [
            Route("/checklists", _to_index),
            Route("/checklists/", self.index, methods=["GET", "POST"], name="checklists"),
            Route("/checklists/add", self.add, methods=["GET", "POST"]),
            Route("/checklists/sign-in", self.sign_in, methods=["GET", "POST"]),
            Route("/checklists/sign-out", self.sign_out, methods=["POST"]),
            Route("/checklists/{cid}.{fmt}", self.export, methods=["GET"]),
            Route("/checklists/{cid}/loans", self.loans, methods=["GET"]),
            Route("/checklists/{cid}", self.checklist, methods=["GET", "POST"]),
        ]

    # -- pages ------------------------------------------------------------------------------
    async def index(self, request: Request) -> Response:
        try:
            if request.method == "POST":
                may_write(request, self.settings)
                data = await _body(request)
                iri = _text(data, "object_iri").strip()
                fields = await self._current(iri) if iri else None  # before a list is made
                checklist = self.store.create(_text(data, "name"))
                if fields is not None:
                    self._put(checklist.id, fields, _text(data, "note"))
                url = site.url(f"/checklists/{checklist.id}")
                if _is_json(request):
                    return JSONResponse({"id": checklist.id, "url": url}, status_code=201)
                return RedirectResponse(url, status_code=303)
            fmt = _wanted(request)
            listed = self.store.all()
            if fmt is JSON:
                return JSONResponse(
                    [
                        {
                            "id": c.id,
                            "name": c.name,
                            "objects": n,
                            "updated": c.updated,
                            "url": site.url(f"/checklists/{c.id}"),
                        }
                        for c, n in listed
                    ],
                    headers=VARY,
                )
            page = self._page(request, "checklists.html", checklists=listed)
            page.headers.update(VARY)
            return page
        except NotAcceptable as exc:
            return not_acceptable(str(exc))
        except QueryError as exc:
            return self._error(request, exc)

    async def add(self, request: Request) -> Response:
        """The chooser the add-to-checklist form opens, and the add itself."""
        try:
            if request.method == "GET":
                iri = request.query_params.get("object_iri", "").strip()
                answers = await self._rows([iri]) if iri else {}
                status, fields, _ = answers.get(iri, ("unknown", None, ""))
                if status != CURRENT or fields is None:
                    raise NotFoundError("Museion describes no object “{iri}”", iri=iri)
                return self._page(
                    request,
                    "checklist_add.html",
                    fields=fields,
                    checklists=self.store.all(),
                    holding=self.store.holding(iri),
                )
            may_write(request, self.settings)
            data = await _body(request)
            iri = _text(data, "object_iri").strip()
            ident = _text(data, "checklist").strip()
            name = _text(data, "name").strip()
            # A name is only ever for a new checklist: typed beside a list left chosen (the
            # form chooses the first), it went unread and the work onto that list.
            note = _text(data, "note")
            if not ident or ident == "new" or name:
                fields = await self._current(iri)  # a refused object makes no empty list
                ident = self.store.create(name).id
                done = self._put(ident, fields, note)
            else:
                done = await self._add(ident, iri, note)
            if _is_json(request):
                return JSONResponse({"id": ident, "added": done == "added"})
            return RedirectResponse(
                site.url(f"/checklists/{ident}?done={done}#{_item_anchor(iri)}"), status_code=303
            )
        except QueryError as exc:
            return self._error(request, exc)

    async def checklist(self, request: Request) -> Response:
        ident = request.path_params["cid"]
        try:
            if request.method == "POST":
                may_write(request, self.settings)
                data = await _body(request)
                action, iri = _text(data, "action"), _text(data, "object_iri").strip()
                order = [item.iri for item in self.store.get(ident).items]
                gone = await self._change(ident, data)
                if _is_json(request):
                    if gone:
                        return JSONResponse({"deleted": ident})
                    return JSONResponse(_as_json(await self._fresh(ident)))
                target = site.url("/checklists/" if gone else f"/checklists/{ident}")
                return RedirectResponse(target + _back_to(action, iri, order), status_code=303)
            fmt = _wanted(request, linked_art=True)
            checklist = await self._fresh(ident)
            if fmt is JSON:
                return JSONResponse(_as_json(checklist), headers=VARY)
            if fmt is JSON_LD:
                return self._linked_art(request, checklist, VARY)
            page = self._page(
                request,
                "checklist.html",
                done=DONE.get(request.query_params.get("done", "")),
                c=checklist,
                plan=plan(checklist),
                light={item.iri: light_concepts_of(item) for item in checklist.items},
            )
            page.headers.update(VARY)
            return page
        except NotAcceptable as exc:
            return not_acceptable(str(exc))
        except QueryError as exc:
            return self._error(request, exc)

    async def export(self, request: Request) -> Response:
        ident, fmt = request.path_params["cid"], request.path_params["fmt"]
        try:
            if fmt not in ("csv", "xlsx", "jsonld"):
                raise NotFoundError("no export as “{fmt}” (csv, xlsx, jsonld)", fmt=fmt)
            checklist = await self._fresh(ident)
            if fmt == "csv":
                return Response(
                    csv_bytes(checklist, ui_lang(request)),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": _attachment(checklist.name, "csv")},
                )
            if fmt == "xlsx":
                return Response(
                    xlsx_bytes(checklist, ui_lang(request)),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": _attachment(checklist.name, "xlsx")},
                )
            return self._linked_art(request, checklist)
        except QueryError as exc:
            return self._error(request, exc)

    @staticmethod
    def _linked_art(
        request: Request, checklist: Checklist, headers: dict[str, str] | None = None
    ) -> Response:
        """The checklist as a Linked Art set (``.jsonld``, or its page asked for JSON-LD)."""
        set_iri = site_url(request, "/checklists/") + checklist.id
        body = json.dumps(linked_art_set(checklist, set_iri), ensure_ascii=False, indent=2)
        return Response(body.encode("utf-8"), media_type="application/ld+json", headers=headers)

    async def loans(self, request: Request) -> Response:
        ident = request.path_params["cid"]
        try:
            checklist = await self._fresh(ident)
            lenders: dict[str, list[tuple[int, Any]]] = {}
            for number, item in enumerate(checklist.items, start=1):
                lenders.setdefault(item.fields.lender or "—", []).append((number, item))
            # one lender's request alone, to print and send it without the other lenders'
            alone = request.query_params.get("lender")
            if alone is not None:
                if alone not in lenders:
                    raise NotFoundError("no lender “{lender}” on this checklist", lender=alone)
                lenders = {alone: lenders[alone]}
            return self._page(
                request, "checklist_loans.html", c=checklist, lenders=lenders, alone=alone
            )
        except QueryError as exc:
            return self._error(request, exc)

    async def sign_in(self, request: Request) -> Response:
        target = _local(request.query_params.get("next", site.url("/checklists/")))
        if request.method == "GET":
            return self._page(request, "checklist_signin.html", next=target, failed=False)
        try:
            check_origin(request)
        except ForbiddenError as exc:
            return self._error(request, exc)
        data = await _body(request)
        target = _local(_text(data, "next") or target)
        if not token_matches(_text(data, "token"), self.settings):
            page = self._page(request, "checklist_signin.html", next=target, failed=True)
            page.status_code = 403
            return page
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            COOKIE,
            cookie_value(self.settings.curator_token or ""),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path=site.url("/"),  # the site's path alone, not the other sites of its host
        )
        return response

    async def sign_out(self, request: Request) -> Response:
        try:
            check_origin(request)
        except ForbiddenError as exc:
            return self._error(request, exc)
        response = RedirectResponse(site.url("/checklists/"), status_code=303)
        response.delete_cookie(COOKIE, path=site.url("/"))
        return response

    # -- work -------------------------------------------------------------------------------
    async def _rows(self, iris: list[str]) -> dict[str, tuple[str, Fields | None, str]]:
        for iri in iris:
            if not iri.startswith(self.settings.base_iri) or any(c in iri for c in ' <>"{}|\\^`'):
                raise BadRequestError("“{iri}” is not an object Museion describes", iri=iri)
        reply = await self.pool.run(ChecklistRowsJob(tuple(iris)), self.settings.query_timeout)
        if reply.status >= 400:
            raise QueryError(reply.body.decode("utf-8", "replace").strip(), http_status=503)
        answers = json.loads(reply.body)
        return {
            iri: (
                a["status"],
                Fields.from_json(a["fields"]) if a["fields"] else None,
                a["deleted_at"] or "",
            )
            for iri, a in answers.items()
        }

    async def _add(self, ident: str, iri: str, note: str) -> str:
        """Add the object to an existing checklist (``_put``)."""
        self.store.get(ident)  # 404 before any query
        return self._put(ident, await self._current(iri), note)

    async def _current(self, iri: str) -> Fields:
        """The fields of a current object; refused if Museion describes none."""
        status, fields, _ = (await self._rows([iri]))[iri]
        if status != CURRENT or fields is None:
            raise BadRequestError("Museion describes no current object “{iri}”", iri=iri)
        return fields

    def _put(self, ident: str, fields: Fields, note: str) -> str:
        """Add the object; what was done (``DONE``): "added"; "already-noted" when the
        checklist held it already and its note gained ``note`` on a line of its own (a note
        written while adding is not dropped); "already" when it held that note too."""
        if self.store.add(ident, fields, note):
            return "added"
        held = next(i.note for i in self.store.get(ident).items if i.iri == fields.iri)
        new = note.strip()
        if not new or new == held.strip() or new in (line.strip() for line in held.splitlines()):
            return "already"
        self.store.set_note(ident, fields.iri, f"{held.rstrip()}\n{new}".strip())
        return "already-noted"

    async def _fresh(self, ident: str) -> Checklist:
        """The checklist with every object's fields read again from the current snapshot;
        its stored copies when no snapshot can be read (marked in the page)."""
        checklist = self.store.get(ident)
        if checklist.items:
            try:
                answers = await self._rows([item.iri for item in checklist.items])
            except QueryError:
                return checklist
            self.store.refresh(ident, answers)
            checklist = self.store.get(ident)
        return checklist

    async def _change(self, ident: str, data: dict[str, Any]) -> bool:
        action = _text(data, "action")
        iri = _text(data, "object_iri").strip()
        if action == "rename":
            self.store.rename(ident, _text(data, "name"))
        elif action == "add":
            await self._add(ident, iri, _text(data, "note"))
        elif action == "remove":
            self.store.remove(ident, iri)
        elif action == "note":
            self.store.set_note(ident, iri, _text(data, "note"))
        elif action == "move":
            checklist = self.store.get(ident)
            order = [item.iri for item in checklist.items]
            if iri not in order:
                raise NotFoundError("{iri} is not on this checklist", iri=iri)
            direction = data.get("direction")
            to = order.index(iri) + (0 if direction == "up" else 2) if direction else None
            if to is None:
                to = _int(data.get("to"), "to")
            self.store.move(ident, iri, to)
        elif action == "order":
            iris = data.get("iris")
            if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
                raise BadRequestError("order needs `iris`: the checklist's object IRIs in order")
            self.store.reorder(ident, iris)
        elif action == "spacing":
            self.store.set_spacing(ident, _spacing(data.get("spacing_cm")))
        elif action == "delete":
            self.store.delete(ident)
            return True
        else:
            raise BadRequestError(
                "unknown action “{action}”: rename, add, remove, note, move, order, spacing, "
                "delete",
                action=action,
            )
        return False

    # -- answers ----------------------------------------------------------------------------
    def _page(self, request: Request, name: str, **context: Any) -> HTMLResponse:
        html = i18n.render(
            templates().get_template(name),
            ui_lang(request),
            here(request),
            static=site.url("/static"),
            endpoint=site.url("/sparql"),
            title=self.settings.title,
            nav="checklists",
            can_write=signed_in(request, self.settings),
            token_required=token_required(self.settings),
            has_token=bool(self.settings.curator_token),
            columns=HEADER,
            row_values=row_values,
            request_path=iri_path(request.scope),
            href=lambda iri: local_href(iri, self.settings.base_iri),
            **context,
        )
        return HTMLResponse(html)

    def _error(self, request: Request, exc: QueryError) -> Response:
        if _is_json(request) or _wants_json(request):  # by ``Accept`` too: ``Vary`` says so
            return JSONResponse(
                {"error": exc.one_line()}, status_code=exc.http_status, headers=VARY
            )
        message: str | Markup = exc.one_line()
        if isinstance(exc, ChecklistError):  # each value isolated: an id, an Arabic title
            with i18n.using(ui_lang(request)):
                message = i18n.gettext_isolated(exc.template, **exc.values)
        back = request.path_params.get("cid") if request.method == "POST" else None
        page = self._page(
            request,
            "checklist_error.html",
            status=exc.http_status,
            message=message,
            back=site.url(f"/checklists/{back}") if back and exc.http_status != 404 else None,
        )
        page.status_code = exc.http_status
        page.headers.update(VARY)  # a 404 may be cached: not the page for a script
        return page


async def _to_index(_: Request) -> Response:
    return RedirectResponse(site.url("/checklists/"), status_code=308)
