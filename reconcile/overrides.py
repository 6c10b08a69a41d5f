"""Reviewed decisions: ``same`` and ``different`` pairs that every reconciliation run applies.

The file (``mappings/reconciliation.toml`` by default, or ``[reconciliation] overrides`` in
museion.toml) holds pairs of partner entities, each named by its IRI or by its IRI without the
base (``tate/person/1767``: source, kind, identifier, exactly as ``museion reconcile --review``
prints them)::

    [[same]]
    a = "tate/person/1416"
    b = "cmoa/person/2bc8ac5b-2d5a-4f1b-b7d5-9b4d0f4b8a52"
    note = "R.B. Kitaj: same dates and birthplace"   # optional: who decided, and why

    [[different]]
    a = "tate/person/1767"
    b = "cmoa/person/..."

A ``same`` pair is merged whatever the matcher says; a ``different`` pair is never merged, not
even through other links or a shared authority record. A pair may not be both.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import Field

from museion_core.errors import ConfigError
from museion_core.settings import StrictModel, load_toml_model

__all__ = ["Overrides", "default_overrides_path", "load_overrides"]


class _Pair(StrictModel):
    a: str = Field(min_length=1)
    b: str = Field(min_length=1)
    note: str = ""


class _File(StrictModel):
    same: list[_Pair] = Field(default_factory=list)
    different: list[_Pair] = Field(default_factory=list)


@dataclass(frozen=True)
class Overrides:
    path: Path | None
    same: tuple[tuple[str, str, str], ...] = ()
    """(a, b, note), each a reference as written (relative to the base IRI or absolute)."""
    different: tuple[tuple[str, str, str], ...] = ()

    def resolve(self, base: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
        """The pairs as absolute IRIs under ``base``."""
        return (
            [(_iri(base, a), _iri(base, b), note) for a, b, note in self.same],
            [(_iri(base, a), _iri(base, b)) for a, b, _ in self.different],
        )


def _iri(base: str, reference: str) -> str:
    reference = reference.strip()
    return reference if "://" in reference else base + reference.lstrip("/")


def default_overrides_path() -> Path:
    """The reviewed pairs shipped with Museion (for the bundled demo partners)."""
    return Path(str(resources.files("mappings").joinpath("reconciliation.toml")))


def load_overrides(path: Path | None) -> Overrides:
    """Read and validate an overrides file; errors name the file and the entry."""
    if path is None:
        return Overrides(None)
    spec, _ = load_toml_model(
        path,
        _File,
        what="overrides file",
        missing="the reconciliation overrides file does not exist",
    )
    same = tuple((p.a.strip(), p.b.strip(), p.note) for p in spec.same)
    different = tuple((p.a.strip(), p.b.strip(), p.note) for p in spec.different)
    for kind, pairs in (("same", same), ("different", different)):
        for index, (a, b, _) in enumerate(pairs, start=1):
            if a == b:
                raise ConfigError(
                    f"pairs an entity with itself ({a})", file=str(path), key=f"{kind}[{index}]"
                )
    both = {frozenset((a, b)) for a, b, _ in same} & {frozenset((a, b)) for a, b, _ in different}
    if both:
        pair = sorted(next(iter(both)))
        raise ConfigError(
            f"{pair[0]} and {pair[1]} are listed both as same and as different",
            file=str(path),
        )
    return Overrides(path, same, different)
