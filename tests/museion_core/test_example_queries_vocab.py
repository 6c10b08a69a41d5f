"""The SPARQL files users read and run (the endpoint's examples, the SPARQL harvester's queries)
keep their ``PREFIX`` lines, so they cannot be written from ``museion_core.vocab`` in code;
instead every prefixed name in them must be a term of the closed vocabulary, which
``test_vocab`` checks against CIDOC-CRM and Linked Art."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from museion_core import vocab
from museion_core.prefixes import ALL_PREFIXES

ROOT = Path(__file__).resolve().parents[2]
QUERY_DIRS = [ROOT / "sparql" / "queries", ROOT / "harvesters" / "sparql" / "queries"]
QUERIES = sorted(p for d in QUERY_DIRS for p in d.glob("*.rq"))

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


def prefixes_of(path: Path) -> dict[str, str]:
    """The file's own ``PREFIX`` lines; the harvester's queries share ``prefixes.rq``."""
    shared = path.parent / "prefixes.rq"
    text = (shared.read_text(encoding="utf-8") if shared.exists() else "") + path.read_text(
        encoding="utf-8"
    )
    return dict(_PREFIX.findall(text))


def prefixed_names(path: Path) -> list[str]:
    body = _PREFIX.sub(" ", path.read_text(encoding="utf-8"))
    return [f"{p}:{local}" for p, local in _PNAME.findall(_NOISE.sub(" ", body))]


def test_there_are_example_queries() -> None:
    assert len(QUERIES) >= 8, QUERIES


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_prefixed_name_is_a_closed_vocabulary_term(path: Path) -> None:
    prefixes = prefixes_of(path)
    for prefix, namespace in prefixes.items():
        assert ALL_PREFIXES.get(prefix) == namespace, f"PREFIX {prefix}: <{namespace}>"
    terms = closed_vocabulary()
    unknown = []
    for name in prefixed_names(path):
        prefix, local = name.split(":", 1)
        if prefix not in prefixes:
            unknown.append(f"{name} (undeclared prefix)")
        elif prefixes[prefix] + local not in terms:
            unknown.append(name)
    assert not unknown, f"{path.name} uses terms outside museion_core.vocab: {unknown}"


def test_the_scan_finds_prefixed_names() -> None:
    """The check above would pass vacuously if no name were found."""
    names = {n for path in QUERIES for n in prefixed_names(path)}
    assert {"crm:E22_Human-Made_Object", "rdfs:label"} <= names
