"""The W3C Entity Reconciliation API (the OpenRefine reconciliation protocol, v0.2, and the
1.0 draft's JSON batches) over Museion's aggregated persons, groups, places and types.

Partners align their own spreadsheets before they contribute: OpenRefine sends a batch of
names ("Picasso, Pablo", "Kitaj R B") with a type and optional properties (birth year), and
gets back scored candidates whose ids are Museion's aggregate IRIs — the IRIs the partner's
records will then be reconciled to.

This module is framework-agnostic: ``ReconciliationService`` answers with JSON-able dicts
(``manifest``, ``reconcile``, ``suggest``, ``preview``), and ``handle`` maps one HTTP request
(method, query parameters, body, content type) to (status, headers, body), so any server can
mount it; ``sparql.reconciliation_wsgi`` is a minimal WSGI app around it.

Endpoints (relative to the service URL, e.g. ``{base}reconcile``):

| request | answer |
|---|---|
| ``GET`` (no parameters) | the service manifest |
| ``GET ?queries={...}``, ``POST queries={...}`` (form) | v0.2 result batch, keyed as asked |
| ``POST`` JSON ``{"queries": [...]}`` | 1.0-draft result batch ``{"results": [...]}`` |
| ``GET /suggest/entity?prefix=`` (``/suggest/type``, ``/suggest/property``) | suggest results |
| ``GET /preview?id=IRI`` | an HTML preview of a candidate |

Candidate ids are aggregate IRIs (``{base}person/k3v9x2m4p7``); the types are CIDOC-CRM
classes (``crm:E21_Person``, ``crm:E74_Group``, ``crm:E53_Place``, ``crm:E55_Type``), also
accepted as ``person``, ``group``, ``place``, ``type``. Properties: ``birth_year``,
``death_year``, ``authority`` (an authority IRI such as ULAN), ``partner`` (a partner name).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from anyascii import anyascii
from rapidfuzz import fuzz

from museion_errors import QueryError
from store import Store

__all__ = ["TYPES", "ReconciliationService", "handle"]

CRM = "http://www.cidoc-crm.org/cidoc-crm/"
LA_EQUIVALENT = "https://linked.art/ns/terms/equivalent"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
MUSEION = "https://w3id.org/museion/ns#"

TYPES: dict[str, str] = {
    CRM + "E21_Person": "Person",
    CRM + "E74_Group": "Group",
    CRM + "E53_Place": "Place",
    CRM + "E55_Type": "Type",
}
_ALIASES = {
    "person": CRM + "E21_Person",
    "group": CRM + "E74_Group",
    "place": CRM + "E53_Place",
    "type": CRM + "E55_Type",
    "concept": CRM + "E55_Type",
}
PROPERTIES = {
    "birth_year": "Year of birth (formation, for a group)",
    "death_year": "Year of death (dissolution, for a group)",
    "authority": "Authority IRI (ULAN, GND, Wikidata, VIAF, TGN, GeoNames)",
    "partner": "Partner holding a record of it",
}
DEFAULT_LIMIT = 5
MAX_QUERIES = 1000
MAX_CANDIDATES = 3000
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Case, accents, script and punctuation removed, as reconciliation compares names."""
    folded = anyascii(unicodedata.normalize("NFKC", text)).casefold().replace("'", "")
    return _NON_WORD.sub(" ", folded).strip()


def _type_id(value: str) -> str:
    value = value.strip()
    if value.startswith("crm:"):
        value = CRM + value[4:]
    elif value in (t.removeprefix(CRM) for t in TYPES):
        value = CRM + value
    return _ALIASES.get(value.casefold(), value)


@dataclass
class _Entry:
    id: str
    type: str
    name: str
    names: set[str] = field(default_factory=set)
    folded: set[str] = field(default_factory=set)
    birth: set[int] = field(default_factory=set)
    death: set[int] = field(default_factory=set)
    authorities: set[str] = field(default_factory=set)
    partners: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)

    def description(self) -> str:
        parts = []
        if self.birth or self.death:
            born = min(self.birth) if self.birth else "?"
            died = min(self.death) if self.death else ""
            parts.append(f"{born}–{died}")
        if self.partners:
            parts.append(", ".join(sorted(self.partners)))
        return "; ".join(parts)


class ReconciliationService:
    """Reconciliation against one store (a published snapshot, opened read-only)."""

    def __init__(self, store: Store, base_iri: str, *, service_url: str | None = None) -> None:
        self.store = store
        self.base_iri = base_iri
        self.service_url = service_url or f"{base_iri}reconcile"
        self._entries: dict[str, _Entry] | None = None
        self._tokens: dict[str, set[str]] = defaultdict(set)

    # -- the index -----------------------------------------------------------------------
    def _rows(self, query: str) -> list[dict[str, Any]]:
        return self.store.select(query)

    def entries(self) -> dict[str, _Entry]:
        """Aggregates and types with their names, built once per service (per snapshot)."""
        if self._entries is not None:
            return self._entries
        entries: dict[str, _Entry] = {}
        partners = {
            row["d"][len(self.base_iri) + len("dataset/") :]: row["title"]
            for row in self._rows(
                "SELECT ?d ?title WHERE { ?d a <http://rdfs.org/ns/void#Dataset> ; "
                "<http://purl.org/dc/terms/title> ?title }"
            )
            if row["d"].startswith(f"{self.base_iri}dataset/")
        }
        classes = " ".join(f"<{t}>" for t in list(TYPES)[:3])
        for row in self._rows(
            f"SELECT ?a ?class ?label WHERE {{ ?a a <{MUSEION}Aggregate> ; a ?class . "
            f"VALUES ?class {{ {classes} }} OPTIONAL {{ ?a <{RDFS_LABEL}> ?label }} }}"
        ):
            entry = entries.setdefault(row["a"], _Entry(row["a"], row["class"], row["label"] or ""))
            if row["label"]:
                entry.names.add(row["label"])
        for row in self._rows(
            f"SELECT ?a ?x ?name ?born ?died WHERE {{ ?a a <{MUSEION}Aggregate> ; "
            f"<{LA_EQUIVALENT}> ?x . OPTIONAL {{ ?x <{RDFS_LABEL}> ?name }} "
            f"OPTIONAL {{ ?x <{CRM}P98i_was_born>|<{CRM}P95i_was_formed_by> ?b . "
            f"?b <{CRM}P4_has_time-span>/<{CRM}P82a_begin_of_the_begin> ?born }} "
            f"OPTIONAL {{ ?x <{CRM}P100i_died_in>|<{CRM}P99i_was_dissolved_by> ?d . "
            f"?d <{CRM}P4_has_time-span>/<{CRM}P82a_begin_of_the_begin> ?died }} }}"
        ):
            member_of = entries.get(row["a"])
            if member_of is None:
                continue
            entry = member_of
            target = row["x"]
            if target.startswith(self.base_iri):
                entry.members.add(target)
                source = target[len(self.base_iri) :].split("/", 1)[0]
                if source in partners:
                    entry.partners.add(partners[source])
            else:
                entry.authorities.add(target)
            if row["name"]:
                entry.names.add(row["name"])
            for key, attr in (("born", entry.birth), ("died", entry.death)):
                year = _year(row[key])
                if year is not None:
                    attr.add(year)
        for row in self._rows(
            f"SELECT ?t ?label WHERE {{ ?t a <{CRM}E55_Type> ; <{RDFS_LABEL}> ?label }}"
        ):
            entry = entries.setdefault(row["t"], _Entry(row["t"], CRM + "E55_Type", row["label"]))
            entry.names.add(row["label"])
        for entry in entries.values():
            entry.folded = {fold(n) for n in entry.names if fold(n)}
            for name in entry.folded:
                for token in name.split():
                    self._tokens[token].add(entry.id)
                    if len(token) > 4:
                        self._tokens[token[:4] + "*"].add(entry.id)
        self._entries = entries
        return entries

    # -- the protocol --------------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        url = self.service_url
        return {
            "versions": ["0.2", "1.0-draft"],
            "name": "Museion: persons, groups, places and types across partners",
            "identifierSpace": self.base_iri,
            "schemaSpace": CRM,
            "documentation": "https://w3id.org/museion/reconciliation",
            "view": {"url": "{{id}}"},
            "defaultTypes": [{"id": t, "name": n} for t, n in TYPES.items()],
            "preview": {"url": f"{url}/preview?id={{{{id}}}}", "width": 400, "height": 120},
            "suggest": {
                "entity": {"service_url": url, "service_path": "/suggest/entity"},
                "type": {"service_url": url, "service_path": "/suggest/type"},
                "property": {"service_url": url, "service_path": "/suggest/property"},
            },
        }

    def reconcile(self, queries: Mapping[str, Any]) -> dict[str, Any]:
        """A v0.2 batch (``{"q0": {"query": ..., "type": ...}}``) → ``{"q0": {"result": []}}``."""
        if not isinstance(queries, Mapping):
            raise QueryError("queries must be a JSON object of queries", http_status=400)
        if len(queries) > MAX_QUERIES:
            raise QueryError(f"at most {MAX_QUERIES} queries per batch", http_status=400)
        return {key: {"result": self.candidates(query)} for key, query in queries.items()}

    def reconcile_batch(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """A 1.0-draft batch (``{"queries": [...]}``) → ``{"results": [{"candidates": []}]}``."""
        queries = body.get("queries")
        if not isinstance(queries, list):
            raise QueryError('the body must be {"queries": [...]}', http_status=400)
        if len(queries) > MAX_QUERIES:
            raise QueryError(f"at most {MAX_QUERIES} queries per batch", http_status=400)
        results = []
        for query in queries:
            found = self.candidates(query)
            for candidate in found:
                candidate["name"] = [{"str": candidate["name"]}]
            results.append({"candidates": found})
        return {"results": results}

    def candidates(self, query: Any) -> list[dict[str, Any]]:
        """Scored candidates for one query (``query``, ``type``, ``limit``, ``properties``)."""
        if not isinstance(query, Mapping):
            raise QueryError("each query must be a JSON object", http_status=400)
        text = query.get("query")
        properties = query.get("properties") or []
        if not isinstance(properties, list):
            raise QueryError("properties must be a list", http_status=400)
        if not isinstance(text, str) or not text.strip():
            names = [p.get("v") for p in properties if isinstance(p, Mapping) and not p.get("pid")]
            text = next((n for n in names if isinstance(n, str)), "")
        types = query.get("type")
        wanted = (
            {_type_id(t) for t in ([types] if isinstance(types, str) else types)}
            if types
            else set()
        )
        limit = query.get("limit", DEFAULT_LIMIT)
        if not isinstance(limit, int | float) or limit < 1:
            raise QueryError("limit must be a positive number", http_status=400)
        folded = fold(text)
        entries = self.entries()
        pool: dict[str, int] = defaultdict(int)
        for token in folded.split():
            for ident in self._tokens.get(token, ()):
                pool[ident] += 2
            for ident in self._tokens.get(token[:4] + "*", ()) if len(token) > 4 else ():
                pool[ident] += 1
        ranked = sorted(pool, key=lambda i: -pool[i])[:MAX_CANDIDATES]
        scored = []
        for ident in ranked:
            entry = entries[ident]
            if wanted and entry.type not in wanted:
                continue
            name_score = max(
                max(fuzz.token_sort_ratio(folded, n), 0.9 * fuzz.token_set_ratio(folded, n))
                for n in entry.folded
            )
            score, features = _with_properties(float(name_score), entry, properties)
            scored.append((round(score, 2), entry, features))
        scored.sort(key=lambda t: (-t[0], t[1].name, t[1].id))
        best = scored[: int(limit)]
        results = []
        for n, (score, entry, features) in enumerate(best):
            runner_up = scored[n + 1][0] if n + 1 < len(scored) else 0.0
            results.append(
                {
                    "id": entry.id,
                    "name": entry.name,
                    "description": entry.description(),
                    "score": score,
                    "match": n == 0 and score >= 95 and score - runner_up >= 10,
                    "type": [{"id": entry.type, "name": TYPES[entry.type]}],
                    "features": features,
                }
            )
        return results

    def suggest(self, kind: str, prefix: str, cursor: int = 0) -> dict[str, Any]:
        """The suggest services: entities, types or properties whose name starts with
        ``prefix`` (any word of it)."""
        folded = fold(prefix)
        if kind == "type":
            items = [{"id": t, "name": n} for t, n in TYPES.items() if fold(n).startswith(folded)]
            return {"result": items[cursor:]}
        if kind == "property":
            items = [
                {"id": pid, "name": pid.replace("_", " "), "description": text}
                for pid, text in PROPERTIES.items()
                if folded in fold(pid) or folded in fold(text)
            ]
            return {"result": items[cursor:]}
        entries = self.entries()
        found = [
            e
            for e in entries.values()
            if e.type != CRM + "E55_Type"
            and any(n.startswith(folded) or f" {folded}" in n for n in e.folded)
        ]
        found.sort(key=lambda e: (e.name.casefold(), e.id))
        return {
            "result": [
                {
                    "id": e.id,
                    "name": e.name,
                    "description": e.description(),
                    "notable": [{"id": e.type, "name": TYPES[e.type]}],
                }
                for e in found[cursor : cursor + 20]
            ]
        }

    def preview(self, ident: str) -> str | None:
        entry = self.entries().get(ident)
        if entry is None:
            return None
        other = sorted(entry.names - {entry.name})
        lines = [
            "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body "
            "style='font:14px sans-serif;margin:4px'>",
            f"<strong><a href='{html.escape(entry.id)}' target='_blank'>"
            f"{html.escape(entry.name)}</a></strong> ({html.escape(TYPES[entry.type])})",
        ]
        if entry.description():
            lines.append(f"<div>{html.escape(entry.description())}</div>")
        if other:
            lines.append(f"<div>also: {html.escape('; '.join(other[:6]))}</div>")
        if entry.authorities:
            links = ", ".join(
                f"<a href='{html.escape(a)}' target='_blank' rel='noopener'>{html.escape(a)}</a>"
                if a[:8].lower().startswith(("http://", "https://"))
                else html.escape(a)  # a javascript: or data: IRI is shown, never followed
                for a in sorted(entry.authorities)
            )
            lines.append(f"<div>{links}</div>")
        lines.append("</body></html>")
        return "\n".join(lines)


def _year(value: object) -> int | None:
    if isinstance(value, str) and re.match(r"^-?\d{4}", value):
        return int(value[: 5 if value.startswith("-") else 4])
    return None


def _with_properties(
    score: float, entry: _Entry, properties: list[Any]
) -> tuple[float, list[dict[str, Any]]]:
    """Adjust a name score by the query's properties: +10 for each that agrees, -30 for each
    that contradicts (a different birth year is another person)."""
    features: list[dict[str, Any]] = [
        {"id": "name", "name": "name similarity", "value": round(score, 2)}
    ]
    for prop in properties:
        if not isinstance(prop, Mapping) or not prop.get("pid"):
            continue
        pid, values = prop["pid"], prop.get("v")
        wanted = values if isinstance(values, list) else [values]
        texts = [str(v.get("id") if isinstance(v, Mapping) else v).strip() for v in wanted]
        agree: bool | None = None
        if pid in ("birth_year", "death_year"):
            have = entry.birth if pid == "birth_year" else entry.death
            years = [y for y in (_year(t) for t in texts) if y is not None]
            if have and years:
                agree = any(abs(y - h) <= 1 for y in years for h in have)
        elif pid == "authority":
            if entry.authorities:
                agree = any(t in entry.authorities for t in texts)
        elif pid == "partner" and entry.partners:
            agree = any(fold(t) in {fold(p) for p in entry.partners} for t in texts)
        if agree is True:
            score = min(100.0, score + 10)
        elif agree is False:
            score = max(0.0, score - 30)
        if agree is not None:
            features.append({"id": pid, "name": pid.replace("_", " "), "value": agree})
    return score, features


Response = tuple[int, dict[str, str], bytes]


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return status, {"Content-Type": "application/json; charset=utf-8"}, body


def handle(  # noqa: PLR0917
    service: ReconciliationService,
    method: str,
    path: str,
    query_string: str,
    body: bytes = b"",
    content_type: str = "",
) -> Response:
    """One HTTP request to the service (``path`` relative to the service URL: ``""``,
    ``/suggest/entity``, ``/preview``) → (status, headers, body)."""
    params = {k: v[-1] for k, v in parse_qs(query_string, keep_blank_values=True).items()}
    media = content_type.split(";", maxsplit=1)[0].strip().casefold()
    json_body: Any = None
    if method == "POST":
        if media == "application/x-www-form-urlencoded":
            params.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()})
        elif media == "application/json":
            try:
                json_body = json.loads(body or b"null")
            except ValueError:
                return _json({"error": "the body is not JSON"}, 400)
            except RecursionError:
                return _json({"error": "the body's JSON is nested too deeply"}, 400)
        else:
            return _json({"error": f"unsupported content type {media!r}"}, 415)
    elif method not in ("GET", "HEAD"):
        return _json({"error": f"method {method} not allowed"}, 405)
    path = "/" + path.strip("/") if path.strip("/") else ""
    try:
        if path == "":
            if json_body is not None:
                if isinstance(json_body, Mapping) and isinstance(json_body.get("queries"), list):
                    return _json(service.reconcile_batch(json_body))
                return _json(service.reconcile(json_body))
            if "queries" in params:
                try:
                    queries = json.loads(params["queries"])
                except ValueError:
                    return _json({"error": "queries is not JSON"}, 400)
                except RecursionError:
                    return _json({"error": "queries is nested too deeply"}, 400)
                return _json(service.reconcile(queries))
            return _json(service.manifest())
        if path in ("/suggest/entity", "/suggest/type", "/suggest/property"):
            cursor = int(params.get("cursor", "0") or 0)
            return _json(service.suggest(path.rsplit("/", 1)[1], params.get("prefix", ""), cursor))
        if path == "/preview":
            page = service.preview(params.get("id", ""))
            if page is None:
                return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"unknown id\n"
            return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode("utf-8")
    except QueryError as exc:
        return _json({"error": str(exc)}, exc.http_status or 400)
    except ValueError as exc:
        return _json({"error": str(exc)}, 400)
    return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found\n"
