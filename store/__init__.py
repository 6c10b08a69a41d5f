"""The triple store behind one narrow interface: embedded Oxigraph (the default), or a remote
server over the SPARQL 1.1 Protocol, Update and Graph Store Protocol (``store.remote``)."""

from museion_core.errors import StoreError

from .oxigraph import (
    MAX_STATEMENT_BYTES,
    QueryResult,
    Store,
    longest_statement,
    oversized_statement,
)
from .protocol import RemoteEndpoint
from .reader import RemoteReader
from .remote import RemoteStore, unmirrored
from .snapshots import (
    Pointer,
    compact,
    current_snapshot,
    discard_unfinished,
    manifest,
    publish_snapshot,
    remove_snapshot,
    snapshots,
)
from .text import same_graph

StoreReader = Store | RemoteReader
"""What the endpoint's pages and queries read: a local snapshot or the remote version."""

__all__ = [
    "MAX_STATEMENT_BYTES",
    "Pointer",
    "QueryResult",
    "RemoteEndpoint",
    "RemoteReader",
    "RemoteStore",
    "Store",
    "StoreError",
    "StoreReader",
    "compact",
    "current_snapshot",
    "discard_unfinished",
    "longest_statement",
    "manifest",
    "oversized_statement",
    "publish_snapshot",
    "remove_snapshot",
    "same_graph",
    "snapshots",
    "unmirrored",
]
