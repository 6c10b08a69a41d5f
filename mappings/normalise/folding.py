"""Folding text for comparison: the same word however a partner wrote it.

Two foldings, both pure:

- ``fold`` transliterates to ASCII (anyascii), case-folds and turns punctuation into spaces:
  ``"Ōkura, Shûzô"`` → ``"okura shuzo"``, ``"Шагал"`` → ``"shagal"``. Reconciliation compares
  names with it, and search indexes it so a Latin-script query finds names written in other
  scripts.
- ``fold_script`` keeps each script but removes what readers do not type: case, Latin/Greek
  diacritics ("Dürer" → "durer"), and in Arabic the short-vowel marks (tashkeel), the tatweel,
  the alef forms (أ إ آ ٱ → ا), taa marbuta (ة → ه), alef maqsura (ى → ي); Arabic-Indic and
  Persian digits become ASCII digits.

``strip_arabic_article`` takes the article ال (alone or after و ب ف ك, and لل) off a folded
Arabic word for search, so "السجادة" and "سجادة" are one word there.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

__all__ = ["ARABIC_MIN_STEM", "fold", "fold_script", "normalise_arabic", "strip_arabic_article"]

_NON_WORD = re.compile(r"[^a-z0-9]+")

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
"""Tashkeel (fatha, damma, kasra, tanween, shadda, sukun, ...), Quranic marks, superscript
alef, and the tatweel (a stretching stroke, not a letter)."""
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",  # Persian yeh
        "ک": "ك",  # Persian keheh
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Extended (Persian, Urdu) digits
    }
)


def fold(text: str) -> str:
    """Case, accents, script and punctuation removed: ``"Ōkura, Shûzô"`` → ``"okura shuzo"``.

    Arabic's vowel marks are removed before the transliteration, as the script's own folding
    removes them: written with them, "مُحَمَّد بن عَلِيّ" became "muhamad bn aliy", without
    them "mhmd bn ly", and one maker written both ways became two persons."""
    ascii_text = anyascii(unicodedata.normalize("NFKC", _ARABIC_MARKS.sub("", text))).casefold()
    return _NON_WORD.sub(" ", ascii_text.replace("'", "")).strip()


def normalise_arabic(text: str) -> str:
    """Arabic spelled the way people type it: no tashkeel or tatweel, one alef, taa marbuta as
    haa, alef maqsura as yaa, ASCII digits. Other scripts pass through unchanged."""
    return _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)


def fold_script(text: str) -> str:
    """Case and diacritics folded, in the text's own script: ``"Dürer"`` → ``"durer"``,
    ``"مُحَمَّد"`` → ``"محمد"``, ``"Straße"`` → ``"strasse"``."""
    text = normalise_arabic(unicodedata.normalize("NFKC", text))
    decomposed = unicodedata.normalize("NFD", text.casefold())
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", stripped)


_ARABIC_ARTICLES = ("وال", "بال", "فال", "كال", "لل", "ال")
"""The article and the proclitics written with it ("and the", "with the", "so the", "like the",
"for the"), longest first."""
ARABIC_MIN_STEM = 3
"""Letters a word keeps after its article is taken off: "الم" (pain), "الف" (thousand), "الله",
"والدة" (mother) begin with the letters of the article and keep them. Two-letter nouns after
the article ("اليد", the hand) are therefore not stripped; a shorter bound made "الله" the
pronoun "له" and "والدة" the word "ده"."""


def strip_arabic_article(word: str) -> str:
    """A folded Arabic word without its article: ``"السجاده"`` → ``"سجاده"``,
    ``"والمخطوط"`` → ``"مخطوط"``; a word that would keep fewer than ``ARABIC_MIN_STEM``
    letters, or has no article, is returned as it is (``"الله"``, ``"مخطوط"``).

    Written for ``fold_script``'s output (one alef: "ٱل" and "أل" are already "ال")."""
    for prefix in _ARABIC_ARTICLES:
        if word.startswith(prefix) and len(word) - len(prefix) >= ARABIC_MIN_STEM:
            return word[len(prefix) :]
    return word
