"""Mappings: pure functions from a SourceRecord to the quads of its named graph (Linked Art).

Tabular and JSON feeds use declarative TOML mapping files (``mappings/data/*.toml`` ship with
Museion; a partner's own file can be named by path). Formats with real structure are code.
"""

from museion_core.errors import MappingError

from . import lido as _lido  # noqa: F401  (registers mapping "lido")
from . import linkedart as _linkedart  # noqa: F401  (registers mapping "linkedart")
from .authorities import authority_scheme, normalise_authority
from .base import (
    CompiledMapping,
    Mapping,
    MappingContext,
    MappingResult,
    NQuadsResult,
    ReferencePath,
)
from .builder import decimal_literal
from .declarative.names import name_difference, spaced_name
from .iris import RESERVED_SOURCE_NAMES, Minter
from .normalise import (
    fold,
    fold_script,
    last_day_of_month,
    letters_replaced,
    parse_date_text,
    parse_dimension_statement,
    parse_measured_value,
    parse_number,
    strip_arabic_article,
    unit_for,
)
from .registry import available_mappings, get_mapping, register_mapping
from .terms import (
    aat_concept,
    aat_labels,
    aat_reading,
    aat_table_digest,
    label_in_language,
    terms_in,
    unqualified_labels,
    vocabulary_quads,
)

__all__ = [
    "RESERVED_SOURCE_NAMES",
    "CompiledMapping",
    "Mapping",
    "MappingContext",
    "MappingError",
    "MappingResult",
    "Minter",
    "NQuadsResult",
    "ReferencePath",
    "aat_concept",
    "aat_labels",
    "aat_reading",
    "aat_table_digest",
    "authority_scheme",
    "available_mappings",
    "decimal_literal",
    "fold",
    "fold_script",
    "get_mapping",
    "label_in_language",
    "last_day_of_month",
    "letters_replaced",
    "name_difference",
    "normalise_authority",
    "parse_date_text",
    "parse_dimension_statement",
    "parse_measured_value",
    "parse_number",
    "register_mapping",
    "spaced_name",
    "strip_arabic_article",
    "terms_in",
    "unit_for",
    "unqualified_labels",
    "vocabulary_quads",
]
