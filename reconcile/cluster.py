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

from museion_core import messages

from .entities import Entity
from .scoring import Score, ScoredPair

__all__ = ["ALONE", "Cluster", "Link", "Refusal", "cluster_entities"]

METHOD_RANK = {"override": 3, "authority": 2, "matcher": 1, "single": 0}
ALONE = "matched no other entity"
"""The reason given for an entity no other matched (the pages translate it: keep it so)."""


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
    scored: list[ScoredPair] | list[tuple[Entity, Entity, Score]],
    threshold: float,
    same: Iterable[tuple[str, str, str]] = (),
    different: Iterable[tuple[str, str]] = (),
    score: Callable[[Entity, Entity], Score] | None = None,
) -> tuple[list[Cluster], list[Refusal]]:
    """Group ``entities``; ``same`` holds (a, b, note) and ``different`` (a, b) overrides.

    ``score`` re-scores pairs that blocking never compared, when a matcher link would join
    two clusters (complete linkage on vetoes)."""
    run = _Clustering(entities, different, score)
    for a, b, note in same:
        said = messages.MATCH_REVIEWED_SAYING(note=note) if note else messages.MATCH_REVIEWED()
        run.link(a, b, "override", 1.0, (said,))
    by_authority: dict[str, list[str]] = defaultdict(list)
    for entity in entities.values():
        for iri in sorted(entity.equivalents):
            by_authority[iri].append(entity.iri)
    for iri, citing in sorted(by_authority.items()):
        for other in citing[1:]:
            said = messages.MATCH_AUTHORITY(iri=iri)
            run.link(citing[0], other, "authority", 1.0, (said,), authority=iri)
    accepted = sorted(
        (t for t in scored if t[2].value >= threshold and not t[2].vetoed),
        key=lambda t: (-t[2].value, t[0].iri, t[1].iri),
    )
    for one, two, result in accepted:
        run.link(one.iri, two.iri, "matcher", result.value, tuple(result.evidence))
    return run.clusters(), run.refusals


class _Clustering:
    """The union-find of one clustering, the links applied and the links refused."""

    def __init__(
        self,
        entities: dict[str, Entity],
        different: Iterable[tuple[str, str]],
        score: Callable[[Entity, Entity], Score] | None,
    ) -> None:
        self.entities = entities
        self.uf = _UnionFind(entities)
        self.apart = {frozenset(pair) for pair in different}
        self.score = score
        self.refusals: list[Refusal] = []
        self.edges: dict[str, list[Link]] = defaultdict(list)
        self.veto_cache: dict[frozenset[str], bool] = {}

    def vetoed(self, x: str, y: str) -> bool:
        key = frozenset((x, y))
        if key not in self.veto_cache:
            scored = self.score(self.entities[x], self.entities[y]) if self.score else None
            self.veto_cache[key] = scored is not None and scored.vetoed
        return self.veto_cache[key]

    def blocked(self, a: str, b: str, method: str) -> str | None:
        """Why linking ``a`` and ``b`` would join what must stay apart (None: it would not)."""
        entities = self.entities
        ra, rb = self.uf.find(a), self.uf.find(b)
        if ra == rb:
            return None
        if (entities[a].kind == "place") != (entities[b].kind == "place"):
            return "a place and an actor"
        left, right = self.uf.members[ra], self.uf.members[rb]
        pairs = [(x, y) for x in left for y in right]
        for x, y in pairs:
            if frozenset((x, y)) in self.apart:
                return f"a reviewed 'different' pair would be joined ({x} / {y})"
        if method != "matcher":
            return None
        sources = {entities[x].source for x in left if entities[x].kind != "place"}
        for y in right:
            if entities[y].kind != "place" and entities[y].source in sources:
                return f"two entities of source {entities[y].source} would be joined"
        for x, y in pairs:
            if self.vetoed(x, y):
                return f"{x} and {y} cannot be one"
        return None

    def link(
        self, a: str, b: str, method: str, value: float, evidence: tuple[str, ...], **kw: str
    ) -> None:
        if a not in self.entities or b not in self.entities:
            return
        reason = self.blocked(a, b, method)
        if reason is not None:
            self.refusals.append(Refusal(a, b, method, reason))
            return
        self.uf.union(a, b)
        self.edges[a].append(Link(a, method, value, evidence, partner=b, **kw))
        self.edges[b].append(Link(b, method, value, evidence, partner=a, **kw))

    def clusters(self) -> list[Cluster]:
        """Each cluster with, for each member, the strongest link that put it there."""
        uf = self.uf
        found = []
        for root in sorted(uf.members, key=lambda r: min(uf.members[r])):
            members = sorted(uf.members[root])
            kinds = {self.entities[m].kind for m in members}
            cluster = Cluster("group" if "group" in kinds else kinds.pop(), members)
            for member in members:
                inside = [
                    e for e in self.edges.get(member, []) if uf.find(e.partner or member) == root
                ]
                if inside:
                    best = max(
                        inside, key=lambda e: (METHOD_RANK[e.method], e.score, e.partner or "")
                    )
                else:
                    best = Link(member, "single", 1.0, (ALONE,))
                cluster.links[member] = best
            found.append(cluster)
        return found
