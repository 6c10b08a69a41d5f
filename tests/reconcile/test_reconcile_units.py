"""Pure parts of reconciliation: authority IRIs, names, places, pair scores, stable ids."""

from __future__ import annotations

import pytest

from mappings.authorities import authority_scheme, normalise_authority
from reconcile import Entity, score_pair
from reconcile.names import NameMatch, compare_person_names, is_anonymous, parse_person_name
from reconcile.places import compare_places, parse_place
from reconcile.registry import Previous, assign

ULAN = "http://vocab.getty.edu/ulan/500009666"


@pytest.mark.parametrize(
    ("value", "scheme", "expected"),
    [
        ("http://vocab.getty.edu/page/ulan/500009666", None, ULAN),
        ("https://vocab.getty.edu/ulan/500009666", None, ULAN),
        ("http://vocab.getty.edu/ulan/500009666-agent", None, ULAN),
        ("ulan:500009666", None, ULAN),
        ("500009666", "ULAN", ULAN),
        ("500009666", "http://vocab.getty.edu/ulan", ULAN),
        ("https://www.wikidata.org/wiki/Q5593", None, "http://www.wikidata.org/entity/Q5593"),
        ("https://m.wikidata.org/wiki/Q5593", None, "http://www.wikidata.org/entity/Q5593"),
        ("wd:Q5593", None, "http://www.wikidata.org/entity/Q5593"),
        ("https://viaf.org/viaf/89840489/", None, "http://viaf.org/viaf/89840489"),
        ("http://d-nb.info/gnd/118514008", None, "https://d-nb.info/gnd/118514008"),
        ("https://lobid.org/gnd/118514008.json", None, "https://d-nb.info/gnd/118514008"),
        ("4066640-2", "gnd", "https://d-nb.info/gnd/4066640-2"),
        ("http://vocab.getty.edu/page/tgn/7012349", None, "http://vocab.getty.edu/tgn/7012349"),
        ("7012349", "TGN", "http://vocab.getty.edu/tgn/7012349"),
        ("http://vocab.getty.edu/page/aat/300033618", None, "http://vocab.getty.edu/aat/300033618"),
        ("https://www.geonames.org/3172394/naples.html", None, "https://sws.geonames.org/3172394/"),
        ("6548975", "geonames", "https://sws.geonames.org/6548975/"),
        # not an authority reference: left as it is
        (
            "https://www.tate.org.uk/art/artists/pablo-picasso-1767",
            None,
            "https://www.tate.org.uk/art/artists/pablo-picasso-1767",
        ),
        ("12345", None, "12345"),
        ("not-a-number", "ULAN", "not-a-number"),
    ],
)
def test_authority_references_become_entity_iris(
    value: str, scheme: str | None, expected: str
) -> None:
    assert normalise_authority(value, scheme) == expected


def test_authority_scheme() -> None:
    assert authority_scheme(ULAN) == "ulan"
    assert authority_scheme("http://vocab.getty.edu/page/ulan/500009666") is None


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("Pablo Picasso", "Picasso, Pablo", NameMatch.EXACT),
        ("R.B. Kitaj", "Kitaj, R. B.", NameMatch.INITIALS),
        ("Albrecht Dürer", "Durer, Albrecht", NameMatch.EXACT),
        ("Giacomo della Porta", "Della Porta, Giacomo", NameMatch.EXACT),
        ("Sir Edwin Lutyens", "Lutyens, Edwin", NameMatch.EXACT),
        ("Arthur Garfield Dove", "Dove, Arthur G.", NameMatch.COMPATIBLE),
        (
            "Henri Marie Raymond de Toulouse-Lautrec",
            "Toulouse-Lautrec, Henri de",
            NameMatch.COMPATIBLE,
        ),
        ("Ikeda Shûzô", "Shuzo Ikeda", NameMatch.REORDERED),
        ("Kandinsky, Wassily", "Kandinskii, Vasilii", NameMatch.COMPATIBLE),
        ("J. Nash", "Joseph Nash", NameMatch.INITIAL),
        ("Paul Nash", "Joseph Nash", NameMatch.CONFLICT),
        ("William Turner", "Joseph Mallord William Turner", NameMatch.CONFLICT),
        ("Jan van de Velde II", "Jan van de Velde III", NameMatch.CONFLICT),
        # one maker written with and without Arabic vowel marks (two persons before)
        ("مُحَمَّد بن عَلِيّ الحُسَيْنِيّ", "محمد بن علي الحسيني", NameMatch.EXACT),
    ],
)
def test_person_names(a: str, b: str, level: NameMatch) -> None:
    pa, pb = parse_person_name(a), parse_person_name(b)
    assert pa is not None
    assert pb is not None
    assert compare_person_names(pa, pb)[0] == level


@pytest.mark.parametrize(
    "name",
    ["unknown American", "unknown American, PA, Pittsburgh", "Anonymous", "Fotograf unbekannt"],
)
def test_anonymous_names(name: str) -> None:
    assert is_anonymous(name)
    assert parse_person_name(name) is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Málaga, España", "Málaga, Spain", True),
        ("Pittsburgh PA", "USA, Pennsylvania, Pittsburgh", True),
        ("London, United Kingdom", "London (Greater London, England, United Kingdom)", True),
        ("Madrid (Perkins county, Nebraska, United States)", "Madrid, España", False),
        ("Woodstock, Vermont", "Woodstock (Ulster county, New York state, United States)", False),
        ("Hanover", "Hanover (Grafton county, New Hampshire, United States)", False),
    ],
)
def test_places_by_name_within_a_containing_place(a: str, b: str, same: bool) -> None:
    pa, pb = parse_place(a), parse_place(b)
    assert pa is not None
    assert pb is not None
    assert compare_places(pa, pb)[0] is same


def person(source: str, name: str, born: int | None = None, died: int | None = None) -> Entity:
    entity = Entity(f"https://x.org/{source}/person/{name}", source, "person")
    entity.labels, entity.names = [(name, None)], [name]
    entity.birth = (born, born) if born else None
    entity.death = (died, died) if died else None
    return entity


def test_a_name_alone_is_not_enough() -> None:
    score = score_pair(person("a", "John Smith"), person("b", "Smith, John"))
    assert 0.85 < score.value < 0.9
    assert not score.vetoed
    dated = score_pair(person("a", "John Smith", 1900), person("b", "Smith, John", 1900))
    assert dated.value > 0.98


def test_hard_negatives_are_vetoed() -> None:
    assert score_pair(person("a", "Paul Nash", 1889, 1946), person("b", "Joseph Nash", 1808)).vetoed
    assert score_pair(person("a", "John Smith", 1900), person("b", "John Smith", 1950)).vetoed
    assert score_pair(person("a", "unknown Chinese"), person("b", "unknown Chinese")).vetoed
    a, b = person("a", "John Smith", 1900), person("b", "John Smith", 1900)
    a.equivalents, b.equivalents = {ULAN}, {"http://vocab.getty.edu/ulan/500000001"}
    assert "different ULAN records" in (score_pair(a, b).veto or "")


def prev(kind: str, anchor: str, order: int, *members: str) -> Previous:
    return Previous(kind, anchor, order, frozenset(members))


def test_ids_survive_growth_and_a_split_off_member() -> None:
    previous = {"p1": prev("person", "a", 1, "a", "b", "c")}
    grown = assign([("person", ["a", "b", "c", "d"])], previous, {"p1"}, "now")
    assert grown.ids == ["p1"]
    assert not grown.retired
    split = assign([("person", ["a", "b"]), ("person", ["c"])], previous, {"p1"}, "now")
    assert split.ids[0] == "p1"
    assert split.new == [split.ids[1]]
    assert split.lineage == {split.ids[1]: {"p1"}}


def test_an_even_split_keeps_the_id_with_its_anchor() -> None:
    previous = {"p1": prev("person", "b", 1, "a", "b")}
    result = assign([("person", ["a"]), ("person", ["b"])], previous, {"p1"}, "now")
    assert result.ids[1] == "p1"
    assert result.ids[0] != "p1"


def test_a_split_into_small_parts_retires_the_id_with_redirects() -> None:
    previous = {"p1": prev("person", "a", 1, "a", "b", "c")}
    result = assign(
        [("person", ["a"]), ("person", ["b"]), ("person", ["c"])], previous, {"p1"}, "t"
    )
    assert "p1" not in result.ids
    [gone] = result.retired
    assert (gone.id, gone.status, sorted(gone.replaced_by)) == ("p1", "split", sorted(result.ids))


def test_a_merge_keeps_the_older_id_and_redirects_the_other() -> None:
    previous = {"p1": prev("person", "a", 1, "a"), "p2": prev("person", "b", 2, "b")}
    result = assign([("person", ["a", "b"])], previous, {"p1", "p2"}, "t")
    assert result.ids == ["p1"]
    [gone] = result.retired
    assert (gone.id, gone.status, gone.replaced_by) == ("p2", "merged", ("p1",))


def test_gone_and_new_ids_are_never_reused() -> None:
    previous = {"p1": prev("person", "a", 1, "a")}
    result = assign([("person", ["z"])], previous, {"p1"}, "t")
    assert [r.status for r in result.retired] == ["gone"]
    assert result.ids[0] not in {"p1"}
    assert assign([("person", ["z"])], {}, set(), "t").ids == result.ids  # derived from anchor


@pytest.mark.parametrize(
    ("begin", "end", "value"),
    [
        ("1881-10-25T00:00:00Z", "1881-10-25T23:59:59Z", {"date": "1881-10-25T00:00:00Z"}),
        ("1947-08-01T00:00:00Z", "1947-08-31T23:59:59Z", {"str": "1947-08"}),
        ("1881-01-01T00:00:00Z", "1881-12-31T23:59:59Z", {"str": "1881"}),
        ("1495-01-01T00:00:00Z", "1505-12-31T23:59:59Z", {"str": "1495/1505"}),
        ("-0499-01-01T00:00:00Z", "-0499-12-31T23:59:59Z", {"str": "-0499"}),
    ],
)
def test_data_extension_dates_claim_no_more_precision_than_given(
    begin: str, end: str, value: dict[str, str]
) -> None:
    from sparql.reconciliation import date_value

    assert date_value(begin, end) == value


@pytest.mark.parametrize(
    ("query", "name", "kind", "low", "high"),
    [
        # the matcher's rules raise the likeness of words where they see one name
        ("J. Nash", "Joseph Nash", "person", 80, 80),
        ("Wassily Kandinskii", "Wassily Kandinsky", "person", 95, 95),
        ("Altwater & Brother", "Altwater and Brother", "group", 100, 100),
        ("Picasso, Pablo", "Pablo Picasso", "person", 100, 100),
        # a query in the order "Surname Initials" parses with the wrong surname: no penalty
        ("Kitaj R B", "R. B. Kitaj", "person", 100, 100),
        # and cap it where they see two people
        ("Paloma Picasso", "Pablo Picasso", "person", 0, 60),
        ("John Smith Jr.", "John Smith Sr.", "person", 0, 60),
        # a place or a type: the likeness of the words alone
        ("Pittsburgh", "Pittsburgh, Pennsylvania", "place", 85, 95),
    ],
)
def test_the_service_scores_a_typed_name_by_the_matchers_rules(
    query: str, name: str, kind: str, low: float, high: float
) -> None:
    from reconcile import name_key, name_similarity

    assert low <= name_similarity(name_key(query), name_key(name, kind)) <= high


@pytest.mark.parametrize(
    ("value", "year"),
    [("1881-10-25T00:00:00Z", 1881), ("-0044-03-15T00:00:00", -44), ("c. 1900", None), ("", None)],
)
def test_one_year_reader_for_the_matcher_and_the_service(value: str, year: int | None) -> None:
    from museion_core.instants import instant_year

    assert instant_year(value) == year
