"""Reading a checklist request: its body, a form or JSON, and the fields in it.

The views (``sparql.checklists.web``) answer routes; what a curator's browser or a script
sent is read here first, bounded (``MAX_BODY``, ``max_num_fields``) and checked field by
field, so that a malformed body ends as a ``BadRequestError`` with its reason, not in a view:
a text that is not a string, a spacing typed "12,5", a position, a redirect target off the
server, and whether the client sent or wants JSON.
"""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request

from museion_core.errors import QueryError

from .. import site
from ..negotiation import HTML, JSON, JSON_LD, Format, NotAcceptable, negotiate_page
from .store import BadRequestError

MAX_BODY = 1024 * 1024


async def _body(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise QueryError("the request body is larger than 1 MiB", http_status=413)
    if _is_json(request):
        try:
            data = json.loads(body or b"{}")
        except ValueError as exc:
            raise BadRequestError("the body is not JSON: {detail}", detail=exc) from None
        except RecursionError:
            raise BadRequestError("the body is JSON nested too deeply") from None
        if not isinstance(data, dict):
            raise BadRequestError("the body must be a JSON object")
        return data
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequestError("the form is not readable: {detail}", detail=exc) from None
    return {key: values[-1] for key, values in fields.items()}


def _text(data: dict[str, Any], key: str) -> str:
    """A text field of a form or JSON body ("" if absent); a JSON number, list or null is
    refused rather than stored as its Python spelling."""
    value = data.get(key, "")
    if not isinstance(value, str):
        raise BadRequestError("{key} must be a string", key=key)
    return value


def _is_json(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip() == "application/json"


def _wanted(request: Request, *, linked_art: bool = False) -> Format:
    """The representation a GET asks for (``sparql.negotiation.negotiate_page``): the page,
    the JSON, or (``linked_art``, a checklist) its Linked Art set as ``.jsonld`` gives it."""
    offered = (JSON, JSON_LD) if linked_art else (JSON,)
    accept, format_param = request.headers.get("accept"), request.query_params.get("format")
    return negotiate_page(accept, offered, format_param)


def _wants_json(request: Request) -> bool:
    """Whether an answer (an error too) is for a script rather than a page."""
    try:
        return _wanted(request, linked_art=True) is not HTML
    except NotAcceptable:
        return False


def _spacing(value: object) -> float:
    """The space between works, in centimetres: "12", "12.5" or, as a French curator types
    it, "12,5"."""
    try:
        spacing = float(str(value).strip().replace(",", "."))
    except ValueError:
        spacing = math.nan
    if not math.isfinite(spacing):
        raise BadRequestError("the spacing between works must be a number of centimetres")
    return spacing


def _int(value: object, name: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise BadRequestError("{name} must be a whole number", name=name) from None


def _local(target: str) -> str:
    """Only a path of this site, under its path on this host (no open redirect to another
    site, nor to another site of the same host); anything else is the checklists' index."""
    return target if site.within(target) else site.url("/checklists/")
