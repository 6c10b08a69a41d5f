"""The W3C Entity Reconciliation API over HTTP: version 0.2 (what OpenRefine 3.x speaks) at the
service URL, and the 1.0 draft under ``{service}/v1``.

The two versions cannot share one manifest (0.2's ``suggest`` holds service URLs where the
draft's holds booleans, and each declares the version it is valid for), so each has its own
base; both answer from the one ``ReconciliationService``.

| request | 0.2 (``/reconcile``) | 1.0 draft (``/reconcile/v1``) |
|---|---|---|
| manifest | ``GET`` | ``GET`` |
| reconcile | ``GET``/``POST queries={"q0": {...}}`` | ``POST /match`` ``{"queries": [...]}`` |
| suggest | ``GET /suggest/{entity,type,property}?prefix=&cursor=&limit=`` | the same |
| preview | ``GET /preview?id=`` | the same |
| data extension | ``GET``/``POST extend={"ids", "properties"}`` | ``POST /extend`` (JSON) |
| property proposal | ``GET /propose_properties?type=`` | ``GET /extend/propose?type=`` |

``handle`` maps one request (method, path below the service URL, query string, body, content
type) to (status, headers, body), so the endpoint runs it in a query process like any read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs

from museion_core.errors import QueryError
from museion_core.vocab import CRM_NS

from .reconciliation import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_QUERIES,
    QUANTIFIERS,
    SUGGEST_LIMIT,
    TYPES,
    Condition,
    Query,
    ReconciliationService,
    Value,
    type_id,
)

__all__ = ["V1_PATH", "Response", "handle"]

V1_PATH = "/v1"
Response = tuple[int, dict[str, str], bytes]
MAX_JSON_DEPTH = 32
_NAME = "Museion: persons, groups, places and types across partners"
_DOCS = "https://w3id.org/museion/reconciliation"


# -- manifests ----------------------------------------------------------------------------
def manifest_v02(service: ReconciliationService) -> dict[str, Any]:
    url = service.service_url
    return {
        "versions": ["0.2"],
        "name": _NAME,
        "identifierSpace": service.base_iri,
        "schemaSpace": CRM_NS,
        "documentation": _DOCS,
        "view": {"url": "{{id}}"},
        "defaultTypes": [{"id": t, "name": n} for t, n in TYPES.items()],
        "preview": {"url": f"{url}/preview?id={{{{id}}}}", "width": 400, "height": 120},
        "suggest": {
            "entity": {"service_url": url, "service_path": "/suggest/entity"},
            "type": {"service_url": url, "service_path": "/suggest/type"},
            "property": {"service_url": url, "service_path": "/suggest/property"},
        },
        "extend": {
            "propose_properties": {"service_url": url, "service_path": "/propose_properties"},
            "property_settings": [],
        },
    }


def manifest_v1(service: ReconciliationService) -> dict[str, Any]:
    return {
        "versions": ["1.0-draft"],
        "name": _NAME,
        "lang": "en",
        "documentation": _DOCS,
        "view": {"url": "{+id}"},
        "defaultTypes": [{"id": t, "name": n} for t, n in TYPES.items()],
        "preview": {"width": 400, "height": 120},
        "suggest": {"entity": True, "type": True, "property": True},
        "extend": {"proposeProperties": True, "propertySettings": []},
        "identifierSpace": service.base_iri,
        "schemaSpace": CRM_NS,
    }


# -- queries as each version sends them -----------------------------------------------------
def _limit(value: object, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 1:
        raise QueryError("limit must be a positive number", http_status=400)
    return min(int(value), MAX_LIMIT)


def _types(value: object) -> frozenset[str]:
    if not value:
        return frozenset()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise QueryError("type must be a string or a list of strings", http_status=400)
    return frozenset(type_id(v) for v in values)


def _texts(value: object) -> tuple[str, ...]:
    """Property values as text (a reconciled value ``{"id": ...}`` by its id)."""
    values = value if isinstance(value, list) else [value]
    return tuple(
        str(v.get("id") if isinstance(v, Mapping) else v).strip() for v in values if v is not None
    )


def query_v02(query: object) -> Query:
    """``{"query", "type", "limit", "properties": [{"pid", "v"}]}``."""
    if not isinstance(query, Mapping):
        raise QueryError("each query must be a JSON object", http_status=400)
    properties = query.get("properties") or []
    if not isinstance(properties, list):
        raise QueryError("properties must be a list", http_status=400)
    text = query.get("query")
    if not isinstance(text, str) or not text.strip():
        names = [p.get("v") for p in properties if isinstance(p, Mapping) and not p.get("pid")]
        text = next((n for n in names if isinstance(n, str)), "")
    conditions = tuple(
        Condition(str(p["pid"]), _texts(p.get("v")))
        for p in properties
        if isinstance(p, Mapping) and p.get("pid")
    )
    return Query(
        names=(text,),
        types=_types(query.get("type")),
        limit=_limit(query.get("limit"), DEFAULT_LIMIT),
        conditions=conditions,
    )


def query_v1(query: object) -> Query:
    """``{"type", "limit", "conditions": [{"matchType", "propertyId", "propertyValue",
    "required", "matchQuantifier"}]}``."""
    if not isinstance(query, Mapping):
        raise QueryError("each query must be a JSON object", http_status=400)
    conditions = query.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        raise QueryError("each query needs a non-empty list of conditions", http_status=400)
    names: list[str] = []
    ids: set[str] = set()
    properties: list[Condition] = []
    for condition in conditions:
        if not isinstance(condition, Mapping) or "propertyValue" not in condition:
            raise QueryError("each condition needs matchType and propertyValue", http_status=400)
        kind = condition.get("matchType")
        values = _texts(condition["propertyValue"])
        quantifier = condition.get("matchQuantifier", "any")
        if quantifier not in QUANTIFIERS:
            raise QueryError(f"matchQuantifier must be one of {QUANTIFIERS}", http_status=400)
        if kind == "name":
            names.extend(values)
        elif kind == "id":
            ids.update(values)
        elif kind == "property" and isinstance(condition.get("propertyId"), str):
            required = condition.get("required") is True
            properties.append(Condition(condition["propertyId"], values, required, quantifier))
        else:
            raise QueryError(
                "matchType must be name, id or property (with a propertyId)", http_status=400
            )
    return Query(
        names=tuple(names),
        types=_types(query.get("type")),
        limit=_limit(query.get("limit"), DEFAULT_LIMIT),
        conditions=tuple(properties),
        ids=frozenset(ids),
    )


def _batch(
    service: ReconciliationService, queries: list[Any], parse: Callable[[object], Query]
) -> list[list[dict[str, Any]]]:
    if len(queries) > MAX_QUERIES:
        raise QueryError(f"at most {MAX_QUERIES} queries per batch", http_status=400)
    parsed = [_bounded(parse(q)) for q in queries]  # all refused before any is answered
    return [service.candidates(q) for q in parsed]


MAX_QUERY_CHARS = 2000
"""The most characters of names and property values one query may give. Matching costs time
in their length: a batch of 50 queries of 3,000 words each held a query thread for 24 s of
CPU against a few hundred entities; a name or a date is a few dozen characters."""
MAX_QUERY_VALUES = 100


def _bounded(query: Query) -> Query:
    texts = [*query.names, *(v for c in query.conditions for v in c.values), *query.ids]
    if len(texts) > MAX_QUERY_VALUES:
        raise QueryError(
            f"a query may give at most {MAX_QUERY_VALUES} names and values", http_status=400
        )
    if sum(map(len, texts)) > MAX_QUERY_CHARS:
        raise QueryError(
            f"a query's names and values may hold at most {MAX_QUERY_CHARS} characters",
            http_status=400,
        )
    return query


def _extend_request(body: object) -> tuple[list[str], list[str]]:
    if not isinstance(body, Mapping):
        raise QueryError(
            'the extension request must be {"ids": [...], "properties": [...]}', http_status=400
        )
    ids, properties = body.get("ids"), body.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise QueryError("ids must be a list of entity ids", http_status=400)
    if not isinstance(properties, list) or not all(
        isinstance(p, Mapping) and isinstance(p.get("id"), str) for p in properties
    ):
        raise QueryError('properties must be a list of {"id": ...}', http_status=400)
    return ids, [p["id"] for p in properties]


def _meta(service: ReconciliationService, pids: list[str]) -> list[dict[str, str]]:
    names = {p["id"]: p["name"] for p in service.propose(None)}
    return [{"id": pid, "name": names[pid]} for pid in pids]


def extend_v02(service: ReconciliationService, body: object) -> dict[str, Any]:
    ids, pids = _extend_request(body)
    rows = service.extend(ids, pids)
    return {"meta": _meta(service, pids), "rows": rows}


def extend_v1(service: ReconciliationService, body: object) -> dict[str, Any]:
    ids, pids = _extend_request(body)
    rows = service.extend(ids, pids)
    return {
        "meta": _meta(service, pids),
        "rows": [
            {
                "id": ident,
                "properties": [{"id": pid, "values": values} for pid, values in props.items()],
            }
            for ident, props in rows.items()
        ],
    }


# -- HTTP ----------------------------------------------------------------------------------
def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return status, {"Content-Type": "application/json; charset=utf-8"}, body


def _depth(value: object, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``value`` nests no deeper than ``limit`` (without recursing past it)."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return False
        if isinstance(item, Mapping):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return True


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400
        raise ValueError(f"{text} is no finite number")
    return value


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loads(text: str | bytes, what: str) -> Any:
    """JSON as RFC 8259 has it: Python's reader also takes NaN and Infinity, and reads 1e400
    as infinity; each reached ``int()`` as a limit and answered 500."""
    try:
        value = json.loads(text or b"null", parse_float=_finite, parse_constant=_not_json)
    except RecursionError as exc:
        raise QueryError(f"{what} is nested too deeply", http_status=400) from exc
    except ValueError as exc:
        raise QueryError(f"{what} is not JSON", http_status=400) from exc
    if not _depth(value):
        raise QueryError(
            f"{what} is nested too deeply (more than {MAX_JSON_DEPTH} levels)", http_status=400
        )
    return value


def _int(params: Mapping[str, str], key: str, default: int) -> int:
    value = params.get(key, "")
    if not value:
        return default
    if not value.isdecimal():  # (isdigit takes "²", which int does not: it answered 500)
        raise QueryError(f"{key} must be a non-negative integer", http_status=400)
    return int(value)


def handle(  # noqa: PLR0917
    service: ReconciliationService,
    method: str,
    path: str,
    query_string: str,
    body: bytes = b"",
    content_type: str = "",
) -> Response:
    """One HTTP request to the service (``path`` below the service URL: ``""``,
    ``/suggest/entity``, ``/v1/match``...) → (status, headers, body)."""
    params = {k: v[-1] for k, v in parse_qs(query_string, keep_blank_values=True).items()}
    media = content_type.split(";", maxsplit=1)[0].strip().casefold()
    if method not in ("GET", "HEAD", "POST"):
        return _json({"error": f"method {method} not allowed"}, 405)
    path = "/" + path.strip("/") if path.strip("/") else ""
    version_1 = path == V1_PATH or path.startswith(V1_PATH + "/")
    if version_1:
        path = path[len(V1_PATH) :]
    try:
        json_body: Any = None
        if method == "POST":
            if media == "application/x-www-form-urlencoded":
                form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                params.update({k: v[-1] for k, v in form.items()})
            elif media == "application/json":
                json_body = _loads(body, "the body")
            else:
                return _json({"error": f"unsupported content type {media!r}"}, 415)
        answer = (_v1 if version_1 else _v02)(service, path, params, json_body)
    except QueryError as exc:
        return _json({"error": str(exc)}, exc.http_status or 400)
    if answer is None:
        return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found\n"
    if isinstance(answer, str):
        return 200, {"Content-Type": "text/html; charset=utf-8"}, answer.encode("utf-8")
    return _json(answer)


def _common(
    service: ReconciliationService, path: str, params: Mapping[str, str]
) -> dict[str, Any] | str | None:
    """Suggest and preview, which both versions spell alike."""
    if path in ("/suggest/entity", "/suggest/type", "/suggest/property"):
        found = service.suggest(
            path.rsplit("/", 1)[1],
            params.get("prefix", ""),
            cursor=_int(params, "cursor", 0),
            limit=min(_int(params, "limit", SUGGEST_LIMIT), MAX_LIMIT),
            types=[params["type"]] if params.get("type") else (),
        )
        return {"result": found}
    if path == "/preview":
        page = service.preview(params.get("id", ""))
        if page is None:
            raise QueryError("unknown id", http_status=404)
        return page
    return None


def _v02(
    service: ReconciliationService, path: str, params: Mapping[str, str], json_body: Any
) -> dict[str, Any] | str | None:
    if path == "":
        if json_body is not None:  # a JSON batch posted to the 0.2 URL, as older clients do
            if isinstance(json_body, Mapping) and isinstance(json_body.get("queries"), list):
                return {"results": _results(_batch(service, json_body["queries"], query_v02))}
            return _keyed(service, json_body)
        if "queries" in params:
            return _keyed(service, _loads(params["queries"], "queries"))
        if "extend" in params:
            return extend_v02(service, _loads(params["extend"], "extend"))
        return manifest_v02(service)
    if path == "/propose_properties":
        return _proposal(service, params)
    return _common(service, path, params)


def _v1(
    service: ReconciliationService, path: str, params: Mapping[str, str], json_body: Any
) -> dict[str, Any] | str | None:
    if path == "":
        return manifest_v1(service)
    if path in ("/match", "/extend"):
        body = json_body
        if body is None:
            key = "queries" if path == "/match" else "extend"
            if key not in params:
                raise QueryError(f"POST a JSON body to {V1_PATH}{path}", http_status=400)
            body = _loads(params[key], key)
        if path == "/extend":
            return extend_v1(service, body)
        if not isinstance(body, Mapping) or not isinstance(body.get("queries"), list):
            raise QueryError('the body must be {"queries": [...]}', http_status=400)
        return {"results": _results(_batch(service, body["queries"], query_v1))}
    if path == "/extend/propose":
        return _proposal(service, params)
    return _common(service, path, params)


def _keyed(service: ReconciliationService, queries: object) -> dict[str, Any]:
    """A v0.2 batch (``{"q0": {"query": ...}}``) → ``{"q0": {"result": [...]}}``."""
    if not isinstance(queries, Mapping):
        raise QueryError("queries must be a JSON object of queries", http_status=400)
    keys = list(queries)
    found = _batch(service, [queries[k] for k in keys], query_v02)
    return {key: {"result": result} for key, result in zip(keys, found, strict=True)}


def _results(found: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [{"candidates": candidates} for candidates in found]


def _proposal(service: ReconciliationService, params: Mapping[str, str]) -> dict[str, Any]:
    type_ = params.get("type") or None
    limit = _int(params, "limit", 0)
    properties: list[Value] = list(service.propose(type_))
    answer: dict[str, Any] = {"properties": properties[:limit] if limit else properties}
    if type_:
        answer["type"] = type_
    if limit:
        answer["limit"] = limit
    return answer
