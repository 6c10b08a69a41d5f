"""Dimension statements and units: a table of statements, which group measures the object, and
properties (unit conversions round-trip exactly; a written product parses back)."""

from __future__ import annotations

import json
import zlib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping
from mappings.builder import to_decimal
from mappings.normalise import (
    CENTIMETRES,
    UNITS,
    from_base,
    parse_dimension_statement,
    parse_dimensions,
    parse_number,
    to_base,
    unit_for,
)
from museion.demo import examples_dir
from museion.mapper import Mapped, map_record
from tests.conftest import BASE

untimed = settings(deadline=None)  # a first example may compile the grammar's patterns

D = Decimal

TABLE: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("support: 394 x 419 mm", [("height", "394", "mm"), ("width", "419", "mm")]),
    ("20 7/8 x 15 3/4 in.", [("height", "20.875", "in"), ("width", "15.75", "in")]),
    ("20-7/8 x 15 ¾ in", [("height", "20.875", "in"), ("width", "15.75", "in")]),
    ("H. 12 cm", [("height", "12", "cm")]),
    ("Ø 3,5 cm", [("diameter", "3.5", "cm")]),
    ("diam. 4 in.", [("diameter", "4", "in")]),
    ("12 cm high", [("height", "12", "cm")]),
    (
        "image: 24.1 × 30.5 cm (9 1/2 × 12 in.)",
        [("height", "24.1", "cm"), ("width", "30.5", "cm")],
    ),
    (
        "object: 820 x 530 x 433 mm, 167 kg",
        [
            ("height", "820", "mm"),
            ("width", "530", "mm"),
            ("depth", "433", "mm"),
            ("weight", "167", "kg"),
        ],
    ),
    ("Weight: 3 lb 4 oz", [("weight", "52", "oz")]),
    ("1,200 lb", [("weight", "1200", "lb")]),
    ("3' 4\" x 2' 1\"", [("height", "40", "in"), ("width", "25", "in")]),
    ("3 ft 4 in x 2 ft 1 1/2 in", [("height", "40", "in"), ("width", "25.5", "in")]),
    (
        "H. 12 x W. 8 x D. 3 cm",
        [("height", "12", "cm"), ("width", "8", "cm"), ("depth", "3", "cm")],
    ),
    (
        "H 30 cm; B 20 cm; T 10 cm",
        [("height", "30", "cm"), ("width", "20", "cm"), ("depth", "10", "cm")],
    ),
    ("Höhe: 45 cm, Durchmesser: 12 cm", [("height", "45", "cm"), ("diameter", "12", "cm")]),
    ("2 m x 150 cm", [("height", "2", "m"), ("width", "150", "cm")]),
    ("Overall display dimensions variable", []),
    ("Maße nicht ermittelt", []),
]


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[t for t, _ in TABLE])
def test_statements(text: str, expected: list[tuple[str, str, str]]) -> None:
    statement = parse_dimension_statement(text)
    whole = statement.whole.dimensions if statement.whole else ()
    assert [(d.kind, str(d.value.normalize()), d.unit.code) for d in whole] == [
        (kind, str(D(value).normalize()), unit) for kind, value, unit in expected
    ]
    assert statement.parsed == bool(expected)


def test_french_letters() -> None:
    dims = parse_dimensions("H. 10 cm, L. 20 cm, P. 5 cm", "fr")
    assert [(d.kind, d.value) for d in dims] == [
        ("height", D(10)),
        ("width", D(20)),
        ("depth", D(5)),
    ]
    assert [d.kind for d in parse_dimensions("L. 20 cm")] == ["length"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "haut. 45,5 cm, larg. 30 cm, prof. 12 cm",
            [("height", "45.5"), ("width", "30"), ("depth", "12")],
        ),
        ("Haut. 45 cm ; diam. 12 cm", [("height", "45"), ("diameter", "12")]),
        ("ép. 2 cm ; long. 30 cm", [("thickness", "2"), ("length", "30")]),
    ],
)
def test_french_abbreviations(text: str, expected: list[tuple[str, str]]) -> None:
    """A French registrar's "haut. 45,5 cm, larg. 30 cm" gave no dimension at all."""
    dims = parse_dimensions(text, "fr")
    assert [(d.kind, str(d.value)) for d in dims] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45 x 30 centimètres", [("height", "45", "cm"), ("width", "30", "cm")]),
        ("H. 12,5 millimètres", [("height", "12.5", "mm")]),
        ("haut. 2 mètres", [("height", "2", "m")]),
    ],
)
def test_french_units_with_their_accent(text: str, expected: list[tuple[str, str, str]]) -> None:
    """French spells its units with a grave accent: "45 x 30 centimètres" gave no dimension
    ("no dimension could be read"), and a unit field "centimètres" was an unknown unit."""
    dims = parse_dimensions(text, "fr")
    assert [(d.kind, str(d.value), d.unit.code) for d in dims] == expected
    assert unit_for("Centimètres") is CENTIMETRES


@pytest.mark.parametrize(
    ("text", "language", "values"),
    [
        ("1 250 x 80 cm", "fr", ["1250", "80"]),
        ("1\u00a0250 x 80 cm", "fr", ["1250", "80"]),  # French Excel
        ("1\u202f250,5 x 80 cm", "fr", ["1250.5", "80"]),  # LibreOffice
        ("1 250 x 80 cm", "en", ["1250", "80"]),
        ("H. 1\u00a0250 mm", None, ["1250"]),
        ("1.250,5 x 30 cm", "fr", ["1250.5", "30"]),
        ("1.250,5 x 30 cm", "de", ["1250.5", "30"]),
        ("1,250.5 x 30 in.", "en", ["1250.5", "30"]),
        ("1.250.000 x 3 mm", "de", ["1250000", "3"]),
        ("١٬٢٥٠٫٥ × ٤٠ سم", "ar", ["1250.5", "40"]),
        # not groups: a product, a fraction, a value with no unit, a four-digit number
        ("45 x 30 cm", "fr", ["45", "30"]),
        ("20 7/8 x 15 3/4 in.", "en", ["20.875", "15.75"]),
        ("H. 12 ; L. 30 cm", "fr", ["30"]),
        ("1250 x 300 mm", "fr", ["1250", "300"]),
        # a plain space after a word is two numbers: three sets of 100, sheet 2 of 100 mm
        ("Set of 3 100 x 50 cm", "en", ["100", "50"]),
        ("sheet 2 100 x 150 mm", "en", ["100", "150"]),
        ("H. 1 250 mm", "fr", ["1250"]),  # after a label it is one
        ("Höhe 1 250 mm", "de", ["1250"]),
        ("الارتفاع 1 250 مم", "ar", ["1250"]),
        ("Ø 1 250 mm", None, ["1250"]),
        ("80 x 1 250 cm", "fr", ["80", "1250"]),
    ],
)
def test_thousands_groups(text: str, language: str | None, values: list[str]) -> None:
    """ "1 250 x 80 cm" was 250 cm high, silently: the "1" before the space was dropped."""
    found = parse_dimension_statement(text, language).dimensions
    assert [str(d.value.normalize()) for d in found] == [str(D(v).normalize()) for v in values]


@pytest.mark.parametrize(
    ("text", "whole", "parts"),
    [
        ("support: 1067 x 1410 mm\r\nframe: 1500 x 1840 x 108 mm", "support", [("frame", False)]),
        ("support: 1067 x 1410 mm frame: 1500 x 1840 x 108 mm", "support", [("frame", False)]),
        (
            "image: 598 x 803 mm\r\nsupport: 792 x 997 mm\r\nplate: 605 x 807 mm",
            "support",
            [("image", False), ("plate", False)],
        ),
        ("image: 756 x 951 mm\r\nframe:  795 x 991 x 23mm", "image", [("frame", False)]),
        (
            "displayed: 866 x 669 x 29 mm\r\nsupport x 3: 210 x 296 mm\r\nframe: 870 x 408 x 30 mm",
            "displayed",
            [("support", True), ("frame", False)],
        ),
        (
            "frame: 795 x 1660 x 112 mm\r\nsupport, each: 241 x 203 mm",
            None,
            [("frame", False), ("support", True)],
        ),
        (
            "support: 858 x 959 mm\r\nsupport: 351 x 876 mm",
            None,
            [("support", False), ("support", False)],
        ),
        ("Blatt: 30 x 20 cm; Rahmen: 40 x 30 x 3 cm", "Blatt", [("frame", False)]),
    ],
)
def test_what_each_group_measures(
    text: str, whole: str | None, parts: list[tuple[str, bool]]
) -> None:
    statement = parse_dimension_statement(text)
    assert (statement.whole.label if statement.whole else None) == whole
    assert [(g.part, g.each) for g in statement.parts if g.dimensions] == parts


def test_values_in_centimetres_and_grams() -> None:
    [height, width] = parse_dimensions("20 7/8 x 15 3/4 in.")
    assert height.normalised == D("53.0225")
    assert height.normalised_unit.code == "cm"
    assert width.normalised == D("40.005")
    [weight] = parse_dimensions("167 kg")
    assert weight.normalised == 167000
    assert weight.normalised_unit.code == "g"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("20 7/8", D("20.875")),
        ("3,5", D("3.5")),
        ("1/2", D("0.5")),
        ("1,200", D(1200)),
        ("20-7/8", D("20.875")),
        ("x", None),
        ("1/0", None),
        ("12 ½", D("12.5")),
        ("12½", D("12.5")),
        ("¾", D("0.75")),
        ("3 5⁄8", D("3.625")),
    ],
)
def test_numbers(text: str, value: Decimal | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٣٠ × ٤٠ سم", [("height", "30", "cm"), ("width", "40", "cm")]),
        ("30 × 40 سم", [("height", "30", "cm"), ("width", "40", "cm")]),
        ("ارتفاع 12٫5 سم، عرض 8 سم", [("height", "12.5", "cm"), ("width", "8", "cm")]),
        ("الارتفاع: 120 مم", [("height", "120", "mm")]),
        ("قطر ٢١٫٥ سم", [("diameter", "21.5", "cm")]),
        ("الوزن 3 كغ", [("weight", "3", "kg")]),
    ],
)
def test_arabic_measurements(text: str, expected: list[tuple[str, str, str]]) -> None:
    """Arabic units, labels and decimal sign: "٣٠ × ٤٠ سم" gave no dimension (the same
    Arabic-Indic digits were read in a date)."""
    found = parse_dimension_statement(text, "ar").dimensions
    assert [(d.kind, str(d.value), d.unit.code) for d in found] == expected


@pytest.mark.parametrize(
    ("text", "language", "values"),
    [
        # the statement's other numbers tell how it writes decimals, whatever the language
        ("1,5 x 2,250 m", None, ["1.5", "2.25"]),
        ("1,5 x 2,250 m", "en", ["1.5", "2.25"]),
        ("12.5 x 2,250 cm", "fr", ["12.5", "2250"]),
        ("1250,5 x 1,250 mm", None, ["1250.5", "1.25"]),
        # else its language: a comma before decimals in French and German, a point in English
        ("H. 12,500 cm", "fr", ["12.5"]),
        ("H. 12,500 cm", "en", ["12500"]),
        ("1.200 x 800 mm", "de-AT", ["1200", "800"]),
        ("H. 1.200 mm", "en", ["1.2"]),  # (in a product, its figures settle it: see below)
        # a point before three digits is a decimal where a group is not likely: after a lone
        # 0, in inches (eighths), for a weight, or past ten metres
        ("Weight: 0.450 kg", "fr", ["0.45"]),
        ("H. 0.125 m", "de", ["0.125"]),
        ("Sheet: 10.125 x 8.375 in.", "nl", ["10.125", "8.375"]),
        ("Diam. 3.175 cm", "fr", ["3.175"]),
        ("H. 1.250 m", "de", ["1.25"]),
        ("Gewicht 1.200 kg", "de", ["1.2"]),
        # and neither: as before (a comma before three digits groups thousands)
        ("H. 12,500 cm", None, ["12500"]),
        ("H. 1.200 mm", None, ["1.2"]),
    ],
)
def test_a_decimal_comma_is_told_by_the_statement_or_its_language(
    text: str, language: str | None, values: list[str]
) -> None:
    """ "1,5 x 2,250 m" in a French export is 1.5 by 2.25 metres: its "2,250" was read as 2250
    whatever the language, and a German "1.200 mm" as 1.2 mm, silently a thousand times off."""
    found = parse_dimension_statement(text, language).dimensions
    assert [str(d.value.normalize()) for d in found] == [str(D(v).normalize()) for v in values]


@pytest.mark.parametrize(
    ("text", "sizes"),
    [
        (
            "125 x 80 cm x 25 mm",
            [("height", "125", "cm"), ("width", "80", "cm"), ("depth", "25", "mm")],
        ),
        ("12 x 8 in x 3 cm", [("height", "12", "in"), ("width", "8", "in"), ("depth", "3", "cm")]),
        (
            "1.250 x 800 mm x 2,5 cm",
            [("height", "1250", "mm"), ("width", "800", "mm"), ("depth", "2.5", "cm")],
        ),
        (
            "30 cm x 20 x 2 mm",
            [("height", "30", "cm"), ("width", "20", "mm"), ("depth", "2", "mm")],
        ),
        (
            "40 x 30 x 2,5 cm",
            [("height", "40", "cm"), ("width", "30", "cm"), ("depth", "2.5", "cm")],
        ),
    ],
)
def test_a_figure_without_a_unit_has_the_next_unit_written_after_it(
    text: str, sizes: list[tuple[str, str, str]]
) -> None:
    """ "125 x 80 cm x 25 mm" was 125 mm high: a figure without a unit took the statement's
    last unit, not the one written after it, and "12 x 8 in x 3 cm" was 12 cm high."""
    found = parse_dimension_statement(text, "de").dimensions
    assert [(d.kind, str(d.value.normalize()), d.unit.code) for d in found] == [
        (kind, str(D(value).normalize()), unit) for kind, value, unit in sizes
    ]


@pytest.mark.parametrize(
    ("text", "language", "values"),
    [
        # a lone point or comma before three digits, in millimetres or centimetres, beside a
        # whole figure: a group of thousands where that makes the more proportionate object
        ("1.250 x 80 cm", None, ["1250", "80"]),
        ("1.250 x 80 cm", "en", ["1250", "80"]),
        ("1.250 x 80 cm", "de", ["1250", "80"]),  # past ten metres, but beside 80 cm
        ("80 x 1.250 cm", None, ["80", "1250"]),
        ("1,250 x 80 cm", "fr", ["1250", "80"]),
        ("1.250 x 80 x 5 cm", None, ["1250", "80", "5"]),  # beside its largest figure
        ("1.200 x 800 mm", None, ["1200", "800"]),
        ("Framed: 1.250 x 800 mm", "en", ["1250", "800"]),
        ("2 m x 1.250 mm", None, ["2", "1250"]),  # the figures compared in one unit
        # a decimal where the statement tells it, or the group is not the likelier size
        ("1.25 x 0.80 m", None, ["1.25", "0.80"]),
        ("1.250 x 0.80 m", None, ["1.25", "0.80"]),  # in metres, millimetres
        ("1.250 x 80.5 cm", None, ["1.25", "80.5"]),  # the other figure tells it
        ("1.250 x 10 cm", None, ["1.25", "10"]),  # a 1.25 by 10 cm strip, not 12.5 m by 10 cm
        ("3.175 x 5 cm", "fr", ["3.175", "5"]),  # 1 1/4 in, not 31 m
        ("1.250 x 1.500 cm", None, ["1.25", "1.5"]),  # no whole figure beside it
        ("H. 1.250 cm", None, ["1.25"]),  # alone
        ("500 x 400 x 3.175 mm", None, ["500", "400", "3.175"]),  # a depth: an eighth of an inch
        ("300 x 200 x 1.500 mm", "en", ["300", "200", "1.5"]),
        ("10.125 x 8 in.", None, ["10.125", "8"]),  # eighths of an inch
        ("Gewicht 1.200 kg; 80 x 60 cm", "de", ["1.2", "80", "60"]),
        # a comma: "12,5 cm" and a comma group stay as they were
        ("H. 12,5 cm", None, ["12.5"]),
        ("12,5 x 80 cm", "fr", ["12.5", "80"]),
        ("1,250 x 80 cm", None, ["1250", "80"]),
    ],
)
def test_a_lone_mark_before_three_digits_is_a_group_where_the_figures_say_so(
    text: str, language: str | None, values: list[str]
) -> None:
    """ "1.250 x 80 cm" was 1.25 cm high: a hundredth of a millimetre, beside a width given
    to the centimetre; read as 1,250 cm high, it is an object 12.5 m by 80 cm."""
    found = parse_dimension_statement(text, language).dimensions
    assert [str(d.value.normalize()) for d in found] == [str(D(v).normalize()) for v in values]


def test_unit_aliases() -> None:
    for text, code in [
        ("in.", "in"),
        ('"', "in"),
        ("Zoll", "in"),
        ("lbs.", "lb"),
        ("oz", "oz"),
        ("Millimeter", "mm"),
        ("kilogrammes", "kg"),
        ("'", "ft"),
    ]:
        unit = unit_for(text)
        assert unit is not None
        assert unit.code == code
    assert unit_for("furlong") is None


@untimed
@given(
    st.decimals(min_value=D("0.001"), max_value=D(100000), places=3, allow_nan=False),
    st.sampled_from(sorted(UNITS)),
)
def test_unit_conversions_round_trip(value: Decimal, code: str) -> None:
    unit = UNITS[code]
    assert from_base(to_base(value, unit), unit) == value


@untimed
@given(
    st.integers(min_value=1, max_value=99999),
    st.integers(min_value=1, max_value=99999),
    st.sampled_from(["mm", "cm", "in.", "m"]),
    st.sampled_from([" x ", "×", " × ", "x"]),
)
def test_a_written_product_parses_back(height: int, width: int, unit: str, sep: str) -> None:
    [h, w] = parse_dimensions(f"support: {height}{sep}{width} {unit}")
    assert (h.kind, h.value, w.kind, w.value) == ("height", D(height), "width", D(width))
    assert h.unit is unit_for(unit)
    assert h.normalised == to_base(D(height), h.unit)


@untimed
@given(st.text(max_size=80))
def test_any_statement_parses_without_error(text: str) -> None:
    statement = parse_dimension_statement(text)
    for dim in statement.dimensions:
        assert dim.value > 0


def test_a_key_after_a_product_says_what_it_measures_and_d_beside_a_height_is_a_diameter() -> None:
    from mappings.normalise.dimensions import parse_dimensions

    found = [(d.kind, str(d.value)) for d in parse_dimensions("36 x 24 cm (H x D)")]
    assert found == [("height", "36"), ("diameter", "24")]
    found = [(d.kind, str(d.value)) for d in parse_dimensions("H x D: 12 x 8 cm", "de")]
    assert found == [("height", "12"), ("diameter", "8")]
    kinds = [d.kind for d in parse_dimensions("30 x 20 x 10 cm (H x B x T)", "de")]
    assert kinds == ["height", "width", "depth"]


def test_measured_values_as_partners_fill_them() -> None:
    from decimal import Decimal

    from mappings.normalise.dimensions import parse_measured_values

    assert parse_measured_values("12,5") == [Decimal("12.5")]
    assert parse_measured_values("ca. 30") == [Decimal(30)]
    assert parse_measured_values("216 x 164") == [Decimal(216), Decimal(164)]
    assert parse_measured_values("unbekannt") == []
    # a field holding one number grouped by a plain space, as French registrars type it
    assert parse_measured_values("1 250,5") == [Decimal("1250.5")]
    assert parse_measured_values("1 250") == [Decimal("1250")]
    assert parse_measured_values("12 ½") == [Decimal("12.5")]  # was not read at all
    assert parse_measured_values("1\u00a0250,5 x ٤٥٫٥") == [Decimal("1250.5"), Decimal("45.5")]
    assert parse_measured_values("1.250,5") == [Decimal("1250.5")]


@pytest.mark.parametrize("width", ["NaN", "Infinity", "-Infinity", "1e400", '"NaN"', '"inf"'])
def test_a_measurement_that_is_no_finite_number_is_left_out_with_a_warning(width: str) -> None:
    """JSON's ``1e400`` is an infinite float, and Python's reader takes ``NaN`` and
    ``Infinity``; ``Decimal`` reads those words too. Each became an ``xsd:decimal`` no reader
    accepts ("NaN"), or made the unit conversion fail the record as a fault in the mapping."""
    sample = sorted((examples_dir() / "cmoa").glob("*.json"))[0]
    text = json.dumps({**json.loads(sample.read_bytes()), "item_width": "WIDTH"})
    item = SourceRecord("cmoa", "1", text.replace('"WIDTH"', width).encode())
    outcome = map_record(get_mapping("cmoa"), item, MappingContext(BASE, "cmoa"))
    assert isinstance(outcome, Mapped), outcome
    nquads = zlib.decompress(outcome.packed).decode()
    values = [line.split(" ")[2] for line in nquads.splitlines() if "P90_has_value" in line]
    assert values  # the height is kept
    assert all(v.split('"')[1][0].isdigit() for v in values), values
    # a JSON number is left out; a text is kept as a dimension statement
    assert any("is not a number; " in w for w in outcome.warnings), outcome.warnings
    assert to_decimal(float("nan")) is None
    assert to_decimal(" 13,5 ") == Decimal("13.5")
