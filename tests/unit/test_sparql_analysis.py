"""The lexer-based facts the endpoint reads off queries and updates before running them."""

from __future__ import annotations

import pytest
from pyoxigraph import Store

from sparql.analysis import analyse_query, analyse_update, with_limit, with_using
from sparql.negotiation import (
    GRAPH_FORMATS,
    RESULTS_FORMATS,
    NotAcceptable,
    accepts_html,
    negotiate,
)


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("PREFIX a: <http://a/>\nBASE <http://b/>\nask { ?s a:p ?o }", "ASK"),
        ("# comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://x>", "DESCRIBE"),
        ("INSERT DATA { <a> <b> <c> }", None),
        ("", None),
    ],
)
def test_query_form(query: str, form: str | None) -> None:
    assert analyse_query(query).form == form


@pytest.mark.parametrize(
    ("query", "services"),
    [
        ("SELECT * { SERVICE <http://e/sparql> { ?s ?p ?o } }", ("http://e/sparql",)),
        ("PREFIX e: <http://e/>\nSELECT * { SERVICE SILENT e:q { ?s ?p ?o } }", ("http://e/q",)),
        ("SELECT * { SERVICE ?x { ?s ?p ?o } }", ("",)),
        ("BASE <http://e/a/>\nSELECT * { SERVICE <../q> { } }", ("http://e/q",)),
        ('SELECT * { ?s ?p "SERVICE <http://e/>" } # SERVICE <http://f/>', ()),
        ("SELECT * { ?s <http://e/SERVICE> ?o . ?s ex:SERVICE ?o }", ()),
        ("SELECT * { \\u0053ERVICE <http://e/> {} }", ("http://e/",)),
        ("SELECT * { ?s ?p '''SERVICE <http://x/>\n''' }", ()),
    ],
)
def test_service_clauses_are_found_by_tokens_not_text(
    query: str, services: tuple[str, ...]
) -> None:
    assert analyse_query(query).services == services


@pytest.mark.parametrize(
    ("query", "limited"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o }\nLIMIT 11\n"),
        ("SELECT * { ?s ?p ?o } LIMIT 500", "SELECT * { ?s ?p ?o } LIMIT 11"),
        ("SELECT * { ?s ?p ?o } LIMIT 5", "SELECT * { ?s ?p ?o } LIMIT 5"),
        (
            "SELECT * { ?s ?p ?o } OFFSET 3 # end",
            "SELECT * { ?s ?p ?o } OFFSET 3 # end\nLIMIT 11\n",
        ),
        (
            "SELECT * { { SELECT * { ?s ?p ?o } LIMIT 99 } } VALUES ?s { <http://a> }",
            "SELECT * { { SELECT * { ?s ?p ?o } LIMIT 99 } } LIMIT 11\nVALUES ?s { <http://a> }",
        ),
    ],
)
def test_outer_limit(query: str, limited: str) -> None:
    rewritten = with_limit(analyse_query(query), 11)
    assert rewritten == limited
    Store().query(rewritten)  # still valid SPARQL


def test_codepoint_escapes_apply_before_the_limit_is_placed() -> None:
    query = "SELECT * { ?s ?p ?o } \\u004CIMIT 500 VALUES ?s { <http://a> }"
    rewritten = with_limit(analyse_query(query), 11)
    assert rewritten == "SELECT * { ?s ?p ?o } LIMIT 11 VALUES ?s { <http://a> }"


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


def test_negotiation_refuses_and_format_parameter_wins() -> None:
    with pytest.raises(NotAcceptable):
        negotiate("image/png", RESULTS_FORMATS)
    assert negotiate("text/csv", GRAPH_FORMATS, "turtle").name == "ttl"
    with pytest.raises(NotAcceptable):
        negotiate(None, GRAPH_FORMATS, "csv")


def test_browsers_get_html_and_rdf_clients_do_not() -> None:
    assert accepts_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert not accepts_html("text/turtle")
    assert not accepts_html("*/*")
    assert not accepts_html("text/turtle, text/html;q=0.5")
