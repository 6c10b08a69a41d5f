"""What the writing stage needs to know of the configuration, as small typed records.

The shell (``museion.config``) validates ``museion.toml`` and fills these; publish/ never
imports the shell (ARCHITECTURE §9), so it depends on these few fields, not on the whole
configuration and its validators.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from harvesters import SourceRecord
from mappings import Mapping, MappingContext

from .staged import RunKind

__all__ = ["MapPool", "MappedRecord", "Partner", "PublishSettings", "SourceSettings"]


@dataclass(frozen=True, slots=True)
class Partner:
    """The institution behind a source: it owns and keeps the source's objects."""

    label: str
    language: str | None = None
    homepage: str | None = None
    equivalent: tuple[str, ...] = ()
    """Authority IRIs for the institution (Wikidata, ISIL, ULAN)."""


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """One source as the writer sees it: its name, its mapping and its partner."""

    name: str
    mapping: Mapping
    mapping_name: str
    partner: Partner
    language: str | None = None
    """The language of the source's texts, when the feed does not say."""

    @property
    def mapping_id(self) -> str:
        """Which mapping, in which version, made a record's graph (changes force a re-map)."""
        return f"{self.mapping.name}@{self.mapping.version}"


@dataclass(frozen=True, slots=True)
class PublishSettings:
    base_iri: str
    batch_size: int = 500
    """Records staged, applied and indexed per transaction."""
    write_bytes: int = 0
    """N-Quads of staged records written to the store in one call: consecutive batches are
    joined up to this size (0: each batch alone). Each write is one Oxigraph bulk load; a few
    large loads cost less CPU and disk than many small ones on a large first load, and the
    loader's memory follows the size of one write (``bench/apply_write.py``)."""
    stream_records: int = 0
    """New records in one run from which they are written in a single bulk load that reads
    them as it goes (``Store.load_new_graphs``), before the rest in batches; 0: never. About a
    fifth less CPU to apply a large first harvest, for the loader's memory: up to a million
    quads per thread it runs (2.3 GB of RSS on two cores; ``bench/apply_write.py``)."""


class MappedRecord(Protocol):
    """What staging keeps of one mapped record (``museion.mapper.Mapped`` is one)."""

    @property
    def graph(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def packed(self) -> bytes:
        """The record graph as N-Quads, packed by ``publish.pack_quads``."""

    @property
    def count(self) -> int:
        """Its statements, ``publish.statement_count`` of the N-Quads packed."""

    @property
    def flags(self) -> int: ...
    @property
    def fields(self) -> str: ...
    @property
    def entities(self) -> str: ...
    @property
    def warnings(self) -> tuple[str, ...]: ...
    @property
    def local_terms(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def unparsed(self) -> tuple[tuple[str, str, str], ...]: ...


class MapPool(Protocol):
    """Where records are mapped (``museion.mapper.Mapper``: in this process or in workers).

    Staging decides which records need mapping and stages the outcomes; how they are mapped
    belongs to the pipeline, so publish/ takes the pool it is given."""

    @property
    def jobs(self) -> int: ...

    def submit(
        self,
        mapping: Mapping,
        context: MappingContext,
        records: Sequence[SourceRecord],
        kind: RunKind = ...,
    ) -> Callable[[], Sequence[MappedRecord | str]]:
        """Start mapping ``records`` for a run of ``kind`` (what a failure says of the run);
        the function returned waits for each one's outcome (a mapped record, or the reason it
        is quarantined)."""
        ...
