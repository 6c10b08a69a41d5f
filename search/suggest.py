"""Did you mean: the words of a search that found nothing, mended to words the index holds.

A search finds nothing; each of its words that no indexed word begins with (words match as
prefixes from three letters on, so a word some indexed word begins with is not misspelt) is
compared with the indexed words that begin with the same letter — a first letter is seldom
the one mistyped, and most spelling checkers (Lucene's ``DirectSpellChecker``) assume so —
and, only if none of those is near, with the words that begin as it would with its first
letter mistyped (``slipped_prefixes``: "Oicasso", a key beside the P, is "Picasso"); it is
replaced by the nearest: at most one edit (a letter added, dropped or changed, or two
letters swapped) for a word of four or five letters, two for a longer one; of several as
near, the one in most objects. Words of fewer than four letters, and words with digits
(accession numbers), are left as typed.

``FtsEngine`` offers the mended search only when it finds something. This module is the pure
part: which words to check, the nearest of the candidates, the query rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

from mappings import strip_arabic_article

from .text import WRITTEN_WORD, query_parts, searched_words, tokens

__all__ = [
    "MAX_CANDIDATES",
    "MAX_MENDED",
    "MIN_LENGTH",
    "article_and_stem",
    "candidates_length",
    "mended",
    "nearest",
    "slipped_prefixes",
    "words_to_mend",
]

MIN_LENGTH = 4
"""Shorter words are not mended: one edit away from a three-letter word is half the index."""
MAX_MENDED = 3
"""Words of one query looked up at most: anyone may send sixteen misspelt words."""
MAX_CANDIDATES = 50_000
"""Indexed words compared with one word at most (those of its first letter and near its
length: about 2,500 at a million objects of the scale bench's data)."""


def max_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def words_to_mend(query: str) -> list[str]:
    """The folded words of ``query`` that could be misspelt: asked for (not left out), of
    letters only, at least ``MIN_LENGTH`` long, each once."""
    words = [w for w in searched_words(query) if len(w) >= MIN_LENGTH and w.isalpha()]
    return list(dict.fromkeys(words))


def article_and_stem(word: str) -> list[tuple[str, str]]:
    """``("", word)``, then for an Arabic word with its article ``("ال", the rest)``: the index
    holds the word both ways, and a misspelt "المطبعه" is mended as "ال" + "مطبوعه"."""
    stem = strip_arabic_article(word)
    forms = [("", word)]
    if stem != word and len(stem) >= MIN_LENGTH - 1:
        forms.append((word[: len(word) - len(stem)], stem))
    return forms


def slipped_prefixes(word: str, first_letters: Iterable[str]) -> list[str]:
    """The beginnings (three letters) of the indexed words that ``word`` may be with its first
    letter mistyped, ``first_letters`` being those the index's words begin with: another
    letter in its place ("oicasso": "pic…"), one left out ("icasso": "pic…"), one too many
    before it ("xpicasso": "pic…"), or its first two swapped ("ipcasso": "pic…")."""
    letters = list(first_letters)
    found = [letter + word[1:3] for letter in letters if letter != word[0]]
    found += [letter + word[:2] for letter in letters]
    found += [word[1:4], word[1:2] + word[:1] + word[2:3]]
    return [prefix for prefix in dict.fromkeys(found) if len(prefix) == 3]


def candidates_length(word: str) -> tuple[int, int]:
    """The shortest and longest indexed word that can be near enough to ``word``."""
    edits = max_edits(word)
    return max(len(word) - edits, MIN_LENGTH - 1), len(word) + edits


def nearest(word: str, candidates: Sequence[tuple[str, int]]) -> str | None:
    """The candidate ``(word, objects)`` nearest to ``word`` within its edits (of equally near
    ones, the one in most objects, then the first in alphabetical order), or None."""
    edits = max_edits(word)
    terms = [term for term, _ in candidates]
    near = process.extract(word, terms, scorer=OSA.distance, score_cutoff=edits, limit=None)
    ranked = [
        (distance, -candidates[index][1], terms[index])
        for _term, distance, index in near
        if terms[index] != word
    ]
    return min(ranked)[2] if ranked else None


def mended(query: str, fixes: Mapping[str, str]) -> str:
    """``query`` with each word it asks for whose folded form ``fixes`` names replaced by its
    fix, in the case the reader typed it in ("picaso" → "picasso", "Picaso" → "Picasso"); the
    words it leaves out, operators, quotes and spacing as typed."""

    def fix(found: re.Match[str]) -> str:
        typed = found[0]
        folded = tokens(typed)
        if len(folded) != 1 or folded[0] not in fixes:
            return typed
        written = fixes[folded[0]]
        if typed.islower():
            return written.lower()
        return written.upper() if typed.isupper() and len(typed) > 1 else written

    out: list[str] = []
    at = 0
    for part in query_parts(query):
        text = query[part.start : part.end]
        out += [query[at : part.start], text if part.left_out else WRITTEN_WORD.sub(fix, text)]
        at = part.end
    out.append(query[at:])
    return "".join(out)
