"""A repository that misbehaves: every fault ends in a retry that works, or in one clear error
naming the URL and the cause — never a crash, never silently missing records.

The faults are injected in front of a real OAI-PMH server (pyoai), so everything about the
answers except the fault is real.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree

import harvesters
from harvesters.oaipmh import BrokenRecord
from harvesters.oaipmh.responses import OAI_NS
from harvesters.oaipmh.salvage import salvage_page
from museion import Pipeline, Workspace, load_config
from publish import Run, RunStatus
from tests.conftest import ConfigWriter
from tests.harvesters.test_oaipmh import harvest_items, oai_source, objects, served
from tests.helpers.oai import Answer, OaiServer, serve_oai

OAI_TYPE = [("Content-Type", "text/xml; charset=utf-8")]


@pytest.fixture
def server() -> Iterator[OaiServer]:
    with serve_oai(page_size=3, repository=served()) as running:
        yield running


def second_page(params: dict[str, str]) -> bool:
    return params.get("verb") == "ListRecords" and params.get("resumptionToken", "").endswith("3")


def records_of(server: OaiServer) -> int:
    return len(server.repository.records)


def test_503_with_retry_after_is_waited_for_and_retried(server: OaiServer) -> None:
    answered: list[float] = []

    def busy(params: dict[str, str], body: bytes) -> Answer | None:
        if second_page(params):
            answered.append(time.monotonic())
            if len(answered) <= 2:
                return "503 Service Unavailable", [("Retry-After", "1")], b"busy"
        return None

    server.fault = busy
    items = harvest_items(server)
    assert len(items) == records_of(server)
    assert len(answered) == 3
    assert answered[1] - answered[0] >= 0.9  # the server asked for a second; it got one
    assert answered[2] - answered[1] >= 0.9


def test_a_persistent_5xx_fails_with_the_url_and_status(server: OaiServer) -> None:
    server.fault = lambda params, body: (
        ("500 Internal Server Error", [], b"oops") if second_page(params) else None
    )
    with pytest.raises(harvesters.HarvestError) as failed:
        harvest_items(server, max_retries=1)
    message = str(failed.value)
    assert "answered HTTP 500 Internal Server Error (after 1 retries)" in message
    assert "resumptionToken=" in message
    assert server.url in message


def test_a_timeout_is_retried(server: OaiServer) -> None:
    stalled: list[int] = []

    def slow(params: dict[str, str], body: bytes) -> Answer | None:
        if second_page(params) and not stalled:
            stalled.append(1)
            time.sleep(8)
        return None

    server.fault = slow
    # Each silence may last 3 s: one stall of 8 s is a timeout even on a busy machine, and an
    # ordinary page is never that slow there.
    items = harvest_items(server, timeout=3)
    assert len(items) == records_of(server)
    assert sum(1 for p in server.requests if second_page(p)) == 2


def test_a_server_that_always_times_out_fails_with_the_url_and_cause(server: OaiServer) -> None:
    def stall(params: dict[str, str], body: bytes) -> Answer | None:
        if second_page(params):
            time.sleep(8)
        return None

    server.fault = stall
    with pytest.raises(harvesters.HarvestError) as failed:
        harvest_items(server, timeout=2, max_retries=1)
    message = str(failed.value)
    assert server.url in message
    assert "the server did not answer within 2 s" in message


def test_a_connection_dropped_mid_page_is_retried(server: OaiServer) -> None:
    dropped: list[int] = []

    def drop(params: dict[str, str], body: bytes) -> Answer | None:
        if second_page(params) and not dropped:
            dropped.append(1)
            # Promise more bytes than are sent: the connection closes mid-body.
            return "200 OK", [*OAI_TYPE, ("Content-Length", str(len(body) + 500))], body
        return None

    server.fault = drop
    items = harvest_items(server)
    assert len(items) == records_of(server)
    assert dropped == [1]


def test_a_truncated_page_fails_with_the_url_and_the_parsers_message(server: OaiServer) -> None:
    server.fault = lambda params, body: (
        ("200 OK", OAI_TYPE, body[: len(body) // 2]) if second_page(params) else None
    )
    with pytest.raises(harvesters.HarvestError) as failed:
        harvest_items(server)
    message = str(failed.value)
    assert server.url in message
    assert "resumptionToken=" in message
    assert re.search(r"not well-formed XML: .*line \d+, column \d+", message), message


def position(page: bytes, fault: bytes) -> str:
    """Where ``fault`` first occurs in ``page``, as the XML parser counts lines and columns."""
    at = page.index(fault)
    line, column = page.count(b"\n", 0, at) + 1, at - page.rfind(b"\n", 0, at)
    return f"line {line}, column {column}"


def test_bytes_that_are_not_utf8_cost_their_records_not_the_page(server: OaiServer) -> None:
    """A server that writes Latin-1 but declares UTF-8 (as OAI-PMH requires): each record with
    such a byte is kept with the parser's message at its place in the page; the page's other
    records are read as they would have been from a clean page."""
    clean = harvest_items(server)
    sent: list[bytes] = []

    def latin1(params: dict[str, str], body: bytes) -> Answer | None:
        if not second_page(params):
            return None
        sent.append(body.replace("ü".encode(), "ü".encode("latin-1")))
        return "200 OK", OAI_TYPE, sent[-1]

    server.fault = latin1
    items = harvest_items(server)
    assert len(items) == len(clean) == records_of(server)
    [page] = sent
    broken = [i for i, item in enumerate(clean[3:6], 3) if "ü" in item.payload.decode()]
    assert broken, "the test data no longer has a record with ü on page 2"
    for i, (got, want) in enumerate(zip(items, clean, strict=True)):
        if i not in broken:
            assert got == want
            continue
        assert isinstance(got, harvesters.RejectedRecord)
        assert isinstance(want, harvesters.SourceRecord)
        assert got.local_id == want.provider_id
        assert got.origin.startswith(server.url)
        assert "resumptionToken=" in got.origin
        assert "UTF-8, as OAI-PMH requires" in got.reason
        assert got.payload in page
        assert "ü".encode("latin-1") in got.payload
    first = items[broken[0]]
    assert isinstance(first, harvesters.RejectedRecord)
    assert position(page, "ü".encode("latin-1")) + " in its page" in first.reason


def test_a_page_in_a_declared_legacy_encoding_is_read_correctly(server: OaiServer) -> None:
    """OAI-PMH says UTF-8, but XML that declares its encoding is still XML: read it right."""

    def latin1(params: dict[str, str], body: bytes) -> Answer | None:
        if not second_page(params):
            return None
        text = body.decode("utf-8").replace("encoding='UTF-8'", "encoding='ISO-8859-1'")
        return "200 OK", OAI_TYPE, text.encode("latin-1", "xmlcharrefreplace")

    server.fault = latin1
    items = harvest_items(server)
    assert len(items) == records_of(server)


def test_utf8_declared_as_latin1_is_read_as_the_header_says(server: OaiServer) -> None:
    """A server that sends UTF-8 (its header says so, as OAI-PMH requires) but declares
    ISO-8859-1 in the XML: read as declared, "Suppenschüssel" became "SuppenschÃ¼ssel" and
    Arabic became Latin letters, without a word. The header is the authority (RFC 7303)."""
    clean = harvest_items(server)

    def misdeclared(params: dict[str, str], body: bytes) -> Answer | None:
        if not second_page(params):
            return None
        assert not body.isascii()
        return "200 OK", OAI_TYPE, body.replace(b"encoding='UTF-8'", b"encoding='ISO-8859-1'", 1)

    server.fault = misdeclared
    assert harvest_items(server) == clean


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE OAI-PMH [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>&f;</responseDate>
<ListRecords/></OAI-PMH>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE OAI-PMH [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2024-01-01T00:00:00Z</responseDate>
<error code="badArgument">&secret;</error></OAI-PMH>"""


@pytest.mark.parametrize("payload", [BOMB, EXTERNAL_ENTITY], ids=["billion-laughs", "xxe"])
def test_entity_tricks_are_refused_without_expanding_anything(
    server: OaiServer, payload: bytes
) -> None:
    server.fault = lambda params, body: (
        ("200 OK", OAI_TYPE, payload) if params.get("verb") == "ListRecords" else None
    )
    with pytest.raises(harvesters.HarvestError) as failed:
        harvest_items(server)
    message = str(failed.value)
    # libxml2 stops a bomb at its entity declarations already (nothing is expanded), told in
    # plain words; anything else is refused for declaring a DTD at all.
    assert re.search("declares a DTD|an XML bomb", message), message
    assert server.url in message
    assert "root:" not in message  # nothing of /etc/passwd


def test_a_response_over_the_size_limit_is_refused(server: OaiServer) -> None:
    with pytest.raises(
        harvesters.HarvestError,
        match=r"bytes, more than the limit of 20000 \(max_response_bytes\); refused",
    ):
        harvest_items(server, max_response_bytes=20000)


def test_an_oai_error_is_reported_with_its_code(server: OaiServer) -> None:
    server.fault = lambda params, body: (
        (
            "200 OK",
            OAI_TYPE,
            b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>'
            b'2024-01-01T00:00:00Z</responseDate><error code="badArgument">the repository '
            b"is being rebuilt</error></OAI-PMH>",
        )
        if params.get("verb") == "ListRecords"
        else None
    )
    with pytest.raises(harvesters.HarvestError) as failed:
        harvest_items(server)
    assert "OAI-PMH error badArgument: the repository is being rebuilt" in str(failed.value)


def test_an_html_page_is_not_an_oai_response(server: OaiServer) -> None:
    server.fault = lambda params, body: (
        ("200 OK", [("Content-Type", "text/html")], b"<html><body>Maintenance</body></html>")
        if params.get("verb") == "Identify"
        else None
    )
    with pytest.raises(harvesters.HarvestError, match=r"not an OAI-PMH response .*<html>"):
        harvest_items(server)


def test_a_failed_harvest_leaves_the_published_store_and_resumes(
    server: OaiServer, write_config: ConfigWriter, tmp_path: Path
) -> None:
    """What queries read is only replaced when a harvest finishes; the failed run keeps what it
    staged and its checkpoint, and the next harvest continues it where it stopped."""
    config = dataclasses.replace(load_config(write_config(oai_source(server.url))), batch_size=2)
    workspace = Workspace(config.data_dir)

    fail_at = {"page": 4}

    def break_page(params: dict[str, str], body: bytes) -> Answer | None:
        token = params.get("resumptionToken", "")
        if params.get("verb") == "ListRecords" and token.endswith(str(3 * fail_at["page"])):
            return "200 OK", OAI_TYPE, body[:100]
        return None

    server.fault = break_page
    with pytest.raises(harvesters.HarvestError):
        Pipeline(config).harvest()
    assert workspace.published_path() is None  # nothing half-done was published
    [directory] = workspace.run_dirs("ddb")
    run = Run.open(directory)
    assert run.status == RunStatus.STAGING  # kept, to be continued
    checkpoint = run.info()["checkpoint"]
    run.close()
    assert checkpoint["token"].endswith("9")  # the page before the broken one
    server.fault = None
    server.requests.clear()
    [summary] = Pipeline(config).harvest()
    assert server.requests[2]["resumptionToken"] == checkpoint["token"]
    # Complete: the next harvest asks for what changed since the interrupted run began.
    assert summary.checkpoint == {"next_from": checkpoint["started"]}
    assert summary.read == records_of(server)  # the resumed run counts what it staged before
    assert len(objects(workspace.open_published())) == records_of(server)


def spoil(body: bytes, record: int, before: bytes, insert: bytes) -> bytes:
    """``insert`` written just before ``before`` in the ``record``-th record of the page."""
    at = -1
    for _ in range(record):
        at = body.index(b"<record>", at + 1)
    at = body.index(before, at)
    return body[:at] + insert + body[at:]


def test_a_broken_record_is_quarantined_and_the_next_harvest_is_not_stuck_on_its_page(
    server: OaiServer, write_config: ConfigWriter
) -> None:
    """A stray ``&`` in one record (unescaped text is the commonest hand-made XML fault): the
    run is published without it, its reason names the fault's place, and the list completes,
    so the next harvest asks only for what changed instead of the same page again."""
    config = load_config(write_config(oai_source(server.url)))
    workspace = Workspace(config.data_dir)
    sent: list[bytes] = []

    def stray_ampersand(params: dict[str, str], body: bytes) -> Answer | None:
        if not second_page(params):
            return None
        sent.append(spoil(body, 2, b"<metadata>", b"AT&T "))
        return "200 OK", OAI_TYPE, sent[-1]

    server.fault = stray_ampersand
    [summary] = Pipeline(config).harvest()
    [page] = sent
    [rejection] = summary.rejections
    assert rejection.reason.startswith("the record is not well-formed XML: ")
    # At the place the parser of the whole page names: where the partner's server wrote it.
    with pytest.raises(etree.XMLSyntaxError) as whole:
        etree.fromstring(page)
    line, column = whole.value.position
    assert f"line {line}, column {column} in its page" in rejection.reason
    assert position(page, b"&T ").startswith(f"line {line},")
    assert summary.status == "published"
    assert "next_from" in summary.checkpoint
    assert len(objects(workspace.open_published())) == records_of(server) - 1
    # The partner mends the record: the incremental harvest maps it, and it leaves the
    # quarantine (kept by its page's address, it was counted as quarantined for good).
    assert len(quarantined(workspace)) == 1
    server.fault = None
    [spoilt] = [r for r in server.repository.snapshot() if r.identifier in rejection.record]
    server.repository.put(spoilt.identifier, spoilt.metadata)
    [mended] = Pipeline(config).harvest()
    assert (mended.read, mended.new, mended.rejected) == (1, 1, 0)
    assert len(objects(workspace.open_published())) == records_of(server)
    assert quarantined(workspace) == []


def quarantined(workspace: Workspace) -> list[str]:
    store = workspace.open_published()
    try:
        rows = store.select(
            "SELECT ?q WHERE { GRAPH ?g { ?q a <https://w3id.org/museion/ns#QuarantinedRecord> } }"
        )
    finally:
        store.close()
    return [str(r["q"]) for r in rows]


def _token_with_a_bad_byte(params: dict[str, str], body: bytes) -> Answer | None:
    if not second_page(params):
        return None
    spoilt = spoil(body, 2, b"<metadata>", "ü".encode("latin-1"))
    at = spoilt.index(b"<resumptionToken")
    return "200 OK", OAI_TYPE, spoilt[:at] + b"\xff" + spoilt[at:]


def _record_never_closed(params: dict[str, str], body: bytes) -> Answer | None:
    if not second_page(params):
        return None
    at = body.index(b"</record>")
    return "200 OK", OAI_TYPE, body[:at] + body[at + len(b"</record>") :]


@pytest.mark.parametrize(
    "fault", [_token_with_a_bad_byte, _record_never_closed], ids=["envelope", "unbalanced"]
)
def test_a_page_that_cannot_be_cut_into_its_records_still_fails_whole(
    server: OaiServer, fault: Callable[[dict[str, str], bytes], Answer | None]
) -> None:
    """No guessing: a fault outside every record (the token is where the list goes on), or
    tags that do not balance (where does the open record end?), fail the page as before."""
    server.fault = fault
    with pytest.raises(harvesters.HarvestError, match="did not answer with XML that can be read"):
        harvest_items(server)


def test_a_record_without_an_identifier_costs_that_record_not_the_page(server: OaiServer) -> None:
    """Well-formed, but a record the repository sent without the identifier of its header (or
    without a header): it cannot be told apart from others, so it is kept with the reason and
    the page's other records are read."""
    clean = harvest_items(server)

    def no_identifier(params: dict[str, str], body: bytes) -> Answer | None:
        if not second_page(params):
            return None
        at = body.index(b"<identifier>", body.index(b"<record>", body.index(b"<record>") + 1))
        end = body.index(b"</identifier>", at) + len(b"</identifier>")
        return "200 OK", OAI_TYPE, body[:at] + body[end:]

    server.fault = no_identifier
    items = harvest_items(server)
    assert len(items) == len(clean)
    rejected = items[4]
    assert isinstance(rejected, harvesters.RejectedRecord)
    assert "a record header has no <identifier>" in rejected.reason
    assert b"<header" in rejected.payload
    assert items[:4] == clean[:4]
    assert items[5:] == clean[5:]


def test_a_broken_record_of_a_marc_page_costs_only_that_record() -> None:
    """MARCXML writes its own <record> inside the metadata, in the default namespace too: the
    salvage tells the OAI records apart by their headers, and the column is the page's own
    (in characters, as the parser counts them), on a page written on one line."""
    marc = '<record xmlns="http://www.loc.gov/MARC21/slim"><leader>Café {n}</leader></record>'
    records = [
        f"<record><header><identifier>oai:x:{n}</identifier><datestamp>2026-01-01</datestamp>"
        f"</header><metadata>{marc.format(n=n)}</metadata></record>"
        for n in range(5)
    ]
    records[2] = records[2].replace("Café 2", "Café & 2")
    page = (
        '<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        "<responseDate>2026-01-01T00:00:00Z</responseDate><ListRecords>"
        + "".join(records)
        + "</ListRecords></OAI-PMH>"
    ).encode()
    salvaged = salvage_page(page, OAI_NS)
    assert salvaged is not None
    _, read = salvaged
    assert [isinstance(r, BrokenRecord) for r in read] == [False, False, True, False, False]
    broken = read[2]
    assert isinstance(broken, BrokenRecord)
    assert broken.identifier == "oai:x:2"
    with pytest.raises(etree.XMLSyntaxError) as whole:
        etree.fromstring(page)
    line, column = whole.value.position
    assert f"line {line}, column {column} in its page" in broken.reason


def test_a_declaration_other_than_latin1_is_left_as_written() -> None:
    """The UTF-8 reading is sure only for a Western single-byte declaration: Shift_JIS or
    windows-1251 text may form UTF-8 sequences, and is read as declared."""
    from harvesters.xmlsafe import utf8_as_sent

    for declared in ("Shift_JIS", "windows-1251", "EUC-KR"):
        page = f'<?xml version="1.0" encoding="{declared}"?><a>日本</a>'.encode()
        assert utf8_as_sent(page, None) == page
    latin = '<?xml version="1.0" encoding="windows-1252"?><a>Müller</a>'.encode()
    assert b'encoding="UTF-8"' in utf8_as_sent(latin, None)


def test_a_content_length_that_is_no_number_is_read_to_the_end(server: OaiServer) -> None:
    """A server declaring ``Content-Length: ²`` ("²" is a digit to ``str.isdigit``, not to
    ``int``) stopped the harvest with a ``ValueError`` traceback; the answer is read to its end,
    as urllib3 reads it, and every record is harvested."""

    def superscript(params: dict[str, str], body: bytes) -> Answer:
        return "200 OK", [("Content-Type", "text/xml"), ("Content-Length", "²")], [body]

    server.fault = superscript
    items = harvest_items(server)
    assert len(items) == records_of(server)


def test_an_oai_error_of_megabytes_is_quoted_in_one_short_line(server: OaiServer) -> None:
    """An <error> of 5 MB (its code too) made the harvest's "one clear line" 5 MB long, in
    the terminal and in the partner's failure report; its text is quoted up to 1000 characters
    and its length said."""
    text = b"Z" * 5_000_000
    server.fault = lambda params, body: (
        "200 OK",
        OAI_TYPE,
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>'
        b'2024-01-01T00:00:00Z</responseDate><error code="bad' + text + b'">' + text + b"</error>"
        b"</OAI-PMH>",
    )
    with pytest.raises(harvesters.HarvestError) as failed:
        harvest_items(server)
    message = str(failed.value)
    assert "OAI-PMH error badZZZ" in message
    assert "… (5000000 characters)" in message
    assert len(message) < 2000


def test_a_retry_after_that_is_no_time_is_retried_with_backoff(server: OaiServer) -> None:
    """A 503 whose ``Retry-After`` urllib3 cannot read ("soon") failed the harvest at once,
    "InvalidHeader: Invalid Retry-After header", where a 503 without one is retried."""
    answered: list[int] = []

    def busy(params: dict[str, str], body: bytes) -> Answer | None:
        if second_page(params):
            answered.append(1)
            if len(answered) <= 2:
                return "503 Service Unavailable", [("Retry-After", "soon")], b"busy"
        return None

    server.fault = busy
    items = harvest_items(server)
    assert len(items) == records_of(server)
    assert len(answered) == 3
