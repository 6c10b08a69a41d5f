"""Tate's acquisition is dated by the gift, not by the accession, when its credit line says
both: "Presented by Gustav and Elly Kahnweiler 1974, accessioned 1994" came with
``acquisitionYear`` 1994, and the object page read "gift, from Gustav and Elly Kahnweiler,
1994", against the credit line beside it. The accession year stays in the credit line, kept
whole as the object's statement."""

from __future__ import annotations

import json

import pytest
from pyoxigraph import NamedNode

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping
from museion.demo import examples_dir
from museion_core.vocab import CRM
from tests.conftest import BASE

ARTWORKS = examples_dir() / "tate" / "artworks"


def _acquired(name: str) -> tuple[str, str, list[str]]:
    """The record's credit line, the year of its provenance activity's time-span, and the
    texts of its statements."""
    path = ARTWORKS / name
    result = get_mapping("tate").map(
        SourceRecord("tate", path.stem, path.read_bytes()), MappingContext(BASE, "tate")
    )
    record = json.loads(path.read_bytes())
    obj = f"{BASE}tate/object/{record['acno']}"
    span = NamedNode(f"{obj}/provenance/timespan")
    begins = [
        str(getattr(q.object, "value", ""))
        for q in result.quads
        if q.subject == span and q.predicate == CRM.P82a_begin_of_the_begin
    ]
    texts = [
        str(getattr(q.object, "value", ""))
        for q in result.quads
        if q.predicate == CRM.P190_has_symbolic_content
    ]
    assert len(begins) == 1, begins
    return record["creditLine"], begins[0][:4], texts


@pytest.mark.parametrize(
    ("name", "gift", "accessioned"),
    [("t06803-20854.json", "1974", "1994"), ("t13348-102754.json", "2008", "2011")],
)
def test_a_gift_accessioned_later_is_dated_by_the_gift(
    name: str, gift: str, accessioned: str
) -> None:
    credit, year, texts = _acquired(name)
    assert credit.endswith(f"{gift}, accessioned {accessioned}")
    assert year == gift
    assert credit in texts  # the accession year is not lost


def test_a_credit_line_with_one_year_keeps_the_acquisition_year() -> None:
    credit, year, _ = _acquired("a00001-1035.json")
    record = json.loads((ARTWORKS / "a00001-1035.json").read_bytes())
    assert "accessioned" not in credit
    assert year == str(record["acquisitionYear"])
