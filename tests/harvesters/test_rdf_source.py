"""``kind = "rdf"`` with the ``linkedart`` mapping: a partner's Linked Art kept as it is sent."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from harvesters.rdf import _with_bundled_context
from mappings import Minter
from museion import load_config
from museion.pipeline import Pipeline
from museion_core.errors import HarvestError
from publish import RecordIndex
from publish.shared import Shared
from store import Store
from tests.conftest import DATA
from tests.helpers.http import Quiet, serving

LINKED_ART = DATA / "linkedart"
XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"


def _config(folder: Path, feed: Path | str, options: str = "") -> Path:
    """A source "museion-tate" reading the dump at ``feed`` (a folder, or a URL), with
    ``options`` under it."""
    location = feed.as_posix() if isinstance(feed, Path) else feed
    path = folder / "museion.toml"
    path.write_text(
        f"""
[store]
path = "store"
[publish]
base_iri = "https://network.example.org/"
[[sources]]
name = "museion-tate"
kind = "rdf"
location = "{location}"
mapping = "linkedart"
{options}
[sources.partner]
label = "Tate (through another Museion)"
[sources.gates]
max_quarantined = 0.5
""",
        encoding="utf-8",
    )
    return path


def test_a_linked_art_dump_is_kept_as_sent(tmp_path: Path) -> None:
    feed = tmp_path / "dump"
    shutil.copytree(LINKED_ART, feed)
    (feed / "broken.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    config = load_config(_config(tmp_path, feed))

    [summary] = Pipeline(config).harvest()
    assert (summary.new, summary.rejected) == (4, 1), summary
    assert any("secretNote" in w and "unknown property" in w for w in summary.warnings), (
        summary.warnings
    )

    store = Store(config.data_dir / "working")
    try:
        # The partner's own graph: every triple of its document, under its own IRIs.
        document = (LINKED_ART / "A00001.jsonld").read_bytes()
        sent = [q.triple for q in parse(_with_bundled_context(document)[0], RdfFormat.JSON_LD)]
        iri = json.loads(document)["id"]
        assert iri.startswith("https://data.example.org/tate/object/")
        graph = Minter(config.base_iri, "museion-tate").record_graph(iri)
        # its record graph, and what it shares with other records (in the entity graphs)
        index = RecordIndex(config.data_dir / "records.sqlite")
        try:
            shared = Shared(index.db, config.base_iri).said_by("museion-tate", iri)
        finally:
            index.close()
        kept = [q.triple for q in store.graph_quads(graph)]
        kept += [q.triple for q in parse(shared, RdfFormat.N_TRIPLES)]
        assert len(sent) > 40
        assert _shape(kept) == _shape(sent)
        assert NamedNode(iri) in {t.subject for t in kept}
    finally:
        store.close()

    [again] = Pipeline(config).harvest()
    assert (again.new, again.changed, again.unchanged) == (0, 0, 4), again


def _shape(triples: list[Triple]) -> list[tuple[str, str, str]]:
    """The triples with every blank node written ``_``: equal shapes, equal graphs here. A
    double is compared by its value: the parser writes ``3.94E1``, the store ``39.4``."""

    def term(node: object) -> str:
        if isinstance(node, Literal) and node.datatype.value == XSD_DOUBLE:
            return f"{float(node.value)!r}^^double"
        return "_" if isinstance(node, BlankNode) else str(node)

    return sorted({(term(t.subject), str(t.predicate), term(t.object)) for t in triples})


def test_hostile_json_ld_files_are_quarantined_with_their_reasons(tmp_path: Path) -> None:
    """A file nesting a hundred thousand levels deep (which stopped the harvest with a
    ``RecursionError`` traceback), one whose text holds a lone surrogate (which gave the JSON-LD
    parser's "Unexpected end of file" at a column of the bundled context) and one with a
    5,000-digit number (Python's own limit on reading integers) beside a good document."""
    feed = tmp_path / "dump"
    feed.mkdir()
    shutil.copy(LINKED_ART / "A00001.jsonld", feed)
    (feed / "deep.jsonld").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    head = '{"@context": "https://linked.art/ns/v1/linked-art.json", "type": "HumanMadeObject", '
    (feed / "lone.jsonld").write_text(
        head + '"id": "https://ex.org/o/1", "_label": "Cut \\udc80 off"}', encoding="utf-8"
    )
    (feed / "long.jsonld").write_text(
        head + '"id": "https://ex.org/o/2", "_label": ' + "9" * 5000 + "}", encoding="utf-8"
    )
    config = load_config(_config(tmp_path, feed))

    [summary] = Pipeline(config).harvest()
    reasons = {r.record.split(":")[0]: r.reason for r in summary.rejections}
    assert set(reasons) == {"deep.jsonld", "lone.jsonld"}, summary.rejections
    assert "nests more than 128 levels deep" in reasons["deep.jsonld"]
    assert "holds a lone surrogate" in reasons["lone.jsonld"]
    assert summary.new == 2  # the good document, and the long number kept as its digits


def test_a_key_the_context_does_not_define_is_kept_and_a_document_without_id_is_said(
    tmp_path: Path,
) -> None:
    """JSON-LD expansion drops a key its context does not define ("made_of_gold", a misspelt
    "identifed_by") and a document without an id became no record: both without a word. The
    key is now kept under Museion's namespace and named in a warning; the document is
    quarantined with its place and kind."""
    feed = tmp_path / "dump"
    feed.mkdir()
    (feed / "partner.jsonld").write_text(
        json.dumps(
            {
                "@context": "https://linked.art/ns/v1/linked-art.json",
                "@graph": [
                    {
                        "id": "https://partner.example/object/1",
                        "type": "HumanMadeObject",
                        "_label": "Le jardin",
                        "identifed_by": [{"type": "Name", "content": "Le jardin"}],
                    },
                    {"type": "HumanMadeObject", "_label": "Object without id"},
                ],
            }
        ),
        encoding="utf-8",
    )
    config = load_config(_config(tmp_path, feed))
    [summary] = Pipeline(config).harvest()
    assert (summary.new, summary.rejected) == (1, 1)
    [rejected] = summary.rejections
    assert "document 2 (HumanMadeObject 'Object without id')" in rejected.record
    assert 'without an "id"' in rejected.reason
    assert any("'identifed_by' is not in the Linked Art context" in w for w in summary.warnings)
    store = Store(config.data_dir / "working")
    try:
        kept = store.select(
            "SELECT ?c WHERE { ?o <https://w3id.org/museion/ns/undefined-term#identifed_by> ?n ."
            " ?n <http://www.cidoc-crm.org/cidoc-crm/P190_has_symbolic_content> ?c }"
        )
    finally:
        store.close()
    assert [str(r["c"]) for r in kept] == ["Le jardin"]


def test_a_partners_own_vocab_and_a_relative_id_are_read_as_sent(tmp_path: Path) -> None:
    """The undefined-term @vocab was added to a context that has a @vocab of its own
    (schema.org's): every key moved into Museion's namespace. And a document whose id is
    relative ("objects/1", resolved against the file) was also quarantined as having none."""
    feed = tmp_path / "dump"
    feed.mkdir()
    (feed / "partner.jsonld").write_text(
        json.dumps(
            {
                "@context": {"@vocab": "https://schema.org/"},
                "@id": "https://partner.example/object/2",
                "@type": "VisualArtwork",
                "name": "Vase",
            }
        ),
        encoding="utf-8",
    )
    _, roots, nameless = _with_bundled_context(
        json.dumps(
            {"@context": "https://linked.art/ns/v1/linked-art.json", "id": "objects/1"}
        ).encode()
    )
    assert (roots, nameless) == (set(), [])  # an id the parser resolves: not nameless
    parsed = list(parse((feed / "partner.jsonld").read_bytes(), RdfFormat.JSON_LD))
    swapped = _with_bundled_context((feed / "partner.jsonld").read_bytes())[0]
    assert {q.predicate.value for q in parse(swapped, RdfFormat.JSON_LD)} == {
        q.predicate.value for q in parsed
    }
    assert "https://schema.org/name" in {q.predicate.value for q in parsed}


def _laughs(levels: int, *, declarations: str = "") -> str:
    """RDF/XML whose one label is ten to the ``levels`` "A"s, from a file of a few hundred
    bytes ("billion laughs"): each entity is ten of the one before."""
    entities = '<!ENTITY a0 "AAAAAAAAAA">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, levels)
    )
    return f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ {entities} {declarations} ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
         xmlns:crm="http://www.cidoc-crm.org/cidoc-crm/">
  <crm:E22_Human-Made_Object rdf:about="https://ex.org/o/1">
    <rdfs:label>&a{levels - 1};</rdfs:label>
  </crm:E22_Human-Made_Object>
</rdf:RDF>
"""


def test_rdf_xml_entities_are_expanded_within_bounds_or_refused(tmp_path: Path) -> None:
    """RDF/XML may declare entities (``&xsd;``, as Protégé writes them), and they are expanded;
    but a file of under a kilobyte whose entities expand to ten megabytes is quarantined with
    its reason (pyoxigraph's parser expands them without a bound: with four more levels, the
    same file aborted the harvest, "memory allocation failed"), and so is one naming a file
    of this server."""
    feed = tmp_path / "dump"
    feed.mkdir()
    shutil.copy(LINKED_ART / "A00001.jsonld", feed)
    (feed / "bomb.rdf").write_text(_laughs(7), encoding="utf-8")
    (feed / "passwd.rdf").write_text(
        _laughs(1, declarations='<!ENTITY a0 SYSTEM "file:///etc/passwd">').replace(
            '<!ENTITY a0 "AAAAAAAAAA">', ""
        ),
        encoding="utf-8",
    )
    (feed / "fine.rdf").write_text(
        _laughs(3, declarations='<!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">')
        .replace("https://ex.org/o/1", "https://ex.org/o/2")
        .replace("<rdfs:label>", '<rdfs:label rdf:datatype="&xsd;string">'),
        encoding="utf-8",
    )
    config = load_config(_config(tmp_path, feed))

    [summary] = Pipeline(config).harvest()
    reasons = {r.record.split(":")[0]: r.reason for r in summary.rejections}
    assert set(reasons) == {"bomb.rdf", "passwd.rdf"}, summary.rejections
    assert "expand to far more text than the document holds" in reasons["bomb.rdf"]
    assert "declares an external entity" in reasons["passwd.rdf"]
    assert "root:" not in reasons["passwd.rdf"]
    assert summary.new == 2
    store = Store(config.data_dir / "working")
    try:
        labels = store.query(
            "SELECT ?label WHERE { GRAPH ?g { <https://ex.org/o/2> "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?label } }"
        )
        assert [row[0].value for row in labels] == ["A" * 1000]  # type: ignore[union-attr]
    finally:
        store.close()


@contextmanager
def _dump_server(send: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[str]:
    """A server on 127.0.0.1 whose one dump is sent by ``send``; yields the dump's URL."""

    class Handler(Quiet):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle")
            with suppress(OSError):  # the harvester hung up: as it should
                send(self)

    with serving(Handler) as url:
        yield f"{url}/dump.ttl"


def test_a_dump_at_a_url_larger_than_its_limit_is_refused_as_it_comes(tmp_path: Path) -> None:
    """A server that sends without end, declaring no length (the whole answer was read into
    memory: "MemoryError" after 1.8 GB in six seconds), is refused at max_response_bytes."""

    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.end_headers()  # no Content-Length: until the connection closes
        line = b"# " + b"x" * 65533 + b"\n"
        for _ in range(64):  # 4 MB here (a real attack never stops)
            handler.wfile.write(line)

    with _dump_server(send) as url:
        config = load_config(_config(tmp_path, url, "max_response_bytes = 1000000"))
        with pytest.raises(HarvestError) as caught:
            Pipeline(config).harvest()
    assert "more than the limit of 1000000 bytes (max_response_bytes)" in str(caught.value)


def test_a_dump_that_trickles_is_stopped_at_its_deadline(tmp_path: Path) -> None:
    """A server that sends a byte at a time, never silent for ``timeout`` (the harvest, and
    its writer lock, waited for as long as the server liked), is stopped at request_deadline."""

    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"#")
            handler.wfile.flush()
            time.sleep(0.1)

    with _dump_server(send) as url:
        config = load_config(_config(tmp_path, url, "request_deadline = 1\ntimeout = 5"))
        with pytest.raises(HarvestError) as caught:
            Pipeline(config).harvest()
    assert "took more than 1 s in all (request_deadline)" in str(caught.value)


def test_rdf_xml_nested_beyond_bounds_is_refused_not_parsed_for_hours(tmp_path: Path) -> None:
    """pyoxigraph's RDF/XML parser takes time quadratic in the depth of nested elements
    (80,000 nested properties: 49 s; a file of a few MB: hours, holding the writer lock). A
    file nesting deeper than libxml2's 256 levels is quarantined with its reason, before
    pyoxigraph sees it; a file nesting a little is read."""
    feed = tmp_path / "dump"
    feed.mkdir()
    shutil.copy(LINKED_ART / "A00001.jsonld", feed)

    def nested(depth: int, iri: str) -> str:
        return (
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:crm="http://www.cidoc-crm.org/cidoc-crm/" xmlns:e="https://ex.org/">'
            f'<crm:E22_Human-Made_Object rdf:about="{iri}">'
            + '<e:part rdf:parseType="Resource">' * depth
            + "</e:part>" * depth
            + "</crm:E22_Human-Made_Object></rdf:RDF>"
        )

    (feed / "deep.rdf").write_text(nested(2000, "https://ex.org/o/1"), encoding="utf-8")
    (feed / "fine.rdf").write_text(nested(5, "https://ex.org/o/2"), encoding="utf-8")
    config = load_config(_config(tmp_path, feed))

    [summary] = Pipeline(config).harvest()
    reasons = {r.record.split(":")[0]: r.reason for r in summary.rejections}
    assert set(reasons) == {"deep.rdf"}, summary.rejections
    assert "nests elements more than 256 levels deep" in reasons["deep.rdf"]
    assert summary.new == 2
