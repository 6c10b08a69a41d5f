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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mappings import fold_script
from museion_core.errors import QueryError, StoreError

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
SCHEMA_VERSION = 4
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


class FtsEngine:
    """SQLite FTS5: in the standard library, one file per snapshot, no server to run."""

    def __init__(self) -> None:
        self._local = threading.local()

    # -- building -------------------------------------------------------------------------
    def build(self, store: Store, target: Path, base_iri: str = "") -> int:
        return self.write(extract_objects(store), target, base_iri)

    def write(self, docs: list[ObjectDoc], target: Path, base_iri: str = "") -> int:
        """Write the index of ``docs`` to ``target`` (a temporary file, then renamed)."""
        tmp = target.with_name(target.name + ".tmp")
        tmp.unlink(missing_ok=True)
        db = sqlite3.connect(tmp)
        try:
            db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            fids: dict[tuple[str, str], int] = {}
            doc_rows, fts_rows, links = [], [], []
            for number, doc in enumerate(sorted(docs, key=lambda d: d.iri), start=1):
                doc_rows.append(
                    (
                        number,
                        doc.iri,
                        doc.title,
                        doc.title_language,
                        doc.partner,
                        doc.source,
                        json.dumps(
                            doc.makers + [f"after {name}" for name in doc.after],
                            ensure_ascii=False,
                        ),
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
            db.execute(  # the columns filters and counts read, in rows a tenth as wide
                'INSERT INTO nums SELECT id, source, begin, "end", image IS NOT NULL, longest,'
                " begin / 100 - (begin < 0), CASE"
                + "".join(f" WHEN longest <= {n} THEN {i}" for i, n in enumerate(SIZE_BUCKETS))
                + " END FROM docs"
            )
            db.executemany("INSERT INTO fts(rowid, body, abjad) VALUES (?,?,?)", fts_rows)
            db.executemany(
                "INSERT INTO facet_values VALUES (?,?,?,?)",
                [(fid, k, v, fold_script(v)) for (k, v), fid in fids.items()],
            )
            db.executemany("INSERT OR IGNORE INTO doc_facets VALUES (?,?)", links)
            db.executescript(_INDEXES)
            db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
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
                    ("count", str(len(docs))),
                ],
            )
            db.commit()
        finally:
            db.close()
        os.replace(tmp, target)
        return len(docs)

    # -- searching ------------------------------------------------------------------------
    def _connection(self, target: Path) -> tuple[sqlite3.Connection, dict[int, tuple[str, str]]]:
        """One read-only connection per thread and index file (a new snapshot, a new file)."""
        cache: dict[Path, Any] = getattr(self._local, "cache", None) or {}
        self._local.cache = cache
        if target not in cache:
            for old in cache.values():
                old[0].close()
            cache.clear()
            if not target.is_file():
                raise StoreError(
                    f"the published snapshot has no search index ({target.name}); "
                    "run `museion reindex` to build it"
                )
            db = sqlite3.connect(f"{target.as_uri()}?mode=ro&immutable=1", uri=True)
            version = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if version is None or version[0] != str(SCHEMA_VERSION):
                db.close()
                raise StoreError(
                    f"the search index {target.name} was built by another version of Museion; "
                    "run `museion reindex` to rebuild it"
                )
            db.execute("PRAGMA temp_store = MEMORY")
            db.execute("CREATE TEMP TABLE m(id INTEGER PRIMARY KEY)")  # this search's matches
            values = {
                fid: (key, value)
                for fid, key, value in db.execute("SELECT fid, key, value FROM facet_values")
            }
            cache[target] = (db, values)
        db, values = cache[target]
        return db, values

    def _everything(self, db: sqlite3.Connection) -> _Counts:
        """The counts over every object, stored at build time (the empty search page)."""
        (text,) = db.execute("SELECT value FROM meta WHERE key = 'everything'").fetchone()
        summary, counts, centuries = json.loads(text)
        return tuple(summary), [tuple(c) for c in counts], [tuple(c) for c in centuries]

    def search(self, target: Path, request: SearchRequest) -> SearchResult:
        db, values = self._connection(target)
        where: list[str] = ["1"]
        params: list[str | float] = []
        match = match_expression(request.text)
        source = "nums d"
        if match:
            source = "fts f JOIN nums d ON d.id = f.rowid"
            where.append("fts MATCH ?")
            params.append(match)
        for key in VALUE_FACETS:
            wanted = [fold_script(v) for v in request.facets.get(key, ())]
            if not wanted:
                continue
            marks = ",".join("?" * len(wanted))
            condition = (
                "d.id IN (SELECT doc FROM doc_facets WHERE fid IN (SELECT fid FROM facet_values"
                f" WHERE key = ? AND folded IN ({marks})))"
            )
            params += [key, *wanted]
            if key == "partner":  # the partner's label, or its source name
                condition = f"({condition} OR d.source IN ({marks}))"
                params += [v.casefold() for v in request.facets[key]]
            where.append(condition)
        if request.date:
            if request.date.high is not None:
                where.append("d.begin <= ?")
                params.append(request.date.high)
            if request.date.low is not None:
                where.append('d."end" >= ?')
                params.append(request.date.low)
        if request.longest_side_cm:
            if request.longest_side_cm.high is not None:
                where.append("d.longest <= ?")
                params.append(request.longest_side_cm.high)
            if request.longest_side_cm.low is not None:
                where.append("d.longest >= ?")
                params.append(request.longest_side_cm.low)
        if request.has_image is not None:
            where.append(f"d.image = {int(request.has_image)}")
        if match and len(where) == 2:  # words only: the full-text index alone
            matched, params = "SELECT rowid FROM fts WHERE fts MATCH ?", [match]
        else:
            matched = f"SELECT d.id FROM {source} WHERE " + " AND ".join(where)
        try:
            if not match and len(where) == 1:  # everything: counted when the index was built
                summary, counts, centuries = self._everything(db)
            else:
                db.execute("DELETE FROM temp.m")
                db.execute(f"INSERT INTO temp.m {matched}", params)
                summary, counts, centuries = _counts(db, "temp.m")
            total = summary[0] or 0
            if match and total <= RANK_LIMIT:
                rows = db.execute(
                    "SELECT d.iri, d.title, d.title_lang, d.partner, d.makers, d.date, d.image"
                    " FROM (SELECT rowid AS id, rank FROM fts WHERE fts MATCH ?) r"
                    " CROSS JOIN temp.m m ON m.id = r.id JOIN docs d ON d.id = r.id"
                    " ORDER BY r.rank, d.sort LIMIT ? OFFSET ?",
                    [match, request.limit, request.offset],
                ).fetchall()
            else:
                within = "" if not match and len(where) == 1 else "WHERE id IN temp.m "
                rows = db.execute(
                    "SELECT iri, title, title_lang, partner, makers, date, image FROM docs "
                    f"{within}ORDER BY sort LIMIT ? OFFSET ?",
                    [request.limit, request.offset],
                ).fetchall()
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
            total=total,
            hits=hits,
            facets=_facets(request, values, counts, centuries, summary),
            snapshot=target.name,
        )


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
    """Total, images, sizes, facet values and centuries of the objects listed in ``table``.

    A small match is joined to the facet table; a broad one (an eighth of the objects or
    more) is counted by one pass over the facet index in value order, which needs no sort."""
    (total,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()
    (everything,) = db.execute("SELECT count(*) FROM docs").fetchone()
    if total * 8 >= everything:
        counts = db.execute(
            "SELECT fid, count(*) FROM doc_facets INDEXED BY doc_facets_fid"
            f" WHERE doc IN {table} GROUP BY fid"
        ).fetchall()
    else:
        counts = db.execute(
            f"SELECT f.fid, count(*) FROM {table} m CROSS JOIN doc_facets f ON f.doc = m.id"
            " GROUP BY f.fid"
        ).fetchall()
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


def _sort_key(title: str) -> str:
    """Titles sort by their first word: "[blank]" and "(1) Bamberg" do not lead the list."""
    key = _LEADING.sub("", fold_script(title))
    return key or "\uffff"
