"""BCP 47 language tags: only valid tags, in their standard form, reach a literal or a config.

Partners write "en", "EN-gb", "eng" (LIDO's ISO 639-2), "ger" or "en_US"; all become the
shortest standard tag ("en", "en-GB", "en", "de", "en-US") by ``langcodes``, which checks each
subtag against the IANA registry it ships. A tag that is not valid is refused (``None``),
never guessed, so no literal claims a language it may not be in. It lives in the leaf package
because the mappings (for literals) and every settings file (``language = ...``) need the same
answer.
"""

from __future__ import annotations

from functools import lru_cache

import langcodes
from langcodes.tag_parser import LanguageTagError

__all__ = ["UNDETERMINED", "language_tag", "valid_language"]

UNDETERMINED = frozenset({"und", "zxx", "mul", "mis"})
"""Tags that say nothing about the text's language (undetermined, no linguistic content,
several, uncoded): a literal with one of them is better left without a tag."""


@lru_cache(maxsize=1024)
def language_tag(value: str | None) -> str | None:
    """The standard form of a valid BCP 47 tag; None for an empty, invalid or undetermined one."""
    if value is None:
        return None
    text = value.strip().replace("_", "-")
    if not text or len(text) > 64:
        return None
    try:
        # A valid tag keeps its subtags (only their case is normalised): CLDR's aliases would
        # turn a partner's "tl" (Tagalog) into "fil" (Filipino), which is not ours to decide.
        # An invalid one that names a language (ISO 639-2 "eng") gets its BCP 47 form.
        as_given = langcodes.get(text, normalize=False)
        tag = as_given.to_tag() if as_given.is_valid() else langcodes.standardize_tag(text)
    except (LanguageTagError, ValueError):
        return None
    if not langcodes.tag_is_valid(tag):
        return None
    if tag.split("-")[0].casefold() in UNDETERMINED and "-" not in tag:
        return None
    return tag


def valid_language(value: str | None, *, empty_ok: bool = False) -> str | None:
    """The validator of a settings field holding a language: the tag in standard form, None
    kept, ``""`` (no language) kept where allowed; anything else a ``ValueError`` whose text is
    the one line a ``ConfigError`` shows."""
    if value is None or (empty_ok and value == ""):
        return value
    if not value.strip():
        # Not "no language" here (a text field's ``""`` is, with ``empty_ok``): said as
        # such, with what to do, rather than as a tag misspelt
        raise ValueError(
            f"{value!r} names no language: give a BCP 47 language tag (e.g. en, de, fr-CA), "
            "or leave the key out"
        )
    tag = language_tag(value)
    if tag is None:
        raise ValueError(f"{value!r} is not a valid BCP 47 language tag (e.g. en, de, fr-CA)")
    return tag
