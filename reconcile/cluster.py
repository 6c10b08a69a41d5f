"""Clustering: from links between pairs to groups of entities that are one.

Links are applied strongest first — a person's reviewed ``same`` (method ``override``), then
shared authority records (``authority``), then matcher pairs at or above the threshold, best
score first (``matcher``) — with a union-find. Two clusters are never joined when that would
put together a pair a person said is ``different``; a matcher link is also refused when it
would put two entities of one source together (persons and groups) or join a pair whose
comparison is vetoed (two ULAN records, lives that do not overlap), so "A ~ B" and "B ~ C" do
not make A and C one when A and C cannot be. Every refusal is kept for the review.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .entities import Entity
from .scoring import Score

__all__ = ["Cluster", "Link", "Refusal", "cluster_entities"]

METHOD_RANK = {"override": 3, "authority": 2, "matcher": 1, "single": 0}


@dataclass(frozen=True, slots=True)
class Link:
    """Why an entity belongs to its cluster: the strongest link that put it there."""

    member: str
    method: str
    score: float
    evidence: tuple[str, ...] = ()
    partner: str | None = None
    """The entity it was linked with (``override``/``matcher``)."""
    authority: str | None = None
    """The shared authority record (``authority``)."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """A link that was not applied, and why (for the review)."""

    first: str
    second: str
    method: str
    reason: str


@dataclass(slots=True)
class Cluster:
    kind: str
    members: list[str]
    links: dict[str, Link] = field(default_factory=dict)


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {item: item for item in items}
        self.members: dict[str, list[str]] = {item: [item] for item in self.parent}

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> str:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] += self.members.pop(rb)
        return ra


def cluster_entities(  # noqa: PLR0917
    entities: dict[str, Entity],
    scored: list[tuple[Entity, Entity, Score]],
    threshold: float,
    same: Iterable[tuple[str, str, str]] = (),
    different: Iterable[tuple[str, str]] = (),
    score: Callable[[Entity, Entity], Score] | None = None,
) -> tuple[list[Cluster], list[Refusal]]:
    """Group ``entities``; ``same`` holds (a, b, note) and ``different`` (a, b) overrides.

    ``score`` re-scores pairs that blocking never compared, when a matcher link would join
    two clusters (complete linkage on vetoes)."""
    uf = _UnionFind(entities)
    apart = {frozenset(pair) for pair in different}
    refusals: list[Refusal] = []
    edges: dict[str, list[Link]] = defaultdict(list)
    veto_cache: dict[frozenset[str], bool] = {}

    def vetoed(x: str, y: str) -> bool:
        key = frozenset((x, y))
        if key not in veto_cache:
            if score is None:
                veto_cache[key] = False
            else:
                veto_cache[key] = score(entities[x], entities[y]).vetoed
        return veto_cache[key]

    def blocked(a: str, b: str, method: str) -> str | None:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            return None
        if (entities[a].kind == "place") != (entities[b].kind == "place"):
            return "a place and an actor"
        left, right = uf.members[ra], uf.members[rb]
        for x in left:
            for y in right:
                if frozenset((x, y)) in apart:
                    return f"a reviewed 'different' pair would be joined ({x} / {y})"
        if method == "matcher":
            sources = {entities[x].source for x in left if entities[x].kind != "place"}
            for y in right:
                if entities[y].kind != "place" and entities[y].source in sources:
                    return f"two entities of source {entities[y].source} would be joined"
            for x in left:
                for y in right:
                    if vetoed(x, y):
                        return f"{x} and {y} cannot be one"
        return None

    def link(
        a: str, b: str, method: str, value: float, evidence: tuple[str, ...], **kw: str
    ) -> None:
        if a not in entities or b not in entities:
            return
        reason = blocked(a, b, method)
        if reason is not None:
            refusals.append(Refusal(a, b, method, reason))
            return
        uf.union(a, b)
        edges[a].append(Link(a, method, value, evidence, partner=b, **kw))
        edges[b].append(Link(b, method, value, evidence, partner=a, **kw))

    for a, b, note in same:
        link(a, b, "override", 1.0, (f"reviewed: {note}" if note else "reviewed",))
    by_authority: dict[str, list[str]] = defaultdict(list)
    for entity in entities.values():
        for iri in sorted(entity.equivalents):
            by_authority[iri].append(entity.iri)
    for iri, citing in sorted(by_authority.items()):
        for other in citing[1:]:
            link(citing[0], other, "authority", 1.0, (f"both cite {iri}",), authority=iri)
    accepted = sorted(
        (t for t in scored if t[2].value >= threshold and not t[2].vetoed),
        key=lambda t: (-t[2].value, t[0].iri, t[1].iri),
    )
    for one, two, result in accepted:
        link(one.iri, two.iri, "matcher", result.value, tuple(result.evidence))
    clusters = []
    for root in sorted(uf.members, key=lambda r: min(uf.members[r])):
        members = sorted(uf.members[root])
        kinds = {entities[m].kind for m in members}
        kind = "group" if "group" in kinds else kinds.pop()
        cluster = Cluster(kind, members)
        for member in members:
            inside = [e for e in edges.get(member, []) if uf.find(e.partner or member) == root]
            if inside:
                best = max(inside, key=lambda e: (METHOD_RANK[e.method], e.score, e.partner or ""))
            else:
                best = Link(member, "single", 1.0, ("matched no other entity",))
            cluster.links[member] = best
        clusters.append(cluster)
    return clusters, refusals
