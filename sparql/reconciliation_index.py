"""What the reconciliation service knows of each aggregate person, group and place and of each
type, read from a published snapshot once: names, life dates and places, authority records,
the partners holding it, and a word index to find candidates for a typed name.

Names are folded and parsed by ``reconcile`` (``name_key``), the rules the matcher merged the
partners' entities with; the service's scoring (``sparql.reconciliation``) compares them with
``reconcile.name_similarity``. This module depends on reconcile, never the other way round.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from museion_core.instants import instant_year
from museion_core.vocab import CRM, DCTERMS, LA, MUSEION, RDFS, VOID
from reconcile import NameKey, fold, name_key
from store import StoreReader

__all__ = ["AGGREGATES", "GROUP", "PERSON", "PLACE", "TYPE", "TYPES", "Entry", "Index"]

PERSON, GROUP, PLACE, TYPE = (
    c.value for c in (CRM.E21_Person, CRM.E74_Group, CRM.E53_Place, CRM.E55_Type)
)
TYPES: dict[str, str] = {PERSON: "Person", GROUP: "Group", PLACE: "Place", TYPE: "Type"}
AGGREGATES = (PERSON, GROUP, PLACE)
_KINDS = {PERSON: "person", GROUP: "group", PLACE: "place"}
"""The kind of name (``reconcile.name_key``) each class's names are; a type's are just words."""


@dataclass
class Entry:
    """One aggregate (or type), as the service answers about it."""

    id: str
    type: str
    name: str
    names: set[str] = field(default_factory=set)
    keys: list[NameKey] = field(default_factory=list)
    """Its names folded and parsed, for scoring."""
    born: set[tuple[str, str]] = field(default_factory=set)
    died: set[tuple[str, str]] = field(default_factory=set)
    """Time-spans of birth (formation) and death (dissolution): (begin, end) as xsd:dateTime."""
    birth_places: set[str] = field(default_factory=set)
    death_places: set[str] = field(default_factory=set)
    authorities: set[str] = field(default_factory=set)
    partners: set[str] = field(default_factory=set)
    partner_keys: set[str] = field(default_factory=set)
    """Every name a query may give one of its partners by, folded (``reconcile.fold``): the
    partner's label, its source name, its IRI and its authority records (Wikidata), the
    Wikidata ones also as the bare item id an OpenRefine column reconciled there holds."""
    members: set[str] = field(default_factory=set)

    @property
    def folded(self) -> set[str]:
        return {k.folded for k in self.keys}

    @property
    def birth(self) -> set[int]:
        return {y for y in (instant_year(b) for b, _ in self.born) if y is not None}

    @property
    def death(self) -> set[int]:
        return {y for y in (instant_year(b) for b, _ in self.died) if y is not None}

    def description(self) -> str:
        parts = []
        if self.birth or self.death:
            born = min(self.birth) if self.birth else "?"
            died = min(self.death) if self.death else ""
            parts.append(f"{born}–{died}")
        if self.partners:
            parts.append(", ".join(sorted(self.partners)))
        return "; ".join(parts)

    def label_of(self, ident: str, entries: Mapping[str, Entry]) -> str:
        other = entries.get(ident)
        return other.name if other is not None and other.name else ident


_LIFE = (
    f"SELECT ?a ?x ?name ?born ?born_end ?died ?died_end ?bp ?dp WHERE {{ "
    f"?a a {MUSEION.Aggregate} ; {LA.equivalent} ?x . "
    f"OPTIONAL {{ ?x {RDFS.label} ?name }} "
    f"OPTIONAL {{ ?x {CRM.P98i_was_born}|{CRM.P95i_was_formed_by} ?b . "
    f"OPTIONAL {{ ?b {CRM.P4_has_time_span} ?bt . "
    f"?bt {CRM.P82a_begin_of_the_begin} ?born ; {CRM.P82b_end_of_the_end} ?born_end }} "
    f"OPTIONAL {{ ?b {CRM.P7_took_place_at} ?bp }} }} "
    f"OPTIONAL {{ ?x {CRM.P100i_died_in}|{CRM.P99i_was_dissolved_by} ?d . "
    f"OPTIONAL {{ ?d {CRM.P4_has_time_span} ?dt . "
    f"?dt {CRM.P82a_begin_of_the_begin} ?died ; {CRM.P82b_end_of_the_end} ?died_end }} "
    f"OPTIONAL {{ ?d {CRM.P7_took_place_at} ?dp }} }} }}"
)


@dataclass
class Index:
    """Every aggregate and type of one snapshot, and where to look for a name's candidates."""

    entries: dict[str, Entry] = field(default_factory=dict)
    tokens: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """A folded word (and a long word's first four letters, as ``abcd*``) → entry ids."""
    place_of: dict[str, str] = field(default_factory=dict)
    """A partner's place IRI → the aggregate place it belongs to."""

    @classmethod
    def read(cls, store: StoreReader, base_iri: str) -> Index:
        index = cls()
        entries = index.entries
        partners = _partners(store, base_iri)
        classes = " ".join(f"<{t}>" for t in AGGREGATES)
        for row in store.select(
            f"SELECT ?a ?class ?label WHERE {{ ?a a {MUSEION.Aggregate} ; a ?class . "
            f"VALUES ?class {{ {classes} }} OPTIONAL {{ ?a {RDFS.label} ?label }} }}"
        ):
            entry = entries.setdefault(row["a"], Entry(row["a"], row["class"], row["label"] or ""))
            if row["label"]:
                entry.names.add(row["label"])
        for row in store.select(_LIFE):
            member_of = entries.get(row["a"])
            if member_of is not None:
                _add_member(member_of, row, partners, base_iri)
        for row in store.select(
            f"SELECT ?t ?label WHERE {{ ?t a {CRM.E55_Type} ; {RDFS.label} ?label }}"
        ):
            entry = entries.setdefault(row["t"], Entry(row["t"], TYPE, row["label"]))
            entry.names.add(row["label"])
        for entry in entries.values():
            index.add(entry)
        return index

    def add(self, entry: Entry) -> None:
        """Index an entry's names (and, for a place, its members)."""
        if entry.type == PLACE:
            for member in entry.members:
                self.place_of[member] = entry.id
        kind = _KINDS.get(entry.type, "")
        entry.keys = [k for k in (name_key(n, kind) for n in sorted(entry.names)) if k.folded]
        for name in entry.folded:
            for token in name.split():
                self.tokens[token].add(entry.id)
                if len(token) > 4:
                    self.tokens[token[:4] + "*"].add(entry.id)

    def pool(self, folded: str, limit: int) -> list[str]:
        """The entries sharing a word (or a word's first four letters) with a folded name,
        those sharing most first, at most ``limit``."""
        pool: dict[str, int] = defaultdict(int)
        for token in folded.split():
            for ident in self.tokens.get(token, ()):
                pool[ident] += 2
            for ident in self.tokens.get(token[:4] + "*", ()) if len(token) > 4 else ():
                pool[ident] += 1
        return sorted(pool, key=lambda i: -pool[i])[:limit]


def _partners(store: StoreReader, base_iri: str) -> dict[str, tuple[str, set[str]]]:
    """Each source's partner: its name (the dataset's title) and the folded names a query may
    give it by (:attr:`Entry.partner_keys`), by source."""
    prefix = f"{base_iri}dataset/"
    found: dict[str, tuple[str, set[str]]] = {}
    for row in store.select(
        f"SELECT ?d ?title ?partner ?same WHERE {{ ?d a {VOID.Dataset} ; {DCTERMS.title} ?title "
        f"OPTIONAL {{ ?d {DCTERMS.publisher} ?partner "
        f"OPTIONAL {{ ?partner {LA.equivalent} ?same }} }} }}"
    ):
        if not row["d"].startswith(prefix):
            continue
        source = row["d"][len(prefix) :]
        _, keys = found.setdefault(source, (row["title"], set()))
        names = [row["title"], source, row["partner"], row["same"]]
        if row["same"] and row["same"].startswith(_WIKIDATA):
            names.append(row["same"][len(_WIKIDATA) :])
        keys.update(fold(n) for n in names if n)
    return found


_WIKIDATA = "http://www.wikidata.org/entity/"


def _add_member(
    entry: Entry,
    row: Mapping[str, Any],
    partners: dict[str, tuple[str, set[str]]],
    base_iri: str,
) -> None:
    target = row["x"]
    if target.startswith(base_iri):
        entry.members.add(target)
        source = target[len(base_iri) :].split("/", 1)[0]
        if source in partners:
            name, keys = partners[source]
            entry.partners.add(name)
            entry.partner_keys |= keys
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
