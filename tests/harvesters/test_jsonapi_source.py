"""``kind = "jsonapi"``: a paged JSON API on 127.0.0.1, in each way APIs page, with faults.

The items are the Carnegie Museum of Art sample records (``tests.helpers.samples``), mapped by the
shipped ``cmoa`` mapping exactly as when they are read from files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from museion import Pipeline, Workspace, load_config
from museion.config import Config
from museion.pipeline import HarvestSummary
from museion_core.errors import HarvestError
from tests.conftest import BASE, ConfigWriter
from tests.helpers.http import Response, Server, serve, trickle
from tests.helpers.samples import sample_feeds

ITEMS = [
    json.loads(p.read_text(encoding="utf-8"))
    for p in sorted((sample_feeds() / "cmoa").glob("*.json"))
]
SIZE = 5
IDS = {str(item["id"]).removeprefix("cmoa:things/") for item in ITEMS}


def _query(handler: BaseHTTPRequestHandler) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}


def _json(value: Any, **headers: str) -> Response:
    return Response(
        200, json.dumps(value).encode(), {"Content-Type": "application/json", **headers}
    )


def by_page(h: BaseHTTPRequestHandler) -> Response:
    page = int(_query(h).get("page", "1"))
    return _json({"data": ITEMS[(page - 1) * SIZE : page * SIZE], "page": page})


def by_offset(h: BaseHTTPRequestHandler) -> Response:
    q = _query(h)
    start, limit = int(q.get("offset", "0")), int(q.get("limit", "3"))
    return _json({"results": ITEMS[start : start + limit]})


def by_cursor(h: BaseHTTPRequestHandler) -> Response:
    start = int(_query(h).get("cursor", "0"))
    nxt = start + SIZE if start + SIZE < len(ITEMS) else None
    return _json({"records": ITEMS[start : start + SIZE], "meta": {"next": nxt}})


def by_body_link(h: BaseHTTPRequestHandler) -> Response:
    start = int(_query(h).get("from", "0"))
    links = {"next": {"href": f"/body?from={start + SIZE}"}} if start + SIZE < len(ITEMS) else {}
    return _json({"items": ITEMS[start : start + SIZE], "links": links})


def by_link_header(h: BaseHTTPRequestHandler) -> Response:
    start = int(_query(h).get("at", "0"))
    headers = (
        {"Link": f'</header?at={start + SIZE}>; rel="next"'} if start + SIZE < len(ITEMS) else {}
    )
    return _json(ITEMS[start : start + SIZE], **headers)


@pytest.fixture
def api() -> Iterator[Server]:
    with serve(
        {
            "/pages": by_page,
            "/offset": by_offset,
            "/cursor": by_cursor,
            "/body": by_body_link,
            "/header": by_link_header,
        }
    ) as server:
        yield server


def api_source(url: str, name: str = "carnegie", **options: Any) -> str:
    lines = [
        f'name = "{name}"',
        'kind = "jsonapi"',
        f'location = "{url}"',
        'mapping = "cmoa"',
        *(f"{k} = {json.dumps(v)}" for k, v in options.items()),
        "[sources.partner]",
        'label = "Carnegie Museum of Art"',
    ]
    return "\n".join(lines)


def harvest(config: Config) -> HarvestSummary:
    [summary] = Pipeline(config).harvest()
    return summary


def objects(config: Config, source: str = "carnegie") -> set[str]:
    store = Workspace(config.data_dir).open_published()
    try:
        rows = store.select(
            f"SELECT ?o WHERE {{ GRAPH <{BASE}meta> {{"
            " ?g <http://xmlns.com/foaf/0.1/primaryTopic> ?o ;"
            f" <http://rdfs.org/ns/void#inDataset> <{BASE}dataset/{source}> }} }}"
        )
    finally:
        store.close()
    return {str(r["o"]).rsplit("/", 1)[-1] for r in rows}


@pytest.mark.parametrize(
    ("path", "options"),
    [
        ("/pages", {"paging": "page"}),
        ("/offset", {"paging": "offset", "page_size": 7}),
        ("/cursor", {"paging": "cursor", "cursor_path": "meta.next", "cursor_param": "cursor"}),
        ("/body", {}),  # auto: the body's links.next.href
        ("/header", {}),  # auto: the Link header
    ],
)
def test_every_way_of_paging_reads_every_item(
    api: Server, write_config: ConfigWriter, path: str, options: dict[str, Any]
) -> None:
    config = load_config(write_config(api_source(api.url + path, **options)))
    summary = harvest(config)
    assert (summary.read, summary.mapped, summary.rejected) == (len(ITEMS), len(ITEMS), 0)
    assert objects(config) == IDS
    assert api.hits[path] >= len(ITEMS) // 7


def test_faults_429_503_and_a_broken_page_then_the_harvest_resumes(
    write_config: ConfigWriter,
) -> None:
    calls: dict[int, int] = {}
    broken = {"on": True}

    def faulty(h: BaseHTTPRequestHandler) -> Response:
        page = int(_query(h).get("page", "1"))
        calls[page] = calls.get(page, 0) + 1
        if page == 2 and calls[page] == 1:
            return Response(429, b"slow down", {"Retry-After": "1"})
        if page == 3 and calls[page] == 1:
            return Response(503, b"busy")
        if page == 4 and broken["on"]:
            return Response(200, b'{"data": [{"id": "cmoa:things/x", "title": "cut', {})
        return by_page(h)

    with serve({"/api": faulty}) as server:
        path = write_config(api_source(server.url + "/api", paging="page", max_retries=2))
        # Small batches, so that the checkpoint is saved before the broken page.
        text = path.read_text(encoding="utf-8").replace(
            'path = "store"', 'path = "store"\nbatch_size = 5'
        )
        path.write_text(text, encoding="utf-8")
        config = load_config(path)
        with pytest.raises(HarvestError) as caught:
            harvest(config)
        message = str(caught.value)
        assert "page=4" in message
        assert "is not JSON" in message
        assert "\n" not in message
        assert calls[2] == 2  # the 429 was retried (after its Retry-After)
        assert calls[3] == 2  # and the 503
        broken["on"] = False
        summary = harvest(config)
        assert calls[1] == 1  # resumed at the broken page, not from the start
        assert summary.mapped == len(ITEMS)
        assert objects(config) == IDS


def test_a_feed_longer_than_max_pages_fails_and_withdraws_nothing(
    api: Server, write_config: ConfigWriter
) -> None:
    """Reaching max_pages was read as the end of the feed: the records beyond it were
    withdrawn as "no longer in the feed", without a word."""
    path = write_config(api_source(api.url + "/pages", paging="page"))
    config = load_config(path)
    harvest(config)
    assert objects(config) == IDS
    pages = -(-len(ITEMS) // SIZE)
    limited = path.read_text(encoding="utf-8").replace(
        'paging = "page"', f'paging = "page"\nmax_pages = {pages - 1}'
    )
    path.write_text(limited, encoding="utf-8")
    with pytest.raises(HarvestError, match=rf"more than max_pages \({pages - 1}\) pages"):
        harvest(load_config(path))
    assert objects(config) == IDS  # nothing withdrawn
    # exactly max_pages pages: the empty page after them ends the feed, as it always did
    path.write_text(limited.replace(f"max_pages = {pages - 1}", f"max_pages = {pages}"))
    harvest(load_config(path))
    assert objects(config) == IDS


def test_retries_spent_is_one_clear_line(write_config: ConfigWriter) -> None:
    with serve({"/api": Response(503, b"down", {"Retry-After": "0"})}) as server:
        config = load_config(write_config(api_source(server.url + "/api", max_retries=1)))
        with pytest.raises(HarvestError, match=r"answered HTTP 503 .*retries spent") as caught:
            harvest(config)
        assert "\n" not in str(caught.value)
        assert server.hits["/api"] == 2


def test_a_maintenance_page_or_a_closed_port_is_said_plainly(write_config: ConfigWriter) -> None:
    """A partner's API answering its maintenance page said "is not JSON: Expecting value:
    line 1 column 1 (char 0)", and a server that is down "ConnectionError: ... Max retries
    exceeded with url: ... (Caused by NewConnectionError(...))"."""
    page = b"<!DOCTYPE html><html><body>Back soon</body></html>"
    with serve({"/api": Response(200, page, {"Content-Type": "text/html"})}) as server:
        config = load_config(write_config(api_source(server.url + "/api", max_retries=0)))
        with pytest.raises(HarvestError, match="it answered a page of text/html, not JSON"):
            harvest(config)
        closed = server.url  # the server stops at the end of the block: its port is closed
    config = load_config(write_config(api_source(closed + "/api", max_retries=0)))
    with pytest.raises(HarvestError) as caught:
        harvest(config)
    assert "the server refused the connection" in str(caught.value)
    assert "Max retries" not in str(caught.value)


def _needs_token(token: str) -> Callable[[BaseHTTPRequestHandler], Response]:
    def route(h: BaseHTTPRequestHandler) -> Response:
        if h.headers.get("X-Api-Key") != token:
            return Response(401, b"who are you?")
        return _json({"data": ITEMS[:3]})

    return route


def test_the_auth_header_comes_from_the_environment(
    write_config: ConfigWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve({"/api": _needs_token("s3cret")}) as server:
        source = api_source(
            server.url + "/api", auth_env="PARTNER_API_KEY", auth_header="X-Api-Key", paging="none"
        )
        config = load_config(write_config(source))
        monkeypatch.delenv("PARTNER_API_KEY", raising=False)
        with pytest.raises(HarvestError, match="PARTNER_API_KEY"):
            harvest(config)
        monkeypatch.setenv("PARTNER_API_KEY", "wrong")
        with pytest.raises(HarvestError, match="HTTP 401"):
            harvest(config)
        monkeypatch.setenv("PARTNER_API_KEY", "s3cret")
        assert harvest(config).mapped == 3


def test_items_that_are_not_records_are_quarantined(write_config: ConfigWriter) -> None:
    item = {"title": "no id", "accession_number": "X-1"}
    page = {"data": [ITEMS[0], "not an object", item]}
    with serve({"/api": _json(page)}) as server:
        config = load_config(write_config(api_source(server.url + "/api")))
        summary = harvest(config)
        assert (summary.mapped, summary.rejected) == (1, 2)
        # named by what it holds as well as by its place in the page, which shifts
        assert summary.rejections[1].reason.endswith(
            "; it holds accession_number 'X-1', title 'no id'"
        )


def test_a_lone_surrogate_costs_its_item_not_the_page(write_config: ConfigWriter) -> None:
    """Half of a UTF-16 pair (``"\\ud83d"``: a cut emoji) is no character. The item that holds
    it is quarantined with that reason; the page's other items are harvested, and the next
    page is read. A whole pair written in UTF-8's form (CESU-8, page 2) is its character. A
    next cursor holding a lone one fails the source with one line, not a traceback."""
    broken = {**ITEMS[1], "title": "Broken \ud83d emoji"}
    paired = {**ITEMS[3], "title": "Vase \ud83c\udffa"}
    pages = {"1": [ITEMS[0], broken, ITEMS[2]], "2": [paired]}

    def route(h: BaseHTTPRequestHandler) -> Response:
        page = _query(h).get("page", "1")
        body = json.dumps({"data": pages.get(page, []), "page": page}, ensure_ascii=False)
        return Response(200, body.encode("utf-8", "surrogatepass"), {})

    with serve({"/api": route}) as server:
        config = load_config(write_config(api_source(server.url + "/api", paging="page")))
        summary = harvest(config)
        assert (summary.read, summary.mapped, summary.rejected) == (4, 3, 1)
        assert "holds a lone surrogate" in summary.rejections[0].reason
        assert "'Broken \ufffd emoji'" in summary.rejections[0].reason
    cursor = _json({"records": ITEMS[:2], "meta": {"next": "x\udc80"}})
    with serve({"/api": cursor}) as server:
        source = api_source(server.url + "/api", name="c", paging="cursor", cursor_path="meta.next")
        config = load_config(write_config(source))
        with pytest.raises(HarvestError) as caught:
            harvest(config)
        assert "surrogates not allowed" in str(caught.value)
        assert "\n" not in str(caught.value)


def test_a_key_given_twice_costs_its_item_not_the_page(write_config: ConfigWriter) -> None:
    """An item naming one key twice with different values (at its top or in a nested object)
    is quarantined with that reason: which value the partner meant cannot be told, and
    ``json.loads`` would have published the last without a word. The same value twice is
    harmless, and the page's other items are harvested."""
    title = json.dumps(ITEMS[1]["title"])
    twice = json.dumps(ITEMS[1])[:-1] + ', "title": "Injected"}'
    same = json.dumps(ITEMS[2])[:-1] + f', "title": {json.dumps(ITEMS[2]["title"])}}}'
    nested = json.dumps({**ITEMS[3], "extra": {"a": 1}}).replace('{"a": 1}', '{"a": 1, "a": 2}')
    others = ", ".join(json.dumps(item) for item in ITEMS[4:])
    body = f'{{"data": [{json.dumps(ITEMS[0])}, {twice}, {same}, {nested}, {others}]}}'
    assert title != '"Injected"'
    with serve({"/api": Response(200, body.encode("utf-8"), {})}) as server:
        source = api_source(server.url + "/api") + "\n[sources.gates]\nmax_quarantined = 0.5"
        config = load_config(write_config(source))
        summary = harvest(config)
        assert (summary.read, summary.rejected) == (len(ITEMS), 2)
        assert summary.mapped == len(ITEMS) - 2
        reasons = sorted(r.reason for r in summary.rejections)
        assert reasons[0].startswith("the key 'a' occurs more than once in one object")
        assert reasons[1].startswith("the key 'title' occurs more than once in one object")
        assert "Injected" not in _published_labels(config)


LA_MAPPING = """\
[mapping]
name = "la-json"
language = "en"
version = "1"

[object]
id = "id"
titles = "_label"
"""


def _activity(kind: str, target: str, when: str) -> dict[str, Any]:
    return {"type": kind, "object": {"id": target, "type": "HumanMadeObject"}, "endTime": when}


class ChangeFeed:
    """An IIIF Change Discovery stream: an OrderedCollection whose ``last`` page links back by
    ``prev``, and the Linked Art documents its activities name. Pages and documents may be
    added or changed while it is served, as a partner's would between two harvests."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.pages: list[list[dict[str, Any]]] = []

    def routes(self, pages: int, objects: int) -> dict[str, Any]:
        routes: dict[str, Any] = {"/changes": self.collection}
        routes.update({f"/changes/{n}": self.page(n) for n in range(pages)})
        routes.update({f"/object/{n}": self.doc for n in range(1, objects + 1)})
        return routes

    def doc(self, h: BaseHTTPRequestHandler) -> Response:
        return _json(self.docs[urlsplit(h.path).path])

    def page(self, n: int) -> Callable[[BaseHTTPRequestHandler], Response]:
        def route(h: BaseHTTPRequestHandler) -> Response:
            body: dict[str, Any] = {"type": "OrderedCollectionPage", "orderedItems": self.pages[n]}
            if n > 0:
                body["prev"] = {"id": f"/changes/{n - 1}", "type": "OrderedCollectionPage"}
            return _json(body)

        return route

    def collection(self, _: BaseHTTPRequestHandler) -> Response:
        last = {"id": f"/changes/{len(self.pages) - 1}", "type": "OrderedCollectionPage"}
        return _json({"type": "OrderedCollection", "last": last})


def _published_labels(config: Config) -> set[str]:
    store = Workspace(config.data_dir).open_published()
    try:
        return {
            str(r["t"])
            for r in store.select(
                "SELECT ?t WHERE { ?o <http://www.w3.org/2000/01/rdf-schema#label> ?t }"
            )
        }
    finally:
        store.close()


def _change_source(write_config: ConfigWriter, tmp_path: Any, url: str) -> Config:
    """A ``paging = "changes"`` source mapped by a small Linked Art JSON mapping."""
    (tmp_path / "la.toml").write_text(LA_MAPPING, encoding="utf-8")
    source = api_source(url, paging="changes").replace('mapping = "cmoa"', 'mapping = "la.toml"')
    source += "\n[sources.gates]\nmax_record_drop = 0.5"  # one of three goes
    return load_config(write_config(source))


def test_iiif_change_discovery_reads_only_what_changed(
    write_config: ConfigWriter, tmp_path: Any
) -> None:
    feed = ChangeFeed()
    with serve(feed.routes(pages=3, objects=3)) as server:
        for n in range(1, 4):
            feed.docs[f"/object/{n}"] = {"id": f"{server.url}/object/{n}", "_label": f"Object {n}"}
        o1, o2, o3 = (f"{server.url}/object/{n}" for n in range(1, 4))
        feed.pages.append(
            [
                _activity("Create", o1, "2024-01-01T00:00:00Z"),
                _activity("Create", o2, "2024-01-02T00:00:00Z"),
            ]
        )
        feed.pages.append(
            [
                _activity("Update", o1, "2024-01-03T00:00:00Z"),
                _activity("Create", o3, "2024-01-04T00:00:00Z"),
            ]
        )
        config = _change_source(write_config, tmp_path, server.url + "/changes")
        summary = harvest(config)
        assert (summary.read, summary.mapped, summary.rejected) == (3, 3, 0)
        assert server.hits["/object/1"] == 1  # its latest change only
        assert summary.checkpoint == {"since": "2024-01-04T00:00:00Z"}
        assert len(objects(config)) == 3

        feed.docs["/object/3"]["_label"] = "Object 3, renamed"
        feed.pages.append(
            [
                _activity("Delete", o2, "2024-02-01T00:00:00Z"),
                _activity("Update", o3, "2024-02-02T00:00:00Z"),
            ]
        )
        again = harvest(config)
        assert again.read == 2  # the two new activities, nothing older
        assert server.hits["/object/1"] == 1
        assert server.hits["/object/3"] == 2
        assert again.deleted == 1
        assert again.status == "published"
        assert len(objects(config)) == 2
        labels = _published_labels(config)
        assert "Object 3, renamed" in labels
        assert "Object 2" not in labels


def test_a_changed_object_with_a_lone_surrogate_is_quarantined(
    write_config: ConfigWriter, tmp_path: Any
) -> None:
    """A document the change stream names, holding half of a UTF-16 pair, costs that object
    (quarantined with the reason), not the harvest of the stream."""
    feed = ChangeFeed()
    with serve(feed.routes(pages=1, objects=2)) as server:
        o1, o2 = f"{server.url}/object/1", f"{server.url}/object/2"
        feed.docs["/object/1"] = {"id": o1, "_label": "Object 1"}
        feed.docs["/object/2"] = {"id": o2, "_label": "Cut \udc80 off"}
        feed.pages.append(
            [
                _activity("Create", o1, "2024-01-01T00:00:00Z"),
                _activity("Create", o2, "2024-01-02T00:00:00Z"),
            ]
        )
        summary = harvest(_change_source(write_config, tmp_path, server.url + "/changes"))
        assert (summary.read, summary.mapped, summary.rejected) == (2, 1, 1)
        assert "holds a lone surrogate" in summary.rejections[0].reason


IIIF_MAPPING = LA_MAPPING.replace(
    'titles = "_label"', 'titles = "_label"\niiif_manifest = ["manifest", "manifest.id"]'
)
IMAGE_API = "http://iiif.io/api/image"


def _manifest3(base: str) -> dict[str, Any]:
    def canvas(n: int) -> dict[str, Any]:
        body = {
            "id": f"{base}/iiif/img{n}/full/max/0/default.jpg",
            "type": "Image",
            "service": [{"id": f"{base}/iiif/img{n}", "type": "ImageService3"}],
        }
        annotation = {"type": "Annotation", "motivation": "painting", "body": body}
        return {"type": "Canvas", "items": [{"type": "AnnotationPage", "items": [annotation]}]}

    return {"type": "Manifest", "label": {"en": ["Jar"]}, "items": [canvas(1), canvas(2)]}


def _manifest2(base: str) -> dict[str, Any]:
    resource = {
        "@id": f"{base}/iiif/old/full/full/0/default.jpg",
        "service": {"@id": f"{base}/iiif/old"},
    }
    return {
        "@type": "sc:Manifest",
        "sequences": [{"canvases": [{"images": [{"resource": resource}]}]}],
    }


def test_iiif_manifests_named_in_a_record_give_its_images_with_their_service(
    write_config: ConfigWriter, tmp_path: Any
) -> None:
    def route(h: BaseHTTPRequestHandler) -> Response:
        base = f"http://{h.headers['Host']}"
        items = [
            {"id": "jar", "_label": "Jar", "manifest": f"{base}/m3.json"},
            {"id": "cup", "_label": "Cup", "manifest": {"id": f"{base}/m2.json"}},
            {"id": "pot", "_label": "Pot", "manifest": f"{base}/missing.json"},
        ]
        return _json({"items": items})

    def m3(h: BaseHTTPRequestHandler) -> Response:
        return _json(_manifest3(f"http://{h.headers['Host']}"))

    def m2(h: BaseHTTPRequestHandler) -> Response:
        return _json(_manifest2(f"http://{h.headers['Host']}"))

    with serve({"/api": route, "/m3.json": m3, "/m2.json": m2}) as server:
        (tmp_path / "la.toml").write_text(IIIF_MAPPING, encoding="utf-8")
        source = api_source(server.url + "/api", iiif_manifest="manifest").replace(
            'mapping = "cmoa"', 'mapping = "la.toml"'
        )
        config = load_config(write_config(source))
        summary = harvest(config)
        assert (summary.mapped, summary.rejected) == (3, 0)  # the missing manifest loses nothing
        store = Workspace(config.data_dir).open_published()
        rows = store.select(
            f"""PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/> PREFIX la: <https://linked.art/ns/terms/>
            SELECT ?id ?image ?service WHERE {{ GRAPH ?g {{
              ?o crm:P138i_has_representation/la:digitally_shown_by ?d ;
                 crm:P1_is_identified_by/crm:P190_has_symbolic_content ?id .
              ?d la:access_point ?image ; la:digitally_available_via ?s .
              ?s la:access_point ?service ;
                 <http://purl.org/dc/terms/conformsTo> <{IMAGE_API}> }} }}"""
        )
        manifests = store.select(
            "PREFIX la: <https://linked.art/ns/terms/> SELECT ?m WHERE { GRAPH ?g {"
            " ?d la:access_point ?m ; <http://purl.org/dc/terms/conformsTo>"
            " <http://iiif.io/api/presentation> } }"
        )
        store.close()
        url = server.url
        found = {(str(r["id"]), str(r["image"]), str(r["service"])) for r in rows}
        assert found == {
            ("Jar", f"{url}/iiif/img1/full/max/0/default.jpg", f"{url}/iiif/img1"),
            ("Jar", f"{url}/iiif/img2/full/max/0/default.jpg", f"{url}/iiif/img2"),
            ("Cup", f"{url}/iiif/old/full/full/0/default.jpg", f"{url}/iiif/old"),
        }
        assert {str(r["m"]) for r in manifests} == {
            f"{url}/m3.json",
            f"{url}/m2.json",
            f"{url}/missing.json",
        }


def test_an_answer_that_trickles_is_stopped_at_its_deadline(write_config: ConfigWriter) -> None:
    """A server that sends a byte at a time is never silent for ``timeout``: the harvest (and
    its writer lock) waited for as long as it liked; it is stopped at request_deadline."""
    with trickle(b"[" + b" " * 60 + b"]", "application/json") as url:
        config = load_config(
            write_config(api_source(url, request_deadline=1, timeout=5, max_retries=0))
        )
        with pytest.raises(HarvestError, match=r"took more than 1 s in all \(request_deadline\)"):
            harvest(config)
