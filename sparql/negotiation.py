"""Content negotiation: which serialisation answers a request, from ``Accept`` or ``format=``.

Results are written by pyoxigraph's own serialisers, so every format here is one pyoxigraph
writes; the first of each list is the default for ``*/*`` and for a missing ``Accept``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat

from museion_core.errors import QueryError
from museion_core.vocab import LINKED_ART_CONTEXT, MUSEION

__all__ = [
    "GRAPH_FORMATS",
    "GRAPH_PROFILE",
    "HTML",
    "JSON",
    "JSON_LD",
    "LINKED_ART_PROFILE",
    "RESULTS_FORMATS",
    "VARY",
    "Format",
    "NotAcceptable",
    "alternates",
    "check_xml_characters",
    "hinted",
    "negotiate",
    "negotiate_page",
    "parse_accept",
]

LINKED_ART_PROFILE = LINKED_ART_CONTEXT
"""The Linked Art API document: embedded nodes without ``id``, valid against the schemas."""
GRAPH_PROFILE = MUSEION.graph.value
"""The same document with every embedded node's ``id``: it parses to the entity's triples."""


@dataclass(frozen=True)
class Format:
    media_type: str
    """What the response's ``Content-Type`` says."""
    name: str
    """The short name accepted by ``format=`` (``json``, ``ttl``, ...)."""
    aliases: tuple[str, ...] = ()
    """Other media types a client may ask for it by."""

    @property
    def content_type(self) -> str:
        if self.media_type.startswith(("text/", "application/sparql-results+xml")) or (
            self.media_type in ("application/rdf+xml", "application/n-triples")
        ):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type

    def results_format(self) -> QueryResultsFormat:
        return _RESULTS_OX[self.name]

    def rdf_format(self) -> RdfFormat:
        return _RDF_OX[self.name]


RESULTS_FORMATS = (
    Format("application/sparql-results+json", "json", ("application/json",)),
    Format("application/sparql-results+xml", "xml", ("application/xml", "text/xml")),
    Format("text/csv", "csv"),
    Format("text/tab-separated-values", "tsv"),
)
"""For SELECT and ASK (an ASK in CSV or TSV is the bare word ``true`` or ``false``)."""

GRAPH_FORMATS = (
    # (Turtle is N3 too: a client that asks only for text/n3 gets Turtle, not a 406)
    Format("text/turtle", "ttl", ("application/x-turtle", "turtle", "text/n3", "text/rdf+n3")),
    Format("application/n-triples", "nt", ("text/plain",)),
    Format("application/ld+json", "jsonld", ("application/json",)),
    Format("application/rdf+xml", "rdfxml", ("application/xml", "text/xml")),
    Format("application/n-quads", "nq"),
    Format("application/trig", "trig"),
)
"""For CONSTRUCT, DESCRIBE, entity descriptions and the service's own descriptions."""

HTML = Format("text/html", "html", ("application/xhtml+xml",))
"""A page for people (search, checklists), offered first where a page is the default."""
JSON = Format("application/json", "json")
"""A page's data for scripts (the search's hits, a checklist's objects)."""
JSON_LD = Format("application/ld+json", "jsonld")
"""A checklist as a Linked Art set."""
VARY = {"Vary": "Accept"}
"""The header of every answer ``negotiate_page`` chose (the page, or its data), errors too:
one URL's representations, which a cache must not hand one client for another."""

_RESULTS_OX = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}
_RDF_OX = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
    "nq": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
}
_SHORT_NAMES = {
    "srj": "json",
    "srx": "xml",
    "turtle": "ttl",
    "ntriples": "nt",
    "n-triples": "nt",
    "json-ld": "jsonld",
    "rdf": "rdfxml",
    "xml-rdf": "rdfxml",
    "nquads": "nq",
    "n-quads": "nq",
}


class NotAcceptable(Exception):  # noqa: N818 - the HTTP status's name
    """No offered format is acceptable: the answer is 406, naming what is on offer."""

    def __init__(self, offered: tuple[Format, ...]) -> None:
        self.offered = offered
        super().__init__(
            "none of the formats this answer comes in is acceptable; ask for one of: "
            + ", ".join(f.media_type for f in offered)
        )


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...]
    order: int

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*), or 0."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == kind and self.subtype == "*":
            return 2
        if self.type == kind and self.subtype == sub:
            return 3
        return 0


def parse_accept(header: str | None) -> list[_Range]:
    if not header or not header.strip():
        return [_Range("*", "*", 1.0, (), 0)]
    ranges = []
    for order, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        kind, _, sub = media.partition("/")
        q = 1.0
        params = []
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
            elif key:
                params.append((key, value))
        ranges.append(_Range(kind, sub, q, tuple(params), order))
    return ranges


_GRAPH_HINTS = {
    "xml": "rdfxml",
    "rdf+xml": "rdfxml",
    "n3": "ttl",
    "text/n3": "ttl",
    "text/rdf+n3": "ttl",
    "json": "jsonld",
    "application/x-json+ld": "jsonld",
}
"""What clients mean by a ``format`` value when the answer is a graph (SPARQLWrapper sends
``format=xml`` for RDF/XML and ``format=n3`` for Turtle's superset)."""


def _hinted(hints: Iterable[str], offered: tuple[Format, ...]) -> Format | None:
    """The first offered format a ``format`` value names (a short name or a media type; one
    parameter may list several, comma-separated)."""
    graphs = offered and offered[0] in GRAPH_FORMATS
    for hint in hints:
        for part in hint.split(","):
            wanted = part.split(";")[0].strip().lower()
            if graphs:
                wanted = _GRAPH_HINTS.get(wanted, wanted)
            wanted = _SHORT_NAMES.get(wanted, wanted)
            for fmt in offered:
                if wanted in (fmt.name, fmt.media_type, *fmt.aliases):
                    return fmt
    return None


def hinted(format_param: str | None, offered: tuple[Format, ...]) -> Format | None:
    """The offered format a ``format`` parameter names, if it names one."""
    return _hinted([format_param], offered) if format_param else None


def negotiate(
    accept: str | None,
    offered: tuple[Format, ...],
    format_param: str | Iterable[str] | None = None,
) -> Format:
    """The offered format the client prefers most; ties go to the server's order.

    ``format`` (what SPARQLWrapper, YASGUI and browsers' links send) is a hint: a value that
    names an offered format wins; one that names none yields to ``Accept``, so a request is
    406 only when neither can be served."""
    hints = [format_param] if isinstance(format_param, str) else list(format_param or ())
    hinted = _hinted([h for h in hints if h.strip()], offered)
    if hinted is not None:
        return hinted
    ranges = parse_accept(accept)
    best: tuple[float, int, int, int] | None = None
    chosen: Format | None = None
    for index, fmt in enumerate(offered):
        for media in (fmt.media_type, *fmt.aliases):
            q, specificity = 0.0, 0
            for rng in ranges:
                s = rng.matches(media)
                if s > specificity:
                    q, specificity = rng.q, s
            if q <= 0:
                continue
            # Prefer higher q, then what the client named over what only its */* or type/*
            # lets in, then the format's own media type over an alias, then our order.
            key = (q, specificity, 1 if media == fmt.media_type else 0, -index)
            if best is None or key > best:
                best, chosen = key, fmt
    if chosen is None:
        raise NotAcceptable(offered)
    return chosen


def negotiate_page(
    accept: str | None, data: tuple[Format, ...], format_param: str | None = None
) -> Format:
    """A page's representation: the HTML page, or one of ``data`` when the client prefers it
    (``Accept: application/json``, or ``?format=json``). ``negotiate`` with the page offered
    first, so that no ``Accept``, curl's ``*/*`` and a browser's header (which names
    ``text/html``) all get the page; an answer that depends on it must say ``Vary: Accept``."""
    return negotiate(accept, (HTML, *data), format_param)


def accepts_html(accept: str | None) -> bool:
    """Whether a browser-like client prefers HTML to the RDF formats (a page for people)."""
    if not accept:
        return False
    ranges = parse_accept(accept)
    html = max((r.q for r in ranges if r.matches("text/html") >= 2), default=0.0)
    rdf = max(
        (r.q for r in ranges for f in GRAPH_FORMATS if r.matches(f.media_type) == 3), default=0.0
    )
    return html > 0 and html >= rdf


def preferred_profile(accept: str | None, media_type: str, offered: tuple[str, ...]) -> str | None:
    """The offered profile of ``media_type`` the client prefers (highest q, then first sent);
    a ``profile`` parameter may list several IRIs, space-separated (JSON-LD 1.1 §9)."""
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for rng in parse_accept(accept):
        if rng.matches(media_type) != 3 or rng.q <= 0:
            continue
        for key, value in rng.params:
            if key != "profile":
                continue
            for profile in value.split():
                if profile in offered and (best is None or (rng.q, -rng.order) > best):
                    best, chosen = (rng.q, -rng.order), profile
    return chosen


_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters XML 1.0 cannot carry at all, escaped or not (in UTF-8 these bytes are
the characters themselves: a multi-byte sequence never holds one)."""


def check_xml_characters(fmt: Format, body: bytes) -> None:
    """Refuse (406) an answer in an XML format that holds a character XML cannot carry:
    pyoxigraph writes it as it is, and a client's parser then fails on a 200 (a literal with
    U+0001 in it)."""
    if "xml" in fmt.media_type and (found := _NOT_XML.search(body)):
        raise QueryError(
            f"the answer holds U+{found.group()[0]:04X}, which XML cannot carry; ask for it "
            "as JSON, CSV or TSV (or Turtle, N-Triples for a graph)",
            http_status=406,
        )


def alternates(path: str, *, linked_art: bool = True) -> str:
    """The ``Link`` header of an entity's answers: every representation, each JSON-LD
    profile named (RFC 8288 ``profile`` and ``type`` target attributes). A resource with no
    Linked Art API document (a record, a dataset, a node Linked Art only embeds) answers
    ``?format=jsonld`` in the graph profile: only that profile is named for it."""
    links = [  # (the page by its format: a client that sends Accept: */* gets Turtle)
        f'<{path}?format=html>; rel="alternate"; type="text/html"',
        f'<{path}?format=ttl>; rel="alternate"; type="text/turtle"',
        f'<{path}?format=nt>; rel="alternate"; type="application/n-triples"',
        f'<{path}?format=rdfxml>; rel="alternate"; type="application/rdf+xml"',
    ]
    if linked_art:
        links.append(
            f'<{path}?format=jsonld>; rel="alternate"; type="application/ld+json"; '
            f'profile="{LINKED_ART_PROFILE}"'
        )
    links.append(
        f'<{path}?format=jsonld&profile=graph>; rel="alternate"; type="application/ld+json"; '
        f'profile="{GRAPH_PROFILE}"'
    )
    return ", ".join(links)
