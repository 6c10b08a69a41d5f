"""N-Quads text written directly: the one place an IRI or a literal becomes N-Quads syntax.

The compiled mapping path (ARCHITECTURE §9) writes a record's graph as N-Quads lines instead
of building a pyoxigraph ``Quad`` per statement and serialising the list. That is only safe if
every term goes through exactly one escaping function for IRIs (``iri``) and one for literals
(``literal``), both tested with hostile input (``tests/mappings/test_nquads.py``) against what
pyoxigraph parses back. Output is byte for byte what Oxigraph's own serialiser writes, so the
stored text and the record fingerprints do not depend on which path mapped a record. A term
pyoxigraph already holds (``term``) is written in Oxigraph's own form, which the same tests
hold to what ``iri`` and ``literal`` write for it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pyoxigraph import Literal, NamedNode

from museion_core import messages
from museion_core.errors import MappingError

__all__ = ["NQuadsError", "iri", "literal", "lone_surrogate", "term"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class NQuadsError(MappingError, ValueError):
    """A value that no N-Quads term can carry (an IRI that is not one, a lone surrogate)."""


_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
_SAFE_IRI = re.compile(
    rf"[a-z][a-z0-9+.-]*://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/{_PCHAR}*)*"
    rf"(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"
)
"""IRIs made of a plain scheme, host and port, and unreserved or sub-delimiter characters (or
percent escapes) after them: a subset of RFC 3987 that needs neither escaping nor a check."""
_PLAIN_IRI = re.compile(
    r"[a-z][a-z0-9+.-]*://[A-Za-z0-9.-]+(?::[0-9]+)?(?:[/?][A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*)?"
)
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
"""``_SAFE_IRI`` for an IRI without a ``#`` (the IRIs Museion mints), in two flat passes: the
characters, then that each ``%`` starts an escape. The same language without the nested
alternatives, so several times faster to match."""


def _plain(value: str) -> bool:
    if _PLAIN_IRI.fullmatch(value) is None:
        return False
    return "%" not in value or _BAD_PERCENT.search(value) is None


_ESCAPES = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f\ufffe\uffff\ud800-\udfff]')


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _escape_char(found: re.Match[str]) -> str:
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        raise _surrogate_error(char)
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def lone_surrogate(value: str) -> NQuadsError | None:
    """Why ``value`` cannot be written (it holds a lone surrogate: JSON may escape one,
    ``"\\ud800"``, and no UTF-8 text or RDF term can carry it), or None if it can."""
    found = _SURROGATE.search(value)
    return None if found is None else _surrogate_error(found.group())


def _surrogate_error(char: str) -> NQuadsError:
    return NQuadsError(messages.LONE_SURROGATE(code=f"U+{ord(char):04X}"))


@lru_cache(maxsize=65536)
def iri(value: str) -> str:
    """``<value>``, or ``NQuadsError`` if ``value`` is not an absolute IRI. An IRI has no
    character N-Quads would need to escape (RFC 3987 excludes space, ``<>"{}|^`\\`` and
    controls), so the check is the escaping: a plain one by pattern, any other by Oxigraph's
    own IRI parser, the one the store loads with."""
    if not _plain(value) and _SAFE_IRI.fullmatch(value) is None:
        try:
            NamedNode(value)
        except (ValueError, UnicodeEncodeError) as exc:
            raise NQuadsError(messages.INVALID_IRI(value=value[:200], detail=exc)) from None
    return f"<{value}>"


def literal(value: str, language: str | None = None, datatype: str | None = None) -> str:
    """A quoted, escaped literal with its language tag or datatype (``xsd:string``, the
    default, is left implicit as Oxigraph writes it). The language tag must already be a
    valid BCP 47 tag (``normalise.language.language_tag``)."""
    text = _NEEDS_ESCAPE.sub(_escape_char, value) if _NEEDS_ESCAPE.search(value) else value
    if language:
        return f'"{text}"@{language}'
    if datatype and datatype != XSD_STRING:
        return f'"{text}"^^{iri(datatype)}'
    return f'"{text}"'


def term(node: NamedNode | Literal) -> str:
    """The N-Quads text of a pyoxigraph term: its own N-Triples form, which is Oxigraph's
    serialiser's text and so exactly what ``iri`` writes for a named node's IRI and
    ``literal`` for a literal's value, language and datatype (``tests/mappings/
    test_nquads.py`` holds them to each other on hostile text). Pyoxigraph checked the term
    when it was made; writing it in Rust saves reading its parts back into Python and
    checking or escaping them a second time on the compiled path's hottest line."""
    return str(node)
