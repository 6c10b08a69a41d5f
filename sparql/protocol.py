"""SPARQL 1.1 Protocol requests: which operation an HTTP request asks for, or why it is wrong.

Every malformed request gets the status the protocol's test suite expects: 400 for a missing,
repeated or contradictory parameter or a body that is not UTF-8, 405 for a method other than
GET and POST, 415 for a body whose media type (or charset) the protocol does not define.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs

from pyoxigraph import NamedNode
from starlette.requests import Request

from museion_core.errors import QueryError

from .security import BodyTooLarge, read_body

__all__ = [
    "ProtocolError",
    "QueryRequest",
    "ServiceDescriptionRequest",
    "UpdateRequest",
    "read_operation",
]

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
FORM_OVERHEAD = 3
"""A form-encoded body may be this many times the query's size (percent-encoding)."""


class ProtocolError(QueryError):
    """A request the SPARQL Protocol does not allow; ``http_status`` says how it is wrong."""


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    """``format`` parameters (query string or form): a hint at the answer's format."""

    @property
    def names_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True)
class UpdateRequest:
    update: str
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceDescriptionRequest:
    pass


Operation = QueryRequest | UpdateRequest | ServiceDescriptionRequest


@dataclass
class _Params:
    values: dict[str, list[str]] = field(default_factory=dict)

    def add(self, more: dict[str, list[str]]) -> None:
        for key, items in more.items():
            self.values.setdefault(key, []).extend(items)

    def one(self, name: str) -> str | None:
        items = self.values.get(name, [])
        if len(items) > 1:
            raise ProtocolError(
                f"the request has {len(items)} '{name}' parameters; send exactly one",
                http_status=400,
            )
        return items[0] if items else None

    def many(self, name: str) -> tuple[str, ...]:
        return tuple(self.values.get(name, []))


def parse_params(text: str) -> dict[str, list[str]]:
    """A query string's or form's parameters; 400 when they are not UTF-8 once decoded."""
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(
            "the parameters are not UTF-8 once percent-decoded", http_status=400
        ) from None


def _media_type(request: Request) -> tuple[str, dict[str, str]]:
    header = request.headers.get("content-type", "")
    parts = [p.strip() for p in header.split(";")]
    params = {}
    for part in parts[1:]:
        key, _, value = part.partition("=")
        params[key.strip().lower()] = value.strip().strip('"')
    return parts[0].lower(), params


def _too_large(limit: int) -> ProtocolError:
    return ProtocolError(
        f"the query or update is larger than this endpoint's max_query_bytes ({limit} bytes)",
        http_status=413,
    )


async def _body(request: Request, limit: int, overhead: int = 1) -> bytes:
    """The body, read chunk by chunk and refused (413) as soon as it passes ``limit`` times
    ``overhead`` (a form's percent-encoding): a client cannot make the server buffer more
    than that, whatever ``Content-Length`` says. The message names the configured limit."""
    try:
        return await read_body(request, limit * overhead, "the query or update")
    except BodyTooLarge as exc:
        raise _too_large(limit) from exc


def _check_size(text: str, limit: int) -> str:
    # Characters first: a str of n characters has at least n UTF-8 bytes.
    if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
        raise _too_large(limit)
    return text


def _utf8(body: bytes, charset: str | None) -> str:
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ProtocolError(
            f"the body's charset is {charset}; SPARQL requests must be UTF-8", http_status=415
        )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("the request body is not valid UTF-8", http_status=400) from None


async def read_operation(request: Request, max_bytes: int) -> Operation:
    """The operation a request to the endpoint asks for (a query, an update, or the service
    description), or ``ProtocolError``; a query or update over ``max_bytes`` is 413."""
    operation = await _read_operation(request, max_bytes)
    if isinstance(operation, QueryRequest):
        _check_size(operation.query, max_bytes)
    elif isinstance(operation, UpdateRequest):
        _check_size(operation.update, max_bytes)
    return operation


async def _read_operation(request: Request, max_bytes: int) -> Operation:
    method = request.method
    params = _Params()
    params.add(parse_params(request.url.query))
    if method in ("GET", "HEAD"):
        if "update" in params.values:
            raise ProtocolError("SPARQL updates must be sent with POST, never GET", http_status=400)
        if "query" not in params.values:
            return ServiceDescriptionRequest()
        return _query(params, params.one("query") or "")
    if method != "POST":
        raise ProtocolError(
            f"the SPARQL endpoint answers GET and POST, not {method}", http_status=405
        )
    media, media_params = _media_type(request)
    body = await _body(request, max_bytes, FORM_OVERHEAD if media == FORM else 1)
    if media == FORM:
        params.add(parse_params(_utf8(body, media_params.get("charset"))))
        has_query, has_update = "query" in params.values, "update" in params.values
        if has_query and has_update:
            raise ProtocolError("send either 'query' or 'update', not both", http_status=400)
        if has_query:
            return _query(params, params.one("query") or "")
        if has_update:
            return _update(params, params.one("update") or "")
        raise ProtocolError(
            "the form has neither a 'query' nor an 'update' parameter", http_status=400
        )
    if media == SPARQL_QUERY:
        if "query" in params.values:
            raise ProtocolError(
                "a direct POST carries the query in its body, not also in 'query'",
                http_status=400,
            )
        return _query(params, _utf8(body, media_params.get("charset")))
    if media == SPARQL_UPDATE:
        if "update" in params.values:
            raise ProtocolError(
                "a direct POST carries the update in its body, not also in 'update'",
                http_status=400,
            )
        return _update(params, _utf8(body, media_params.get("charset")))
    what = f"'{media}'" if media else "no media type"
    raise ProtocolError(
        f"a POST to the endpoint must be {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE}, not {what}",
        http_status=415,
    )


def _query(params: _Params, text: str) -> QueryRequest:
    for name in ("using-graph-uri", "using-named-graph-uri"):
        if name in params.values:
            raise ProtocolError(
                f"'{name}' is for updates; a query takes 'default-graph-uri' and 'named-graph-uri'",
                http_status=400,
            )
    if not text.strip():
        raise ProtocolError("the query is empty", http_status=400)
    return QueryRequest(
        text,
        _iris(params, "default-graph-uri"),
        _iris(params, "named-graph-uri"),
        params.many("format") + params.many("output"),
    )


def _update(params: _Params, text: str) -> UpdateRequest:
    for name in ("default-graph-uri", "named-graph-uri"):
        if name in params.values:
            raise ProtocolError(
                f"'{name}' is for queries; an update takes "
                "'using-graph-uri' and 'using-named-graph-uri'",
                http_status=400,
            )
    return UpdateRequest(
        text, _iris(params, "using-graph-uri"), _iris(params, "using-named-graph-uri")
    )


def _iris(params: _Params, name: str) -> tuple[str, ...]:
    """The values of a graph parameter, each checked to be an absolute IRI: the query
    process would otherwise fail on it (a 500) instead of the client being told (a 400)."""
    values = params.many(name)
    for value in values:
        try:
            NamedNode(value)
        except ValueError:
            shown = value if len(value) <= 80 else value[:77] + "..."
            raise ProtocolError(
                f"'{name}' must be an absolute IRI; {shown!r} is not one", http_status=400
            ) from None
    return values
