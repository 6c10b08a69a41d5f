"""What the Tate and CMOA mappings must not get wrong (issue 12): every concept a record links
to is described, shared authority IRIs get no partner labels, CMOA's old dates lose the
Julian/Gregorian offset, and a typo year is a warning, not a value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping
from mappings.normalise.dates import bounds
from mappings.terms import aat_labels
from museion_core.vocab import AAT_NS, CRM, RDFS
from tests.conftest import BASE

EXAMPLES = Path(__file__).parents[2] / "museion" / "examples"
SAMPLES = {"tate": "tate/**/*.json", "cmoa": "cmoa/*.json"}


def _v(term: object) -> str:
    """The IRI or lexical form of a term (quads here hold no blank nodes or triples)."""
    return term.value if isinstance(term, NamedNode | Literal) else ""


def _map(source: str, record: dict[str, object]) -> tuple[list[Quad], list[str]]:
    mapping = get_mapping(source)
    local_id = mapping.identify(record)
    result = mapping.map(
        SourceRecord(source, local_id, json.dumps(record).encode()), MappingContext(BASE, source)
    )
    return result.quads, result.warnings


def _sample_quads(source: str) -> list[Quad]:
    quads: list[Quad] = []
    for path in sorted(EXAMPLES.glob(SAMPLES[source])):
        quads += _map(source, json.loads(path.read_bytes()))[0]
    return quads


@pytest.mark.parametrize("source", sorted(SAMPLES))
def test_every_concept_a_record_links_to_has_a_label(source: str) -> None:
    """Tate's subject concepts were linked without any description: 404s on every page."""
    quads = _sample_quads(source)
    labelled = {_v(q.subject) for q in quads if q.predicate == RDFS.label}
    concepts = {
        _v(q.object)
        for q in quads
        if isinstance(q.object, NamedNode) and "/concept/" in _v(q.object)
    }
    assert concepts
    unlabelled = sorted(c for c in concepts if c not in labelled)
    assert not unlabelled, f"{len(unlabelled)} concepts without a label: {unlabelled[:5]}"
    aat = {
        _v(q.object)
        for q in quads
        if isinstance(q.object, NamedNode) and _v(q.object).startswith(AAT_NS)
    }
    assert not [c for c in aat if not aat_labels(c)], "AAT concepts Museion has no label for"


@pytest.mark.parametrize("source", sorted(SAMPLES))
def test_a_partner_never_labels_a_shared_authority_iri(source: str) -> None:
    named = [
        q
        for q in _sample_quads(source)
        if q.predicate in (RDFS.label, CRM.P1_is_identified_by, CRM.P2_has_type)
        and not _v(q.subject).startswith(BASE)
    ]
    assert not named, f"partner statements about authority IRIs: {named[:3]}"


def test_tate_subjects_keep_their_hierarchy_and_depicted_types() -> None:
    record = json.loads((EXAMPLES / "tate/artworks/a00001-1035.json").read_bytes())
    quads, _ = _map("tate", record)
    visual = NamedNode(f"{BASE}tate/object/A00001/visual-content")
    shown = {_v(q.object) for q in quads if q.subject == visual}
    depicted = {
        _v(q.object)
        for q in quads
        if q.subject == visual and q.predicate == CRM.P199_represents_instance_of_type
    }
    assert f"{BASE}tate/concept/subject/195" in depicted  # "man"
    assert f"{BASE}tate/concept/subject/95" not in shown  # "adults" is a broader concept
    broader = {
        (_v(q.subject).rsplit("/", 1)[1], _v(q.object).rsplit("/", 1)[1])
        for q in quads
        if q.predicate.value.endswith("#broader")
    }
    assert {("195", "95"), ("95", "91")} <= broader


@pytest.mark.parametrize(
    ("stored", "meant"),
    [
        ("1569-12-22", 1570),  # 1 January 1570, Gregorian, written in Julian dating
        ("1494-12-23", 1495),
        ("1399-12-24", 1400),
        ("0799-12-28", 800),
    ],
)
def test_cmoa_julian_offset_years_are_their_year(stored: str, meant: int) -> None:
    assert bounds(stored, "january-1") == (
        f"{meant:04d}-01-01T00:00:00Z",
        f"{meant:04d}-12-31T23:59:59Z",
    )


@pytest.mark.parametrize("stored", ["1569-12-21", "1583-12-22", "1947-12-22"])
def test_other_late_december_days_stay_days(stored: str) -> None:
    assert bounds(stored, "january-1") == (f"{stored}T00:00:00Z", f"{stored}T23:59:59Z")
    assert bounds("1569-12-22") == ("1569-12-22T00:00:00Z", "1569-12-22T23:59:59Z")


def _cmoa_record(**dates: str) -> dict[str, object]:
    return {
        "id": "cmoa:things/test",
        "title": "Test",
        "creation_date": dates.get("text", "1959"),
        "creation_date_earliest": dates.get("earliest", "1959-01-01"),
        "creation_date_latest": dates.get("latest", "1959-01-01"),
    }


def _production_span(quads: list[Quad]) -> tuple[str, str]:
    span = f"{BASE}cmoa/object/test/production/timespan"
    values = {
        q.predicate.value.rsplit("_", 1)[-1]: _v(q.object)
        for q in quads
        if _v(q.subject) == span and isinstance(q.object, Literal)
    }
    return values["begin"], values["end"]


def test_a_typo_year_is_a_warning_not_a_value() -> None:
    quads, warnings = _map("cmoa", _cmoa_record(earliest="71959-01-01"))
    assert any("71959" in w and "impossible year" in w for w in warnings)
    assert _production_span(quads) == ("1959-01-01T00:00:00Z", "1959-12-31T23:59:59Z")
    assert not any("71959" in _v(q.object) for q in quads if isinstance(q.object, Literal))


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "span"),
    [
        # CMOA's own objects: the Han dynasty, and a Luristan bronze
        ("Han Dynasty, 202 BCE-220 CE", "-0202-01-05", "0220-01-01", ("-0201", "0220")),
        ("c. 1000 BCE", "-1050-01-11", "-0950-01-10", ("-1049", "-0949")),
    ],
)
def test_cmoa_years_before_christ_are_the_years_its_text_says(
    text: str, earliest: str, latest: str, span: tuple[str, str]
) -> None:
    """CMOA writes "202 BCE" as -0202 (and its 1 January in Julian dating, as for years before
    the reform): published as it was, -0202 is 203 BCE in XSD 1.1, a year off what the text
    and other partners say. The mapping counts its negative years as people write them."""
    quads, warnings = _map("cmoa", _cmoa_record(text=text, earliest=earliest, latest=latest))
    assert _production_span(quads) == (
        f"{span[0]}-01-01T00:00:00Z",
        f"{span[1]}-12-31T23:59:59Z",
    )
    assert warnings == []


@pytest.mark.parametrize(
    ("value", "bc", "year"),
    [("-0044", False, -44), ("-0044", True, -43), (-44, True, -43), ("-0001-06-01", True, 0)],
)
def test_negative_years_as_people_write_them(value: str | int, bc: bool, year: int) -> None:
    found = bounds(value, bc=bc)
    assert found is not None
    assert found[0].startswith(f"{'-' if year < 0 else ''}{abs(year):04d}-")


def test_each_spelling_of_a_shared_name_is_a_name_of_its_own() -> None:
    """Two CMOA records name one birthplace "Pittsburgh PA" and "Pittsburgh, PA": one place
    (the key folds the comma), whose one name node then held both spellings as its content,
    which a Linked Art name may not. Each spelling is now a name of the place."""
    quads: list[Quad] = []
    for n, spelling in enumerate(["Pittsburgh PA", "Pittsburgh, PA", "Pittsburgh PA"]):
        creator = {
            "artist_id": "cmoa:parties/p1",
            "full_name": "A. Painter",
            "birth_place": spelling,
        }
        quads += _map("cmoa", {"id": f"cmoa:things/{n}", "title": "T", "creator": [creator]})[0]
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    places = {t[0] for t in triples if t[2] == CRM.E53_Place}
    assert len(places) == 1
    [place] = places
    names = {t[2] for t in triples if t[0] == place and t[1] == CRM.P1_is_identified_by}
    contents = {
        n: {_v(t[2]) for t in triples if t[0] == n and t[1] == CRM.P190_has_symbolic_content}
        for n in names
    }
    assert sorted(map(sorted, contents.values())) == [["Pittsburgh PA"], ["Pittsburgh, PA"]]


def test_a_month_stored_as_its_first_day_spans_the_month() -> None:
    record = _cmoa_record(text="August 1947", earliest="1947-08-01", latest="1947-08-01")
    quads, _ = _map("cmoa", record)
    assert _production_span(quads) == ("1947-08-01T00:00:00Z", "1947-08-31T23:59:59Z")


def test_a_partner_s_own_mapping_is_a_new_version_when_the_engine_writes_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's output changed (a name node per spelling) while a partner's mapping file
    and Museion's release did not: its records kept the old name nodes until they changed,
    and a shared person then had each name twice. The engine's output version is part of
    every mapping's version, so every record is mapped again."""
    from mappings.declarative import engine

    path = tmp_path / "m.toml"
    path.write_text('[mapping]\nname = "m"\n[object]\nid = "id"\n', encoding="utf-8")
    before = engine.load_mapping_file(path).version
    monkeypatch.setattr(engine, "OUTPUT", "999")
    assert engine.load_mapping_file(path).version != before


def test_a_mapping_is_a_new_version_when_museions_subject_labels_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A subject's French and Arabic labels come from ``mappings/data/subjects.toml``: when
    it changes, the records that use a subject must be mapped again to carry them."""
    from mappings.declarative import engine

    path = tmp_path / "m.toml"
    path.write_text('[mapping]\nname = "m"\n[object]\nid = "id"\n', encoding="utf-8")
    before = engine.load_mapping_file(path).version
    monkeypatch.setattr(engine, "subject_labels_digest", lambda: "another")
    assert engine.load_mapping_file(path).version != before


def _parties(quads: list[Quad]) -> list[str]:
    return [_v(q.object) for q in quads if q.predicate == CRM.P23_transferred_title_from]


def test_an_acquisition_from_an_actor_the_record_names_is_from_that_actor() -> None:
    """A credit line "Gift of Mel Bochner" on a work by Mel Bochner made a second Mel
    Bochner, a node of the acquisition's own beside ``cmoa/person/…``: 17 CMOA demo parties
    were so doubled in their own record. Each party a record names is one node (its name
    compared as ``label_key`` compares it); a name two of its actors share stays apart."""
    labels: dict[str, set[str]] = {}
    for q in (q for q in _sample_quads("cmoa") if q.predicate == RDFS.label):
        labels.setdefault(_v(q.object).casefold(), set()).add(_v(q.subject))
    doubled = [
        label
        for label, nodes in labels.items()
        if any("/name-" in n for n in nodes)
        and any(
            n.startswith((f"{BASE}cmoa/person/", f"{BASE}cmoa/group/")) and "/name-" not in n
            for n in nodes
        )
    ]
    # Nathan Cantor alone remains: a maker of one record, a donor named in another
    assert doubled == ["nathan cantor"]
    maker = {"artist_id": "cmoa:parties/1", "full_name": "Mel Bochner", "party_type": "Person"}
    record: dict[str, object] = {
        "id": "m-1",
        "title": "Counting",
        "creator": [maker],
        "credit_line": "Gift of MEL BOCHNER.",
    }
    assert _parties(_map("cmoa", record)[0]) == [f"{BASE}cmoa/person/1"]
    namesake = {**maker, "artist_id": "cmoa:parties/2"}
    quads = _map("cmoa", {**record, "creator": [maker, namesake]})[0]
    assert _parties(quads) == [f"{BASE}cmoa/person/name-mel-bochner"]
