"""Nothing a LIDO partner sends is silently lost (issue 12, "Done when").

Every LIDO element that is filled in at least 5% of the sample records (the real and example
records in ``tests/data/lido``) is either carried into the record's graph — its text found
among the graph's literals and IRIs in at least half of the places it is filled — or listed in
``mappings/data/lido-unmapped.toml`` with the reason it is left out on purpose.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

from lxml import etree
from pyoxigraph import Literal, NamedNode

import harvesters
from harvesters.files import FilesOptions
from mappings import MappingContext, get_mapping
from mappings.lido.reader import LIDO_NS
from tests.conftest import BASE, DATA

SAMPLE = sorted((DATA / "lido").glob("*.xml"))
UNMAPPED = Path(__file__).parents[2] / "mappings" / "data" / "lido-unmapped.toml"
SHARE = 0.05


def _norm(value: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip().casefold()


def _paths(element: etree._Element, prefix: str = "") -> list[tuple[str, str]]:
    """(element path below ``lido:lido``, text) of every LIDO leaf element with text."""
    found = []
    for child in element:
        if not isinstance(child.tag, str) or not child.tag.startswith(f"{{{LIDO_NS}}}"):
            continue
        path = f"{prefix}/{etree.QName(child).localname}".lstrip("/")
        if len(child) == 0:
            if child.text and child.text.strip():
                found.append((path, child.text))
        else:
            found.extend(_paths(child, path))
    return found


def _carried(value: str, haystack: str) -> bool:
    text = _norm(value)
    candidates = {
        text,
        text.replace(",", "."),
        re.sub(r"(\.\d*?)0+$", r"\1", text.replace(",", ".")),
    }
    tail = re.split(r"[/:#=]", text.rstrip("/"))[-1]
    if len(tail) >= 4:
        candidates.add(tail)
    return any(c and c in haystack for c in candidates)


@cache
def survey() -> tuple[int, dict[str, int], dict[str, tuple[int, int]]]:
    """Records read; per path, records filling it; per path, (values found, values)."""
    mapping = get_mapping("lido")
    records = 0
    filled: Counter[str] = Counter()
    carried: dict[str, tuple[int, int]] = {}
    for path in SAMPLE:
        harvester = harvesters.create_harvester(
            "files",
            harvesters.SourceSpec(
                name="ddb", location=str(path), options=FilesOptions(), identify=mapping.identify
            ),
        )
        for item in harvester:
            assert isinstance(item, harvesters.SourceRecord), item
            records += 1
            quads = mapping.map(item, MappingContext(BASE, "ddb")).quads
            haystack = "\n".join(
                _norm(term.value)
                for q in quads
                for term in (q.subject, q.object)
                if isinstance(term, (Literal, NamedNode))
            )
            leaves = _paths(etree.fromstring(item.payload))
            for name in {p for p, _ in leaves}:
                filled[name] += 1
            for name, value in leaves:
                hit, total = carried.get(name, (0, 0))
                carried[name] = (hit + _carried(value, haystack), total + 1)
    return records, dict(filled), carried


def unmapped() -> dict[str, str]:
    data = tomllib.loads(UNMAPPED.read_text(encoding="utf-8"))
    return {path: entry["reason"] for path, entry in data["unmapped"].items()}


def not_carried() -> set[str]:
    records, filled, carried = survey()
    frequent = {p for p, n in filled.items() if n >= SHARE * records}
    return {p for p in frequent if carried[p][0] < 0.5 * carried[p][1]}


def test_the_sample_is_the_real_lido_records() -> None:
    records, _, _ = survey()
    assert records >= 20


def test_every_frequent_lido_element_is_carried_or_listed_as_unmapped() -> None:
    missing = sorted(not_carried() - set(unmapped()))
    assert not missing, (
        "LIDO elements filled in ≥5% of the sample records whose values are not in the graph "
        f"and not listed in {UNMAPPED.name}: {missing}"
    )


def test_every_unmapped_element_has_a_reason_and_is_not_carried_after_all() -> None:
    listed = unmapped()
    assert all(len(reason) > 15 for reason in listed.values()), "each entry needs a reason"
    _, filled, _ = survey()
    stale = sorted(p for p in listed if p not in filled)
    assert not stale, f"listed but no sample record has them (a typo?): {stale}"
    carried_now = sorted(set(listed) - not_carried())
    assert not carried_now, f"listed as unmapped but carried into the graph: {carried_now}"
