"""The map stage's shortcuts (issue 14) give what the long way gives: the payload's field paths
read off the mapping's own parse, clean_text's return of clean ASCII as it is, and the flat
check that passes plain IRIs without the nested pattern."""

from __future__ import annotations

import json
import re
import unicodedata
import zlib
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pyoxigraph import NamedNode, RdfFormat, parse

from harvesters import SourceRecord
from mappings import Mapping, MappingContext, ReferencePath, get_mapping
from mappings.builder import RecordBuilder
from mappings.declarative.engine import DeclarativeMapping
from mappings.declarative.schema import MappingFile
from mappings.iris import Minter, encode_id
from mappings.normalise.text import clean_text
from mappings.nquads import _SAFE_IRI, _plain
from museion.coverage import payload_fields
from museion.demo import examples_dir
from museion.mapper import Mapped, map_record
from museion_core.errors import MappingError
from publish import statement_count
from tests.conftest import BASE


def _mapping(html: bool) -> DeclarativeMapping:
    spec: dict[str, Any] = {
        "mapping": {"name": "m", "language": "en", "html": html},
        "object": {"id": "id", "titles": "title", "description": "note"},
    }
    return DeclarativeMapping(MappingFile.model_validate(spec))


RECORD = {
    "id": "1",
    "title": "<i>Sea</i> study",
    "note": "<br/>",  # markup only: empty once stripped, yet a field the partner filled
    "empty": "",
    "none": None,
    "zero": 0,
    "parts": [{"name": "frame", "size": ""}, {"name": ""}, [{"deep": "x"}]],
    "meta": {"": "keyless", "tags": []},
    "": "a value with no key at all: no field path",
}


@pytest.mark.parametrize("html", [True, False])
def test_compiled_path_fields_equal_payload_fields(html: bool) -> None:
    payload = json.dumps(RECORD).encode()
    item = SourceRecord("m", "1", payload)
    outcome = map_record(_mapping(html), item, MappingContext(BASE, "m"))
    assert isinstance(outcome, Mapped), outcome
    expected = payload_fields(item.media_type, payload)
    assert {"note", "parts.deep", "meta."} <= expected
    assert not {"", "empty", "none", "meta.tags"} & expected
    assert outcome.fields.split("\n") == sorted(expected)


_SPACE = re.compile(r"\s+")

TEXTS = [
    "",
    " ",
    "plain text",
    " leading",
    "trailing ",
    "double  space",
    "tab\tinside",
    "new\nline",
    "carriage\rreturn",
    "vertical\x0btab",
    "form\x0cfeed",
    "unit\x1fseparator",
    "file\x1cseparator",
    "bell\x07kept",
    "delete\x7fkept",
    "<i>not stripped without html</i>",
    "Cafe\u0301",  # not ASCII: the NFC path composes it
    "no\u00a0break",
]


@pytest.mark.parametrize("text", TEXTS)
def test_clean_text_shortcut_equals_the_full_normalisation(text: str) -> None:
    full = _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    assert clean_text(text) == full


IRI_TAILS = st.text(alphabet="az09-._~!$&'()*+,;=:@/?#%<> \"{}|^`\\\u00e9\n", max_size=24)
IRI_HEADS = st.sampled_from(
    ["https://data.example.org", "http://h:8080", "urn:x", "HTTP://h", "https://", "a+b://h.x"]
)


@settings(max_examples=600, deadline=None)
@given(IRI_HEADS, IRI_TAILS)
@example("https://data.example.org", "/object/a b")
@example("https://data.example.org", "/object/<a>")
@example("https://data.example.org", "/object/%2")
@example("https://data.example.org", "/object/%2F%3a/x%")
@example("https://data.example.org", "/object/%%41")
@example("https://data.example.org", "/object/%4%41")
@example("https://data.example.org", "/cmoa%3Athings%2F1/title/1")
@example("https://data.example.org", "/object/a#b#c")
@example("https://data.example.org", "/object/\u00e9")
@example("https://data.example.org", "?q=1/2?3")
@example("https://data.example.org", ":80/a")
def test_plain_iri_check_is_the_safe_one_without_a_hash(head: str, tail: str) -> None:
    value = head + tail
    plain = _plain(value)
    safe = _SAFE_IRI.fullmatch(value) is not None
    if "#" in value:
        assert not plain or safe  # never wider: what it passes needs no check
    else:
        assert plain == safe


@pytest.mark.parametrize(
    ("where", "value"),
    [("title", "Broken \ud83d emoji"), ("creator", "cmoa:parties/x\udc80"), ("medium", "\udfff")],
)
@pytest.mark.parametrize("compiled", [True, False])
def test_a_lone_surrogate_costs_its_record_with_the_reason(
    where: str, value: str, compiled: bool
) -> None:
    """Half of a UTF-16 pair, written out in UTF-8's form (bytes ``ED A0 80``, which
    ``json.loads`` of bytes lets through), is no character: no text in the store can carry it.
    Its record is quarantined with that reason by either path, as a fault of the record, not
    "a fault in the mapping" (which it was, with a ``UnicodeEncodeError``)."""
    sample = sorted((examples_dir() / "cmoa").glob("*.json"))[0]
    record = json.loads(sample.read_bytes())
    if where == "creator":
        record["creator"][0]["artist_id"] = value
    else:
        record[where] = value
    mapping: Mapping = get_mapping("cmoa")
    if not compiled:  # the reference path: quads built one by one, then serialised
        mapping = ReferencePath(mapping)
    payload = json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass")
    outcome = map_record(mapping, SourceRecord("cmoa", "1", payload), MappingContext(BASE, "cmoa"))
    assert isinstance(outcome, str)
    assert "holds a lone surrogate" in outcome, outcome
    assert "fault in the mapping" not in outcome


def test_a_text_no_store_can_carry_is_a_mapping_error() -> None:
    """A mapping that takes a lone surrogate from elsewhere than a partner's JSON (which the
    readers refuse) has its record quarantined with the reason too: the builder's literals and
    the minted identifiers refuse it as ``MappingError``, never as a ``UnicodeEncodeError``."""
    builder = RecordBuilder(NamedNode(BASE + "m/record/1"), Minter(BASE, "m"))
    with pytest.raises(MappingError, match=r"lone surrogate \(U\+D83D\)"):
        builder.text("Broken \ud83d emoji")
    with pytest.raises(MappingError, match=r"lone surrogate \(U\+DC80\)"):
        encode_id("x\udc80")


@pytest.mark.parametrize("compiled", [True, False])
def test_a_records_statements_are_counted_by_one_function(compiled: bool) -> None:
    """The map stage counts a record's statements (a run's ``quads``), and ``drop_held`` takes
    as many back for a record a remap found unchanged: both are ``publish.statement_count`` of
    the staged text (``drop_held`` counted its non-blank lines on its own), one a line, also
    for a record whose texts hold line breaks of every kind."""
    sample = sorted((examples_dir() / "cmoa").glob("*.json"))[0]
    record = json.loads(sample.read_bytes())
    record["title"] = "one\r\ntwo\rthree\u2028four\x85five\x0bsix\x0cseven\n\neight"
    mapping: Mapping = get_mapping("cmoa")
    if not compiled:
        mapping = ReferencePath(mapping)
    payload = json.dumps(record).encode()
    outcome = map_record(mapping, SourceRecord("cmoa", "1", payload), MappingContext(BASE, "cmoa"))
    assert isinstance(outcome, Mapped), outcome
    text = zlib.decompress(outcome.packed)
    assert outcome.count == statement_count(text) == len(list(parse(text, RdfFormat.N_QUADS)))
    assert outcome.count > 10
