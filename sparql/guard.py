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
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pyparsing import ParseBaseException, ParseResults

from museion_core.errors import QueryError

from .prefixes import PREFIXES

__all__ = [
    "MAX_NESTING",
    "ServiceRefused",
    "check_nesting",
    "check_services",
    "check_update",
    "checked_query",
    "might_call_services",
    "unescape_codepoints",
]

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


MAX_NESTING = 200
"""Brackets (``{``, ``(``, ``[``) a query or update may open inside each other, and unary
operators (``!``, ``-``, ``+``) it may apply in a row. Oxigraph's
parser and evaluator recurse once a level, and past a few thousand levels (a few hundred for
some forms) the process crashes on its stack: a 5 KB query would cost a query process and a
second or two of restarting it. Real queries nest a few dozen levels at most."""

_LEXEMES = re.compile(
    "|".join(
        (
            r'(?<!\\)"""(?:[^"\\]|\\.|"(?!""))*"""',  # long strings
            r"(?<!\\)'''(?:[^'\\]|\\.|'(?!''))*'''",
            r'(?<!\\)"(?:[^"\\\n\r]|\\.)*"',  # short strings
            r"(?<!\\)'(?:[^'\\\n\r]|\\.)*'",
            r'<[^<>"{}()\[\]|^`\\\x00-\x20]*>',  # IRIs (brackets in one still count)
            r"(?<!\\)#[^\n\r]*",  # comments
            r"[{(\[\]})]",  # brackets
            r"[!+\-](?:\s*[!+\-])+",  # unary operators in a row ("!!!!x", "- - -1")
        )
    )
)
"""What can hold a bracket that is not one (strings, IRIs, comments), and the brackets.

Wrongly read, a bracket is counted where it is none (a query refused), never missed: an IRI
that holds a bracket is not taken as one (``?a<((...>`` is a comparison), and a quote or a
``#`` after a backslash is a prefixed name's escape (``ex:o\\#``), not a string or comment."""


def check_nesting(text: str) -> None:
    """Refuse ``text`` (a query or update) whose brackets nest deeper than ``MAX_NESTING``
    (``QueryError``, 400), read off its lexemes as SPARQL's grammar spells them: a bracket in
    a string, an IRI or a comment is not one."""
    brackets = text.count("{") + text.count("(") + text.count("[")
    if (
        brackets <= MAX_NESTING
        and text.count("!") + text.count("-") + text.count("+") <= MAX_NESTING
    ):
        return
    depth = 0
    for match in _LEXEMES.finditer(text):
        lexeme = match.group()
        if lexeme[0] in "!+-":  # each applies to what follows: Oxigraph recurses on them too
            if sum(lexeme.count(op) for op in "!+-") > MAX_NESTING:
                raise QueryError(
                    f"the query applies more than {MAX_NESTING} operators in a row (at "
                    f"character {match.start()}); write it simpler",
                    http_status=400,
                )
            continue
        if lexeme in "{([":
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(
                    f"the query nests brackets more than {MAX_NESTING} deep (at character "
                    f"{match.start()}); write it flatter",
                    http_status=400,
                )
        elif lexeme in "})]":
            depth = max(depth - 1, 0)


def might_call_services(text: str) -> bool:
    """Whether ``text`` (already unescaped) could hold a ``SERVICE`` clause. Upper-casing
    also folds the look-alikes rdflib's keywords accept (``ſ``, ``ı``)."""
    return "SERVICE" in text.upper()


def check_services(
    text: str, allowlist: tuple[str, ...], base_iri: str, prefixes: Mapping[str, str]
) -> None:
    """Refuse ``text`` (a query, already unescaped) if it calls an endpoint not on
    ``allowlist``: ``ServiceRefused`` (403), or ``QueryError`` (400) when it might call one
    but cannot be parsed to tell.

    A clause inside an allowed ``SERVICE`` is checked too, though Oxigraph sends it to the
    outer endpoint with the rest of the pattern and never calls it itself: the outer endpoint
    may be one only this server can reach, and would make the call from its own network."""
    if might_call_services(text):
        endpoints = service_endpoints(text, base_iri, prefixes)
        _refuse((("SERVICE", endpoint) for endpoint in endpoints), allowlist)


def checked_query(text: str, allowlist: tuple[str, ...], base_iri: str) -> str:
    """The text of a query as the engine is to run it, escapes replaced once (what the checks
    read is what runs), refused if it nests too deep (``check_nesting``) or calls an endpoint
    not on ``allowlist`` (``check_services``): the same rules for the endpoint and for
    ``museion query``, which called any ``SERVICE`` it was given."""
    text = unescape_codepoints(text)
    check_nesting(text)
    check_services(text, allowlist, base_iri, PREFIXES)
    return text


def check_update(
    text: str, allowlist: tuple[str, ...], base_iri: str, prefixes: Mapping[str, str]
) -> None:
    """Refuse the update ``text`` (already unescaped) if it calls an endpoint (``SERVICE``) or
    fetches a document (``LOAD``) not on ``allowlist``, read off rdflib's update grammar: a
    title such as "Coffee service and tray" in its data is not a clause."""
    upper = text.upper()
    if "SERVICE" in upper or "LOAD" in upper:
        _refuse(update_calls(text, base_iri, prefixes), allowlist)


def _refuse(calls: Iterable[tuple[str, str]], allowlist: tuple[str, ...]) -> None:
    """Refuse the first call not on ``allowlist``, saying why in words a researcher who cannot
    change the configuration understands (federation is off, or which endpoints it may call)."""
    allowed = ", ".join(f"<{iri}>" for iri in allowlist)
    for kind, endpoint in calls:
        if endpoint in allowlist:
            continue
        shown = f"<{endpoint}>" if endpoint else "with a variable endpoint"
        if not allowlist:
            off = "federated queries are off" if kind == "SERVICE" else "it loads no documents"
            why = (
                f"this endpoint calls no other server ({off}: its [endpoint] "
                "service_allowlist is empty)"
            )
        elif not endpoint:
            why = f"name the endpoint by its IRI; this endpoint may call only {allowed}"
        else:
            why = f"this endpoint may call only {allowed}"
        raise ServiceRefused(f"{kind} {shown} is not allowed: {why}")


def service_endpoints(text: str, base_iri: str, prefixes: Mapping[str, str]) -> list[str]:
    """Every SERVICE endpoint of the query ``text``, resolved; "" for a variable one."""
    # Imported on first use: rdflib's grammar takes about 0.5 s to build, which would delay
    # every query process's start, and most queries never need it.
    from rdflib.plugins.sparql.algebra import translatePrologue  # noqa: PLC0415
    from rdflib.plugins.sparql.parser import Query  # noqa: PLC0415

    _mend_nested_service()
    with _reading("query"):
        # Query.parse_string, not parseQuery: parseQuery would replace codepoint escapes a
        # second time, and read another query than the one Oxigraph is given.
        tree = Query.parse_string(text, parse_all=True)
        prologue = translatePrologue(tree[0], base_iri or None, dict(prefixes))
        body = _resolved(tree[1], prologue)
    return [_endpoint(node) for node in _services(body)]


def update_calls(text: str, base_iri: str, prefixes: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every ``("SERVICE", endpoint)`` and ``("LOAD", document)`` of the update ``text``,
    resolved against the prologue each operation has."""
    from rdflib.plugins.sparql.algebra import translatePrologue  # noqa: PLC0415
    from rdflib.plugins.sparql.parser import UpdateUnit  # noqa: PLC0415

    _mend_nested_service()
    calls: list[tuple[str, str]] = []
    with _reading("update"):
        tree = UpdateUnit.parse_string(text, parse_all=True)[0]
        prologue = None
        for head, operation in zip(
            tree.get("prologue") or [], tree.get("request") or [], strict=False
        ):
            prologue = translatePrologue(head, base_iri or None, dict(prefixes), prologue)
            resolved = _resolved(operation, prologue)
            if resolved.name == "Load":
                calls.append(("LOAD", _iri(resolved.get("iri"))))
            calls.extend(("SERVICE", _endpoint(node)) for node in _services(resolved))
    return calls


def _mend_nested_service() -> None:
    """Stop rdflib's grammar from recursing without end on a ``SERVICE`` inside a ``SERVICE``
    (rdflib issue 2136; the fix, pull request 3408, is not released as of rdflib 7.6).

    After a ``SERVICE`` clause is matched, rdflib searches the whole query text again for
    the clause's source text (``service_string``, which only rdflib's own evaluator reads);
    that search matches the outer clause, whose inner clause starts the search again. The
    check needs only the clause's endpoint and pattern, so the clause is built as any other
    part of the tree is, without the search. Wikidata's label service inside an allow-listed
    Wikidata ``SERVICE`` is the usual case, and was refused as unparseable."""
    from rdflib.plugins.sparql import parser  # noqa: PLC0415
    from rdflib.plugins.sparql.parserutils import Comp  # noqa: PLC0415

    clause = parser.ServiceGraphPattern
    if getattr(clause, "_museion_mended", False):
        return
    plain = _PlainClause(clause.name)

    def post_parse(instring: str, loc: int, tokens: ParseResults) -> Any:
        built = Comp.postParse(plain, instring, loc, tokens)  # type: ignore[arg-type]
        built.name = clause.name
        return built

    clause.postParse = post_parse  # type: ignore[method-assign,assignment]
    clause._museion_mended = True  # type: ignore[attr-defined]


class _PlainClause:
    """What rdflib's ``Comp.postParse`` reads of its element (its name and evaluation
    function), under a name that is not ``ServiceGraphPattern``: the clause's values are
    gathered as for any other clause, and ``_mend_nested_service`` names it back."""

    evalfn = None

    def __init__(self, name: str) -> None:
        self.name = f"{name} (without its source text)"


def _resolved(tree: Any, prologue: Any) -> Any:
    from rdflib.plugins.sparql.algebra import translatePName, traverse  # noqa: PLC0415

    return traverse(tree, visitPost=lambda node: translatePName(node, prologue))


@contextmanager
def _reading(what: str) -> Iterator[None]:
    """Parse errors as ``QueryError`` (400): the check fails closed."""
    try:
        yield
    except (ParseBaseException, RecursionError) as exc:
        raise QueryError(
            f"the {what} mentions SERVICE or LOAD and could not be parsed to check which "
            f"endpoints it calls: {_first_line(exc)}",
            http_status=400,
        ) from None
    except Exception as exc:  # rdflib raises bare Exceptions (an undeclared prefix)
        raise QueryError(
            f"the {what} mentions SERVICE or LOAD and could not be read to check which "
            f"endpoints it calls: {_first_line(exc)}",
            http_status=400,
        ) from None


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
    return _iri(node.get("term"))


def _iri(term: Any) -> str:
    """An absolute IRI's text; "" for a variable or an IRI left relative."""
    from rdflib.term import URIRef  # noqa: PLC0415

    if isinstance(term, URIRef) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", term):
        return str(term)
    return ""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
