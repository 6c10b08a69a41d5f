"""``museion.toml``'s ``[store]``: the embedded store's writing, or a remote SPARQL store's
endpoints, credentials (by environment variable) and own graphs."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from museion_core.settings import StrictModel
from store import RemoteEndpoint

__all__ = ["StoreSection"]


class StoreSection(StrictModel):
    path: str = "museion-data"
    """Museion's data directory: the Oxigraph store and what Museion keeps beside it."""
    batch_size: int = Field(default=500, ge=1, le=100_000)
    """Records mapped and written per transaction: larger is faster, smaller uses less memory."""
    write_mb: int = Field(default=0, ge=0, le=4096)
    """MiB of N-Quads joined into one store write (one bulk load) when a run is applied; 0:
    each batch of ``batch_size`` records is its own write. Larger writes cost less CPU and
    disk on large first loads, and about 13 MB of memory per MB."""
    stream_records: int = Field(default=0, ge=0)
    """New records in one run from which they are written by a single bulk load (0: never):
    about a fifth less CPU to apply a large first harvest, for about 1 GB of memory per core
    the bulk loader runs on."""
    jobs: int | None = Field(default=None, ge=1, le=1024)
    """Processes that map records (default: the CPUs Museion may use); one writer regardless."""
    kind: Literal["oxigraph", "sparql"] = "oxigraph"
    """Where published data lives: the embedded Oxigraph store, or a server that speaks the
    SPARQL 1.1 Protocol, Update and Graph Store Protocol (the keys below)."""
    query_endpoint: str | None = None
    update_endpoint: str | None = None
    graph_store_endpoint: str | None = None
    user_env: str | None = None
    """Names of environment variables holding credentials: never the credentials."""
    password_env: str | None = None
    token_env: str | None = None
    timeout: float = Field(default=600.0, gt=0)
    own_graphs: str | None = None
    """The IRI prefix of the graphs Museion keeps for itself on the server (its versions and
    their pointer; ``urn:museion:store:`` by default): one of its own for each installation
    that publishes to a server another one publishes to."""

    @field_validator("own_graphs")
    @classmethod
    def _prefix(cls, value: str | None) -> str | None:
        if value is not None and not re.match(
            r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*[:/#]$", value
        ):
            raise ValueError(
                f"{value!r} is not an IRI prefix ending with ':', '/' or '#' "
                '(e.g. "urn:museion:store:museum-a:")'
            )
        return value

    @field_validator("query_endpoint", "update_endpoint", "graph_store_endpoint")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+(/\S*)?$", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        if value is not None and "@" in urlsplit(value).netloc:
            # Never repeated: the URL is in every message about the store, and in its logs.
            raise ValueError(
                "an endpoint's URL may not hold credentials (user:password@): name the "
                "environment variables that hold them (user_env and password_env, or token_env)"
            )
        return value

    @model_validator(mode="after")
    def _endpoints(self) -> StoreSection:
        remote = ("query_endpoint", "update_endpoint", "graph_store_endpoint")
        if self.kind == "sparql":
            missing = [k for k in remote[:2] if getattr(self, k) is None]
            if missing:
                raise ValueError(f'kind = "sparql" needs {" and ".join(missing)}')
        elif set_keys := [k for k in (*remote, "own_graphs") if getattr(self, k) is not None]:
            need = "needs" if len(set_keys) == 1 else "need"
            raise ValueError(f'{" and ".join(set_keys)} {need} kind = "sparql" (a remote store)')
        return self

    def remote(self, base_iri: str) -> RemoteEndpoint | None:
        if self.kind != "sparql":
            return None
        assert self.query_endpoint is not None
        assert self.update_endpoint is not None
        return RemoteEndpoint(
            query_endpoint=self.query_endpoint,
            update_endpoint=self.update_endpoint,
            graph_store_endpoint=self.graph_store_endpoint,
            user_env=self.user_env,
            password_env=self.password_env,
            token_env=self.token_env,
            timeout=self.timeout,
            graphs=base_iri,
            **({"own": self.own_graphs} if self.own_graphs else {}),
        )
