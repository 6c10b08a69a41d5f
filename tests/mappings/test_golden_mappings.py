"""Golden mapping tests: each case's input must map to exactly its expected.nq.

One case per folder in tests/data/mappings: ``input.*`` (a record as a partner sends it, or
in case.toml the name of a demo or LIDO record, see ``tests.helpers.samples.case_input``),
``case.toml`` (mapping, source name, harvester options) and ``expected.nq``. Compared by
graph isomorphism; a failure prints the triples missing (-) and unexpected (+) per graph.
Set MUSEION_UPDATE_GOLDEN=1 to rewrite expected.nq after a deliberate change, then review it.

A mapping that also writes N-Quads itself (the compiled path, ``CompiledMapping.map_nquads``)
must give, on every case and every bundled sample record, the very quads of its reference path
(``map``), compared as sets, with the same coverage flags.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from pyoxigraph import Quad, RdfFormat, parse, serialize

import harvesters
from harvesters.files import FilesOptions
from mappings import CompiledMapping, Mapping, MappingContext, get_mapping
from museion.coverage import LINKS, Coverage, coverage_flags, coverage_flags_text
from museion.demo import examples_dir
from publish import statement_count
from tests.conftest import BASE, DATA
from tests.helpers.rdf import dataset_diff, parse_nquads, to_graphs
from tests.helpers.samples import case_input

CASES = sorted(p for p in (DATA / "mappings").iterdir() if p.is_dir())


def case_records(case: Path) -> tuple[Mapping, MappingContext, list[harvesters.SourceRecord]]:
    spec = tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))
    mapping = get_mapping(spec["mapping"], relative_to=case)
    input_file = case_input(case)
    options = FilesOptions(**spec.get("options", {}))
    context = MappingContext(BASE, spec["source"])
    return mapping, context, read_records(mapping, spec["source"], input_file, options)


def read_records(
    mapping: Mapping, source: str, location: Path, options: FilesOptions
) -> list[harvesters.SourceRecord]:
    spec = harvesters.SourceSpec(
        name=source, location=str(location), options=options, identify=mapping.identify
    )
    records = []
    for item in harvesters.create_harvester("files", spec):
        assert isinstance(item, harvesters.SourceRecord), item
        records.append(item)
    return records


def map_case(case: Path) -> list[Quad]:
    mapping, context, records = case_records(case)
    return [quad for item in records for quad in mapping.map(item, context).quads]


def assert_compiled_path_agrees(
    mapping: CompiledMapping, context: MappingContext, item: harvesters.SourceRecord
) -> None:
    """The compiled path writes the reference path's quads (as a set), flags and extras."""
    reference = mapping.map(item, context)
    compiled = mapping.map_nquads(item, context, LINKS)
    written = set(parse(compiled.nquads.encode("utf-8"), format=RdfFormat.N_QUADS))
    expected = set(reference.quads)
    assert written == expected, (
        f"{item.local_id}: compiled path differs; missing {sorted(map(str, expected - written))}"
        f" unexpected {sorted(map(str, written - expected))}"
    )
    # as many statements, none twice: what the map stage counts (``statement_count``)
    assert statement_count(compiled.nquads.encode("utf-8")) == len(reference.quads)
    assert (compiled.graph, compiled.subject, compiled.kind) == (
        reference.graph.value,
        reference.subject.value,
        reference.kind,
    )
    assert compiled.warnings == reference.warnings
    assert compiled.local_terms == reference.local_terms
    assert compiled.unparsed == reference.unparsed
    if reference.kind == "object":
        flags = coverage_flags(reference.subject, reference.quads, predicates=None)
        assert coverage_flags_text(compiled.subject, compiled.links) == flags


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


COMPILED_CASES = [
    c
    for c in CASES
    if isinstance(
        get_mapping(tomllib.loads((c / "case.toml").read_text())["mapping"], relative_to=c),
        CompiledMapping,
    )
]


@pytest.mark.parametrize("case", COMPILED_CASES, ids=[c.name for c in COMPILED_CASES])
def test_compiled_path_gives_the_reference_quads(case: Path) -> None:
    mapping, context, records = case_records(case)
    assert isinstance(mapping, CompiledMapping)
    assert records
    for item in records:
        assert_compiled_path_agrees(mapping, context, item)


@pytest.mark.parametrize("source", ["tate", "cmoa"])
def test_compiled_path_gives_the_reference_quads_on_every_sample_record(source: str) -> None:
    mapping = get_mapping(source)
    assert isinstance(mapping, CompiledMapping)
    records = read_records(mapping, source, examples_dir() / source, FilesOptions())
    assert len(records) > 100
    for item in records:
        assert_compiled_path_agrees(mapping, MappingContext(BASE, source), item)


def test_there_are_cases_for_every_shipped_tabular_mapping() -> None:
    mappings_used = {tomllib.loads((c / "case.toml").read_text())["mapping"] for c in CASES}
    assert {"tate", "cmoa"} <= mappings_used
    assert any(name.endswith(".toml") for name in mappings_used), "a partner's own mapping file"


RIGHTS_CASES = [
    c
    for c in CASES
    if any(
        word in (c / "expected.nq").read_text(encoding="utf-8")
        for word in ("P104_is_subject_to", "aat/300435434>")
    )
]


@pytest.mark.parametrize("case", RIGHTS_CASES, ids=[c.name for c in RIGHTS_CASES])
def test_rights_mapped_for_an_object_or_its_image_are_counted(case: Path) -> None:
    """The report's "rights" share counts an object whose rights are stated: a right it or its
    image is subject to (LIDO's rights, Linked Art's ``subject_to``) or a rights statement
    (Tate's, on the image). LIDO partners' rights were counted 0% before."""
    mapping, context, records = case_records(case)
    objects = [m for m in (mapping.map(item, context) for item in records) if m.kind == "object"]
    assert objects
    assert any(coverage_flags(m.subject, m.quads) & Coverage.RIGHTS for m in objects), case.name
