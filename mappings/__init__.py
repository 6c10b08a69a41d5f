"""Mappings: pure functions from a SourceRecord to the quads of its named graph (Linked Art).

Tabular and JSON feeds use declarative TOML mapping files (``mappings/data/*.toml`` ship with
Museion; a partner's own file can be named by path). Formats with real structure are code.
"""

from museion_core.errors import MappingError

from . import lido as _lido  # noqa: F401  (registers mapping "lido")
from . import linkedart as _linkedart  # noqa: F401  (registers mapping "linkedart")
from .base import Mapping, MappingContext, MappingResult
from .iris import RESERVED_SOURCE_NAMES, Minter
from .registry import available_mappings, get_mapping, register_mapping
from .terms import vocabulary_quads

__all__ = [
    "RESERVED_SOURCE_NAMES",
    "Mapping",
    "MappingContext",
    "MappingError",
    "MappingResult",
    "Minter",
    "available_mappings",
    "get_mapping",
    "register_mapping",
    "vocabulary_quads",
]
