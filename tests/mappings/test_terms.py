"""Vocabulary matching: terms to AAT whatever their number, spelling, qualifier or language;
known terms found in free-text statements; mapping overrides win; unknown terms stay local."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from mappings.iris import Minter
from mappings.terms import (
    Vocabularies,
    aat_label,
    aat_labels,
    match_key,
    subject_labels,
    vocabulary_quads,
)
from museion_core.vocab import AAT_NS, RDFS
from tests.conftest import BASE

MINTER = Minter(BASE, "test")
TABLE = Path(__file__).parents[2] / "mappings" / "data" / "aat.json"


def aat(number: str) -> str:
    return AAT_NS + number


@pytest.mark.parametrize(
    ("term", "key"),
    [
        ("Watercolours", "watercolor"),
        ("watercolor (paint)", "watercolor"),
        ("paper (fiber product)", "paper"),
        ("Gelatin silver prints", "gelatin silver print"),
        ("gelatine-silver print", "gelatin silver print"),
        ("Glasses", "glass"),
        ("canvas", "canvas"),
        ("brass", "brass"),
        ("batteries", "battery"),
        ("Ölfarbe", "ölfarbe"),
    ],
)
def test_match_keys(term: str, key: str) -> None:
    assert match_key(term) == key


@pytest.mark.parametrize(
    ("scheme", "term", "number"),
    [
        ("material", "Watercolour", "300015045"),
        ("material", "watercolors", "300015045"),
        ("material", "paper (fiber product)", "300014109"),
        ("material", "Papier", "300014109"),
        ("material", "toile", "300014078"),
        ("material", "Öl", "300015050"),
        ("material", "bronze", "300010957"),
        ("object_type", "Paintings", "300033618"),
        ("object_type", "Gemälde", "300033618"),
        ("object_type", "estampe", "300041273"),
        ("object_type", "Druckgrafik", "300041273"),  # harvested from a DDB LIDO record
        ("object_type", "Ceramics", "300151343"),
        ("object_type", "reliefs", "300047230"),
        # the curated table's choice, not Linked Art's class (300265483, illuminated ones)
        ("object_type", "manuscript", "300028569"),
        # Arabic, with or without its vowel marks and article
        ("object_type", "مَخْطُوطَة", "300028569"),
        ("material", "الحبر", "300015012"),
        ("material", "ورق", "300014109"),
        ("technique", "Radierung", "300053241"),
        ("technique", "lithograph", "300053271"),
        ("role", "artist", "300025103"),
        ("role", "Maler", "300025136"),
        ("role", "possibly by", "300435722"),
        ("part_type", "frame", "300404391"),
        ("part_type", "Rahmen", "300404391"),
        # how a work was acquired, as registrars write it in four languages
        ("acquisition_method", "Achat", "300077989"),
        ("acquisition_method", "Ankauf", "300077989"),
        ("acquisition_method", "شراء", "300077989"),
        ("acquisition_method", "purchased", "300077989"),
        ("acquisition_method", "Don", "300417637"),
        ("acquisition_method", "Schenkung", "300417637"),
        ("acquisition_method", "هبة", "300417637"),
        ("acquisition_method", "donation", "300417637"),
        ("object_type", "gravure", "300041273"),  # the print (as a technique: any print's)
        ("technique", "gravure au burin", "300053225"),
        ("technique", "gravure sur bois", "300053296"),
    ],
)
def test_terms_match_aat(scheme: str, term: str, number: str) -> None:
    assert Vocabularies({}).target(scheme, term) == aat(number)


def test_an_acquisition_method_the_tables_lack_stays_the_partner_s_term() -> None:
    vocab = Vocabularies({})
    assert vocab.target("acquisition_method", "Legs") is None  # bequest: not in the tables
    assert aat_label(aat("300077989"), "fr") == "achat"
    assert aat_label(aat("300417637"), "ar") == "هبة"


def test_the_scheme_decides() -> None:
    vocab = Vocabularies({})
    assert vocab.target("material", "watercolour") == aat("300015045")  # the paint
    assert vocab.target("object_type", "watercolour") == aat("300078925")  # the painting
    assert vocab.target("object_type", "paper") is None


def test_a_mapping_table_wins_and_keeps_its_exact_terms() -> None:
    vocab = Vocabularies({"object_type": {"Painting": "aat:300033973", "prints": "aat:300033618"}})
    assert vocab.target("object_type", "painting") == aat("300033973")
    assert vocab.target("object_type", "print") == aat("300033618")
    assert vocab.target("object_type", "sculpture") == aat("300047090")


def test_an_unknown_term_becomes_a_local_term_with_its_label() -> None:
    concept = Vocabularies({}).concept("object_type", "on paper, unique", MINTER, "en")
    assert concept.local_scheme == "object_type"
    assert concept.label == "on paper, unique"
    assert concept.iri.value == f"{BASE}test/concept/object-type/on-paper-unique"


@pytest.mark.parametrize(
    ("statement", "materials"),
    [
        ("Oil paint on canvas", ["300015050", "300014078"]),
        ("Oil on canvas", ["300015050", "300014078"]),
        (
            "Watercolour, ink, chalk and graphite on paper",
            ["300015045", "300015012", "300011727", "300011098", "300014109"],
        ),
        ("gelatin silver print", []),  # a photograph, not silver
        ("Photograph, gelatin silver print on paper", ["300014109"]),
        ("Wood engraving on paper", ["300014109"]),  # the block's wood is not the print's
        ("pencil on tracing paper", ["300410335", "300014109"]),
        ("Irish marble on oak base", ["300011443", "300012264"]),
        ("inkjet print", []),  # "ink" is a word, not a substring
        ("Öl auf Leinwand", ["300015050", "300014078"]),
        ("huile sur toile", ["300015050", "300014078"]),
        ("Aquarell und Tusche auf Papier", ["300015045", "300015012", "300014109"]),
        ("Messing, graviert", ["300010946"]),
        ("", []),
    ],
)
def test_materials_are_found_in_statements(statement: str, materials: list[str]) -> None:
    found = Vocabularies({}).find("material", statement)
    assert [c.iri.value for c in found] == [aat(n) for n in materials]


def test_techniques_are_found_in_statements() -> None:
    vocab = Vocabularies({})
    found = vocab.find("technique", "Etching, drypoint and aquatint on paper")
    assert [c.iri.value for c in found] == [aat("300053241"), aat("300053228")]
    assert [c.iri.value for c in vocab.find("technique", "woodblock print on paper")] == [
        aat("300053296")
    ]


def test_a_mapping_table_takes_part_in_finding() -> None:
    vocab = Vocabularies({"material": {"Japanese paper": "aat:300014109", "gouache": "aat:1"}})
    found = vocab.find("material", "gouache on Japanese paper")
    assert [c.iri.value for c in found] == [aat("1"), aat("300014109")]


def test_labels_in_several_languages() -> None:
    labels = aat_labels(aat("300033618"))
    assert labels["en"] == "paintings (visual works)"
    assert labels["de"] == "Gemälde"
    assert labels["fr"] == "peinture"
    assert aat_label(aat("300033618"), "de") == "Gemälde"
    assert aat_label(aat("300033618"), "ja") == "paintings (visual works)"
    assert aat_label("http://example.org/x") is None


def test_the_vocabulary_graph_has_every_label_with_its_language() -> None:
    from pyoxigraph import Literal, NamedNode

    quads = vocabulary_quads(NamedNode(f"{BASE}vocabulary"))
    labels = {q.object for q in quads if q.subject == NamedNode(aat("300014109"))}
    labels &= {q.object for q in quads if q.predicate == RDFS.label}
    assert Literal("Papier", language="de") in labels
    assert Literal("paper (fiber product)", language="en") in labels


def test_every_number_in_the_table_comes_from_a_source() -> None:
    """The curation only adds schemes, spellings and translations to numbers the Linked Art
    tables or the LIDO records have (the build script refuses others); here, the tables'
    numbers must be known to the test fixtures or to the LIDO harvest."""
    from tests.museion_core.test_vocab import aat_numbers

    table = json.loads(TABLE.read_text(encoding="utf-8"))
    lido_only = {
        "300025136",
        "300053241",
        "300041273",
        "300138191",
        "300375333",
        "300379868",
        "300423195",
        "300005768",
        "300263552",
    }
    # carpets and posters: no source table has them; the curation says where each was checked
    curated = Path(__file__).parents[2] / "scripts" / "aat_curated.toml"
    checked = tomllib.loads(curated.read_text(encoding="utf-8"))["checked"]
    assert all(entry["seen"] for entry in checked.values())
    known = aat_numbers() | lido_only | set(checked)
    unknown = {n for n in table["labels"] if n not in known}
    assert not unknown


@pytest.mark.parametrize(
    ("term", "language", "labels"),
    [
        ("landscape", "en", {"fr": "paysage", "ar": "منظر طبيعي"}),
        ("Landscapes", "en-GB", {"fr": "paysage", "ar": "منظر طبيعي"}),
        ("landscape", None, {"fr": "paysage", "ar": "منظر طبيعي"}),  # language not known
        ("paysage", "fr", {"en": "landscape", "ar": "منظر طبيعي"}),  # a French partner's
        ("paysage", "en", {}),  # "paysage" is no English term
        ("nudes", "en", {"fr": "nus"}),  # no plain Arabic word: the English label stays
        ("a subject no one curated", "en", {}),
    ],
)
def test_museion_labels_the_subjects_partners_use_in_other_languages(
    term: str, language: str | None, labels: dict[str, str]
) -> None:
    assert subject_labels("subject", term, language) == labels
    assert subject_labels("movement", term, language) == {}  # another vocabulary


def test_a_partners_subject_gets_museions_labels_in_other_languages() -> None:
    from pyoxigraph import Literal, NamedNode

    from harvesters import SourceRecord
    from mappings import MappingContext, get_mapping
    from museion.demo import examples_dir

    payload = (examples_dir() / "tate" / "artworks" / "d12316-39684.json").read_bytes()
    result = get_mapping("tate").map(
        SourceRecord("tate", "D12316", payload), MappingContext(BASE, "tate")
    )
    landscape = f"{BASE}tate/concept/subject/71"
    labels = {
        (q.object.value, q.object.language)
        for q in result.quads
        if q.subject == NamedNode(landscape)
        and q.predicate == RDFS.label
        and isinstance(q.object, Literal)
    }
    assert labels == {("landscape", "en"), ("paysage", "fr"), ("منظر طبيعي", "ar")}


GOLD = "300011021"


def test_gold_is_shown_as_or_in_french_but_or_is_no_term() -> None:
    """Gold had no French label: "or" was left out of the curated table because every label
    there is also a term, and "or" is a word of French ("now", "yet") and of English ("oil
    or tempera"). It is a display label alone: French pages say "or", texts never match it."""
    from pyoxigraph import Literal, NamedNode

    from mappings.terms import label_in_language

    assert aat_label(aat(GOLD), "fr") == "or"
    assert label_in_language("gold (metal)", "fr") == "or"  # a search facet's value
    quads = vocabulary_quads(NamedNode(f"{BASE}vocabulary"))
    assert Literal("or", language="fr") in {
        q.object for q in quads if q.subject == NamedNode(aat(GOLD)) and q.predicate == RDFS.label
    }
    vocab = Vocabularies({})
    assert vocab.target("material", "or") is None
    assert vocab.target("material", "Gold") == aat(GOLD)
    for statement in ("Oil or tempera on panel", "Huile sur toile, or il manque le cadre"):
        assert aat(GOLD) not in [c.iri.value for c in vocab.find("material", statement)]
    assert [c.iri.value for c in vocab.find("material", "feuille d'or sur bois")] == [
        aat("300264831"),  # gold leaf, a term of its own
        aat("300011914"),
    ]
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    assert "or" not in {match_key(t) for terms in table["terms"].values() for t in terms}
