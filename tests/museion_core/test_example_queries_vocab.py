"""The SPARQL files users read and run (the endpoint's examples, the SPARQL harvester's queries)
are SPARQL text, not code written from ``museion_core.vocab``; their loaders add the ``PREFIX``
lines (``museion_core.prefixes.with_prologue``). So every prefixed name in the loaded queries
must be a term of the closed vocabulary, which ``test_vocab`` checks against CIDOC-CRM and
Linked Art, and every prefix it uses must be declared."""

from __future__ import annotations

import re

import pytest
from pyoxigraph import NamedNode

import sparql
from harvesters.sparql import default_query
from museion_core import vocab
from museion_core.prefixes import ALL_PREFIXES, with_prologue

QUERIES = {
    **{f"sparql/{q.name}": q.query for q in sparql.example_queries()},
    "harvesters/construct": default_query("construct"),
    "harvesters/list": default_query("prefixes") + "\n" + default_query("list"),
}
"""Every shipped query as its loader gives it: the complete text a user or a partner sees."""

_PREFIX = re.compile(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", re.IGNORECASE)
_NOISE = re.compile(r'<[^<>\s]*>|"(?:[^"\\\n]|\\.)*"|#[^\n]*')
"""IRIs, strings and comments: what a prefixed name cannot be part of."""
_PNAME = re.compile(r"(?<![\w?$:-])([A-Za-z][\w-]*):([A-Za-z_][\w-]*(?<![.-]))")


def closed_vocabulary() -> set[str]:
    terms: set[str] = set()
    for holder in vars(vocab).values():
        if isinstance(holder, type):
            terms |= {v.value for v in vars(holder).values() if isinstance(v, NamedNode)}
    return terms


def prefixes_of(text: str) -> dict[str, str]:
    return dict(_PREFIX.findall(text))


def prefixed_names(text: str) -> list[str]:
    body = _PREFIX.sub(" ", text)
    return [f"{p}:{local}" for p, local in _PNAME.findall(_NOISE.sub(" ", body))]


def test_there_are_example_queries() -> None:
    assert len(QUERIES) >= 8, QUERIES


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_prefixed_name_is_a_closed_vocabulary_term(name: str) -> None:
    text = QUERIES[name]
    prefixes = prefixes_of(text)
    for prefix, namespace in prefixes.items():
        assert ALL_PREFIXES.get(prefix) == namespace, f"PREFIX {prefix}: <{namespace}>"
    terms = closed_vocabulary()
    unknown = []
    for used in prefixed_names(text):
        prefix, local = used.split(":", 1)
        if prefix not in prefixes:
            unknown.append(f"{used} (undeclared prefix)")
        elif prefixes[prefix] + local not in terms:
            unknown.append(used)
    assert not unknown, f"{name} uses terms outside museion_core.vocab: {unknown}"


def test_the_scan_finds_prefixed_names() -> None:
    """The check above would pass vacuously if no name were found."""
    names = {n for text in QUERIES.values() for n in prefixed_names(text)}
    assert {"crm:E22_Human-Made_Object", "rdfs:label"} <= names


def test_the_prologue_declares_what_a_query_uses() -> None:
    """Each prefix the query uses, once, and none it only mentions in an IRI, a string or a
    comment, nor one it declares itself."""
    query = (
        "PREFIX rdfs: <http://example.org/mine#>\n"
        'SELECT * WHERE { ?o a crm:E22_Human-Made_Object ; rdfs:label "la:x" ; '
        "<http://example.org/xsd:y> ?v . ?v crm:P2_has_type ?t } # skos:note\n"
    )
    text = with_prologue(query)
    assert prefixes_of(text) == {"crm": vocab.CRM_NS, "rdfs": "http://example.org/mine#"}
    assert text.endswith(query)
    assert with_prologue("ASK {}") == "ASK {}"
