"""What a mapping is: a pure function from a SourceRecord to the quads of its named graph."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from pyoxigraph import NamedNode, Quad

from harvesters import SourceRecord

from .iris import Minter

__all__ = ["CompiledMapping", "Mapping", "MappingContext", "MappingResult", "NQuadsResult"]


@dataclass(frozen=True, slots=True)
class MappingContext:
    """Everything a mapping may know beyond the record itself. No network, no store."""

    base_iri: str
    source: str
    language: str | None = None
    """The source's default language, overriding the mapping's."""

    @property
    def minter(self) -> Minter:
        return Minter(self.base_iri, self.source)


@dataclass(slots=True)
class MappingResult:
    graph: NamedNode
    subject: NamedNode
    kind: str
    """``object`` or ``person``: what the record describes."""
    quads: list[Quad]
    warnings: list[str] = field(default_factory=list)
    local_terms: list[tuple[str, str]] = field(default_factory=list)
    """(scheme, label) of terms no vocabulary knows, minted as local concepts."""
    unparsed: list[tuple[str, str, str]] = field(default_factory=list)
    """(``date`` or ``dimensions``, text, source field) of texts kept but read into no
    value."""


@dataclass(slots=True)
class NQuadsResult:
    """A record mapped by the compiled path: its graph as N-Quads text, never a ``Quad`` list."""

    graph: str
    subject: str
    """The subject's IRI (no angle brackets)."""
    kind: str
    nquads: str
    links: dict[tuple[str, str], list[str]]
    """(subject, predicate) → objects, in N-Quads syntax, for the predicates asked for."""
    warnings: list[str] = field(default_factory=list)
    local_terms: list[tuple[str, str]] = field(default_factory=list)
    unparsed: list[tuple[str, str, str]] = field(default_factory=list)
    payload: Any = None
    """The payload as the mapping parsed it (JSON, before any markup was stripped), or None:
    the map stage reads the record's field paths off it instead of parsing it again."""


class Mapping(Protocol):
    name: str
    version: str

    def identify(self, record: Any) -> str:
        """The local id of a parsed record (for harvesters that cannot know it); raises
        ``ValueError`` with the reason when there is none."""
        ...

    def map(self, record: SourceRecord, context: MappingContext) -> MappingResult:
        """Raises ``MappingError`` when the record cannot be mapped; it is then quarantined."""
        ...


@runtime_checkable
class CompiledMapping(Mapping, Protocol):
    """A mapping that can also write a record's graph as N-Quads text directly (the hot
    path); ``map`` stays the reference its output is tested against, quad set for quad set."""

    def map_nquads(
        self, record: SourceRecord, context: MappingContext, watch: frozenset[NamedNode]
    ) -> NQuadsResult:
        """Like ``map``; ``watch`` names the predicates whose links to index in ``links``."""
        ...


class ReferencePath:
    """``mapping`` seen through ``Mapping`` alone, without its compiled path: the map stage
    then takes the reference path (quads built one by one, then serialised), as it does for a
    mapping that is not compiled. For comparing the two paths (tests, benches)."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.name = mapping.name
        self.version = mapping.version

    def identify(self, record: Any) -> str:
        return self.mapping.identify(record)

    def map(self, record: SourceRecord, context: MappingContext) -> MappingResult:
        return self.mapping.map(record, context)
