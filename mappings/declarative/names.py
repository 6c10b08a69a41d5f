"""Field names as partners' programs write them, matched as a person types them.

Excel and LibreOffice put a no-break space (U+00A0) where French typography wants one ("N°
inventaire", "Hauteur (cm)"), and a header cell may hold a line break ("Hauteur" / "(cm)"): a
mapping whose path was typed with a plain space read nothing of such a column, and its message
showed two names that look the same. Names are matched with every run of white space (any
Unicode space, a tab, a line break) read as one plain space (``spaced_name``). Where a name still
does not match one that looks like it (a zero-width space, "º" for "°", "’" for "'"), the
difference is named character by character (``name_difference``).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from museion_core import messages

__all__ = ["lookalike", "missing_field", "name_difference", "spaced_keys", "spaced_name"]

_ODD_SPACE = re.compile(r"[^\S ]| {2}|^ | $|\x00 | \x00")
"""White space other than single plain spaces between words, in keys joined by NUL."""


def spaced_name(name: str) -> str:
    """``name`` with each run of white space (a no-break, narrow no-break, thin or ideographic
    space, a tab, a line break) as one plain space, and none at its ends."""
    return " ".join(name.split())


def spaced_keys(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """``record`` with each key of odd white space also under its ``spaced_name`` form (unless the
    record has that key already): a path typed with plain spaces finds "N°\\u00a0inventaire".
    The record itself when no key needs it (most records: one search over the keys)."""
    keys = [key for key in record if isinstance(key, str)]
    if not _ODD_SPACE.search("\x00".join(keys)):
        return record
    extra: dict[str, Any] = {}
    for key in keys:
        plain = spaced_name(key)
        if plain != key and plain not in record:
            extra.setdefault(plain, record[key])
    return {**record, **extra} if extra else record


_NOTHING = "nothing"
"""What one name has where the other has a character it lacks (a word of Museion's own,
translated on the pages)."""


def name_difference(wanted: str, found: str) -> tuple[str, str] | None:
    """What ``found`` has where ``wanted`` has something else, each said character by
    character ("U+00BA MASCULINE ORDINAL INDICATOR (º)", or "nothing"), when the two names
    differ in one place only, by at most three characters, and the difference holds a
    character a reader cannot tell by eye (any but the printable ASCII ones: a zero-width
    space, a look-alike letter, a space); else None (a typo shows for itself)."""
    a, b = spaced_name(wanted), spaced_name(found)
    if a == b:
        return None
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if len(changes) != 1:
        return None
    _, i1, i2, j1, j2 = changes[0]
    ours, theirs = a[i1:i2], b[j1:j2]
    if max(len(ours), len(theirs)) > 3:
        return None
    if all(" " < c < "\x7f" for c in ours + theirs):
        return None
    return _said(theirs), _said(ours)


def lookalike(wanted: str, names: Iterable[str]) -> tuple[str, str, str] | None:
    """Of ``names`` (a record's fields), the one that looks like ``wanted`` but is not it,
    with what it has where ``wanted`` has something else (``name_difference``); None if none."""
    for name in difflib.get_close_matches(spaced_name(wanted), list(names), n=3, cutoff=0.75):
        said = name_difference(wanted, name)
        if said is not None:
            return name, *said
    return None


def _said(characters: str) -> str:
    if not characters:
        return _NOTHING
    return ", ".join(_character(c) for c in characters)


def _character(c: str) -> str:
    """A character named so that it can be found and told apart: its code point and name,
    and itself where it can be seen."""
    name = f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}"
    hidden = c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Mn")
    return name if hidden else f"{name} ({c})"


def missing_field(paths: Sequence[str], record: Mapping[str, Any], where: str) -> str:
    """Why ``record`` has no identifier, having no field that ``paths`` (``where``) name: the
    field it has that looks like one of them and how the two differ, or else the fields it
    has (a renamed header; a workbook's read-me sheet read for its inventory)."""
    names = [str(name) for name in record]
    for path in paths:
        found = lookalike(path, names)
        if found is not None:
            like, theirs, ours = found
            return messages.NO_IDENTIFIER_FIELD_LOOKALIKE(
                path=path, like=like[:60], found=theirs, wanted=ours
            )
    shown = [repr(name[:60]) for name in names[:6]]
    fields = ", ".join(shown) + (", …" if len(names) > len(shown) else "")
    return messages.NO_IDENTIFIER_FIELD(where=where, fields=fields)
