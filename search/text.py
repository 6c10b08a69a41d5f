"""What the full-text index stores for an object's texts, and what a query becomes.

Every text is indexed in three forms so that people find it however they type:

- ``body``: the text folded in its own script (``fold_script``: case, diacritics, Arabic
  spelling variants), its ASCII transliteration (``fold``: "Шагал" also as "shagal"), and
  German umlauts spelled out ("Schütte" also as "schuette");
- ``abjad``: for words in Arabic script, the consonant skeleton of their transliteration
  (``محمد`` → "mhmd"), because Arabic is written without short vowels: a Latin-script query
  ("Muhammad") is reduced the same way and finds the name even when the partner gave no Latin
  form.

Queries are folded with the same functions, so index and query always agree.

The forms of each text are cached (``_forms``): an index build folds the same names, places,
materials and credit lines thousands of times, and folding was most of the build's writing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from mappings import fold, fold_script

__all__ = ["MAX_QUERY_TOKENS", "index_forms", "match_expression", "skeleton", "tokens"]

MAX_QUERY_TOKENS = 16
"""Words of a query that are used; the rest are ignored (a bound on the MATCH expression)."""

_WORD = re.compile(r"\w+")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_VOWELS = re.compile(r"[aeiou]")
_GLIDES = re.compile(r"(?<=.)[wy]")
_ARTICLES = frozenset({"al", "el"})
"""The Arabic article as Latin-script queries write it ("al-Qahira"): optional in a query."""


def tokens(text: str) -> list[str]:
    """The words of ``text`` folded in their own script."""
    return _WORD.findall(fold_script(text))


def skeleton(word: str) -> str:
    """The consonants of a transliterated word: vowels and inner glides (w, y) dropped, doubled
    letters once: "muhammad" and "mhmd" (محمد) → "mhmd", "mahmoud" and "mhmwd" → "mhmd"."""
    word = _GLIDES.sub("", _VOWELS.sub("", word))
    return re.sub(r"(.)\1+", r"\1", word)


def index_forms(texts: Iterable[str]) -> tuple[str, str]:
    """``(body, abjad)``: the column texts of one object (see the module docstring)."""
    body: list[str] = []
    abjad: list[str] = []
    for text in texts:
        if text:
            words, skeletons = _forms(text)
            body.extend(words)
            abjad.extend(skeletons)
    return " ".join(body), " ".join(abjad)


@lru_cache(maxsize=65536)
def _forms(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The body words and Arabic skeletons of one text (tuples: the cache hands them out)."""
    words = tokens(text)
    body = list(words)
    abjad: list[str] = []
    translit = fold(text)
    if translit and translit.split() != words:
        body.append(translit)
    if any(c in text for c in "äöüÄÖÜ"):
        body.append(fold(text.translate(_UMLAUTS)))
    if _ARABIC.search(text):
        for word in words:
            if not _ARABIC.search(word):
                continue
            for form in (word, word[2:] if word.startswith("ال") else ""):
                skel = skeleton(fold(form).replace(" ", ""))
                if skel:
                    abjad.append(skel)
    return tuple(body), tuple(abjad)


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression of a query: every word must match (as a prefix from three
    letters on), in the body or, for Latin-script words, by its consonant skeleton in the
    Arabic column. None when the query has no words."""
    words = tokens(query)[:MAX_QUERY_TOKENS]
    if len(words) > 1:
        words = [w for w in words if w not in _ARTICLES] or words
    parts = []
    for word in words:
        star = "*" if len(word) >= 3 else ""
        alternatives = [f'body:"{word}"{star}']
        translit = fold(word).replace(" ", "")
        if translit and translit != word:
            alternatives.append(f'body:"{translit}"{star}')
        if word.isascii() and word.isalpha():
            skel = skeleton(word)
            if skel:  # short skeletons ("Ali" → "l") must match whole, longer ones as prefixes
                alternatives.append(f'abjad:"{skel}"' + ("*" if len(skel) >= 3 else ""))
        parts.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts) or None
