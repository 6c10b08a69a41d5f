"""What the endpoint's query processes read of a remote store (``store.remote``): the
server's current version, whole for the length of a job."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, QuerySolutions

from museion_core.errors import QueryError

from .oxigraph import QueryResult
from .protocol import RemoteEndpoint, SparqlClient
from .versions import mine
from .versions import pointer as _pointer

__all__ = ["RemoteReader"]


class RemoteReader:
    """What the endpoint's query processes read instead of a local snapshot: the server's
    current version, looked up once per job (``refresh``) and held for the whole job."""

    def __init__(self, remote: RemoteEndpoint, *, timeout: float | None = None) -> None:
        self.remote = remote
        self.client = SparqlClient(remote)
        self.timeout = timeout
        self.version: str | None = None

    def refresh(self) -> str | None:
        """Follow the pointer: the version a job's queries will read (None: none yet)."""
        self.version, _ = _pointer(self.client)
        return self.version

    def _dataset(self) -> list[str]:
        if self.version is None:
            raise QueryError(
                "nothing is published on the remote store yet: run `museion harvest` first",
                http_status=503,
            )
        return [self.version]

    def query(
        self,
        sparql: str,
        *,
        base_iri: str | None = None,
        prefixes: Mapping[str, str] | None = None,
        default_graph: Sequence[NamedNode] | None = None,
        named_graphs: Sequence[NamedNode] | None = None,
    ) -> QueryResult | Iterator[Any]:
        """The query against the current version (or the dataset the request named), with
        the prologue the embedded store would have given it (base IRI, prefixes)."""
        prologue = f"BASE <{base_iri}>\n" if base_iri else ""
        prologue += "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items())
        if default_graph is None and named_graphs is None:
            defaults, named = self._dataset(), []
        else:
            defaults = [g.value for g in default_graph or ()]
            named = [g.value for g in named_graphs or ()]
        return self.client.query(
            prologue + sparql, default_graphs=defaults, named_graphs=named, timeout=self.timeout
        )

    def select(self, sparql: str) -> Iterator[dict[str, Any]]:
        """A SELECT query's rows as dicts of plain values, read off the answer as the caller
        takes them: a large answer (the names the reconciliation index reads) is never held
        whole. The query process's time limit bounds the whole."""
        results = self.query(sparql)
        if not isinstance(results, QuerySolutions):
            raise QueryError("expected a SELECT query")
        return self.client.rows(results)

    def triples(
        self,
        subject: NamedNode | None = None,
        predicate: NamedNode | None = None,
        obj: NamedNode | Literal | None = None,
    ) -> Iterator[Quad]:
        """Statements of the current version matching a pattern (None matches anything)."""
        pattern = " ".join(
            str(t) if t is not None else f"?{v}"
            for t, v in ((subject, "s"), (predicate, "p"), (obj, "o"))
        )
        if subject is not None and predicate is not None and obj is not None:
            if self.query(f"ASK {{ {pattern} }}"):
                yield Quad(subject, predicate, obj, DefaultGraph())
            return
        results = self.query(f"SELECT * WHERE {{ {pattern} }}")
        assert isinstance(results, QuerySolutions)
        for row in results:
            s, p, o = (subject or row["s"], predicate or row["p"], obj or row["o"])
            yield Quad(s, p, o, DefaultGraph())

    def graphs_with_subject(self, subject: NamedNode) -> set[NamedNode]:
        """The record graphs on the server that say something about ``subject``."""
        rows = self.client.select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {subject} ?p ?o }} {mine(self.remote)} }}"
        )
        return {NamedNode(r["g"]) for r in rows if r["g"]}

    def has_graph(self, graph: NamedNode) -> bool:
        return bool(self.client.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))

    def close(self) -> None:
        self.client.close()
