"""Whether two sets of statements say the same up to the names of their blank nodes, in bounded
time.

RDFC-1.0 (the W3C's canonical labelling) decides it, but its time grows exponentially with
blank nodes that nothing but their links tells apart: eleven blank nodes each linked to all
the others took it more than a minute, and a partner's RDF may hold such a knot. So the
nodes are first told apart by colour refinement (each node's colour is what it states and
is stated of, with the colours of the nodes it links to, repeated until no class splits):

- the statements, with each blank node replaced by its colour, differ: not the same;
- every blank node has a colour of its own, in both: the colours are a labelling both sets
  share, and the first test has decided it;
- otherwise (nodes alike in everything but their names, as in a knot): RDFC-1.0 decides,
  when few such nodes are involved; past ``MAX_ALIKE`` the answer is "not the same", which
  costs a caller at most a write it could have saved, never a change it would have missed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from pyoxigraph import BlankNode, CanonicalizationAlgorithm, Dataset, Quad

__all__ = ["MAX_ALIKE", "same_statements"]

MAX_ALIKE = 6
"""The most blank nodes sharing a colour with another that RDFC-1.0 is left to tell apart
(a knot of eight took it 6 s, of six well under one)."""

Coloured = tuple[str, str, str, str]


def same_statements(first: set[Quad], second: set[Quad]) -> bool:
    """Whether ``first`` and ``second`` are the same statements but for blank node names."""
    if len(first) != len(second):
        return False
    ground = {q for q in first if not _blank(q)}
    if ground != {q for q in second if not _blank(q)}:
        return False
    rest_first, rest_second = first - ground, second - ground
    colours_first, colours_second = _colours(rest_first), _colours(rest_second)
    if Counter(_coloured(rest_first, colours_first)) != Counter(
        _coloured(rest_second, colours_second)
    ):
        return False
    if _all_distinct(colours_first) and _all_distinct(colours_second):
        return True
    if _alike(colours_first) > MAX_ALIKE:
        return False
    return _canonical(rest_first) == _canonical(rest_second)


def _blank(quad: Quad) -> bool:
    return isinstance(quad.subject, BlankNode) or isinstance(quad.object, BlankNode)


def _name(term: object, colours: dict[BlankNode, str]) -> str:
    if isinstance(term, BlankNode):
        return "_:" + colours[term]
    return str(term)


def _colours(quads: set[Quad]) -> dict[BlankNode, str]:
    """Each blank node's colour once refinement has split every class it can."""
    nodes = {t for q in quads for t in (q.subject, q.object) if isinstance(t, BlankNode)}
    colours = dict.fromkeys(nodes, "")
    classes = 1
    for _ in range(len(nodes)):
        signatures: dict[BlankNode, list[str]] = {node: [] for node in nodes}
        for q in quads:
            graph = str(q.graph_name)
            if isinstance(q.subject, BlankNode):
                seen = f"s {q.predicate} {_name(q.object, colours)} {graph}"
                signatures[q.subject].append(seen)
            if isinstance(q.object, BlankNode):
                seen = f"o {_name(q.subject, colours)} {q.predicate} {graph}"
                signatures[q.object].append(seen)
        colours = {
            node: _digest([colours[node], *sorted(signature)])
            for node, signature in signatures.items()
        }
        count = len(set(colours.values()))
        if count == classes:
            break
        classes = count
    return colours


def _digest(parts: Iterable[str]) -> str:
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def _coloured(quads: set[Quad], colours: dict[BlankNode, str]) -> list[Coloured]:
    return [
        (
            _name(q.subject, colours),
            str(q.predicate),
            _name(q.object, colours),
            str(q.graph_name),
        )
        for q in quads
    ]


def _all_distinct(colours: dict[BlankNode, str]) -> bool:
    return len(set(colours.values())) == len(colours)


def _alike(colours: dict[BlankNode, str]) -> int:
    """How many blank nodes share their colour with another."""
    counts = Counter(colours.values())
    return sum(n for n in counts.values() if n > 1)


def _canonical(quads: set[Quad]) -> set[Quad]:
    dataset = Dataset(quads)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)
