"""Hostile partners and hostile clients against a real ``museion serve`` over HTTP.

Each test reproduces an attack that once worked (issue 10: items 4, 6 and 7) and checks the
refusal: no ``javascript:`` link on any page, a Content-Security-Policy on every HTML answer,
a request body read only up to its limit (the server's peak RSS stays bounded), and 400/404
— never 500 — for malformed paths, graph parameters and JSON, or after a query process died.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from museion import load_config
from sparql.security import CONTENT_SECURITY_POLICY
from tests.conftest import files_source
from tests.helpers.endpoint import (
    ADMIN_TOKEN,
    Live,
    harvest_and_publish,
    live_endpoint,
)

BASE = "https://data.example.org/"
OBJECT = BASE + "hostile/object/X1"
HOSTILE_RECORD = {
    "acno": "X1",
    "title": "Hostile link",
    "url": "javascript:alert(document.domain)",
    "thumbnailUrl": "javascript:alert(1)",
}
LINK = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*([^"'\s>]*)""", re.IGNORECASE)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("hostile")
    feed = folder / "feed"
    feed.mkdir()
    (feed / "records.json").write_text(json.dumps([HOSTILE_RECORD]), encoding="utf-8")
    text = f'[store]\npath = "store"\n\n[publish]\nbase_iri = "{BASE}"\n'
    text += "\n[[sources]]\n" + files_source("hostile", feed, "tate", label="Hostile") + "\n"
    path = folder / "museion.toml"
    path.write_text(text, encoding="utf-8")
    harvest_and_publish(load_config(path))
    with live_endpoint(path, "--query-processes", "2", admin_token=ADMIN_TOKEN) as server:
        yield server


def _links(html: str) -> list[str]:
    return [m.group(1) for m in LINK.finditer(html)]


def _update(live: Live, update: str) -> None:
    answer = requests.post(
        live.sparql,
        data=update.encode(),
        headers={
            "Content-Type": "application/sparql-update",
            "Authorization": f"Bearer {ADMIN_TOKEN}",
        },
        timeout=60,
    )
    assert answer.status_code == 204, answer.text


# -- item 4: javascript: links, CSP ---------------------------------------------------------


def test_a_record_with_javascript_links_gives_no_javascript_href(live: Live) -> None:
    """The mapping refused the partner's ``javascript:`` web page and image (depth 1); IRIs
    put in the store another way (here an authorised update) are shown as text (depth 2)."""
    _update(
        live,
        f"""PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
        PREFIX la: <https://linked.art/ns/terms/>
        INSERT DATA {{ GRAPH <{BASE}hostile/record/X1> {{
          <{OBJECT}> crm:P129i_is_subject_of <javascript:alert(document.domain)> ;
            crm:P2_has_type <data:text/html,hello> ;
            a <javascript:alert(2)> ;
            crm:P138i_has_representation <{OBJECT}/image/9> .
          <{OBJECT}/image/9> la:digitally_shown_by <{OBJECT}/image/9/digital> .
          <{OBJECT}/image/9/digital> la:access_point <javascript:alert(3)> .
        }} }}""",
    )
    for view in ("", "?view=rdf"):  # the page for people, and the statement tree
        page = requests.get(
            live.iri_url(OBJECT) + view, headers={"Accept": "text/html"}, timeout=60
        )
        assert page.status_code == 200
        assert "Hostile link" in page.text
        links = _links(page.text)
        assert links, "the page has links"
        bad = [
            link
            for link in links
            if re.match(r"\s*(javascript|vbscript):", link, re.I)
            or (re.match(r"\s*data:", link, re.I) and link != "data:,")  # data:, is the favicon
        ]
        assert bad == [], f"links a browser would run ({view or 'page'}): {bad}"
    assert "javascript:alert(document.domain)" in page.text  # still shown, as text


@pytest.mark.parametrize(
    "path",
    ["/", "/hostile/object/X1", "/hostile/object/no-such-thing", "/sources/", "/sources/hostile"],
)
def test_every_html_answer_has_the_security_policy(live: Live, path: str) -> None:
    answer = requests.get(live.url + path, headers={"Accept": "text/html"}, timeout=60)
    assert answer.headers["Content-Type"].startswith("text/html"), (path, answer.status_code)
    assert answer.headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY
    assert answer.headers.get("X-Content-Type-Options") == "nosniff"


def test_other_answers_are_never_sniffed(live: Live) -> None:
    for path in ["/sparql?query=ASK%7B%7D", "/hostile/object/X1?format=ttl", "/nothing%ZZ"]:
        answer = requests.get(live.url + path, timeout=60)
        assert answer.headers.get("X-Content-Type-Options") == "nosniff", path


# -- item 6: request bodies are read up to their limit ---------------------------------------


def _peak_rss(pid: int) -> int:
    """The process's peak resident set (VmHWM), in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    assert match is not None
    return int(match.group(1)) * 1024


def _send_chunked(live: Live, path: str, content_type: str, total: int) -> int | None:
    """POST ``total`` bytes as a chunked body; the status, if the server answered."""
    host, port = live.url.removeprefix("http://").split(":")
    chunk = b"[" * (1024 * 1024)
    with socket.create_connection((host, int(port)), timeout=120) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        sent = 0
        try:
            while sent < total:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            sock.sendall(b"0\r\n\r\n")
        except OSError:  # the server answered and closed: what a bounded reader does
            pass
        try:
            head = sock.recv(4096)
        except OSError:
            return None
    match = re.match(rb"HTTP/1\.1 (\d{3})", head)
    return int(match.group(1)) if match else None


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/reconcile", "application/json"), ("/sparql", "application/sparql-query")],
)
def test_a_huge_chunked_body_is_refused_in_bounded_memory(
    live: Live, path: str, content_type: str
) -> None:
    before = _peak_rss(live.process.pid)
    status = _send_chunked(live, path, content_type, 400 * 1024 * 1024)
    grown = _peak_rss(live.process.pid) - before
    assert status in (413, None)
    # 400 MiB sent; the limits are 10 and 16 MiB. Buffering the body would grow the peak by
    # 400 MiB or more; reading it up to the limit costs the limit plus the server's buffers.
    assert grown < 120 * 1024 * 1024, f"peak RSS grew by {grown / 2**20:.0f} MiB"
    assert requests.get(live.sparql + "?query=ASK%7B%7D", timeout=60).status_code == 200


# -- item 7: 400 and 404, never 500 ------------------------------------------------------------


def _raw_get(live: Live, target: str) -> tuple[int, str]:
    host, port = live.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.putrequest("GET", target, skip_accept_encoding=True)
        conn.putheader("Accept", "text/html")
        conn.endheaders()
        answer = conn.getresponse()
        return answer.status, answer.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.mark.parametrize(
    "target", ["/hostile/object/%ZZ", "/hostile/object/a>b", "/hostile/object/%3E%ZZ"]
)
def test_an_entity_path_that_is_no_iri_is_404(live: Live, target: str) -> None:
    status, body = _raw_get(live, target)
    assert status in (400, 404), (status, body)


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_a_graph_parameter_that_is_no_iri_is_400(live: Live, name: str) -> None:
    answer = requests.get(
        live.sparql,
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", name: "not an iri"},
        timeout=60,
    )
    assert answer.status_code == 400, answer.text
    assert f"'{name}' must be an absolute IRI" in answer.text


def test_deeply_nested_json_to_reconcile_is_400(live: Live) -> None:
    depth = 200_000
    body = "[" * depth + "]" * depth
    answer = requests.post(
        live.url + "/reconcile",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert answer.status_code == 400, answer.text
    assert "nested too deeply" in answer.text
    form = requests.post(live.url + "/reconcile", data={"queries": body}, timeout=60)
    assert form.status_code == 400, form.text


def _query_processes(pid: int) -> list[int]:
    """The server's query processes (started from its threads: each thread has children)."""
    children = [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]
    found = []
    for child in children:
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"multiprocessing.spawn" in cmdline or b"spawn_main" in cmdline:
            found.append(child)
    return found


def test_a_killed_idle_query_process_is_replaced_before_it_gets_work(live: Live) -> None:
    assert requests.get(live.sparql + "?query=ASK%7B%7D", timeout=60).status_code == 200
    victims = _query_processes(live.process.pid)
    assert len(victims) >= 2, victims
    for pid in victims:
        os.kill(pid, signal.SIGKILL)  # children of the server this test started
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(
        Path(f"/proc/{pid}/status").exists()
        and "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
        for pid in victims
    ):
        time.sleep(0.05)
    statuses = [
        requests.get(live.sparql + "?query=ASK%7B%7D", timeout=120).status_code for _ in range(4)
    ]
    assert statuses == [200] * 4


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?p }"


def test_slow_queries_leave_a_query_process_for_the_pages(live: Live) -> None:
    """Two slow queries from one client held both query processes of a two-core server for
    their whole time limit: every object, person and place page answered 503 meanwhile. The
    pool now has a process more than clients' SPARQL may hold."""
    with live_endpoint(
        live.config.path, "--query-processes", "2", "--query-timeout", "8"
    ) as server:
        answers: list[int] = []

        def slow() -> None:
            response = requests.post(server.sparql, data={"query": SLOW}, timeout=120)
            answers.append(response.status_code)

        threads = [threading.Thread(target=slow) for _ in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(1)  # both have reached the server
        page = requests.get(server.iri_url(OBJECT), headers={"Accept": "text/html"}, timeout=120)
        assert page.status_code == 200, page.text[:300]
        assert "Hostile link" in page.text
        assert answers == []  # answered while both slow queries ran, not after them
        for thread in threads:
            thread.join(timeout=120)
        assert answers == [503, 503]  # stopped at the time limit, or busy meanwhile


def test_an_entity_page_in_rdf_xml_refuses_a_character_xml_cannot_carry(live: Live) -> None:
    """Entity pages write RDF/XML themselves: a label holding U+0001 gave a 200 that no XML
    parser reads, where the SPARQL endpoint already answered 406."""
    odd = f"{BASE}hostile/object/X9"
    _update(
        live,
        f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        INSERT DATA {{ GRAPH <{BASE}hostile/record/X9> {{
          <{odd}> rdfs:label "bell\\u0001tower" . }} }}""",
    )
    xml = requests.get(live.iri_url(odd), params={"format": "rdfxml"}, timeout=60)
    assert xml.status_code == 406, xml.text[:300]
    assert "U+0001" in xml.text
    turtle = requests.get(live.iri_url(odd), params={"format": "ttl"}, timeout=60)
    assert turtle.status_code == 200


def _served_with(live: Live, tmp_path: Path, endpoint: str) -> Path:
    """A config for the published data of ``live``, with ``endpoint`` as its [endpoint]."""
    config = tmp_path / "museion.toml"
    config.write_text(
        live.config.path.read_text(encoding="utf-8").replace(
            'path = "', f'path = "{live.config.path.parent.as_posix()}/', 1
        )
        + f"\n[endpoint]\n{endpoint}\n",
        encoding="utf-8",
    )
    return config


def test_behind_a_trusted_proxy_each_client_is_itself(live: Live, tmp_path: Path) -> None:
    """Behind nginx every client came from 127.0.0.1: one client's slow queries held another's
    ASK {} for 9 s, and the loopback server let anyone write checklists. With the proxy
    trusted, its X-Forwarded-For names the client, and the server counts as public."""
    config = _served_with(live, tmp_path, 'trusted_proxies = ["127.0.0.1"]')
    with live_endpoint(config, "--query-processes", "2", "--query-timeout", "8") as server:
        slow = threading.Thread(
            target=lambda: requests.post(
                server.sparql,
                data={"query": SLOW},
                headers={"X-Forwarded-For": "203.0.113.5"},
                timeout=120,
            )
        )
        slow.start()
        time.sleep(1)  # it holds the one process a client may hold
        other = requests.get(
            server.sparql + "?query=ASK%7B%7D",
            headers={"X-Forwarded-For": "198.51.100.7", "Accept": "application/json"},
            timeout=120,
        )
        assert other.status_code == 200
        assert slow.is_alive()  # answered beside the slow query, not after it
        written = requests.post(server.url + "/checklists/", json={"name": "vandal"}, timeout=30)
        assert written.status_code == 403, written.text  # public: a curator token is needed
        slow.join(timeout=120)
        assert "198.51.100.7" in server.read_log()


def test_a_query_over_its_memory_is_stopped_and_the_server_goes_on(
    live: Live, tmp_path: Path
) -> None:
    """One anonymous query (a sorted cross join) took 7 GB within its time limit: a few of them
    could bring the machine's OOM killer down on any process. Each query process now has a
    bound ([endpoint] query_memory_mb, its stack included); past it the query answers 500."""
    config = _served_with(live, tmp_path, "query_memory_mb = 1024")
    hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
    with live_endpoint(config, "--query-processes", "2", "--query-timeout", "120") as server:
        answer = requests.post(server.sparql, data={"query": hungry}, timeout=300)
        assert answer.status_code == 500, answer.text[:300]
        assert "out of memory" in answer.text
        after = requests.get(
            server.sparql + "?query=ASK%7B%7D", headers={"Accept": "application/json"}, timeout=120
        )
        assert after.json()["boolean"] is True


def test_a_connection_that_never_finishes_its_headers_is_closed(live: Live, tmp_path: Path) -> None:
    """Two clients sending partial headers on 11,000 connections each held 20,000 file
    descriptors, and nobody else was answered until they left: uvicorn has no header timeout.
    Now a connection whose headers do not arrive within [endpoint] header_timeout is closed."""
    config = _served_with(live, tmp_path, "header_timeout = 1")
    with live_endpoint(config, "--query-processes", "2", "--query-timeout", "4") as server:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=60) as slow:
            slow.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")  # never ends
            assert slow.recv(1024) == b""  # closed by the server, not by the 60 s timeout
        ok = requests.get(server.sparql + "?query=ASK%7B%7D", timeout=60)
        assert ok.status_code == 200  # a client that sends its request is answered
        # pipelined: the next request's first bytes come while a slow one runs, and uvicorn
        # reads no more of them until it is answered; its timer must not close the connection
        slow_get = f"GET /sparql?query={quote(SLOW)} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        ask = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n"
        last = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        with socket.create_connection((host, int(port)), timeout=120) as piped:
            piped.sendall(slow_get + ask + last[:20])
            time.sleep(0.3)
            piped.sendall(last[20:])
            received = b""
            while chunk := piped.recv(65536):
                received += chunk
        assert received.count(b"HTTP/1.1 ") == 3, received[:300]
