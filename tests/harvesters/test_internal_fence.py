"""URLs a feed's content gives (a IIIF manifest a record names, a next link, a redirect) may
not send Museion to the machines on its own network, when the partner's own server is on the
public internet: an attacker's records made the harvester probe 127.0.0.1:22 and the cloud
metadata address, and published what they answered in the partner report."""

from __future__ import annotations

import pytest
import requests

from harvesters.http import make_session
from harvesters.webjson import JsonFetcher
from museion_core.errors import HarvestError
from tests.helpers.http import Response, serve

INTERNAL = [
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:22/",
    "http://[::1]/x",
    "http://localhost/x",
    "http://10.1.2.3/",
    "http://192.168.0.1/",
    "http://100.100.100.200/latest/meta-data/",  # shared address space: a cloud's metadata
    "http://[2002:7f00:1::1]/",  # 6to4 of 127.0.0.1
]


@pytest.mark.parametrize("url", INTERNAL)
def test_a_public_partner_s_feed_cannot_send_the_harvester_inside(url: str) -> None:
    fetcher = JsonFetcher(
        source="partner",
        timeout=5,
        max_retries=0,
        delay=0,
        max_response_bytes=10_000,
        max_depth=16,
        headers={},
        home="https://93.184.216.34/api",  # a public address (a name would be looked up)
    )
    with pytest.raises(HarvestError, match=r"own network .* refused"):
        fetcher.get(url)


def test_a_partner_inside_is_not_fenced() -> None:
    """Each request a session sends, a redirect's too, passes the adapter's fence: a public
    partner's session refuses this test's server, a partner on the same network reads it."""
    with serve({"/ok": Response(200, b"{}", {"Content-Type": "application/json"})}) as inside:
        # a partner on Museion's own network (an intranet; these tests) is read as before
        assert make_session(0, home=inside.url).get(inside.url + "/ok", timeout=10).ok
        fenced = make_session(0, home="https://93.184.216.34/")
        with pytest.raises(requests.exceptions.InvalidURL):
            fenced.get(inside.url + "/ok", timeout=10)
    assert inside.hits.get("/ok", 0) == 1


def test_a_name_that_changes_its_answer_cannot_send_the_harvester_inside(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the fence looks a name up and finds a public address, the connection
    looks it up again and finds this server's own. The fence's lookup is made to say "public"
    here; the address the connection reached still refuses it, before a byte is sent."""
    import harvesters.http

    with serve({"/ok": Response(200, b"{}", {"Content-Type": "application/json"})}) as inside:
        fenced = make_session(0, home="https://93.184.216.34/")
        monkeypatch.setattr(harvesters.http, "is_internal_host", lambda host: False)
        with pytest.raises(requests.exceptions.InvalidURL, match=r"reached at 127\.0\.0\.1"):
            fenced.get(inside.url + "/ok", timeout=10)
        monkeypatch.undo()  # a partner on this network still reaches the same server
        assert make_session(0, home=inside.url).get(inside.url + "/ok", timeout=10).ok
    assert inside.hits.get("/ok", 0) == 1


def test_a_public_sparql_endpoint_cannot_redirect_the_harvester_inside(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The SPARQL harvester's requests go through urllib (SPARQLWrapper), not a requests
    session: its redirects pass the same fence. (The endpoint of this test is on this
    machine; the check of the address a connection reaches is told it is public.)"""
    import harvesters.sparql.client
    from harvesters.sparql.client import SparqlClient

    monkeypatch.setattr(harvesters.sparql.client, "is_internal_address", lambda a: False)

    with serve({"/secret": Response(200, b'{"results": {"bindings": []}}')}) as inside:
        moved = Response(302, b"", {"Location": inside.url + "/secret"})
        with serve({"/sparql": moved}) as endpoint:
            client = SparqlClient(
                endpoint.url + "/sparql",
                source="partner",
                max_retries=2,
                home="https://93.184.216.34/sparql",  # as if the endpoint were public
            )
            with pytest.raises(HarvestError, match=r"own network .* refused"):
                client.select("SELECT * WHERE { ?s ?p ?o }")
            assert endpoint.hits["/sparql"] == 1  # refused at once, not retried
            # a partner on this network may redirect within it
            inside_client = SparqlClient(endpoint.url + "/sparql", source="p", home=endpoint.url)
            assert inside_client.select("SELECT * WHERE { ?s ?p ?o }") == []
    assert inside.hits.get("/secret", 0) == 1


def test_a_sparql_endpoint_whose_name_now_answers_an_inside_address_is_refused() -> None:
    """DNS rebinding for the SPARQL harvester (urllib, not a requests session): the endpoint's
    name is public as configured, the connection reaches this server's own network."""
    from harvesters.sparql.client import SparqlClient

    answer = Response(200, b'{"results": {"bindings": []}}')
    with serve({"/sparql": answer}) as inside:
        client = SparqlClient(
            inside.url + "/sparql",
            source="partner",
            max_retries=2,
            home="https://93.184.216.34/sparql",  # the name resolved to a public address once
        )
        with pytest.raises(HarvestError, match=r"reached at 127\.0\.0\.1.* refused") as caught:
            client.select("SELECT * WHERE { ?s ?p ?o }")
        assert "no answer" not in str(caught.value)  # refused at once, not retried
        assert client.requests == 1
    assert inside.hits.get("/sparql", 0) == 0
