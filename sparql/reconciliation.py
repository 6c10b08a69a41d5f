"""The reconciliation service's knowledge: Museion's aggregated persons, groups, places and
types, how a name query is scored against them, and which of their facts a partner can pull
back into a spreadsheet (data extension).

Partners align their own spreadsheets before they contribute: OpenRefine sends a batch of names
("Picasso, Pablo", "Kitaj R B") with a type and optional properties (birth year), and gets back
scored candidates whose ids are Museion's aggregate IRIs — the IRIs the partner's records will
then be reconciled to; data extension then fetches dates, places and authority IRIs for them.

Both protocol versions (0.2 and the 1.0 draft, in ``sparql.reconciliation_api``) speak to this
one service through ``Query`` and ``Condition``, so matching and scoring exist once.

Candidate ids are aggregate IRIs (``{base}person/k3v9x2m4p7``); the types are CIDOC-CRM
classes (``crm:E21_Person``, ``crm:E74_Group``, ``crm:E53_Place``, ``crm:E55_Type``), also
accepted as ``person``, ``group``, ``place``, ``type``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from anyascii import anyascii
from rapidfuzz import fuzz

from museion_core.errors import QueryError
from store import StoreReader

__all__ = [
    "EXTEND_PROPERTIES",
    "MATCH_PROPERTIES",
    "TYPES",
    "Condition",
    "Query",
    "ReconciliationService",
    "date_value",
    "fold",
]

CRM = "http://www.cidoc-crm.org/cidoc-crm/"
LA_EQUIVALENT = "https://linked.art/ns/terms/equivalent"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
MUSEION = "https://w3id.org/museion/ns#"
PERSON, GROUP, PLACE, TYPE = (CRM + c for c in ("E21_Person", "E74_Group", "E53_Place", "E55_Type"))

TYPES: dict[str, str] = {PERSON: "Person", GROUP: "Group", PLACE: "Place", TYPE: "Type"}
_ALIASES = {
    "person": PERSON,
    "group": GROUP,
    "place": PLACE,
    "type": TYPE,
    "concept": TYPE,
}
MATCH_PROPERTIES = {
    "birth_year": "Year of birth (formation, for a group)",
    "death_year": "Year of death (dissolution, for a group)",
    "authority": "Authority IRI (ULAN, GND, Wikidata, VIAF, TGN, GeoNames)",
    "partner": "Partner holding a record of it",
}
"""Properties a query may give to sharpen a match."""

_ACTORS = (PERSON, GROUP)
_AGGREGATES = (PERSON, GROUP, PLACE)
EXTEND_PROPERTIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "birth_date": ("Date of birth (formation, for a group)", _ACTORS),
    "death_date": ("Date of death (dissolution, for a group)", _ACTORS),
    "birth_year": ("Year of birth (formation, for a group)", _ACTORS),
    "death_year": ("Year of death (dissolution, for a group)", _ACTORS),
    "birth_place": ("Place of birth (formation, for a group)", _ACTORS),
    "death_place": ("Place of death (dissolution, for a group)", _ACTORS),
    "authority": ("Authority IRIs (ULAN, GND, Wikidata, VIAF, TGN, GeoNames)", _AGGREGATES),
    "alternative_name": ("Other names the partners give", (*_AGGREGATES, TYPE)),
    "partner": ("Partners holding a record of it", _AGGREGATES),
    "partner_record": ("The partners' own records of it", _AGGREGATES),
}
"""Properties data extension can return: id → (name, the types that have it)."""

DEFAULT_LIMIT = 5
MAX_LIMIT = 100
MAX_QUERIES = 1000
MAX_EXTEND_IDS = 1000
MAX_CANDIDATES = 3000
SUGGEST_LIMIT = 20
_NON_WORD = re.compile(r"[^a-z0-9]+")
QUANTIFIERS = ("any", "all", "none")

Value = dict[str, Any]
"""One data-extension value: ``{"id", "name"}``, ``{"str"}``, ``{"int"}`` or ``{"date"}``."""


def fold(text: str) -> str:
    """Case, accents, script and punctuation removed, as reconciliation compares names."""
    folded = anyascii(unicodedata.normalize("NFKC", text)).casefold().replace("'", "")
    return _NON_WORD.sub(" ", folded).strip()


def type_id(value: str) -> str:
    """A type as clients name it (``crm:E21_Person``, ``E21_Person``, ``person``) → its IRI."""
    value = value.strip()
    if value.startswith("crm:"):
        value = CRM + value[4:]
    elif value in (t.removeprefix(CRM) for t in TYPES):
        value = CRM + value
    return _ALIASES.get(value.casefold(), value)


@dataclass(frozen=True)
class Condition:
    """A property a query gives: the values it expects, and how a candidate must meet them."""

    pid: str
    values: tuple[str, ...]
    required: bool = False
    quantifier: str = "any"


@dataclass(frozen=True)
class Query:
    """One reconciliation query, whichever protocol version it came in."""

    names: tuple[str, ...]
    types: frozenset[str] = frozenset()
    limit: int = DEFAULT_LIMIT
    conditions: tuple[Condition, ...] = ()
    ids: frozenset[str] = frozenset()
    """Candidates restricted to these ids (a 1.0 ``matchType: id`` condition)."""


@dataclass
class _Entry:
    id: str
    type: str
    name: str
    names: set[str] = field(default_factory=set)
    folded: set[str] = field(default_factory=set)
    born: set[tuple[str, str]] = field(default_factory=set)
    died: set[tuple[str, str]] = field(default_factory=set)
    """Time-spans of birth (formation) and death (dissolution): (begin, end) as xsd:dateTime."""
    birth_places: set[str] = field(default_factory=set)
    death_places: set[str] = field(default_factory=set)
    authorities: set[str] = field(default_factory=set)
    partners: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)

    @property
    def birth(self) -> set[int]:
        return {y for y in (year(b) for b, _ in self.born) if y is not None}

    @property
    def death(self) -> set[int]:
        return {y for y in (year(b) for b, _ in self.died) if y is not None}

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

    def __init__(
        self, store: StoreReader, base_iri: str, *, service_url: str | None = None
    ) -> None:
        self.store = store
        self.base_iri = base_iri
        self.service_url = service_url or f"{base_iri}reconcile"
        self._entries: dict[str, _Entry] | None = None
        self._tokens: dict[str, set[str]] = defaultdict(set)
        self._place_of: dict[str, str] = {}
        """A partner's place IRI → the aggregate place it belongs to."""

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
        classes = " ".join(f"<{t}>" for t in _AGGREGATES)
        for row in self._rows(
            f"SELECT ?a ?class ?label WHERE {{ ?a a <{MUSEION}Aggregate> ; a ?class . "
            f"VALUES ?class {{ {classes} }} OPTIONAL {{ ?a <{RDFS_LABEL}> ?label }} }}"
        ):
            entry = entries.setdefault(row["a"], _Entry(row["a"], row["class"], row["label"] or ""))
            if row["label"]:
                entry.names.add(row["label"])
        for row in self._rows(
            f"SELECT ?a ?x ?name ?born ?born_end ?died ?died_end ?bp ?dp WHERE {{ "
            f"?a a <{MUSEION}Aggregate> ; <{LA_EQUIVALENT}> ?x . "
            f"OPTIONAL {{ ?x <{RDFS_LABEL}> ?name }} "
            f"OPTIONAL {{ ?x <{CRM}P98i_was_born>|<{CRM}P95i_was_formed_by> ?b . "
            f"OPTIONAL {{ ?b <{CRM}P4_has_time-span> ?bt . "
            f"?bt <{CRM}P82a_begin_of_the_begin> ?born ; <{CRM}P82b_end_of_the_end> ?born_end }} "
            f"OPTIONAL {{ ?b <{CRM}P7_took_place_at> ?bp }} }} "
            f"OPTIONAL {{ ?x <{CRM}P100i_died_in>|<{CRM}P99i_was_dissolved_by> ?d . "
            f"OPTIONAL {{ ?d <{CRM}P4_has_time-span> ?dt . "
            f"?dt <{CRM}P82a_begin_of_the_begin> ?died ; <{CRM}P82b_end_of_the_end> ?died_end }} "
            f"OPTIONAL {{ ?d <{CRM}P7_took_place_at> ?dp }} }} }}"
        ):
            member_of = entries.get(row["a"])
            if member_of is not None:
                self._add_member(member_of, row, partners)
        for row in self._rows(
            f"SELECT ?t ?label WHERE {{ ?t a <{TYPE}> ; <{RDFS_LABEL}> ?label }}"
        ):
            entry = entries.setdefault(row["t"], _Entry(row["t"], TYPE, row["label"]))
            entry.names.add(row["label"])
        for entry in entries.values():
            if entry.type == PLACE:
                for member in entry.members:
                    self._place_of[member] = entry.id
            entry.folded = {fold(n) for n in entry.names if fold(n)}
            for name in entry.folded:
                for token in name.split():
                    self._tokens[token].add(entry.id)
                    if len(token) > 4:
                        self._tokens[token[:4] + "*"].add(entry.id)
        self._entries = entries
        return entries

    def _add_member(self, entry: _Entry, row: Mapping[str, Any], partners: dict[str, str]) -> None:
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
        for key, spans in (("born", entry.born), ("died", entry.died)):
            if row[key] and row[f"{key}_end"]:
                spans.add((row[key], row[f"{key}_end"]))
        for key, places in (("bp", entry.birth_places), ("dp", entry.death_places)):
            if row[key]:
                places.add(row[key])

    # -- matching ------------------------------------------------------------------------
    def candidates(self, query: Query) -> list[dict[str, Any]]:
        """Scored candidates for one query, best first, at most ``query.limit``."""
        entries = self.entries()
        scored = []
        for name in query.names or ("",):
            folded = fold(name)
            for ident in self._pool(folded, query):
                entry = entries[ident]
                if query.types and entry.type not in query.types:
                    continue
                name_score = max(
                    (
                        max(fuzz.token_sort_ratio(folded, n), 0.9 * fuzz.token_set_ratio(folded, n))
                        for n in entry.folded
                    ),
                    default=0.0,
                )
                result = _with_conditions(float(name_score), entry, query.conditions)
                if result is not None:
                    scored.append((round(result[0], 2), entry, result[1]))
        best_of: dict[str, tuple[float, _Entry, list[dict[str, Any]]]] = {}
        for item in scored:
            if item[1].id not in best_of or item[0] > best_of[item[1].id][0]:
                best_of[item[1].id] = item
        ranked = sorted(best_of.values(), key=lambda t: (-t[0], t[1].name, t[1].id))
        results = []
        for n, (score, entry, features) in enumerate(ranked[: query.limit]):
            runner_up = ranked[n + 1][0] if n + 1 < len(ranked) else 0.0
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

    def _pool(self, folded: str, query: Query) -> list[str]:
        """The entries sharing a word (or a word's first four letters) with the name."""
        if query.ids:
            return [i for i in query.ids if i in self.entries()]
        pool: dict[str, int] = defaultdict(int)
        for token in folded.split():
            for ident in self._tokens.get(token, ()):
                pool[ident] += 2
            for ident in self._tokens.get(token[:4] + "*", ()) if len(token) > 4 else ():
                pool[ident] += 1
        return sorted(pool, key=lambda i: -pool[i])[:MAX_CANDIDATES]

    # -- suggest and preview -------------------------------------------------------------
    def suggest(
        self,
        kind: str,
        prefix: str,
        *,
        cursor: int = 0,
        limit: int = SUGGEST_LIMIT,
        types: Iterable[str] = (),
    ) -> list[dict[str, Any]]:
        """Entities, types or properties whose name starts with ``prefix`` (any word of it),
        from ``cursor`` on, at most ``limit``."""
        folded = fold(prefix)
        if kind == "type":
            items = [{"id": t, "name": n} for t, n in TYPES.items() if fold(n).startswith(folded)]
            return items[cursor : cursor + limit]
        if kind == "property":
            return [
                {"id": pid, "name": text}
                for pid, (text, _) in EXTEND_PROPERTIES.items()
                if folded in fold(pid) or folded in fold(text)
            ][cursor : cursor + limit]
        wanted = {type_id(t) for t in types}
        found = [
            e
            for e in self.entries().values()
            if (e.type in wanted if wanted else e.type != TYPE)
            and any(n.startswith(folded) or f" {folded}" in n for n in e.folded)
        ]
        found.sort(key=lambda e: (e.name.casefold(), e.id))
        return [
            {
                "id": e.id,
                "name": e.name,
                "description": e.description(),
                "notable": [{"id": e.type, "name": TYPES[e.type]}],
            }
            for e in found[cursor : cursor + limit]
        ]

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

    # -- data extension ------------------------------------------------------------------
    def propose(self, type_: str | None) -> list[dict[str, str]]:
        """The properties data extension offers for entities of ``type_`` (all when None)."""
        wanted = type_id(type_) if type_ else None
        return [
            {"id": pid, "name": text}
            for pid, (text, types) in EXTEND_PROPERTIES.items()
            if wanted is None or wanted in types
        ]

    def extend(self, ids: list[str], pids: list[str]) -> dict[str, dict[str, list[Value]]]:
        """For each id, each asked property's values (an unknown id gets empty lists)."""
        if len(ids) > MAX_EXTEND_IDS:
            raise QueryError(f"at most {MAX_EXTEND_IDS} ids per request", http_status=400)
        unknown = [p for p in pids if p not in EXTEND_PROPERTIES]
        if unknown:
            known = ", ".join(EXTEND_PROPERTIES)
            raise QueryError(f"unknown property {unknown[0]!r}; known: {known}", http_status=400)
        entries = self.entries()
        rows: dict[str, dict[str, list[Value]]] = {}
        for ident in ids:
            entry = entries.get(ident)
            rows[ident] = {pid: self._values(entry, pid) if entry else [] for pid in pids}
        return rows

    def _values(self, entry: _Entry, pid: str) -> list[Value]:
        if pid in ("birth_date", "death_date"):
            spans = entry.born if pid == "birth_date" else entry.died
            return [date_value(begin, end) for begin, end in sorted(spans)]
        if pid in ("birth_year", "death_year"):
            years = entry.birth if pid == "birth_year" else entry.death
            return [{"int": y} for y in sorted(years)]
        if pid in ("birth_place", "death_place"):
            places = entry.birth_places if pid == "birth_place" else entry.death_places
            return self._places(places)
        if pid == "authority":
            return [{"id": a, "name": a} for a in sorted(entry.authorities)]
        if pid == "alternative_name":
            return [{"str": n} for n in sorted(entry.names - {entry.name})]
        if pid == "partner":
            return [{"str": p} for p in sorted(entry.partners)]
        entries = self.entries()
        return [{"id": m, "name": _label(entries, m, m)} for m in sorted(entry.members)]

    def _places(self, places: set[str]) -> list[Value]:
        """Partners' place IRIs as the aggregate places they belong to, named."""
        entries = self.entries()
        found = {self._place_of.get(p, p) for p in places}
        return [{"id": p, "name": _label(entries, p, p)} for p in sorted(found)]


def _label(entries: Mapping[str, _Entry], ident: str, default: str) -> str:
    entry = entries.get(ident)
    return entry.name if entry is not None and entry.name else default


_DAY = re.compile(r"^(-?\d{4,})-(\d{2})-(\d{2})")


def date_value(begin: str, end: str) -> Value:
    """A time-span as data extension gives it: a ``date`` only when the partner knew the day
    (the span lies within one day); otherwise the year or month as text ("1881", "1947-08"),
    since midnight on 1 January would claim a precision nobody gave."""
    first, last = _DAY.match(begin), _DAY.match(end)
    if first is None or last is None:
        return {"str": begin if begin == end else f"{begin}/{end}"}
    if first.groups() == last.groups():
        return {"date": f"{first.group(0)}T00:00:00Z"}
    if first.group(1, 2) == last.group(1, 2):
        return {"str": f"{first.group(1)}-{first.group(2)}"}
    if first.group(1) == last.group(1):
        return {"str": first.group(1)}
    return {"str": f"{first.group(1)}/{last.group(1)}"}


def year(value: object) -> int | None:
    if isinstance(value, str) and re.match(r"^-?\d{4}", value):
        return int(value[: 5 if value.startswith("-") else 4])
    return None


def _agrees(condition: Condition, entry: _Entry) -> bool | None:
    """Whether the entry meets each of the condition's values (None: it cannot say)."""
    texts = condition.values
    if condition.pid in ("birth_year", "death_year"):
        have = entry.birth if condition.pid == "birth_year" else entry.death
        years = [y for y in (year(t) for t in texts) if y is not None]
        if not (have and years):
            return None
        hits = [any(abs(y - h) <= 1 for h in have) for y in years]
    elif condition.pid == "authority":
        if not entry.authorities:
            return None
        hits = [t in entry.authorities for t in texts]
    elif condition.pid == "partner":
        if not entry.partners:
            return None
        partners = {fold(p) for p in entry.partners}
        hits = [fold(t) in partners for t in texts]
    else:
        return None
    if condition.quantifier == "all":
        return all(hits)
    if condition.quantifier == "none":
        return not any(hits)
    return any(hits)


def _with_conditions(
    score: float, entry: _Entry, conditions: tuple[Condition, ...]
) -> tuple[float, list[dict[str, Any]]] | None:
    """Adjust a name score by the query's properties: +10 for each that agrees, -30 for each
    that contradicts (a different birth year is another person). None: a required condition is
    not met, so the entry is no candidate."""
    features: list[dict[str, Any]] = [
        {"id": "name", "name": "name similarity", "value": round(score, 2)}
    ]
    for condition in conditions:
        agree = _agrees(condition, entry)
        if condition.required and agree is not True:
            return None
        if agree is True:
            score = min(100.0, score + 10)
        elif agree is False:
            score = max(0.0, score - 30)
        if agree is not None:
            name = condition.pid.replace("_", " ")
            features.append({"id": condition.pid, "name": name, "value": agree})
    return score, features
