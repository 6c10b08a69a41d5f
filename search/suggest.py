"""Did you mean: the words of a search that found nothing, mended to words the index holds.

A search finds nothing; each of its words that no indexed word begins with (words match as
prefixes from three letters on, so a word some indexed word begins with is not misspelt) is
compared with the indexed words that begin with the same letter — a first letter is seldom
the one mistyped, and most spelling checkers (Lucene's ``DirectSpellChecker``) assume so —
and replaced by the nearest: at most one edit (a letter added, dropped or changed, or two
letters swapped) for a word of four or five letters, two for a longer one; of several as
near, the one in most objects. Words of fewer than four letters, and words with digits
(accession numbers), are left as typed.

``FtsEngine`` offers the mended search only when it finds something. This module is the pure
part: which words to check, the nearest of the candidates, the query rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rapidfuzz.distance import OSA

from .text import searched_words, tokens

__all__ = ["MIN_LENGTH", "candidates_length", "mended", "nearest", "words_to_mend"]

MIN_LENGTH = 4
"""Shorter words are not mended: one edit away from a three-letter word is half the index."""
_WORD = re.compile(r"\w+")


def max_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def words_to_mend(query: str) -> list[str]:
    """The folded words of ``query`` that could be misspelt: asked for (not left out), of
    letters only, at least ``MIN_LENGTH`` long, each once."""
    words = [w for w in searched_words(query) if len(w) >= MIN_LENGTH and w.isalpha()]
    return list(dict.fromkeys(words))


def candidates_length(word: str) -> tuple[int, int]:
    """The shortest and longest indexed word that can be near enough to ``word``."""
    edits = max_edits(word)
    return max(len(word) - edits, MIN_LENGTH - 1), len(word) + edits


def nearest(word: str, candidates: Iterable[tuple[str, int]]) -> str | None:
    """The candidate ``(word, objects)`` nearest to ``word`` within its edits (of equally near
    ones, the one in most objects, then the first in alphabetical order), or None."""
    edits = max_edits(word)
    best: tuple[int, int, str] | None = None
    for term, objects in candidates:
        if term == word:
            continue
        distance = OSA.distance(word, term, score_cutoff=edits)
        if distance <= edits and (best is None or (distance, -objects, term) < best):
            best = (distance, -objects, term)
    return best[2] if best else None


def mended(query: str, fixes: Mapping[str, str]) -> str:
    """``query`` with each word whose folded form ``fixes`` names replaced by its fix; the
    other words, operators, quotes and spacing as typed."""

    def fix(found: re.Match[str]) -> str:
        folded = tokens(found[0])
        return fixes.get(folded[0], found[0]) if len(folded) == 1 else found[0]

    return _WORD.sub(fix, query)
