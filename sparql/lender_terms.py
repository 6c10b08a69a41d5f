"""Lenders' own English words for a kind of work, a material or a technique, in the reader's
language.

A term no vocabulary Museion maps to stays the lender's own (a local concept) with the label
the lender gave it, in the lender's language: Tate's "on paper, unique" is a third of its
works, and French and Arabic pages showed it in English on every one of them, beside AAT's
types in the reader's language. ``sparql/data/i18n/terms.toml`` gives the pages' words for
the lenders' terms they know; any other term is shown as the lender wrote it.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from .i18n import LANGUAGES

__all__ = ["lender_term", "lender_terms"]


@cache
def lender_terms() -> dict[str, dict[str, str]]:
    """Language → the lender's English term (as written in the table) → the page's words."""
    text = resources.files("sparql").joinpath("data/i18n/terms.toml").read_text("utf-8")
    return {
        lang: {str(k): str(v) for k, v in table.items()}
        for lang, table in tomllib.loads(text).items()
        if lang in LANGUAGES and isinstance(table, dict)
    }


@cache
def _keyed() -> dict[str, dict[str, str]]:
    return {
        lang: {_key(term): said for term, said in table.items()}
        for lang, table in lender_terms().items()
    }


def _key(term: str) -> str:
    return " ".join(term.split()).casefold()


def lender_term(term: str, lang: str) -> str | None:
    """The page's words in ``lang`` for a lender's English ``term`` ("on paper, unique" →
    "sur papier, œuvre unique"), whatever its case and spacing; None for a term the table
    does not know."""
    return _keyed().get(lang, {}).get(_key(term))
