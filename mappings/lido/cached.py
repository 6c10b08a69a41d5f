"""The LIDO mapping's record builder: ``RecordBuilder`` with its pure steps remembered.

A LIDO feed names the same few thousand things over and over: the same licence, the same
authority IRIs, the same image server, the same labels in the same languages. Checking an IRI,
classifying a link and making a language-tagged literal are pure functions of the value (and of
the language), apart from the warnings they add to the record; so they are done once per value
on a scratch builder, and the result *and its warnings* are replayed for every record that
gives that value again (issue 14: the checks cost more than building the quads). The caches
are bounded, and the builder never caches long texts (descriptions): they are seldom repeated.
Date and dimension texts, which are short and repeat, are parsed once each here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pyoxigraph import Literal, NamedNode

from museion_core.vocab import LA

from ..builder import DEFAULT_LANGUAGE, Lang, RecordBuilder
from ..iris import Minter
from ..links import Link
from ..normalise import dates
from ..normalise.dimensions import parse_dimension_statement

__all__ = ["LidoBuilder", "bounds", "dimension_statement", "parse_date_text"]

_SIZE = 8192
_LONGEST = 200
"""Values longer than this (descriptions, inscriptions) are computed every time."""

_SCRATCH_GRAPH = NamedNode("urn:museion:scratch")
_SCRATCH_MINTER = Minter("urn:museion:", "scratch")


def _scratch() -> RecordBuilder:
    return RecordBuilder(_SCRATCH_GRAPH, _SCRATCH_MINTER)


@lru_cache(maxsize=_SIZE)
def _iri(value: str, what: str) -> tuple[NamedNode | None, tuple[str, ...]]:
    scratch = _scratch()
    return scratch.iri(value, what), tuple(scratch.warnings)


@lru_cache(maxsize=_SIZE)
def _link(value: str, what: str) -> tuple[NamedNode | Link | None, tuple[str, ...]]:
    scratch = _scratch()
    return scratch.link(value, what), tuple(scratch.warnings)


@lru_cache(maxsize=_SIZE)
def _text(value: str, language: str | None) -> tuple[Literal, tuple[str, ...]]:
    scratch = _scratch()
    return scratch.text(value, language), tuple(scratch.warnings)


@lru_cache(maxsize=_SIZE)
def _equivalent(value: str, scheme: str | None) -> tuple[NamedNode | None, tuple[str, ...]]:
    """The IRI ``RecordBuilder.equivalent`` links to (the authority's entity IRI), checked."""
    scratch = _scratch()
    subject = _SCRATCH_GRAPH
    scratch.equivalent(subject, value, scheme)
    target = scratch.quads[0].object if scratch.quads else None
    assert target is None or isinstance(target, NamedNode)
    return target, tuple(scratch.warnings)


@dataclass(slots=True)
class LidoBuilder(RecordBuilder):
    """``RecordBuilder`` whose IRI checks, link classification and literals are cached; the
    quads and warnings it makes are exactly those ``RecordBuilder`` would make."""

    def iri(self, value: str, what: str) -> NamedNode | None:
        if len(value) > _LONGEST:
            return RecordBuilder.iri(self, value, what)
        found, warnings = _iri(value, what)
        self.warnings.extend(warnings)
        return found

    def link(self, value: str, what: str) -> NamedNode | Link | None:
        if len(value) > _LONGEST:
            return RecordBuilder.link(self, value, what)
        found, warnings = _link(value, what)
        self.warnings.extend(warnings)
        return found

    def equivalent(self, s: NamedNode, value: str, scheme: str | None = None) -> None:
        if len(value) > _LONGEST:
            RecordBuilder.equivalent(self, s, value, scheme)
            return
        target, warnings = _equivalent(value, scheme)
        self.warnings.extend(warnings)
        if target is not None:
            self.add(s, LA.equivalent, target)

    def text(self, value: str, language: Lang = DEFAULT_LANGUAGE) -> Literal:
        lang = self.language if language is DEFAULT_LANGUAGE else language
        if len(value) > _LONGEST:
            return RecordBuilder.text(self, value, lang)
        found, warnings = _text(value, lang)
        self.warnings.extend(warnings)
        return found


dimension_statement = lru_cache(maxsize=4096)(parse_dimension_statement)
"""``parse_dimension_statement``, once per text and language: display texts such as
"32 x 24 cm" repeat across a feed (the parsed statement is frozen, so it can be shared)."""


@lru_cache(maxsize=_SIZE)
def bounds(value: str) -> tuple[str, str] | None:
    """``normalise.dates.bounds`` of a date text, once per text: a feed's dates repeat."""
    return dates.bounds(value)


parse_date_text = lru_cache(maxsize=_SIZE)(dates.parse_date_text)
"""``normalise.dates.parse_date_text``, once per text and language (its result is frozen)."""
