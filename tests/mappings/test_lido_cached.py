"""The LIDO mapping's caches (issue 14) change nothing a record maps to: the cached builder
makes the quads and warnings ``RecordBuilder`` makes, for the second record that gives a value
as for the first, and a child-step path reads the elements ElementPath reads."""

from __future__ import annotations

import pytest
from lxml import etree
from pyoxigraph import NamedNode

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping
from mappings.builder import RecordBuilder
from mappings.iris import Minter
from mappings.lido.cached import LidoBuilder
from mappings.lido.reader import L, child, children
from tests.conftest import BASE

LIDO = get_mapping("lido")
GRAPH = NamedNode(BASE + "ddb/record/1")
MINTER = Minter(BASE, "ddb")
SUBJECT = NamedNode(BASE + "ddb/object/1")

VALUES = [
    "https://example.org/page",
    "http://d-nb.info/gnd/118514008",
    "https://www.wikidata.org/wiki/Q5669",
    "javascript:alert(1)",
    "urn:nbn:de:0001-2",
    "a page somewhere",
    "https://example.org/a page with spaces",
    "not an iri at all",
    "",
]


def _both(language: str | None = "de") -> tuple[RecordBuilder, LidoBuilder]:
    return RecordBuilder(GRAPH, MINTER, language), LidoBuilder(GRAPH, MINTER, language)


@pytest.mark.parametrize("value", VALUES)
def test_cached_builder_makes_what_the_builder_makes_every_time(value: str) -> None:
    plain, cached = _both()
    for _ in range(3):  # the second and third calls are answered from the caches
        for builder in (plain, cached):
            builder.iri(value, "web page")
            builder.web_page(SUBJECT, NamedNode(SUBJECT.value + "/page"), value)
            builder.equivalent(SUBJECT, value)
            builder.statement(SUBJECT, NamedNode(SUBJECT.value + "/s"), value or "x", SUBJECT)
            builder.name(SUBJECT, NamedNode(SUBJECT.value + "/n"), value or "x", "xx-invalid!")
    assert cached.quads == plain.quads
    assert cached.warnings == plain.warnings


def test_a_warning_is_given_to_every_record_that_earns_it() -> None:
    payload = (
        b'<lido:lido xmlns:lido="http://www.lido-schema.org"><lido:lidoRecID>w/1</lido:lidoRecID>'
        b"<lido:descriptiveMetadata xml:lang='en'><lido:objectIdentificationWrap>"
        b"<lido:titleWrap><lido:titleSet><lido:appellationValue>T</lido:appellationValue>"
        b"</lido:titleSet></lido:titleWrap></lido:objectIdentificationWrap>"
        b"</lido:descriptiveMetadata><lido:administrativeMetadata xml:lang='en'>"
        b"<lido:recordWrap><lido:recordID>w/1</lido:recordID><lido:recordInfoSet>"
        b"<lido:recordInfoLink>javascript:alert(1)</lido:recordInfoLink></lido:recordInfoSet>"
        b"</lido:recordWrap></lido:administrativeMetadata></lido:lido>"
    )
    record = SourceRecord("ddb", "w/1", payload, "application/xml")
    first = LIDO.map(record, MappingContext(BASE, "ddb"))
    second = LIDO.map(record, MappingContext(BASE, "ddb"))
    assert any("javascript" in w for w in first.warnings)
    assert second.warnings == first.warnings
    assert second.quads == first.quads


@pytest.mark.parametrize(
    "path",
    [
        L + "a",
        f"{L}a/{L}b",
        f"{L}a/{L}b/{L}c",
        f"{L}a/*",
        f".//{L}b",
        f"{L}a/{L}b[1]",
    ],
)
def test_children_reads_what_elementpath_reads(path: str) -> None:
    root = etree.fromstring(
        f'<r xmlns="{L[1:-1]}"><a><b><c>1</c></b><!-- c --><b><c>2</c><c>3</c></b></a><x/>'
        "<a><b/><d/></a><a/></r>"
    )
    expected = list(root.iterfind(path))
    assert expected
    assert list(children(root, path)) == expected
    assert child(root, path) is root.find(path)
