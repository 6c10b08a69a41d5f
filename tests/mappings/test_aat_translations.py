"""Museion's AAT table names the kinds of work, materials and techniques partners use in the
languages of the pages: an Arabic page said "etching (printing process)" in English for the
French lender's "eau-forte", since the table had no Arabic label for AAT's etching."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping
from museion.demo import examples_dir
from museion_core.vocab import AAT_NS, CRM, RDFS
from tests.conftest import BASE
from tests.helpers.samples import LIDO

TABLE = json.loads(
    (Path(__file__).parents[2] / "mappings" / "data" / "aat.json").read_text(encoding="utf-8")
)
CASES = Path(__file__).parents[1] / "data" / "mappings"
NAMED = (CRM.P2_has_type, CRM.P45_consists_of, CRM.P32_used_general_technique)
SCHEMES = ("object_type", "material", "technique")

UNTRANSLATED: dict[str, str] = {}
"""Concepts the samples use that keep their English label on an Arabic page, and why."""


def _mapped(mapping: str, source: str, paths: list[Path]) -> Iterator[str]:
    for path in paths:
        media = "application/xml" if path.suffix == ".xml" else "application/json"
        record = SourceRecord(source, path.stem, path.read_bytes(), media)
        for quad in get_mapping(mapping).map(record, MappingContext(BASE, source)).quads:
            if quad.predicate in NAMED and isinstance(quad.object, NamedNode):
                yield quad.object.value


@cache
def used() -> frozenset[str]:
    """The AAT numbers the golden cases and the demo's feeds name as a kind of work, a
    material or a technique."""
    found = set()
    for case in CASES.glob("*/expected.nq"):
        found |= set(re.findall(r"<http://vocab\.getty\.edu/aat/(\d+)>", case.read_text("utf-8")))
    feeds = [
        ("tate", sorted((examples_dir() / "tate" / "artworks").glob("*.json"))),
        ("cmoa", sorted((examples_dir() / "cmoa").glob("*.json"))),
        ("lido", sorted(LIDO.glob("ddb_*.xml"))),
    ]
    for mapping, paths in feeds:
        iris = _mapped(mapping, mapping, paths)
        found |= {iri[len(AAT_NS) :] for iri in iris if iri.startswith(AAT_NS)}
    return frozenset(found)


def _in_schemes(number: str) -> bool:
    return any(number in TABLE["terms"][scheme].values() for scheme in SCHEMES)


def test_the_kinds_materials_and_techniques_the_samples_use_are_named_in_fr_and_ar() -> None:
    """A concept the table has only a German label for (a DDB record's "Palisander") is left
    out: without AAT's English label, no one here can check what it is."""
    named = {n for n in used() if _in_schemes(n) and "en" in TABLE["labels"].get(n, {})}
    assert len(named) > 40
    missing = {
        n: TABLE["labels"][n]["en"]
        for n in sorted(named - set(UNTRANSLATED))
        if not {"fr", "ar"} <= set(TABLE["labels"][n])
    }
    assert missing == {}


def test_a_concept_left_untranslated_is_still_used() -> None:
    assert set(UNTRANSLATED) <= used()


def _lenders_english_kinds() -> set[str]:
    """The English labels of the demo's lenders' own kinds of work and materials: local terms
    (no AAT concept), which the pages show as written unless their table of lenders' terms
    (``sparql/data/i18n/terms.toml``) has the reader's words for them."""
    found = set()
    for mapping, folder in (("tate", "tate/artworks"), ("cmoa", "cmoa")):
        for path in sorted((examples_dir() / folder).glob("*.json")):
            record = SourceRecord(mapping, path.stem, path.read_bytes(), "application/json")
            quads = get_mapping(mapping).map(record, MappingContext(BASE, mapping)).quads
            works = f"{BASE}{mapping}/object/"
            local = {
                q.object.value
                for q in quads
                if q.predicate in NAMED[:2]
                and isinstance(q.subject, NamedNode)
                and q.subject.value.startswith(works)
                and "/" not in q.subject.value[len(works) :]  # the work, not its parts
                and isinstance(q.object, NamedNode)
                and not q.object.value.startswith(AAT_NS)
            }
            found |= {
                q.object.value
                for q in quads
                if isinstance(q.subject, NamedNode)
                and q.subject.value in local
                and q.predicate == RDFS.label
                and isinstance(q.object, Literal)
                and q.object.language in (None, "en")
            }
    return found


def test_the_lenders_own_english_kinds_and_materials_have_the_pages_words() -> None:
    """CMOA's "costume", "crèches" and "films" were listed in English among an Arabic search
    page's kinds of work, beside the AAT types in Arabic."""
    from sparql.lender_terms import lender_term

    kinds = _lenders_english_kinds()
    assert {"on paper, unique", "costume"} <= kinds
    missing = sorted(k for k in kinds if not (lender_term(k, "fr") and lender_term(k, "ar")))
    assert missing == []


@pytest.mark.parametrize(
    ("term", "number", "french"),
    [
        ("tapis", "300185756", "tapis"),  # AAT's French for carpets
        ("Carpets", "300185756", "tapis"),
        ("affiches", "300027221", "affiche"),  # AAT's French for posters, shown singular
        ("poster", "300027221", "affiche"),
    ],
)
def test_carpets_and_posters_are_aat_concepts_with_french_labels(
    term: str, number: str, french: str
) -> None:
    """A French lender's "tapis" stayed a local term, named in English nowhere and in French
    only by the lender: the table had neither carpets nor posters."""
    from mappings.terms import aat_concept

    assert aat_concept("object_type", term) == AAT_NS + number
    labels = TABLE["labels"][number]
    assert labels["fr"] == french
    assert labels["ar"]
