"""The embedded engine: one SQLite database per published snapshot, with an FTS5 table.

```
docs        one row per object: what a hit shows, and the date, size and image columns
fts         FTS5 (contentless): the folded texts (body), Arabic skeletons (abjad), and makers'
            names as Arabic writes their consonants (names)
facet_values, doc_facets   partner, maker, type, material and place values, and who has them
words       the texts' words, for mending a misspelt search (``search.mending``)
known       words the records hold that search does not look in (birthplaces), for the speller
```

The database is written once, beside its snapshot, and opened read-only (``immutable``) by
readers: many threads and processes can query it at once without locks.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mappings import fold_script
from museion_core import messages
from museion_core.errors import QueryError, StoreError

from .bitsets import Masks, bitmap, load_masks, members
from .engine import VALUE_FACETS, Hit, SearchRequest, SearchResult, Suggestion
from .extract import ObjectDoc, extract_objects
from .fts_build import (
    SCHEMA_VERSION,
    SIZE_BUCKETS,
    Counts,
    century_years,
    value_counts,
    write_index,
)
from .mending import mended_query
from .text import match_expression

if TYPE_CHECKING:
    from store import Store

__all__ = ["FtsEngine", "could_not_run"]

FACET_TOP = 25
"""Values listed per facet (the most frequent, and any the request selected)."""
RANK_LIMIT = 5000
"""Matches are ranked by relevance (BM25) up to this many; more are listed by title, since
ranking every one of a very broad match costs more than it tells."""

_RANKED = "bm25(fts, 1.0, 0.0, 0.0) AS rank, bm25(fts, 0.0, 1.0, 1.0) AS loose"
"""How matches are ranked (the columns: body, abjad, names): by BM25 on the texts, then by
BM25 on the consonant skeletons (of Arabic words; of makers' names for an Arabic query),
which are loose ("oil" → "l", as in the commonest Arabic words على and علي): the oil
paintings came after two Qur'an leaves for "oil". A weight of a tenth for the skeletons was
not enough once the texts held every subject's labels in three languages (longer texts
score lower): a jug matched by "l" came before Tate's oil paintings again. So a match in
the texts comes first, however long they are; skeleton matches come after, in their own
order."""


@dataclass
class _Index:
    """What a search process keeps of one index: facet values and the bitmaps."""

    values: dict[int, tuple[str, str]]
    """fid -> (facet, value)"""
    lookup: dict[tuple[str, str], list[int]]
    """(facet, folded value) -> fids"""
    masks: Masks
    languages: dict[str, dict[str, str]]
    """facet -> value -> its language, for a lender's own word not in English"""


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
        """``fts_build.write_index``: a list, or a stream in IRI order."""
        return write_index(docs, target, base_iri)

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

    def _everything(self, db: sqlite3.Connection) -> Counts:
        """The counts over every object, stored at build time (the empty search page)."""
        (text,) = db.execute("SELECT value FROM meta WHERE key = 'everything'").fetchone()
        summary, counts, centuries = json.loads(text)
        return tuple(summary), [tuple(c) for c in counts], [tuple(c) for c in centuries]

    def search(self, target: Path, request: SearchRequest) -> SearchResult:
        result = self._search(target, request)
        if result.total == 0 and request.text:
            db, _ = self._connection(target)
            text = mended_query(db, request.text)
            if text is not None:
                found = self._search(target, replace(request, text=text, limit=0, offset=0))
                if found.total:
                    result = replace(result, suggestion=Suggestion(text, found.total))
        return result

    def _search(self, target: Path, request: SearchRequest) -> SearchResult:
        db, index = self._connection(target)
        match = match_expression(request.text)
        bits: int | None = None
        try:
            if not match and not _filtered(request):  # counted when the index was built
                summary, counts, centuries = self._everything(db)
            else:
                bits = _matches(db, index, request, match)
                summary, counts, centuries = _bit_counts(db, index, bits, request)
                counts = _counts_beside_the_chosen(db, index, request, match, counts)
            rows = _page(db, index.masks, bits, match, request)
        except sqlite3.OperationalError as exc:
            raise could_not_run(exc) from exc
        hits = [
            Hit(
                iri=iri,
                title=title or iri,
                title_language=lang,
                partner=partner or "",
                makers=json.loads(makers or "[]"),
                date=date,
                image=image,
                titles=json.loads(titles) if titles else {},
            )
            for iri, title, lang, partner, makers, date, image, titles in rows
        ]
        facets = _facets(request, index.values, counts, centuries, summary)
        return SearchResult(
            total=summary[0] or 0,
            hits=hits,
            facets=facets,
            snapshot=target.name,
            languages={
                key: {v: lang for v, lang in known.items() if v in facets.get(key, {})}
                for key, known in index.languages.items()
            },
        )


def _open(target: Path) -> sqlite3.Connection:
    if not target.is_file():
        raise StoreError(messages.SEARCH_INDEX_MISSING(name=target.name))
    db = sqlite3.connect(
        f"{target.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
    )
    try:
        version = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.DatabaseError:  # not an index at all (no meta table, not SQLite)
        version = None
    if version is None or version[0] != str(SCHEMA_VERSION):
        db.close()
        raise StoreError(messages.SEARCH_INDEX_OUTDATED(name=target.name))
    db.execute("PRAGMA temp_store = MEMORY")
    db.execute("CREATE TEMP TABLE m(id INTEGER PRIMARY KEY)")  # a search's matches, for SQL
    return db


def _load(db: sqlite3.Connection) -> _Index:
    values: dict[int, tuple[str, str]] = {}
    lookup: dict[tuple[str, str], list[int]] = {}
    for fid, key, value, folded in db.execute("SELECT fid, key, value, folded FROM facet_values"):
        values[fid] = (key, value)
        lookup.setdefault((key, folded), []).append(fid)
    row = db.execute("SELECT value FROM meta WHERE key = 'languages'").fetchone()
    languages = json.loads(row[0]) if row else {}  # an index built before they were kept
    return _Index(values, lookup, load_masks(db), languages)


def could_not_run(exc: sqlite3.Error) -> QueryError:
    """The index refused a search (a query SQLite cannot read): a message of
    ``museion_core.messages``, which a page says in its reader's language, SQLite's own words
    kept as they are (English, and marked so)."""
    return QueryError(messages.SEARCH_COULD_NOT_RUN(detail=exc), http_status=400)


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


def _counts_beside_the_chosen(
    db: sqlite3.Connection,
    index: _Index,
    request: SearchRequest,
    match: str | None,
    counts: list[tuple[int, int]],
) -> list[tuple[int, int]]:
    """Each chosen facet's values counted as if none of them were chosen (the other filters
    and the words still apply): values of one facet are joined by OR, so the others are what
    a curator may add. With Tate chosen, the lender facet listed Tate alone, and no link gave
    Tate and Carnegie together."""
    for key in VALUE_FACETS:
        if not request.facets.get(key):
            continue
        others = replace(request, facets={k: v for k, v in request.facets.items() if k != key})
        beside = _matches(db, index, others, match)
        _, key_counts, _ = _bit_counts(db, index, beside, others)
        counts = [c for c in counts if index.values[c[0]][0] != key] + [
            c for c in key_counts if index.values[c[0]][0] == key
        ]
    return counts


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


def _bit_counts(db: sqlite3.Connection, index: _Index, bits: int, request: SearchRequest) -> Counts:
    """Total, images, sizes, facet values and centuries of the objects in ``bits``."""
    masks = index.masks
    sizes = [(bits & masks.sizes.get(i, 0)).bit_count() for i in range(len(SIZE_BUCKETS))]
    at_most = [sum(sizes[: i + 1]) for i in range(len(sizes))]
    summary = (bits.bit_count(), (bits & masks.image).bit_count(), *at_most)
    centuries = [(c, n) for c, m in masks.centuries.items() if (n := (bits & m).bit_count())]
    counts = [(f, n) for f, m in sorted(masks.values.items()) if (n := (bits & m).bit_count())]
    if not _complete(index, counts, request):  # a value without a bitmap may count: SQL
        _fill(db, bits)
        counts = value_counts(db, "temp.m", summary[0])
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


_ROW = "d.iri, d.title, d.title_lang, d.partner, d.makers, d.date, d.image, d.titles"
_DATE_ORDER = {
    "date": 'COALESCE(d.begin, d."end") IS NULL, COALESCE(d.begin, d."end"), d."end", d.sort, d.id',
    "-date": 'COALESCE(d."end", d.begin) IS NULL, COALESCE(d."end", d.begin) DESC, d.begin DESC, '
    "d.sort, d.id",
}
"""Earliest or latest made first, undated objects last, then by title: the objects of a date
range whose bounds are the same (a century's) in the order a list of titles would have. A
date with one bound ("exhibited 1842": an end alone) is placed by the bound it has.

Each order has an index that matches it term for term (``docs_date``, ``docs_date_desc`` in
``fts_build``; ``d.id`` is the rowid every index ends with): the page is read from the
index, not the table sorted (0.18–0.26 s at a million objects for the first page)."""


def _date_page_sql(source: str, sort: str) -> str:
    """A page of ``source`` (``docs d``, or it joined to the matches) in a date order."""
    return f"SELECT {_ROW} FROM {source} ORDER BY {_DATE_ORDER[sort]} LIMIT ? OFFSET ?"


def _date_source(bits: int | None) -> str:
    """What a date order reads: every object along its index; many matches along the index
    too, each looked up in ``temp.m``; a few matches (``RANK_LIMIT``) sorted on their own,
    since walking the index to find ten of a million took 124 ms, sorting them 0.2 ms."""
    if bits is None:
        return "docs d"
    if bits.bit_count() <= RANK_LIMIT:
        return "temp.m m CROSS JOIN docs d ON d.id = m.id"
    return "temp.m m JOIN docs d ON d.id = m.id"


def _page(
    db: sqlite3.Connection,
    masks: Masks,
    bits: int | None,
    match: str | None,
    request: SearchRequest,
) -> list[tuple[Any, ...]]:
    """The hits shown: by relevance (BM25) up to ``RANK_LIMIT`` matches, else by title; or
    as ``request.sort`` asks (``SORTS``)."""
    if request.limit == 0:
        return []
    if request.sort in _DATE_ORDER:
        if bits is not None:
            _fill(db, bits)
        source = _date_source(bits)
        return db.execute(
            _date_page_sql(source, request.sort), [request.limit, request.offset]
        ).fetchall()
    if (
        request.sort == "relevance"
        and match
        and bits is not None
        and bits.bit_count() <= RANK_LIMIT
    ):
        _fill(db, bits)
        return db.execute(
            f"SELECT {_ROW} FROM (SELECT rowid AS id, {_RANKED} FROM fts WHERE fts MATCH ?) r"
            " CROSS JOIN temp.m m ON m.id = r.id JOIN docs d ON d.id = r.id"
            " ORDER BY r.rank, r.loose, d.sort LIMIT ? OFFSET ?",
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
        "{}..{}".format(*century_years(c)): n for c, n in sorted(centuries, key=lambda x: -x[0])
    }
    total, with_image = summary[0] or 0, summary[1] or 0
    facets["has_image"] = {k: n for k, n in (("yes", with_image), ("no", total - with_image)) if n}
    facets["longest_side_cm"] = {
        f"<={size}": n or 0 for size, n in zip(SIZE_BUCKETS, summary[2:], strict=True) if n
    }
    return facets
