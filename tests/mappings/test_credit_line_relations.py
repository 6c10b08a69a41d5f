"""Who a credit line says its donor is to the object: Tate's "Presented by Evelyne Abrahams,
the artist's wife 1986" gave the party Evelyne Abrahams and nothing more (the mapping's phrase
ended at the comma), so that only the object's credit line said she was the artist's wife. The
words now stay with the party, as a statement of it in the partner's words, and no more is
made of them than they say (no family, no link to a maker)."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping
from museion.demo import examples_dir
from museion_core.vocab import AAT, CRM, RDF, RDFS
from tests.conftest import BASE


def _map(source: str, record: Mapping[str, object]) -> list[Quad]:
    local_id = str(record["id"])
    return (
        get_mapping(source)
        .map(
            SourceRecord(source, local_id, json.dumps(record).encode()),
            MappingContext(BASE, source),
        )
        .quads
    )


def _tate(local_id: str, credit: str) -> list[Quad]:
    return _map("tate", {"id": local_id, "acno": local_id, "creditLine": credit})


def _v(term: object) -> str:
    return term.value if isinstance(term, NamedNode | Literal) else ""


def _said(quads: list[Quad]) -> dict[str, list[str]]:
    """Each party of the acquisition by its label → the texts of its description statements."""
    froms = [q.object for q in quads if q.predicate == CRM.P23_transferred_title_from]
    described = {
        q.subject for q in quads if q.predicate == CRM.P2_has_type and q.object == AAT.DESCRIPTION
    }
    found: dict[str, list[str]] = {}
    for party in froms:
        label = next(
            _v(q.object) for q in quads if q.subject == party and q.predicate == RDFS.label
        )
        found[label] = sorted(
            _v(c.object)
            for s in quads
            if s.subject == party
            and s.predicate == CRM.P67i_is_referred_to_by
            and s.object in described
            for c in quads
            if c.subject == s.object and c.predicate == CRM.P190_has_symbolic_content
        )
    return found


def _texts(quads: list[Quad]) -> set[str]:
    return {q.object.value for q in quads if isinstance(q.object, Literal)}


@pytest.mark.parametrize(
    ("credit", "name", "relation"),
    [
        (
            "Presented by Evelyne Abrahams, the artist's wife 1986",
            "Evelyne Abrahams",
            "the artist's wife",
        ),
        (
            "Presented by Mme Roberta Gonzalez-Richard, the artist's niece 1972",
            "Mme Roberta Gonzalez-Richard",
            "the artist's niece",
        ),
        ("Presented by Mary Smith, the artist's widow 1950", "Mary Smith", "the artist's widow"),
        ("Presented by John Smith, the artist's son 1960", "John Smith", "the artist's son"),
        (
            "Presented by Jane Smith, the artist's daughter 1960",
            "Jane Smith",
            "the artist's daughter",
        ),
        ("Bequeathed by Tom Smith, the artist's brother 1961", "Tom Smith", "the artist's brother"),
        ("Presented by Ann Smith, the artist's sister 1962", "Ann Smith", "the artist's sister"),
        (
            "Presented by Paul Smith, the artist’s husband 1963",
            "Paul Smith",
            "the artist’s husband",
        ),
        ("Presented by Ian Smith, the artist's nephew, 1964", "Ian Smith", "the artist's nephew"),
        (
            "Presented by the Smith Trust, the artist's family 1965",
            "the Smith Trust",
            "the artist's family",
        ),
        (
            "Presented by Smith & Co., the artist's executors 1966",
            "Smith & Co.",
            "the artist's executors",
        ),
        (
            "Presented by the Smith Foundation, the artist's estate 2011",
            "the Smith Foundation",
            "the artist's estate",
        ),
        (
            "Presented by Ruth Smith, the artist's wife, through the Art Fund 1975",
            "Ruth Smith",
            "the artist's wife",
        ),
    ],
)
def test_tates_donor_keeps_who_they_are_to_the_artist(
    credit: str, name: str, relation: str
) -> None:
    """The donor is the party named (minted from the name, as any donor), and the words after
    the comma are its description, as Tate wrote them."""
    quads = _tate("T01", credit)
    assert _said(quads) == {name: [relation]}
    assert credit in _texts(quads)  # the credit line stays whole


def test_the_same_donor_so_described_on_two_gifts_is_one_statement() -> None:
    """Evelyne Abrahams gave P11191 and another work: one node for her and for the words."""
    first = _tate("P01", "Presented by Evelyne Abrahams, the artist's wife 1986")
    second = _tate("P02", "Presented by Evelyne Abrahams, the artist's wife 1990")
    person = NamedNode(f"{BASE}tate/person/name-evelyne-abrahams")

    def statements(quads: list[Quad]) -> set[str]:
        return {
            _v(q.object)
            for q in quads
            if q.subject == person and q.predicate == CRM.P67i_is_referred_to_by
        }

    assert statements(first) == statements(second)
    assert len(statements(first)) == 1
    [node] = statements(first)
    assert node.startswith(f"{person.value}/statement/")


def test_the_demos_donor_is_the_artists_wife() -> None:
    """The real record: "Presented by Evelyne Abrahams, the artist's wife 1986"."""
    path = examples_dir() / "tate" / "artworks" / "p11191-419.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    quads = _map("tate", record)
    assert _said(quads) == {"Evelyne Abrahams": ["the artist's wife"]}
    person = NamedNode(f"{BASE}tate/person/name-evelyne-abrahams")
    assert (person, CRM.E21_Person) in {
        (q.subject, q.object) for q in quads if q.predicate == RDF.type
    }


@pytest.mark.parametrize(
    "credit",
    [
        "Presented by the artist's widow 1888",  # said relative to the object: no name
        "Presented by Mrs John Richmond 1922",
        "Presented by Mrs John Richmond, Lady Richmond 1922",  # not said of the artist
    ],
)
def test_a_donor_said_of_no_one_has_no_such_statement(credit: str) -> None:
    assert all(not said for said in _said(_tate("T01", credit)).values())


def test_cmoas_donor_keeps_who_they_are_to_the_artist() -> None:
    """The same words after CMOA's comma, read with its commas: "grandson of the artist"."""
    quads = _map("cmoa", {"id": "c-1", "credit_line": "Gift of Jane Doe, the artist's widow"})
    assert _said(quads) == {"Jane Doe": ["the artist's widow"]}
    credit = "Gift of Dana Robineau Kelley, grandson of the artist"
    quads = _map("cmoa", {"id": "c-2", "credit_line": credit})
    assert _said(quads) == {"Dana Robineau Kelley": ["grandson of the artist"]}


def _members(quads: list[Quad]) -> set[tuple[str, str]]:
    return {
        (_v(q.subject), _v(q.object))
        for q in quads
        if q.predicate == CRM.P107i_is_current_or_former_member_of
    }


@pytest.mark.parametrize(
    ("credit", "name", "relation", "family"),
    [
        (
            "Gift of Dana Robineau Kelley, grandson of the artist, and family",
            "Dana Robineau Kelley",
            "grandson of the artist",
            "Dana Robineau Kelley and family",
        ),
        (
            "Gift of Jane Doe, the artist's widow, and her family",
            "Jane Doe",
            "the artist's widow",
            "Jane Doe and her family",
        ),
    ],
)
def test_cmoas_donor_before_and_family_keeps_who_they_are(
    credit: str, name: str, relation: str, family: str
) -> None:
    """ "Dana Robineau Kelley, grandson of the artist, and family": the words were the credit
    line's alone, as they were before 78a61c9 for "Gift of Dana Robineau Kelley, grandson of the
    artist", because "and family" came after them. They are his, not the family's, and the
    family is still a group with him its member."""
    quads = _map("cmoa", {"id": "c-1", "credit_line": credit})
    assert _said(quads) == {name: [relation], family: []}
    person = f"{BASE}cmoa/person/name-{name.lower().replace(' ', '-')}"
    group = f"{BASE}cmoa/group/name-{family.lower().replace(' ', '-')}"
    assert _members(quads) == {(person, group)}
    assert credit in _texts(quads)


def test_a_donor_so_described_with_or_without_family_is_one_statement() -> None:
    """Kelley's gifts with and without "and family" say the same of him: one statement."""
    person = NamedNode(f"{BASE}cmoa/person/name-dana-robineau-kelley")

    def statements(credit: str) -> set[str]:
        quads = _map("cmoa", {"id": "c-1", "credit_line": credit})
        return {
            _v(q.object)
            for q in quads
            if q.subject == person and q.predicate == CRM.P67i_is_referred_to_by
        }

    alone = statements("Gift of Dana Robineau Kelley, grandson of the artist")
    assert len(alone) == 1
    assert statements("Gift of Dana Robineau Kelley, grandson of the artist, and family") == alone


def test_the_demos_cmoa_donor_is_the_artists_grandson() -> None:
    """The real record: "Gift of Dana Robineau Kelley, grandson of the artist, and family"."""
    path = examples_dir() / "cmoa" / "71d6669b-5815-43e2-a167-ebff457bd64f.json"
    quads = _map("cmoa", json.loads(path.read_text(encoding="utf-8")))
    assert _said(quads) == {
        "Dana Robineau Kelley": ["grandson of the artist"],
        "Dana Robineau Kelley and family": [],
    }


@pytest.mark.parametrize(
    "credit",
    [
        "Presented by Mrs A. Smith, the artist's daughter and Mr B. Smith, the artist's son 1950",
        "Presented by Mrs A. Smith, the artist's daughter and Mr B. Smith 1950",
    ],
)
def test_words_after_the_artists_that_are_no_relation_stay_out_of_the_name(credit: str) -> None:
    """More words after "the artist's" than ``provenance._SAID_OF`` reads as who the donor is
    (here a second donor) are no description: the donor's name still ends at the comma, as it
    did before the description was read, not "Mrs A. Smith, the artist's daughter and Mr B.
    Smith", a party whose name says the artist's daughter."""
    quads = _tate("T01", credit)
    assert list(_said(quads)) == ["Mrs A. Smith"]
    assert credit in _texts(quads)  # the credit line, with both donors, stays whole
