"""Reading an upload's form: whose token opens it, its files as they arrive, its refusals.

The handlers (``sparql.uploads``) answer ``POST /sources/NAME/upload``; what the request holds
is read here. The token is checked first (a bearer header, or the form's ``token`` field before
any file: ``_TokenFirst``), in constant time; each file is written into the upload store as it
arrives (``_ToStore``), never spooled in memory or the system's temporary folder; and each way
an upload is refused is an error of its own, with its HTTP status, that the handler answers
and ``upload_pages.refused_page`` explains to the partner.
"""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import AsyncGenerator, Callable
from typing import BinaryIO, cast

from python_multipart.multipart import parse_options_header
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from museion_core.errors import QueryError

from .checklists.auth import ForbiddenError
from .upload_store import Incoming


class UnauthorizedError(QueryError):
    http_status = 401


class TokenRefusedError(ForbiddenError):
    """A token that is not this source's (``ForbiddenError`` also says a form from another
    site, which the page tells apart)."""


class NoFilesError(QueryError):
    http_status = 400


class NotKeptError(QueryError):
    """The files came whole but could not be written (507 Insufficient Storage)."""

    http_status = 507


class NoUploadsError(QueryError):
    """A source that takes no uploads (it has no partner token): 404, as for no source."""

    http_status = 404


class UnreadKindError(QueryError):
    """A file whose name ends in a suffix the source does not read (415)."""

    http_status = 415

    def __init__(self, message: str, *, file: str, suffixes: tuple[str, ...]) -> None:
        super().__init__(message)
        self.file = file
        self.suffixes = suffixes


class _ToStore(MultiPartParser):
    """An upload's form whose files are written into the upload store as they arrive
    (``Incoming``): Starlette's parser kept each file's first MiB in memory and the rest in a
    file of the system's temporary folder (a tmpfs on many systems: memory again), which was
    then copied into the store."""

    def __init__(
        self, request: Request, stream: AsyncGenerator[bytes], incoming: Callable[[], Incoming]
    ) -> None:
        super().__init__(request.headers, stream, max_files=1000, max_fields=10)
        self.incoming = incoming
        self.received: list[Incoming] = []

    def admit(self) -> None:
        """Whether a file may begin here (raises if not), before anything of it is written."""

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        upload = self._current_part.file
        if upload is None:
            return
        self.admit()
        upload.file.close()  # Starlette's spool, still empty: the file goes to the store
        target = self.incoming()
        self.received.append(target)
        upload.file = cast(BinaryIO, target)

    async def parse(self) -> FormData:
        try:
            return await super().parse()
        except BaseException:
            for target in self.received:  # a form refused or cut midway: no file left behind
                target.close()
            raise


class _TokenFirst(_ToStore):
    """A form whose token field must come before its files, and is checked (``check``) as
    soon as it has come: a form that sends a file first, or a wrong token, is refused before
    any file is read. Without it, anyone (no token is needed to send a form) could have each
    request write ``max_upload_bytes`` to the server's disk before the token, read last, was
    found wrong."""

    def __init__(
        self,
        request: Request,
        stream: AsyncGenerator[bytes],
        incoming: Callable[[], Incoming],
        check: Callable[[str], None],
    ) -> None:
        super().__init__(request, stream, incoming)
        self.check = check
        self.checked = False

    def admit(self) -> None:
        if not self.checked:
            raise UnauthorizedError(
                "uploading needs the partner's token (Authorization: Bearer TOKEN, or the "
                "form's token field, sent before the files)"
            )

    def on_part_end(self) -> None:
        super().on_part_end()
        name, value = self.items[-1]
        if name == "token" and isinstance(value, str) and not self.checked:
            self.check(value)
            self.checked = True


async def _read_form(
    request: Request, incoming: Callable[[], Incoming], check: Callable[[str], None] | None
) -> FormData:
    """The upload's form, its files written into the upload store as they come (``incoming``
    makes each); ``check``: the form must hold the token, before its files."""
    kind, _ = parse_options_header(request.headers.get("Content-Type", ""))
    if kind != b"multipart/form-data":  # no file comes in any other form
        return await request.form(max_files=1000, max_fields=10)
    try:
        async with contextlib.aclosing(request.stream()) as stream:
            parser = (
                _ToStore(request, stream, incoming)
                if check is None
                else _TokenFirst(request, stream, incoming, check)
            )
            return await parser.parse()
    except MultiPartException as exc:
        raise QueryError(exc.message) from exc


def _bearer(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" and credentials.strip() else None


def _authorise(sent: str | None, token: str, name: str) -> None:
    if not sent:
        raise UnauthorizedError(
            f"uploading to {name!r} needs the partner's token (Authorization: Bearer TOKEN, "
            "or the form's token field)"
        )
    if not hmac.compare_digest(sent.strip().encode(), token.encode()):
        raise TokenRefusedError(f"this token does not open uploads to {name!r}")
