"""The record index: what Museion holds of each partner record, beside the triple store.

One SQLite database (``museion-data/records.sqlite``) with a row per (source, local id): the
raw payload as the partner sent it (compressed), its checksum, the mapping that made its graph,
when it was first seen and last changed, the run that last wrote it, coverage flags for the
partner report, and — once withdrawn — when it was deleted. It answers the questions a harvest
asks at every batch ("is this record unchanged?") without a SPARQL round trip, keeps payloads
for ``museion remap``, and keeps run history for reports.

The triple store stays the truth for what is published; the index is updated after the store
in every batch, so a crash between the two only makes the next run rewrite a few records.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from .index_rows import IndexedRecord, IndexEntry, KnownRecord, RunRow
from .shared import SCHEMA as SHARED_SCHEMA
from .shared import Change
from .sqlite import add_column, rows_in

__all__ = ["IndexEntry", "IndexedRecord", "KnownRecord", "RecordIndex", "RunRow"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    source TEXT NOT NULL,
    local_id TEXT NOT NULL,
    graph TEXT NOT NULL,
    subject TEXT NOT NULL,
    kind TEXT NOT NULL,
    checksum TEXT NOT NULL,
    mapping TEXT NOT NULL,
    media_type TEXT NOT NULL,
    datestamp TEXT,
    origin TEXT,
    provider_id TEXT,
    payload BLOB NOT NULL,
    flags INTEGER NOT NULL DEFAULT 0,
    fields TEXT NOT NULL DEFAULT '',
    entities TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL,
    last_changed TEXT NOT NULL,
    last_run TEXT NOT NULL,
    deleted_at TEXT,
    deleted_run TEXT,
    notes TEXT,
    statements BLOB,
    PRIMARY KEY (source, local_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_by_provider_id ON records (source, provider_id);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    started TEXT NOT NULL,
    ended TEXT,
    status TEXT NOT NULL,
    mapping TEXT NOT NULL,
    counts TEXT NOT NULL DEFAULT '{}',
    reason TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_source ON runs (source, started);
"""


_RECORD_COLUMNS = (
    "source, local_id, graph, subject, kind, checksum, mapping, media_type, datestamp, origin, "
    "provider_id, flags, first_seen, last_changed, last_run, deleted_at, deleted_run"
)


class RecordIndex:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        # An index an earlier Museion made: its records' notes are not known (NULL) until they
        # are mapped again; nor the statements they share, until the store is converted
        # (``publish.layout``).
        add_column(self._db, "records", "notes TEXT")
        add_column(self._db, "records", "statements BLOB")
        self._db.executescript(SHARED_SCHEMA)

    @property
    def db(self) -> sqlite3.Connection:
        """The index's connection, for the shared statements it keeps (``publish.shared``)."""
        return self._db

    def close(self) -> None:
        self._db.close()

    # -- records -------------------------------------------------------------------------
    def known(self, source: str, local_ids: Sequence[str]) -> dict[str, KnownRecord]:
        """{local id: what the index knows} for those of ``local_ids`` the index has."""
        rows = rows_in(
            self._db,
            "SELECT local_id, checksum, mapping, deleted_at IS NULL FROM records "
            "WHERE source = ? AND local_id IN ({marks})",
            local_ids,
            source,
        )
        return {
            local_id: KnownRecord(checksum, mapping, bool(live))
            for local_id, checksum, mapping, live in rows
        }

    def written_by(self, source: str, run_id: str, local_ids: Sequence[str]) -> set[str]:
        """Those of ``local_ids`` whose row the run ``run_id`` wrote last."""
        rows = rows_in(
            self._db,
            "SELECT local_id FROM records WHERE source = ? AND last_run = ? "
            "AND local_id IN ({marks})",
            local_ids,
            source,
            run_id,
        )
        return {local_id for (local_id,) in rows}

    def live_by_provider(self, source: str, provider_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(provider id, local id) of the source's live records its protocol calls by one of
        ``provider_ids``."""
        return [
            (str(provider_id), str(local_id))
            for provider_id, local_id in rows_in(
                self._db,
                "SELECT provider_id, local_id FROM records WHERE source = ? "
                "AND deleted_at IS NULL AND provider_id IN ({marks})",
                provider_ids,
                source,
            )
        ]

    def local_id_of(self, source: str, provider_id: str) -> str | None:
        """The local id of the record the source's protocol calls ``provider_id``."""
        row = self._db.execute(
            "SELECT local_id FROM records WHERE source = ? AND provider_id = ? "
            "ORDER BY deleted_at IS NOT NULL LIMIT 1",
            (source, provider_id),
        ).fetchone()
        return str(row[0]) if row else None

    def get(self, source: str, local_id: str) -> IndexedRecord | None:
        row = self._db.execute(
            f"SELECT {_RECORD_COLUMNS} FROM records WHERE source = ? AND local_id = ?",
            (source, local_id),
        ).fetchone()
        return IndexedRecord(*row) if row else None

    def with_written(
        self, source: str, local_ids: Sequence[str]
    ) -> dict[str, tuple[IndexedRecord, str, str, str | None, bytes | None]]:
        """{local id: its row, and what a run writes beside it (the source fields, entity
        signature, notes and packed shared statements)} of those records."""
        rows = rows_in(
            self._db,
            f"SELECT {_RECORD_COLUMNS}, fields, entities, notes, statements FROM records "
            "WHERE source = ? AND local_id IN ({marks})",
            local_ids,
            source,
        )
        return {str(row[1]): (IndexedRecord(*row[:17]), *row[17:]) for row in rows}

    def live_records(self, source: str) -> Iterator[IndexedRecord]:
        rows = self._db.execute(
            f"SELECT {_RECORD_COLUMNS} FROM records WHERE source = ? AND deleted_at IS NULL "
            "ORDER BY local_id",
            (source,),
        )
        for row in rows:
            yield IndexedRecord(*row)

    def live_ids(self, source: str) -> Iterator[str]:
        rows = self._db.execute(
            "SELECT local_id FROM records WHERE source = ? AND deleted_at IS NULL "
            "ORDER BY local_id",
            (source,),
        )
        for (local_id,) in rows:
            yield local_id

    def fingerprints(self) -> Iterator[tuple[str, str, str, str, str, str]]:
        """Source, graph, subject, kind, entity signature and a token that changes whenever
        the record is written again (the run that wrote it, its checksum and mapping), of
        every live record of every source, in one stable order (what ``search_basis``
        digests)."""
        rows = self._db.execute(
            "SELECT source, graph, subject, kind, entities,"
            " last_run || ' ' || checksum || ' ' || mapping"
            " FROM records WHERE deleted_at IS NULL ORDER BY source, local_id"
        )
        yield from rows

    def first_record(self, source: str) -> tuple[str, str] | None:
        """The local id and graph of one record of ``source`` (a lookup by key), or None."""
        row = self._db.execute(
            "SELECT local_id, graph FROM records WHERE source = ? LIMIT 1", (source,)
        ).fetchone()
        return (str(row[0]), str(row[1])) if row else None

    def count(self, source: str) -> int:
        (n,) = self._db.execute(
            "SELECT COUNT(*) FROM records WHERE source = ? AND deleted_at IS NULL", (source,)
        ).fetchone()
        return int(n)

    def payload(self, source: str, local_id: str) -> bytes | None:
        row = self._db.execute(
            "SELECT payload FROM records WHERE source = ? AND local_id = ?", (source, local_id)
        ).fetchone()
        return zlib.decompress(row[0]) if row else None

    def payloads(self, source: str) -> Iterator[tuple[IndexedRecord, bytes]]:
        """Every live record of a source with its raw payload (for remap and reports)."""
        rows = self._db.execute(
            f"SELECT {_RECORD_COLUMNS}, payload FROM records "
            "WHERE source = ? AND deleted_at IS NULL ORDER BY local_id",
            (source,),
        )
        for row in rows:
            yield IndexedRecord(*row[:-1]), zlib.decompress(row[-1])

    def entities_of(self, source: str, local_ids: Sequence[str]) -> dict[str, str]:
        """{local id: entity signature} of live records (``coverage.entity_signature``)."""
        rows = rows_in(
            self._db,
            "SELECT local_id, entities FROM records WHERE source = ? "
            "AND deleted_at IS NULL AND local_id IN ({marks})",
            local_ids,
            source,
        )
        return dict(rows)

    def kinds_flags_fields(self, source: str) -> Iterator[tuple[str, str, int, str]]:
        """(local id, kind, coverage flags, source fields) of every live record of a source."""
        yield from self._db.execute(
            "SELECT local_id, kind, flags, fields FROM records "
            "WHERE source = ? AND deleted_at IS NULL",
            (source,),
        )

    def fields_of(self, source: str, local_ids: Sequence[str]) -> dict[str, str]:
        """{local id: the source fields its payload fills, one per line} of those records."""
        rows = rows_in(
            self._db,
            "SELECT local_id, fields FROM records WHERE source = ? AND local_id IN ({marks})",
            local_ids,
            source,
        )
        return {str(local_id): str(fields) for local_id, fields in rows}

    def count_filling(self, source: str, field: str) -> int:
        """How many live records of a source fill the source field ``field``."""
        (n,) = self._db.execute(
            "SELECT COUNT(*) FROM records WHERE source = ? AND deleted_at IS NULL "
            "AND instr(char(10) || fields || char(10), char(10) || ? || char(10)) > 0",
            (source, field),
        ).fetchone()
        return int(n)

    def notes(self, source: str) -> Iterator[tuple[str, str]]:
        """(local id, notes) of every live record of a source the mapping noted something of."""
        yield from self._db.execute(
            "SELECT local_id, notes FROM records "
            "WHERE source = ? AND deleted_at IS NULL AND notes != ''",
            (source,),
        )

    def unnoted(self, source: str) -> set[str]:
        """The live records of a source mapped before Museion kept their notes."""
        rows = self._db.execute(
            "SELECT local_id FROM records WHERE source = ? AND deleted_at IS NULL "
            "AND notes IS NULL",
            (source,),
        )
        return {local_id for (local_id,) in rows}

    def flag_counts(self, source: str, bits: Iterable[int]) -> dict[int, int]:
        """How many live records of a source have each coverage bit set."""
        out = {}
        for bit in bits:
            (n,) = self._db.execute(
                "SELECT COUNT(*) FROM records WHERE source = ? AND deleted_at IS NULL "
                "AND (flags & ?) != 0",
                (source, bit),
            ).fetchone()
            out[bit] = int(n)
        return out

    def upsert(self, entries: Iterable[IndexEntry], change: Change | None = None) -> None:
        """Write records a run changed; first_seen is kept from an earlier row, and
        last_changed too while the payload is the same (and the record was not withdrawn).
        ``change``: the counts of the statements they share, written in the same transaction."""
        with self._transaction():
            if change is not None:
                change.apply(self._db)
            self._db.executemany(
                """INSERT INTO records (source, local_id, graph, subject, kind, checksum,
                       mapping, media_type, datestamp, origin, provider_id, payload, flags,
                       fields, entities, first_seen, last_changed, last_run, deleted_at,
                       deleted_run, notes, statements)
                   VALUES (:source, :local_id, :graph, :subject, :kind, :checksum, :mapping,
                       :media_type, :datestamp, :origin, :provider_id, :payload, :flags,
                       :fields, :entities, :first_seen, :last_changed, :run, NULL, NULL,
                       :notes, :statements)
                   ON CONFLICT (source, local_id) DO UPDATE SET
                       graph = excluded.graph, subject = excluded.subject,
                       kind = excluded.kind, checksum = excluded.checksum,
                       mapping = excluded.mapping, media_type = excluded.media_type,
                       datestamp = excluded.datestamp, origin = excluded.origin,
                       provider_id = excluded.provider_id,
                       payload = excluded.payload, flags = excluded.flags,
                       fields = excluded.fields, entities = excluded.entities,
                       notes = excluded.notes, statements = excluded.statements,
                       last_changed = CASE WHEN records.checksum = excluded.checksum
                           AND records.deleted_at IS NULL
                           THEN records.last_changed ELSE excluded.last_changed END,
                       last_run = excluded.last_run,
                       deleted_at = NULL, deleted_run = NULL""",
                [entry.params() for entry in entries],
            )

    def mark_deleted(
        self,
        source: str,
        local_ids: Iterable[str],
        when: str,
        run: str,
        change: Change | None = None,
    ) -> None:
        with self._transaction():
            if change is not None:
                change.apply(self._db)
            self._db.executemany(
                "UPDATE records SET deleted_at = ?, deleted_run = ?, statements = NULL "
                "WHERE source = ? AND local_id = ? AND deleted_at IS NULL",
                [(when, run, source, local_id) for local_id in local_ids],
            )

    def mark_unsettled(self, source: str, local_ids: Sequence[str]) -> None:
        """Records a failed write may have left in the store otherwise than their rows say:
        their mapping is forgotten, so that the next run finds them changed and writes them
        again (a feed as before found them unchanged, and the store kept the failed write)."""
        with self._transaction():
            self._db.executemany(
                "UPDATE records SET mapping = '' WHERE source = ? AND local_id = ?",
                [(source, local_id) for local_id in local_ids],
            )

    def unconverted(self, limit: int) -> list[tuple[str, str, str, str]]:
        """(source, local id, graph, subject) of up to ``limit`` live records whose shared
        statements the index does not know (``publish.layout``)."""
        rows = self._db.execute(
            "SELECT source, local_id, graph, subject FROM records "
            "WHERE deleted_at IS NULL AND statements IS NULL LIMIT ?",
            (limit,),
        )
        return [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]

    def set_statements(self, source: str, packed: dict[str, bytes], change: Change) -> None:
        """Keep records' shared statements (``shared.pack``) and their counts, together."""
        with self._transaction():
            change.apply(self._db)
            self._db.executemany(
                "UPDATE records SET statements = ? WHERE source = ? AND local_id = ?",
                [(digests, source, local_id) for local_id, digests in packed.items()],
            )

    # -- runs ----------------------------------------------------------------------------
    def record_run(self, row: RunRow) -> None:
        with self._transaction():
            self._db.execute(
                """INSERT INTO runs (run_id, source, started, ended, status, mapping, counts,
                       reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (run_id) DO UPDATE SET ended = excluded.ended,
                       status = excluded.status, counts = excluded.counts,
                       reason = excluded.reason""",
                (
                    row.run_id,
                    row.source,
                    row.started,
                    row.ended,
                    row.status,
                    row.mapping,
                    json.dumps(row.counts, sort_keys=True),
                    row.reason,
                ),
            )

    def runs(self, source: str) -> list[RunRow]:
        rows = self._db.execute(
            "SELECT run_id, source, started, ended, status, mapping, counts, reason FROM runs "
            "WHERE source = ? ORDER BY started, run_id",
            (source,),
        )
        return [RunRow(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7]) for r in rows]

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")
