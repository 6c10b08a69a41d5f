"""The triple store behind one narrow interface: embedded Oxigraph (default), later remote."""

from museion_errors import StoreError

from .oxigraph import MAX_STATEMENT_BYTES, QueryResult, Store, longest_statement

__all__ = [
    "MAX_STATEMENT_BYTES",
    "QueryResult",
    "Store",
    "StoreError",
    "longest_statement",
]
