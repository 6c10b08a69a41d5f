"""What reconciliation writes: aggregate entities, their links' provenance, and redirects.

Aggregates live in their own named graph, ``{base}graph/reconciliation``:

    <{base}person/{id}> a crm:E21_Person ;            # E74_Group, E53_Place
        crm:P2_has_type museion:aggregate ;               # Linked Art: classified_as
        rdfs:label "Pablo Picasso" ;                     # the best label per language
        crm:P1_is_identified_by <{base}person/{id}/name/1> ;
        la:equivalent <{base}tate/person/1767>, <{base}cmoa/person/...>,   # each member
                      <http://vocab.getty.edu/ulan/500009666> .            # and authority

The metadata graph ``{base}meta`` says why: the aggregate is a ``museion:Aggregate``; each
``la:equivalent`` to a member is annotated by a ``museion:ReconciliationLink`` (an
``owl:Axiom`` on that triple) with ``museion:method``, ``museion:score`` and
``museion:evidence``; a retired aggregate IRI is a ``museion:Redirect`` with
``dcterms:isReplacedBy`` its successor(s), or a ``museion:Tombstone`` when nothing replaced it;
a merge survivor ``dcterms:replaces`` what it absorbed, and a split-off part
``prov:wasDerivedFrom`` the aggregate it left. Nothing here carries a time, so re-running on
the same data writes nothing.

Both graphs are written as diffs, subject by subject (``Store.replace_subjects``), so a run that
changes a few clusters rewrites only those.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions

from mappings import decimal_literal
from museion_core.vocab import AAT, CRM, DCTERMS, LA, MUSEION, OWL, PROV, RDF, RDFS, XSD
from store import Store

from .cluster import Cluster
from .entities import Entity
from .registry import Retired

__all__ = [
    "AGGREGATE_KINDS",
    "aggregate_iri",
    "aggregate_quads",
    "best_labels",
    "link_quads",
    "reconciliation_graph",
    "retired_quads",
    "write_subjects",
]

AGGREGATE_KINDS = {"person": CRM.E21_Person, "group": CRM.E74_Group, "place": CRM.E53_Place}


def reconciliation_graph(base: str) -> NamedNode:
    return NamedNode(f"{base}graph/reconciliation")


def aggregate_iri(base: str, kind: str, ident: str) -> NamedNode:
    return NamedNode(f"{base}{kind}/{ident}")


def best_labels(members: Iterable[Entity]) -> list[tuple[str, str | None]]:
    """One label per language: the one most members use, then the longest (most complete:
    "R. B. Kitaj" over "R.B. Kitaj"), then the first in sort order."""
    by_language: dict[str | None, Counter[str]] = defaultdict(Counter)
    for entity in members:
        for text, language in entity.labels or [(entity.label(), None)]:
            by_language[language][text] += 1
    chosen = []
    for language in sorted(by_language, key=lambda lang: lang or ""):
        counts = by_language[language]
        text = min(counts, key=lambda t: (-counts[t], -len(t), t))
        chosen.append((text, language))
    return chosen


def _literal(text: str, language: str | None) -> Literal:
    return Literal(text, language=language) if language else Literal(text)


def aggregate_quads(
    graph: NamedNode, iri: NamedNode, cluster: Cluster, entities: dict[str, Entity]
) -> list[Quad]:
    members = [entities[m] for m in cluster.members]
    quads = [
        Quad(iri, RDF.type, AGGREGATE_KINDS[cluster.kind], graph),
        Quad(iri, CRM.P2_has_type, MUSEION.aggregate, graph),
    ]
    for n, (text, language) in enumerate(best_labels(members), start=1):
        name = NamedNode(f"{iri.value}/name/{n}")
        quads += [
            Quad(iri, RDFS.label, _literal(text, language), graph),
            Quad(iri, CRM.P1_is_identified_by, name, graph),
            Quad(name, RDF.type, CRM.E33_E41_Linguistic_Appellation, graph),
            Quad(name, CRM.P2_has_type, AAT.PRIMARY_NAME, graph),
            Quad(name, CRM.P190_has_symbolic_content, _literal(text, language), graph),
        ]
    authorities = sorted({a for e in members for a in e.equivalents})
    for target in [*cluster.members, *authorities]:
        quads.append(Quad(iri, LA.equivalent, NamedNode(target), graph))
    return quads


def link_iri(aggregate: NamedNode, member: str) -> NamedNode:
    key = hashlib.sha256(member.encode("utf-8")).hexdigest()[:16]
    return NamedNode(f"{aggregate.value}/link/{key}")


def link_quads(meta: NamedNode, iri: NamedNode, cluster: Cluster) -> list[Quad]:
    quads = [Quad(iri, RDF.type, MUSEION.Aggregate, meta)]
    for member in cluster.members:
        link = cluster.links[member]
        node = link_iri(iri, member)
        quads += [
            Quad(node, RDF.type, MUSEION.ReconciliationLink, meta),
            Quad(node, RDF.type, OWL.Axiom, meta),
            Quad(node, OWL.annotatedSource, iri, meta),
            Quad(node, OWL.annotatedProperty, LA.equivalent, meta),
            Quad(node, OWL.annotatedTarget, NamedNode(member), meta),
            Quad(node, MUSEION.method, Literal(link.method), meta),
            Quad(node, MUSEION.score, decimal_literal(Decimal(f"{link.score:.4f}")), meta),
        ]
        quads += [Quad(node, MUSEION.evidence, Literal(e), meta) for e in link.evidence]
        if link.partner and link.partner != member:
            quads.append(Quad(node, MUSEION.matchedWith, NamedNode(link.partner), meta))
        if link.authority:
            quads.append(Quad(node, MUSEION.authority, NamedNode(link.authority), meta))
    return quads


def retired_quads(  # noqa: PLR0917
    meta: NamedNode,
    base: str,
    retired: Iterable[Retired],
    live_kinds: dict[str, str],
    lineage: dict[str, set[str]],
    retired_kinds: dict[str, str],
) -> list[Quad]:
    """Redirects and tombstones of retired aggregate IRIs; ``replaces`` and
    ``wasDerivedFrom`` on the live aggregates that took their members."""
    quads: list[Quad] = []
    for gone in retired:
        old = aggregate_iri(base, gone.kind, gone.id)
        targets = [t for t in gone.replaced_by if t in live_kinds]
        if targets:
            quads.append(Quad(old, RDF.type, MUSEION.Redirect, meta))
            quads.append(Quad(old, MUSEION.reason, Literal(gone.status), meta))
            for target in targets:
                new = aggregate_iri(base, live_kinds[target], target)
                quads.append(Quad(old, DCTERMS.isReplacedBy, new, meta))
                if gone.status == "merged":
                    quads.append(Quad(new, DCTERMS.replaces, old, meta))
        else:
            quads += [
                Quad(old, RDF.type, MUSEION.Tombstone, meta),
                Quad(old, MUSEION.reason, Literal("its partner entities were withdrawn"), meta),
            ]
            if gone.retired:
                quads.append(
                    Quad(old, MUSEION.deletedAt, Literal(gone.retired, datatype=XSD.dateTime), meta)
                )
    for ident, parents in sorted(lineage.items()):
        if ident not in live_kinds:
            continue
        new = aggregate_iri(base, live_kinds[ident], ident)
        for parent in sorted(parents):
            kind = live_kinds.get(parent) or retired_kinds.get(parent)
            if kind:
                quads.append(
                    Quad(new, PROV.wasDerivedFrom, aggregate_iri(base, kind, parent), meta)
                )
    return quads


def _by_subject(quads: Iterable[Quad]) -> dict[NamedNode, set[Quad]]:
    grouped: dict[NamedNode, set[Quad]] = defaultdict(set)
    for quad in quads:
        if isinstance(quad.subject, NamedNode):
            grouped[quad.subject].add(quad)
    return grouped


def existing_subject_quads(store: Store, graph: NamedNode, subjects_query: str) -> list[Quad]:
    """The quads of ``graph`` whose subject the SPARQL pattern ``subjects_query`` binds as
    ``?s``."""
    results = store.query(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ {{ SELECT DISTINCT ?s WHERE {{ "
        f"{subjects_query} }} }} ?s ?p ?o }} }}"
    )
    assert isinstance(results, QuerySolutions)
    quads = []
    for row in results:
        s, p, o = row["s"], row["p"], row["o"]
        if isinstance(s, NamedNode) and isinstance(p, NamedNode) and o is not None:
            quads.append(Quad(s, p, o, graph))
    return quads


def write_subjects(
    store: Store, graph: NamedNode, before: Iterable[Quad], after: Iterable[Quad]
) -> int:
    """Make the subjects of ``before`` ∪ ``after`` say exactly ``after`` in ``graph``;
    returns how many subjects changed."""
    old, new = _by_subject(before), _by_subject(after)
    changed = [s for s in set(old) | set(new) if old.get(s, set()) != new.get(s, set())]
    if not changed:
        return 0
    changed.sort(key=lambda s: s.value)
    quads = [q for s in changed for q in sorted(new.get(s, ()), key=str)]
    for start in range(0, len(changed), 2000):
        chunk = changed[start : start + 2000]
        chunk_set = set(chunk)
        store.replace_subjects(graph, chunk, [q for q in quads if q.subject in chunk_set])
    return len(changed)
