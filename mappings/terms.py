"""Turning partner terms into concepts: mapping tables first, then Museion's AAT table, else a
local term that keeps its label (never dropped) and is listed in the partner report."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from .authorities import normalise_authority
from .builder import Concept, clean_text
from .iris import Minter
from .vocab import AAT, AAT_NS, CRM, RDF, RDFS

__all__ = ["SCHEME_CLASS", "Vocabularies", "aat_label", "expand_curie", "vocabulary_quads"]

_PREFIXES = {
    "aat": AAT_NS,
    "tgn": "http://vocab.getty.edu/tgn/",
    "ulan": "http://vocab.getty.edu/ulan/",
    "wd": "http://www.wikidata.org/entity/",
    "wikidata": "http://www.wikidata.org/entity/",
    "viaf": "http://viaf.org/viaf/",
    "gnd": "https://d-nb.info/gnd/",
}

SCHEME_CLASS: dict[str, tuple[NamedNode, NamedNode | None]] = {
    # scheme: (class of its concepts, what kind of type a concept of it is)
    "object_type": (CRM.E55_Type, AAT.TYPE_OF_WORK),
    "material": (CRM.E57_Material, None),
    "nationality": (CRM.E55_Type, AAT.NATIONALITY),
    "gender": (CRM.E55_Type, AAT.GENDER),
}


def expand_curie(value: str) -> str:
    """``aat:300033618`` → the AAT IRI; authority references in any other form (a Getty or
    Wikidata web page, ``http`` for ``https``) → the authority's entity IRI."""
    prefix, _, rest = value.partition(":")
    base = _PREFIXES.get(prefix)
    return normalise_authority(base + rest if base and not rest.startswith("//") else value)


@cache
def _aat_table() -> dict[str, Any]:
    """``{"labels": {number: label}, "terms": {scheme: {term: number}}}``."""
    with resources.files("mappings").joinpath("data/aat.json").open("rb") as handle:
        table: dict[str, Any] = json.load(handle)
    return table


def aat_label(iri: str) -> str | None:
    """AAT's English label for a concept Museion knows, or None."""
    if not iri.startswith(AAT_NS):
        return None
    label: str | None = _aat_table()["labels"].get(iri[len(AAT_NS) :])
    return label


class Vocabularies:
    """Resolves (scheme, term) to a Concept for one mapping; results are cached per source."""

    def __init__(self, tables: Mapping[str, Mapping[str, str]]) -> None:
        self._tables = {
            scheme: {
                clean_text(term).casefold(): expand_curie(target) for term, target in table.items()
            }
            for scheme, table in tables.items()
        }
        self._cache: dict[tuple[str, str, str], Concept] = {}

    def concept(
        self, scheme: str, term: object, minter: Minter, language: str | None = None
    ) -> Concept:
        text = clean_text(str(term))
        key = (minter.source, scheme, text)
        found = self._cache.get(key)
        if found is None:
            found = self._resolve(scheme, text, minter, language)
            self._cache[key] = found
        return found

    def _resolve(self, scheme: str, text: str, minter: Minter, language: str | None) -> Concept:
        meta = SCHEME_CLASS.get(scheme, (CRM.E55_Type, None))[1]
        folded = text.casefold()
        target = self._tables.get(scheme, {}).get(folded)
        if target is None:
            number = _aat_table()["terms"].get(scheme, {}).get(folded)
            if number is not None:
                target = AAT_NS + number
        if target is not None:
            return Concept(NamedNode(target), meta=meta)
        return Concept(
            minter.concept(scheme.replace("_", "-"), text),
            text,
            language,
            meta,
            local_scheme=scheme,
        )


STATEMENT_TYPES = (
    AAT.MATERIAL_STATEMENT,
    AAT.DIMENSION_STATEMENT,
    AAT.DESCRIPTION,
    AAT.CREDIT_LINE,
    AAT.RIGHTS_STATEMENT,
    AAT.PROVENANCE_STATEMENT,
    AAT.INSCRIPTION,
)
_SCHEME_CLASSES = {"material": CRM.E57_Material, "unit": CRM.E58_Measurement_Unit}


def vocabulary_quads(graph: NamedNode) -> list[Quad]:
    """What Museion knows of the AAT concepts it uses: class, English label, and what kind of
    type each is (a statement type is a "brief text", an object type a "type of work")."""
    table = _aat_table()
    quads: list[Quad] = []
    classes: dict[str, NamedNode] = {}
    metas: dict[str, NamedNode] = {}
    for scheme, terms in table["terms"].items():
        for number in terms.values():
            if scheme in _SCHEME_CLASSES:
                classes[number] = _SCHEME_CLASSES[scheme]
            meta = SCHEME_CLASS.get(scheme, (CRM.E55_Type, None))[1]
            if meta is not None:
                metas[number] = meta
    for kind in STATEMENT_TYPES:
        metas[kind.value[len(AAT_NS) :]] = AAT.BRIEF_TEXT
    for number, label in table["labels"].items():
        concept = NamedNode(AAT_NS + number)
        quads.append(Quad(concept, RDF.type, classes.get(number, CRM.E55_Type), graph))
        quads.append(Quad(concept, RDFS.label, Literal(label, language="en"), graph))
        if number in metas:
            quads.append(Quad(concept, CRM.P2_has_type, metas[number], graph))
    return quads
