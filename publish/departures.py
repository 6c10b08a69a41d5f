"""Parties that leave the data: their IRIs answer 308, 300 or 410, never a bare 404.

A party — a donor, a maker, a former owner known only by name — has an IRI minted from its
record's text (``{base}{source}/person/name-…``, ``…/group/…``), and researchers cite and
follow it. When a re-harvest changes a record so that a party is no longer said anything of
by any live record (the donors' parser now reads "Van Buren, Georgia" as one person, not the
person "Van Buren"; a donor's name was corrected), its IRI would answer 404, as if it had
never been published. So at the batch that makes it vanish (``Shared.vanished``), the
metadata graph gets, with the party's IRI as subject:

- a ``museion:Redirect`` with ``dcterms:isReplacedBy`` each party the same record now names in
  the same role (the property its record links it by: ``crm:P23_transferred_title_from``, a
  production's ``crm:P14_carried_out_by``) and did not before: one answers 308, several 300;
- otherwise a ``museion:Tombstone`` (410 Gone, as for a withdrawn record's entity).

Either says why (``museion:reason``: ``changed``, or ``withdrawn`` when the record itself was),
when (``museion:deletedAt``), by which run (``prov:wasInvalidatedBy``), and which records
named it (``dcterms:isReferencedBy`` their entities, ``museion:recordGraph`` their graphs).
A party some record names again (``Change.revived``) loses it: its IRI describes it again.

What was written stays when the run is applied again after an interruption: the record graphs
may hold their new text by then, and a role could no longer be read from what they held.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from museion_core.vocab import DCTERMS, MUSEION, PROV, RDF, VOID, XSD

if TYPE_CHECKING:
    from store import Store

    from .shared import Change, Shared

__all__ = [
    "CHANGED",
    "WITHDRAWN",
    "Named",
    "is_party",
    "links",
    "named_in",
    "retire",
    "retired_quads",
]

CHANGED = "changed"
"""``museion:reason`` of a party whose last record to name it now names it no longer."""
WITHDRAWN = "withdrawn"
"""``museion:reason`` of a party whose last record to name it was withdrawn."""

_PARTY_KINDS = ("person", "group")


def is_party(base: str, iri: str) -> bool:
    """Whether ``iri`` is an actor or group a source's records mint
    (``{base}{source}/person/{id}``, ``…/group/{id}``), not a node under one."""
    if not iri.startswith(base):
        return False
    parts = iri[len(base) :].split("/")
    return len(parts) == 3 and parts[1] in _PARTY_KINDS and bool(parts[0]) and bool(parts[2])


def links(nquads: bytes, base: str) -> dict[str, set[str]]:
    """The parties a record graph's N-Quads link to, each with the properties it is linked by
    (its roles in the record)."""
    found: dict[str, set[str]] = defaultdict(set)
    if not nquads:
        return found
    for quad in parse(nquads, format=RdfFormat.N_QUADS):
        target = quad.object
        if isinstance(target, NamedNode) and is_party(base, target.value):
            found[target.value].add(quad.predicate.value)
    return found


@dataclass
class Named:
    """What the records of a batch that named a vanished party say of it."""

    records: list[tuple[str, str]] = field(default_factory=list)
    """(entity, graph) of each record that named it."""
    successors: set[str] = field(default_factory=set)


def successors(
    party: str, before: Mapping[str, set[str]], after: Mapping[str, set[str]]
) -> set[str]:
    """The parties a record now links to in a role (a property) it linked ``party`` by, and
    did not link them by before (``before``, ``after``: ``links`` of its old and new text)."""
    roles = before.get(party, set())
    return {
        other
        for other, now in after.items()
        if other != party and (now - before.get(other, set())) & roles
    }


def retired_quads(
    meta: NamedNode,
    dataset: NamedNode,
    run: NamedNode,
    vanished: Mapping[str, Named],
    *,
    reason: str,
    when: str,
) -> list[Quad]:
    """The redirect or tombstone of each vanished party (see the module's docstring)."""
    quads: list[Quad] = []
    for party, named in sorted(vanished.items()):
        node = NamedNode(party)
        targets = sorted(named.successors)
        kind = MUSEION.Redirect if targets else MUSEION.Tombstone
        quads += [
            Quad(node, RDF.type, kind, meta),
            Quad(node, MUSEION.reason, Literal(reason), meta),
            Quad(node, MUSEION.deletedAt, Literal(when, datatype=XSD.dateTime), meta),
            Quad(node, VOID.inDataset, dataset, meta),
            Quad(node, PROV.wasInvalidatedBy, run, meta),
        ]
        quads += [Quad(node, DCTERMS.isReplacedBy, NamedNode(t), meta) for t in targets]
        for entity, graph in sorted(set(named.records)):
            quads.append(Quad(node, DCTERMS.isReferencedBy, NamedNode(entity), meta))
            quads.append(Quad(node, MUSEION.recordGraph, NamedNode(graph), meta))
    return quads


def named_in(
    records: Iterable[tuple[str, str, str]],
    left: Mapping[str, set[str]],
    vanished: set[str],
    texts: Mapping[str, tuple[bytes, bytes]],
    base: str,
) -> dict[str, Named]:
    """Which records of a batch named each vanished party, and whom they name in its place.
    ``records``: (local id, entity, graph) of each; ``left``: the parties each left
    (``Change.left``); ``texts``: each record's graph before and after (N-Quads), where the
    batch knows them (a withdrawn record names no one after, and has no successor)."""
    found: dict[str, Named] = {}
    for local_id, entity, graph in records:
        parties = left.get(local_id, set()) & vanished
        if not parties:
            continue
        old, new = texts.get(local_id, (b"", b""))
        before, after = (links(old, base), links(new, base)) if new else ({}, {})
        for party in parties:
            named = found.setdefault(party, Named())
            named.records.append((entity, graph))
            named.successors |= successors(party, before, after)
    return found


def retire(  # noqa: PLR0917
    store: Store,
    shared: Shared,
    meta: NamedNode,
    dataset: NamedNode,
    run: NamedNode,
    records: Iterable[tuple[str, str, str]],
    change: Change,
    texts: Mapping[str, tuple[bytes, bytes]],
    *,
    reason: str,
    when: str,
) -> None:
    """Write the redirect or tombstone of each party ``change`` makes vanish, and take back
    those of the parties it names again (``records``, ``texts``: as for ``named_in``).
    Before the index takes ``change``: applied again, the run finds the same parties."""
    vanished = shared.vanished(change)
    found = named_in(records, change.left, vanished, texts, shared.base)
    marked = {p for p in [*found, *change.revived] if _marked(store, meta, p)}
    fresh = {p: n for p, n in found.items() if p not in marked}
    revived = [NamedNode(p) for p in sorted(change.revived & marked)]
    if not fresh and not revived:
        return
    quads = retired_quads(meta, dataset, run, fresh, reason=reason, when=when)
    store.replace_subjects(meta, [*revived, *(NamedNode(p) for p in sorted(fresh))], quads)


def _marked(store: Store, meta: NamedNode, party: str) -> bool:
    """Whether the metadata graph says anything of ``party`` (a redirect or a tombstone)."""
    return next(store.subject_quads(meta, NamedNode(party)), None) is not None
