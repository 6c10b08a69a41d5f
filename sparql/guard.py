"""Which remote endpoints a query would call, read off a real SPARQL 1.1 parse, and refused
unless allow-listed.

A ``SERVICE`` clause makes the engine send an HTTP request from the server's own network, so
an endpoint outside ``service_allowlist`` is a request forgery. A hand-written tokenisation
cannot decide this: any place where it and Oxigraph disagree about where a string, IRI or
comment ends hides a clause from the check. So the check parses the query with rdflib's full
SPARQL 1.1 grammar and reads every ``ServiceGraphPattern`` of the parse tree (sub-selects,
``EXISTS``, nested ``SERVICE`` included), with ``BASE`` and ``PREFIX`` resolved as rdflib
resolves them. It fails closed: a query that might hold a ``SERVICE`` keyword and does not
parse is refused, and so is a variable endpoint.

The parse is slow (pure Python), so it runs only where the query's time limit applies (the
query process) and only for a query that might hold the keyword at all: Oxigraph spells
keywords in ASCII letters only, and codepoint escapes are replaced here once, before both
parsers read the text, so a query whose text lacks the letters ``service`` in any case cannot
hold a ``SERVICE`` clause.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pyparsing import ParseBaseException, ParseResults

from museion_core.errors import QueryError

__all__ = ["ServiceRefused", "check_services", "might_call_services", "unescape_codepoints"]

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class ServiceRefused(QueryError):  # noqa: N818 - reads as what happened
    """A SERVICE endpoint that is not on the allow-list (HTTP 403)."""

    http_status = 403


def unescape_codepoints(text: str) -> str:
    """SPARQL's codepoint escapes (``\\u0053ERVICE``), replaced once, before parsing, as the
    grammar says (section 19.2). Oxigraph replaces them only inside strings and IRIs, where
    ``\\u0027`` would then not end a string that rdflib's reading ends: so both parsers are
    given this text, and read the same query."""
    if "\\u" not in text and "\\U" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError(
                f"the query has the escape {match.group()}, which is not a Unicode code point",
                http_status=400,
            )
        return chr(code)

    return _ESCAPE.sub(replace, text)


def might_call_services(text: str) -> bool:
    """Whether ``text`` (already unescaped) could hold a ``SERVICE`` clause. Upper-casing
    also folds the look-alikes rdflib's keywords accept (``ſ``, ``ı``)."""
    return "SERVICE" in text.upper()


def check_services(
    text: str, allowlist: tuple[str, ...], base_iri: str, prefixes: Mapping[str, str]
) -> None:
    """Refuse ``text`` (a query, already unescaped) if it calls an endpoint not on
    ``allowlist``: ``ServiceRefused`` (403), or ``QueryError`` (400) when it might call one
    but cannot be parsed to tell."""
    if not might_call_services(text):
        return
    allowed = ", ".join(allowlist) or "none"
    for endpoint in service_endpoints(text, base_iri, prefixes):
        if endpoint not in allowlist:
            shown = f"<{endpoint}>" if endpoint else "a variable endpoint"
            raise ServiceRefused(
                f"SERVICE {shown} is not allowed on this endpoint (allowed: {allowed})"
            )


def service_endpoints(text: str, base_iri: str, prefixes: Mapping[str, str]) -> list[str]:
    """Every SERVICE endpoint of the query ``text``, resolved; "" for a variable one."""
    # Imported on first use: rdflib's grammar takes about 0.5 s to build, which would delay
    # every query process's start, and most queries never need it.
    from rdflib.plugins.sparql.algebra import (  # noqa: PLC0415
        translatePName,
        translatePrologue,
        traverse,
    )
    from rdflib.plugins.sparql.parser import Query  # noqa: PLC0415

    try:
        # Query.parse_string, not parseQuery: parseQuery would replace codepoint escapes a
        # second time, and read another query than the one Oxigraph is given.
        tree = Query.parse_string(text, parse_all=True)
        prologue = translatePrologue(tree[0], base_iri or None, dict(prefixes))
        body = traverse(tree[1], visitPost=lambda node: translatePName(node, prologue))
    except (ParseBaseException, RecursionError) as exc:
        raise QueryError(
            f"the query mentions SERVICE and could not be parsed to check which endpoints it "
            f"calls: {_first_line(exc)}",
            http_status=400,
        ) from None
    except Exception as exc:  # rdflib raises bare Exceptions (an undeclared prefix)
        raise QueryError(
            f"the query mentions SERVICE and could not be read to check which endpoints it "
            f"calls: {_first_line(exc)}",
            http_status=400,
        ) from None
    return [_endpoint(node) for node in _services(body)]


def _services(node: Any) -> Iterator[Any]:
    """Every ``ServiceGraphPattern`` in the tree, however deep (an explicit stack: a query
    nested thousands deep must not overflow Python's)."""
    from rdflib.plugins.sparql.parserutils import CompValue  # noqa: PLC0415

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                yield item
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)


def _endpoint(node: Any) -> str:
    from rdflib.term import URIRef  # noqa: PLC0415

    term = node.get("term")
    if isinstance(term, URIRef) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", term):
        return str(term)
    return ""  # a variable, or an IRI left relative


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
