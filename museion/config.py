"""``museion.toml``: read, validate, and fail at start with one line naming file, key and fault.

The contract is ARCHITECTURE §3: ``[store]``, ``[publish]``, ``[[sources]]`` with
``[sources.partner]``. Keys a source's ``kind`` understands (``encoding``, ``metadata_prefix``,
...) sit beside the common ones and are validated by that kind's harvester.
"""

from __future__ import annotations

import contextlib
import difflib
import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
)

import harvesters
import mappings
from museion_core.errors import ConfigError
from museion_core.language import valid_language
from museion_core.settings import StrictModel, parse_toml, read_toml
from museion_core.settings import validate_model as _validate
from reconcile import Overrides, Settings, default_overrides_path, load_overrides
from store import RemoteEndpoint

from .config_store import StoreSection

__all__ = [
    "MIN_TOKEN",
    "Config",
    "EndpointSection",
    "PartnerConfig",
    "ReconciliationConfig",
    "SourceConfig",
    "StoreSection",
    "WorkspaceSection",
    "load_config",
    "parse_config",
]

MIN_TOKEN = 16
"""Characters a token needs (admin, curator, a partner's upload token), in the file or in
the environment variable that wins over it (``museion.serving``)."""

_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class PublishSection(StrictModel):
    base_iri: str
    """Every IRI Museion mints starts with this; it must end with ``/`` (or ``#``)."""

    @field_validator("base_iri")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+(/[^\s<>\"{}|\\^`]*)?$", value):
            raise ValueError(f"{value!r} is not an absolute http(s) IRI")
        if not value.endswith(("/", "#")):
            raise ValueError(f"{value!r} must end with '/' so that minted IRIs extend it")
        return value


class EndpointSection(StrictModel):
    """``[endpoint]``: how ``museion serve`` answers (command-line options override these)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1)
    """HTTP worker processes."""
    query_processes: int | None = Field(default=None, ge=1)
    """Query processes per HTTP worker (default: the number of CPUs, at least 2)."""
    query_timeout: float = Field(default=30.0, gt=0)
    """Seconds a query may run; one over it is stopped and answered 503."""
    update_timeout: float = Field(default=300.0, gt=0)
    header_timeout: float = Field(default=30.0, gt=0)
    """Seconds a connection may take to send a request's headers; a slower one is closed."""
    query_memory_mb: int = Field(default=4096, ge=1024)
    """The most memory one query process may take (its data, its 512 MiB stack included): a
    query over it is stopped (500), not the machine's other processes."""
    max_rows: int = Field(default=10_000, ge=0)
    """Most rows (or triples) in one answer; 0 for no cap."""
    max_query_bytes: int = Field(default=1024 * 1024, gt=0)
    """Largest query or update in bytes; a bigger one is answered 413."""
    max_upload_bytes: int = Field(default=256 * 1024 * 1024, gt=0)
    """Largest partner upload (``POST /sources/NAME/upload``, all files); a bigger one: 413."""
    admin_token: str | None = Field(default=None, min_length=MIN_TOKEN)
    """Authorises SPARQL Update (also MUSEION_ADMIN_TOKEN); without one updates are refused."""
    service_allowlist: list[str] = Field(default_factory=list)
    """Remote SPARQL endpoints a query's SERVICE clause may call."""
    trusted_proxies: list[str] = Field(default_factory=list)
    """Addresses (or networks, ``10.0.0.0/8``) of reverse proxies in front of the server:
    a request from one of them is taken to come from the client its ``X-Forwarded-For``
    names (each client's share of the query processes), and the server counts as public."""

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item)  # strict, as uvicorn reads it
            except ValueError:
                loose = None
                with contextlib.suppress(ValueError):
                    loose = ipaddress.ip_network(item, strict=False)
                hint = f"; did you mean {loose}?" if loose is not None else ""
                raise ValueError(f"{item!r} is not an IP address or network{hint}") from None
        return value

    @field_validator("service_allowlist")
    @classmethod
    def _absolute_iris(cls, value: list[str]) -> list[str]:
        for iri in value:
            if not re.match(r"^https?://[^/\s]+", iri):
                raise ValueError(f"{iri!r} is not an absolute http(s) IRI")
        return value


class WorkspaceSection(StrictModel):
    """``[workspace]``: the curators' workspace (checklists)."""

    token: str | None = Field(default=None, min_length=MIN_TOKEN)
    """The curator token: writing checklists needs it when the server is public (also
    MUSEION_CURATOR_TOKEN). Distinct from the admin token, which may rewrite the data."""


class PartnerConfig(StrictModel):
    label: str = Field(min_length=1)
    """The institution's name; the partner becomes the owner/keeper group of its objects."""
    homepage: str | None = None
    equivalent: list[str] = Field(default_factory=list)
    """Authority IRIs for the institution (Wikidata, ISIL, ULAN)."""
    language: str | None = None
    """Language of ``label``."""
    token: str | None = Field(default=None, min_length=MIN_TOKEN)
    """The partner's own upload token: it opens ``POST /sources/NAME/upload`` for this source
    and no other. Prefer ``token_env``, which keeps the secret out of the file."""
    token_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    """The environment variable that holds the partner's upload token (wins over ``token``)."""

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return valid_language(value)

    def upload_token(self) -> str | None:
        """The token that authorises this partner's uploads, or None when it has none (from
        the environment variable named by ``token_env`` when it is set, else ``token``)."""
        if self.token_env and os.environ.get(self.token_env):
            return os.environ[self.token_env]
        return self.token

    @field_validator("homepage", "equivalent")
    @classmethod
    def _iris(cls, value: str | list[str] | None) -> str | list[str] | None:
        for iri in [value] if isinstance(value, str) else value or []:
            if not iri.startswith(("http://", "https://")) or any(c in iri for c in ' <>"{}'):
                raise ValueError(f"{iri!r} is not an http(s) IRI")
        return value


class GatesConfig(StrictModel):
    """When a finished run is held back instead of published (``[sources.gates]``)."""

    max_record_drop: float = Field(default=0.10, ge=0, le=1)
    """Hold a run that would shrink the source by more than this share of its records, or
    that finds more than this share no longer in a complete feed while new records come in
    (ids renumbered)."""
    max_quarantined: float = Field(default=0.05, ge=0, le=1)
    """Hold a run in which more than this share of the records read was quarantined."""
    max_field_loss: float = Field(default=0.5, ge=0, le=1)
    """Hold a run whose changed records leave empty a field the mapping reads in more than
    this share of the source's records that filled it (and at least ``FIELD_LOSS_MIN``): a
    column renamed or left out of an export would otherwise empty every object's title."""
    min_records: int = Field(default=3, ge=1)
    """The drop and quarantine gates hold a run only when at least this many records are
    withdrawn, gone or quarantined, or all of them are: one bad row of a small museum's nine
    is 11%, over ``max_quarantined``, and a fault of the export, not of the feed."""


DEFAULT_MAPPINGS = {"sparql": "linkedart"}
"""The mapping of a source that names none: a SPARQL endpoint serves Linked Art (another
Museion does), so ``name``, ``kind``, ``location`` and the partner are all it needs."""


class _SourceCommon(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    kind: str
    location: str
    mapping: str | None = None
    """Required, except for kinds whose feeds have one standard form (``DEFAULT_MAPPINGS``)."""
    partner: PartnerConfig
    language: str | None = None
    """Default BCP 47 language of the feed's texts (overrides the mapping's)."""
    gates: GatesConfig = Field(default_factory=GatesConfig)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                f"{value!r} is not a valid source name: use [a-z0-9-]+ "
                "(lower-case letters, digits and single dashes)"
            )
        if value in mappings.RESERVED_SOURCE_NAMES:
            raise ValueError(f"{value!r} is reserved for Museion's own IRIs; choose another name")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return valid_language(value)


class ReconciliationSection(StrictModel):
    """``[reconciliation]``: the same artist, group or place across partners."""

    enabled: bool = True
    """Reconcile on every publish (``museion reconcile`` works either way)."""
    threshold: float = 0.9
    """Matcher pairs scoring at least this are merged."""
    review_margin: float = 0.05
    """``museion reconcile --review`` lists pairs within this of the threshold."""
    overrides: str | None = None
    """Reviewed same/different pairs (default: the file shipped as mappings/reconciliation.toml)."""

    @field_validator("threshold")
    @classmethod
    def _threshold(cls, value: float) -> float:
        if not 0 < value <= 1:
            raise ValueError(
                f"{value} is not a score threshold: use a number above 0 and at most 1 "
                "(0.9 merges only pairs the matcher is sure of)"
            )
        return value

    @field_validator("review_margin")
    @classmethod
    def _margin(cls, value: float) -> float:
        if not 0 <= value < 1:
            raise ValueError(f"{value} is not a margin: use a number from 0 up to (not) 1")
        return value


@dataclass(frozen=True)
class ReconciliationConfig:
    enabled: bool = True
    settings: Settings = field(default_factory=Settings)
    overrides: Overrides = field(default_factory=lambda: Overrides(None))


class _File(StrictModel):
    store: StoreSection = Field(default_factory=StoreSection)
    publish: PublishSection
    sources: list[dict[str, Any]] = Field(default_factory=list)
    endpoint: EndpointSection = Field(default_factory=EndpointSection)
    workspace: WorkspaceSection = Field(default_factory=WorkspaceSection)
    reconciliation: ReconciliationSection = Field(default_factory=ReconciliationSection)


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    location: str
    """Absolute path, glob or URL (relative paths are resolved against the config file)."""
    mapping: mappings.Mapping
    mapping_name: str
    partner: PartnerConfig
    options: harvesters.HarvesterOptions
    language: str | None = None
    gates: GatesConfig = field(default_factory=GatesConfig)


@dataclass(frozen=True)
class Config:
    path: Path
    data_dir: Path
    base_iri: str
    sources: list[SourceConfig] = field(default_factory=list)
    batch_size: int = 500
    write_mb: int = 0
    """``[store] write_mb``: see ``StoreSection``."""
    stream_records: int = 0
    """``[store] stream_records``: see ``StoreSection``."""
    jobs: int | None = None
    """``[store] jobs``: map processes; None: one per CPU."""
    endpoint: EndpointSection = field(default_factory=EndpointSection)
    workspace: WorkspaceSection = field(default_factory=WorkspaceSection)
    reconciliation: ReconciliationConfig = field(default_factory=ReconciliationConfig)
    remote: RemoteEndpoint | None = None
    """The remote store (``[store] kind = "sparql"``), or None for the embedded one."""

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"no source named {name!r} (sources: {known})", file=str(self.path))


def load_config(path: str | Path) -> Config:
    path = Path(path)
    text = read_toml(
        path,
        what="config file",
        missing="the config file does not exist "
        "(give one with --config FILE, or try `museion demo`)",
    )
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    file = str(path)
    top = _validate(_File, parse_toml(text, file), file=file)
    base = path.resolve().parent
    seen: set[str] = set()
    sources = []
    for index, raw in enumerate(top.sources, start=1):
        where = f"sources[{index}]"
        if isinstance(raw.get("name"), str):
            where += f" ({raw['name']})"
        source = _source(raw, where, file, base)
        if source.name in seen:
            raise ConfigError(
                f"source name {source.name!r} is used twice; names must be unique",
                file=file,
                key=f"{where}.name",
            )
        seen.add(source.name)
        sources.append(source)
    if not top.store.path.strip():  # ("." is meant: the demo keeps its config in its data)
        raise ConfigError(
            'is empty: name a folder for Museion\'s data (e.g. "store")',
            file=file,
            key="store.path",
        )
    own = top.store.own_graphs
    if own is not None and (
        top.publish.base_iri.startswith(own) or own.startswith(top.publish.base_iri)
    ):
        raise ConfigError(
            f"{own!r} and the base IRI {top.publish.base_iri!r} overlap: the graphs Museion "
            "keeps for itself on the server must be apart from those it publishes",
            file=file,
            key="store.own_graphs",
        )
    data_dir = Path(top.store.path.strip()).expanduser()
    data_dir = data_dir if data_dir.is_absolute() else base / data_dir
    return Config(
        path=path,
        data_dir=data_dir,
        base_iri=top.publish.base_iri,
        batch_size=top.store.batch_size,
        write_mb=top.store.write_mb,
        stream_records=top.store.stream_records,
        jobs=top.store.jobs,
        sources=sources,
        endpoint=top.endpoint,
        workspace=top.workspace,
        reconciliation=_reconciliation(top.reconciliation, base),
        remote=top.store.remote(top.publish.base_iri),
    )


def _reconciliation(section: ReconciliationSection, base: Path) -> ReconciliationConfig:
    if section.overrides is None:
        path = default_overrides_path()
    else:
        path = Path(section.overrides)
        path = path if path.is_absolute() else base / path
    return ReconciliationConfig(
        enabled=section.enabled,
        settings=Settings(threshold=section.threshold, review_margin=section.review_margin),
        overrides=load_overrides(path),
    )


def _source(raw: dict[str, Any], where: str, file: str, base: Path) -> SourceConfig:
    # A misspelt common key ("locaton") is first an unknown one: the kind's options are
    # checked after the common keys, which would only say that "location" is missing.
    missing = [n for n, f in _SourceCommon.model_fields.items() if f.is_required() and n not in raw]
    for key in raw:
        close = difflib.get_close_matches(str(key), missing, n=1)
        if key not in _SourceCommon.model_fields and close:
            raise ConfigError(
                f"unknown key (did you mean {close[0]!r}?)", file=file, key=f"{where}.{key}"
            )
    common = _validate(_SourceCommon, raw, file=file, where=where)
    kinds = harvesters.available_kinds()
    if common.kind not in kinds:
        raise ConfigError(
            f"unknown kind {common.kind!r}{_suggest(common.kind, kinds)}; "
            f"known kinds: {', '.join(kinds)}",
            file=file,
            key=f"{where}.kind",
        )
    extra = dict(common.model_extra or {})
    options = _validate(
        harvesters.options_model(common.kind),
        extra,
        file=file,
        where=where,
        known=[*_SourceCommon.model_fields, *harvesters.options_model(common.kind).model_fields],
    )
    location = common.location.strip()
    if not location:
        raise ConfigError("is empty", file=file, key=f"{where}.location")
    if not location.startswith(("http://", "https://")):
        # Relative to the config file. Whether it exists is checked when it is harvested, so
        # that a source whose feed is away can still be remapped and reported.
        path = Path(location).expanduser()  # "~/exports", as a partner types it
        location = str(path if path.is_absolute() else base / path)
    mapping_name = common.mapping or DEFAULT_MAPPINGS.get(common.kind)
    if mapping_name is None:
        raise ConfigError("required key is missing", file=file, key=f"{where}.mapping")
    try:
        mapping = mappings.get_mapping(mapping_name, relative_to=base)
    except ConfigError as exc:
        if exc.file and Path(exc.file).exists():  # the mapping file is wrong: its message says
            raise
        # a mapping file that is not there is this key's fault (a typo, a file not copied):
        # the cause, which names that file, is said of the key
        raise ConfigError(exc.cause, file=file, key=f"{where}.mapping") from exc
    return SourceConfig(
        name=common.name,
        kind=common.kind,
        location=location,
        mapping=mapping,
        mapping_name=mapping_name,
        partner=common.partner,
        options=options,
        language=common.language,
        gates=common.gates,
    )


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
