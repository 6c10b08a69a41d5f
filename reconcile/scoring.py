"""Scoring a candidate pair: how likely two partner entities are one, and the evidence.

The score is a log-odds sum in the manner of Fellegi and Sunter: a prior for a pair that
blocking put together, plus a weight for each piece of evidence (names, life dates, places,
gender, nationality, roles), squashed to 0..1 by the logistic function. Evidence that two
entities cannot be one — given names that differ, lives that do not overlap, another
generation, different authority records of one scheme, an anonymous "unknown American" — is a
*veto*: the pair scores 0 and no chain of other links may join them either.

The weights are set so that a name alone never reaches the default threshold (0.9): "John
Smith" and "John Smith" with no dates are sent for review, not merged. A full name with one
agreeing life date does reach it, and so does an exactly equal multi-word group name.
Precision matters more than recall: a wrong merge damages every query that touches it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import fuzz

from mappings import authority_scheme
from museion_core import messages

from .entities import Entity
from .names import (
    NameMatch,
    PersonName,
    compare_group_names,
    compare_person_names,
    fold,
    group_key,
    is_anonymous,
    parse_person_name,
)
from .places import compare_places, parse_place

__all__ = [
    "WEIGHTS",
    "NameKey",
    "Score",
    "ScoredPair",
    "ambiguous_place_names",
    "group_like",
    "name_key",
    "name_similarity",
    "score_pair",
    "score_places",
    "years_agree",
]

WEIGHTS: dict[str, float] = {
    "prior": -3.0,
    "name exact": 5.0,
    "name compatible": 4.0,
    "name reordered": 3.5,
    "initials equal": 3.5,
    "first initial": 2.0,
    "surname only": 1.5,
    "surname spelling": -1.0,
    "group name": 5.5,
    "group name, one word": 2.5,
    "year equal": 2.5,
    "year within 1": 1.0,
    "year off by 2-5": -2.5,
    "place equal": 1.0,
    "place differs": -0.5,
    "gender differs": -3.0,
    "nationality equal": 0.3,
    "nationality differs": -0.3,
    "role shared": 0.3,
    "works decades apart": -3.0,
    "place name": 3.0,
    "place in one country": 2.5,
    "place in one region": 2.0,
    "place in one named place": 0.5,
    "place name ambiguous": -2.5,
}
"""Log-odds weights of each kind of evidence (README: Reconciliation)."""

YEAR_VETO = 5
"""Life years further apart than this mean two people."""
YEAR_TOLERANCE = 1
"""Life years this close agree."""


@dataclass(slots=True)
class Score:
    """The result of comparing two entities."""

    value: float
    """0..1; 0 with a veto."""
    evidence: list[str] = field(default_factory=list)
    veto: str | None = None

    @property
    def vetoed(self) -> bool:
        return self.veto is not None


class ScoredPair(NamedTuple):
    """Two entities blocking paired, and how they scored."""

    first: Entity
    second: Entity
    score: Score


def _vetoed(reason: str) -> Score:
    return Score(0.0, [reason], reason)


def group_like(entity: Entity) -> bool:
    """A group, or a "person" whose name is no personal name: none of its sort names is
    inverted although they have several words ("Guerrilla Girls", not "Girls, Guerrilla").
    Only consulted when a person is compared with a group."""
    if entity.kind == "group":
        return True
    if entity.kind != "person" or not entity.sort_names:
        return False
    return all("," not in s and len(fold(s).split()) > 1 for s in entity.sort_names)


def _authority_conflict(a: Entity, b: Entity) -> str | None:
    schemes_a: dict[str, set[str]] = {}
    for iri in a.equivalents:
        scheme = authority_scheme(iri)
        if scheme:
            schemes_a.setdefault(scheme, set()).add(iri)
    for iri in b.equivalents:
        scheme = authority_scheme(iri)
        shared = a.equivalents & b.equivalents
        if scheme and scheme in schemes_a and iri not in schemes_a[scheme] and not shared:
            first = sorted(schemes_a[scheme])[0]
            return f"different {scheme.upper()} records ({first} / {iri})"
    return None


@dataclass(frozen=True, slots=True)
class Finding:
    """What one comparison (names, a life year) found: its log-odds weight and the evidence
    in words, or the veto it raises."""

    weight: float = 0.0
    said: str = ""
    veto: str | None = None


@dataclass(slots=True)
class _Tally:
    """The weights and evidence gathered for one pair so far, the prior first."""

    weights: list[float] = field(default_factory=lambda: [WEIGHTS["prior"]])
    evidence: list[str] = field(default_factory=list)

    def add(self, weight: float, said: str) -> None:
        self.weights.append(weight)
        self.evidence.append(said)

    def take(self, finding: Finding) -> str | None:
        """Count a finding that said something; its veto, if it raised one."""
        if finding.veto is None and finding.said:
            self.add(finding.weight, finding.said)
        return finding.veto


def score_pair(a: Entity, b: Entity) -> Score:
    """Score two partner entities of the same kind (persons and groups count as one kind)."""
    conflict = _authority_conflict(a, b)
    if conflict:
        return _vetoed(conflict)
    if a.kind == "place" or b.kind == "place":
        return _score_places(a, b)
    tally = _Tally()
    veto = (
        _anonymous(a, b)
        or tally.take(_compare_names(a, b))
        or tally.take(_compare_years("birth", a.birth, b.birth))
        or tally.take(_compare_years("death", a.death, b.death))
        or _lives_overlap(a, b)
    )
    if veto:
        return _vetoed(veto)
    _compare_places_of_life(a, b, tally)
    _compare_traits(a, b, tally)
    _compare_work(a, b, tally)
    return Score(_logistic(sum(tally.weights)), tally.evidence)


def _anonymous(a: Entity, b: Entity) -> str | None:
    for entity in (a, b):
        if entity.names and all(is_anonymous(n) for n in entity.names):
            return f"{entity.label()!r} is anonymous"
    return None


def _compare_places_of_life(a: Entity, b: Entity, tally: _Tally) -> None:
    for label, first, second in (
        ("birth place", a.birth_places, b.birth_places),
        ("death place", a.death_places, b.death_places),
    ):
        if first and second:
            same = _same_place(first, second)
            weight = WEIGHTS["place equal" if same else "place differs"]
            said = (
                messages.MATCH_PLACE_OF_LIFE_AGREES
                if same
                else messages.MATCH_PLACE_OF_LIFE_DIFFERS
            )
            tally.add(weight, said(which=label, place=first[0], other=second[0]))


def _compare_traits(a: Entity, b: Entity, tally: _Tally) -> None:
    """Gender (of two persons) and nationality."""
    if a.gender and b.gender and not a.gender & b.gender and a.kind == b.kind == "person":
        said = messages.MATCH_GENDER_DIFFERS(gender=_one(a.gender), other=_one(b.gender))
        tally.add(WEIGHTS["gender differs"], said)
    if a.nationality and b.nationality:
        if a.nationality & b.nationality:
            said = messages.MATCH_NATIONALITY(nationality=_one(a.nationality & b.nationality))
            tally.add(WEIGHTS["nationality equal"], said)
        else:
            said = messages.MATCH_NATIONALITY_DIFFERS(
                nationality=_one(a.nationality), other=_one(b.nationality)
            )
            tally.add(WEIGHTS["nationality differs"], said)


def _compare_work(a: Entity, b: Entity, tally: _Tally) -> None:
    """The roles both played, the years of their works, and a kind that differs."""
    shared_roles = a.roles & b.roles
    if shared_roles:
        tally.add(WEIGHTS["role shared"], messages.MATCH_ROLE_SHARED(roles=_one(shared_roles)))
    elif a.roles and b.roles:
        tally.evidence.append(messages.MATCH_ROLES(roles=_one(a.roles), other=_one(b.roles)))
    if a.floruit and b.floruit:
        gap = max(a.floruit[0], b.floruit[0]) - min(a.floruit[1], b.floruit[1])
        if gap > 60:
            said = messages.MATCH_WORKS_APART(span=_span(a.floruit), other=_span(b.floruit))
            tally.add(WEIGHTS["works decades apart"], said)
    if a.kind != b.kind:
        # Allowed only for a "person" whose name is no personal name (group_like): the
        # partner's mapping had no way to say it is a group.
        kinds = (
            messages.MATCH_PERSON_AND_GROUP
            if a.kind == "person"
            else messages.MATCH_GROUP_AND_PERSON
        )
        tally.evidence.append(kinds(source=a.source, other=b.source))


_LEVEL_WEIGHTS = {
    NameMatch.EXACT: WEIGHTS["name exact"],
    NameMatch.COMPATIBLE: WEIGHTS["name compatible"],
    NameMatch.REORDERED: WEIGHTS["name reordered"],
    NameMatch.INITIALS: WEIGHTS["initials equal"],
    NameMatch.INITIAL: WEIGHTS["first initial"],
    NameMatch.SURNAME_ONLY: WEIGHTS["surname only"],
}


def _compare_names(a: Entity, b: Entity) -> Finding:
    """The best agreement between any name of ``a`` and any name of ``b``."""
    if a.kind != b.kind or a.kind == "group":
        if not (group_like(a) and group_like(b)):
            return Finding(veto=f"a group and a person ({a.label()!r} / {b.label()!r})")
        return _compare_group_names(a, b)
    return _compare_person_names(a, b)


def _compare_group_names(a: Entity, b: Entity) -> Finding:
    best: Finding | None = None
    for x in a.names:
        for y in b.names:
            same, words, said = compare_group_names(x, y)
            if same:
                weight = {0: 0.0, 1: WEIGHTS["group name, one word"]}.get(
                    words, WEIGHTS["group name"]
                )
                if best is None or weight > best.weight:
                    best = Finding(weight, said)
    return best or Finding(veto=f"names differ ({a.label()!r} / {b.label()!r})")


def _compare_person_names(a: Entity, b: Entity) -> Finding:
    best: tuple[int, float, str] | None = None
    conflict = f"names differ ({a.label()!r} / {b.label()!r})"
    parsed_b = [p for p in (parse_person_name(y) for y in b.names) if p is not None]
    for px in (p for p in (parse_person_name(x) for x in a.names) if p is not None):
        for py in parsed_b:
            level, surname, said = compare_person_names(px, py)
            if level == NameMatch.CONFLICT:
                conflict = said
            elif best is None or (int(level), surname) > best[:2]:
                best = (int(level), surname, said)
    if best is None:
        return Finding(veto=conflict)
    rank, surname, said = best
    weight = _LEVEL_WEIGHTS[NameMatch(rank)]
    if surname < 1.0:
        weight += WEIGHTS["surname spelling"]
    return Finding(weight, said)


def years_agree(a: int, b: int) -> bool:
    """Two years of one life event that count as one: equal, or a year apart (a record of
    "1881" against one of "c. 1882" is no evidence of two people)."""
    return abs(a - b) <= YEAR_TOLERANCE


def _compare_years(
    which: str, a: tuple[int | None, int | None] | None, b: tuple[int | None, int | None] | None
) -> Finding:
    if a is None or b is None:
        return Finding()
    ya, yb = a[0] if a[0] is not None else a[1], b[0] if b[0] is not None else b[1]
    if ya is None or yb is None:
        return Finding()
    if ya == yb:
        said, weight = messages.MATCH_YEAR_EQUAL, WEIGHTS["year equal"]
    elif years_agree(ya, yb):
        said, weight = messages.MATCH_YEAR_WITHIN, WEIGHTS["year within 1"]
    elif abs(ya - yb) <= YEAR_VETO:
        said, weight = messages.MATCH_YEAR_OFF, WEIGHTS["year off by 2-5"]
    else:
        return Finding(veto=f"{which} years differ ({ya} / {yb})")
    return Finding(weight, said(which=which, year=ya, other=yb))


@dataclass(frozen=True, slots=True)
class NameKey:
    """A name made ready for ``name_similarity`` once (an index holds one per name)."""

    folded: str
    person: PersonName | None = None
    """Its parts, when it is (or may be) a person's name."""
    group: str = ""
    """Its ``group_key``, when it is (or may be) a group's name."""


def name_key(text: str, kind: str | None = None) -> NameKey:
    """``text`` as a name of a ``person``, ``group``, another kind (a place, a type: folded
    only), or — ``None``, for a name someone typed — of either a person or a group."""
    person = parse_person_name(text) if kind in ("person", None) else None
    group = group_key(text) if kind in ("group", None) else ""
    return NameKey(fold(text), person, group)


LEVEL_SCORES: dict[NameMatch, float] = {
    NameMatch.EXACT: 100.0,
    NameMatch.REORDERED: 100.0,
    NameMatch.COMPATIBLE: 90.0,
    NameMatch.INITIALS: 90.0,
    NameMatch.INITIAL: 80.0,
    NameMatch.SURNAME_ONLY: 0.0,
}
"""The least ``name_similarity`` gives two names that agree this well as a person's."""
CONFLICT_CEILING = 60.0
"""The most ``name_similarity`` gives two names of two people (given names or generations
differ): "Pablo Picasso" is no candidate for "Paloma Picasso", however alike they look."""


def name_similarity(query: NameKey, name: NameKey) -> float:
    """0..100: how well a name someone typed (``query``) matches one of an entity's names.

    The base is the likeness of the folded words in any order, which forgives typos and words
    left out. The matcher's rules then raise it where they see one name (initials for given
    names, a romanisation of the surname, "&" for "and") and cap it where they see two people.
    A query in the order "Kitaj R B" parses with the wrong surname; as surnames differing
    is no evidence then, only differing given names or generations cap the score."""
    fuzzy = float(
        max(
            fuzz.token_sort_ratio(query.folded, name.folded),
            0.9 * fuzz.token_set_ratio(query.folded, name.folded),
        )
    )
    if query.group and query.group == name.group:
        return 100.0
    if query.person is None or name.person is None:
        return fuzzy
    level, surname, _ = compare_person_names(query.person, name.person)
    if level != NameMatch.CONFLICT:
        return max(fuzzy, round(LEVEL_SCORES[level] * surname, 2))
    generations = {query.person.generation, name.person.generation} - {None}
    if surname > 0.0 or len(generations) > 1:
        return min(fuzzy, CONFLICT_CEILING)
    return fuzzy


def _lives_overlap(a: Entity, b: Entity) -> str | None:
    """One lived (or worked) before the other was born."""
    for first, second in ((a, b), (b, a)):
        born = second.birth[0] if second.birth and second.birth[0] is not None else None
        died = first.death[1] if first.death and first.death[1] is not None else None
        if born is not None and died is not None and died < born - YEAR_VETO:
            return f"{first.label()!r} died {died}, before {second.label()!r} was born {born}"
        if born is not None and first.floruit and first.floruit[1] < born:
            return (
                f"{first.label()!r} made works by {first.floruit[1]}, before "
                f"{second.label()!r} was born ({born})"
            )
    return None


def _same_place(a: list[str], b: list[str]) -> bool:
    for x in a:
        for y in b:
            px, py = parse_place(x), parse_place(y)
            if px is not None and py is not None and px.name == py.name:
                return True
    return False


def _score_places(a: Entity, b: Entity, ambiguous: frozenset[str] = frozenset()) -> Score:
    if a.kind != b.kind:
        return _vetoed("a place and an actor")
    best: tuple[float, list[str]] | None = None
    reason = f"names differ ({a.label()!r} / {b.label()!r})"
    for x in a.names or [a.label()]:
        px = parse_place(x, tuple(a.within))
        for y in b.names or [b.label()]:
            py = parse_place(y, tuple(b.within))
            if px is None or py is None:
                continue
            same, said = compare_places(px, py)
            if not same:
                reason = said
                continue
            shared = px.containers & py.containers
            weight = WEIGHTS["prior"] + WEIGHTS["place name"]
            evidence = [said]
            if any(k.startswith("country:") for k in shared):
                weight += WEIGHTS["place in one country"]
            if any(k.startswith("sub:") for k in shared):
                weight += WEIGHTS["place in one region"]
            elif px.name in ambiguous:
                weight += WEIGHTS["place name ambiguous"]
                evidence.append(messages.MATCH_PLACE_NAME_AMBIGUOUS(name=px.name))
            if any(k.startswith("name:") for k in shared):
                weight += WEIGHTS["place in one named place"]
            if best is None or weight > best[0]:
                best = (weight, evidence)
    if best is None:
        return _vetoed(reason)
    return Score(_logistic(best[0]), best[1])


def ambiguous_place_names(scored: list[ScoredPair]) -> frozenset[str]:
    """Place names this data uses for places in different countries or regions
    ("Woodstock" in New York and in Vermont): for them one shared country is not enough."""
    found = set()
    for a, _b, result in scored:
        if a.kind == "place" and result.veto and result.veto.startswith("in different"):
            for name in a.names:
                parsed = parse_place(name)
                if parsed is not None:
                    found.add(parsed.name)
    return frozenset(found)


def score_places(a: Entity, b: Entity, ambiguous: frozenset[str]) -> Score:
    """``score_pair`` for two places, knowing which names are ambiguous in this data."""
    conflict = _authority_conflict(a, b)
    return _vetoed(conflict) if conflict else _score_places(a, b, ambiguous)


def _logistic(x: float) -> float:
    return round(1.0 / (1.0 + math.exp(-x)), 4)


def _one(values: set[str]) -> str:
    return ", ".join(sorted(values))


def _span(years: tuple[int, int]) -> str:
    return f"{years[0]}–{years[1]}" if years[0] != years[1] else str(years[0])
