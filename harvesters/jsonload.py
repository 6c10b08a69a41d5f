"""JSON text read into values, safely: ``load_json`` is ``json.loads`` with every integer kept
exactly, a key given twice with different values refused (or, in a page of records, marked on
its object so that it costs only the record holding it), and a lone surrogate (half of a UTF-16
pair, which no text can hold) a reason rather than a value; it raises only ``ValueError``. The
bytes it reads have been bounded first (``harvesters.jsonscan``).
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

from museion_core import messages

__all__ = [
    "DuplicateKeyError",
    "duplicate_key_reason",
    "load_json",
    "load_page",
    "lone_surrogate_reason",
    "may_hold_surrogate",
]


def _int(text: str) -> int | str:
    """An integer too long for ``int()`` (Python refuses over 4,300 digits) is kept as its exact
    digits rather than refused: a record is not lost for one absurd number."""
    limit = sys.get_int_max_str_digits()
    return int(text) if not limit or len(text.lstrip("-")) <= limit else text


def _float(text: str) -> float | str:
    """A number too large for a float (``1e999999``) kept as written rather than as
    ``inf``: as with ``NaN`` and ``Infinity`` (which are not JSON; Python's reader lets them
    through, ``parse_constant`` keeps their names), a title or a date became "inf" or "nan"."""
    value = float(text)
    return value if math.isfinite(value) else text


def load_page(raw: bytes, *, lone_surrogates: bool = False) -> tuple[Any, bool]:
    """``load_json`` of a page of records that a caller takes one by one: the value, each key
    given twice with different values kept at its last value and its object marked, and
    whether any was (then ``duplicate_key_reason`` tells which records hold one)."""
    keys = _MarkedKeys()
    return _load(raw, lone_surrogates, keys), keys.marked


def load_json(raw: bytes | str, *, lone_surrogates: bool = False) -> Any:
    """``json.loads`` that keeps every integer exactly and raises only ``ValueError``.

    Used for every JSON payload a partner sends (the readers and the mappings), so a number of
    any size or a nesting Python cannot recurse into is a reason, never a traceback.

    ``lone_surrogates``: let texts holding one through, for a caller that checks each record
    of the document itself (``lone_surrogate_reason``): one broken text in an API's page of a
    hundred records costs that record, not the page.

    A key given twice with different values in one object raises ``DuplicateKeyError`` (for a
    page of records, ``load_page`` marks the object instead).
    """
    return _load(raw, lone_surrogates, _OneValuePerKey())


def _load(raw: bytes | str, lone_surrogates: bool, keys: _OneValuePerKey | _MarkedKeys) -> Any:
    try:
        value = json.loads(
            raw, parse_int=_int, parse_float=_float, parse_constant=str, object_pairs_hook=keys
        )
    except (RecursionError, ValueError) as exc:
        if isinstance(keys, _OneValuePerKey) and keys.key is not None:
            # Met before the fault, so the reason (as when the hook raised at once); the
            # document, not read to its end, names no record.
            raise keys.error(None) from None
        if isinstance(exc, RecursionError):
            raise ValueError(messages.JSON_TOO_DEEP()) from None
        raise
    if isinstance(keys, _OneValuePerKey) and keys.key is not None:
        raise keys.error(value)
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "replace")
    if not may_hold_surrogate(data):
        return value
    if _UTF8_PAIR.search(data):  # CESU-8 (Oracle's "UTF8"): a pair is one character
        value = _paired(value)
    reason = None if lone_surrogates else lone_surrogate_reason(value)
    if reason is not None:
        raise ValueError(reason)
    return value


class DuplicateKeyError(ValueError):
    """An object names one key twice, with different values (``load_json``)."""

    def __init__(self, reason: str, document: Any) -> None:
        super().__init__(reason)
        self.document = document
        """The whole document as ``json.loads`` reads it (each key's last value), to name the
        record by; None when it could not be read to its end."""


class _OneValuePerKey:
    """``object_pairs_hook`` that builds each object as ``json.loads`` does and notes the first
    key that comes twice with different values: ``json.loads`` keeps the last without a word
    (``{"title": "Real", "title": "Injected"}`` was published as "Injected"), and which one the
    partner meant cannot be told. The same value twice is harmless, and kept. The document is
    read to its end all the same, so that the refusal can still name its record."""

    def __init__(self) -> None:
        self.key: str | None = None

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        value = dict(pairs)
        if self.key is None:
            self.key = _given_twice(pairs, value)
        return value

    def error(self, document: Any) -> DuplicateKeyError:
        return DuplicateKeyError(_twice_reason(self.key or ""), document)


def _given_twice(pairs: list[tuple[str, Any]], value: dict[str, Any]) -> str | None:
    """The first key ``pairs`` give twice with different values (``value``: the object
    ``json.loads`` builds of them, each key's last value), or None."""
    if len(value) == len(pairs):
        return None
    return next((key for key, item in pairs if value[key] != item), None)


def _twice_reason(key: str) -> str:
    return messages.JSON_DUPLICATE_KEY(key=messages.clipped(key, 100))


class _Conflicted(dict[str, Any]):
    """An object of a page of records that named ``key`` twice with different values: a dict
    as ``json.loads`` builds it (each key's last value), marked for ``duplicate_key_reason``."""

    key: str = ""


class _MarkedKeys:
    """``object_pairs_hook`` for a page of records: each object as ``json.loads`` builds it,
    an object with a key given twice with different values built as a ``_Conflicted``."""

    def __init__(self) -> None:
        self.marked = False
        """Whether an object was marked: only then need records be walked."""

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        value = dict(pairs)
        key = _given_twice(pairs, value)
        if key is None:
            return value
        self.marked = True
        marked = _Conflicted(value)
        marked.key = key
        return marked


def duplicate_key_reason(value: Any) -> str | None:
    """Why a record taken from a page read by ``load_page`` cannot be
    kept, if one of its objects named a key twice with different values (which one the
    partner meant cannot be told), as ``load_json`` would refuse a document of one record."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Conflicted):
            return _twice_reason(item.key)
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def may_hold_surrogate(data: bytes) -> bool:
    """Whether JSON text ``data`` may hold a surrogate (escaped, or in UTF-8's form): a look at
    its bytes, which spares walking the parsed value (``lone_surrogate_reason``) when not."""
    if _ESCAPED_SURROGATE.search(data):
        return True
    return b"\xed" in data and _UTF8_SURROGATE.search(data) is not None


def lone_surrogate_reason(value: Any) -> str | None:
    """Why ``value`` (parsed JSON) cannot be kept, if one of its texts holds a lone surrogate:
    "\\ud800" alone is no character, and no text (nor RDF literal) can hold it."""
    lone = _lone_surrogate(value)
    return None if lone is None else messages.JSON_LONE_SURROGATE(text=lone)


_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_UTF8_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")
"""A surrogate written out as UTF-8 would write it (``ED A0 80``: CESU-8 and broken exporters
do), which ``json.loads`` of bytes lets through as it lets an escaped one (``\\ud800``). Looked
for only where the byte ED is (as one pattern with the escape, it cost every payload ten
times the look for the escape alone)."""
_SURROGATE = re.compile("[\ud800-\udfff]")
_UTF8_PAIR = re.compile(rb"\xed[\xa0-\xaf][\x80-\xbf]\xed[\xb0-\xbf][\x80-\xbf]")
"""A high and a low surrogate, each written out in UTF-8's form: how CESU-8 (Oracle's "UTF8"
character set, Java's modified UTF-8) writes a character beyond U+FFFF, such as an emoji."""


def _paired(value: Any) -> Any:
    """``value`` with each pair of surrogates in its texts joined into the one character they
    stand for (``json.loads`` of bytes leaves them apart); lone ones stay as they are."""
    if isinstance(value, str):
        if _SURROGATE.search(value) is None:
            return value
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    if isinstance(value, list):
        return [_paired(item) for item in value]
    if isinstance(value, dict):
        paired = {_paired(key): _paired(item) for key, item in value.items()}
        if isinstance(value, _Conflicted):  # still marked for ``duplicate_key_reason``
            marked = _Conflicted(paired)
            marked.key = _paired(value.key)
            return marked
        return paired
    return value


def _lone_surrogate(value: Any) -> str | None:
    """The first string (or key) in ``value`` holding a surrogate code point (json.loads joins
    escaped pairs into one character, so one left over had no partner), as the forty
    characters around it, each surrogate shown as the replacement character (U+FFFD) that a
    reader sees in broken text: "Broken \ufffd emoji", "إبريق \ufffd"."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if found := _SURROGATE.search(item):
                start = max(0, found.start() - 20)
                shown = _SURROGATE.sub("\ufffd", item[start : start + 40])
                return ("…" if start else "") + shown + ("…" if start + 40 < len(item) else "")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None
