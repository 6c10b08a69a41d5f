"""Link fields (web pages, images, LIDO resource links): only http(s) becomes a link.

A partner's ``javascript:alert(document.domain)`` in a web-page field once became a clickable
link on the entity page. Both mappings must turn only http(s) URLs into IRIs, keep
identifiers and text as text, refuse every other scheme — and say so in the record's
warnings, never dropping a value silently.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from harvesters import SourceRecord
from mappings import MappingContext, MappingResult, get_mapping
from mappings.declarative.engine import DeclarativeMapping
from mappings.declarative.schema import MappingFile
from mappings.links import LinkKind, classify_link
from museion_core.vocab import CRM, LA
from tests.conftest import BASE

HOSTILE = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    "javascript: alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("https://example.org/a.jpg", LinkKind.WEB),
        ("HTTP://example.org/", LinkKind.WEB),
        ("urn:nbn:de:0001-123", LinkKind.IDENTIFIER),
        ("doi:10.1000/182", LinkKind.IDENTIFIER),
        ("I11.jpg", LinkKind.IDENTIFIER),
        ("see the catalogue, p. 3", LinkKind.TEXT),
        ("Note: no image yet", LinkKind.TEXT),
        ("mailto:someone@example.org", LinkKind.REFUSED),
        (" java\tscr\nipt:alert(1)", LinkKind.REFUSED),  # browsers drop tabs and newlines
        *((value, LinkKind.REFUSED) for value in HOSTILE),
    ],
)
def test_link_values_are_classified_as_a_browser_reads_them(value: str, kind: LinkKind) -> None:
    assert classify_link(value).kind is kind


def _declarative(record: dict[str, Any]) -> MappingResult:
    spec = {
        "mapping": {"name": "m", "language": "en"},
        "object": {"id": "id", "web_pages": "pages[]", "images": "images[]"},
    }
    mapping = DeclarativeMapping(MappingFile.model_validate(spec))
    payload = json.dumps({"id": "1", **record}).encode()
    return mapping.map(SourceRecord("m", "1", payload), MappingContext(BASE, "m"))


def _lido(links: list[str]) -> MappingResult:
    resources = "".join(
        "<lido:resourceSet><lido:resourceRepresentation>"
        f"<lido:linkResource>{link.replace('<', '&lt;')}</lido:linkResource>"
        "</lido:resourceRepresentation></lido:resourceSet>"
        for link in links
    )
    pages = "".join(
        f"<lido:recordInfoLink>{link.replace('<', '&lt;')}</lido:recordInfoLink>" for link in links
    )
    payload = (
        '<lido:lido xmlns:lido="http://www.lido-schema.org"><lido:lidoRecID>t/1</lido:lidoRecID>'
        "<lido:descriptiveMetadata><lido:objectIdentificationWrap><lido:titleWrap><lido:titleSet>"
        "<lido:appellationValue>A title</lido:appellationValue></lido:titleSet></lido:titleWrap>"
        "</lido:objectIdentificationWrap></lido:descriptiveMetadata>"
        "<lido:administrativeMetadata><lido:recordWrap><lido:recordID>t/1</lido:recordID>"
        f"<lido:recordInfoSet>{pages}</lido:recordInfoSet></lido:recordWrap>"
        f"<lido:resourceWrap>{resources}</lido:resourceWrap></lido:administrativeMetadata>"
        "</lido:lido>"
    ).encode()
    return get_mapping("lido").map(
        SourceRecord("ddb", "t/1", payload, "application/xml"), MappingContext(BASE, "ddb")
    )


def _iris(quads: list[Quad]) -> set[str]:
    return {t.value for q in quads for t in (q.subject, q.object) if isinstance(t, NamedNode)}


def _texts(quads: list[Quad]) -> set[str]:
    return {q.object.value for q in quads if isinstance(q.object, Literal)}


def _access_points(quads: list[Quad]) -> set[str]:
    return {
        q.object.value
        for q in quads
        if q.predicate == LA.access_point and isinstance(q.object, NamedNode)
    }


@pytest.mark.parametrize("mapper", ["declarative", "lido"])
def test_hostile_schemes_are_refused_with_a_warning(mapper: str) -> None:
    if mapper == "declarative":
        result = _declarative({"pages": HOSTILE, "images": HOSTILE})
    else:
        result = _lido(HOSTILE)
    for value in HOSTILE:
        assert not any(value.strip() in iri for iri in _iris(result.quads)), value
        assert value.strip() not in _texts(result.quads), value
        assert any(repr(value.strip()) in w and "refused" in w for w in result.warnings), (
            value,
            result.warnings,
        )
    assert _access_points(result.quads) == set()


@pytest.mark.parametrize("mapper", ["declarative", "lido"])
def test_identifiers_and_text_are_kept_as_text_with_a_warning(mapper: str) -> None:
    values = ["urn:nbn:de:0001-123", "doi:10.1000/182", "see the catalogue, p. 3"]
    web = "https://example.org/img/1.jpg"
    if mapper == "declarative":
        result = _declarative({"pages": values, "images": [*values, web]})
    else:
        result = _lido([*values, web])
    texts = _texts(result.quads)
    for value in values:
        assert value in texts, value
        assert not any(value in iri for iri in _iris(result.quads)), value
        assert any(repr(value) in w and "kept as" in w for w in result.warnings), value
    assert _access_points(result.quads) == {web}
    kept = {
        q.object.value
        for q in result.quads
        if q.predicate == CRM.P190_has_symbolic_content and isinstance(q.object, Literal)
    }
    assert kept >= set(values)
