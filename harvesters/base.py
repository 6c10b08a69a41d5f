"""The harvester interface and the registry that finds harvesters by their ``kind``."""

from __future__ import annotations

import glob
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Annotated, Any, ClassVar, Protocol

from pydantic import Field

from museion_core.settings import StrictModel

from .records import HarvestItem

__all__ = [
    "MAX_RETRIES",
    "TIMEOUT",
    "Harvester",
    "HarvesterOptions",
    "Identify",
    "MaxResponseBytes",
    "MaxRetries",
    "RequestDeadline",
    "SourceSpec",
    "Timeout",
    "available_kinds",
    "create_harvester",
    "is_url",
    "location_folder",
    "options_model",
    "register",
]

Identify = Callable[[Any], str]
"""Finds a record's local identifier in a parsed record (a dict for JSON and CSV, an lxml
element for XML); raises ``ValueError`` with the reason when it cannot. Supplied by the mapping,
because the mapping knows which field holds the id."""


class HarvesterOptions(StrictModel):
    """Options a kind of harvester accepts in its ``[[sources]]`` table (unknown keys fail)."""


# The options every harvester that reads over HTTP has, each written once: its type and bounds
# here, its place among each kind's own keys there (``timeout: Timeout = TIMEOUT``). Types, not
# a base class: pydantic puts a base's fields first, and the field order decides which of two
# bad values a config error names.
Timeout = Annotated[float, Field(gt=0)]
"""Seconds to wait for the server before a request counts as failed (and is retried): it
bounds each silence, not the whole answer (``request_deadline``)."""
TIMEOUT = 60.0
MaxRetries = Annotated[int, Field(ge=0)]
"""Retries (with backoff, honouring ``Retry-After``) on timeouts, 429 and 5xx answers."""
MAX_RETRIES = 3
RequestDeadline = Annotated[float, Field(gt=0)]
"""Seconds one answer may take in all, from connecting to its last byte: ``timeout`` only
bounds silences, and a server that trickles a byte a second is never silent. Its default
differs by kind (a page of records, a dump, a file)."""
MaxResponseBytes = Annotated[int, Field(gt=0)]
"""An answer larger than this is refused; its default differs by kind."""


@dataclass(frozen=True)
class SourceSpec:
    """What a harvester needs to know about its source, already validated."""

    name: str
    location: str
    options: HarvesterOptions
    identify: Identify | None = None
    checkpoint: Mapping[str, Any] = field(default_factory=dict)
    records: tuple[str, ...] = ()
    """Fetch only these records, by the identifier the source's protocol knows them by (OAI-PMH
    ``GetRecord``); empty for a normal harvest. Such a harvest leaves the checkpoint as it was."""
    skip: tuple[Path, ...] = ()
    """Folders a directory or glob location never reads: Museion's own data directory, which a
    partner's ``location = "."`` beside its config would otherwise read as records."""
    uploaded: bool = False
    """The files are a partner's upload (``museion upload``), not the source's location: a
    fault's advice fits what that partner can do (leave a file out of its next upload, not
    remove it from a folder it has no access to)."""

    def shown(self, path: str) -> str:
        """How a file this source read is named where people see it (a record's origin in the
        partner report and the public provenance graph): relative to the folder ``location``
        names, ``inventory.csv`` or ``2024/objects.csv``, not the server's own folders
        (``/srv/museion/partners/...``). A URL is shown whole."""
        root = location_folder(self.location)
        if is_url(path) or root is None:
            return path
        try:
            shown = PurePath(path).relative_to(root).as_posix()
        except ValueError:
            shown = "."
        return PurePath(path).name if shown == "." else shown


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


_ESCAPED = re.compile(r"\[([*?\[])\]")
"""A wildcard character escaped as ``glob.escape`` writes it (``[*]``, ``[?]``, ``[[]``)."""


def location_folder(location: str) -> PurePath | None:
    """The folder a source's ``location`` names: a directory itself, a file's folder, the
    folder of a glob's fixed part (``exports/inv*.csv``: ``exports``); None for a URL."""
    if is_url(location):
        return None
    if glob.has_magic(location):
        fixed: list[str] = []
        for part in PurePath(location).parts:  # up to the first with a wildcard of its own
            if glob.has_magic(_ESCAPED.sub("", part)):
                break
            fixed.append(_ESCAPED.sub(r"\1", part))  # "a[[]1]": a folder "a[1]" (glob.escape)
        return PurePath(*fixed) if fixed else PurePath(".")
    folder = location.endswith("/") or Path(location).is_dir()
    return PurePath(location) if folder else PurePath(location).parent


class Harvester(Protocol):
    """An iterator of raw records with a checkpoint it can be resumed from.

    Implementations must be lazy: memory may not grow with the number of records.
    """

    kind: ClassVar[str]

    def __iter__(self) -> Iterator[HarvestItem]: ...

    @property
    def checkpoint(self) -> Mapping[str, Any]:
        """State after the last yielded item; passing it back in a SourceSpec resumes there."""
        ...

    @property
    def complete_snapshot(self) -> bool:
        """True when a finished harvest has seen every record the source holds, so records not
        seen were withdrawn (a file export); False for incremental protocols."""
        ...

    @property
    def unread(self) -> Sequence[str]:
        """After a harvest: the parts of the feed that could not be read at all (a file whose
        header row or encoding is broken, a workbook without the sheet). Which records they
        hold is not known, so a complete snapshot with any withdraws nothing."""
        ...


HarvesterFactory = Callable[[SourceSpec], Harvester]

_REGISTRY: dict[str, tuple[HarvesterFactory, type[HarvesterOptions]]] = {}


def register(
    kind: str, options: type[HarvesterOptions]
) -> Callable[[HarvesterFactory], HarvesterFactory]:
    """Class decorator: make a harvester available under ``kind`` in config files."""

    def wrap(factory: HarvesterFactory) -> HarvesterFactory:
        _REGISTRY[kind] = (factory, options)
        return factory

    return wrap


def available_kinds() -> list[str]:
    return sorted(_REGISTRY)


def options_model(kind: str) -> type[HarvesterOptions]:
    return _REGISTRY[kind][1]


def create_harvester(kind: str, spec: SourceSpec) -> Harvester:
    return _REGISTRY[kind][0](spec)
