"""The tests' own OAI-PMH repository answers as the OAI-PMH 2.0 specification says, over HTTP.

The harvester tests trust this server, so its answers are checked here against the
specification (openarchives.org/OAI/openarchivesprotocol.html): the order of the elements
the OAI-PMH schema requires, each error code where the specification calls for it, deleted
records, ``from``/``until`` and resumption tokens, the last page with an empty one.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime

import pytest
from lxml import etree

from tests.helpers.oai import LIDO_NS, OaiServer, Repository, serve_oai
from tests.helpers.oai_protocol import OAI_NS
from tests.helpers.samples import LIDO

OAI = f"{{{OAI_NS}}}"
LIDO_RECORD = (LIDO / "ddb_DSM.xml").read_bytes()


@pytest.fixture(scope="module")
def server() -> Iterator[OaiServer]:
    """Seven records: five in set ``a`` on 2024-01-0N, one in set ``b``, one deleted."""
    repository = Repository()
    for n in range(1, 6):
        repository.put(f"oai:t:{n}", LIDO_RECORD, datetime(2024, 1, n, 12), sets=["a"])
    repository.put("oai:t:6", LIDO_RECORD, datetime(2024, 2, 1, 8, 30), sets=["b"])
    repository.put("oai:t:7", LIDO_RECORD, datetime(2024, 1, 1))
    repository.delete("oai:t:7", datetime(2024, 3, 1))
    with serve_oai(page_size=2, repository=repository) as running:
        yield running


def ask(server: OaiServer, query: str) -> etree._Element:
    with urllib.request.urlopen(f"{server.url}?{query}", timeout=60) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"] == "text/xml; charset=utf-8"
        root = etree.fromstring(answer.read())
    assert root.tag == OAI + "OAI-PMH"
    assert [child.tag for child in root][:2] == [OAI + "responseDate", OAI + "request"]
    return root


def error_of(server: OaiServer, query: str) -> str:
    root = ask(server, query)
    [error] = root.findall(OAI + "error")
    return str(error.get("code"))


def local(element: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in element]


def test_identify_names_its_fields_in_the_schemas_order(server: OaiServer) -> None:
    identify = ask(server, "verb=Identify").find(OAI + "Identify")
    assert identify is not None
    assert local(identify) == [
        "repositoryName",
        "baseURL",
        "protocolVersion",
        "adminEmail",
        "earliestDatestamp",
        "deletedRecord",
        "granularity",
    ]
    assert identify.findtext(OAI + "baseURL") == server.url
    assert identify.findtext(OAI + "earliestDatestamp") == "2024-01-01T12:00:00Z"
    assert identify.findtext(OAI + "deletedRecord") == "persistent"


def test_formats_and_sets(server: OaiServer) -> None:
    formats = ask(server, "verb=ListMetadataFormats&identifier=oai:t:1")
    assert [e.text for e in formats.iter(OAI + "metadataNamespace")] == [LIDO_NS]
    sets = ask(server, "verb=ListSets")
    assert [e.text for e in sets.iter(OAI + "setSpec")] == ["a", "b"]


def test_a_list_comes_in_pages_and_the_last_page_has_an_empty_token(server: OaiServer) -> None:
    seen, query, cursors = [], "verb=ListIdentifiers&metadataPrefix=lido", []
    while True:
        listing = ask(server, query).find(OAI + "ListIdentifiers")
        assert listing is not None
        seen += [e.text for e in listing.iter(OAI + "identifier")]
        token = listing.find(OAI + "resumptionToken")
        assert token is not None
        assert token.get("completeListSize") == "7"
        cursors.append(token.get("cursor"))
        if not token.text:
            break
        query = f"verb=ListIdentifiers&resumptionToken={urllib.parse.quote(token.text)}"
    assert seen == [f"oai:t:{n}" for n in range(1, 8)]
    assert cursors == ["0", "2", "4", "6"]


def test_a_deleted_record_is_a_header_with_status_deleted_and_no_metadata(
    server: OaiServer,
) -> None:
    record = ask(server, "verb=GetRecord&identifier=oai:t:7&metadataPrefix=lido").find(
        f"{OAI}GetRecord/{OAI}record"
    )
    assert record is not None
    assert local(record) == ["header"]
    header = record.find(OAI + "header")
    assert header is not None
    assert header.get("status") == "deleted"
    assert header.findtext(OAI + "datestamp") == "2024-03-01T00:00:00Z"
    live = ask(server, "verb=GetRecord&identifier=oai:t:1&metadataPrefix=lido")
    [metadata] = live.iter(OAI + "metadata")
    assert local(metadata) == ["lidoWrap"]  # the record as stored, unchanged


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("from=2024-01-02&until=2024-01-03", ["oai:t:2", "oai:t:3"]),  # until a day: all of it
        ("from=2024-02-01T08:30:00Z", ["oai:t:6", "oai:t:7"]),
        ("set=b", ["oai:t:6"]),
    ],
)
def test_from_until_and_set_select(server: OaiServer, window: str, expected: list[str]) -> None:
    root = ask(server, f"verb=ListIdentifiers&metadataPrefix=lido&{window}")
    assert [e.text for e in root.iter(OAI + "identifier")] == expected


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("verb=Explode", "badVerb"),
        ("verb=Identify&verb=Identify", "badVerb"),
        ("verb=Identify&identifier=x", "badArgument"),
        ("verb=ListRecords", "badArgument"),
        (
            "verb=ListRecords&metadataPrefix=lido&from=2024-01-01&until=2024-02-01T00:00:00Z",
            "badArgument",
        ),
        ("verb=ListRecords&metadataPrefix=lido&from=yesterday", "badArgument"),
        ("verb=ListRecords&metadataPrefix=lido&resumptionToken=x", "badArgument"),
        ("verb=ListRecords&resumptionToken=stale", "badResumptionToken"),
        (
            "verb=ListRecords&resumptionToken=metadataPrefix%3Dlido%26cursor%3D99",
            "badResumptionToken",
        ),
        ("verb=ListRecords&metadataPrefix=oai_dc", "cannotDisseminateFormat"),
        ("verb=GetRecord&identifier=oai:t:99&metadataPrefix=lido", "idDoesNotExist"),
        ("verb=ListMetadataFormats&identifier=oai:t:99", "idDoesNotExist"),
        ("verb=ListRecords&metadataPrefix=lido&from=2030-01-01", "noRecordsMatch"),
    ],
)
def test_errors_carry_the_specifications_codes(server: OaiServer, query: str, code: str) -> None:
    assert error_of(server, query) == code


def test_a_bad_verb_or_argument_is_not_echoed_in_the_request_element(server: OaiServer) -> None:
    request = ask(server, "verb=Identify&bogus=1").find(OAI + "request")
    assert request is not None
    assert len(request.attrib) == 0
    good = ask(server, "verb=ListSets").find(OAI + "request")
    assert good is not None
    assert good.get("verb") == "ListSets"  # a good one is echoed


def test_a_repository_without_sets_says_so() -> None:
    with serve_oai(repository=Repository()) as empty:
        assert error_of(empty, "verb=ListSets") == "noSetHierarchy"
