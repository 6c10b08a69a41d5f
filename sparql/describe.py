"""The endpoint describes itself: a SPARQL Service Description and a VoID description.

The service description answers a GET on the endpoint without a query (SPARQL 1.1 Service
Description §3); ``/.well-known/void`` (RFC 5785, VoID §7.2) describes the whole collection
and, as a ``void:subset``, one ``void:Dataset`` per partner source with its triples, entities
and when it was last harvested.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple, serialize

from store.snapshots import manifest

from .jobs import Reply, VoidJob
from .negotiation import GRAPH_FORMATS, RESULTS_FORMATS
from .prefixes import PREFIXES

if TYPE_CHECKING:
    from .executor import Worker

__all__ = ["service_description", "void_reply"]

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
MUSEION = "https://w3id.org/museion/ns#"
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


def service_description(endpoint_url: str, *, updates: bool, void_url: str) -> list[Triple]:
    """What the endpoint supports, as SPARQL 1.1 Service Description triples."""
    service = BlankNode("service")
    dataset = BlankNode("dataset")
    graph = BlankNode("defaultGraph")
    triples = [
        Triple(service, RDF_TYPE, sd("Service")),
        Triple(service, sd("endpoint"), NamedNode(endpoint_url)),
        Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        Triple(service, sd("feature"), sd("BasicFederatedQuery")),
        Triple(service, sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, sd("Dataset")),
        Triple(dataset, sd("defaultGraph"), graph),
        Triple(graph, RDF_TYPE, sd("Graph")),
        Triple(dataset, NamedNode(VOID + "inDataset"), NamedNode(void_url)),
    ]
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
    root = NamedNode(job.void_url.split("#")[0] + "#museion")
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
    """Triples in the default graph: the merge of every graph, each triple counted once."""
    total = worker.cache.get("void-total")
    if not isinstance(total, int):
        [row] = worker.store().select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        total = int(row["n"])
        worker.cache["void-total"] = total
    return total


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def _counts(worker: Worker, meta: str) -> dict[str, dict[str, Any]]:
    """Per source dataset: triples in its record graphs, entities they describe, its title."""
    store = worker.store()
    out: dict[str, dict[str, Any]] = {}
    for row in store.select(
        f"""SELECT ?dataset ?title ?partner ?source WHERE {{
          ?dataset a <{VOID}Dataset> .
          OPTIONAL {{ ?dataset <{DCTERMS}title> ?title }}
          OPTIONAL {{ ?dataset <{MUSEION}partner> ?partner }}
          OPTIONAL {{ ?dataset <{DCTERMS}identifier> ?source }}
          FILTER (STRSTARTS(STR(?dataset), "{worker.settings.base_iri}dataset/"))
        }}"""
    ):
        out[row["dataset"]] = {
            "title": Literal(row["title"]) if row["title"] else None,
            "partner": row["partner"],
            "source": row["source"],
            "triples": 0,
            "entities": 0,
        }
    for row in store.select(
        f"""SELECT ?dataset (COUNT(DISTINCT ?topic) AS ?entities) WHERE {{
          GRAPH <{meta}> {{ ?g <{VOID}inDataset> ?dataset ;
                              <http://xmlns.com/foaf/0.1/primaryTopic> ?topic }}
        }} GROUP BY ?dataset"""
    ):
        out.setdefault(row["dataset"], {"triples": 0}).update(entities=int(row["entities"]))
    for row in store.select(
        f"""SELECT ?dataset (COUNT(*) AS ?triples) WHERE {{
          GRAPH <{meta}> {{ ?g <{VOID}inDataset> ?dataset ; a <{MUSEION}RecordGraph> }}
          GRAPH ?g {{ ?s ?p ?o }}
        }} GROUP BY ?dataset"""
    ):
        out.setdefault(row["dataset"], {"entities": 0}).update(triples=int(row["triples"]))
    return out


def void_reply(worker: Worker, job: VoidJob) -> Reply:
    fmt = next(f for f in GRAPH_FORMATS if f.name == job.format)
    triples: list[Triple] | list[Quad] = _void_triples(worker, job)
    if fmt.rdf_format().supports_datasets:
        triples = [Quad(t.subject, t.predicate, t.object) for t in triples]
    body = serialize(triples, format=fmt.rdf_format(), prefixes={**PREFIXES, "void": VOID})
    return Reply(content_type=fmt.content_type, body=body or b"")
