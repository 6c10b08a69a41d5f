"""What the endpoint must know about a query or update before it runs it, read off its tokens.

The endpoint needs a few facts that pyoxigraph does not expose: the query form (to negotiate
a format before running), the ``SERVICE`` endpoints it would call, its outermost ``LIMIT`` (to
enforce the row cap inside the engine), and for updates, which operations write to the
default graph and where their ``WHERE`` clauses begin (for ``using-graph-uri``). A real lexer
— strings, IRIs, comments and nesting are tokens, not text — gives them exactly and in
microseconds; pyoxigraph still parses and answers every syntax error itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin

from .prefixes import PREFIXES

__all__ = [
    "QueryInfo",
    "Token",
    "UpdateInfo",
    "UpdateOperation",
    "analyse_query",
    "analyse_update",
    "tokens",
    "with_limit",
    "with_using",
]

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\W][\w\u00B7\u0300-\u036F\u203F-\u2040]*)
  | (?P<pname>(?:[^\W\d_][\w.\-\u00B7]*)?:
              (?:(?:[\w\-:%\u00B7]|\\\S)(?:(?:[\w.\-:%\u00B7]|\\\S)*(?:[\w\-:%\u00B7]|\\\S))?)?)
  | (?P<bnode>_:[\w][\w.\-]*)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>\^\^|\|\||&&|!=|<=|>=|[{}()\[\];,.*=<>!+\-/|^@?$])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int
    end: int
    depth: int
    """Nesting of ``{}`` around the token (a ``{`` is at the depth outside it)."""

    def word(self) -> str:
        """The upper-cased keyword, or "" for tokens that are not bare words."""
        return self.text.upper() if self.kind == "word" else ""


def tokens(text: str) -> Iterator[Token]:
    """Significant tokens (no spaces, no comments), with their brace depth."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        if value == "}":
            depth = max(0, depth - 1)
        yield Token(kind, value, match.start(), match.end(), depth)
        if value == "{":
            depth += 1


def _unescape(text: str) -> str:
    """SPARQL's codepoint escapes (``\\u0053ERVICE``), which apply before parsing."""
    if "\\u" not in text and "\\U" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


class _Prologue:
    """``BASE`` and ``PREFIX`` declarations, to resolve the IRIs of SERVICE clauses."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.prefixes = dict(PREFIXES)

    def read(self, toks: Sequence[Token], i: int) -> int:
        """Consume declarations starting at ``toks[i]``; return the index after them."""
        while i < len(toks):
            word = toks[i].word()
            if word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
                self.base = urljoin(self.base, toks[i + 1].text[1:-1])
                i += 2
            elif word == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname":
                self.prefixes[toks[i + 1].text[:-1]] = self.resolve(toks[i + 2])
                i += 3
            else:
                break
        return i

    def resolve(self, token: Token) -> str:
        if token.kind == "iri":
            return urljoin(self.base, token.text[1:-1]) if self.base else token.text[1:-1]
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            if prefix in self.prefixes:
                return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        return ""


@dataclass(frozen=True)
class QueryInfo:
    text: str
    """The query with codepoint escapes applied: what the positions below index."""
    form: str | None
    """SELECT, ASK, CONSTRUCT or DESCRIBE; None when the text does not say (pyoxigraph will
    then answer with a syntax error)."""
    services: tuple[str, ...] = ()
    """The IRIs of SERVICE clauses, resolved; "" for a variable or unresolvable endpoint."""
    limit: int | None = None
    """The outermost ``LIMIT``, if any."""
    limit_token: Token | None = None
    values_start: int | None = None
    """Where a trailing ``VALUES`` clause begins (a ``LIMIT`` must come before it)."""


def analyse_query(text: str, base_iri: str = "") -> QueryInfo:
    """Facts about ``text``; token positions index ``QueryInfo.text``, which is ``text`` with
    SPARQL's codepoint escapes applied (as the grammar says they are, before parsing)."""
    text = _unescape(text)
    toks = list(tokens(text))
    prologue = _Prologue(base_iri)
    i = prologue.read(toks, 0)
    form = toks[i].word() if i < len(toks) else ""
    services = tuple(_services(toks, prologue))
    limit: int | None = None
    limit_token: Token | None = None
    values_start: int | None = None
    started = False
    for j, tok in enumerate(toks):
        if tok.depth == 0 and tok.text == "{":
            started = True
        if tok.depth != 0 or not started:
            continue
        word = tok.word()
        if word == "LIMIT" and j + 1 < len(toks) and toks[j + 1].kind == "number":
            limit_token = toks[j + 1]
            limit = int(float(limit_token.text))
        elif word == "VALUES":
            values_start = tok.start
            break
    return QueryInfo(
        text=text,
        form=form if form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") else None,
        services=services,
        limit=limit,
        limit_token=limit_token,
        values_start=values_start,
    )


def _services(toks: Sequence[Token], prologue: _Prologue) -> Iterator[str]:
    for j, tok in enumerate(toks):
        if tok.word() != "SERVICE":
            continue
        k = j + 1
        if k < len(toks) and toks[k].word() == "SILENT":
            k += 1
        yield prologue.resolve(toks[k]) if k < len(toks) else ""


def with_limit(info: QueryInfo, limit: int) -> str:
    """The query with its outermost ``LIMIT`` lowered to ``limit`` (or added)."""
    text = info.text
    if info.limit_token is not None:
        tok = info.limit_token
        if info.limit is not None and info.limit <= limit:
            return text
        return text[: tok.start] + str(limit) + text[tok.end :]
    if info.values_start is not None:
        at = info.values_start
        return text[:at] + f"LIMIT {limit}\n" + text[at:]
    return f"{text}\nLIMIT {limit}\n"


# -- updates ------------------------------------------------------------------------------


@dataclass
class UpdateOperation:
    kind: str
    """INSERT DATA, DELETE DATA, DELETE WHERE, MODIFY, LOAD, CLEAR, DROP, CREATE, ADD, MOVE,
    COPY."""
    start: int
    end: int
    writes_default_graph: bool = False
    has_dataset_clause: bool = False
    """USING, USING NAMED or WITH: the operation names its own dataset."""
    where_start: int | None = None
    """Where the ``WHERE`` keyword of a DELETE/INSERT operation begins."""
    pattern: tuple[int, int] | None = None
    """For ``DELETE WHERE { ... }``: the span of the braces, to spell it as DELETE/WHERE."""


@dataclass
class UpdateInfo:
    operations: list[UpdateOperation] = field(default_factory=list)
    end: int = 0
    """Where the last operation ends: the text after it is only separators and comments."""

    @property
    def writes_default_graph(self) -> list[UpdateOperation]:
        return [op for op in self.operations if op.writes_default_graph]


_OPERATIONS = ("INSERT", "DELETE", "WITH", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")


def analyse_update(text: str) -> UpdateInfo:
    """Split an update into operations and say what each does to the default graph."""
    toks = list(tokens(text))
    info = UpdateInfo()
    prologue = _Prologue("")
    i = 0
    while i < len(toks):
        i = prologue.read(toks, i)
        if i >= len(toks):
            break
        if toks[i].text == ";":
            i += 1
            continue
        j = i
        while j < len(toks) and not (toks[j].depth == 0 and toks[j].text == ";"):
            j += 1
        op = _operation(toks[i:j])
        if op is not None:
            info.operations.append(op)
            info.end = toks[j - 1].end
        i = j + 1
    return info


def _operation(toks: Sequence[Token]) -> UpdateOperation | None:
    if not toks or toks[0].word() not in _OPERATIONS:
        return None
    first = toks[0].word()
    second = toks[1].word() if len(toks) > 1 else ""
    op = UpdateOperation(kind=first, start=toks[0].start, end=toks[-1].end)
    words = [t.word() for t in toks if t.depth == 0]
    if first in ("INSERT", "DELETE") and second == "DATA":
        op.kind = f"{first} DATA"
        op.writes_default_graph = _block_has_default_triples(toks, 2)
    elif first == "DELETE" and second == "WHERE":
        op.kind = "DELETE WHERE"
        op.writes_default_graph = _block_has_default_triples(toks, 2)
        close = next(
            (t for t in toks[3:] if t.depth == 0 and t.text == "}"),
            None,
        )
        if close is not None and len(toks) > 2:
            op.pattern = (toks[2].start, close.end)
    elif first in ("INSERT", "DELETE", "WITH"):
        op.kind = "MODIFY"
        op.has_dataset_clause = "WITH" in words or "USING" in words
        has_with = first == "WITH"
        for k, tok in enumerate(toks):
            if tok.depth != 0:
                continue
            if tok.word() in ("INSERT", "DELETE") and k + 1 < len(toks) and toks[k + 1].text == "{":
                if not has_with and _block_has_default_triples(toks, k + 1):
                    op.writes_default_graph = True
            elif tok.word() == "WHERE":
                op.where_start = tok.start
                break
    elif first == "LOAD":
        op.writes_default_graph = "INTO" not in words
    elif first in ("CLEAR", "DROP"):
        op.writes_default_graph = "DEFAULT" in words
    elif first in ("ADD", "MOVE", "COPY"):
        to = words.index("TO") if "TO" in words else len(words)
        op.writes_default_graph = "DEFAULT" in words[to:] or (
            first == "MOVE" and "DEFAULT" in words[:to]
        )
    return op


def _block_has_default_triples(toks: Sequence[Token], open_index: int) -> bool:
    """Whether the ``{ ... }`` opening at ``toks[open_index]`` holds triples outside any
    ``GRAPH x { ... }`` block (those are default-graph triples)."""
    if open_index >= len(toks) or toks[open_index].text != "{":
        return False
    inner = toks[open_index].depth + 1
    k = open_index + 1
    while k < len(toks):
        tok = toks[k]
        if tok.text == "}" and tok.depth == inner - 1:
            return False  # the end of the block
        if tok.depth == inner and tok.word() == "GRAPH":
            k += 2  # GRAPH and the graph's name; then skip the graph's block
            if k < len(toks) and toks[k].text == "{":
                k += 1
                while k < len(toks) and not (toks[k].text == "}" and toks[k].depth == inner):
                    k += 1
            k += 1
            continue
        if tok.depth == inner and tok.text == ".":
            k += 1
            continue
        return True
    return False


def with_using(text: str, info: UpdateInfo, default: Sequence[str], named: Sequence[str]) -> str:
    """Give every DELETE/INSERT operation the protocol's ``using-graph-uri`` and
    ``using-named-graph-uri`` as ``USING`` clauses (DELETE WHERE is spelt out for that)."""
    clauses = "".join(f"USING <{g}> " for g in default) + "".join(
        f"USING NAMED <{g}> " for g in named
    )
    edits: list[tuple[int, int, str]] = []
    for op in info.operations:
        if op.kind == "MODIFY" and op.where_start is not None:
            edits.append((op.where_start, op.where_start, clauses))
        elif op.kind == "DELETE WHERE" and op.pattern is not None:
            start, end = op.pattern
            block = text[start:end]
            edits.append((op.start, end, f"DELETE {block} {clauses}WHERE {block}"))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
