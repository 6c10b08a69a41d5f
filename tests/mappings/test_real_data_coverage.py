"""How much of the real partner data becomes comparable values: all 408 Tate artworks and 404
CMOA objects bundled with the demo (the same records as ../shared/data/tate and cmoa).

The floors are the shares measured when the grammar was written; a change that reads fewer
texts fails here, and the message lists the texts that are not read. Raise a floor when the
share rises.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import NamedNode

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping
from mappings.normalise import parse_date_text, parse_dimension_statement
from museion.demo import examples_dir
from museion_core.vocab import AAT, CRM
from tests.conftest import BASE

TATE = examples_dir() / "tate" / "artworks"
CMOA = examples_dir() / "cmoa"
CM = AAT.CENTIMETRES

# measured on the 812 records (README, "Normalisation on real data"), rounded down
DATE_TEXTS_WITH_BOTH_BOUNDS = 0.930  # 733 of 788 texts; 47 say "date not known" or the like
DATE_TEXTS_READ = 1.0  # 788 of 788: both bounds, one ("exhibited 1842"), or known as undated
DIMENSION_STATEMENTS_PARSED = 0.997  # 393 of 394; "Overall display dimensions variable"
OBJECTS_WITH_DATED_PRODUCTION = 0.943  # 766 of 812 objects: Tate 370 of 408, CMOA 396 of 404
OBJECTS_WITH_DIMENSIONS_IN_CM = 0.958  # 778 of 812 objects: Tate 388, CMOA 390


def records(folder: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(folder.glob("*.json")):
        yield json.loads(path.read_text(encoding="utf-8"))


def date_texts() -> list[str]:
    texts = [r["dateText"] for r in records(TATE) if r.get("dateText")]
    return texts + [r["creation_date"] for r in records(CMOA) if r.get("creation_date")]


def test_there_are_812_records() -> None:
    assert len(list(records(TATE))) == 408
    assert len(list(records(CMOA))) == 404


def test_date_texts_are_read() -> None:
    texts = date_texts()
    parsed = {text: parse_date_text(text) for text in texts}
    both = [t for t in texts if (p := parsed[t]) is not None and p.bounds is not None]
    unread = sorted({t for t in texts if parsed[t] is None})
    assert len(both) / len(texts) >= DATE_TEXTS_WITH_BOTH_BOUNDS, (
        f"{len(both)} of {len(texts)} date texts have begin and end"
    )
    assert (len(texts) - len(unread)) / len(texts) >= DATE_TEXTS_READ, f"not read: {unread}"


def test_dimension_statements_are_parsed() -> None:
    texts = [r["dimensions"] for r in records(TATE) if r.get("dimensions")]
    unparsed = [t for t in texts if not parse_dimension_statement(t).parsed]
    share = (len(texts) - len(unparsed)) / len(texts)
    assert share >= DIMENSION_STATEMENTS_PARSED, f"{share:.3f}; not parsed: {unparsed}"


def _map_all() -> list[tuple[str, Any]]:
    results = []
    for name, folder in (("tate", TATE), ("cmoa", CMOA)):
        mapping = get_mapping(name)
        context = MappingContext(BASE, name)
        for path in sorted(folder.glob("*.json")):
            payload = path.read_bytes()
            local_id = mapping.identify(json.loads(payload))
            record = SourceRecord(name, local_id, payload)
            results.append((name, mapping.map(record, context)))
    return results


@pytest.fixture(scope="module")
def mapped() -> list[tuple[str, Any]]:
    return _map_all()


def test_objects_have_dated_productions(mapped: list[tuple[str, Any]]) -> None:
    dated = 0
    for _, result in mapped:
        subjects = {q.subject for q in result.quads if q.predicate == CRM.P82a_begin_of_the_begin}
        ends = {q.subject for q in result.quads if q.predicate == CRM.P82b_end_of_the_end}
        production = NamedNode(result.subject.value + "/production/timespan")
        dated += production in subjects and production in ends
    assert dated / len(mapped) >= OBJECTS_WITH_DATED_PRODUCTION, f"{dated} of {len(mapped)}"


def test_objects_have_dimensions_in_centimetres(mapped: list[tuple[str, Any]]) -> None:
    measured = 0
    for _, result in mapped:
        quads = result.quads
        own = {q.object for q in quads if q.predicate == CRM.P43_has_dimension}
        own &= {q.object for q in quads if q.subject == result.subject}
        in_cm = {q.subject for q in quads if q.predicate == CRM.P91_has_unit and q.object == CM}
        measured += bool(own & in_cm)
    assert measured / len(mapped) >= OBJECTS_WITH_DIMENSIONS_IN_CM, f"{measured} of {len(mapped)}"


def test_unparsed_texts_are_reported(mapped: list[tuple[str, Any]]) -> None:
    unparsed = {(name, *text) for name, r in mapped for text in r.unparsed}
    assert ("tate", "date", "date not known", "dateText") in unparsed  # with its field
    assert ("cmoa", "date", "no date", "creation_date") in unparsed
    assert ("tate", "dimensions", "Overall display dimensions variable", "dimensions") in unparsed
