"""A harvest run's staged changes, kept on disk until the run passes its gates.

A run first harvests and maps into ``museion-data/runs/<source>/<run-id>/run.sqlite``: every
new or changed record with its quads (N-Quads) and payload, every withdrawn record, every
quarantined record, the ids seen. Nothing in the working store changes yet. If the run passes
its quality gates it is *applied* to the working store (idempotently, so an interrupted apply
is simply applied again) and published; if not, it is *held* with its reason until
``museion publish SOURCE --force``.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .sqlite import add_column, rows_in
from .staged import (
    Change,
    QuarantinedRecord,
    RecordNotes,
    RunKind,
    RunStatus,
    StagedRecord,
    pack_quads,
    statement_count,
)

__all__ = [
    "Change",
    "QuarantinedRecord",
    "RecordNotes",
    "Run",
    "RunKind",
    "RunStatus",
    "StagedRecord",
    "pack_quads",
    "statement_count",
]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS staged (
    local_id TEXT PRIMARY KEY,
    change TEXT NOT NULL,
    graph TEXT NOT NULL,
    subject TEXT NOT NULL,
    kind TEXT NOT NULL,
    checksum TEXT NOT NULL,
    media_type TEXT NOT NULL,
    datestamp TEXT,
    origin TEXT,
    provider_id TEXT,
    payload BLOB NOT NULL,
    quads BLOB NOT NULL,
    flags INTEGER NOT NULL,
    fields TEXT NOT NULL,
    entities TEXT NOT NULL,
    notes TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS removed (local_id TEXT PRIMARY KEY, reason TEXT NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen (local_id TEXT PRIMARY KEY, checksum TEXT NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quarantined (
    origin TEXT PRIMARY KEY, local_id TEXT, reason TEXT NOT NULL, payload BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS standing (
    origin TEXT PRIMARY KEY, local_id TEXT, reason TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS warnings (text TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS unparsed (
    kind TEXT NOT NULL, text TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (kind, text)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS unread_texts (
    kind TEXT NOT NULL, text TEXT NOT NULL, field TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (kind, text, field)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edits (local_id TEXT PRIMARY KEY, edits TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS local_terms (
    scheme TEXT NOT NULL, label TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (scheme, label)
) WITHOUT ROWID;
"""


class Run:
    """One run's staging database. Created by ``Run.create``, reopened by ``Run.open``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._db = sqlite3.connect(directory / "run.sqlite", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        # A run an earlier Museion staged: its records' notes are not known (NULL).
        add_column(self._db, "staged", "notes TEXT")

    @classmethod
    def create(cls, directory: Path, **info: Any) -> Run:
        directory.mkdir(parents=True, exist_ok=False)
        run = cls(directory)
        run.set_info(status=RunStatus.STAGING, **info)
        return run

    @classmethod
    def open(cls, directory: Path) -> Run:
        if not (directory / "run.sqlite").is_file():
            raise FileNotFoundError(directory / "run.sqlite")
        return cls(directory)

    @property
    def run_id(self) -> str:
        return self.directory.name

    @contextlib.contextmanager
    def _written(self) -> Iterator[None]:
        """One transaction: what the block writes is kept whole, or, if it fails midway (a
        value SQLite refuses, a full disk, the entries' reader failing), none of it is."""
        self._db.execute("BEGIN")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:  # SQLite rolled back already on a full disk
                self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._db.close()

    def discard(self) -> None:
        self.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    # -- info ----------------------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._db.execute("SELECT key, value FROM info")}

    def set_info(self, **values: Any) -> None:
        self._db.executemany(
            "INSERT INTO info (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(k, json.dumps(v)) for k, v in values.items()],
        )

    @property
    def status(self) -> RunStatus:
        return RunStatus(self.info()["status"])

    # -- staging -------------------------------------------------------------------------
    def stage(
        self,
        records: Iterable[StagedRecord],
        seen: Iterable[tuple[str, str]],
        removed: Iterable[tuple[str, str]],
        quarantined: Iterable[QuarantinedRecord],
        info: dict[str, Any] | None = None,
    ) -> None:
        """Add one batch, with the harvester's checkpoint after it, in one transaction: a run
        resumed after a crash continues exactly after its last staged batch."""
        with self._written():
            if info:
                self.set_info(**info)
            self._db.executemany(
                f"INSERT OR REPLACE INTO staged VALUES ({', '.join('?' * 16)})",
                [
                    (
                        r.local_id,
                        r.change,
                        r.graph,
                        r.subject,
                        r.kind,
                        r.checksum,
                        r.media_type,
                        r.datestamp,
                        r.origin,
                        r.provider_id,
                        zlib.compress(r.payload, 1),
                        r.packed,
                        r.flags,
                        r.fields,
                        r.entities,
                        r.notes,
                    )
                    for r in records
                ],
            )
            # A record kept for an unreadable row is seen with no checksum (""): a readable
            # row of it later in the feed takes its place.
            self._db.executemany(
                "INSERT INTO seen VALUES (?, ?) ON CONFLICT (local_id) DO UPDATE SET "
                "checksum = excluded.checksum WHERE seen.checksum = ''",
                list(seen),
            )
            self._db.executemany("INSERT OR REPLACE INTO removed VALUES (?, ?)", list(removed))
            self._db.executemany(
                "INSERT OR REPLACE INTO quarantined VALUES (?, ?, ?, ?)",
                [(o, i, r, zlib.compress(p, 6)) for o, i, r, p in quarantined],
            )

    def quarantine_staged(self, record: StagedRecord, reason: str) -> None:
        """Move a staged record the store refused to the quarantine, and correct the counts:
        applying the run again (recovery) then no longer tries it."""
        info = self.info()
        counts = dict(info.get("counts", {}))
        if counts.get(record.change):
            counts[record.change] -= 1
        counts["quarantined"] = counts.get("quarantined", 0) + 1
        if record.change == "new" and counts.get("records_after"):
            counts["records_after"] -= 1
        with self._written():
            self._db.execute("DELETE FROM staged WHERE local_id = ?", (record.local_id,))
            self._db.execute(
                "INSERT OR REPLACE INTO quarantined VALUES (?, ?, ?, ?)",
                (
                    record.origin or record.local_id,
                    record.local_id,
                    reason,
                    zlib.compress(record.payload, 6),
                ),
            )
            self.set_info(counts=counts)

    def unstage(self, local_ids: list[str]) -> None:
        """Take records out of the run's staged ones: they are what the store holds already
        (``held_output.drop_held``), so applying the run has nothing of them to write. They
        stay seen (a record the run read, not one the partner withdrew)."""
        with self._written():
            for start in range(0, len(local_ids), 500):
                chunk = local_ids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                self._db.execute(f"DELETE FROM staged WHERE local_id IN ({marks})", chunk)

    def count_terms(
        self,
        warnings: dict[str, int],
        terms: dict[tuple[str, str], int],
        unparsed: dict[tuple[str, str, str], int] | None = None,
    ) -> None:
        """Add a batch's warnings, unmatched terms and unreadable date/dimension texts."""
        self._db.executemany(
            "INSERT INTO unread_texts VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, text, field) DO UPDATE SET n = n + excluded.n",
            [(kind, text, at, n) for (kind, text, at), n in (unparsed or {}).items()],
        )
        self._db.executemany(
            "INSERT INTO warnings VALUES (?, ?) "
            "ON CONFLICT (text) DO UPDATE SET n = n + excluded.n",
            list(warnings.items()),
        )
        self._db.executemany(
            "INSERT INTO local_terms VALUES (?, ?, ?) "
            "ON CONFLICT (scheme, label) DO UPDATE SET n = n + excluded.n",
            [(s, label, n) for (s, label), n in terms.items()],
        )

    def seen_checksums(self, local_ids: list[str]) -> dict[str, str]:
        """{local id: payload checksum} of those ``local_ids`` this run has already read."""
        rows = rows_in(
            self._db, "SELECT local_id, checksum FROM seen WHERE local_id IN ({marks})", local_ids
        )
        return dict(rows)

    def quarantined_origins(self, origins: list[str]) -> set[str]:
        rows = rows_in(
            self._db, "SELECT origin FROM quarantined WHERE origin IN ({marks})", origins
        )
        return {origin for (origin,) in rows}

    def seen_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT local_id FROM seen")}

    # -- reading -------------------------------------------------------------------------
    def staged_count(self, change: Change) -> int:
        """How many records the run staged as ``change``."""
        row = self._db.execute("SELECT COUNT(*) FROM staged WHERE change = ?", (change.value,))
        return int(row.fetchone()[0])

    def staged_graphs(self, change: Change, batch: int = 500) -> Iterator[list[tuple[str, str]]]:
        """(local id, graph) of the records staged as ``change``, batch by batch."""
        cursor = self._db.execute(
            "SELECT local_id, graph FROM staged WHERE change = ? ORDER BY local_id",
            (change.value,),
        )
        while rows := cursor.fetchmany(batch):
            yield [(str(local_id), str(graph)) for local_id, graph in rows]

    def staged(self, batch: int = 500) -> Iterator[list[StagedRecord]]:
        cursor = self._db.execute("SELECT * FROM staged ORDER BY local_id")
        while rows := cursor.fetchmany(batch):
            yield [
                StagedRecord(
                    r[0],
                    Change(r[1]),
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    r[7],
                    r[8],
                    r[9],
                    zlib.decompress(r[10]),
                    r[11],
                    r[12],
                    r[13],
                    r[14],
                    r[15],
                )
                for r in rows
            ]

    def changed_fields(self, batch: int = 500) -> Iterator[list[tuple[str, str]]]:
        """(local id, source fields) of the records staged as changed, in batches (no
        payload is read: for the gates)."""
        cursor = self._db.execute(
            "SELECT local_id, fields FROM staged WHERE change = ? ORDER BY local_id",
            (Change.CHANGED.value,),
        )
        while rows := cursor.fetchmany(batch):
            yield [(str(local_id), str(fields)) for local_id, fields in rows]

    def staged_payloads(self, local_ids: list[str]) -> dict[str, tuple[str, bytes]]:
        """{local id: (media type, payload)} of those ``local_ids`` the run staged."""
        found: dict[str, tuple[str, bytes]] = {}
        for start in range(0, len(local_ids), 500):
            chunk = local_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for local_id, media_type, payload in self._db.execute(
                f"SELECT local_id, media_type, payload FROM staged WHERE local_id IN ({marks})",
                chunk,
            ):
                found[str(local_id)] = (str(media_type), zlib.decompress(payload))
        return found

    def note_edits(self, edits: dict[str, str]) -> None:
        """Keep, by local id, what changed in a changed record (a JSON text) for its report."""
        with self._written():
            self._db.executemany("INSERT OR REPLACE INTO edits VALUES (?, ?)", edits.items())

    def edits(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT local_id, edits FROM edits"))

    def staged_origins(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT origin FROM staged WHERE origin != ''")]

    def staged_providers(self) -> dict[str, str]:
        """{provider id: local id} of the records the run staged under a provider's id."""
        rows = self._db.execute(
            "SELECT provider_id, local_id FROM staged WHERE provider_id IS NOT NULL "
            "AND provider_id != ''"
        )
        return {str(provider_id): str(local_id) for provider_id, local_id in rows}

    def staged_names(self) -> set[str]:
        """The ids the run staged records under, and their providers' identifiers (an OAI-PMH
        record's, when its id is its ``lidoRecID``)."""
        rows = self._db.execute("SELECT local_id, provider_id FROM staged")
        return {name for row in rows for name in row if name}

    def staged_ids(self, change: str) -> list[str]:
        return [
            r[0]
            for r in self._db.execute(
                "SELECT local_id FROM staged WHERE change = ? ORDER BY local_id", (change,)
            )
        ]

    def removed_count(self) -> int:
        """How many records the run staged for removal."""
        return int(self._db.execute("SELECT COUNT(*) FROM removed").fetchone()[0])

    def removed(self) -> list[tuple[str, str]]:
        return list(self._db.execute("SELECT local_id, reason FROM removed ORDER BY local_id"))

    def quarantined(self) -> list[QuarantinedRecord]:
        return [
            QuarantinedRecord(o, i, r, zlib.decompress(p))
            for o, i, r, p in self._db.execute(
                "SELECT origin, local_id, reason, payload FROM quarantined ORDER BY rowid"
            )
        ]

    def note_standing(self, entries: Iterable[QuarantinedRecord]) -> None:
        """Keep the entries of the source's quarantine that earlier runs left and this run
        leaves (``quarantine.standing_quarantine``), for its report; their payloads stay in
        the store only. All of them or, if one fails, the notes as they were."""
        with self._written():
            self._db.execute("DELETE FROM standing")
            self._db.executemany(
                "INSERT OR REPLACE INTO standing VALUES (?, ?, ?)",
                [(e.origin, e.local_id, e.reason) for e in entries],
            )

    def standing(self) -> list[QuarantinedRecord]:
        """What ``note_standing`` kept (none for a run noted before it was kept), in order."""
        return [
            QuarantinedRecord(o, i, r, b"")
            for o, i, r in self._db.execute(
                "SELECT origin, local_id, reason FROM standing "
                "ORDER BY coalesce(local_id, ''), origin"
            )
        ]

    def warnings(self) -> list[tuple[str, int]]:
        return list(self._db.execute("SELECT text, n FROM warnings ORDER BY n DESC, text"))

    def unparsed(self) -> list[tuple[str, str, str, int]]:
        """(kind, text, source field, times) of the texts kept without values; a run an
        earlier Museion staged names no field (``""``: its table ``unparsed`` had none)."""
        return list(
            self._db.execute(
                "SELECT kind, text, field, n FROM unread_texts UNION ALL "
                "SELECT kind, text, '', n FROM unparsed ORDER BY kind, 4 DESC, text, field"
            )
        )

    def local_terms(self) -> list[tuple[str, str, int]]:
        return list(
            self._db.execute(
                "SELECT scheme, label, n FROM local_terms ORDER BY scheme, n DESC, label"
            )
        )
