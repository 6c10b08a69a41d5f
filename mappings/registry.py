"""Finding a mapping by the name a source's config gives: a shipped mapping or a TOML path."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from museion_core.errors import ConfigError

from .base import Mapping
from .declarative.engine import load_mapping_file

__all__ = ["available_mappings", "get_mapping", "register_mapping"]

_CODE_MAPPINGS: dict[str, Callable[[], Mapping]] = {}


def register_mapping(name: str) -> Callable[[Callable[[], Mapping]], Callable[[], Mapping]]:
    """Decorator for mappings written as code (formats with real structure, such as LIDO)."""

    def wrap(factory: Callable[[], Mapping]) -> Callable[[], Mapping]:
        _CODE_MAPPINGS[name] = factory
        return factory

    return wrap


NOT_MAPPINGS = frozenset({"lido-unmapped", "subjects"})
"""TOML files shipped beside the mappings that are not mappings (the LIDO elements the LIDO
mapping leaves out, on purpose; the subject terms' French and Arabic labels): the list of
shipped mappings offered them."""


def _shipped() -> dict[str, Path]:
    folder = resources.files("mappings").joinpath("data")
    return {
        entry.name.removesuffix(".toml"): Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml") and entry.name.removesuffix(".toml") not in NOT_MAPPINGS
    }


def available_mappings() -> list[str]:
    return sorted({*_CODE_MAPPINGS, *_shipped()})


def is_mapping_path(name: str) -> bool:
    return name.endswith(".toml") or "/" in name


def get_mapping(name: str, relative_to: Path | None = None) -> Mapping:
    """A shipped mapping by name, or a mapping file by path (relative to the config file)."""
    if is_mapping_path(name):
        path = Path(name)
        if not path.is_absolute() and relative_to is not None:
            path = relative_to / path
        return _load_file(path.resolve())
    if name in _CODE_MAPPINGS:
        return _CODE_MAPPINGS[name]()
    shipped = _shipped()
    if name in shipped:
        return _load_file(shipped[name])
    raise ConfigError(
        f"unknown mapping {name!r}; shipped mappings are {', '.join(available_mappings())}, "
        "or give the path of a .toml mapping file"
    )


def _load_file(path: Path) -> Mapping:
    # Not cached: a partner edits its mapping file and the next run must see the change.
    return load_mapping_file(path)
