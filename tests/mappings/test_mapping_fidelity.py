"""Nothing a partner sends is lost silently: every source field that at least 5% of a shipped
mapping's sample records fill (``museion/examples``) is either carried into the graph or
listed in the mapping file's ``[unmapped]`` table with the reason.

"Carried" is measured, not declared: a field is carried when deleting it from a record that
fills it changes the quads the record maps to (or makes the record unmappable, for an
identifier). A field listed as unmapped must not be carried, so the table cannot go stale.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Quad

from harvesters import SourceRecord
from mappings import MappingContext, MappingError, get_mapping
from mappings.declarative.engine import DeclarativeMapping
from museion.coverage import payload_fields
from tests.conftest import BASE

EXAMPLES = Path(__file__).parents[2] / "museion" / "examples"
SHARE = 0.05
SOURCES = {"tate": "tate/**/*.json", "cmoa": "cmoa/*.json"}


@cache
def _mapping(name: str) -> DeclarativeMapping:
    mapping = get_mapping(name)
    assert isinstance(mapping, DeclarativeMapping)
    return mapping


@cache
def _records(name: str) -> tuple[tuple[str, dict[str, Any]], ...]:
    """(kind, parsed record) of every sample record of a source."""
    mapping = _mapping(name)
    out = []
    for path in sorted(EXAMPLES.glob(SOURCES[name])):
        record = json.loads(path.read_bytes())
        kind = "person" if mapping.identify(record).startswith("person:") else "object"
        out.append((kind, record))
    return tuple(out)


def _quads(name: str, record: dict[str, Any]) -> frozenset[Quad] | None:
    """The quads a record maps to; None when it cannot be mapped at all."""
    mapping = _mapping(name)
    payload = json.dumps(record).encode()
    try:
        local_id = mapping.identify(record)
        source_record = SourceRecord(name, local_id, payload)
        return frozenset(mapping.map(source_record, MappingContext(BASE, name)).quads)
    except (MappingError, ValueError):
        return None


def _without(value: Any, steps: list[str]) -> Any:
    """A copy of a parsed record without the field at ``steps`` (lists walked through)."""
    if isinstance(value, list):
        return [_without(item, steps) for item in value]
    if not isinstance(value, dict) or not steps:
        return value
    head, rest = steps[0], steps[1:]
    if head not in value:
        return value
    copy = dict(value)
    if rest:
        copy[head] = _without(value[head], rest)
    else:
        del copy[head]
    return copy


def _filled(name: str) -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
    """(kind, field path, the records of that kind filling it) for every field at least 5% of
    the records of its kind fill."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for kind, record in _records(name):
        by_kind.setdefault(kind, []).append(record)
    for kind, records in sorted(by_kind.items()):
        fields = [payload_fields("application/json", json.dumps(r).encode()) for r in records]
        counts = Counter(f for found in fields for f in found)
        for path, n in sorted(counts.items()):
            if n >= SHARE * len(records):
                yield (
                    kind,
                    path,
                    [r for r, found in zip(records, fields, strict=True) if path in found],
                )


def _carried(name: str, path: str, records: list[dict[str, Any]]) -> bool:
    """Deleting the field changes what at least one record that fills it maps to."""
    steps = path.split(".")
    return any(_baseline(name, r) != _quads(name, _without(r, steps)) for r in records)


_BASELINES: dict[tuple[str, int], frozenset[Quad] | None] = {}


def _baseline(name: str, record: dict[str, Any]) -> frozenset[Quad] | None:
    """``_quads`` of an unchanged sample record, mapped once (the records are cached)."""
    key = (name, id(record))
    if key not in _BASELINES:
        _BASELINES[key] = _quads(name, record)
    return _BASELINES[key]


def _listed(path: str, unmapped: dict[str, str]) -> str | None:
    """The ``[unmapped]`` entry that covers a field (itself, or a subtree above it)."""
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in unmapped:
            return ".".join(parts[:n])
    return None


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_field_filled_in_5_percent_of_records_is_mapped_or_listed(name: str) -> None:
    unmapped = _mapping(name).fields_unmapped()
    lost: list[str] = []
    kept: dict[str, bool] = {}  # listed field path -> carried for every kind that fills it
    for kind, path, records in _filled(name):
        carried = _carried(name, path, records)
        entry = _listed(path, unmapped)
        if entry is None and not carried:
            lost.append(f"{kind}: {path} ({len(records)} records)")
        elif entry == path:
            kept[path] = kept.get(path, True) and carried
    stale = [f"{path} is mapped, but listed in [unmapped]" for path, c in kept.items() if c]
    assert not lost, (
        f"{name}: fields the sample fills that reach no graph and are not in [unmapped]: {lost}"
    )
    assert not stale, f"{name}: {stale}"


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_unmapped_entry_names_a_field_the_partner_sends(name: str) -> None:
    sent = {path for _, path, _ in _filled(name)}
    for kind, record in _records(name):
        del kind
        sent |= payload_fields("application/json", json.dumps(record).encode())
    unknown = [
        path
        for path in _mapping(name).fields_unmapped()
        if not any(s == path or s.startswith(path + ".") for s in sent)
    ]
    assert not unknown, f"{name}: [unmapped] names fields no sample record has: {unknown}"
