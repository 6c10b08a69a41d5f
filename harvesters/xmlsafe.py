"""Safe XML parsing: no entity expansion, no DTD, no network, no huge trees (see ``xml``)."""

from __future__ import annotations

import io
import re
from typing import Any

from lxml import etree

from museion_core import messages

__all__ = [
    "SAFE_OPTIONS",
    "XmlError",
    "checked_rdfxml",
    "encoding_fault",
    "parse_xml",
    "refuse_dtd",
    "safe_parser",
    "syntax_message",
    "utf8_as_sent",
]

SAFE_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}
_WHERE = re.compile(r"\s*\((?:<string>|[^()]*), line \d+\)\s*$")
_LIMITS = (
    # libxml2 names the parser option that lifts its limits; Museion never sets it, so a
    # partner is told the limit in plain words instead
    (
        re.compile(r"Excessive depth in document: (\d+),? use XML_PARSE_HUGE option", re.I),
        r"elements nest more than \1 levels deep",
    ),
    (
        re.compile(r"(?:Resource limit exceeded: )?Text node too long,? try XML_PARSE_HUGE", re.I),
        "a text is longer than the parser's limit of 10,000,000 bytes",
    ),
    (
        re.compile(
            r"(?:Resource limit exceeded: )?Buffer size limit exceeded,? try XML_PARSE_HUGE", re.I
        ),
        "a value is longer than the parser's limit of 10,000,000 bytes",
    ),
    (re.compile(r",?\s*(?:try|use) XML_PARSE_HUGE(?: option)?", re.I), ""),
)


class XmlError(ValueError):
    """Bytes that are not a well-formed, safe XML document; the message says why and where."""


def safe_parser() -> etree.XMLParser:
    """A new parser with entity expansion, DTD loading and network access off.

    lxml parsers must not be shared between threads, so each caller makes its own.
    """
    return etree.XMLParser(**SAFE_OPTIONS)  # type: ignore[arg-type]


def syntax_message(exc: etree.XMLSyntaxError) -> str:
    """The parser's message with its line and column, without lxml's ``(<string>, line 1)``.

    ``iterparse`` reports some faults (an undeclared entity) only as "no element found (line
    0)"; libxml2's own message and position are in the error log, and are what a person needs.
    """
    text = _plain(_WHERE.sub("", str(exc)).strip())
    if not exc.lineno or not text:
        log: Any = exc.error_log  # lxml-stubs do not know the log is iterable
        logged = [e for e in log if e.level >= etree.ErrorLevels.ERROR]
        if logged:
            first = logged[0]
            return f"{_plain(first.message.strip())} (line {first.line}, column {first.column})"
    return text or "not well-formed XML"


def _plain(message: str) -> str:
    """libxml2's message with its resource limits said in plain words (``_LIMITS``)."""
    if "XML_PARSE_HUGE" in message:
        for pattern, words in _LIMITS:
            message = pattern.sub(words, message)
    return " ".join(message.split()).replace(" ,", ",")


def encoding_fault(message: str) -> bool:
    """Whether a parser's message is about bytes the document's encoding cannot read
    ("Input is not proper UTF-8", "Invalid bytes in character encoding")."""
    words = message.lower()
    return "encoding" in words or "utf-8" in words


def refuse_dtd(root: etree._Element) -> None:
    if root.getroottree().docinfo.doctype:  # type: ignore[attr-defined]
        raise XmlError(messages.XML_DTD_REFUSED())


def parse_xml(data: bytes) -> etree._Element:
    """Parse a whole document safely; raises ``XmlError`` with the parser's message."""
    root = _parsed(data, safe_parser())
    refuse_dtd(root)
    return root


def checked_rdfxml(data: bytes) -> bytes:
    """RDF/XML that pyoxigraph can be given: nesting no deeper than libxml2's limit (256
    elements), and, when its DTD declares entities, with them expanded and the DTD gone.

    pyoxigraph's RDF/XML parser takes time quadratic in the depth of nested elements: 40,000
    nested ``rdf:parseType="Resource"`` properties took 11 s, 80,000 took 49 s, and a file of
    a few MB held the harvest (and the writer lock) for hours. libxml2 refuses a document
    nesting more than 256 deep; its other complaints are left to pyoxigraph to say, as before.

    RDF/XML files often declare entities for namespaces (``<!ENTITY xsd "...">``, as Protégé
    writes them), so a DTD cannot be refused here as it is elsewhere. But pyoxigraph's RDF/XML
    parser expands them without any bound: an 854-byte "billion laughs" file became a 10 GB
    literal and aborted the whole harvest. libxml2 expands internal entities with a bound on
    their amplification; what it expands is given to pyoxigraph without a DTD. An external
    entity (``SYSTEM``, ``PUBLIC``) is refused, not left for another parser to resolve.
    Raises ``XmlError`` with the reason."""
    if b"<!ENTITY" not in data:  # (pyoxigraph reads UTF-8 only: the bytes are these)
        _check_depth(data)
        return data
    root = _parsed(data, safe_parser())  # nothing expanded yet: which entities are declared
    dtd: Any = root.getroottree().docinfo.internalDTD  # (lxml-stubs lack iterentities)
    if dtd is not None and any(e.system_url for e in dtd.iterentities()):
        raise XmlError(messages.XML_EXTERNAL_ENTITY())
    options = {**SAFE_OPTIONS, "resolve_entities": "internal"}
    root = _parsed(data, etree.XMLParser(**options))  # type: ignore[arg-type]
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _check_depth(data: bytes) -> None:
    """Raise ``XmlError`` if ``data`` nests deeper than libxml2 allows; read as it comes, each
    element let go once read, so a dump costs no tree."""
    events = etree.iterparse(io.BytesIO(data), events=("end",), **SAFE_OPTIONS)
    try:
        for _, element in events:
            element.clear()
    except etree.XMLSyntaxError as exc:
        if _too_deep(syntax_message(exc)):
            raise XmlError(messages.XML_TOO_DEEP(limit=MAX_XML_DEPTH)) from None


MAX_XML_DEPTH = 256
"""libxml2's limit on nested elements (without ``huge_tree``)."""


def _too_deep(detail: str) -> bool:
    return "levels deep" in detail


def _parsed(data: bytes, parser: etree.XMLParser) -> etree._Element:
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        detail = syntax_message(exc)
        if "amplification" in detail.lower():
            raise XmlError(messages.XML_ENTITY_BOMB()) from None
        if _too_deep(detail):
            raise XmlError(messages.XML_TOO_DEEP(limit=MAX_XML_DEPTH)) from None
        raise XmlError(messages.XML_INVALID(detail=detail)) from None


_DECLARED = re.compile(
    rb"^(\xef\xbb\xbf)?(<\?xml[^>]*?\bencoding\s*=\s*)([\"'])([A-Za-z0-9._-]+)\3"
)
_UTF8 = {"utf-8", "utf8"}
_LATIN = re.compile(r"^(iso-?8859-(1|15)|latin-?1|l1|(windows|cp)-?1252|(us-)?ascii)$")
"""Declarations whose text, if it is valid non-ASCII UTF-8, is UTF-8 beyond reasonable doubt
(a Western single-byte text almost never forms UTF-8 sequences; another charset might)."""


def utf8_as_sent(data: bytes, content_type: str | None) -> bytes:
    """``data`` with an XML declaration that misnames UTF-8 text put right.

    A server that sends UTF-8 (as OAI-PMH requires, and as its ``Content-Type`` says, or
    says nothing of) may still declare ``encoding="ISO-8859-1"``: read as declared, every
    "ü" became "Ã¼" and Arabic became Latin letters, without an error. The header's charset
    is the authority (RFC 7303 §3.2); text that is valid UTF-8 and not ASCII is UTF-8 beyond
    reasonable doubt. A page whose bytes are not UTF-8 keeps its declaration: it is what the
    server wrote (a Latin-1 page that says so)."""
    found = _DECLARED.match(data)
    if found is None or not _LATIN.match(found.group(4).decode("ascii").lower()):
        return data
    charset = _charset(content_type)
    if charset is not None and charset not in _UTF8:
        return data
    if data.isascii():
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    bom, head, quote = found.group(1) or b"", found.group(2), found.group(3)
    return bom + head + quote + b"UTF-8" + quote + data[found.end() :]


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower() or None
    return None
