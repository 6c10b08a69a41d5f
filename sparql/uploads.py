"""Partners' uploads: ``POST /sources/NAME/upload`` and the upload's page.

A partner that cannot host a feed sends its files here, with its own token (``[sources.partner]
token`` or ``token_env``), which opens this source's uploads and no other's: a request without a
token is 401, with any other token (another partner's included) 403; tokens are compared in
constant time. The body may not pass ``max_upload_bytes`` (413, counted as it arrives).

The HTTP worker only keeps the files (``UploadStore``, by checksum) and starts the upload's run
in a process of its own (``settings.upload_command``: ``museion upload SOURCE --stored ID``),
which waits for the writer lock, harvests, judges and publishes or holds: the worker never holds
the writer lock. It answers 202 with the run's id and the URL of ``/sources/NAME/uploads/ID``,
which shows the run's partner report (quarantined rows with their reasons) once it is done.

This module is the handlers and the queue of runs. Reading the form (the token, the files as
they arrive) and the errors an upload is refused with are ``upload_forms``; the form itself
and the page that says why an upload was refused are ``upload_pages`` (``upload_form`` is
re-exported here).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Callable
from html import escape
from pathlib import Path

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from museion_core import messages
from museion_core.errors import MuseionError, QueryError

from . import i18n, site
from .checklists.auth import check_origin
from .pages import templates
from .report_page import stored_report, with_site_header
from .security import closing, paced
from .settings import EndpointSettings
from .upload_forms import (
    NoFilesError,
    NotKeptError,
    NoUploadsError,
    UnreadKindError,
    _authorise,
    _bearer,
    _read_form,
)
from .upload_pages import refused_page, upload_form
from .upload_store import FINISHED, NAME_BYTES, UploadStore, new_upload_id, safe_name
from .web import text_error, ui_lang

__all__ = [
    "NAME_BYTES",
    "UploadStore",
    "UploadViews",
    "new_upload_id",
    "own_reason",
    "safe_name",
    "upload_form",
]


_NO_UPLOAD = "There is no upload {upload} of {source}: the link may be mistyped or old."


_log = logging.getLogger(__name__)

RUN_LIMIT = 4 * 3600.0
"""Seconds an upload's run may take, waiting for the data directory's writer lock included
(at most 30 minutes of it), before it is stopped and failed: the next uploads wait for it."""


class UploadViews:
    def __init__(self, settings: EndpointSettings) -> None:
        self.settings = settings
        assert settings.uploads_dir is not None
        self.store = UploadStore(settings.uploads_dir)
        self._queue: deque[tuple[str, str]] = deque()
        """Uploads received and not yet run, in the order they came."""
        self._running = False
        self._lock = threading.Lock()
        for name, upload_id in self.store.queued():  # left queued by a worker that stopped
            self._start(name, upload_id)

    def routes(self) -> list[Route]:
        return [
            Route("/sources/{name}/upload", self.upload, methods=["POST"]),
            Route("/sources/{name}/uploads/{upload_id}", self.show, methods=["GET"]),
        ]

    def names(self, name: str) -> Callable[[str], dict[str, str]]:
        """For source ``name``'s reports: a run's id → the names its files, and those of the
        uploads before it, were sent with (``UploadStore.names_until``): the quarantine a remap
        leaves names the file of the upload that quarantined it."""
        return lambda run: self.store.names_until(name, run)

    def accepts(self, name: str) -> tuple[str, ...] | None:
        """The file suffixes source ``name`` takes in uploads, or None if it takes none."""
        source = self.settings.upload_sources.get(name)
        return tuple(source.suffixes) if source else None

    async def upload(self, request: Request) -> Response:
        name = request.path_params["name"]
        source = self.settings.upload_sources.get(name)
        bearer = _bearer(request)
        # The form, sent by a browser, is answered with pages; a script (a bearer token, or no
        # HTML in its Accept, as curl and `requests` send) with a status and one line of text.
        browser = bearer is None and "text/html" in request.headers.get("accept", "")
        if source is None:
            return self._refused(
                NoUploadsError(f"source {name!r} takes no uploads (it has no partner token)"),
                request,
                browser=browser,
            )
        try:
            check_origin(request, f"upload to {name!r}")
            if bearer is not None:
                _authorise(bearer, source.token, name)
            body = paced(request, self.settings.max_upload_bytes, self.settings.header_timeout)
            # With the token in the form, it is checked as soon as it has come, before any
            # file is read: the files of a sender without the token are not written anywhere.
            form = await _read_form(
                body,
                lambda: self.store.incoming(name),
                None if bearer is not None else lambda t: _authorise(t, source.token, name),
            )
            try:
                if bearer is None:
                    sent = form.get("token")
                    _authorise(sent if isinstance(sent, str) else None, source.token, name)
                files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
                files = [f for f in files if f.filename]
                if not files:
                    raise NoFilesError("send the files as multipart/form-data fields 'files'")
                for file in files:
                    suffix = Path(safe_name(file.filename or "")).suffix.lower()
                    if suffix not in source.suffixes:
                        raise UnreadKindError(
                            f"{file.filename}: source {name!r} reads "
                            f"{', '.join(source.suffixes)} files",
                            file=file.filename or "",
                            suffixes=tuple(source.suffixes),
                        )
                try:
                    upload_id = await run_in_threadpool(
                        self.store.receive, name, [(f.filename or "", f.file) for f in files]
                    )
                except OSError as exc:  # a full disk: the partner may send again later
                    raise NotKeptError(
                        f"the server could not keep the files ({exc.strerror}); "
                        "send them again later"
                    ) from exc
            finally:
                await form.close()
        except ClientDisconnect:  # the sender hung up midway: nobody to answer, nothing kept
            return Response(status_code=400)
        except QueryError as exc:
            return self._refused(exc, request, browser=browser)
        self._start(name, upload_id)
        url = site.url(f"/sources/{name}/uploads/{upload_id}")
        if browser:
            return RedirectResponse(url, status_code=303)
        return JSONResponse(
            {"upload": upload_id, "run": upload_id, "status": "queued", "url": url},
            status_code=202,
            headers={"Location": url},
        )

    def _refused(self, exc: QueryError, request: Request, *, browser: bool) -> Response:
        """An upload refused: a page in the reader's language for the form (``refused_page``),
        a status and one line of English for a script."""
        headers = _refusal_headers(exc)
        if browser:
            name = request.path_params["name"]
            page = refused_page(exc, name, ui_lang(request), self.settings)
            return HTMLResponse(page, status_code=exc.http_status, headers=headers)
        return text_error(exc.http_status, exc.one_line(), headers)

    def _start(self, name: str, upload_id: str) -> None:
        """Queue the upload's run: one at a time per HTTP worker. Runs write the data
        directory one after the other anyway (its writer lock); 80 uploads at once started
        80 processes, 6.7 GB between them, all waiting on that lock."""
        if not self.store.claim(name, upload_id):
            return  # another HTTP worker runs it
        with self._lock:
            self._queue.append((name, upload_id))
            if self._running:
                return
            self._running = True
        self._next()

    def _next(self) -> None:
        with self._lock:
            if not self._queue:
                self._running = False
                return
            name, upload_id = self._queue.popleft()
        try:
            self._launch(name, upload_id)
        except OSError as exc:  # could not start: that upload failed, the next one runs
            self._failed(
                name, upload_id, messages.UPLOAD_RUN_NOT_STARTED(), f"could not start: {exc}"
            )
            self._next()

    def _launch(self, name: str, upload_id: str) -> None:
        folder = self.store.folder(name, upload_id)
        with open(folder / "log.txt", "ab") as log:
            process = subprocess.Popen(
                [*self.settings.upload_command, name, "--stored", upload_id],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, "NO_COLOR": "1"},
            )
        # Reap it when it ends, so that no zombie outlives the run in this worker.
        threading.Thread(target=self._reap, args=(process, name, upload_id), daemon=True).start()

    def _reap(self, process: subprocess.Popen[bytes], name: str, upload_id: str) -> None:
        """Wait for an upload's process; if it ended without saying how the run ended (it
        could not start, or was killed), the upload failed: its partner is told so rather
        than watching "queued" for ever."""
        try:
            code = process.wait(timeout=RUN_LIMIT)
        except subprocess.TimeoutExpired:  # hung: it would hold every later upload for ever
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
            code = process.wait()
            self._failed(
                name,
                upload_id,
                messages.UPLOAD_RUN_TOO_LONG(hours=f"{RUN_LIMIT / 3600:g}"),
                f"took more than {RUN_LIMIT:g} seconds and was killed (exit code {code})",
            )
        status = self.store.status(name, upload_id) or {}
        if status.get("status") not in FINISHED:
            self._failed(
                name,
                upload_id,
                messages.UPLOAD_RUN_STOPPED(),
                f"stopped before it ended (exit code {code})",
            )
        self._next()

    def _failed(self, name: str, upload_id: str, reason: str, detail: str) -> None:
        """Fail an upload whose run the server could not start or finish: its status says
        ``reason`` (a message, which its page shows in the partner's language); what the
        operator needs (the exception, the exit code) goes to the upload's ``log.txt``."""
        said = f"museion: the upload's run {detail}"
        try:
            with open(self.store.folder(name, upload_id) / "log.txt", "a", encoding="utf-8") as log:
                log.write(said + "\n")
        except OSError:  # the status below fails too, or says it: the detail is not lost
            _log.warning("upload %s of %s: %s", upload_id, name, said)
        self.store.set_status(name, upload_id, status="failed", reason=reason)

    async def show(self, request: Request) -> Response:
        name, upload_id = request.path_params["name"], request.path_params["upload_id"]
        try:
            folder = self.store.folder(name, upload_id)
            status = self.store.status(name, upload_id)
        except MuseionError:
            status = None
        if status is None:
            missing = f"there is no upload {upload_id} of source {name!r}"
            if "text/html" not in request.headers.get("accept", ""):
                return text_error(404, missing)
            page = i18n.render(
                templates().get_template("error.html"),
                ui_lang(request),
                request.url.path,
                status=404,
                heading=i18n.translate("Not found", ui_lang(request)),
                title=self.settings.title,
                message=Markup(escape(i18n.translate(_NO_UPLOAD, ui_lang(request)))).format(
                    upload=Markup('<bdi dir="ltr">{}</bdi>').format(upload_id),
                    source=Markup('<bdi dir="ltr">{}</bdi>').format(name),
                ),
            )
            return HTMLResponse(page, status_code=404)
        done = status.get("status") in FINISHED
        report = folder / "report.json"
        if "application/json" in request.headers.get("accept", "") or (
            request.query_params.get("format") == "json"
        ):
            body = {**status, "upload": self.store.manifest(name, upload_id)}
            if done and report.is_file():
                body["report"] = json.loads(report.read_text(encoding="utf-8"))
            return JSONResponse(body)
        lang = ui_lang(request)
        names = self.names(name)
        stored = stored_report(report, lang, names) if done else None
        if stored is not None:  # the run's report, in the partner's language
            title = self.settings.title
            return HTMLResponse(with_site_header(stored, lang, request.url.path, title))
        page = i18n.render(
            templates().get_template("upload.html"),
            lang,
            request.url.path,
            nav="",
            name=name,
            state=str(status.get("status")),
            reason=own_reason(str(status.get("reason") or ""), name),
            done=done,
        )
        return HTMLResponse(page)


def own_reason(reason: str, name: str) -> str:
    """Why an upload failed, as its page says it: without the name of its source before it
    (the run's error says "source 'hunt': ...", ``MuseionError.one_line``), which the page
    names in its heading. Left on, it kept the page from recognising the message, and a dead
    map worker's error was shown in English on a French or Arabic page."""
    return reason.removeprefix(f"source {name!r}: ")


def _refusal_headers(exc: QueryError) -> dict[str, str] | None:
    if exc.http_status == 401:
        return {"WWW-Authenticate": "Bearer"}
    return closing(exc)
