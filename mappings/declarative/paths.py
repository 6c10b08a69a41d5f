"""The source fields a declarative mapping reads, for the partner report's list of fields
the mapping never uses and for the fidelity test."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel

from .schema import FieldModel

__all__ = ["join_path", "paths_in", "written_paths"]

_NOT_PATHS = frozenset(
    {
        "each",
        "match",
        "direct_roles",
        "vocab",
        "parse",
        "zero_is_missing",
        "precision",
        "prefer",
        "negative_years",
        "children",
        "relation",
    }
)
"""Mapping-file keys whose values are settings, not source paths."""


def paths_in(spec: object, prefix: str = "") -> Iterator[str]:
    """Every source path a mapping section reads, with ``each`` prefixes applied."""
    if isinstance(spec, str):
        yield join_path(prefix, spec)
    elif isinstance(spec, list):
        for item in spec:
            yield from paths_in(item, prefix)
    elif isinstance(spec, FieldModel):
        if spec.path is not None:
            yield join_path(prefix, spec.path)
    elif isinstance(spec, BaseModel):
        each = getattr(spec, "each", None)
        inner = join_path(prefix, each) if isinstance(each, str) else prefix
        for name in type(spec).model_fields:
            if name not in _NOT_PATHS:
                yield from paths_in(getattr(spec, name), inner)


def written_paths(spec: object) -> Iterator[str]:
    """Every source path a mapping section names, as written (``images[].url``; ``each``
    too), for telling a mapping that goes into lists (JSON's) from one that reads columns."""
    if isinstance(spec, str):
        yield spec
    elif isinstance(spec, list):
        for item in spec:
            yield from written_paths(item)
    elif isinstance(spec, FieldModel):
        if spec.path is not None:
            yield spec.path
    elif isinstance(spec, BaseModel):
        for name in type(spec).model_fields:
            if name == "each" or name not in _NOT_PATHS:
                yield from written_paths(getattr(spec, name))


def join_path(prefix: str, path: str) -> str:
    path = re.sub(r"\[\d*\]", "", path).strip()
    if path == ".":
        return prefix
    return f"{prefix}.{path}" if prefix else path
