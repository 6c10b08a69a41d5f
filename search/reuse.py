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
is then only the records' own lines: those about their subject and the nodes minted under it
(``<subject>``, ``<subject/...>``), the lines ``coverage.entity_signature`` leaves out. The
graphs whose token changed are the ones touched, and their objects (at home in them before or
now) are extracted again, by the same queries restricted to them; the other documents are
taken from the previous file, unless another document may read a touched record's own lines:
one of its own nodes (before, read from the previous snapshot, or now) is the object of a
statement whose subject is not one of that record's own nodes, in any graph but the bookkeeping
ones. That is how any other document would reach them: an object made at a place that has a
record of its own (the mappings' records are of kind "object" unless they are persons), an
object pointing at another, a person whose name node it is. Then, as when the context differs,
every document is extracted again.
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
from pathlib import Path

import pyoxigraph
from pyoxigraph import NamedNode, QuerySolutions

from museion_core import instants, vocab
from museion_core.errors import StoreError
from museion_core.vocab import CRM
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
    + pyoxigraph.__version__.encode()
).hexdigest()[:16]
"""The version of the extraction: a digest of the code that makes documents from the store
(``search.extract``, the reading of dates it calls, the vocabulary its queries name) and of
the query engine's version, so that documents an earlier version kept are not reused."""

_KEEPER = CRM.P50_has_current_keeper
"""What makes a node an object: its keeper stated (in the graph that is its home)."""

REUSE_LIMIT = 0.3
"""Above this share of the records touched, every document is extracted again (as fast, and
one code path fewer to trust)."""

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
                stale = _stale(db, store, touched, previous, basis.bookkeeping)
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
    bookkeeping: tuple[str, ...],
) -> list[str] | None:
    """The objects at home in a touched graph before (``old.homes``) or now (the store): the
    ones extracted again, the homes of the others carried over. None: another document may
    read a touched record's own lines (see the module), so every one is extracted again."""
    db.execute("CREATE TEMP TABLE touched(graph TEXT PRIMARY KEY) WITHOUT ROWID")
    db.executemany("INSERT INTO temp.touched VALUES (?)", ((g,) for g in touched))
    db.execute("CREATE TEMP TABLE stale(iri TEXT PRIMARY KEY) WITHOUT ROWID")
    own_objects = _own_objects(db, store, touched, previous, bookkeeping)
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
    bookkeeping: tuple[str, ...],
) -> set[str] | None:
    """The touched records' own nodes that are objects (their keeper stated anywhere), to be
    extracted again too; None if a statement other than one of a touched record's own lines
    in its own graph points at one of its own nodes, in any graph but the bookkeeping ones.
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
    homes: dict[str, str] = {}  # own node -> the graph of the record it belongs to
    before = Store(previous, read_only=True)
    try:
        for source in (before, store):
            for graph in touched:
                for quad in source.graph_quads(NamedNode(graph)):
                    node = quad.subject
                    if not (isinstance(node, NamedNode) and _own(node.value, subjects[graph])):
                        continue
                    if homes.setdefault(node.value, graph) != graph:
                        return None  # own to two touched records (nested subjects)
    finally:
        before.close()
    skipped = " ".join(f"<{graph}>" for graph in bookkeeping)
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
