"""Blocking: which pairs of entities are worth scoring at all.

Comparing every pair of tens of thousands of persons is hopeless and pointless; only entities
that share a blocking key are scored. A person's keys are its surname's transliteration
skeleton with the initial of its first given name (``p:picaso|p``), for each of its names (and,
for a name written in the order "Ikeda Shuzo" with no comma, also the other order). A group's
key is its whole folded name; a person whose name is no personal name (``group_like``) has
group keys too. A place's key is its own folded name. Names with no given name are compared
with every person of their surname, through a second index.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .entities import Entity
from .names import fold, group_key, is_anonymous, parse_person_name, skeleton
from .places import parse_place
from .scoring import group_like

__all__ = ["MAX_BLOCK", "block_keys", "candidate_pairs"]

MAX_BLOCK = 1000
"""Blocks larger than this are not compared within (their names say too little)."""


def block_keys(entity: Entity) -> set[str]:
    keys: set[str] = set()
    if entity.kind == "place":
        for name in entity.names or [entity.label()]:
            place = parse_place(name)
            if place is not None:
                keys.add("pl:" + place.name)
        return keys
    if any(is_anonymous(n) for n in entity.names) and all(is_anonymous(n) for n in entity.names):
        return keys
    if group_like(entity):
        keys |= {"g:" + group_key(n) for n in entity.names if group_key(n)}
    if entity.kind == "person":
        for name in entity.names:
            parsed = parse_person_name(name)
            if parsed is None:
                continue
            initial = parsed.given[0][0] if parsed.given else ""
            keys.add(f"p:{skeleton(parsed.surname)}|{initial}")
            if not parsed.inverted and parsed.given:
                keys.add(f"p:{skeleton(parsed.given[0])}|{parsed.surname[0]}")
    return keys


def _surnames(entity: Entity) -> set[str]:
    found = set()
    for name in entity.names:
        parsed = parse_person_name(name)
        if parsed is not None:
            found.add(skeleton(parsed.surname))
    return found


@dataclass
class _Blocks:
    """Entities by blocking key, persons by surname skeleton, and the persons known by a
    surname alone."""

    by_key: dict[str, list[Entity]] = field(default_factory=lambda: defaultdict(list))
    by_surname: dict[str, list[Entity]] = field(default_factory=lambda: defaultdict(list))
    surname_only: list[Entity] = field(default_factory=list)

    def add(self, entity: Entity) -> None:
        for key in block_keys(entity):
            self.by_key[key].append(entity)
        if entity.kind != "person":
            return
        surnames = _surnames(entity)
        for surname in surnames:
            self.by_surname[surname].append(entity)
        if surnames and all(
            not (p := parse_person_name(n)) or not p.given for n in entity.names if fold(n)
        ):
            self.surname_only.append(entity)


@dataclass
class _Pairs:
    """The pairs found so far, each once, first by IRI first."""

    same_source: bool
    pairs: list[tuple[Entity, Entity]] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)

    def emit(self, first: Entity, second: Entity) -> None:
        if first.iri == second.iri:
            return
        if first.source == second.source and first.kind != "place" and not self.same_source:
            return
        if (first.kind == "place") != (second.kind == "place"):
            return
        if second.iri < first.iri:
            first, second = second, first
        if (first.iri, second.iri) not in self.seen:
            self.seen.add((first.iri, second.iri))
            self.pairs.append((first, second))


def candidate_pairs(
    entities: list[Entity], *, same_source: bool = False
) -> tuple[list[tuple[Entity, Entity]], int]:
    """Pairs of entities sharing a key, each once (and how many oversized blocks were skipped).

    Persons and groups of one source are never paired unless ``same_source``: a partner's own
    identifiers say they are different entities (only an authority or a person may say
    otherwise). Places may pair within a source: their identifiers are minted from labels.
    """
    blocks = _Blocks()
    for entity in entities:
        blocks.add(entity)
    found = _Pairs(same_source)
    skipped = 0
    for group in blocks.by_key.values():
        if len(group) > MAX_BLOCK:
            skipped += 1
            continue
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                found.emit(first, second)
    for entity in blocks.surname_only:
        for surname in _surnames(entity):
            others = blocks.by_surname[surname]
            if len(others) > MAX_BLOCK:
                skipped += 1
                continue
            for other in others:
                found.emit(entity, other)
    return found.pairs, skipped
