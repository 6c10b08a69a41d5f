"""The triple store behind one narrow interface: embedded Oxigraph (default), later remote."""

from museion_errors import StoreError

from .oxigraph import QueryResult, Store

__all__ = ["QueryResult", "Store", "StoreError"]
