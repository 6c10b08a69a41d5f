"""Date texts as tokens: numbers, ordinals, decades, dates, and the phrases of ``lexicon``."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .lexicon import phrase_pattern, phrase_token

__all__ = ["Token", "normalise", "roman_value", "tokenise"]

_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_ROMAN = re.compile(r"^m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_CENTURY_AHEAD = (
    r"(?=(?:\s*[–-]\s*[ivxlcm]+(?:e|er|ème|eme|th|\.)?)?"  # "XVIII–XIX əsrlər": a range of them
    r"\s*(?:siècles?|siecle|s\.|century|centuries|cent\.?|jh|jahrhundert|əsr|век|вв?\.))"
)

_GENERIC = re.compile(
    r"""
    (?P<isodate>(?P<iy>[+-]?\d{4,})-(?P<im>\d{2})-(?P<id>\d{2}))(?!\d)
    | (?P<numdate>(?P<nd_a>\d{1,2})(?P<nd_sep>[./])(?P<nd_b>\d{1,2})(?P=nd_sep)
                  (?P<nd_y>\d{3,4}))(?!\d)
    | (?P<decade>\d{2,3}0)(?:\s?'s|'?s|-?er)(?![^\W_])
    | '?(?P<decade2>\d0)'?s(?![^\W_])
    | (?P<roman>[ivxlcm]{1,7})(?:e|er|ère|ème|eme|è|th|st|nd|rd|\.)?"""
    + _CENTURY_AHEAD
    + r"""
    | (?P<romansuffix>[ivxlcm]{2,7})(?:e|er|ème|eme|è)(?![^\W_])
    | (?P<ordinal>\d{1,2})(?:st|nd|rd|th|er|re|ère|ème|eme|e|è|\.)(?![^\W_])
    | (?P<number>\d+)
    | (?P<open>\.\.)
    | (?P<dash>–|-)
    | (?P<punct>[,;/()?~:\[\]])
    | (?P<word>[^\W\d_]+(?:'[^\W\d_]+)*\.?)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    """``number``, ``ordinal``, ``decade``, ``decade2``, ``isodate``, ``numdate``, ``dash``, a
    punctuation mark, or a phrase kind of ``lexicon`` (``circa``, ``month``, ``era``...);
    ``word`` for a word no lexicon knows."""
    value: object = None
    raw: str = ""
    spaced: bool = False
    """Whitespace before or after the token (tells "1650-03" from "1650 - 1703")."""


def roman_value(text: str) -> int | None:
    if not text or not _ROMAN.match(text):
        return None
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for index, char in enumerate(text):
        value = values[char]
        following = values[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total or None


_ARABIC_FORMS = str.maketrans({"\u0640": None, "أ": "ا", "إ": "ا", "آ": "ا", "،": ","})
"""Tatweel (the stroke of "هـ") left out, one alef for its hamza forms, the Arabic comma."""


_AZ_ORDINAL = r"-(?:[ıiuü]?n)?c[ıiuü]"
"""Azerbaijani's ordinal suffix on a number: "1890-cı", "1920-ci", "1930-cu", "1900-cü",
"19-cu" ("-ıncı", "-nci" are written too)."""
_DECADE_SUFFIXES = (
    (re.compile(rf"(?<=\d0)(?:{_AZ_ORDINAL})?\s?ill[əe]r(?:in|i|də|dən)?(?![^\W_])"), "s"),
    (re.compile(r"(?<=\d0)-(?:е|х|ые|ых)(?![^\W_])"), "s"),
    (re.compile(rf"(?<=\d){_AZ_ORDINAL}(?![^\W_])"), ""),
)
"""A decade in Azerbaijani ("1920-ci illər") and Russian ("1920-е", "1920-х") made "1920s"; an
Azerbaijani ordinal year ("1890-cı il") or century ("19-cu əsr") made its number."""


def normalise(text: str) -> str:
    """Casefolded NFKC text with one kind of dash and apostrophe, adjectival hyphens gone, and
    decades and ordinal years of other languages written as in English."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_ARABIC_FORMS)
    for pattern, replacement in _DECADE_SUFFIXES:
        text = pattern.sub(replacement, text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = _DASHES.sub("–", text)
    text = re.sub(r"(\d(?:st|nd|rd|th|e))-(?=cent)", r"\1 ", text)  # "19th-century"
    text = re.sub(r"(?<=\d)\.$", "", text.strip())  # "1650." ends a sentence, "s." abbreviates
    return re.sub(r"\s+", " ", text).strip()


def tokenise(text: str) -> list[Token] | None:
    """The tokens of a normalised text; None when a character belongs to no token."""
    phrases = phrase_pattern()
    tokens: list[Token] = []
    position = 0
    length = len(text)
    while position < length:
        if text[position].isspace():
            position += 1
            continue
        generic = _GENERIC.match(text, position)
        phrase = phrases.match(text, position)
        # a phrase wins over a generic word or a bare roman numeral ("c." is circa), but not
        # over numbers, dates and decades
        use_phrase = phrase is not None and (
            generic is None
            or generic.lastgroup in ("word", "romansuffix")
            or (generic.lastgroup == "roman" and len(phrase.group()) >= len(generic.group()))
            or (generic.lastgroup == "ordinal" and len(phrase.group()) > len(generic.group()))
        )
        if use_phrase:
            assert phrase is not None
            raw = phrase.group()
            kind, value = phrase_token(raw)
            end = phrase.end()
        elif generic is not None:
            raw = generic.group()
            kind, value = _generic_token(generic)
            end = generic.end()
            if kind == "":
                return None
        else:
            return None
        spaced = (position > 0 and text[position - 1].isspace()) or (
            end < length and text[end].isspace()
        )
        if kind not in ("filler", "bracket"):
            tokens.append(Token(kind, value, raw, spaced))
        position = end
    return tokens


def _generic_token(found: re.Match[str]) -> tuple[str, object]:
    group = found.lastgroup
    if group == "isodate":
        return "isodate", (int(found["iy"]), int(found["im"]), int(found["id"]))
    if group == "numdate":
        first, second = int(found["nd_a"]), int(found["nd_b"])
        return "numdate", (first, second, found["nd_sep"], int(found["nd_y"]))
    if group == "decade":
        return "decade", int(found["decade"])
    if group == "decade2":
        return "decade2", int(found["decade2"])
    if group in ("roman", "romansuffix"):
        number = roman_value(found[group])
        return ("ordinal", number) if number is not None else ("word", None)
    if group == "ordinal":
        return "ordinal", int(found["ordinal"])
    if group == "number":
        return "number", int(found["number"])
    if group == "open":
        return "open", None
    if group == "dash":
        return "dash", found.group() == "-"
    if group == "punct":
        return {",": "list", ";": "list", "/": "slash", "(": "lparen", ")": "rparen",
                "?": "question", "~": "circa", ":": "colon", "[": "bracket",
                "]": "bracket"}[found.group()], None  # fmt: skip
    if group == "word":
        return "word", found.group().rstrip(".")
    return "", None
