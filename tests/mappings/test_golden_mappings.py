"""Golden mapping tests: each case's input must map to exactly its expected.nq.

One case per folder in tests/data/mappings: ``input.*`` (a record as a partner sends it, or
in case.toml the name of a demo or LIDO record, see ``tests.helpers.samples.case_input``),
``case.toml`` (mapping, source name, harvester options) and ``expected.nq``. Compared by
graph isomorphism; a failure prints the triples missing (-) and unexpected (+) per graph.
Set MUSEION_UPDATE_GOLDEN=1 to rewrite expected.nq after a deliberate change, then review it.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from pyoxigraph import Quad, RdfFormat, serialize

import harvesters
from harvesters.files import FilesOptions
from mappings import MappingContext, get_mapping
from tests.conftest import BASE, DATA
from tests.helpers.rdf import dataset_diff, parse_nquads, to_graphs
from tests.helpers.samples import case_input

CASES = sorted(p for p in (DATA / "mappings").iterdir() if p.is_dir())


def map_case(case: Path) -> list[Quad]:
    spec = tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))
    mapping = get_mapping(spec["mapping"], relative_to=case)
    source = spec["source"]
    input_file = case_input(case)
    harvester = harvesters.create_harvester(
        "files",
        harvesters.SourceSpec(
            name=source,
            location=str(input_file),
            options=FilesOptions(**spec.get("options", {})),
            identify=mapping.identify,
        ),
    )
    quads: list[Quad] = []
    context = MappingContext(BASE, source)
    for item in harvester:
        assert isinstance(item, harvesters.SourceRecord), item
        quads.extend(mapping.map(item, context).quads)
    return quads


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_mapping_matches_expected_quads(case: Path) -> None:
    quads = map_case(case)
    expected_file = case / "expected.nq"
    if os.environ.get("MUSEION_UPDATE_GOLDEN"):
        data = serialize(sorted(set(quads), key=str), format=RdfFormat.N_QUADS) or b""
        expected_file.write_bytes(data)
    expected = parse_nquads(expected_file.read_text(encoding="utf-8"))
    diff = dataset_diff(expected, to_graphs(quads))
    assert not diff, f"mapping of {case.name} differs from expected.nq:\n{diff}"


def test_there_are_cases_for_every_shipped_tabular_mapping() -> None:
    mappings_used = {tomllib.loads((c / "case.toml").read_text())["mapping"] for c in CASES}
    assert {"tate", "cmoa"} <= mappings_used
    assert any(name.endswith(".toml") for name in mappings_used), "a partner's own mapping file"
