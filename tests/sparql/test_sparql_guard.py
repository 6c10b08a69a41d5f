"""The SERVICE check reads a real SPARQL parse: what it finds, and where it fails closed."""

from __future__ import annotations

import pytest

from museion_core.errors import QueryError
from sparql.guard import (
    ServiceRefused,
    check_nesting,
    check_services,
    check_update,
    might_call_services,
    service_endpoints,
    unescape_codepoints,
    update_calls,
)
from sparql.prefixes import PREFIXES

ENDPOINT = "http://museion.example/sparql"


@pytest.mark.parametrize(
    ("query", "services"),
    [
        ("SELECT * { SERVICE <http://e/sparql> { ?s ?p ?o } }", ["http://e/sparql"]),
        ("PREFIX e: <http://e/>\nSELECT * { SERVICE SILENT e:q { ?s ?p ?o } }", ["http://e/q"]),
        ("SELECT * { SERVICE wd:q { } }", ["http://www.wikidata.org/entity/q"]),
        ("SELECT * { SERVICE ?x { ?s ?p ?o } }", [""]),
        ("BASE <http://e/a/>\nSELECT * { SERVICE <../q> { } }", ["http://e/q"]),
        ("SELECT * { SERVICE <q> { } }", ["http://museion.example/q"]),
        ("SELECT * { SERVICE <//f/q> { } }", ["http://f/q"]),
        ('SELECT * { ?s ?p "SERVICE <http://e/>" } # SERVICE <http://f/>', []),
        ("SELECT * { ?s <http://e/SERVICE> ?o }", []),
        ("SELECT * { ?s ?p '''SERVICE <http://x/>\n''' }", []),
        ("SELECT ?service { ?service ?p ?o }", []),
        (
            "SELECT * { FILTER(1<2&&'x>y') SERVICE <http://i/x> { ?s ?p ?o } FILTER('a'='a') }",
            ["http://i/x"],
        ),
        (
            "SELECT * { ?s ?p ?o FILTER EXISTS { { SELECT * { SERVICE <http://i/> {} } } } }",
            ["http://i/"],
        ),
        ("SELECT * { ſERVICE <http://i/> { } }", ["http://i/"]),
        # a clause inside a clause, which rdflib's own grammar recursed on without end
        (
            "SELECT * { SERVICE <http://a/> { ?s ?p ?o SERVICE <http://b/> { ?s ?q ?r } } }",
            ["http://a/", "http://b/"],
        ),
        (
            "PREFIX wikibase: <http://wikiba.se/ontology#>\n"
            "SELECT * { SERVICE wd:x { ?i ?p ?o SERVICE wikibase:label { ?i ?l ?n } } }",
            ["http://www.wikidata.org/entity/x", "http://wikiba.se/ontology#label"],
        ),
        (
            "SELECT * { SERVICE <http://a/> { { SERVICE <http://b/> { } } UNION "
            "{ SERVICE <http://c/> { SERVICE <http://d/> { } } } } }",
            ["http://a/", "http://b/", "http://c/", "http://d/"],
        ),
    ],
)
def test_service_endpoints_come_from_the_parse(query: str, services: list[str]) -> None:
    assert sorted(service_endpoints(query, ENDPOINT, PREFIXES)) == sorted(services)


def test_a_clause_inside_an_allowed_clause_must_be_allowed_too() -> None:
    """Oxigraph sends the inner clause to the outer endpoint, which would call it from its own
    network: it is checked, and refused with its name (it was 'could not be parsed')."""
    query = "SELECT * { SERVICE <http://a/> { ?s ?p ?o SERVICE <http://b/> { ?s ?q ?r } } }"
    with pytest.raises(ServiceRefused, match="http://b/"):
        check_services(query, ("http://a/",), ENDPOINT, PREFIXES)
    check_services(query, ("http://a/", "http://b/"), ENDPOINT, PREFIXES)
    update = f"INSERT {{ ?s ?p ?o }} WHERE {{ {query.removeprefix('SELECT * ')} }}"
    assert update_calls(update, ENDPOINT, PREFIXES) == [
        ("SERVICE", "http://a/"),
        ("SERVICE", "http://b/"),
    ]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE nope:x { } }",
        "SELECT * { SERVICE <http://a/> { ?s ?p } }",
        "SELECT * { SERVICE \\u003Chttp://a/> { } }",  # an escape left after unescaping once
    ],
)
def test_a_query_that_might_call_a_service_and_cannot_be_parsed_is_refused(query: str) -> None:
    with pytest.raises(QueryError) as caught:
        check_services(query, ("http://a/", "http://b/"), ENDPOINT, PREFIXES)
    assert caught.value.http_status == 400


def test_only_allow_listed_constant_endpoints_pass() -> None:
    allow = ("http://a/sparql",)
    check_services("SELECT * { SERVICE <http://a/sparql> { } }", allow, ENDPOINT, PREFIXES)
    for query in (
        "SELECT * { SERVICE <http://a/sparql/> { } }",
        "SELECT * { SERVICE ?e { } }",
        "SELECT * { SERVICE <http://a/sparql> { } SERVICE <http://b/> { } }",
    ):
        with pytest.raises(ServiceRefused) as caught:
            check_services(query, allow, ENDPOINT, PREFIXES)
        assert caught.value.http_status == 403


def test_a_refusal_says_why_in_plain_words() -> None:
    """With no allow-list (the default) a refused SERVICE said "is not allowed on this endpoint
    (allowed: none)", and a variable one "SERVICE a variable endpoint is not allowed": the
    message now says that federated queries are off, or which endpoints may be called."""
    refusals = {
        ("SELECT * { SERVICE <http://b/> { } }", ()): (
            "SERVICE <http://b/> is not allowed: this endpoint calls no other server "
            "(federated queries are off: its [endpoint] service_allowlist is empty)"
        ),
        ("SELECT * { SERVICE ?e { } }", ("http://a/",)): (
            "SERVICE with a variable endpoint is not allowed: name the endpoint by its IRI; "
            "this endpoint may call only <http://a/>"
        ),
        ("SELECT * { SERVICE <http://b/> { } }", ("http://a/", "http://c/")): (
            "SERVICE <http://b/> is not allowed: this endpoint may call only <http://a/>, <http://c/>"
        ),
    }
    for (query, allow), message in refusals.items():
        with pytest.raises(ServiceRefused) as caught:
            check_services(query, allow, ENDPOINT, PREFIXES)
        assert str(caught.value) == message


def test_codepoint_escapes_are_replaced_once_and_must_be_code_points() -> None:
    assert unescape_codepoints("\\u0053ERVICE \\U0001F600") == "SERVICE \U0001f600"
    assert unescape_codepoints("\\u005Cu0041") == "\\u0041"
    for bad in ("\\uD800", "\\U00110000"):
        with pytest.raises(QueryError):
            unescape_codepoints(bad)


def test_only_queries_with_the_letters_are_parsed() -> None:
    assert might_call_services("select * { serVICE <x> {} }")
    assert not might_call_services("SELECT * { ?s ?p ?o }")


@pytest.mark.parametrize(
    ("update", "calls"),
    [
        ('INSERT DATA { GRAPH <http://g/> { <http://s> <http://p> "Coffee service" } }', []),
        ("INSERT DATA { GRAPH <http://g/> { <http://s> <http://p> 'LOAD <http://e/>' } }", []),
        ("LOAD <http://e/data.ttl> INTO GRAPH <http://g/>", [("LOAD", "http://e/data.ttl")]),
        ("BASE <http://e/a/>\nLOAD SILENT <../d.ttl>", [("LOAD", "http://e/d.ttl")]),
        (
            "CLEAR GRAPH <http://g/> ;\nPREFIX e: <http://e/>\n"
            "INSERT { GRAPH <http://g/> { ?s ?p ?o } } WHERE { SERVICE e:q { ?s ?p ?o } }",
            [("SERVICE", "http://e/q")],
        ),
    ],
)
def test_an_update_calls_only_what_its_operations_say(
    update: str, calls: list[tuple[str, str]]
) -> None:
    """Updates are read with the update grammar: a title in their data is not a clause."""
    assert update_calls(update, ENDPOINT, PREFIXES) == calls
    if calls:
        with pytest.raises(ServiceRefused, match=calls[0][0]):
            check_update(update, (), ENDPOINT, PREFIXES)
    else:
        check_update(update, (), ENDPOINT, PREFIXES)
    check_update(update, tuple(endpoint for _, endpoint in calls), ENDPOINT, PREFIXES)


@pytest.mark.parametrize(
    "query",
    [
        # "<" a comparison, not an IRI, though an IRI's pattern would run to the ">"
        "SELECT * WHERE { ?s ?p ?a FILTER((?a<" + "(" * 300 + "1" + ")" * 300 + ")>0) }",
        # an escaped "#" or quote in a prefixed name is no comment and no string
        "SELECT * WHERE { ?s ?p ex:o\\# FILTER(" + "(" * 300 + "1" + ")" * 300 + ")\n}",
        "SELECT * WHERE { ?s ?p ex:o\\' FILTER(" + "(" * 300 + "1" + ")" * 300 + ") '\n}",
    ],
)
def test_brackets_cannot_hide_from_the_nesting_check(query: str) -> None:
    """Each of these passed the check and crashed a query process even on 512 MiB of stack
    (with 300,000 levels: the review's reproduction)."""
    with pytest.raises(QueryError, match="nests brackets more than"):
        check_nesting(query)
