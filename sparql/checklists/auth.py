"""Who may write checklists, and from where.

*Public* means the server listens on an address other than loopback (``museion serve --host
0.0.0.0``), or a curator token is configured at all. Then every write needs the curator token
(``[workspace] token`` or ``MUSEION_CURATOR_TOKEN``, distinct from the admin token): a script
sends it as ``Authorization: Bearer TOKEN``; a browser signs in once with a small form, which
sets an HttpOnly, ``SameSite=Strict`` cookie holding an HMAC of the token (never the token).
A public server without a curator token refuses every write. Reading a checklist by its URL
needs nothing.

Forms must not be postable from another site: besides the SameSite cookie, every write whose
``Origin`` (or, without one, ``Sec-Fetch-Site``) says it came from another origin is refused
— which also protects a loopback server, where no token is asked for, from a page on the web
posting to ``http://localhost``. Tokens and cookies are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request

from museion_core.errors import QueryError

from ..settings import EndpointSettings

__all__ = ["COOKIE", "ForbiddenError", "check_origin", "cookie_value", "may_write", "signed_in"]

COOKIE = "museion_curator"


class ForbiddenError(QueryError):
    http_status = 403


def cookie_value(token: str) -> str:
    return hmac.new(token.encode(), b"museion curator session v1", hashlib.sha256).hexdigest()


def token_required(settings: EndpointSettings) -> bool:
    return bool(settings.curator_token) or settings.public


def signed_in(request: Request, settings: EndpointSettings) -> bool:
    """Whether this request may write checklists."""
    token = settings.curator_token
    if not token:
        return not settings.public
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(
        credentials.strip().encode(), token.encode()
    ):
        return True
    cookie = request.cookies.get(COOKIE, "")
    return hmac.compare_digest(cookie.encode(), cookie_value(token).encode())


def token_matches(sent: str, settings: EndpointSettings) -> bool:
    token = settings.curator_token
    return bool(token) and hmac.compare_digest(sent.strip().encode(), (token or "").encode())


def may_write(request: Request, settings: EndpointSettings) -> None:
    check_origin(request)
    if signed_in(request, settings):
        return
    if not settings.curator_token:
        raise ForbiddenError(
            "this server is public and has no curator token, so checklists are read-only; "
            "set [workspace] token or MUSEION_CURATOR_TOKEN"
        )
    raise ForbiddenError(
        "writing checklists needs the curator token: sign in at /checklists/sign-in, "
        "or send Authorization: Bearer TOKEN"
    )


def check_origin(request: Request, what: str = "change checklists") -> None:
    """Refuse a request a page of another site sent (CSRF); ``what`` it may not do, for the
    one line that says so."""
    own = f"{request.url.scheme}://{request.url.netloc}"
    origin = request.headers.get("origin")
    if origin is not None and origin != "null":
        if origin.rstrip("/") != own:
            raise ForbiddenError(f"a form from {origin} may not {what} on {own}")
        return
    if origin == "null" or request.headers.get("sec-fetch-site") == "cross-site":
        raise ForbiddenError(f"a form from another site may not {what} here")
