"""``museion.toml``: read, validate, and fail at start with one line naming file, key and fault.

The contract is ARCHITECTURE §3: ``[store]``, ``[publish]``, ``[[sources]]`` with
``[sources.partner]``. Keys a source's ``kind`` understands (``encoding``, ``metadata_prefix``,
...) sit beside the common ones and are validated by that kind's harvester.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

import harvesters
import mappings
from museion_errors import ConfigError

__all__ = [
    "Config",
    "EndpointSection",
    "PartnerConfig",
    "SourceConfig",
    "load_config",
    "parse_config",
]

_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreSection(_Strict):
    path: str = "museion-data"
    """Museion's data directory: the Oxigraph store and what Museion keeps beside it."""


class PublishSection(_Strict):
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


class EndpointSection(_Strict):
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
    max_rows: int = Field(default=10_000, ge=0)
    """Most rows (or triples) in one answer; 0 for no cap."""
    admin_token: str | None = Field(default=None, min_length=16)
    """Authorises SPARQL Update (also MUSEION_ADMIN_TOKEN); without one updates are refused."""
    service_allowlist: list[str] = Field(default_factory=list)
    """Remote SPARQL endpoints a query's SERVICE clause may call."""

    @field_validator("service_allowlist")
    @classmethod
    def _absolute_iris(cls, value: list[str]) -> list[str]:
        for iri in value:
            if not re.match(r"^https?://[^/\s]+", iri):
                raise ValueError(f"{iri!r} is not an absolute http(s) IRI")
        return value


class PartnerConfig(_Strict):
    label: str = Field(min_length=1)
    """The institution's name; the partner becomes the owner/keeper group of its objects."""
    homepage: str | None = None
    equivalent: list[str] = Field(default_factory=list)
    """Authority IRIs for the institution (Wikidata, ISIL, ULAN)."""
    language: str | None = None
    """Language of ``label``."""


class _SourceCommon(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    kind: str
    location: str
    mapping: str
    partner: PartnerConfig
    language: str | None = None
    """Default BCP 47 language of the feed's texts (overrides the mapping's)."""

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
        if value is not None and not _LANGUAGE.match(value):
            raise ValueError(f"{value!r} is not a BCP 47 language tag")
        return value


class _File(_Strict):
    store: StoreSection = Field(default_factory=StoreSection)
    publish: PublishSection
    sources: list[dict[str, Any]] = Field(default_factory=list)
    endpoint: EndpointSection = Field(default_factory=EndpointSection)


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


@dataclass(frozen=True)
class Config:
    path: Path
    data_dir: Path
    base_iri: str
    sources: list[SourceConfig] = field(default_factory=list)
    endpoint: EndpointSection = field(default_factory=EndpointSection)

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"no source named {name!r} (sources: {known})", file=str(self.path))


def load_config(path: str | Path) -> Config:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            "the config file does not exist (give one with --config FILE, or try `museion demo`)",
            file=str(path),
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the config file: {exc}", file=str(path)) from exc
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    file = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", file=file) from exc
    top = _validate(_File, data, file, "")
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
    data_dir = Path(top.store.path)
    return Config(
        path=path,
        data_dir=data_dir if data_dir.is_absolute() else base / data_dir,
        base_iri=top.publish.base_iri,
        sources=sources,
        endpoint=top.endpoint,
    )


def _source(raw: dict[str, Any], where: str, file: str, base: Path) -> SourceConfig:
    common = _validate(_SourceCommon, raw, file, where)
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
        file,
        where,
        known=[*_SourceCommon.model_fields, *harvesters.options_model(common.kind).model_fields],
    )
    location = common.location.strip()
    if not location:
        raise ConfigError("is empty", file=file, key=f"{where}.location")
    if not location.startswith(("http://", "https://")):
        resolved = Path(location) if Path(location).is_absolute() else base / location
        if not any(ch in location for ch in "*?[") and not resolved.exists():
            raise ConfigError(f"{resolved} does not exist", file=file, key=f"{where}.location")
        location = str(resolved)
    try:
        mapping = mappings.get_mapping(common.mapping, relative_to=base)
    except ConfigError as exc:
        if exc.file:  # the mapping file itself is wrong: its own message names it
            raise
        raise ConfigError(exc.cause, file=file, key=f"{where}.mapping") from exc
    return SourceConfig(
        name=common.name,
        kind=common.kind,
        location=location,
        mapping=mapping,
        mapping_name=common.mapping,
        partner=common.partner,
        options=options,
        language=common.language,
    )


M = TypeVar("M", bound=BaseModel)


def _validate(
    model: type[M], data: Any, file: str, where: str, known: list[str] | None = None
) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError.from_validation(exc, model, file=file, where=where, known=known) from None


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
