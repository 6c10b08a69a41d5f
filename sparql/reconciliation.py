"""The reconciliation service's knowledge: Museion's aggregated persons, groups, places and
types, how a name query is scored against them, and which of their facts a partner can pull
back into a spreadsheet (data extension).

Partners align their own spreadsheets before they contribute: OpenRefine sends a batch of names
("Picasso, Pablo", "Kitaj R B") with a type and optional properties (birth year), and gets back
scored candidates whose ids are Museion's aggregate IRIs — the IRIs the partner's records will
then be reconciled to; data extension then fetches dates, places and authority IRIs for them.

Both protocol versions (0.2 and the 1.0 draft, in ``sparql.reconciliation_api``) speak to this
one service through ``Query`` and ``Condition``, so matching and scoring exist once.

A typed name is matched by the rules the ``reconcile`` stage merges partners' entities with:
``reconcile.fold``, ``name_key`` (a name parsed into surname, given names and generation) and
``name_similarity``; life years agree by ``reconcile.years_agree``. The import runs from sparql
to reconcile (the service reads what reconciliation wrote, with its rules); reconcile imports
neither sparql nor museion. The index of aggregates is ``sparql.reconciliation_index``.

Candidate ids are aggregate IRIs (``{base}person/k3v9x2m4p7``); the types are CIDOC-CRM
classes (``crm:E21_Person``, ``crm:E74_Group``, ``crm:E53_Place``, ``crm:E55_Type``), also
accepted as ``person``, ``group``, ``place``, ``type``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mappings import normalise_authority
from museion_core.errors import QueryError
from museion_core.instants import instant_year
from museion_core.vocab import CRM_NS
from reconcile import fold, name_key, name_similarity, years_agree
from store import StoreReader

from .reconciliation_index import AGGREGATES, GROUP, PERSON, PLACE, TYPE, TYPES, Entry, Index

__all__ = [
    "EXTEND_PROPERTIES",
    "MATCH_PROPERTIES",
    "TYPES",
    "Condition",
    "Query",
    "ReconciliationService",
    "date_value",
]

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
_AGGREGATES = AGGREGATES
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
QUANTIFIERS = ("any", "all", "none")

Value = dict[str, Any]
"""One data-extension value: ``{"id", "name"}``, ``{"str"}``, ``{"int"}`` or ``{"date"}``."""


def type_id(value: str) -> str:
    """A type as clients name it (``crm:E21_Person``, ``E21_Person``, ``person``) → its IRI."""
    value = value.strip()
    if value.startswith("crm:"):
        value = CRM_NS + value[4:]
    elif value in (t.removeprefix(CRM_NS) for t in TYPES):
        value = CRM_NS + value
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


class ReconciliationService:
    """Reconciliation against one store (a published snapshot, opened read-only)."""

    def __init__(
        self, store: StoreReader, base_iri: str, *, service_url: str | None = None
    ) -> None:
        self.store = store
        self.base_iri = base_iri
        self.service_url = service_url or f"{base_iri}reconcile"
        self._index: Index | None = None

    # -- the index -----------------------------------------------------------------------
    @property
    def index(self) -> Index:
        """Aggregates and types with their names, read once per service (per snapshot)."""
        if self._index is None:
            self._index = Index.read(self.store, self.base_iri)
        return self._index

    def entries(self) -> dict[str, Entry]:
        return self.index.entries

    # -- matching ------------------------------------------------------------------------
    def candidates(self, query: Query) -> list[dict[str, Any]]:
        """Scored candidates for one query, best first, at most ``query.limit``."""
        best_of: dict[str, _Scored] = {}
        for name in query.names or ("",):
            for found in self._scored(name, query):
                if found.entry.id not in best_of or found.score > best_of[found.entry.id].score:
                    best_of[found.entry.id] = found
        ranked = sorted(best_of.values(), key=lambda f: (-f.score, f.entry.name, f.entry.id))
        results = []
        for n, found in enumerate(ranked[: query.limit]):
            runner_up = ranked[n + 1].score if n + 1 < len(ranked) else 0.0
            entry = found.entry
            results.append(
                {
                    "id": entry.id,
                    "name": entry.name,
                    "description": entry.description(),
                    "score": found.score,
                    "match": n == 0 and found.score >= 95 and found.score - runner_up >= 10,
                    "type": [{"id": entry.type, "name": TYPES[entry.type]}],
                    "features": found.features,
                }
            )
        return results

    def _scored(self, name: str, query: Query) -> Iterable[_Scored]:
        """Each candidate for one of the query's names, scored by ``reconcile``'s name rules
        and the query's conditions (none when a required condition is not met)."""
        key = name_key(name)
        entries = self.entries()
        if query.ids:
            pool = [i for i in query.ids if i in entries]
        else:
            pool = self.index.pool(key.folded, MAX_CANDIDATES)
        for ident in pool:
            entry = entries[ident]
            if query.types and entry.type not in query.types:
                continue
            name_score = max((name_similarity(key, k) for k in entry.keys), default=0.0)
            found = _with_conditions(name_score, entry, query.conditions)
            if found is not None:
                yield found

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

    def _values(self, entry: Entry, pid: str) -> list[Value]:
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
        return [{"id": m, "name": entry.label_of(m, entries)} for m in sorted(entry.members)]

    def _places(self, places: set[str]) -> list[Value]:
        """Partners' place IRIs as the aggregate places they belong to, named."""
        entries = self.entries()
        found = {self.index.place_of.get(p, p) for p in places}
        return [{"id": p, "name": _label(entries, p)} for p in sorted(found)]


def _label(entries: dict[str, Entry], ident: str) -> str:
    entry = entries.get(ident)
    return entry.name if entry is not None and entry.name else ident


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


_WHOLE_NUMBER = re.compile(r"\s*([+-]?\d{1,6})\.0*\s*")


def _year(text: str) -> int | None:
    """A year a query gives: "1881", a date ("1881-10-25"), or a whole number written as a
    decimal ("1881.0": a number cell of a spreadsheet, as OpenRefine sends it)."""
    whole = _WHOLE_NUMBER.fullmatch(text)
    return int(whole.group(1)) if whole else instant_year(text)


_WIKIDATA_ITEM = re.compile(r"\s*[Qq][1-9]\d*\s*")


def _authority(text: str) -> str:
    """The entity IRI of the authority record a query gives, in any of its forms (a web page
    ``.../page/ulan/500009666``, a CURIE ``ulan:500009666``), or the bare ``Q…`` id of a
    column OpenRefine reconciled against Wikidata."""
    return normalise_authority(text, "wikidata" if _WIKIDATA_ITEM.fullmatch(text) else None)


def _agrees(condition: Condition, entry: Entry) -> bool | None:
    """Whether the entry meets each of the condition's values (None: it cannot say)."""
    texts = condition.values
    if condition.pid in ("birth_year", "death_year"):
        have = entry.birth if condition.pid == "birth_year" else entry.death
        years = [y for y in (_year(t) for t in texts) if y is not None]
        if not (have and years):
            return None
        hits = [any(years_agree(y, h) for h in have) for y in years]
    elif condition.pid == "authority":
        if not entry.authorities:
            return None
        hits = [_authority(t) in entry.authorities for t in texts]
    elif condition.pid == "partner":
        if not entry.partners:
            return None
        hits = [fold(t) in entry.partner_keys for t in texts]
    else:
        return None
    if condition.quantifier == "all":
        return all(hits)
    if condition.quantifier == "none":
        return not any(hits)
    return any(hits)


@dataclass(frozen=True)
class _Scored:
    """A candidate for one name of a query: its score (0..100) and the features behind it."""

    entry: Entry
    score: float
    features: list[dict[str, Any]]


def _with_conditions(
    score: float, entry: Entry, conditions: tuple[Condition, ...]
) -> _Scored | None:
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
    return _Scored(entry, round(score, 2), features)
