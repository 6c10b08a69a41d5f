"""The embedded engine: one SQLite database per published snapshot, with an FTS5 table.

```
docs        one row per object: what a hit shows, and the date, size and image columns
fts         FTS5 (contentless): the folded texts (body) and Arabic skeletons (abjad)
facet_values, doc_facets   partner, maker, type, material and place values, and who has them
```

The database is written once, beside its snapshot, and opened read-only (``immutable``) by
readers: many threads and processes can query it at once without locks.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mappings import fold_script
from museion_core.errors import QueryError, StoreError

from .bitsets import Masks, bitmap, load_masks, members, write_masks
from .engine import VALUE_FACETS, Hit, SearchRequest, SearchResult
from .extract import ObjectDoc, extract_objects
from .text import index_forms, match_expression

if TYPE_CHECKING:
    from store import Store

__all__ = ["FtsEngine"]

_LEADING = re.compile(r"^[\W\d_]+")
FACET_TOP = 25
"""Values listed per facet (the most frequent, and any the request selected)."""
SIZE_BUCKETS = (30, 50, 100, 200, 300, 500)
RANK_LIMIT = 5000
"""Matches are ranked by relevance (BM25) up to this many; more are listed by title, since
ranking every one of a very broad match costs more than it tells."""
SCHEMA_VERSION = 5
_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE docs(
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, title TEXT, title_lang TEXT,
    partner TEXT, source TEXT, makers TEXT, date TEXT, begin INTEGER, "end" INTEGER, image TEXT,
    longest REAL, sort TEXT);
CREATE TABLE nums(
    id INTEGER PRIMARY KEY, source TEXT, begin INTEGER, "end" INTEGER, image INTEGER,
    longest REAL, century INTEGER, size INTEGER);
CREATE VIRTUAL TABLE fts USING fts5(
    body, abjad, content='', tokenize="unicode61 remove_diacritics 2", prefix='2 3');
CREATE TABLE facet_values(
    fid INTEGER PRIMARY KEY, key TEXT NOT NULL, value TEXT NOT NULL, folded TEXT NOT NULL);
CREATE TABLE doc_facets(doc INTEGER NOT NULL, fid INTEGER NOT NULL, PRIMARY KEY(doc, fid))
    WITHOUT ROWID;
"""
_INDEXES = """
CREATE INDEX facet_lookup ON facet_values(key, folded);
CREATE INDEX doc_facets_fid ON doc_facets(fid, doc);
CREATE INDEX docs_sort ON docs(sort);
"""


def _facet_values(doc: ObjectDoc) -> dict[str, list[str]]:
    return {
        "partner": [doc.partner],
        "maker": doc.makers,
        "type": doc.types,
        "material": doc.materials,
        "place": doc.places,
    }


@dataclass
class _Index:
    """What a search process keeps of one index: facet values and the bitmaps."""

    values: dict[int, tuple[str, str]]
    """fid -> (facet, value)"""
    lookup: dict[tuple[str, str], list[int]]
    """(facet, folded value) -> fids"""
    masks: Masks


class FtsEngine:
    """SQLite FTS5: in the standard library, one file per snapshot, no server to run."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._indexes: dict[Path, _Index] = {}  # shared by the threads: the bitmaps are large
        self._open: set[sqlite3.Connection] = set()  # every thread's, so close() reaches them

    def close(self) -> None:
        """Close the connections every thread opened (a server's threads outlive no engine)."""
        with self._lock:
            for db in self._open:
                db.close()
            self._open.clear()
            self._indexes.clear()

    # -- building -------------------------------------------------------------------------
    def build(self, store: Store, target: Path, base_iri: str = "") -> int:
        return self.write(extract_objects(store), target, base_iri)

    def write(self, docs: Iterable[ObjectDoc], target: Path, base_iri: str = "") -> int:
        """Write the index of ``docs`` to ``target`` (a temporary file, then renamed).

        A list is sorted by IRI here; any other iterable must come in IRI order (as
        ``extract_objects`` yields them), and is written a chunk at a time, never held."""
        if isinstance(docs, list):
            docs = sorted(docs, key=lambda d: d.iri)
        tmp = target.with_name(target.name + ".tmp")
        tmp.unlink(missing_ok=True)
        db = sqlite3.connect(tmp)
        try:
            db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            count = _insert(db, docs)
            db.executescript(_INDEXES)
            db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
            write_masks(db)
            db.execute("CREATE TEMP VIEW everything AS SELECT id FROM docs")
            db.execute(
                "INSERT INTO meta VALUES ('everything', ?)",
                [json.dumps(_counts(db, "temp.everything"))],
            )
            db.executemany(
                "INSERT INTO meta VALUES (?,?)",
                [
                    ("schema", str(SCHEMA_VERSION)),
                    ("base_iri", base_iri),
                    ("count", str(count)),
                ],
            )
            db.commit()
        finally:
            db.close()
        os.replace(tmp, target)
        return count

    # -- searching ------------------------------------------------------------------------
    def _connection(self, target: Path) -> tuple[sqlite3.Connection, _Index]:
        """One read-only connection per thread and index file (a new snapshot, a new file)."""
        cache: dict[Path, sqlite3.Connection] = getattr(self._local, "cache", None) or {}
        self._local.cache = cache
        if target not in cache or cache[target] not in self._open:
            with self._lock:
                for old in cache.values():
                    old.close()
                    self._open.discard(old)
            cache.clear()
            cache[target] = _open(target)
            with self._lock:
                self._open.add(cache[target])
        db = cache[target]
        with self._lock:
            if target not in self._indexes:
                self._indexes.clear()
                self._indexes[target] = _load(db)
            return db, self._indexes[target]

    def _everything(self, db: sqlite3.Connection) -> _Counts:
        """The counts over every object, stored at build time (the empty search page)."""
        (text,) = db.execute("SELECT value FROM meta WHERE key = 'everything'").fetchone()
        summary, counts, centuries = json.loads(text)
        return tuple(summary), [tuple(c) for c in counts], [tuple(c) for c in centuries]

    def search(self, target: Path, request: SearchRequest) -> SearchResult:
        db, index = self._connection(target)
        match = match_expression(request.text)
        bits: int | None = None
        try:
            if not match and not _filtered(request):  # counted when the index was built
                summary, counts, centuries = self._everything(db)
            else:
                bits = _matches(db, index, request, match)
                summary, counts, centuries = _bit_counts(db, index, bits, request)
            rows = _page(db, index.masks, bits, match, request)
        except sqlite3.OperationalError as exc:
            raise QueryError(f"the search could not be run: {exc}", http_status=400) from exc
        hits = [
            Hit(
                iri=iri,
                title=title or iri,
                title_language=lang,
                partner=partner or "",
                makers=json.loads(makers or "[]"),
                date=date,
                image=image,
            )
            for iri, title, lang, partner, makers, date, image in rows
        ]
        return SearchResult(
            total=summary[0] or 0,
            hits=hits,
            facets=_facets(request, index.values, counts, centuries, summary),
            snapshot=target.name,
        )


_CHUNK = 1000
"""Objects written per ``executemany``."""


def _insert(db: sqlite3.Connection, docs: Iterable[ObjectDoc]) -> int:
    """The rows of ``docs``, ``nums``, ``fts``, ``facet_values`` and ``doc_facets``, a chunk of
    objects at a time (numbered 1, 2, ... in the order given: IRI order); the objects written."""
    fids: dict[tuple[str, str], int] = {}
    number = 0
    previous = ""
    stream = iter(docs)
    while chunk := list(islice(stream, _CHUNK)):
        doc_rows, fts_rows, links = [], [], []
        for doc in chunk:
            if doc.iri <= previous:
                raise StoreError(f"search documents out of IRI order at {doc.iri}")
            previous = doc.iri
            number += 1
            makers = json.dumps(
                doc.makers + [f"after {name}" for name in doc.after], ensure_ascii=False
            )
            doc_rows.append(
                (
                    number,
                    doc.iri,
                    doc.title,
                    doc.title_language,
                    doc.partner,
                    doc.source,
                    makers,
                    doc.date,
                    doc.begin,
                    doc.end,
                    doc.image,
                    doc.longest_cm,
                    _sort_key(doc.title),
                )
            )
            texts = [doc.title, *doc.texts, doc.partner, *doc.makers, *doc.places]
            fts_rows.append((number, *index_forms(texts)))
            for key, values in _facet_values(doc).items():
                for value in dict.fromkeys(v for v in values if v):
                    fid = fids.setdefault((key, value), len(fids) + 1)
                    links.append((number, fid))
        db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", doc_rows)
        db.executemany("INSERT INTO fts(rowid, body, abjad) VALUES (?,?,?)", fts_rows)
        db.executemany("INSERT OR IGNORE INTO doc_facets VALUES (?,?)", links)
    db.execute(  # the columns filters and counts read, in rows a tenth as wide
        'INSERT INTO nums SELECT id, source, begin, "end", image IS NOT NULL, longest,'
        " begin / 100 - (begin < 0), CASE"
        + "".join(f" WHEN longest <= {n} THEN {i}" for i, n in enumerate(SIZE_BUCKETS))
        + " END FROM docs"
    )
    db.executemany(
        "INSERT INTO facet_values VALUES (?,?,?,?)",
        ((fid, k, v, _folded(v)) for (k, v), fid in fids.items()),
    )
    return number


@lru_cache(maxsize=65536)
def _folded(text: str) -> str:
    """``fold_script``, cached: titles and facet values repeat."""
    return fold_script(text)


def _open(target: Path) -> sqlite3.Connection:
    if not target.is_file():
        raise StoreError(
            f"the published snapshot has no search index ({target.name}); "
            "run `museion reindex` to build it"
        )
    db = sqlite3.connect(
        f"{target.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
    )
    try:
        version = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.DatabaseError:  # not an index at all (no meta table, not SQLite)
        version = None
    if version is None or version[0] != str(SCHEMA_VERSION):
        db.close()
        raise StoreError(
            f"the search index {target.name} was built by another version of Museion; "
            "run `museion reindex` to rebuild it"
        )
    db.execute("PRAGMA temp_store = MEMORY")
    db.execute("CREATE TEMP TABLE m(id INTEGER PRIMARY KEY)")  # a search's matches, for SQL
    return db


def _load(db: sqlite3.Connection) -> _Index:
    values: dict[int, tuple[str, str]] = {}
    lookup: dict[tuple[str, str], list[int]] = {}
    for fid, key, value, folded in db.execute("SELECT fid, key, value, folded FROM facet_values"):
        values[fid] = (key, value)
        lookup.setdefault((key, folded), []).append(fid)
    return _Index(values, lookup, load_masks(db))


def _filtered(request: SearchRequest) -> bool:
    return bool(
        any(request.facets.get(key) for key in VALUE_FACETS)
        or request.date
        or request.longest_side_cm
        or request.has_image is not None
    )


def _matches(
    db: sqlite3.Connection, index: _Index, request: SearchRequest, match: str | None
) -> int:
    """The objects the words and every filter select, as a bitmap."""
    masks = index.masks
    bits = masks.everything
    if request.has_image is not None:
        bits &= masks.image if request.has_image else ~masks.image
    for key in VALUE_FACETS:
        if request.facets.get(key):
            bits &= _facet_bits(db, index, key, request.facets[key])
    where: list[str] = []
    params: list[float] = []
    ranges = (
        ("d.begin", 'd."end"', request.date),
        ("d.longest", "d.longest", request.longest_side_cm),
    )
    for upper, lower, bounds in ranges:
        if bounds and bounds.high is not None:
            where.append(f"{upper} <= ?")
            params.append(bounds.high)
        if bounds and bounds.low is not None:
            where.append(f"{lower} >= ?")
            params.append(bounds.low)
    if match:  # the words, and the ranges only on the objects they match
        where.insert(0, "fts MATCH ?")
        sql = "SELECT group_concat(fts.rowid) FROM fts JOIN nums d ON d.id = fts.rowid WHERE "
        bits &= bitmap(db.execute(sql + " AND ".join(where), [match, *params]).fetchone()[0])
    elif where:
        sql = "SELECT group_concat(d.id) FROM nums d WHERE " + " AND ".join(where)
        bits &= bitmap(db.execute(sql, params).fetchone()[0])
    return bits


def _facet_bits(db: sqlite3.Connection, index: _Index, key: str, chosen: tuple[str, ...]) -> int:
    """The objects with any of the ``chosen`` values of a facet (a partner: its label or its
    source name)."""
    fids = [fid for value in chosen for fid in index.lookup.get((key, fold_script(value)), ())]
    bits = 0
    for fid in fids:
        bits |= index.masks.values.get(fid, 0)
    if missing := [fid for fid in fids if fid not in index.masks.values]:
        sql = "SELECT group_concat(doc) FROM doc_facets INDEXED BY doc_facets_fid WHERE fid IN"
        bits |= bitmap(db.execute(f"{sql} ({','.join('?' * len(missing))})", missing).fetchone()[0])
    if key == "partner":
        for value in chosen:
            bits |= index.masks.sources.get(value.casefold(), 0)
    return bits


def _bit_counts(
    db: sqlite3.Connection, index: _Index, bits: int, request: SearchRequest
) -> _Counts:
    """Total, images, sizes, facet values and centuries of the objects in ``bits``."""
    masks = index.masks
    sizes = [(bits & masks.sizes.get(i, 0)).bit_count() for i in range(len(SIZE_BUCKETS))]
    at_most = [sum(sizes[: i + 1]) for i in range(len(sizes))]
    summary = (bits.bit_count(), (bits & masks.image).bit_count(), *at_most)
    centuries = [(c, n) for c, m in masks.centuries.items() if (n := (bits & m).bit_count())]
    counts = [(f, n) for f, m in sorted(masks.values.items()) if (n := (bits & m).bit_count())]
    if not _complete(index, counts, request):  # a value without a bitmap may count: SQL
        _fill(db, bits)
        counts = _value_counts(db, "temp.m", summary[0])
    return summary, counts, centuries


def _complete(index: _Index, counts: list[tuple[int, int]], request: SearchRequest) -> bool:
    """Whether no value without a bitmap could be listed: each facet's top list is full of
    values counted more often than any such value has objects at all, and every selected
    value has one."""
    per_key: dict[str, list[int]] = {}
    for fid, n in counts:
        per_key.setdefault(index.values[fid][0], []).append(n)
    for key in VALUE_FACETS:
        if tail := index.masks.tail.get(key, 0):
            top = sorted(per_key.get(key, []), reverse=True)
            if len(top) < FACET_TOP or top[FACET_TOP - 1] <= tail:
                return False
        for value in request.facets.get(key, ()):
            fids = index.lookup.get((key, fold_script(value)), [])
            if any(fid not in index.masks.values for fid in fids):
                return False
    return True


def _fill(db: sqlite3.Connection, bits: int) -> None:
    """Put the objects of ``bits`` in ``temp.m``, for a question SQL answers."""
    db.execute("DELETE FROM temp.m")
    db.executemany("INSERT INTO temp.m VALUES (?)", ((n,) for n in members(bits)))


_ROW = "d.iri, d.title, d.title_lang, d.partner, d.makers, d.date, d.image"


def _page(
    db: sqlite3.Connection,
    masks: Masks,
    bits: int | None,
    match: str | None,
    request: SearchRequest,
) -> list[tuple[Any, ...]]:
    """The hits shown: by relevance (BM25) up to ``RANK_LIMIT`` matches, else by title."""
    if request.limit == 0:
        return []
    if match and bits is not None and bits.bit_count() <= RANK_LIMIT:
        _fill(db, bits)
        return db.execute(
            f"SELECT {_ROW} FROM (SELECT rowid AS id, rank FROM fts WHERE fts MATCH ?) r"
            " CROSS JOIN temp.m m ON m.id = r.id JOIN docs d ON d.id = r.id"
            " ORDER BY r.rank, d.sort LIMIT ? OFFSET ?",
            [match, request.limit, request.offset],
        ).fetchall()
    ids = _by_title(masks, bits, request.offset, request.offset + request.limit)
    rows = {
        row[0]: row[1:]
        for row in db.execute(
            f"SELECT d.id, {_ROW} FROM docs d WHERE d.id IN ({','.join('?' * len(ids))})", ids
        )
    }
    return [rows[n] for n in ids]


def _by_title(masks: Masks, bits: int | None, start: int, stop: int) -> list[int]:
    """The objects ``start`` to ``stop`` of ``bits`` (None: every object) in title order."""
    if bits is None:
        return list(masks.order[start:stop])
    if bits.bit_count() * 8 < len(masks.order):  # a few: sort them
        ids = members(bits)
        ids.sort(key=masks.position.__getitem__)
        return ids[start:stop]
    raw = bits.to_bytes(len(masks.order) // 8 + 1, "little")  # many: walk the title order
    found: list[int] = []
    for n in masks.order:
        if raw[n >> 3] >> (n & 7) & 1:
            found.append(n)
            if len(found) >= stop:
                break
    return found[start:]


def _facets(
    request: SearchRequest,
    values: dict[int, tuple[str, str]],
    counts: list[tuple[int, int]],
    centuries: list[tuple[int, int]],
    summary: tuple[Any, ...],
) -> dict[str, dict[str, int]]:
    per_key: dict[str, Counter[str]] = {key: Counter() for key in VALUE_FACETS}
    for fid, count in counts:
        key, value = values[fid]
        per_key[key][value] = count
    facets: dict[str, dict[str, int]] = {}
    for key in VALUE_FACETS:
        top = dict(per_key[key].most_common(FACET_TOP))
        for chosen in request.facets.get(key, ()):
            for value, count in per_key[key].items():
                if fold_script(value) == fold_script(chosen):
                    top.setdefault(value, count)
        facets[key] = top
    facets["date"] = {
        f"{c * 100}..{c * 100 + 99}": n for c, n in sorted(centuries, key=lambda x: -x[0])
    }
    total, with_image = summary[0] or 0, summary[1] or 0
    facets["has_image"] = {k: n for k, n in (("yes", with_image), ("no", total - with_image)) if n}
    facets["longest_side_cm"] = {
        f"<={size}": n or 0 for size, n in zip(SIZE_BUCKETS, summary[2:], strict=True) if n
    }
    return facets


_Counts = tuple[tuple[Any, ...], list[tuple[int, int]], list[tuple[int, int]]]


def _counts(db: sqlite3.Connection, table: str) -> _Counts:
    """Total, images, sizes, facet values and centuries of the objects listed in ``table``,
    in SQL (the counts over every object, stored when the index is written)."""
    (total,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()
    counts = _value_counts(db, table, total)
    groups = db.execute(
        "SELECT d.century, d.size, d.image, count(*)"
        f" FROM {table} m CROSS JOIN nums d ON d.id = m.id GROUP BY 1, 2, 3"
    ).fetchall()
    sizes = [0] * len(SIZE_BUCKETS)  # objects in each size class, then at most each size
    per_century: dict[int, int] = {}
    with_image = 0
    for century, size, image, count in groups:
        if century is not None:
            per_century[century] = per_century.get(century, 0) + count
        if size is not None:
            sizes[size] += count
        with_image += count if image else 0
    at_most = [sum(sizes[: i + 1]) for i in range(len(sizes))]
    summary = (total, with_image, *at_most)
    centuries = list(per_century.items())
    return summary, counts, centuries


def _value_counts(db: sqlite3.Connection, table: str, total: int) -> list[tuple[int, int]]:
    """How many of the objects in ``table`` have each facet value, in SQL.

    A small match is joined to the facet table; a broad one (an eighth of the objects or
    more) is counted by one pass over the facet index in value order, which needs no sort."""
    (everything,) = db.execute("SELECT count(*) FROM docs").fetchone()
    if total * 8 >= everything:
        return db.execute(
            "SELECT fid, count(*) FROM doc_facets INDEXED BY doc_facets_fid"
            f" WHERE doc IN {table} GROUP BY fid"
        ).fetchall()
    return db.execute(
        f"SELECT f.fid, count(*) FROM {table} m CROSS JOIN doc_facets f ON f.doc = m.id"
        " GROUP BY f.fid"
    ).fetchall()


def _sort_key(title: str) -> str:
    """Titles sort by their first word: "[blank]" and "(1) Bamberg" do not lead the list."""
    key = _LEADING.sub("", _folded(title))
    return key or "\uffff"
