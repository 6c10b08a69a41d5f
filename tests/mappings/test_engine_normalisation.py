"""The declarative engine's use of normalisation: date fields and texts combined, dimensions in
centimetres and parts, terms found in statements, HTML and languages, unread texts reported."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError
from pyoxigraph import Literal, NamedNode

from harvesters import SourceRecord
from mappings import MappingContext, MappingResult
from mappings.declarative.engine import DeclarativeMapping
from mappings.declarative.schema import MappingFile
from museion_core import messages
from museion_core.vocab import AAT, CRM, RDFS, XSD
from tests.conftest import BASE


def mapping(**sections: Any) -> DeclarativeMapping:
    spec: dict[str, Any] = {"mapping": {"name": "m", "language": "en"}, "object": {"id": "id"}}
    for key, value in sections.items():
        spec.setdefault(key, {}).update(value)
    return DeclarativeMapping(MappingFile.model_validate(spec))


def run(m: DeclarativeMapping, record: dict[str, Any]) -> MappingResult:
    payload = json.dumps({"id": "1", **record}).encode()
    return m.map(SourceRecord("m", "1", payload), MappingContext(BASE, "m"))


def value(result: MappingResult, subject: str, predicate: NamedNode) -> list[str]:
    return sorted(
        str(q.object.value)  # type: ignore[union-attr]
        for q in result.quads
        if q.subject == NamedNode(f"{BASE}m/object/1{subject}") and q.predicate == predicate
    )


SPAN = "/production/timespan"
DATES = {"production": {"date": {"text": "text", "begin": "from", "end": "to"}}}
TEXT_WINS = {
    "production": {"date": {"text": "text", "begin": "from", "end": "to", "prefer": "text"}}
}


def span(result: MappingResult) -> tuple[list[str], list[str]]:
    return (
        value(result, SPAN, CRM.P82a_begin_of_the_begin),
        value(result, SPAN, CRM.P82b_end_of_the_end),
    )


def test_a_date_field_that_is_no_date_is_read_as_a_date_text_and_said() -> None:
    """``date = "Date"`` (a year or ISO date field) holding "c. 1850": the value was dropped
    without a word: neither a bound, nor the span's name, nor a line of the report."""
    m = mapping(object={"production": {"date": "made"}})
    result = run(m, {"made": "c. 1850"})
    assert span(result) == (["1845-01-01T00:00:00Z"], ["1855-12-31T23:59:59Z"])
    assert value(result, SPAN + "/name", CRM.P190_has_symbolic_content) == ["c. 1850"]
    assert result.warnings == [messages.DATE_FIELD_AS_TEXT(value="c. 1850")]
    unknown = run(m, {"made": "zz-qq"})  # no date at all: kept as the span's name, listed
    assert span(unknown) == ([], [])
    assert value(unknown, SPAN + "/name", CRM.P190_has_symbolic_content) == ["zz-qq"]
    assert unknown.warnings == [messages.DATE_TEXT_ONLY(text="zz-qq")]
    assert unknown.unparsed == [("date", "zz-qq", "made")]  # with the field it came from
    # Read from another field, the unreadable one is still said, and not made the span's name.
    both = mapping(object={"production": {"date": {"begin": "from", "end": "to"}}})
    result = run(both, {"from": 1840, "to": "later"})
    assert span(result) == (["1840-01-01T00:00:00Z"], [])
    assert value(result, SPAN + "/name", CRM.P190_has_symbolic_content) == []
    assert result.warnings == [messages.DATE_FIELD_UNREAD(value="later")]
    assert run(m, {"made": 1850}).warnings == []
    # Two unread bounds are not one text: each is said, neither read as the other's span.
    result = run(both, {"from": "c. 1850", "to": "c. 1860"})
    assert span(result) == ([], [])
    assert result.warnings == [
        messages.DATE_FIELD_UNREAD(value="c. 1850"),
        messages.DATE_FIELD_UNREAD(value="c. 1860"),
    ]
    # The date's text and its field the same column: read once, as the text, and not said.
    same = mapping(object={"production": {"date": {"text": "date", "on": "date"}}})
    result = run(same, {"date": "um 1911"})
    assert span(result) == (["1906-01-01T00:00:00Z"], ["1916-12-31T23:59:59Z"])
    assert result.warnings == []


def test_date_fields_win_and_the_text_fills_in() -> None:
    m = mapping(object=DATES)
    both = run(m, {"text": "c. 1650", "from": 1640, "to": 1660})
    assert span(both) == (["1640-01-01T00:00:00Z"], ["1660-12-31T23:59:59Z"])
    text_only = run(m, {"text": "c. 1650"})
    assert span(text_only) == (["1645-01-01T00:00:00Z"], ["1655-12-31T23:59:59Z"])
    half = run(m, {"text": "c. 1650", "to": 1652})
    assert span(half) == (["1645-01-01T00:00:00Z"], ["1652-12-31T23:59:59Z"])


def test_the_text_may_win() -> None:
    m = mapping(object=TEXT_WINS)
    result = run(m, {"text": "c.1805", "from": 1805, "to": 1805})
    assert span(result) == (["1800-01-01T00:00:00Z"], ["1810-12-31T23:59:59Z"])
    exhibited = run(m, {"text": "exhibited 1842", "from": 1842, "to": 1842})
    assert span(exhibited) == (["1842-01-01T00:00:00Z"], ["1842-12-31T23:59:59Z"])


def test_fields_that_run_backwards_are_not_used() -> None:
    result = run(mapping(object=DATES), {"text": "1828–9", "from": 1828, "to": 1819})
    assert span(result) == (["1828-01-01T00:00:00Z"], ["1829-12-31T23:59:59Z"])
    assert any("run backwards" in w for w in result.warnings)


def test_fields_and_text_that_disagree_are_reported() -> None:
    result = run(mapping(object=DATES), {"text": "1504", "from": "1503-12-22", "to": "1503-12-22"})
    assert span(result) == (["1503-12-22T00:00:00Z"], ["1503-12-22T23:59:59Z"])
    assert result.warnings == [
        "date fields (1503-12-22 to 1503-12-22) and text '1504' disagree; used the fields"
    ]


def test_texts_without_values_keep_their_text_and_are_reported() -> None:
    m = mapping(object={**DATES, "dimensions": {"statement": "dims", "parse": True}})
    result = run(m, {"text": "date not known", "dims": "dimensions variable"})
    assert span(result) == ([], [])
    name = value(result, f"{SPAN}/name", CRM.P190_has_symbolic_content)
    assert name == ["date not known"]
    assert sorted(result.unparsed) == [
        ("date", "date not known", "text"),
        ("dimensions", "dimensions variable", "dims"),
    ]


def test_dimensions_are_also_given_in_centimetres_and_marked_as_computed() -> None:
    m = mapping(object={"dimensions": {"width": "w", "unit": {"value": "in"}}})
    result = run(m, {"w": 20.875})
    assert value(result, "/dimension/1", CRM.P90_has_value) == ["20.875"]
    assert value(result, "/dimension/1", CRM.P91_has_unit) == [AAT.INCHES.value]
    assert value(result, "/dimension/1/normalised", CRM.P90_has_value) == ["53.0225"]
    assert value(result, "/dimension/1/normalised", CRM.P91_has_unit) == [AAT.CENTIMETRES.value]
    assert value(result, "/dimension/1/normalised", CRM.P2_has_type) == [AAT.WIDTH.value]
    assignment = f"{BASE}m/object/1/dimension/1/normalised/assignment"
    assert value(result, "/dimension/1/normalised", CRM.P141i_was_assigned_by) == [assignment]
    assert value(result, "/dimension/1/normalised/assignment", CRM.P2_has_type) == [
        AAT.COMPUTER_GENERATED.value
    ]
    assert value(result, "", CRM.P43_has_dimension) == [
        f"{BASE}m/object/1/dimension/1",
        f"{BASE}m/object/1/dimension/1/normalised",
    ]


CELLS = {"dimensions": {"height": "Hauteur (cm)", "weight": "Poids", "unit": {"value": "cm"}}}


@pytest.mark.parametrize(
    ("cell", "height", "unit", "warning"),
    [
        ("45,5", "45.5", AAT.CENTIMETRES, None),
        ("45,5 cm", "45.5", AAT.CENTIMETRES, None),  # the unit typed in the cell
        ("ca. 45", "45", AAT.CENTIMETRES, None),  # approximate, as in a statement
        ("env. 45", "45", AAT.CENTIMETRES, None),
        ("um 45", "45", AAT.CENTIMETRES, None),
        ("1\u00a0250,5", "1250.5", AAT.CENTIMETRES, None),  # French Excel's thousands
        ("1\u202f250,5", "1250.5", AAT.CENTIMETRES, None),
        ("1.250,5", "1250.5", AAT.CENTIMETRES, None),
        ("٤٥٫٥", "45.5", AAT.CENTIMETRES, None),  # Arabic-Indic digits and decimal sign
        # another unit than the mapping's: read in its own, never converted, and said
        ("455 mm", "455", AAT.MILLIMETRES, messages.MEASUREMENT_OWN_UNIT),
    ],
)
def test_measurement_cells_as_registrars_type_them(
    cell: str, height: str, unit: NamedNode, warning: Any
) -> None:
    """Each of these was "not a number; left out": the height was lost."""
    result = run(mapping(object=CELLS), {"Hauteur (cm)": cell})
    assert value(result, "/dimension/1", CRM.P90_has_value) == [height]
    assert value(result, "/dimension/1", CRM.P91_has_unit) == [unit.value]
    assert value(result, "/dimension/1", CRM.P2_has_type) == [AAT.HEIGHT.value]
    expected = [] if warning is None else [warning(value=cell, configured="cm")]
    assert result.warnings == expected
    assert result.unparsed == []


@pytest.mark.parametrize(
    ("cells", "kept", "warning"),
    [
        ({"Hauteur (cm)": "about ten"}, "about ten", messages.MEASUREMENT_KEPT_AS_TEXT),
        ({"Hauteur (cm)": "45 x 30"}, "45 x 30", messages.MEASUREMENT_KEPT_AS_TEXT),
        ({"Hauteur (cm)": "3 kg"}, "3 kg", messages.MEASUREMENT_UNIT_REFUSED),  # not a height
        ({"Poids": "12 cm"}, "12 cm", messages.MEASUREMENT_UNIT_REFUSED),  # not a weight
        # a typo no size is: it was published as a height of -3 cm without a word
        ({"Hauteur (cm)": "-3"}, "-3", messages.MEASUREMENT_NEGATIVE),
        ({"Hauteur (cm)": -3}, "-3", messages.MEASUREMENT_NEGATIVE),  # a number cell
    ],
)
def test_a_measurement_cell_not_read_keeps_its_text(
    cells: dict[str, Any], kept: str, warning: Any
) -> None:
    """What cannot be read stays on the object as a dimension statement, and is said."""
    [field] = cells
    kind = "height" if field == "Hauteur (cm)" else "weight"
    result = run(mapping(object=CELLS), cells)
    assert value(result, "", CRM.P43_has_dimension) == []
    node = f"/statement/dimensions/{kind}"
    assert value(result, node, CRM.P190_has_symbolic_content) == [kept]
    assert value(result, node, CRM.P2_has_type) == [AAT.DIMENSION_STATEMENT.value]
    assert result.warnings == [warning(value=kept, unit=kept.rsplit(maxsplit=1)[-1])]
    assert result.unparsed == [("dimensions", kept, field)]


def test_centimetres_are_not_repeated() -> None:
    m = mapping(object={"dimensions": {"statement": "d", "parse": True}})
    result = run(m, {"d": "H. 12 cm"})
    assert value(result, "", CRM.P43_has_dimension) == [f"{BASE}m/object/1/dimension/1"]


def test_a_frame_is_a_part_with_its_own_dimensions() -> None:
    m = mapping(object={"dimensions": {"statement": "d", "parse": True}})
    result = run(m, {"d": "support: 394 x 419 mm\nframe: 500 x 520 x 40 mm"})
    frame = f"{BASE}m/object/1/part/frame"
    assert value(result, "/part/frame", CRM.P46i_forms_part_of) == [f"{BASE}m/object/1"]
    assert value(result, "/part/frame", CRM.P2_has_type) == [AAT.FRAME.value]
    assert len(value(result, "/part/frame", CRM.P43_has_dimension)) == 6  # 3 in mm, 3 in cm
    assert value(result, "/dimension/2/normalised", CRM.P90_has_value) == ["41.9"]
    assert frame not in value(result, "", CRM.P43_has_dimension)


def test_statements_are_scanned_for_terms_and_unmatched_fragments_skipped() -> None:
    m = mapping(
        object={
            "materials": {"path": "medium", "scan": True, "vocab": "material", "unmatched": "skip"},
            "classification": {"path": "type", "vocab": "object_type"},
        }
    )
    result = run(m, {"medium": "Watercolour and unobtainium on paper", "type": "Schrank"})
    assert value(result, "", CRM.P45_consists_of) == [
        "http://vocab.getty.edu/aat/300014109",
        "http://vocab.getty.edu/aat/300015045",
    ]
    assert result.local_terms == [("object_type", "Schrank")]  # listed, never dropped


def test_a_feed_with_html() -> None:
    m = mapping(mapping={"html": True}, object={"titles": "title", "description": "text"})
    result = run(m, {"title": "<i>Bullfight</i> &amp; Scene", "text": "<p>One</p><p>Two</p>"})
    assert value(result, "", RDFS.label) == ["Bullfight & Scene"]
    assert value(result, "/statement/description", CRM.P190_has_symbolic_content) == ["One Two"]


def test_language_tags_in_mapping_files_are_validated_and_standardised() -> None:
    m = mapping(mapping={"language": "ger"}, object={"titles": "title"})
    result = run(m, {"title": "Gemälde"})
    labels = [q.object for q in result.quads if q.predicate == RDFS.label]
    assert labels == [Literal("Gemälde", language="de")]
    with pytest.raises(ValidationError, match="not a valid BCP 47"):
        mapping(mapping={"language": "german"})
    with pytest.raises(ValidationError, match="not a valid BCP 47"):
        mapping(object={"titles": {"path": "t", "language": "xx"}})


def test_dates_are_xsd_datetimes_even_before_the_common_era() -> None:
    result = run(mapping(object=DATES), {"text": "5th century BCE"})
    begin = [q.object for q in result.quads if q.predicate == CRM.P82a_begin_of_the_begin]
    assert begin == [Literal("-0499-01-01T00:00:00Z", datatype=XSD.dateTime)]


@pytest.mark.parametrize(
    ("title", "said"),
    [
        ("Marsel liman?n?n görünü?ü", True),  # Azerbaijani saved by Excel as Windows-1252
        ("Q?? m?nz?r?si", True),
        ("Qui es-tu ?", False),  # a question, not a lost letter
        ("Who are you?", False),
        ("Vase bleu", False),
    ],
)
def test_a_title_whose_letters_were_lost_to_question_marks_is_said(title: str, said: bool) -> None:
    """Excel writes "?" for each letter the encoding it saves a CSV in cannot hold: the titles
    were published so without a word, each harvest after the draft had said it once. Each
    record with such a title now carries a warning the partner report lists with its id."""
    m = mapping(object={"titles": ["title", {"path": "title_az", "language": "az"}]})
    result = run(m, {"title": "Vue du port", "title_az": title})
    assert value(result, "/title/2", CRM.P190_has_symbolic_content) == [title]  # kept as sent
    expected = [messages.TITLE_LETTERS_REPLACED_IN(field="title_az")] if said else []
    assert result.warnings == expected


def test_a_record_without_the_identifier_s_column_says_what_columns_it_has() -> None:
    """A workbook whose first sheet is a read-me was read for its inventory (no `sheet` set),
    and its one row was refused with "the record has no identifier: "N° d'inventaire" is
    missing or empty": the partner, whose inventory has that column, could not tell what was
    read. A record without the column at all says which columns it has; an empty cell is
    still "missing or empty"."""
    m = mapping(object={"id": "N° d'inventaire"})
    with pytest.raises(ValueError, match="no identifier") as caught:
        m.identify({"Export du logiciel de collections, 2026-12-01": "Ne pas modifier"})
    assert str(caught.value) == messages.NO_IDENTIFIER_FIELD(
        where='"N° d\'inventaire"', fields="'Export du logiciel de collections, 2026-12-01'"
    )
    with pytest.raises(ValueError, match="missing or empty") as caught:
        m.identify({"N° d'inventaire": "", "Titre": "Vase"})
    assert str(caught.value) == messages.NO_IDENTIFIER(where='"N° d\'inventaire"')
