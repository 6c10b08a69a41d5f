"""The Linked Art JSON-LD context as Museion bundles it, offline: the context documents a JSON-LD
processor may load (the Linked Art context, and the extension earlier Museion documents name)
and nothing else; the classes and terms the context defines, read once, by which an entity's
document is written (``sparql.linkedart``); and the Linked Art ``Language`` of a language tag.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from museion_core.errors import QueryError
from museion_core.prefixes import curie
from museion_core.vocab import CRM

from .negotiation import LINKED_ART_PROFILE

__all__ = [
    "CONTEXT_URL",
    "EXTENSION_PATH",
    "ContextVocab",
    "Term",
    "context_vocab",
    "extension_context",
    "language_iri",
    "linked_art_context",
    "loader",
]

CONTEXT_URL = LINKED_ART_PROFILE
EXTENSION_PATH = "ns/linked-art-extension.json"
"""Below the base IRI: Museion's extension of the Linked Art context."""


@cache
def linked_art_context() -> dict[str, Any]:
    """The Linked Art context, as bundled."""
    text = resources.files("sparql").joinpath("data/linked-art-context.json").read_text("utf-8")
    context: dict[str, Any] = json.loads(text)
    return context


def extension_context() -> dict[str, Any]:
    """The extension of the Linked Art context that documents of earlier Museion versions
    name. It typed ``value`` ``xsd:decimal``, which turned a fractional JSON number into an
    ill-typed literal (``"9.938E0"^^xsd:decimal``); it now adds nothing to the Linked Art
    context, so such documents read as Linked Art's own."""
    return {"@context": {"@version": 1.1, "value": {"@id": curie(CRM.P90_has_value)}}}


def loader(base_iri: str) -> Any:
    """A JSON-LD document loader that serves the two contexts from the package and refuses
    every other URL: no context is ever fetched over the network."""

    def load(url: str, _options: dict[str, Any] | None = None) -> dict[str, Any]:
        if url.rstrip("/") == CONTEXT_URL:
            document = linked_art_context()
        elif url == base_iri + EXTENSION_PATH:
            document = extension_context()
        else:
            raise QueryError(
                f"refusing to fetch the JSON-LD document {url} (Museion works offline)"
            )
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": document,
        }

    return load


@dataclass(frozen=True)
class Term:
    """How a property is written in a document: its term in the context, and how its values
    are."""

    name: str
    is_set: bool
    coerce: str | None
    """``@id``, ``@vocab`` (the value is a term's name: ``assigned_property``), a datatype
    IRI, or None."""
    linked_art: bool = True
    """A term of the Linked Art context; False for a property it has no term for, written by
    its full IRI."""


@dataclass
class ContextVocab:
    """What the Linked Art context defines, by IRI: its classes, and its terms (top-level and
    scoped by type)."""

    classes: dict[str, str] = field(default_factory=dict)
    """Class IRI → Linked Art type name."""
    terms: dict[str, Term] = field(default_factory=dict)
    """Property IRI → term, for every type."""
    scoped: dict[str, dict[str, Term]] = field(default_factory=dict)
    """Type name → property IRI → term, from the type's scoped context."""


def _expand(curie: str, prefixes: dict[str, str]) -> str:
    prefix, _, rest = curie.partition(":")
    return prefixes[prefix] + rest if prefix in prefixes and not rest.startswith("//") else curie


def _terms(definitions: dict[str, Any], prefixes: dict[str, str]) -> dict[str, Term]:
    out: dict[str, Term] = {}
    for name, value in definitions.items():
        if not isinstance(value, dict) or "@id" not in value or name[:1].isupper():
            continue
        coerce = value.get("@type")
        if coerce and coerce not in ("@id", "@vocab"):
            coerce = _expand(coerce, prefixes)
        out.setdefault(
            _expand(value["@id"], prefixes),
            Term(name, value.get("@container") == "@set", coerce),
        )
    return out


@cache
def context_vocab() -> ContextVocab:
    """The classes and terms of the bundled Linked Art context, read once."""
    context = linked_art_context()["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.startswith("http")}
    vocab = ContextVocab(terms=_terms(context, prefixes))
    for name, value in context.items():
        if name[:1].isupper() and isinstance(value, dict) and "@id" in value:
            vocab.classes.setdefault(_expand(value["@id"], prefixes), name)
            vocab.scoped[name] = _terms(value.get("@context", {}), prefixes)
        elif name[:1].isupper() and isinstance(value, str):
            vocab.classes.setdefault(_expand(value, prefixes), name)
    return vocab


@cache
def _languages() -> dict[str, tuple[str, str]]:
    """ISO 639-1 code → (AAT language IRI, English label), from the Linked Art tables."""
    text = resources.files("sparql").joinpath("data/languages.json").read_text("utf-8")
    table: dict[str, list[str]] = json.loads(text)
    return {code: (iri, label) for code, (iri, label) in table.items()}


def language_iri(tag: str) -> tuple[str, str]:
    """The Linked Art ``Language`` of a BCP 47 tag: AAT for the languages Linked Art lists,
    else the Library of Congress ISO 639 IRI of its primary subtag."""
    code = tag.split("-", maxsplit=1)[0].lower()
    known = _languages().get(code)
    if known:
        return known
    scheme = "iso639-1" if len(code) == 2 else "iso639-2"
    return f"http://id.loc.gov/vocabulary/{scheme}/{code}", code
