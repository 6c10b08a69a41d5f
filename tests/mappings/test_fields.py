"""Paths and field options of declarative mappings."""

from __future__ import annotations

import pytest

from mappings.declarative.fields import Field, Path, compile_fields
from mappings.declarative.schema import DimensionsModel, FieldModel

RECORD = {
    "title": "  Vue   de Bakou ",
    "dateRange": {"startYear": 1620, "endYear": 1625},
    "creator": [
        {"full_name": "Pablo Picasso", "role": None},
        {"full_name": "Georges Braque", "role": "after"},
    ],
    "images": [{"image_url": "a.jpg"}, {"image_url": "b.jpg"}],
    "subjects": {"children": [{"children": [{"name": "man"}, {"name": "horse"}]}]},
    "Dim. (cm)": "12 x 8",
    "zero": 0.0,
    "empty": "",
    "names": ["A", None, "B"],
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("title", ["  Vue   de Bakou "]),
        ("dateRange.startYear", [1620]),
        ("creator[].full_name", ["Pablo Picasso", "Georges Braque"]),
        ("creator.full_name", ["Pablo Picasso", "Georges Braque"]),
        ("creator[1].role", ["after"]),
        ("creator[].role", ["after"]),
        ("images[].image_url", ["a.jpg", "b.jpg"]),
        ("subjects.children[].children[].name", ["man", "horse"]),
        ("Dim. (cm)", ["12 x 8"]),
        ("names", ["A", "B"]),
        ("missing.deeper", []),
        ("creator[5].role", []),
    ],
)
def test_paths(path: str, expected: list[object]) -> None:
    assert Path(path).evaluate(RECORD) == expected


def test_dot_is_the_value_itself() -> None:
    assert Path(".").evaluate("Picasso") == ["Picasso"]


@pytest.mark.parametrize("bad", ["", "a..]", "a[x]"])
def test_unreadable_paths_fail_when_the_mapping_loads(bad: str) -> None:
    with pytest.raises(ValueError, match="cannot read path"):
        Path(bad)


def field(**options: object) -> Field:
    return Field.compile(FieldModel(**options))  # type: ignore[arg-type]


def test_text_is_trimmed_and_whitespace_collapsed() -> None:
    assert field(path="title").values(RECORD) == ["Vue de Bakou"]


def test_empty_and_ignored_values_are_left_out() -> None:
    assert field(path="empty").values(RECORD) == []
    assert field(path="zero", ignore=[0]).values(RECORD) == []
    assert field(path="title", ignore=["vue de bakou"]).values(RECORD) == []


def test_default_constant_split_map_and_pattern() -> None:
    assert field(path="missing", default="n/a").values(RECORD) == ["n/a"]
    assert field(value="in").values(RECORD) == ["in"]
    assert field(path="title", split=r"\s+de\s+").values(RECORD) == ["Vue", "Bakou"]
    assert field(path="creator[].role", map={"AFTER": "copy after"}).values(RECORD) == [
        "copy after"
    ]
    assert field(path="dateRange.endYear", pattern=r"(\d\d)$").values(RECORD) == ["25"]
    assert field(path="title", pattern=r"(?P<value>Bakou)").values(RECORD) == ["Bakou"]
    assert field(path="title", pattern=r"^Paris").values(RECORD) == []


def test_field_lists_keep_each_fields_options() -> None:
    fields = compile_fields(["title", FieldModel(path="names", language="ar")])
    assert fields is not None
    items = fields.items(RECORD)
    assert [value for value, _ in items] == ["Vue de Bakou", "A", "B"]
    assert items[1][1].language == "ar"
    assert fields.first(RECORD) == "Vue de Bakou"


def test_path_and_value_are_exclusive() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        FieldModel(path="a", value="b")
    with pytest.raises(ValueError, match="regular expression"):
        FieldModel(path="a", pattern="(")


def test_a_constant_unit_is_checked_when_the_mapping_loads() -> None:
    """``unit = { value = "furlong" }`` loaded, then warned once a record at harvest."""
    with pytest.raises(ValueError, match="unknown unit 'furlong'"):
        DimensionsModel(height="h", unit=FieldModel(value="furlong"))
    for known in ("in", "inches", "Centimetres", "kg"):
        DimensionsModel(height="h", unit=FieldModel(value=known))
    DimensionsModel(height="h", unit="unit_field")  # a path: its values are read per record


def test_lists_within_lists_are_values_not_a_crash() -> None:
    # Found by the fuzz suite: "title": [[]] raised TypeError (unhashable list).
    field = Field.compile("title")
    assert field.values({"title": [[]]}) == []
    assert field.values({"title": [["A", ["B"]], "C"]}) == ["A", "B", "C"]
