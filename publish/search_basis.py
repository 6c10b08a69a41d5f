"""What the search documents of a publish are made from (``search.Basis``), so that the next
publish may reuse those of the records it did not touch (``search.reuse``).

The search index reads each object's own lines (its record graph's statements about the object
and the nodes minted under its IRI) and shared ones: the persons, places and terms records name
(held once in the entity graphs, ``publish.shared``, compared line by line by ``search.reuse``),
the aggregates reconciliation makes, Museion's vocabulary and each partner's dataset. A record's
token (``RecordIndex.fingerprints``) changes whenever the record is written again; everything
else goes into the context digest, so that any change to it makes the next build extract every
document again:

- every record that is not an object (a person's own record) with its entity signature and
  token: its own lines are what other objects' documents read;
- the quads of the graphs outside the records that the documents read: the vocabulary and
  each source's dataset.

An object record's lines are not in the digest, nor are reconciliation's aggregates (one for
every person and place, so a record naming a new one adds an aggregate), so that adding,
changing or withdrawing an object record leaves the context alone: ``search.reuse`` compares the
touched records' graphs and the aggregates before and after itself (a record that gives a
person other objects name a second name makes every document be extracted again; one that
names persons and places as others already do, or new ones only it names, does not).

The metadata graph (runs, record provenance, tombstones, reconciliation's evidence) is left out:
it changes with every run, and the one thing documents read from it, that an aggregate is a
``museion:Aggregate``, reconciliation writes together with the aggregate's links in its own graph,
which is digested. It is the basis' bookkeeping graph: its statements about a record's nodes do
not keep the documents of other objects from being reused (``search.reuse``). Writes the record
index does not see (the endpoint's SPARQL Update, a run that failed or whose batch the store
refused part-way) make the workspace forget the documents (``Workspace.forget_search_documents``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from pyoxigraph import NamedNode

from mappings import Minter
from search import Basis
from store import Store

from .index import RecordIndex
from .provenance import meta_graph, vocabulary_graph
from .shared import Shared, entity_graphs_prefix, source_entity_graph

__all__ = ["search_basis", "search_basis_published"]

_OBJECT = "object"


def search_basis(
    store: Store,
    index: RecordIndex,
    base_iri: str,
    *,
    aggregates: Iterable[NamedNode] = (),
) -> Basis:
    """The basis of the documents of ``store`` as it stands. ``aggregates``: graphs of
    aggregates (the reconciliation's), which ``search.reuse`` compares aggregate by aggregate
    rather than digesting them."""
    digest = hashlib.sha256(base_iri.encode())
    sources: set[str] = set()
    for source, graph, subject, kind, entities, token in index.fingerprints():
        sources.add(source)
        if kind != _OBJECT:
            digest.update(f"{graph}\t{subject}\t{kind}\t{entities}\t{token}\n".encode())
    graphs = [vocabulary_graph(base_iri), *(Minter(base_iri, s).dataset() for s in sources)]
    for named in sorted(graphs, key=lambda g: g.value):
        digest.update(f"graph {named}\n".encode())
        for quad in store.graph_quads(named):
            digest.update(f"{quad}\n".encode())

    def records() -> Iterator[tuple[str, str, str]]:
        for _, graph, subject, kind, _, token in index.fingerprints():
            if kind == _OBJECT:
                yield graph, subject, token

    return Basis(
        digest.hexdigest(),
        records,
        bookkeeping=(meta_graph(base_iri).value,),
        aggregates=tuple(sorted(g.value for g in aggregates)),
        shared=tuple(
            sorted(
                {
                    entity_graphs_prefix(base_iri),
                    *(source_entity_graph(base_iri, s) for s in sources),
                    *Shared(index.db, base_iri).graphs(),
                }
            )
        ),
    )


def search_basis_published(index: RecordIndex, base_iri: str) -> None:
    """A snapshot is published with search documents built on ``search_basis``: the entity
    graphs changes wrote before it need no comparing again (``Shared.forget_written``)."""
    Shared(index.db, base_iri).forget_written()
