"""Fuzzing: mutated real records (JSON, CSV, LIDO) through the files harvester and the shipped
mappings. Nothing may escape but a quarantine (see ``harness``).

``make test`` runs a short, derandomised pass (a few seconds per target, no example database);
``make fuzz`` runs many more random examples per target (``MUSEION_FUZZ_EXAMPLES``) and keeps
what it finds in ``.hypothesis/`` (not committed) so a failure replays.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from lxml import etree

from mappings import Mapping
from tests.fuzz.harness import EXAMPLES, feed_through, load_mapping
from tests.helpers.samples import case_input

ROOT = Path(__file__).parents[2]
CASES = ROOT / "tests" / "data" / "mappings"
EXAMPLE_FEEDS = ROOT / "museion" / "examples"
LIDO_FILES = ROOT / "tests" / "data" / "lido"


@dataclass(frozen=True)
class Seed:
    """A real record file, the mapping that reads it, and the source options it needs."""

    name: str
    data: bytes
    mapping: str
    suffix: str
    options: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:  # short, for hypothesis' falsifying-example report
        return f"Seed({self.name!r})"


def _golden_seeds() -> list[Seed]:
    seeds = []
    for case in sorted(CASES.iterdir()):
        spec = tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))
        source = case_input(case)
        mapping = spec["mapping"]
        if mapping.endswith(".toml"):
            mapping = str(case / mapping)
        seeds.append(
            Seed(case.name, source.read_bytes(), mapping, source.suffix, spec.get("options", {}))
        )
    return seeds


def _example_seeds() -> list[Seed]:
    seeds = []
    for folder, mapping in (("tate/artworks", "tate"), ("tate/artists", "tate"), ("cmoa", "cmoa")):
        for path in sorted((EXAMPLE_FEEDS / folder).glob("*.json"))[:8]:
            seeds.append(Seed(path.name, path.read_bytes(), mapping, ".json"))
    return seeds


SEEDS = _golden_seeds() + _example_seeds()
JSON_SEEDS = [s for s in SEEDS if s.suffix == ".json"]
CSV_SEEDS = [s for s in SEEDS if s.suffix == ".csv"]
XML_SEEDS = [s for s in SEEDS if s.suffix == ".xml"] + [
    Seed(p.name, p.read_bytes(), "lido", ".xml") for p in sorted(LIDO_FILES.glob("ddb_*.xml"))[:6]
]

_MAPPINGS: dict[str, Mapping] = {}


def mapping_of(seed: Seed) -> Mapping:
    if seed.mapping not in _MAPPINGS:
        _MAPPINGS[seed.mapping] = load_mapping(seed.mapping)
    return _MAPPINGS[seed.mapping]


def fuzz(examples: int) -> settings:
    """``examples`` derandomised examples in ``make test``; ``make fuzz`` sets its own."""
    if EXAMPLES:
        return settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=DirectoryBasedExampleDatabase(ROOT / ".hypothesis" / "fuzz"),
            suppress_health_check=list(HealthCheck),
        )
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# -- mutations -----------------------------------------------------------------------------

HOSTILE_JSON = [
    b"[" * 300,
    b'{"a":' * 150,
    b"99999999999999999999",
    b"-" + b"7" * 5000,
    b"1e999999",
    b"NaN",
    b"-Infinity",
    b'"\\ud800"',
    b'"\\udfff\\ud800"',
    b'"\xed\xa0\x80"',  # a surrogate in UTF-8's form, which json.loads of bytes lets through
    b"1e400",
    b'"\\u0000"',
    b"\\",
    b'"',
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3",
    b",",
    b"]",
    b"}",
    b"null",
    b"\n",
    b'"javascript:alert(1)"',
    b'"<script>alert(1)</script>"',
    b'"\\n\\r\\t\\"\\\\"',
    b'" > <http://evil/> . "',
]
HOSTILE_CSV = [
    b'"',
    b"\n",
    b"\r",
    b"\r\n",
    b";",
    b",",
    b"\t",
    b"|",
    b"\x00",
    b"\xe9",
    b"\xff",
    b'"' + b"x" * 140_000,
    b'""',
    b"=cmd|' /C calc'!A0",
    b"\xef\xbb\xbf",
]
HOSTILE_XML = [
    b"&nbsp;",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b"&#xD800;",
    b'<!DOCTYPE x [<!ENTITY a "b">]>',
    b'<!DOCTYPE x SYSTEM "file:///etc/passwd">',
    b"<![CDATA[",
    b"]]>",
    b"<lido:lido>",
    b"</lido:lido>",
    b'xml:lang="!!"',
    b' xml:lang="" ',
    b"\x00",
    b"<",
    b">",
    b"&",
    b'<?xml version="1.0" encoding="ISO-8859-1"?>',
    b"<x:y>",
    b"\xff",
    b"<lido:lidoRecID>dup</lido:lidoRecID>",
]


@st.composite
def mutated_bytes(draw: st.DrawFn, seeds: list[Seed], hostile: list[bytes]) -> tuple[Seed, bytes]:
    """A seed file with a few byte-level edits: tokens spliced in, ranges cut, duplicated,
    flipped or truncated."""
    seed = draw(st.sampled_from(seeds))
    data = bytearray(seed.data)
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data)))
        span = draw(st.integers(0, 64))
        op = draw(st.sampled_from(["token", "bytes", "cut", "repeat", "flip", "truncate"]))
        if op == "token":
            data[at:at] = draw(st.sampled_from(hostile))
        elif op == "bytes":
            data[at : at + span] = draw(st.binary(min_size=1, max_size=16))
        elif op == "cut":
            del data[at : at + span]
        elif op == "repeat":
            data[at:at] = data[at : at + span] * draw(st.integers(2, 50))
        elif op == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del data[at:]
    return seed, bytes(data)


HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "javascript:alert(document.domain)",
            "<b>bold</b> &amp; <script>x</script>",
            "c. 1650?",
            "-0043",
            "99999999999999999999 cm",
            "\u202e\u0000\ud800",
            "http://",
            "http://exa mple.org/a b",
            "urn:x",
            "1e400",
            "x" * 5000,
        ]
    ),
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**30, max_value=10**40)
    | st.floats()
    | HOSTILE_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(HOSTILE_TEXT, inner, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def mutated_json(draw: st.DrawFn) -> tuple[Seed, bytes]:
    """A seed record with some of its values (or the fields holding them) replaced by hostile
    ones: reaches deep into the mappings, where byte edits mostly make invalid JSON."""
    seed = draw(st.sampled_from(JSON_SEEDS))
    record = json.loads(seed.data)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(_paths(record)[1:] or [()]))
        if not path:
            break
        parent = record
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    return seed, json.dumps(record).encode("utf-8")


XML_TEXT = HOSTILE_TEXT.map(
    lambda t: "".join(c for c in t if c in "\t\n\r" or (" " <= c <= "\ud7ff") or c > "\ue000")
)


@st.composite
def mutated_lido(draw: st.DrawFn) -> tuple[Seed, bytes]:
    """A LIDO file with the text or the language of some elements replaced, or elements
    removed: well-formed, so the LIDO mapping itself is exercised."""
    seed = draw(st.sampled_from(XML_SEEDS))
    root = etree.fromstring(seed.data, etree.XMLParser(resolve_entities=False))
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    for _ in range(draw(st.integers(1, 6))):
        element = draw(st.sampled_from(elements))
        op = draw(st.sampled_from(["text", "lang", "remove", "attribute"]))
        if op == "text":
            element.text = draw(XML_TEXT)
        elif op == "lang":
            element.set("{http://www.w3.org/XML/1998/namespace}lang", draw(XML_TEXT))
        elif op == "attribute":
            element.set("{http://www.lido-schema.org}type", draw(XML_TEXT))
        elif element.getparent() is not None and element is not root:
            parent = element.getparent()
            if parent is not None and element in parent:
                parent.remove(element)
    return seed, etree.tostring(root, xml_declaration=True, encoding="utf-8")


# -- targets -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _run(work: Path, seed: Seed, data: bytes) -> None:
    feed_through(data, work / f"input{seed.suffix}", mapping_of(seed), **seed.options)


@fuzz(60)
@given(case=mutated_bytes(JSON_SEEDS, HOSTILE_JSON))
def test_json_bytes(work: Path, case: tuple[Seed, bytes]) -> None:
    _run(work, *case)


@fuzz(60)
@given(case=mutated_json())
def test_json_values(work: Path, case: tuple[Seed, bytes]) -> None:
    _run(work, *case)


@fuzz(60)
@given(case=mutated_bytes(CSV_SEEDS, HOSTILE_CSV))
def test_csv_bytes(work: Path, case: tuple[Seed, bytes]) -> None:
    _run(work, *case)


@fuzz(30)
@given(case=mutated_bytes(XML_SEEDS, HOSTILE_XML))
def test_lido_bytes(work: Path, case: tuple[Seed, bytes]) -> None:
    _run(work, *case)


@fuzz(30)
@given(case=mutated_lido())
def test_lido_elements(work: Path, case: tuple[Seed, bytes]) -> None:
    _run(work, *case)
