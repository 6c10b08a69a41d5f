"""Which maker a credit line's "the artist" is, on an object with several.

"Gift of the artist" was the maker's gift only when the production had exactly one maker; with
two it named no party at all (the credit line alone kept the words), and CMOA's "Gift of the
Artists" on a glass by its two makers made a third person, "the Artists". The record now says
which maker when it can tell (the one person among a studio's makers, the maker the credit line
names, all the makers for "the Artists"), and when it cannot, the words stay a party of the
acquisition linked to no maker, with a warning to the partner: never a guess."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode

from harvesters import SourceRecord
from mappings import MappingContext, MappingResult, get_mapping
from museion.demo import examples_dir
from museion_core import messages
from museion_core.vocab import CRM, RDF, RDFS
from tests.conftest import BASE

HIRSCH = {"artist_id": "cmoa:parties/hirsch", "full_name": "Richard Hirsch", "party_type": "Person"}
ROGERS = {"artist_id": "cmoa:parties/rogers", "full_name": "Michael Rogers", "party_type": "Person"}
STUDIOS = {
    "artist_id": "cmoa:parties/studios",
    "full_name": "Tiffany Studios",
    "party_type": "Organization",
}
GLASSWORKS = {**STUDIOS, "artist_id": "cmoa:parties/glass", "full_name": "Corning Glass Works"}


def _map(record: Mapping[str, Any]) -> MappingResult:
    return get_mapping("cmoa").map(
        SourceRecord("cmoa", str(record["id"]), json.dumps(record).encode()),
        MappingContext(BASE, "cmoa"),
    )


def _froms(result: MappingResult) -> list[str]:
    return sorted(
        q.object.value
        for q in result.quads
        if q.predicate == CRM.P23_transferred_title_from and isinstance(q.object, NamedNode)
    )


def _described(result: MappingResult, iri: str) -> tuple[str, str]:
    """The node's label and class."""
    node = NamedNode(iri)
    label = next(q.object for q in result.quads if q.subject == node and q.predicate == RDFS.label)
    kind = next(q.object for q in result.quads if q.subject == node and q.predicate == RDF.type)
    assert isinstance(label, Literal)
    assert isinstance(kind, NamedNode)
    return label.value, kind.value


def _record(credit: str, *makers: dict[str, str]) -> dict[str, Any]:
    return {"id": "t-1", "credit_line": credit, "creator": list(makers)}


def _untold(result: MappingResult) -> list[str]:
    return [w for w in result.warnings if messages.MAKER_NOT_TOLD.pattern().fullmatch(w)]


def test_cmoas_gift_of_the_artists_is_from_its_two_makers() -> None:
    """The real record: a glass by Richard Hirsch and Michael Rogers, "Gift of the Artists"."""
    path = examples_dir() / "cmoa" / "1daa83bd-583b-472c-82b9-03b77a4f0b41.json"
    result = _map(json.loads(path.read_text(encoding="utf-8")))
    assert _froms(result) == [
        f"{BASE}cmoa/person/5a079027-1f92-4b4f-b940-6d665c37ecc0",  # Richard Hirsch
        f"{BASE}cmoa/person/a4750ec2-b83d-4c0c-86b3-ac693dd937e7",  # Michael Rogers
    ]
    assert not _untold(result)


def test_the_artist_among_a_studio_is_its_one_person() -> None:
    result = _map(_record("Gift of the artist", HIRSCH, STUDIOS))
    assert _froms(result) == [f"{BASE}cmoa/person/hirsch"]


def test_the_artist_the_credit_line_names_is_that_maker() -> None:
    result = _map(_record("Gift of the artist, Michael Rogers", HIRSCH, ROGERS))
    assert _froms(result) == [f"{BASE}cmoa/person/rogers"]


@pytest.mark.parametrize(
    ("makers", "kind"),
    [((HIRSCH, ROGERS), CRM.E21_Person), ((STUDIOS, GLASSWORKS), CRM.E74_Group)],
)
def test_the_artist_the_record_cannot_tell_is_kept_linked_to_no_maker(
    makers: tuple[dict[str, str], ...], kind: NamedNode
) -> None:
    """Two painters, or two firms, and "Gift of the artist": either could be meant. The
    acquisition keeps a party of its own in the credit line's words (of the makers' class),
    no maker is given the gift, and the partner is told."""
    credit = "Gift of the artist"
    result = _map(_record(credit, *makers))
    party = f"{BASE}cmoa/object/t-1/provenance/acquisition/from/1"
    assert _froms(result) == [party]
    assert _described(result, party) == ("the artist", kind.value)
    assert _untold(result) == [messages.MAKER_NOT_TOLD(words="the artist", count=2)]
    texts = {q.object.value for q in result.quads if isinstance(q.object, Literal)}
    assert credit in texts


def test_the_artist_of_an_object_without_maker_is_still_a_party() -> None:
    """No maker: "the artist" named no party, where "the architect" was one."""
    for credit in ("Gift of the artist", "Gift of the architect"):
        result = _map(_record(credit))
        assert _froms(result) == [f"{BASE}cmoa/object/t-1/provenance/acquisition/from/1"]
        assert not _untold(result)


def test_the_artists_of_an_object_by_one_maker_are_not_that_maker() -> None:
    """ "the Artists" and one maker: the record names only one of them; a group of its own."""
    result = _map(_record("Gift of the Artists", HIRSCH))
    party = f"{BASE}cmoa/object/t-1/provenance/acquisition/from/1"
    assert _froms(result) == [party]
    assert _described(result, party) == ("the Artists", CRM.E74_Group.value)


def test_the_artist_of_one_maker_is_that_maker() -> None:
    for maker, iri in ((HIRSCH, "person/hirsch"), (STUDIOS, "group/studios")):
        assert _froms(_map(_record("Gift of the artist", maker))) == [f"{BASE}cmoa/{iri}"]


def _tate(local_id: str, credit: str, *makers: tuple[int, str]) -> MappingResult:
    contributors = [{"id": i, "fc": name, "role": "artist"} for i, name in makers]
    record = {"id": local_id, "acno": local_id, "creditLine": credit, "contributors": contributors}
    return get_mapping("tate").map(
        SourceRecord("tate", local_id, json.dumps(record).encode()), MappingContext(BASE, "tate")
    )


def test_the_artist_and_a_named_party_are_the_maker_and_that_party() -> None:
    """Tate's "Presented by the artist and Alan Cristea Gallery" was one party said relative
    to the object, a node of each acquisition labelled with the whole phrase: the gallery, whom
    Tate named, was no party of its own, another node on each of its gifts."""
    gallery = f"{BASE}tate/group/name-alan-cristea-gallery"
    credit = "Presented by the artist and Alan Cristea Gallery 2009\r\n"  # Tate's P79756
    first = _tate("P79756", credit, (955, "Richard Hamilton"))
    assert _froms(first) == [gallery, f"{BASE}tate/person/955"]
    assert _described(first, gallery) == ("Alan Cristea Gallery", CRM.E74_Group.value)
    second = _tate("P1", "Presented by the artist and Alan Cristea Gallery 2005", (7, "Jim Dine"))
    assert _froms(second) == [gallery, f"{BASE}tate/person/7"]
    credit = "Presented by the artist and Charles Booth-Clibborn 1991"  # Tate's P20031
    assert _froms(_tate("P20031", credit, (1481, "Ian McKeever"))) == [
        f"{BASE}tate/person/1481",
        f"{BASE}tate/person/name-charles-booth-clibborn",
    ]
    # "the artist" of no maker stays a node of the acquisition; "family" is no one's name
    assert _froms(_tate("P2", "Presented by the artist and Alan Cristea Gallery 2005")) == [
        gallery,
        f"{BASE}tate/object/P2/provenance/acquisition/from/1",
    ]
    assert _froms(_tate("P3", "Presented by the artist and family 2005", (7, "Jim Dine"))) == [
        f"{BASE}tate/object/P3/provenance/acquisition/from/1"
    ]


@pytest.mark.parametrize(
    ("credit", "named"),
    [
        ("Presented by the artist and Émile Zola 2005", "Émile Zola"),
        ("Presented by the artist and Édition Lelong 2005", "Édition Lelong"),
        ("Presented by the artist and متحف الشارقة للفنون 2005", "متحف الشارقة للفنون"),
    ],
)
def test_a_named_party_beside_the_artist_may_begin_with_any_capital(
    credit: str, named: str
) -> None:
    """Only A to Z counted as a capital: "the artist and Émile Zola" was one party said
    relative to the object, a node of the acquisition, and Émile Zola was no party of it. A
    name that begins with a capital of any script, or with a letter of a script that has
    none, is a party beside the maker, as "Alan Cristea Gallery" is."""
    result = _tate("P9", credit, (7, "Jim Dine"))
    parties = _froms(result)
    assert f"{BASE}tate/person/7" in parties
    assert sorted(_described(result, p)[0] for p in parties if p != f"{BASE}tate/person/7") == [
        named
    ]


def test_the_family_of_the_artist_and_a_named_party_is_one_party() -> None:
    """ "the artist and Alan Cristea Gallery and family": party_names gives the maker's phrase
    and its family, "the artist and Alan Cristea Gallery and family". The family was split as
    the phrase is, which gave "the artist" twice (two nodes of the acquisition and two
    warnings on a work by two makers) and a group "Alan Cristea Gallery and family" minted for
    the whole source. The family is said relative to the object, as "the artist and family"
    is: one node of the acquisition."""
    result = _map(_record("Gift of the artist and Alan Cristea Gallery and family", HIRSCH, ROGERS))
    acquisition = f"{BASE}cmoa/object/t-1/provenance/acquisition"
    described = sorted(_described(result, p)[0] for p in _froms(result))
    assert described == [
        "Alan Cristea Gallery",
        "the artist",
        "the artist and Alan Cristea Gallery and family",
    ]
    assert f"{BASE}cmoa/group/name-alan-cristea-gallery" in _froms(result)
    assert [p for p in _froms(result) if p.startswith(acquisition)] == [
        f"{acquisition}/from/1",
        f"{acquisition}/from/3",
    ]
    assert _untold(result) == [messages.MAKER_NOT_TOLD(words="the artist", count=2)]
