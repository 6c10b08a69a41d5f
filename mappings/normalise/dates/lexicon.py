"""The words of date texts, per language, as token kinds the grammar understands.

Each language contributes phrases (matched case-insensitively, longest first, on word
boundaries; a space in a phrase matches any spacing, including none). All languages are active
at once, because partners mix them ("18. Jh.", "c. 1650" and "XIXe siècle" in one feed); the
``language`` hint only settles what words cannot, such as day/month order in "05/06/1918".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

__all__ = ["Lexicon", "languages", "phrase_pattern", "phrase_token"]


@dataclass(frozen=True)
class Lexicon:
    """Phrases of one language: token kind → phrases (or phrase → value for valued kinds)."""

    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    months: dict[str, int] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)
    """Phrase → key of ``CENTURY_PARTS``."""
    parts_after: dict[str, str] = field(default_factory=dict)
    """Parts written after their century or decade ("XIX əsrin sonu") → key of
    ``CENTURY_PARTS``; the grammar moves them before it."""
    ordinals: dict[str, int] = field(default_factory=dict)
    """Ordinal words ("nineteenth") → number."""
    eras: dict[str, str] = field(default_factory=dict)
    """Phrase → ``bce``, ``ce`` or ``ah``."""


def languages() -> dict[str, Lexicon]:
    """Every language's lexicon, by language tag."""
    from .ar import ARABIC  # noqa: PLC0415 - the language modules import Lexicon from here
    from .az import AZERBAIJANI  # noqa: PLC0415
    from .de import GERMAN  # noqa: PLC0415
    from .en import ENGLISH  # noqa: PLC0415
    from .fr import FRENCH  # noqa: PLC0415
    from .ru import RUSSIAN  # noqa: PLC0415

    return {
        "en": ENGLISH,
        "de": GERMAN,
        "fr": FRENCH,
        "ar": ARABIC,
        "az": AZERBAIJANI,
        "ru": RUSSIAN,
    }


@cache
def _phrases() -> dict[str, tuple[str, object]]:
    """Every phrase of every language → (token kind, value)."""
    table: dict[str, tuple[str, object]] = {}
    for lexicon in languages().values():
        for kind, phrases in lexicon.words.items():
            for phrase in phrases:
                table.setdefault(phrase, (kind, None))
        for phrase, month in lexicon.months.items():
            table.setdefault(phrase, ("month", month))
        for phrase, part in lexicon.parts.items():
            table.setdefault(phrase, ("part", part))
        for phrase, part in lexicon.parts_after.items():
            table.setdefault(phrase, ("part-after", part))
        for phrase, number in lexicon.ordinals.items():
            table.setdefault(phrase, ("ordinal", number))
        for phrase, era in lexicon.eras.items():
            table.setdefault(phrase, ("era", era))
    return table


@cache
def phrase_pattern() -> re.Pattern[str]:
    """One alternation of all phrases, longest first, bounded by non-word characters."""
    alternatives = []
    for phrase in sorted(_phrases(), key=lambda p: (-len(p), p)):
        escaped = re.escape(phrase).replace(r"\ ", r"\s*")
        tail = "" if phrase[-1] in ".-'" else r"(?![^\W_])"
        alternatives.append(escaped + tail)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + ")")


@cache
def _squeezed() -> dict[str, tuple[str, object]]:
    squeezed: dict[str, tuple[str, object]] = {}
    for phrase, token in _phrases().items():
        squeezed.setdefault(re.sub(r"\s+", "", phrase), token)
    return squeezed


def phrase_token(phrase: str) -> tuple[str, object]:
    """The (kind, value) of a matched phrase, whatever its spacing."""
    return _phrases().get(phrase) or _squeezed()[re.sub(r"\s+", "", phrase)]
