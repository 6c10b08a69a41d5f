"""Query results as bytes in a standard format, or as rows of short strings for a terminal."""

from __future__ import annotations

from urllib.parse import unquote

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
    serialize,
)

from museion_core.errors import QueryError
from museion_core.vocab import XSD_NS

from .prefixes import PREFIXES

__all__ = ["Rows", "readable_path", "render_results", "short_term"]

Rows = tuple[list[str], list[list[str]]]
"""Column names and rows, for a table."""

XSD = XSD_NS


def short_term(term: object) -> str:
    """An IRI as a prefixed name where one fits; a literal as its text (with ``@lang``)."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and "/" not in term.value[len(namespace) :]:
                return f"{prefix}:{term.value[len(namespace) :]}"
        return term.value
    if isinstance(term, Literal):
        if term.language:
            return f"{term.value} @{term.language}"
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Triple):
        parts = (short_term(term.subject), short_term(term.predicate), short_term(term.object))
        return "<< " + " ".join(parts) + " >>"
    return str(term)


def render_results(results: QuerySolutions | QueryBoolean | QueryTriples, fmt: str) -> bytes | Rows:
    """``json``/``csv``/``tsv``/``xml`` give bytes in that SPARQL results format (JSON-LD or
    N-Triples for graphs); ``table`` gives rows (graphs give Turtle bytes)."""
    if isinstance(results, QueryTriples):
        if fmt == "json":
            return results.serialize(format=RdfFormat.JSON_LD) or b""
        if fmt in ("csv", "tsv"):
            raise QueryError(
                "CSV and TSV are for SELECT results; a CONSTRUCT or DESCRIBE "
                "prints as Turtle (--format table) or JSON-LD (--format json)"
            )
        return serialize(results, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    formats = {
        "json": QueryResultsFormat.JSON,
        "csv": QueryResultsFormat.CSV,
        "tsv": QueryResultsFormat.TSV,
        "xml": QueryResultsFormat.XML,
    }
    if fmt in formats:
        return results.serialize(format=formats[fmt]) or b""
    if isinstance(results, QueryBoolean):
        return ["answer"], [["yes" if bool(results) else "no"]]
    names = [v.value for v in results.variables]
    rows = [[short_term(solution[name]) for name in names] for solution in results]
    return names, rows


def readable_path(path: object) -> str:
    """A minted path as a reader reads it: ``/mia/person/name-محمد``, not its percent-encoded
    bytes (the link keeps them). An encoded ``/`` in an identifier stays encoded, since it is
    not a step of the path."""
    return unquote(str(path).replace("%2F", "%252F").replace("%2f", "%252f"))
