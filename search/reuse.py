"""The documents of a snapshot's index, kept beside it so that the next publish can reuse them.

Extracting every object's document from the store is most of a search build (about 80 s at
100,000 records), and a re-harvest that changed 1% of the records changes few documents. A
publish that knows what its documents are made from (a ``Basis``) keeps them in
``<snapshot>.docs.sqlite``:

- ``records``: every object record's graph, subject and a token that changes whenever the
  record is written again (the run that wrote it, its checksum and mapping);
- ``homes``: which graphs state each object's keeper (what makes it an object);
- ``docs``: each object's document (``ObjectDoc`` as compressed JSON);
- ``meta``: the basis' ``context`` (a digest of everything else the documents read) and the
  version of the extraction.

The next build with a basis reuses the previous snapshot's documents when the context and the
extraction are the same. The caller vouches (``publish.search_basis``) that what changed since
is then only the object records' graphs. The graphs whose token changed (written again, added
or withdrawn) are the ones touched, and their objects (at home in them before or now) are
extracted again, by the same queries restricted to them; the other documents are taken from the
previous file, unless another document may read what a touched record changed:

- one of its own nodes (those about its subject and the nodes minted under it, ``<subject>``,
  ``<subject/...>``; before, read from the previous snapshot, or now) is the object of a
  statement whose subject is not one of that record's own nodes, in any graph but the
  bookkeeping ones. That is how any other document would reach them: an object made at a place
  that has a record of its own (the mappings' records are of kind "object" unless they are
  persons), an object pointing at another, a person whose name node it is;
- a line it says about other nodes (a person's name, a place's label), said before or now but
  not both, appears in or leaves the merge the documents read (no other graph states it), and
  its subject is an object or is pointed at from anywhere but touched records' own nodes: a
  second name for a place other objects were made at. A new record that names persons, places
  and terms as others already do, or names new ones only it points at, changes nothing there;
- an aggregate of reconciliation's that changed, or that such a line is about or that stands
  for its subject, has a member pointed at from anywhere but touched records' own nodes
  (documents read aggregates from their members: every name of every member). A record that
  says anything is a ``museion:Aggregate`` is never reused around.

Then, as when the context differs, every document is extracted again.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import pyoxigraph
from pyoxigraph import BlankNode, DefaultGraph, NamedNode, QuerySolutions, Triple

from mappings import aat_table_digest
from museion_core import instants, vocab
from museion_core.errors import StoreError
from museion_core.vocab import CRM, LA, MUSEION, RDF
from store import Store

from . import extract
from .extract import ObjectDoc, extract_objects, values_blocks

__all__ = ["Basis", "docs_path", "documents"]

DOCS_SUFFIX = ".docs.sqlite"
EXTRACTION = hashlib.sha256(
    b"".join(
        Path(m.__file__).read_bytes() if m.__file__ else m.__name__.encode()
        for m in (extract, instants, vocab)
    )
    + aat_table_digest().encode()
    + pyoxigraph.__version__.encode()
).hexdigest()[:16]
"""The version of the extraction: a digest of the code that makes documents from the store
(``search.extract``, the reading of dates it calls, the vocabulary its queries name, the AAT
table a lender's own term is read through) and of the query engine's version, so that
documents an earlier version kept are not reused."""

_KEEPER = CRM.P50_has_current_keeper
"""What makes a node an object: its keeper stated (in the graph that is its home)."""

_DEPTH = 32
"""How many pointers away from a changed line ``_Change`` looks for the objects that may read
it before it gives up (every document is then extracted again): a place within a place within
a region is a few; a chain of hundreds would exhaust Python's stack."""

REUSE_LIMIT = 0.1
"""Above this share of the records touched, every document is extracted again. A touched
record costs the checks about 2.6-2.8 ms, a document extracted with all the others about
0.5 ms: at 10,000 records, reusing took 3.5-3.6 s with 9% of them changed or added (full
build 4.7-5.1 s) but 6.3-7.5 s with 19-20% (full build 4.7-6.5 s)."""

_SCHEMA = """
PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE records(graph TEXT NOT NULL, subject TEXT NOT NULL, token TEXT NOT NULL);
CREATE TABLE homes(graph TEXT NOT NULL, iri TEXT NOT NULL, PRIMARY KEY(graph, iri))
    WITHOUT ROWID;
CREATE TABLE docs(iri TEXT PRIMARY KEY, doc BLOB NOT NULL) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Basis:
    """What a publish's documents are made from, as far as reusing them needs to know."""

    context: str
    """A digest of everything the documents read beyond the object records' own lines."""
    records: Callable[[], Iterable[tuple[str, str, str]]]
    """Every live object record's graph, subject and token."""
    bookkeeping: tuple[str, ...] = ()
    """Graphs no document reads a path through (provenance): their statements about a
    record's nodes do not keep its neighbours' documents from being reused."""
    aggregates: tuple[str, ...] = ()
    """Graphs of aggregates (reconciliation's), left out of the context: what changed in them
    is compared here, aggregate by aggregate, as the records' shared lines are."""
    shared: tuple[str, ...] = ()
    """Graphs of what records share (an artist's names, a place), held once for all the
    records that say it (``publish.shared``), left out of the context: what changed in them
    is compared here, line by line, as what a touched record says of other nodes."""


def docs_path(snapshot: Path) -> Path:
    return snapshot.with_name(snapshot.name + DOCS_SUFFIX)


def encode(doc: ObjectDoc) -> bytes:
    # vars(), not dataclasses.asdict: that deep-copies every list, a tenth of a full build.
    text = json.dumps(vars(doc), ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode(), 1)


def decode(blob: bytes) -> ObjectDoc:
    return ObjectDoc(**json.loads(zlib.decompress(blob)))


def documents(
    store: Store,
    snapshot: Path,
    basis: Basis,
    previous: Path | None,
    write: Callable[[Iterable[ObjectDoc]], int],
) -> int:
    """Hand ``write`` the documents of ``store`` in IRI order (reusing those of the snapshot
    ``previous`` where the basis allows), and keep them beside ``snapshot``; what ``write``
    returned (the number indexed).

    The file is written to ``.tmp``, flushed to disk and renamed once the index is written:
    a crash leaves no half-kept documents for the next build to trust."""
    target = docs_path(snapshot)
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    with closing(sqlite3.connect(tmp)) as db:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO records VALUES (?,?,?)", basis.records())
        db.commit()  # (a database is attached outside a transaction only)
        touched = _touched(db, basis, previous)
        stale = None
        if touched is not None and previous is not None:
            try:
                stale = _stale(db, store, touched, previous, basis)
            except (sqlite3.DatabaseError, StoreError, OSError):  # a damaged file or snapshot
                stale = None
        reused: Iterator[tuple[ObjectDoc, bytes]] = iter(())
        if stale is None:
            db.execute("DELETE FROM homes")
            _insert_homes(db, store, None)
            fresh = extract_objects(store)
        else:
            fresh = extract_objects(store, stale)
            reused = _reused(db)
        counts = {"extracted": 0, "reused": 0}
        merged = heapq.merge(
            ((doc, encode(doc), "extracted") for doc in fresh),
            ((doc, blob, "reused") for doc, blob in reused),
            key=lambda item: item[0].iri,
        )

        def kept() -> Iterator[ObjectDoc]:
            for doc, blob, how in merged:
                counts[how] += 1
                db.execute("INSERT INTO docs VALUES (?,?)", (doc.iri, blob))
                yield doc

        indexed = write(kept())
        db.executemany(
            "INSERT INTO meta VALUES (?,?)",
            [
                ("context", basis.context),
                ("extraction", EXTRACTION),
                ("touched", "all" if stale is None or touched is None else str(len(touched))),
                *((key, str(value)) for key, value in counts.items()),
            ],
        )
        db.commit()
    with tmp.open("rb") as done:
        os.fsync(done.fileno())
    tmp.replace(target)
    return indexed


def _touched(db: sqlite3.Connection, basis: Basis, previous: Path | None) -> list[str] | None:
    """The record graphs that changed since the documents kept at ``previous`` (attached as
    ``old``), or None when they cannot be reused: none kept, a damaged file, another context
    or extraction, or too many touched."""
    if previous is None or not docs_path(previous).is_file():
        return None
    try:
        db.execute("ATTACH DATABASE ? AS old", (str(docs_path(previous)),))
        kept = dict(db.execute("SELECT key, value FROM old.meta").fetchall())
        if kept.get("context") != basis.context or kept.get("extraction") != EXTRACTION:
            return None
        touched = [
            graph
            for (graph,) in db.execute(
                "SELECT graph FROM (SELECT graph, subject, token FROM main.records"
                " EXCEPT SELECT graph, subject, token FROM old.records)"
                " UNION SELECT graph FROM (SELECT graph, subject, token FROM old.records"
                " EXCEPT SELECT graph, subject, token FROM main.records)"
            )
        ]
        (records,) = db.execute("SELECT count(*) FROM main.records").fetchone()
    except sqlite3.DatabaseError:
        return None
    return None if len(touched) > REUSE_LIMIT * max(records, 1) else touched


def _stale(
    db: sqlite3.Connection,
    store: Store,
    touched: list[str],
    previous: Path,
    basis: Basis,
) -> list[str] | None:
    """The objects at home in a touched graph before (``old.homes``) or now (the store): the
    ones extracted again, the homes of the others carried over. None: another document may
    read a touched record's own lines (see the module), so every one is extracted again."""
    db.execute("CREATE TEMP TABLE touched(graph TEXT PRIMARY KEY) WITHOUT ROWID")
    db.executemany("INSERT INTO temp.touched VALUES (?)", ((g,) for g in touched))
    db.execute("CREATE TEMP TABLE stale(iri TEXT PRIMARY KEY) WITHOUT ROWID")
    own_objects = _own_objects(db, store, touched, previous, basis)
    if own_objects is None:
        return None
    homes = set(
        db.execute(
            "SELECT graph, iri FROM old.homes WHERE graph IN (SELECT graph FROM temp.touched)"
        )
    )
    for graph in touched:  # a lookup per graph: a VALUES query took seconds
        quads = store.oxigraph.quads_for_pattern(None, _KEEPER, None, NamedNode(graph))
        homes.update((graph, q.subject.value) for q in quads if isinstance(q.subject, NamedNode))
    objects = own_objects | {iri for _, iri in homes}
    db.executemany("INSERT OR IGNORE INTO temp.stale VALUES (?)", ((o,) for o in objects))
    stale = [iri for (iri,) in db.execute("SELECT iri FROM temp.stale ORDER BY iri")]
    db.execute(
        "INSERT INTO homes SELECT graph, iri FROM old.homes"
        " WHERE iri NOT IN (SELECT iri FROM temp.stale)"
    )
    _insert_homes(db, store, stale)
    return stale


def _own_objects(
    db: sqlite3.Connection,
    store: Store,
    touched: list[str],
    previous: Path,
    basis: Basis,
) -> set[str] | None:
    """The touched records' own nodes that are objects (their keeper stated anywhere), to be
    extracted again too; None if a statement other than one of a touched record's own lines
    in its own graph points at one of its own nodes, in any graph but the bookkeeping ones,
    or if what else a touched record changed may change untouched documents (``_Change``).
    Own nodes are those of the previous snapshot (a node the record no longer states may
    still be pointed at) and of the store now; the statements are looked up in the store."""
    subjects: dict[str, str] = {}  # graph -> the record's subject, before and now
    for graph, subject in db.execute(
        "SELECT graph, subject FROM main.records WHERE graph IN (SELECT graph FROM temp.touched)"
        " UNION SELECT graph, subject FROM old.records"
        " WHERE graph IN (SELECT graph FROM temp.touched)"
    ):
        if subjects.setdefault(graph, subject) != subject:
            return None  # the record's subject changed: not a change of its own lines
    before = Store(previous, read_only=True)
    try:
        change = _Change(before, store, subjects, basis)
        homes = change.own_nodes(touched)
        if homes is None or not change.aggregates_kept():
            return None
    finally:
        before.close()
    skipped = " ".join(f"<{graph}>" for graph in basis.bookkeeping)
    unless = f"FILTER(?g NOT IN ({skipped})) " if skipped else ""
    for values in values_blocks("n", sorted(homes)):
        results = store.query(
            f"SELECT DISTINCT ?g ?x ?n WHERE {{ {values}GRAPH ?g {{ ?x ?p ?n }} {unless}}}"
        )
        assert isinstance(results, QuerySolutions)
        for graph, pointing, node in results:
            home = homes[node.value]
            inside = isinstance(pointing, NamedNode) and _own(pointing.value, subjects[home])
            if graph.value != home or not inside:
                return None
    found = store.oxigraph.quads_for_pattern
    return {node for node in homes if next(found(NamedNode(node), _KEEPER, None, None), None)}


class _Change:
    """What the touched records changed beyond their own lines, the previous snapshot
    (``before``) against the store now: whether every untouched document stays as it was.

    Documents read the default graph, the union of every graph, along paths from an object
    outwards, and from a maker or place to its aggregate (reconciliation's, ``la:equivalent``
    to each partner entity it stands for) and every name of that aggregate's members. So a
    change is harmless if it leaves the merge as it was (another graph still states the line,
    or already did), or if what it changed is read by touched objects alone: nothing points at
    it but a touched record's own nodes in its own graph, or an aggregate whose members are
    each read by touched objects alone."""

    def __init__(self, before: Store, store: Store, subjects: dict[str, str], basis: Basis):
        self.sources, self.subjects, self.basis = (before, store), subjects, basis
        self.aggregates: set[str] = set()
        """Aggregates whose members must be read by touched objects alone."""
        self.read: dict[str, bool] = {}
        """Nodes looked at by ``read_by_touched``, with the answer."""
        self.merged: tuple[dict[Triple, bool], dict[Triple, bool]] = ({}, {})
        """Lines looked up in the default graph of each source, with the answer."""

    def own_nodes(self, touched: list[str]) -> dict[str, str] | None:
        """Each own node of a touched record (before or now) with the graph of its record;
        None if a node is own to two touched records (nested subjects), or if what a touched
        record says of other nodes changed what untouched documents read."""
        homes: dict[str, str] = {}
        for graph in touched:
            shared: list[set[Triple]] = []  # what it says of other nodes, before and now
            for source in self.sources:
                shared.append(set())
                for quad in source.graph_quads(NamedNode(graph)):
                    if quad.object == MUSEION.Aggregate:
                        return None  # reconciliation's to say: its documents' reverse edge
                    node = quad.subject
                    if not (isinstance(node, NamedNode) and _own(node.value, self.subjects[graph])):
                        shared[-1].add(quad.triple)
                    elif homes.setdefault(node.value, graph) != graph:
                        return None
            if not self.shared_kept(*shared):
                return None
        for graph in self.basis.shared:
            was, now = ({q.triple for q in s.graph_quads(NamedNode(graph))} for s in self.sources)
            if not self.shared_kept(was - now, now - was):
                return None
        return homes

    def shared_kept(self, was: set[Triple], now: set[Triple]) -> bool:
        """Whether the lines about nodes not its own that a touched record said before
        (``was``) or says now (``now``) but not both leave the untouched documents as they
        were. A line it says now is in the merge now: the question is whether it was before;
        a line it said before was in the merge then: whether it still is."""
        subjects_changed: set[NamedNode] = set()
        for lines, other in ((now - was, 0), (was - now, 1)):
            for triple in lines:
                if not isinstance(triple.subject, NamedNode) or isinstance(
                    triple.object, BlankNode
                ):
                    return False  # a blank node's label differs from one write to the next
                if not self._in_merge(triple, other):
                    subjects_changed.add(triple.subject)
        return all(self.read_by_touched(node) for node in subjects_changed)

    def _in_merge(self, triple: Triple, source: int) -> bool:
        """Whether ``sources[source]`` holds ``triple`` in any graph (asked once: the records
        of a network name the same persons, places and terms again and again)."""
        known = self.merged[source].get(triple)
        if known is None:
            store = self.sources[source]
            lines = store.oxigraph.quads_for_pattern(
                triple.subject,
                triple.predicate,
                triple.object,
                DefaultGraph() if store.merged_default else None,
            )
            known = self.merged[source][triple] = next(lines, None) is not None
        return known

    def aggregates_kept(self) -> bool:
        """Whether the aggregates that changed (any line about one or a node minted under it,
        added or gone), and those the changed lines reach, are read by touched objects
        alone: each of their members, before or now."""
        for graph in self.basis.aggregates:
            was, now = (_aggregate_digests(s, NamedNode(graph)) for s in self.sources)
            if was is None or now is None:
                return False
            self.aggregates |= {a for a in was.keys() | now.keys() if was.get(a) != now.get(a)}
        checked: set[str] = set()
        while pending := self.aggregates - checked:
            for aggregate in pending:
                checked.add(aggregate)
                for source in self.sources:
                    links = source.oxigraph.quads_for_pattern
                    for link in links(NamedNode(aggregate), LA.equivalent, None):
                        member = link.object
                        if not (isinstance(member, NamedNode) and self.read_by_touched(member)):
                            return False
        return True

    def read_by_touched(self, node: NamedNode, depth: int = 0) -> bool:
        """Whether only the touched records' objects, extracted again, may read ``node``'s
        lines: it is no object (before or now), and everything that points at it in any graph
        but the bookkeeping ones is a touched record's own node in its own graph, an
        aggregate, or a node read by touched objects alone itself (a person's name node,
        pointed at from the person), up to ``_DEPTH`` pointers away. A node that is an
        aggregate, or an aggregate that points at it, is noted for ``aggregates_kept``: a
        document reads an aggregate from its members, against the direction of its links.
        The pointers are looked up before and now: untouched graphs should be the same in
        both, but a write the record index missed would make them differ."""
        known = self.read.get(node.value)
        if known is None:
            self.read[node.value] = True  # while it is looked at: a cycle adds nothing
            known = self.read[node.value] = self._read_by_touched(node, depth)
        return known

    def _read_by_touched(self, node: NamedNode, depth: int) -> bool:
        if depth > _DEPTH:
            return False
        for source in self.sources:
            found = source.oxigraph.quads_for_pattern
            if next(found(node, _KEEPER, None, None), None):
                return False  # an object's document reads its lines directly
            if next(found(node, RDF.type, MUSEION.Aggregate, None), None):
                self.aggregates.add(node.value)
        pointers = (s.oxigraph.quads_for_pattern(None, None, node, None) for s in self.sources)
        for quad in chain.from_iterable(pointers):
            graph, pointing = quad.graph_name, quad.subject
            if isinstance(graph, DefaultGraph) or graph.value in self.basis.bookkeeping:
                continue
            if not isinstance(pointing, NamedNode):
                return False
            if graph.value in self.basis.aggregates and quad.predicate == LA.equivalent:
                self.aggregates.add(pointing.value)
                continue
            home = self.subjects.get(graph.value)
            inside = home is not None and _own(pointing.value, home)
            if not (inside or self.read_by_touched(pointing, depth + 1)):
                return False
        return True


def _aggregate_digests(source: Store, graph: NamedNode) -> dict[str, int] | None:
    """Each aggregate of ``graph`` (a subject ``la:equivalent`` to something) with a digest
    of its lines and those of the nodes minted under it; None if a line is about anything
    else, or has a blank node."""
    found = source.oxigraph.quads_for_pattern
    aggregates = {
        link.subject.value
        for link in found(None, LA.equivalent, None, graph)
        if isinstance(link.subject, NamedNode)
    }
    digests: dict[str, int] = {}
    for quad in source.graph_quads(graph):
        subject = quad.subject
        if not isinstance(subject, NamedNode) or isinstance(quad.object, BlankNode):
            return None
        owner = subject.value
        while owner not in aggregates and "/" in owner:
            owner = owner.rsplit("/", 1)[0]
        if owner not in aggregates:
            return None
        line = hashlib.blake2b(str(quad.triple).encode(), digest_size=16).digest()
        digests[owner] = (digests.get(owner, 0) + int.from_bytes(line)) % 2**128
    return digests


def _own(node: str, subject: str) -> bool:
    """A record's own node: its subject or an IRI minted under it (as ``entity_signature``)."""
    return node == subject or node.startswith(subject + "/")


def _reused(db: sqlite3.Connection) -> Iterator[tuple[ObjectDoc, bytes]]:
    """The previous documents of every object not extracted again, in IRI order."""
    rows = db.execute(
        "SELECT doc FROM old.docs WHERE iri NOT IN (SELECT iri FROM temp.stale) ORDER BY iri"
    )
    for (blob,) in rows:
        yield decode(blob), blob


def _insert_homes(db: sqlite3.Connection, store: Store, objects: list[str] | None) -> None:
    """The graphs stating the keeper of ``objects`` (None: of every object)."""
    for values in values_blocks("o", objects):
        db.executemany("INSERT OR IGNORE INTO homes VALUES (?,?)", _homes(store, values))


def _homes(store: Store, values: str) -> Iterator[tuple[str, str]]:
    """(graph, object) pairs of the keepers of the objects ``values`` names (a ``VALUES ?o``
    block, or empty: of every object)."""
    results = store.query(f"SELECT ?g ?o WHERE {{ {values}GRAPH ?g {{ ?o {_KEEPER} ?k }} }}")
    assert isinstance(results, QuerySolutions)
    for graph, iri in results:
        yield graph.value, iri.value
