"""Full-text and faceted search over the published objects, rebuilt with every publish.

``build_snapshot_index`` indexes a snapshot beside it (the shell calls it at publish, before
the ``CURRENT`` pointer switches); ``Searcher`` answers ``SearchRequest``s from the index of
the snapshot ``CURRENT`` names; given a ``Basis``, the build keeps its documents beside the
snapshot and reuses the previous snapshot's where the records did not change (``reuse``). The
engine (``SearchEngine``) is SQLite FTS5 (``FtsEngine``); a server engine can implement the same
protocol. This package reads the store and the vocabulary; it never imports the ``museion``
shell.
"""

from .engine import (
    FACET_KEYS,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_QUERY_LENGTH,
    SORTS,
    Hit,
    Range,
    SearchEngine,
    SearchRequest,
    SearchResult,
    Suggestion,
    parse_facets,
)
from .fts import FtsEngine
from .reuse import Basis, docs_path
from .snapshot import INDEX_SUFFIX, Searcher, build_snapshot_index, index_path
from .text import MAX_QUERY_TOKENS, index_forms, match_expression, tokens

__all__ = [
    "FACET_KEYS",
    "INDEX_SUFFIX",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "MAX_QUERY_LENGTH",
    "MAX_QUERY_TOKENS",
    "SORTS",
    "Basis",
    "FtsEngine",
    "Hit",
    "Range",
    "SearchEngine",
    "SearchRequest",
    "SearchResult",
    "Searcher",
    "Suggestion",
    "build_snapshot_index",
    "docs_path",
    "index_forms",
    "index_path",
    "match_expression",
    "parse_facets",
    "tokens",
]
