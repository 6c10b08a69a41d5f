"""Every class and property Museion emits exists in CIDOC-CRM 7.1.3 or the Linked Art context,
and every AAT concept it names exists in the Linked Art vocabulary tables."""

from __future__ import annotations

import json
from functools import cache

import pytest
from lxml import etree
from pyoxigraph import NamedNode

from museion_core import vocab
from museion_core.vocab import AAT, CRM, CRM_NS, DIG, DIG_NS, LA, LA_NS, RDF
from tests.conftest import DATA
from tests.helpers.samples import linked_art_context
from tests.mappings.test_golden_mappings import CASES, map_case

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@cache
def crm_terms() -> frozenset[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.parse(str(DATA / "vocab" / "CIDOC_CRM_v7.1.3.rdf"), parser)
    about = tree.getroot().xpath("//@rdf:about", namespaces={"rdf": RDF_NS})
    assert isinstance(about, list)
    return frozenset(CRM_NS + str(a).removeprefix(CRM_NS) for a in about)


@cache
def linked_art_terms() -> frozenset[str]:
    context = linked_art_context()["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.startswith("http")}
    found: set[str] = set()

    def walk(node: dict[str, object]) -> None:
        for value in node.values():
            if isinstance(value, dict):
                term = value.get("@id")
                if isinstance(term, str) and ":" in term:
                    prefix, local = term.split(":", 1)
                    found.add(prefixes.get(prefix, prefix + ":") + local)
                inner = value.get("@context")
                if isinstance(inner, dict):
                    walk(inner)

    walk(context)
    return frozenset(found)


@cache
def aat_numbers() -> frozenset[str]:
    numbers = {
        k.removeprefix("aat:") for k in json.loads((DATA / "vocab" / "aat_labels.json").read_text())
    }
    for name in ("cromulent_vocab_classes.json", "cromulent_vocab_instances.json"):
        numbers |= {v["id"] for v in json.loads((DATA / "vocab" / name).read_text()).values()}
    return frozenset(numbers)


def _constants(cls: type) -> list[NamedNode]:
    return [v for k, v in vars(cls).items() if not k.startswith("_") and isinstance(v, NamedNode)]


def known_term(iri: str) -> bool:
    return iri in crm_terms() or iri in linked_art_terms()


@pytest.mark.parametrize("term", [*_constants(CRM), *_constants(LA), *_constants(DIG)], ids=str)
def test_closed_vocabulary_terms_exist(term: NamedNode) -> None:
    assert known_term(term.value), f"{term.value} is in neither CIDOC-CRM 7.1.3 nor Linked Art"


@pytest.mark.parametrize("term", _constants(AAT), ids=str)
def test_aat_constants_exist(term: NamedNode) -> None:
    assert term.value.removeprefix(vocab.AAT_NS) in aat_numbers()


def test_every_class_and_property_the_mappings_emit_exists() -> None:
    unknown: set[str] = set()
    for case in CASES:
        for quad in map_case(case):
            terms = [quad.predicate.value]
            if quad.predicate == RDF.type and isinstance(quad.object, NamedNode):
                terms.append(quad.object.value)
            for term in terms:
                if term.startswith((CRM_NS, LA_NS, DIG_NS)) and not known_term(term):
                    unknown.add(term)
    assert not unknown, f"emitted terms that do not exist: {sorted(unknown)}"


def test_a_typo_fails_at_once() -> None:
    with pytest.raises(AttributeError):
        _ = CRM.P1_is_identifed_by  # type: ignore[attr-defined]
