"""Writing a snapshot's search index (``FtsEngine.write``): the schema, and the rows of
each object, a chunk of objects at a time. Reading it is ``search.fts``."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from mappings import fold_script
from museion_core.errors import StoreError

from .bitsets import write_masks
from .engine import AFTER
from .extract import ObjectDoc
from .suggest import MIN_LENGTH
from .text import index_forms, known_words, name_forms, spellings

_LEADING = re.compile(r"^[\W\d_]+")
SIZE_BUCKETS = (30, 50, 100, 200, 300, 500)
SCHEMA_VERSION = 13
"""Changed when what the index holds changes (7: Arabic words also without their article;
8: the labels of the techniques an object's production used; 9: the broader concepts of its
subjects; 10: the ``words`` table; 11: the ``names`` column, makers' names for an
Arabic-script query; 12: the ``known`` table, words for the speller alone; 13: in
``names``, every name of a maker's aggregate): an index of another version is not read, and
`museion reindex` rebuilds it. Not changed for an SQL index added to speed a query up (the
date orders' ``docs_date``): an index built without it answers the same, more slowly, until
the next publish rebuilds it."""
_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE docs(
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, title TEXT, title_lang TEXT, titles TEXT,
    partner TEXT, source TEXT, makers TEXT, date TEXT, begin INTEGER, "end" INTEGER, image TEXT,
    longest REAL, sort TEXT);
CREATE TABLE nums(
    id INTEGER PRIMARY KEY, source TEXT, begin INTEGER, "end" INTEGER, image INTEGER,
    longest REAL, century INTEGER, size INTEGER);
CREATE VIRTUAL TABLE fts USING fts5(
    body, abjad, names, content='', tokenize="unicode61 remove_diacritics 2", prefix='2 3');
CREATE TABLE facet_values(
    fid INTEGER PRIMARY KEY, key TEXT NOT NULL, value TEXT NOT NULL, folded TEXT NOT NULL);
CREATE TABLE doc_facets(doc INTEGER NOT NULL, fid INTEGER NOT NULL, PRIMARY KEY(doc, fid))
    WITHOUT ROWID;
CREATE TABLE doc_centuries(id INTEGER NOT NULL, century INTEGER NOT NULL, PRIMARY KEY(id, century))
    WITHOUT ROWID;
CREATE TABLE words(term TEXT PRIMARY KEY, docs INTEGER NOT NULL, spelled TEXT) WITHOUT ROWID;
CREATE TABLE known(term TEXT PRIMARY KEY) WITHOUT ROWID;
"""
MAX_CENTURIES = 100
"""A date spanning more centuries than this ("Neolithic") is counted in its first one only."""
_INDEXES = """
CREATE INDEX facet_lookup ON facet_values(key, folded);
CREATE INDEX doc_facets_fid ON doc_facets(fid, doc);
CREATE INDEX docs_sort ON docs(sort);
CREATE INDEX docs_date ON docs(COALESCE(begin, "end") IS NULL, COALESCE(begin, "end"), "end", sort);
CREATE INDEX docs_date_desc
    ON docs(COALESCE("end", begin) IS NULL, COALESCE("end", begin) DESC, begin DESC, sort);
"""
"""``docs_date`` and ``docs_date_desc`` are the date orders of ``search.fts._DATE_ORDER``,
term for term (an index whose terms differ is not used, and the table is sorted again)."""


def _facet_values(doc: ObjectDoc) -> dict[str, list[str]]:
    return {
        "partner": [doc.partner],
        "maker": doc.makers,
        "type": doc.types,
        "material": doc.materials,
        "place": doc.places,
    }


def write_index(docs: Iterable[ObjectDoc], target: Path, base_iri: str = "") -> int:
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
        _write_words(db)
        write_masks(db)
        db.execute("CREATE TEMP VIEW everything AS SELECT id FROM docs")
        db.execute(
            "INSERT INTO meta VALUES ('everything', ?)",
            [json.dumps(counts_of(db, "temp.everything"))],
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


_CHUNK = 1000
"""Objects written per ``executemany``."""


def _write_words(db: sqlite3.Connection) -> None:
    """The ``words`` table: every word the texts' column holds, with the number of objects
    that hold it and how the records write it (``temp.spelled``, from ``_insert``), for
    mending a misspelt search (``search.suggest``). Not words with digits
    (accession numbers: a million of them at a million objects, none worth suggesting), nor
    those shorter than a word that may be mended could be near (``_suggestible``)."""
    db.create_function("suggestible", 1, _suggestible, deterministic=True)
    db.execute("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, 'fts', 'col')")
    db.execute(
        "INSERT INTO words SELECT v.term, v.doc, s.word FROM temp.vocabulary v"
        " LEFT JOIN temp.spelled s ON s.term = v.term"
        " WHERE v.col = 'body' AND suggestible(v.term)"
    )
    db.execute("DROP TABLE temp.vocabulary")
    db.execute("DROP TABLE temp.spelled")


def _insert(db: sqlite3.Connection, docs: Iterable[ObjectDoc]) -> int:
    """The rows of ``docs``, ``nums``, ``fts``, ``facet_values``, ``doc_facets`` and ``known``,
    a chunk of objects at a time (numbered 1, 2, ... in the order given: IRI order); the
    objects written."""
    fids: dict[tuple[str, str], int] = {}
    """(facet, folded value) → its number: values the filter cannot tell apart (one maker
    written with and without Arabic vowel marks, "Dürer" and "Durer") are one value, shown
    as first spelled; two of them listed 1 each, and either found both objects."""
    shown: dict[int, str] = {}
    languages: dict[str, dict[str, str]] = {}
    """Facet → a value as shown → its language, where it is a lender's own word in a
    language not English (``ObjectDoc.languages``): ``meta`` keeps them for the page."""
    spelled: dict[str, str] = {}
    """Indexed word → as the records write it (the first, or one not in capitals, or with
    fewer vowel marks): how a suggestion shows it."""
    number = 0
    previous = ""
    stream = iter(docs)
    while chunk := list(islice(stream, _CHUNK)):
        doc_rows, fts_rows, links = [], [], []
        told: set[str] = set()  # words for the speller alone (``known``)
        for doc in chunk:
            if doc.iri <= previous:
                raise StoreError(f"search documents out of IRI order at {doc.iri}")
            previous = doc.iri
            number += 1
            makers = json.dumps(
                doc.makers + [f"{AFTER}{name}" for name in doc.after], ensure_ascii=False
            )
            doc_rows.append(
                (
                    number,
                    doc.iri,
                    doc.title,
                    doc.title_language,
                    json.dumps(doc.titles, ensure_ascii=False) if len(doc.titles) > 1 else None,
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
            names = name_forms(dict.fromkeys([*doc.makers, *doc.after, *doc.maker_names]))
            fts_rows.append((number, *index_forms(texts, doc.terms), names))
            told.update(w for w in known_words(doc.known) if _suggestible(w))
            for text in [*texts, *doc.terms]:
                for folded, word in spellings(text) if text else ():
                    if not _suggestible(folded):
                        continue
                    known = spelled.get(folded)
                    if known is None or (known.isupper(), len(known)) > (word.isupper(), len(word)):
                        spelled[folded] = word
            for key, values in _facet_values(doc).items():
                for value in dict.fromkeys(v for v in values if v):
                    fid = fids.setdefault((key, _folded(value)), len(fids) + 1)
                    if shown.setdefault(fid, value) == value and value in doc.languages:
                        languages.setdefault(key, {}).setdefault(value, doc.languages[value])
                    links.append((number, fid))
        db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", doc_rows)
        db.executemany("INSERT INTO fts(rowid, body, abjad, names) VALUES (?,?,?,?)", fts_rows)
        db.executemany("INSERT OR IGNORE INTO doc_facets VALUES (?,?)", links)
        db.executemany("INSERT OR IGNORE INTO known VALUES (?)", ((w,) for w in sorted(told)))
    db.execute(  # the columns filters and counts read, in rows a tenth as wide
        'INSERT INTO nums SELECT id, source, begin, "end", image IS NOT NULL, longest,'
        " CASE WHEN begin >= 1 THEN begin / 100 ELSE -((-begin) / 100) - 1 END, CASE"
        + "".join(f" WHEN longest <= {n} THEN {i}" for i, n in enumerate(SIZE_BUCKETS))
        + " END FROM docs"
    )
    # keyed by object: counting joins a set of objects to it (by century, each object of the
    # set was a scan of the table: 343 s for a 50,000-record harvest against 190)
    db.executemany("INSERT INTO doc_centuries VALUES (?,?)", _centuries(db))
    db.executemany(
        "INSERT INTO facet_values VALUES (?,?,?,?)",
        ((fid, k, shown[fid], folded) for (k, folded), fid in fids.items()),
    )
    db.execute(
        "INSERT INTO meta VALUES ('languages', ?)", [json.dumps(languages, ensure_ascii=False)]
    )
    db.execute("CREATE TEMP TABLE spelled(term TEXT PRIMARY KEY, word TEXT NOT NULL)")
    db.executemany("INSERT INTO temp.spelled VALUES (?,?)", spelled.items())
    return number


_DIGITS = frozenset("0123456789")


def _suggestible(term: str) -> bool:
    """Whether the ``words`` table may hold ``term``: long enough, and no digit. The one
    rule, for the table (``_write_words`` calls it from its SQL: some 0.3 µs a word more
    than SQL's own ``GLOB``) and for the spellings ``_insert`` keeps: those of the others
    are not kept, since every accession number was one, a spelling held until the end of
    the build for each object, and never read."""
    return len(term) >= MIN_LENGTH - 1 and _DIGITS.isdisjoint(term)


def century_of(year: int) -> int:
    """The date facet's bucket of an astronomical year, in the years people write: ``19`` is
    1900–1999, ``0`` is 1–99 (there is no year 0), ``-1`` is 100–1 BC (astronomical −99–0),
    ``-2`` 200–101 BC. By astronomical hundreds, 1 BC counted with 1–99 and 100 BC with 99–1
    BC: "44 BC" was found only as −43."""
    return year // 100 if year >= 1 else -((-year) // 100) - 1


def century_years(century: int) -> tuple[int, int]:
    """The first and last astronomical year of a bucket of ``century_of``."""
    if century >= 0:
        return max(century * 100, 1), century * 100 + 99
    hundred = -century - 1
    return -hundred * 100 - 99, -hundred * 100


def _centuries(db: sqlite3.Connection) -> Iterator[tuple[int, int]]:
    """(object, century) for every century an object's date overlaps: "202 BCE – 220 CE" is
    counted in the third century BCE and in the first and second CE, as a search for any of
    them finds it (the date facet counted its first century only)."""
    for number, begin, end in db.execute(
        'SELECT id, begin, "end" FROM nums WHERE begin IS NOT NULL'
    ):
        first = century_of(begin)
        last = century_of(end) if end is not None and end >= begin else first
        if last - first >= MAX_CENTURIES:
            last = first
        for century in range(first, last + 1):
            yield number, century


@lru_cache(maxsize=65536)
def _folded(text: str) -> str:
    """``fold_script``, cached: titles and facet values repeat."""
    return fold_script(text)


Counts = tuple[tuple[Any, ...], list[tuple[int, int]], list[tuple[int, int]]]


def counts_of(db: sqlite3.Connection, table: str) -> Counts:
    """Total, images, sizes, facet values and centuries of the objects listed in ``table``,
    in SQL (the counts over every object, stored when the index is written)."""
    (total,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()
    counts = value_counts(db, table, total)
    groups = db.execute(
        "SELECT d.size, d.image, count(*)"
        f" FROM {table} m CROSS JOIN nums d ON d.id = m.id GROUP BY 1, 2"
    ).fetchall()
    sizes = [0] * len(SIZE_BUCKETS)  # objects in each size class, then at most each size
    with_image = 0
    for size, image, count in groups:
        if size is not None:
            sizes[size] += count
        with_image += count if image else 0
    at_most = [sum(sizes[: i + 1]) for i in range(len(sizes))]
    summary = (total, with_image, *at_most)
    centuries = db.execute(
        f"SELECT c.century, count(*) FROM {table} m CROSS JOIN doc_centuries c ON c.id = m.id"
        " GROUP BY 1"
    ).fetchall()
    return summary, counts, [(int(c), int(n)) for c, n in centuries]


def value_counts(db: sqlite3.Connection, table: str, total: int) -> list[tuple[int, int]]:
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
