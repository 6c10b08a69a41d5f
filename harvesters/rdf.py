"""``kind = "rdf"``: partners that already publish Linked Art or other RDF, as dump files or a URL.

JSON-LD (the Linked Art context is bundled and put in place of its URL: nothing is fetched),
Turtle, N-Triples, N-Quads, TriG and RDF/XML, parsed by pyoxigraph. One record per top-level
subject — a subject typed with one of ``types`` (objects, people, groups, sets by default) —
with its embedded nodes: the blank nodes and described IRIs it reaches that are not records
themselves. The payload is the record's triples as sorted N-Triples with blank nodes labelled
in a fixed order, so an unchanged record has an unchanged checksum.

A dump is read whole to group its triples by subject (RDF puts no order on them); a file that
does not parse is one quarantined item with the parser's message, and the other files go on.
"""

from __future__ import annotations

import glob
import json
import os
from collections import defaultdict
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field
from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, parse
from pyoxigraph import Literal as RdfLiteral

from museion_errors import HarvestError

from .base import HarvesterOptions, SourceSpec, register
from .http import make_session
from .records import HarvestItem, RejectedRecord, SourceRecord

__all__ = ["EXTENSIONS", "LINKED_ART_CONTEXT", "RdfHarvester", "RdfOptions"]

EXTENSIONS = {
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".nq": "nquads",
    ".trig": "trig",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
}
FORMATS = {
    "jsonld": RdfFormat.JSON_LD,
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "rdfxml": RdfFormat.RDF_XML,
}
LINKED_ART_CONTEXT = "https://linked.art/ns/v1/linked-art.json"
MEDIA_TYPE = "application/n-triples"

CRM = "http://www.cidoc-crm.org/cidoc-crm/"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DEFAULT_TYPES = [
    CRM + "E22_Human-Made_Object",
    CRM + "E21_Person",
    CRM + "E74_Group",
    "https://linked.art/ns/terms/Set",
    CRM + "E78_Curated_Holding",
]


class RdfOptions(HarvesterOptions):
    format: Literal["auto", "jsonld", "turtle", "ntriples", "nquads", "trig", "rdfxml"] = "auto"
    """``auto`` goes by the file extension (``.jsonld``, ``.ttl``, ``.nt``, ``.nq``, ``.rdf``)."""
    types: list[str] = Field(default_factory=lambda: list(DEFAULT_TYPES), min_length=1)
    """Class IRIs whose instances are records; everything they reach is embedded in them."""
    timeout: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=3, ge=0)


@register("rdf", RdfOptions)
class RdfHarvester:
    kind: ClassVar[str] = "rdf"

    def __init__(self, spec: SourceSpec) -> None:
        assert isinstance(spec.options, RdfOptions)
        self.spec = spec
        self.options: RdfOptions = spec.options
        self.types = {NamedNode(t) for t in self.options.types}

    @property
    def checkpoint(self) -> Mapping[str, Any]:
        return {}  # a dump is read whole every time

    @property
    def complete_snapshot(self) -> bool:
        return True

    def locations(self) -> list[str]:
        location = self.spec.location
        if location.startswith(("http://", "https://")):
            return [location]
        if glob.has_magic(location):
            found = sorted(p for p in glob.glob(location, recursive=True) if os.path.isfile(p))
        elif Path(location).is_file():
            found = [location]
        elif Path(location).is_dir():
            root = Path(location)
            found = sorted(
                str(p)
                for p in root.rglob("*")
                if p.is_file()
                and p.suffix.lower() in EXTENSIONS
                and not any(part.startswith(".") for part in p.relative_to(root).parts)
            )
        else:
            raise HarvestError(f"{location} does not exist", source=self.spec.name)
        if not found:
            raise HarvestError(f"no RDF file in {location}", source=self.spec.name)
        return found

    def __iter__(self) -> Iterator[HarvestItem]:
        for location in self.locations():
            try:
                triples = self._triples(location)
            except (SyntaxError, ValueError, OSError) as exc:
                reason = f"not readable as {self._format(location)}: {exc}"
                yield RejectedRecord(self.spec.name, location, reason.splitlines()[0])
                continue
            yield from self._records(triples, location)

    def _format(self, location: str) -> str:
        if self.options.format != "auto":
            return self.options.format
        suffix = os.path.splitext(location.split("?", 1)[0])[1].lower()
        return EXTENSIONS.get(suffix, "turtle")

    def _read(self, location: str) -> bytes:
        if not location.startswith(("http://", "https://")):
            return Path(location).read_bytes()
        session = make_session(self.options.max_retries)
        try:
            response = session.get(location, timeout=self.options.timeout)
        except OSError as exc:
            raise HarvestError(f"cannot fetch {location}: {exc}", source=self.spec.name) from exc
        if response.status_code >= 400:
            raise HarvestError(
                f"{location} answered HTTP {response.status_code}", source=self.spec.name
            )
        return response.content

    def _triples(self, location: str) -> list[Triple]:
        fmt = self._format(location)
        data = self._read(location)
        if fmt == "jsonld":
            data = _with_bundled_context(data)
        base = location if location.startswith("http") else Path(location).resolve().as_uri()
        return [q.triple for q in parse(data, FORMATS[fmt], base_iri=base)]

    def _records(self, triples: list[Triple], location: str) -> Iterator[HarvestItem]:
        by_subject: dict[NamedNode | BlankNode, list[Triple]] = defaultdict(list)
        for triple in triples:
            if isinstance(triple.subject, NamedNode | BlankNode):
                by_subject[triple.subject].append(triple)
        tops = sorted(
            (
                s
                for s, ts in by_subject.items()
                if isinstance(s, NamedNode)
                and any(t.predicate == RDF_TYPE and t.object in self.types for t in ts)
            ),
            key=lambda s: s.value,
        )
        if not tops:
            yield RejectedRecord(
                self.spec.name,
                location,
                f"no subject is typed as one of {', '.join(self.options.types)} (option types)",
            )
        top_set = set(tops)
        for top in tops:
            payload = _ntriples(top, by_subject, top_set)
            yield SourceRecord(
                source=self.spec.name,
                local_id=top.value,
                payload=payload,
                media_type=MEDIA_TYPE,
                origin=f"{location}, <{top.value}>",
            )


def _with_bundled_context(data: bytes) -> bytes:
    """JSON-LD whose context is the Linked Art context's URL gets the bundled context instead,
    so that nothing is fetched; other remote contexts are refused by the parser."""
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from exc
    bundled = json.loads(
        resources.files("sparql").joinpath("data/linked-art-context.json").read_text("utf-8")
    )["@context"]

    def swap(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (_swap_context(v, bundled) if k == "@context" else swap(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [swap(item) for item in node]
        return node

    return json.dumps(swap(document)).encode()


def _swap_context(value: Any, bundled: Any) -> Any:
    if isinstance(value, str) and value.rstrip("/") == LINKED_ART_CONTEXT:
        return bundled
    if isinstance(value, list):
        return [_swap_context(v, bundled) for v in value]
    return value


def _ntriples(
    top: NamedNode,
    by_subject: Mapping[NamedNode | BlankNode, list[Triple]],
    tops: set[NamedNode],
) -> bytes:
    """The record's triples: ``top``'s, and those of every node it embeds, as N-Triples with
    blank nodes relabelled ``b0, b1, ...`` in the order a sorted walk from ``top`` meets them."""
    labels: dict[BlankNode, str] = {}
    lines: list[str] = []
    seen: set[NamedNode | BlankNode] = set()
    stack: list[NamedNode | BlankNode] = [top]

    def term(node: Any) -> str:
        if isinstance(node, BlankNode):
            if node not in labels:
                labels[node] = f"b{len(labels)}"
            return f"_:{labels[node]}"
        return str(node)

    def order(triple: Triple) -> tuple[str, str]:
        obj = triple.object
        return triple.predicate.value, "" if isinstance(obj, BlankNode) else str(obj)

    while stack:
        node = stack.pop(0)
        if node in seen:
            continue
        seen.add(node)
        for triple in sorted(by_subject.get(node, []), key=order):
            obj = triple.object
            lines.append(f"{term(node)} {triple.predicate} {term(obj)} .")
            embedded = isinstance(obj, BlankNode) or (
                isinstance(obj, NamedNode) and obj not in tops and obj in by_subject
            )
            if embedded and not isinstance(obj, RdfLiteral) and obj not in seen:
                stack.append(obj)  # type: ignore[arg-type]
    return ("\n".join(sorted(set(lines))) + "\n").encode()
