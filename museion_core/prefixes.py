"""Namespace prefixes, and SPARQL text written from closed-vocabulary terms.

Every prefix of a closed vocabulary comes from ``museion_core.vocab``, so a query that names its
terms through ``curie``/``ref`` uses only terms the vocabulary test has checked; a query cannot
hold a hand-typed ``crm:P1_is_identifed_by`` that silently matches nothing.
"""

from __future__ import annotations

import re

from pyoxigraph import NamedNode

from . import vocab

__all__ = ["ALL_PREFIXES", "PREFIXES", "curie", "prologue", "ref", "with_prologue"]

PREFIXES: dict[str, str] = {
    "crm": vocab.CRM_NS,
    "la": vocab.LA_NS,
    "dig": vocab.DIG_NS,
    "aat": vocab.AAT_NS,
    "tgn": "http://vocab.getty.edu/tgn/",
    "ulan": "http://vocab.getty.edu/ulan/",
    "wd": "http://www.wikidata.org/entity/",
    "rdf": vocab.RDF_NS,
    "rdfs": vocab.RDFS_NS,
    "xsd": vocab.XSD_NS,
    "skos": vocab.SKOS_NS,
    "dcterms": vocab.DCTERMS_NS,
    "foaf": vocab.FOAF_NS,
    "prov": vocab.PROV_NS,
    "void": vocab.VOID_NS,
    "museion": vocab.MUSEION_NS,
}
"""Prefixes researchers expect to have at hand (the CLI and the endpoint add them to queries
that lack them)."""

ALL_PREFIXES: dict[str, str] = {**PREFIXES, "owl": vocab.OWL_NS}
"""``PREFIXES`` and the few more Museion's own queries use (``owl`` for reconciliation links)."""


def prologue(prefixes: dict[str, str] = PREFIXES) -> str:
    """``PREFIX`` lines for ``prefixes``."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items())


_NOISE = re.compile(r'<[^<>\s]*>|"(?:[^"\\\n]|\\.)*"|#[^\n]*')
"""IRIs, strings and comments: where a prefix name is not a use of the prefix."""
_USED = re.compile(r"(?<![\w?$:.-])([A-Za-z][\w.-]*):(?=[\w])")
_DECLARED = re.compile(r"PREFIX\s+([\w.-]*):", re.IGNORECASE)


def with_prologue(query: str, prefixes: dict[str, str] = ALL_PREFIXES) -> str:
    """``query`` after ``PREFIX`` lines for each prefix of ``prefixes`` it uses and does not
    declare. The shipped ``.rq`` files carry no namespace IRIs (``museion_core.vocab`` holds
    them all); this makes each the complete query a user reads, copies and runs."""
    declared = set(_DECLARED.findall(query))
    used = set(_USED.findall(_NOISE.sub(" ", _DECLARED.sub(" ", query))))
    wanted = {p: iri for p, iri in prefixes.items() if p in used and p not in declared}
    return f"{prologue(wanted)}\n{query}" if wanted else query


def curie(term: NamedNode) -> str:
    """``crm:P2_has_type`` for ``CRM.P2_has_type``: the prefixed name of a vocabulary term,
    for SPARQL text that is run with ``prologue()`` (or the store's ``PREFIXES``)."""
    for prefix, namespace in ALL_PREFIXES.items():
        local = term.value.removeprefix(namespace)
        if local != term.value and local and all(c.isalnum() or c in "_-" for c in local):
            return f"{prefix}:{local}"
    return str(term)


def ref(term: NamedNode) -> str:
    """``<iri>`` for a term: SPARQL text that needs no prefix."""
    return str(term)
