"""The endpoint describes itself: a SPARQL Service Description and a VoID description.

The service description answers a GET on the endpoint without a query (SPARQL 1.1 Service
Description §3); ``/.well-known/void`` (RFC 5785, VoID §7.2) describes the whole collection
and, as a ``void:subset``, one ``void:Dataset`` per partner source with its triples, entities
and when its data last changed (``dcterms:modified``: the end of the harvest, upload or remap
that last changed it).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple, serialize

from museion_core.vocab import DCTERMS_NS, MUSEION, RDF, RDFS, VOID_NS, XSD_NS
from publish import dataset_graphs
from store import manifest

from . import i18n
from .jobs import Reply, VoidJob
from .negotiation import GRAPH_FORMATS, RESULTS_FORMATS, check_xml_characters
from .pages import local_href, templates
from .prefixes import PREFIXES

if TYPE_CHECKING:
    from store import StoreReader

    from .executor import Worker

__all__ = ["entity_pattern", "service_description", "void_dataset", "void_reply"]

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = VOID_NS
DCTERMS = DCTERMS_NS
RDF_TYPE = RDF.type
XSD = XSD_NS
FORMATS = "http://www.w3.org/ns/formats/"

_RESULT_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "ttl": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
    "nq": "N-Quads",
    "trig": "TriG",
}


def sd(local: str) -> NamedNode:
    return NamedNode(SD + local)


def v(local: str) -> NamedNode:
    return NamedNode(VOID + local)


def void_dataset(void_url: str) -> NamedNode:
    """The ``void:Dataset`` of the whole collection, as the VoID document names it."""
    return NamedNode(void_url.split("#", maxsplit=1)[0] + "#museion")


def service_description(
    endpoint_url: str, *, updates: bool, void_url: str, federated: bool
) -> list[Triple]:
    """What the endpoint supports, as SPARQL 1.1 Service Description triples.

    ``sd:BasicFederatedQuery`` only when ``SERVICE`` may call something (a non-empty
    allow-list): a client that reads the description must not plan a federated query that
    every call would refuse."""
    service = BlankNode("service")
    dataset = BlankNode("dataset")
    graph = BlankNode("defaultGraph")
    triples = [
        Triple(service, RDF_TYPE, sd("Service")),
        Triple(service, sd("endpoint"), NamedNode(endpoint_url)),
        Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        Triple(service, sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, sd("Dataset")),
        Triple(dataset, sd("defaultGraph"), graph),
        Triple(graph, RDF_TYPE, sd("Graph")),
        Triple(dataset, NamedNode(VOID + "inDataset"), void_dataset(void_url)),
    ]
    if federated:
        triples.append(Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    if updates:
        triples.append(Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    for fmt in (*RESULTS_FORMATS, *GRAPH_FORMATS):
        triples.append(
            Triple(service, sd("resultFormat"), NamedNode(FORMATS + _RESULT_FORMAT_IRIS[fmt.name]))
        )
    return triples


def _void_triples(worker: Worker, job: VoidJob) -> list[Triple]:
    worker.store()  # follow a new snapshot first: that empties the cache
    base = worker.settings.base_iri
    meta = f"{base}meta"
    cached = worker.cache.get("void-counts")
    if cached is None:
        cached = _counts(worker, meta)
        worker.cache["void-counts"] = cached
    counts: dict[str, dict[str, Any]] = cached  # type: ignore[assignment]
    harvests = manifest(worker.snapshot).get("sources", {}) if worker.snapshot else {}
    root = void_dataset(job.void_url)
    triples = [
        Triple(root, RDF_TYPE, v("Dataset")),
        Triple(root, NamedNode(DCTERMS + "title"), Literal(worker.settings.title)),
        Triple(root, v("sparqlEndpoint"), NamedNode(job.endpoint_url)),
        Triple(root, v("uriSpace"), Literal(base)),
        Triple(root, v("triples"), _integer(int(cached_total(worker)))),
    ]
    for dataset, row in sorted(counts.items()):
        node = NamedNode(dataset)
        triples += [
            Triple(root, v("subset"), node),
            Triple(node, RDF_TYPE, v("Dataset")),
            Triple(node, v("sparqlEndpoint"), NamedNode(job.endpoint_url)),
            Triple(node, v("triples"), _integer(row["triples"])),
            Triple(node, v("entities"), _integer(row["entities"])),
        ]
        if row.get("title"):
            triples.append(Triple(node, NamedNode(DCTERMS + "title"), row["title"]))
        if row.get("partner"):
            triples.append(
                Triple(node, NamedNode(DCTERMS + "publisher"), NamedNode(row["partner"]))
            )
        source = row.get("source")
        harvested = harvests.get(source, {}).get("harvested") if source else None
        if harvested:
            triples.append(
                Triple(
                    node,
                    NamedNode(DCTERMS + "modified"),
                    Literal(harvested, datatype=NamedNode(XSD + "dateTime")),
                )
            )
    return triples


def cached_total(worker: Worker) -> int:
    """Triples in the default graph: the union of every graph, which holds each triple once."""
    total = worker.cache.get("void-total")
    if not isinstance(total, int):
        [row] = worker.store().select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        total = int(row["n"])
        worker.cache["void-total"] = total
    return total


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def _counts(worker: Worker, meta: str) -> dict[str, dict[str, Any]]:
    """Per source dataset: its title and partner, the distinct triples of its record graphs (a
    triple two records state counts once: triples, not quads), and the entities they
    describe (minted objects, persons, groups, places, sets and concepts typed there; not the
    nodes under them such as ``{object}/production``, and not one per record)."""
    store = worker.store()
    base = worker.settings.base_iri
    out: dict[str, dict[str, Any]] = {}
    for row in store.select(
        f"""SELECT ?dataset ?title ?partner ?source WHERE {{
          ?dataset a <{VOID}Dataset> .
          OPTIONAL {{ ?dataset <{DCTERMS}title> ?title }}
          OPTIONAL {{ ?dataset {MUSEION.partner} ?partner }}
          OPTIONAL {{ ?dataset <{DCTERMS}identifier> ?source }}
          FILTER (STRSTARTS(STR(?dataset), "{base}dataset/"))
        }}"""
    ):
        out[row["dataset"]] = {
            "title": Literal(row["title"]) if row["title"] else None,
            "partner": row["partner"],
            "source": row["source"],
            "triples": 0,
            "entities": 0,
        }
    # A dataset's graphs: its records', and the entity graph of what they share.
    records = dataset_graphs(
        base,
        meta,
        {dataset: str(about["source"]) for dataset, about in out.items() if about.get("source")},
    )
    for row in store.select(
        f"""SELECT ?dataset (COUNT(*) AS ?entities) WHERE {{
          SELECT DISTINCT ?dataset ?s WHERE {{
            {records}
            GRAPH ?g {{ ?s a ?class }}
            FILTER (isIRI(?s) && REGEX(STR(?s), "{entity_pattern(base)}"))
          }}
        }} GROUP BY ?dataset"""
    ):
        out.setdefault(row["dataset"], {"triples": 0}).update(entities=int(row["entities"]))
    for row in store.select(
        f"""SELECT ?dataset (COUNT(*) AS ?triples) WHERE {{
          SELECT DISTINCT ?dataset ?s ?p ?o WHERE {{ {records} GRAPH ?g {{ ?s ?p ?o }} }}
        }} GROUP BY ?dataset"""
    ):
        out.setdefault(row["dataset"], {"entities": 0}).update(triples=int(row["triples"]))
    return out


def entity_pattern(base: str) -> str:
    """A SPARQL regex (escaped for a string literal) matching the IRIs of Museion's entities:
    ``{base}{source}/{object,person,group,place,set}/{id}``, ``{base}{source}/concept/{scheme}/
    {term}``, the partners ``{base}partner/{source}`` and the aggregates
    ``{base}{person,group,place}/{id}``."""
    escaped = re.sub(r"([.*+?^${}()|\[\]\\])", r"\\\1", base).replace("\\", "\\\\")
    return (
        f"^{escaped}(?:[a-z0-9-]+/(?:object|person|group|place|set)/[^/]+"
        f"|(?:[a-z0-9-]+/)?concept/[^/]+/[^/]+|(?:person|group|place)/[^/]+"
        f"|partner/[a-z0-9-]+)$"
    )


def _void_page(worker: Worker, job: VoidJob) -> Reply:
    """The VoID description as a page, for a person who follows the link in the page header
    (a browser would otherwise download a Turtle file)."""
    values: dict[str, dict[str, str]] = {}
    for t in _void_triples(worker, job):
        if t.predicate != RDF_TYPE and t.predicate != v("subset"):
            local = t.predicate.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            if isinstance(t.subject, NamedNode) and isinstance(t.object, NamedNode | Literal):
                values.setdefault(t.subject.value, {})[local] = t.object.value
    root = void_dataset(job.void_url).value
    base = worker.settings.base_iri
    store = worker.store()
    kinds = _update_kinds(worker)
    rows = [
        {
            "iri": iri,
            "href": local_href(iri, base),
            "publisher_href": local_href(row["publisher"], base) if "publisher" in row else None,
            "publisher_name": _label(store, row["publisher"]) if "publisher" in row else "",
            "updated": row.get("modified", "")[:16].replace("T", " "),
            "kind": kinds.get(iri) if row.get("modified") else None,
            **row,
        }
        for iri, row in sorted(values.items())
        if iri != root
    ]
    html = i18n.render(
        templates().get_template("void.html"),
        job.lang,
        job.here,
        title=worker.settings.title,
        endpoint=job.endpoint_url,
        total=values.get(root, {}).get("triples", "0"),
        rows=rows,
        updated_by=UPDATED_BY,
        formats=[(f.name, f.media_type) for f in GRAPH_FORMATS[:4]],
    )
    return Reply(content_type="text/html; charset=utf-8", body=html.encode("utf-8"))


UPDATED_BY = {"harvest": "by harvest", "upload": "by upload", "remap": "by remap"}
"""What the datasets page says of the run that last changed a dataset (``publish.RunKind``):
its ``dcterms:modified`` is when the data last changed, by a harvest, an upload or a remap."""


def _update_kinds(worker: Worker) -> dict[str, str]:
    """Each dataset's IRI → how the run that last changed it came about (``UPDATED_BY``'s
    keys), where the snapshot's manifest says it (a snapshot published before it was kept
    does not)."""
    counts = worker.cache.get("void-counts")
    if not isinstance(counts, dict) or worker.snapshot is None:
        return {}
    runs = manifest(worker.snapshot).get("sources", {})
    kinds = {}
    for dataset, row in counts.items():
        kind = runs.get(row.get("source"), {}).get("kind") if isinstance(row, dict) else None
        if kind in UPDATED_BY:
            kinds[dataset] = kind
    return kinds


def void_reply(worker: Worker, job: VoidJob) -> Reply:
    if job.format == "html":
        return _void_page(worker, job)
    fmt = next(f for f in GRAPH_FORMATS if f.name == job.format)
    triples: list[Triple] | list[Quad] = _void_triples(worker, job)
    if fmt.rdf_format().supports_datasets:
        triples = [Quad(t.subject, t.predicate, t.object) for t in triples]
    body = serialize(triples, format=fmt.rdf_format(), prefixes={**PREFIXES, "void": VOID})
    check_xml_characters(fmt, body or b"")
    return Reply(content_type=fmt.content_type, body=body or b"")


def _label(store: StoreReader, iri: str) -> str:
    """A partner's name for the page (its IRI when it has none)."""
    found = next(store.triples(NamedNode(iri), RDFS.label), None)
    return found.object.value if found is not None and isinstance(found.object, Literal) else iri
