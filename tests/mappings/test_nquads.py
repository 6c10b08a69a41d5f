"""The N-Quads writer's two escaping functions against hostile input: whatever ``iri`` and
``literal`` write, pyoxigraph parses back to the very term, or the function refuses it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from mappings.nquads import NQuadsError, iri, literal, term

S, P, G = "<http://a.example/s>", "<http://a.example/p>", "<http://a.example/g>"
HOSTILE = [
    "",
    '"',
    "\\",
    '\\"',
    "a\nb\rc\r\n",
    "".join(chr(c) for c in range(0x20)),
    "\x7f\ufffe\uffff",
    '<>{}|^`" space',
    "\\u0022 \\U0001F600 \\n",
    '" <http://evil/> <http://evil/> .\n<x> <y> "z',
    "é ☃ 𝄞 \u2028\u2029",
    "x" * 200_000,
]
LANGUAGES = st.sampled_from([None, "en", "de-ch", "fr"])
DATATYPES = st.sampled_from(
    [
        None,
        "http://www.w3.org/2001/XMLSchema#string",
        "http://www.w3.org/2001/XMLSchema#decimal",
        "http://www.w3.org/2001/XMLSchema#dateTime",
    ]
)


def parsed_object(text: str) -> object:
    [quad] = parse(f"{S} {P} {text} {G} .\n".encode(), format=RdfFormat.N_QUADS)
    assert isinstance(quad, Quad)
    return quad.object


def expected_literal(value: str, language: str | None, datatype: str | None) -> Literal:
    if language:
        return Literal(value, language=language)
    return Literal(value, datatype=NamedNode(datatype) if datatype else None)


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_literals_parse_back_to_themselves(value: str) -> None:
    for language, datatype in [
        (None, None),
        ("en", None),
        (None, "http://www.w3.org/2001/XMLSchema#string"),
        (None, "http://www.w3.org/2001/XMLSchema#decimal"),
    ]:
        written = literal(value, language, datatype)
        assert "\n" not in written
        assert "\r" not in written
        assert parsed_object(written) == expected_literal(value, language, datatype)


@settings(max_examples=400, deadline=None)
@given(st.text(), LANGUAGES, DATATYPES)
def test_any_text_parses_back_to_the_same_literal(
    value: str, language: str | None, datatype: str | None
) -> None:
    assert parsed_object(literal(value, language, datatype)) == expected_literal(
        value, language, datatype
    )


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_term_of_a_hostile_literal_is_what_literal_writes(value: str) -> None:
    for language, datatype in [
        (None, None),
        ("de-ch", None),
        (None, "http://www.w3.org/2001/XMLSchema#string"),
        (None, "http://www.w3.org/2001/XMLSchema#dateTime"),
    ]:
        written = term(expected_literal(value, language, datatype))
        assert written == literal(value, language, datatype)


@settings(max_examples=400, deadline=None)
@given(st.text(), LANGUAGES, DATATYPES)
def test_term_of_any_literal_is_what_literal_writes(
    value: str, language: str | None, datatype: str | None
) -> None:
    try:
        node = expected_literal(value, language, datatype)
    except (ValueError, UnicodeEncodeError):  # a lone surrogate: no literal holds one
        return
    assert term(node) == literal(value, language, datatype)


@pytest.mark.parametrize("value", ["a\ud800b", "\udfff", "x\udc80"])
def test_a_lone_surrogate_is_refused_with_a_reason(value: str) -> None:
    with pytest.raises(NQuadsError, match="lone surrogate"):
        literal(value)


@pytest.mark.parametrize(
    "value",
    [
        "http://a.example/x y",
        "http://a b.example/",
        "http://a.example/<x>",
        "http://a.example/{x}",
        'http://a.example/"',
        "http://a.example/a>b",
        "http://a.example/\\",
        "http://a.example/\n",
        "http://a.example/\ud800",
        "http://host:80abc",
        "http://a.example/#a#b",
        "http://a.example/%zz",
        "not an iri",
        "",
        "relative/path",
        "http://a.example/" + "x" * 100_000 + " ",
    ],
)
def test_hostile_iris_are_refused(value: str) -> None:
    with pytest.raises(NQuadsError, match="not a valid IRI"):
        iri(value)


@pytest.mark.parametrize(
    "value",
    [
        "http://a.example/x?q=1&r=%20#frag/?",
        "https://data.example.org/tate/object/N%2001",
        "http://a.example/tōkyō",
        "urn:isbn:0451450523",
        "http://a.example/" + "x" * 100_000,
    ],
)
def test_valid_iris_parse_back_to_themselves(value: str) -> None:
    assert parsed_object(iri(value)) == NamedNode(value)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.builds(lambda tail: "http://a.example/" + tail, st.text()),
    )
)
def test_iri_writes_exactly_what_oxigraph_accepts(value: str) -> None:
    """Refused iff Oxigraph refuses it; when written, it parses back to the same IRI."""
    try:
        node = NamedNode(value)
    except (ValueError, UnicodeEncodeError):
        with pytest.raises(NQuadsError):
            iri(value)
        return
    assert parsed_object(iri(value)) == node


@pytest.mark.parametrize(
    "value",
    [
        "http://a.example/x?q=1&r=%20#frag/?",
        "https://data.example.org/tate/object/N%2001",
        "http://a.example/tōkyō",
        "http://a.example/\u00e9\U0001d11e",
        "urn:isbn:0451450523",
        "http://a.example/" + "x" * 100_000,
    ],
)
def test_term_of_a_named_node_is_what_iri_writes(value: str) -> None:
    assert term(NamedNode(value)) == iri(value)


@settings(max_examples=400, deadline=None)
@given(st.builds(lambda tail: "http://a.example/" + tail, st.text()))
def test_term_of_any_named_node_is_what_iri_writes(value: str) -> None:
    try:
        node = NamedNode(value)
    except (ValueError, UnicodeEncodeError):  # no named node: nothing for term to write
        return
    assert term(node) == iri(value)
