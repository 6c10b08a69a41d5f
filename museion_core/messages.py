"""What Museion tells a partner about its records and runs: a closed vocabulary of messages.

A quarantine reason, a mapping warning, why a record left the store or why a run was held is
kept as English text: in the run's files, the provenance graph, the report's JSON and the CLI.
Each such text is made here, from one ``Message`` and its values, so that a page can recognise
the text again (``recognise``) and write it in the reader's language, with the partner's own
values in it untouched (``sparql.i18n.message``). The English templates are the keys of the
translations (``sparql/data/i18n/messages.toml``); a test holds every message to a translation.

A text no message made (a parser's own words, a report written before a message existed) is
still shown, in English and marked so: recognising is a courtesy, never a condition.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from string import Formatter

from .message_matches import *  # noqa: F403
from .message_records import *  # noqa: F403  (every message, as ``messages.NAME``)
from .message_records import FOUND_BY, MESSAGES
from .message_runs import *  # noqa: F403
from .message_runs import (
    GATE_FIELD_LOSS,
    GATE_NOTHING_READ,
    GATE_QUARANTINED,
    GATE_QUARANTINED_ONE,
    GATE_RECORD_DROP,
    GATE_RECORD_DROP_TO_ONE,
    GATE_RECORD_GONE,
    GATE_RECORD_GONE_ONE_NEW,
    GATE_RECORDS_GONE,
    GATE_RECORDS_GONE_ONE_NEW,
)
from .message_search import *  # noqa: F403
from .message_template import Message

__all__ = [
    "MESSAGES",
    "Gate",
    "Kind",
    "Message",
    "clipped",
    "gate_of",
    "kinds",
    "origin_shown",
    "recognise",
    "record_name",
]

RECOGNISED_LENGTH = 4000
"""Texts longer than this are not looked at (the patterns' lazy fields are quadratic on
hostile input); they stay English."""

_PATTERNS = [
    (message, message.pattern())
    for message in sorted(
        MESSAGES, key=lambda m: -len("".join(p[0] for p in Formatter().parse(m.template)))
    )
]
"""Most literal text first, so "not valid JSON: {detail} (line {line}, ...)" is tried before
"not valid JSON: {detail}"."""


def recognise(text: str) -> tuple[Message, dict[str, str]] | None:
    """The message that made ``text`` and its values, or None if no message did."""
    if len(text) > RECOGNISED_LENGTH:
        return None
    for message, pattern in _PATTERNS:
        found = pattern.fullmatch(text)
        if found is not None:
            return message, message.values(found)
    return None


class Gate(StrEnum):
    """Which of a source's gates held a run, as its partner can act on it: objects gone from
    its feed, which may be withdrawn on purpose, or faults in its own data (records it must
    correct, a field its export or feed no longer carries), which it mends and sends again."""

    RECORDS = "records"
    """``gates.max_record_drop``: the run would shrink the source, or renumber its records."""
    QUARANTINE = "quarantine"
    """``gates.max_quarantined``: too many of its records could not be read."""
    FIELD_LOSS = "field-loss"
    """``gates.max_field_loss``: a field its records filled is empty in many of them."""


_GATES = {
    GATE_RECORD_DROP: Gate.RECORDS,
    GATE_RECORD_DROP_TO_ONE: Gate.RECORDS,
    GATE_RECORDS_GONE: Gate.RECORDS,
    GATE_RECORD_GONE: Gate.RECORDS,
    GATE_RECORDS_GONE_ONE_NEW: Gate.RECORDS,
    GATE_RECORD_GONE_ONE_NEW: Gate.RECORDS,
    GATE_QUARANTINED: Gate.QUARANTINE,
    GATE_QUARANTINED_ONE: Gate.QUARANTINE,
    GATE_NOTHING_READ: Gate.QUARANTINE,
    GATE_FIELD_LOSS: Gate.FIELD_LOSS,
}


def gate_of(reason: str) -> Gate | None:
    """The gate whose reason ``reason`` is (a held run's, as its report keeps it), or None
    for a text no gate made (a report written before its gate's message)."""
    found = recognise(reason)
    return _GATES.get(found[0]) if found is not None else None


@dataclass(frozen=True, slots=True)
class Kind:
    """Texts one message made, whatever their values, or one text no message made."""

    message: Message | None
    example: str
    """The first text of this kind."""
    count: int
    varied: bool
    """Whether the texts of this kind differ (in their values)."""

    @property
    def english(self) -> str:
        """The kind in English: the text itself when all its texts are one, else the message
        with its values left out ("date fields run backwards (… to …)")."""
        return self.message.kind if self.message is not None and self.varied else self.example


def kinds(texts: Iterable[tuple[str, int]]) -> list[Kind]:
    """``(text, how many)`` pairs counted by the message that made each text, the commonest
    kind first: an export in the wrong encoding is one fault ("undecodable byte … in column
    …") however many rows, and however many columns, it held back."""
    counted: Counter[str] = Counter()
    first: dict[str, tuple[Message | None, str]] = {}
    varied: set[str] = set()
    for text, count in texts:
        made = _kind_message(text)
        key = made.template if made is not None else text
        counted[key] += count
        example = first.setdefault(key, (made, text))[1]
        if text != example:
            varied.add(key)
    return [Kind(*first[key], count, key in varied) for key, count in counted.most_common()]


def _kind_message(text: str) -> Message | None:
    """The message that made ``text``, as its kind: a reason with what the record holds
    (``FOUND_BY``) is of its reason's kind, "the record has no identifier: … is missing or
    empty; it holds …", not one kind with every other reason that says what its record holds."""
    found = recognise(text)
    if found is None:
        return None
    message, values = found
    if message is not FOUND_BY:
        return message
    inner = recognise(values["reason"])
    if inner is not None:
        within = inner[0].template
    else:  # a reason no message made is literal text in the kind's template
        within = values["reason"].replace("{", "{{").replace("}", "}}")
    return Message(FOUND_BY.template.replace("{reason}", within, 1))


def clipped(text: str, limit: int) -> str:
    """A value as a message or a page quotes it: at most ``limit`` characters, the last of
    them "…" when it was cut (a server's 64 KB reason phrase, a 2,000,000-character id)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def origin_shown(local_id: str | None, origin: str) -> bool:
    """Whether a quarantined record is named with its place beside its id: when that place is
    a position in a file ("inventory.csv, line 6"), not a URL nor the file alone."""
    return (
        bool(local_id and origin) and origin != local_id and ", " in origin and "://" not in origin
    )


def record_name(local_id: str | None, origin: str) -> str:
    """How a quarantined record is named to its partner: its id, with its place in the file
    ("A-5 (inventory.csv, line 6)", ``origin_shown``), or where it was when it has no id. The
    command line says it so; the report page sets the place apart."""
    if not local_id:
        return origin
    return f"{local_id} ({origin})" if origin_shown(local_id, origin) else local_id
