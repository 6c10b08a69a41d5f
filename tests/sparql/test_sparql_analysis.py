"""The lexer-based facts the endpoint reads off updates, and content negotiation."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store, Triple, serialize

from museion_core.errors import QueryError
from sparql.analysis import analyse_update, with_using
from sparql.negotiation import (
    GRAPH_FORMATS,
    RESULTS_FORMATS,
    Format,
    NotAcceptable,
    accepts_html,
    check_xml_characters,
    negotiate,
)


def test_updates_writing_the_default_graph_are_found() -> None:
    update = """PREFIX f: <http://f/>
    INSERT DATA { GRAPH <http://g> { <http://a> a f:D } } ;
    INSERT DATA { <http://a> <http://b> <http://c> } ;
    WITH <http://g> DELETE { ?a ?b ?c } WHERE { ?a ?b ?c } ;
    DELETE { ?a ?b ?c } WHERE { ?a ?b ?c } ;
    DELETE WHERE { GRAPH ?g { ?s ?p ?o } } ;
    LOAD <http://x> ; LOAD <http://x> INTO GRAPH <http://y> ;
    CLEAR ALL ; DROP DEFAULT ; ADD <http://a> TO DEFAULT ; COPY DEFAULT TO <http://b>"""
    ops = analyse_update(update).operations
    assert [(op.kind, op.writes_default_graph) for op in ops] == [
        ("INSERT DATA", False),
        ("INSERT DATA", True),
        ("MODIFY", False),
        ("MODIFY", True),
        ("DELETE WHERE", False),
        ("LOAD", True),
        ("LOAD", False),
        ("CLEAR", False),
        ("DROP", True),
        ("ADD", True),
        ("COPY", False),
    ]


def test_using_graph_uri_becomes_using_clauses() -> None:
    update = (
        "INSERT { GRAPH <http://t> { ?s a <http://B> } } WHERE { ?s a <http://D> } ;\n"
        "DELETE WHERE { GRAPH <http://g> { ?s ?p ?o } } ;"
    )
    info = analyse_update(update)
    text = with_using(update[: info.end], info, ["http://d"], ["http://n"])
    assert text == (
        "INSERT { GRAPH <http://t> { ?s a <http://B> } } USING <http://d> USING NAMED <http://n> "
        "WHERE { ?s a <http://D> } ;\n"
        "DELETE { GRAPH <http://g> { ?s ?p ?o } } USING <http://d> USING NAMED <http://n> "
        "WHERE { GRAPH <http://g> { ?s ?p ?o } }"
    )
    Store().update(text)


@pytest.mark.parametrize(
    ("accept", "name"),
    [
        (None, "json"),
        ("*/*", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.4", "csv"),
        ("application/json", "json"),
        ("text/*", "csv"),
        ("application/sparql-results+json;q=0, */*", "xml"),
    ],
)
def test_negotiation(accept: str | None, name: str) -> None:
    assert negotiate(accept, RESULTS_FORMATS).name == name


@pytest.mark.parametrize(
    ("accept", "offered", "name"),
    [
        ("application/xml, */*", GRAPH_FORMATS, "rdfxml"),
        ("text/plain, */*", GRAPH_FORMATS, "nt"),
        ("application/json, */*", GRAPH_FORMATS, "jsonld"),
        ("text/xml, */*", RESULTS_FORMATS, "xml"),
        ("text/*, application/json", GRAPH_FORMATS, "jsonld"),
        # axios's and Angular's default: whatever it names, not Turtle, which it does not
        ("application/json, text/plain, */*", GRAPH_FORMATS, "nt"),
        ("*/*", GRAPH_FORMATS, "ttl"),
        ("text/*", GRAPH_FORMATS, "ttl"),
    ],
)
def test_a_type_the_client_names_beats_one_its_wildcard_lets_in(
    accept: str, offered: tuple[Format, ...], name: str
) -> None:
    """A type named by one of its aliases (``application/json`` for JSON-LD, ``text/plain``
    for N-Triples, ``application/xml`` for RDF/XML) lost to the default format, which the
    same header let in only through ``*/*`` at the same q."""
    assert negotiate(accept, offered).name == name


def test_negotiation_refuses_and_a_servable_format_parameter_wins() -> None:
    with pytest.raises(NotAcceptable):
        negotiate("image/png", RESULTS_FORMATS)
    assert negotiate("text/csv", GRAPH_FORMATS, "turtle").name == "ttl"
    # a format that names nothing servable is a hint that yields to Accept
    assert negotiate(None, GRAPH_FORMATS, "csv") == GRAPH_FORMATS[0]
    with pytest.raises(NotAcceptable):
        negotiate("image/png", GRAPH_FORMATS, "csv")


def test_browsers_get_html_and_rdf_clients_do_not() -> None:
    assert accepts_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert not accepts_html("text/turtle")
    assert not accepts_html("*/*")
    assert not accepts_html("text/turtle, text/html;q=0.5")


def test_xml_answers_refuse_characters_xml_cannot_carry() -> None:
    """Shared by the endpoint's answers, entity pages and VoID: each wrote RDF/XML itself."""
    by_name = {f.name: f for f in (*GRAPH_FORMATS, *RESULTS_FORMATS)}
    body = serialize(
        [Triple(NamedNode("http://e/s"), NamedNode("http://e/p"), Literal("bad\x01ctl"))],
        format=RdfFormat.RDF_XML,
    )
    assert body is not None
    assert b"\x01" in body  # pyoxigraph writes it as it is
    with pytest.raises(QueryError, match="U\\+0001") as refused:
        check_xml_characters(by_name["rdfxml"], body)
    assert refused.value.http_status == 406
    check_xml_characters(by_name["ttl"], b'"bad\x01ctl"')  # Turtle escapes it: not refused
    check_xml_characters(by_name["rdfxml"], b"<rdf:RDF>caf\xc3\xa9</rdf:RDF>")
