"""Did you mean, against the index: which words of a search that found nothing are unknown
to the ``words`` table (nor found otherwise, nor ``known``), and the indexed words nearest to
each (the choice itself, and the query rewritten, are ``search.suggest``'s pure part)."""

from __future__ import annotations

import sqlite3

from .suggest import (
    MAX_CANDIDATES,
    MAX_MENDED,
    article_and_stem,
    candidates_length,
    mended,
    nearest,
    slipped_prefixes,
    words_to_mend,
)
from .text import arabic_name_key, singulars, skeleton

__all__ = ["mended_query"]

MAX_FIRST_LETTERS = 300
"""First letters of indexed words looked at for a mistyped first letter, at most (Latin,
Arabic and Cyrillic letters with their accents come to about 150)."""

_LAST = "\U0010ffff"
"""After every word that begins with what it follows (SQLite compares UTF-8 bytes)."""

_CANDIDATES = (
    "SELECT term, docs, spelled FROM words WHERE term >= ? AND term < ?"
    " AND length(term) BETWEEN ? AND ? LIMIT ?"
)


def mended_query(db: sqlite3.Connection, text: str) -> str | None:
    """``text`` with the words no indexed word begins with mended (``search.suggest``) and
    written as the records write them, or None when none of them could be. At most
    ``MAX_MENDED`` words are looked up, each among at most ``MAX_CANDIDATES`` indexed words
    of its first letter (then as many that begin as it would with that letter mistyped):
    anyone may ask."""
    fixes: dict[str, str] = {}
    letters: list[str] | None = None  # the index's first letters, looked up once if needed
    for word in words_to_mend(text)[:MAX_MENDED]:
        if _known(db, word):
            continue
        for article, stem in article_and_stem(word):  # "المطبعه": also "مطبعه"
            if article and _known(db, stem):
                break  # the word without its article is known: it matched
            fix = _nearest(db, stem, [stem[0]])
            if fix is None:
                letters = _first_letters(db) if letters is None else letters
                fix = _nearest(db, stem, slipped_prefixes(stem, letters))
            if fix:
                fixes[word] = article + fix
                break
    found = mended(text, fixes)
    return found if found != text else None


def _nearest(db: sqlite3.Connection, stem: str, prefixes: list[str]) -> str | None:
    """The indexed word beginning with one of ``prefixes`` nearest to ``stem``, as the
    records write it, or None."""
    shortest, longest = candidates_length(stem)
    near: list[tuple[str, int, str | None]] = []
    for prefix in prefixes:
        left = MAX_CANDIDATES - len(near)
        if left <= 0:
            break
        near += db.execute(_CANDIDATES, [prefix, prefix + _LAST, shortest, longest, left])
    fix = nearest(stem, [(term, docs) for term, docs, _ in near])
    return next(written or term for term, _, written in near if term == fix) if fix else None


def _first_letters(db: sqlite3.Connection) -> list[str]:
    """The letters indexed words begin with, each found by one look in the table's order."""
    letters: list[str] = []
    after = ""
    while len(letters) < MAX_FIRST_LETTERS:
        row = db.execute(
            "SELECT substr(term, 1, 1) FROM words WHERE term >= ? ORDER BY term LIMIT 1", [after]
        ).fetchone()
        if row is None:
            break
        if row[0].isalpha():
            letters.append(row[0])
        after = row[0] + _LAST
    return letters


def _whole(db: sqlite3.Connection, word: str, table: str = "words") -> bool:
    return db.execute(f"SELECT 1 FROM {table} WHERE term = ?", [word]).fetchone() is not None


def _matches(db: sqlite3.Connection, match: str) -> bool:
    return db.execute("SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1", [match]).fetchone() is not None


def _known(db: sqlite3.Connection, word: str) -> bool:
    """Whether an indexed word begins with ``word`` (a word matches as a prefix), or is its
    singular (a plural is also asked for by its singular, ``search.text``), or, for a
    Latin-script word, an Arabic word has its consonants ("Muhammad", "mhmd"), for an
    Arabic-script word, a maker's name has its consonants ("ألبرز", Albers): the search found
    it so, and it is no misspelling. Nor is a word the records hold where search does not
    look (the ``known`` table: "Malaga", where Picasso was born, is not "Madama")."""
    known = "SELECT 1 FROM words WHERE term >= ? AND term < ? LIMIT 1"
    if db.execute(known, [word, word + _LAST]).fetchone() is not None:
        return True
    # a plural whose singular is indexed ("watercolours": "watercolour") was found by it
    if any(_whole(db, one) for one in singulars(word)):
        return True
    if any(_whole(db, one, "known") for one in [word, *singulars(word)]):
        return True
    if key := arabic_name_key(word):  # asked for whole in ``names`` (``search.text``)
        return _matches(db, f'names:"{key}"')
    skel = skeleton(word) if word.isascii() else ""
    if not skel:
        return False
    return _matches(db, f'abjad:"{skel}"' + ("*" if len(skel) >= 3 else ""))
