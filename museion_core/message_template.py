"""One message of Museion's closed vocabulary (``museion_core.messages``): an English template
with named fields, the text it makes with values filled in, its kind (the template with the
values left out), and the regular expression that recognises a text it made, giving back the
values as the partner wrote them. It knows no message of its own: the catalogue is
``museion_core.messages``.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from dataclasses import dataclass, field
from string import Formatter

__all__ = ["Message"]

_NESTED = frozenset({"detail", "reason"})

_QUOTED = (
    r"b?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|None|True|False"
)
"""What ``repr`` writes for a text (or bytes), or for the number or constant a JSON field may
hold instead (a year ``71959``): the form of a ``{name!r}`` field."""


@dataclass(frozen=True, slots=True)
class Message:
    """One message: an English template with ``{name}`` fields (``{name!r}`` for a value the
    partner sent, quoted as Python quotes it; ``{name:d}`` for a whole number, ``{name:s}``
    for one word without spaces).

    ``terms`` are fields whose values are English words of Museion's own ("image URL",
    "birth"): a translation translates them too. A field called ``detail`` or ``reason`` may
    itself hold a message (why a forced run was held, what the XML parser of a LIDO payload
    met), which is then translated in its turn."""

    template: str
    terms: frozenset[str] = frozenset()
    fields: tuple[str, ...] = field(init=False, default=())
    quoted: frozenset[str] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        parsed = [(name, conv) for _, name, _, conv in Formatter().parse(self.template) if name]
        object.__setattr__(self, "fields", tuple(name for name, _ in parsed))
        object.__setattr__(self, "quoted", frozenset(n for n, conv in parsed if conv == "r"))

    @property
    def nested(self) -> frozenset[str]:
        """The fields that may hold a message of their own."""
        return frozenset(self.fields) & _NESTED

    def __call__(self, **values: object) -> str:
        """The English text with ``values`` filled in."""
        return self.template.format(**values)

    @property
    def kind(self) -> str:
        """The English template with each value left out: "the row has … fields but the
        header has …", what every text this message makes has in common. A value the texts
        quote keeps its quotes ("the identifier '…' occurs twice"), as the translations do."""
        return "".join(
            literal + ("" if name is None else "'…'" if conv == "r" else "…")
            for literal, name, _, conv in Formatter().parse(self.template)
        )

    def pattern(self) -> re.Pattern[str]:
        """A regular expression that the texts this message makes match, fields captured."""
        parts = []
        seen: set[str] = set()
        for literal, name, spec, conv in Formatter().parse(self.template):
            parts.append(re.escape(literal))
            if name is None:
                continue
            if name in seen:
                parts.append(f"(?P={name})")
                continue
            seen.add(name)
            parts.append(f"(?P<{name}>{_form(conv, spec)})")
        return re.compile("".join(parts), re.S)

    def values(self, found: re.Match[str]) -> dict[str, str]:
        """The fields of a recognised text, a quoted one as the partner wrote it (unquoted)."""
        values = {}
        for name in self.fields:
            text = found.group(name)
            if name in self.quoted:
                text = _unquoted(text)
            values[name] = text
        return values


def _form(conv: str | None, spec: str | None) -> str:
    """What a field's value looks like in the text: quoted (``!r``), a whole number (``:d``,
    so "{rejected:d} of ..." does not take the words before it), one word without spaces
    (``:s``: a URL, an encoding, so "IIIF manifest {url:s}: {detail}" does not end the URL at
    its first colon), or any text."""
    if conv == "r":
        return _QUOTED
    if spec == "s":
        return r"\S+"
    return r"-?\d+" if spec == "d" else ".+?"


def _unquoted(text: str) -> str:
    """A quoted value as the partner wrote it; kept quoted (escaped) when it holds what a page
    cannot show raw: a control character, a lone surrogate (which no UTF-8 page can carry). A
    bidi control stays: the page isolates each value (``<bdi>``)."""
    if text.startswith("b"):
        return text  # bytes: their repr says more than a decoding would
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    if not isinstance(value, str):
        return text  # a number or a constant: as written
    shown = all(unicodedata.category(c) not in ("Cc", "Cs") for c in value)
    return value if shown else text
