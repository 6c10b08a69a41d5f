"""``kind = "rdf"``: partners that already publish Linked Art or other RDF, as dump files or a URL.

JSON-LD (the Linked Art context is bundled and put in place of its URL, and so is another
Museion's extension of it: nothing is fetched; any other remote context is refused),
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
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field
from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, parse
from pyoxigraph import Literal as RdfLiteral

from museion_core import messages
from museion_core.deadline import DeadlineExceededError
from museion_core.errors import HarvestError
from museion_core.vocab import CRM, LA, LINKED_ART_CONTEXT, UNDEFINED_TERM_NS

from .base import (
    MAX_RETRIES,
    TIMEOUT,
    HarvesterOptions,
    MaxResponseBytes,
    MaxRetries,
    RequestDeadline,
    SourceSpec,
    Timeout,
    register,
)
from .http import answer_within, make_session, read_limited, transport_fault
from .jsonload import load_json
from .jsonscan import MAX_DEPTH, nesting_depth
from .records import HarvestItem, RejectedRecord, SourceRecord
from .xmlsafe import checked_rdfxml

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
MUSEION_EXTENSION = "/ns/linked-art-extension.json"
MEDIA_TYPE = "application/n-triples"

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
STUB_PREDICATES = {RDF_TYPE, NamedNode("http://www.w3.org/2000/01/rdf-schema#label")}
DEFAULT_TYPES = [
    CRM.E22_Human_Made_Object.value,
    CRM.E21_Person.value,
    CRM.E74_Group.value,
    LA.Set.value,
    CRM.E78_Curated_Holding.value,
]


class RdfOptions(HarvesterOptions):
    format: Literal["auto", "jsonld", "turtle", "ntriples", "nquads", "trig", "rdfxml"] = "auto"
    """``auto`` goes by the file extension (``.jsonld``, ``.ttl``, ``.nt``, ``.nq``, ``.rdf``)."""
    types: list[str] = Field(default_factory=lambda: list(DEFAULT_TYPES), min_length=1)
    """Class IRIs whose instances are records; everything they reach is embedded in them."""
    timeout: Timeout = TIMEOUT
    max_retries: MaxRetries = MAX_RETRIES
    max_response_bytes: MaxResponseBytes = 1 << 30
    """A dump at a URL larger than this is refused (it is read whole, into memory)."""
    request_deadline: RequestDeadline = 3600.0
    """Seconds the download of a dump may take in all: ``timeout`` only bounds silences,
    and a server that trickles a byte a second is never silent."""


@register("rdf", RdfOptions)
class RdfHarvester:
    kind: ClassVar[str] = "rdf"

    def __init__(self, spec: SourceSpec) -> None:
        assert isinstance(spec.options, RdfOptions)
        self.spec = spec
        self.options: RdfOptions = spec.options
        self.types = {NamedNode(t) for t in self.options.types}
        self._unread: list[str] = []

    @property
    def checkpoint(self) -> Mapping[str, Any]:
        return {}  # a dump is read whole every time

    @property
    def complete_snapshot(self) -> bool:
        return True

    @property
    def unread(self) -> list[str]:
        return list(self._unread)

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
            raise HarvestError(messages.FEED_MISSING(location=location), source=self.spec.name)
        if not found:
            raise HarvestError(messages.NO_RDF_FILE(location=location), source=self.spec.name)
        return found

    def __iter__(self) -> Iterator[HarvestItem]:
        # The whole dump first: one record's triples may be spread over several files.
        triples: list[Triple] = []
        roots: set[NamedNode] = set()
        origins: dict[NamedNode | BlankNode, str] = {}
        self._unread = []
        for location in self.locations():
            try:
                found, documents, nameless = self._triples(location)
            except (SyntaxError, ValueError, OSError) as exc:
                self._unread.append(self.spec.shown(location))
                reason = messages.RDF_UNREADABLE(format=self._format(location), detail=exc)
                yield RejectedRecord(
                    self.spec.name, self.spec.shown(location), reason.splitlines()[0]
                )
                continue
            for document in nameless:  # read, but not silently left out
                yield RejectedRecord(
                    self.spec.name,
                    f"{self.spec.shown(location)}, {document}",
                    messages.JSONLD_NO_ID(),
                )
            triples += found
            roots |= documents
            shown = self.spec.shown(location)
            for triple in found:
                origins.setdefault(triple.subject, shown)  # type: ignore[arg-type]
        yield from self._records(triples, roots, origins)

    def _format(self, location: str) -> str:
        if self.options.format != "auto":
            return self.options.format
        suffix = os.path.splitext(location.split("?", 1)[0])[1].lower()
        return EXTENSIONS.get(suffix, "turtle")

    def _read(self, location: str) -> bytes:
        if not location.startswith(("http://", "https://")):
            return Path(location).read_bytes()
        failed = partial(HarvestError, source=self.spec.name)
        try:
            with answer_within(self.options.request_deadline, location, failed):
                return self._download(location)
        except (OSError, DeadlineExceededError) as exc:
            detail = transport_fault(exc, self.options.timeout)
            raise failed(messages.CANNOT_FETCH(location=location, detail=detail)) from exc

    def _download(self, location: str) -> bytes:
        """The dump at ``location``, read in pieces: a server that sends without end (or
        whose gzip unpacks without end) is refused at ``max_response_bytes``, not read until
        the harvester runs out of memory."""
        failed = partial(HarvestError, source=self.spec.name)
        session = make_session(self.options.max_retries, home=location)
        with session, session.get(location, timeout=self.options.timeout, stream=True) as response:
            if response.status_code >= 400:
                raise failed(messages.HTTP_STATUS_ONLY(url=location, status=response.status_code))
            return read_limited(response, location, self.options.max_response_bytes, failed)

    def _triples(self, location: str) -> tuple[list[Triple], set[NamedNode], list[str]]:
        """The file's triples, the subjects of its JSON-LD documents (each is a record), and
        its JSON-LD documents without an id (no record can be named after them)."""
        fmt = self._format(location)
        data = self._read(location)
        roots: set[NamedNode] = set()
        nameless: list[str] = []
        if fmt == "jsonld":
            data, roots, nameless = _with_bundled_context(data)
        elif fmt == "rdfxml":
            data = checked_rdfxml(data)
        base = location if location.startswith("http") else Path(location).resolve().as_uri()
        return [q.triple for q in parse(data, FORMATS[fmt], base_iri=base)], roots, nameless

    def _records(
        self,
        triples: list[Triple],
        roots: set[NamedNode],
        origins: Mapping[NamedNode | BlankNode, str],
    ) -> Iterator[HarvestItem]:
        by_subject: dict[NamedNode | BlankNode, list[Triple]] = defaultdict(list)
        referenced: set[object] = set()
        for triple in triples:
            if isinstance(triple.subject, NamedNode | BlankNode):
                by_subject[triple.subject].append(triple)
                referenced.add(triple.object)
        tops = sorted(
            (s for s in by_subject if isinstance(s, NamedNode) and self._is_record(s, by_subject)),
            key=lambda s: s.value,
        )
        # A typed node that only names its type and label and that another node refers to is
        # a reference (an object's maker, its keeper), embedded where it is used; a JSON-LD
        # document's own subject is a record whatever it holds.
        tops = [
            s
            for s in tops
            if s in roots
            or s not in referenced
            or any(t.predicate not in STUB_PREDICATES for t in by_subject[s])
        ]
        if not tops and triples:
            yield RejectedRecord(
                self.spec.name,
                self.spec.shown(self.spec.location),
                messages.RDF_NO_TYPED_SUBJECT(types=", ".join(self.options.types)),
            )
        top_set = set(tops)
        for top in tops:
            yield SourceRecord(
                source=self.spec.name,
                local_id=top.value,
                payload=_ntriples(top, by_subject, top_set),
                media_type=MEDIA_TYPE,
                origin=f"{origins.get(top) or self.spec.shown(self.spec.location)}, <{top.value}>",
            )

    def _is_record(
        self, subject: NamedNode, by_subject: Mapping[NamedNode | BlankNode, list[Triple]]
    ) -> bool:
        return any(t.predicate == RDF_TYPE and t.object in self.types for t in by_subject[subject])


def _with_bundled_context(data: bytes) -> tuple[bytes, set[NamedNode], list[str]]:
    """JSON-LD whose context is the Linked Art context's URL gets the bundled context instead,
    so that nothing is fetched (other remote contexts are refused by the parser); and the
    ``id`` of each document (a top-level object, or each item of a top-level array).

    Read as the files harvester reads JSON (``load_json``): a number of any length, and a text
    holding a lone surrogate, give a reason; a file nesting deeper than ``MAX_DEPTH`` is
    refused before Python recurses into it."""
    if nesting_depth(data, MAX_DEPTH) > MAX_DEPTH:
        raise ValueError(messages.RDF_TOO_DEEP(limit=MAX_DEPTH))
    try:
        document = load_json(data)
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

    roots = set()
    nameless = []
    items = document if isinstance(document, list) else [document]
    nodes = []
    for item in items:
        graph = item.get("@graph", [item]) if isinstance(item, dict) else [item]
        nodes += graph if isinstance(graph, list) else [graph]
    for n, item in enumerate(nodes, start=1):
        ident = item.get("id", item.get("@id")) if isinstance(item, dict) else None
        if isinstance(ident, str) and ident.startswith(("http://", "https://", "urn:")):
            roots.add(NamedNode(ident))
        elif isinstance(item, dict) and not (isinstance(ident, str) and ident.strip()):
            # (an id that is not absolute, "objects/1", is resolved against the file's
            # address by the parser: the document has one)
            kind, label = item.get("type", item.get("@type", "")), item.get("_label", "")
            shown = " ".join(str(x) for x in (kind, repr(label) if label else "") if x)
            nameless.append(f"document {n}" + (f" ({shown})" if shown else ""))
    swapped = [_keep_undefined_terms(swap(item)) for item in items]
    body = swapped if isinstance(document, list) else swapped[0]
    return json.dumps(body).encode(), roots, nameless


def _keep_undefined_terms(document: Any) -> Any:
    """A document whose keys its context does not define ("identifed_by") keeps them, under
    ``UNDEFINED_TERM_NS``, to be reported (mappings.linkedart), where the expansion would drop
    them without a word; a context with a ``@vocab`` of its own (schema.org's) keeps it."""
    context = document.get("@context") if isinstance(document, dict) else None
    if context is None:
        return document
    listed = context if isinstance(context, list) else [context]
    if any(isinstance(c, dict) and "@vocab" in c for c in listed):
        return document
    return {**document, "@context": [*listed, {"@vocab": UNDEFINED_TERM_NS}]}


def _swap_context(value: Any, bundled: Any) -> Any:
    if isinstance(value, str) and value.rstrip("/") == LINKED_ART_CONTEXT:
        return bundled
    if isinstance(value, str) and value.endswith(MUSEION_EXTENSION):
        # Another Museion's extension of the context, which typed ``value`` xsd:decimal: a
        # fractional JSON number then read as "9.938E0"^^xsd:decimal, an ill-typed literal.
        # Read as Linked Art's own (an xsd:double), as that Museion now serves it.
        return {"value": {"@id": CRM.P90_has_value.value}}
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
