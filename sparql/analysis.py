"""What the endpoint must know about an update before it runs it, read off its tokens.

Updates come only from holders of the admin token, who are trusted: the lexer here serves
their convenience (which operations would write the default graph, which queries read as
the union of the named graphs, and where ``using-graph-uri`` goes), not a security decision.
Limits on untrusted queries are never read off tokens: the SERVICE allow-list is checked on a
real parse (``guard``) and the row cap is counted on the rows written (``executor``). This
runs in the query process, where the time limit applies, never on the HTTP worker's event
loop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin

from museion_core.errors import QueryError

from .prefixes import PREFIXES

__all__ = [
    "Token",
    "UpdateInfo",
    "UpdateOperation",
    "analyse_update",
    "prepare_update",
    "tokens",
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
        _delete_where(op, toks)
    elif first in ("INSERT", "DELETE", "WITH"):
        _modify(op, toks, words)
    else:
        op.writes_default_graph = _graph_management_writes_default(first, words)
    return op


def _delete_where(op: UpdateOperation, toks: Sequence[Token]) -> None:
    op.kind = "DELETE WHERE"
    op.writes_default_graph = _block_has_default_triples(toks, 2)
    close = next(
        (t for t in toks[3:] if t.depth == 0 and t.text == "}"),
        None,
    )
    if close is not None and len(toks) > 2:
        op.pattern = (toks[2].start, close.end)


def _modify(op: UpdateOperation, toks: Sequence[Token], words: list[str]) -> None:
    """``[WITH g] DELETE {...} INSERT {...} [USING ...] WHERE {...}``."""
    op.kind = "MODIFY"
    op.has_dataset_clause = "WITH" in words or "USING" in words
    has_with = toks[0].word() == "WITH"
    for k, tok in enumerate(toks):
        if tok.depth != 0:
            continue
        if tok.word() in ("INSERT", "DELETE") and k + 1 < len(toks) and toks[k + 1].text == "{":
            if not has_with and _block_has_default_triples(toks, k + 1):
                op.writes_default_graph = True
        elif tok.word() == "WHERE":
            op.where_start = tok.start
            break


def _graph_management_writes_default(first: str, words: list[str]) -> bool:
    """Whether ``LOAD``, ``CLEAR``, ``DROP``, ``ADD``, ``MOVE`` or ``COPY`` writes (or empties)
    the default graph."""
    if first == "LOAD":
        return "INTO" not in words
    if first in ("CLEAR", "DROP"):
        return "DEFAULT" in words
    if first in ("ADD", "MOVE", "COPY"):
        to = words.index("TO") if "TO" in words else len(words)
        return "DEFAULT" in words[to:] or (first == "MOVE" and "DEFAULT" in words[:to])
    return False


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


def prepare_update(
    update: str, using_graphs: Sequence[str], using_named_graphs: Sequence[str]
) -> str | None:
    """The update to run (with the protocol's ``using-graph-uri`` as ``USING`` clauses), or
    None when it has no operation; ``QueryError`` (400) for what Museion refuses."""
    info = analyse_update(update)
    if not info.operations:
        return None
    wrong = info.writes_default_graph
    if wrong:
        raise QueryError(
            f"{wrong[0].kind} writes to the default graph, which queries read as the "
            "union of all named graphs; write into a named graph instead "
            "(GRAPH <...> { ... }, INTO GRAPH <...>, WITH <...>)",
            http_status=400,
        )
    text = update[: info.end]
    if using_graphs or using_named_graphs:
        if any(op.has_dataset_clause for op in info.operations):
            raise QueryError(
                "the request gives using-graph-uri/using-named-graph-uri and the update "
                "has USING or WITH; give the dataset one way only",
                http_status=400,
            )
        text = with_using(text, info, using_graphs, using_named_graphs)
    return text


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
