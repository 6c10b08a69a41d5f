"""Statements several records make, held once: in an entity graph, for as long as one live
record makes them.

A record's graph holds what the record says of its own nodes: its object (or person, place…)
and the nodes minted under it, and blank nodes. What it says of anything else — its artist's
names and dates, a place, a term, an exhibition — other records of the source say too: at
10,000 Tate and CMOA records, 526,267 of the 1,494,861 record quads said 8,368 distinct
things (``bench/RESULTS.md``). Written into every record graph, with a default-graph copy of
each triple so that answers held no repeats, they made the store half as large again as its
content, and writing it most of a harvest.

So each such statement is written once, in an *entity graph*: ``{base}graph/entities/{source}``
for the source's own IRIs (``{base}{source}/…``), ``{base}graph/entities`` for any other IRI
(which two sources may both describe). No triple is then held by two graphs, and queries read
the union of the graphs as their default graph: each triple once, with no copy to maintain.

The record index counts, for each statement (by a 64-bit digest of its N-Triples line), the
live records that make it, and keeps each record's digests, so that a record that changes or
leaves takes away what it alone said. The counts change in the same index transaction as the
records' rows; the entity graphs are written before it, subject by subject
(``Store.replace_subjects``), from the counts as they will be. A write cut short is repaired
by applying the run again, which computes the same graphs from the same counts.

A statement a record's own graph holds as well (an artworks' restatement of its artist's
name, when the artist is a record of the source too) stays out of the entity graph while the
record graph holds it, and comes back to it when that record stops saying it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from museion_core.vocab import MUSEION, VOID
from store import Store

from .departures import is_party
from .sqlite import rows_in

__all__ = [
    "SCHEMA",
    "Change",
    "Split",
    "dataset_graphs",
    "entity_graph",
    "entity_graphs_prefix",
    "pack",
    "source_entity_graph",
    "split",
    "unpack",
]

SCHEMA = """
CREATE TABLE IF NOT EXISTS statements (
    digest INTEGER PRIMARY KEY,
    graph TEXT NOT NULL,
    subject TEXT NOT NULL,
    line BLOB NOT NULL,
    holders INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS statements_by_subject ON statements (subject);
CREATE TABLE IF NOT EXISTS entity_graphs (graph TEXT PRIMARY KEY) WITHOUT ROWID;
"""
"""The statements records share, with how many live records make each, and every entity graph
a change has written since the last publish (its last statement gone or not): in the record
index."""


def entity_graphs_prefix(base: str) -> str:
    """What every entity graph's IRI starts with."""
    return f"{base}graph/entities"


def source_entity_graph(base: str, source: str) -> str:
    """The entity graph of what a source's records share about the source's own IRIs."""
    return f"{entity_graphs_prefix(base)}/{source}"


def dataset_graphs(base: str, meta: str, datasets: Mapping[str, str]) -> str:
    """A SPARQL group binding ``?dataset`` to each of its graphs ``?g``: the record graphs the
    metadata graph ``meta`` (an IRI) puts in it, and its source's entity graph (what its
    records share). ``datasets``: each dataset's IRI, with its source's name."""
    shared = " ".join(
        f"(<{dataset}> <{source_entity_graph(base, source)}>)"
        for dataset, source in datasets.items()
    )
    return (
        f"{{ GRAPH <{meta}> {{ ?g a {MUSEION.RecordGraph} ; {VOID.inDataset} ?dataset }} }} "
        f"UNION {{ VALUES (?dataset ?g) {{ {shared} }} }}"
    )


def entity_graph(base: str, subject: str) -> str:
    """The entity graph of statements about ``subject`` (an IRI)."""
    if subject.startswith(base):
        source, slash, _ = subject[len(base) :].partition("/")
        if slash and source:
            return source_entity_graph(base, source)
    return entity_graphs_prefix(base)


def _digest(line: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(line, digest_size=8).digest(), "big", signed=True)


def pack(digests: Iterable[int]) -> bytes:
    return array("q", sorted(digests)).tobytes()


def unpack(packed: bytes | None) -> set[int]:
    found = array("q")
    if packed:
        found.frombytes(packed)
    return set(found)


@dataclass(frozen=True, slots=True)
class Statement:
    graph: str
    subject: str
    line: bytes
    """Its N-Triples line, with its end of line."""


@dataclass(slots=True)
class Split:
    """A record graph's N-Quads, parted: what the record says of its own nodes (``own``, still
    N-Quads of its graph) and what it shares (by digest)."""

    own: bytes
    shared: dict[int, Statement]


def split(nquads: bytes, graph: str, subject: str, base: str) -> Split:
    """Part ``nquads`` (as pyoxigraph wrote them, each line in ``graph``) into the record's own
    statements and those it shares: a statement is the record's own if its subject is
    ``subject``, a node minted under it (``/`` or ``#``) or a blank node, or its object is a
    blank node (whose label means something only inside the record).

    Most lines are the record's own and are told by their start alone. What records share
    recurs from record to record (an artist's names, a term's label), and its digest and
    entity graph are kept for the next record that states it (``_shared``): together, half
    the time a record took (a Tate or CMOA record, 172 lines of which 74 shared)."""
    ending = f" <{graph}> .".encode()
    node = f"<{subject}".encode()
    mine = (node + b">", node + b"/", node + b"#", b"_:")
    lines = nquads.split(b"\n")
    others = [line for line in lines if line and not line.startswith(mine)]
    shared: dict[int, Statement] = {}
    gone: set[bytes] = set()
    cut = len(ending)
    for line in others:
        second = line.find(b" ", line.find(b" ") + 1)
        if line.startswith(b"_:", second + 1) or not line.endswith(ending):
            continue
        digest, statement = _shared(line[:-cut] + b" .\n", base)
        shared[digest] = statement
        gone.add(line)
    if not gone and nquads.endswith(b"\n") and b"\n\n" not in nquads:
        return Split(nquads, shared)  # as it came: the whole text is the record's own
    return Split(b"".join([line + b"\n" for line in lines if line and line not in gone]), shared)


@lru_cache(maxsize=1 << 15)
def _shared(triple: bytes, base: str) -> tuple[int, Statement]:
    """A shared statement's digest, and where it goes (``triple``: its N-Triples line)."""
    iri = triple[1 : triple.index(b" ") - 1].decode()
    return _digest(triple), Statement(entity_graph(base, iri), iri, triple)


@dataclass
class Change:
    """What a batch of records does to the shared statements: their counts after it, and the
    entity graphs' subjects to write again."""

    records: dict[str, set[int]] = field(default_factory=dict)
    """Each record's digests after the batch (an empty set: withdrawn)."""
    holders: dict[int, int] = field(default_factory=dict)
    """The count of every statement the batch touches, after it."""
    added: dict[int, Statement] = field(default_factory=dict)
    """Statements the index does not hold yet."""
    subjects: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """{entity graph: subjects} whose statements the batch changes."""
    left: dict[str, set[str]] = field(default_factory=dict)
    """Each record's parties (``departures.is_party``) it no longer says anything of: who may
    have left the data with it (``Shared.vanished``)."""
    subject_of: dict[int, str] = field(default_factory=dict)
    """The subject of every statement the batch touches."""
    revived: set[str] = field(default_factory=set)
    """Parties a statement of which no live record made before the batch, and one does after:
    their IRIs answer again, whatever retired them (``departures``)."""

    def apply(self, db: sqlite3.Connection) -> None:
        """Write the counts (in the caller's transaction)."""
        kept, gone = [], []
        for digest, holders in self.holders.items():
            if holders <= 0:
                gone.append((digest,))
                continue
            st = self.added.get(digest) or Statement("", "", b"")
            kept.append((digest, st.graph, st.subject, st.line, holders))
        db.executemany(
            "INSERT INTO statements (digest, graph, subject, line, holders) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (digest) DO UPDATE SET holders = excluded.holders",
            kept,
        )
        db.executemany("DELETE FROM statements WHERE digest = ?", gone)
        # The graph is remembered after its last statement leaves: the search documents'
        # reuse must compare it with the snapshot before (``graphs``), until a publish has
        # done so (``Shared.forget_written``).
        db.executemany(
            "INSERT OR IGNORE INTO entity_graphs (graph) VALUES (?)",
            [(graph,) for graph, subjects in self.subjects.items() if subjects],
        )


class Shared:
    """The shared statements of the record index (its ``statements`` table), and the entity
    graphs of the store they are written to."""

    def __init__(self, db: sqlite3.Connection, base: str) -> None:
        self._db = db
        self.base = base

    def digests_of(self, source: str, local_ids: Sequence[str]) -> dict[str, set[int]]:
        rows = rows_in(
            self._db,
            "SELECT local_id, statements FROM records WHERE source = ? AND deleted_at IS NULL "
            "AND local_id IN ({marks})",
            local_ids,
            source,
        )
        return {str(local_id): unpack(packed) for local_id, packed in rows}

    def said_by(self, source: str, local_id: str) -> bytes:
        """The N-Triples of what a live record shares with others (held in the entity graphs):
        with its record graph, all the record said."""
        rows = self._db.execute(
            "SELECT statements FROM records WHERE source = ? AND local_id = ? "
            "AND deleted_at IS NULL",
            (source, local_id),
        ).fetchall()
        digests = sorted(unpack(rows[0][0])) if rows else []
        lines = rows_in(
            self._db,
            "SELECT line FROM statements WHERE digest IN ({marks})",
            [str(d) for d in digests],
        )
        return b"".join(bytes(line) for (line,) in lines)

    def change(
        self,
        source: str,
        records: Mapping[str, Mapping[int, Statement]],
        subjects: Iterable[str] = (),
    ) -> Change:
        """What writing ``records`` (local id → its shared statements; an empty mapping for a
        record withdrawn) does, against what the index holds. ``subjects``: the subjects of
        the records written or withdrawn, whose statements in an entity graph may be held by
        their own graph, or be no longer (written again either way)."""
        before = self.digests_of(source, list(records))
        delta: Counter[int] = Counter()
        offered: dict[int, Statement] = {}
        for local_id, statements in records.items():
            new = set(statements)
            old = before.get(local_id, set())
            delta.update(dict.fromkeys(new - old, 1))
            delta.subtract(dict.fromkeys(old - new, 1))
            offered.update(statements)
        change = self.counted(delta, offered, subjects)
        change.records = {local_id: set(st) for local_id, st in records.items()}
        for local_id, statements in records.items():
            dropped = before.get(local_id, set()) - set(statements)
            left = {
                subject
                for d in dropped
                if (subject := change.subject_of.get(d)) and is_party(self.base, subject)
            }
            if left:
                change.left[local_id] = left
        return change

    def counted(
        self, delta: Mapping[int, int], offered: Mapping[int, Statement], subjects: Iterable[str]
    ) -> Change:
        """The change of ``delta`` (statement → how many more records make it) to the counts
        the index holds; ``offered``: the statements it names, ``subjects`` as for ``change``."""
        change = Change()
        known = {
            int(digest): (int(holders), str(graph), str(subject))
            for digest, holders, graph, subject in rows_in(
                self._db,
                "SELECT digest, holders, graph, subject FROM statements WHERE digest IN ({marks})",
                [str(d) for d, step in delta.items() if step],
            )
        }
        for digest, step in delta.items():
            if not step:
                continue
            held, graph, subject = known.get(digest, (0, "", ""))
            after = held + step
            change.holders[digest] = after
            if digest not in known:
                st = offered[digest]
                change.added[digest] = st
                graph, subject = st.graph, st.subject
            change.subject_of[digest] = subject
            if (held > 0) != (after > 0):
                change.subjects[graph].add(subject)
                if after > 0 and is_party(self.base, subject):
                    change.revived.add(subject)
        for subject in subjects:
            for graph, under in self._subjects_under(subject):
                change.subjects[graph].add(under)
        return change

    def vanished(self, change: Change) -> set[str]:
        """The parties records left in ``change`` (``Change.left``) that no live record says
        anything of after it, nor stands for (a record's own entity): their IRIs no longer
        describe anything."""
        parties = set().union(*change.left.values()) if change.left else set()
        if not parties:
            return set()
        alive = {
            str(subject)
            for digest, subject, holders in rows_in(
                self._db,
                "SELECT digest, subject, holders FROM statements WHERE subject IN ({marks})",
                sorted(parties),
            )
            if change.holders.get(int(digest), int(holders)) > 0
        }
        alive |= {st.subject for d, st in change.added.items() if change.holders.get(d, 0) > 0}
        alive |= {
            str(subject)
            for (subject,) in rows_in(
                self._db,
                "SELECT subject FROM records WHERE deleted_at IS NULL AND subject IN ({marks})",
                sorted(parties - alive),
            )
        }
        return parties - alive

    def _subjects_under(self, subject: str) -> list[tuple[str, str]]:
        """(graph, subject) of the shared statements about ``subject`` or a node under it."""
        return [
            (str(g), str(s))
            for g, s in self._db.execute(
                "SELECT DISTINCT graph, subject FROM statements WHERE subject = ? "
                "OR (subject >= ? AND subject < ?) OR (subject >= ? AND subject < ?)",
                (subject, subject + "/", subject + "0", subject + "#", subject + "$"),
            )
        ]

    def write(self, store: Store, change: Change) -> None:
        """Make the entity graphs say, of each subject the change names, the statements with
        a holder after it, but those a record graph holds (a record's own)."""
        for graph, subjects in change.subjects.items():
            if not subjects:
                continue
            ordered = sorted(subjects)
            lines = self._lines(graph, ordered, change)
            quads = [
                q
                for q in parse(b"".join(lines), format=RdfFormat.N_TRIPLES)
                if not self._held_by_a_record(store, q)
            ]
            node = NamedNode(graph)
            store.replace_subjects(
                node,
                [NamedNode(s) for s in ordered],
                [Quad(q.subject, q.predicate, q.object, node) for q in quads],
            )

    def _held_by_a_record(self, store: Store, quad: Quad) -> bool:
        """Whether a record graph holds ``quad``'s triple (a record's own). Only a record
        graph: what Museion's own graphs hold (the vocabulary, a dataset's description) may
        change without the entity graphs being written again, and a statement left out for
        them would be lost, where one held by both is only read twice."""
        return any(
            isinstance(q.graph_name, NamedNode) and _is_record_graph(self.base, q.graph_name.value)
            for q in store.oxigraph.quads_for_pattern(
                quad.subject, quad.predicate, quad.object, None
            )
        )

    def graphs(self) -> list[str]:
        """The entity graphs the counted statements are in, and those a change emptied: a
        graph whose last statement left since the last publish changed what documents read."""
        return sorted(
            str(g)
            for (g,) in self._db.execute(
                "SELECT graph FROM entity_graphs UNION SELECT DISTINCT graph FROM statements"
            )
        )

    def forget_written(self) -> None:
        """Forget which entity graphs changes wrote, once a snapshot with search documents
        built from them is published: the next publish compares with that snapshot, in
        which a graph a change emptied is empty too, and the graphs that hold statements
        are named by the counts (``graphs``). Kept, the table named every entity graph a
        change ever wrote, to be compared at every publish, for ever: one per source and
        per other name under the base a record ever gave (``{base}partner/...``)."""
        self._db.execute("DELETE FROM entity_graphs")  # the index commits each statement

    def everything(self) -> Change:
        """A change that writes every subject of every entity graph again, as the counts say."""
        change = Change()
        for graph, subject in self._db.execute("SELECT DISTINCT graph, subject FROM statements"):
            change.subjects[str(graph)].add(str(subject))
        return change

    def _lines(self, graph: str, subjects: list[str], change: Change) -> list[bytes]:
        lines: dict[int, bytes] = {}
        for digest, line in rows_in(
            self._db,
            "SELECT digest, line FROM statements WHERE subject IN ({marks})",
            subjects,
        ):
            if change.holders.get(int(digest), 1) > 0:
                lines[int(digest)] = bytes(line)
        wanted = set(subjects)
        for digest, st in change.added.items():
            if st.graph == graph and st.subject in wanted and change.holders.get(digest, 0) > 0:
                lines[digest] = st.line
        return list(lines.values())


def _is_record_graph(base: str, graph: str) -> bool:
    """Whether ``graph`` names a record graph (``{base}{source}/record/{id}``)."""
    if not graph.startswith(base):
        return False
    parts = graph[len(base) :].split("/", 2)
    return len(parts) == 3 and parts[1] == "record"
