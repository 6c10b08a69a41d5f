"""The lexer-based facts the endpoint reads off updates, and content negotiation."""

from __future__ import annotations

import pytest
from pyoxigraph import Store

from sparql.analysis import analyse_update, with_using
from sparql.negotiation import (
    GRAPH_FORMATS,
    RESULTS_FORMATS,
    NotAcceptable,
    accepts_html,
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
