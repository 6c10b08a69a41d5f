"""A ``ListRecords`` page that does not parse: read its records one by one.

One record with a byte that is not UTF-8, or a stray ``&`` in a title, makes the whole page
ill-formed XML. Refusing the page would fail the source, and every later harvest would resume
at the same page and fail again: a partner's whole feed stuck on one record until the partner
mends it. So the page is cut into its ``<record>`` elements without parsing (``harvesters.xmlcut``),
and each record is parsed inside the page's own envelope (its XML declaration, namespaces and
resumption token), so that it reads exactly as it would have in the whole page. The records that
parse are harvested; each that does not is kept with the parser's message, at the line and
column of the page the partner's server sent.

Nothing is guessed: when the envelope itself is broken (a truncated page, a bad byte in the
token), or the tags do not balance, there is no salvage and the page fails as before.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from xml.sax.saxutils import unescape

from lxml import etree

from museion_core import messages

from ..xml import XmlError, encoding_fault, parse_xml, safe_parser, syntax_message
from ..xmlcut import cut_all, in_file

__all__ = ["BrokenRecord", "salvage_page"]

_LIST = re.compile(rb"<(?:(?P<prefix>[A-Za-z_][\w.\-]*):)?ListRecords(?=[\s/>])")
_IDENTIFIER = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?identifier\s*>\s*([^<]*?)\s*</")


@dataclass(frozen=True, slots=True)
class BrokenRecord:
    """A ``<record>`` of a page that is not well-formed XML on its own."""

    identifier: str | None
    """Its header's OAI identifier, when the bytes show one."""
    reason: str
    """The parser's message, at the line and column of the page."""
    payload: bytes
    """The record's bytes, as the page held them."""


def salvage_page(
    data: bytes, oai_ns: str
) -> tuple[etree._Element, list[etree._Element | BrokenRecord]] | None:
    """The page without its records (to read its date, errors and token), and its records in
    page order: each a ``<record>`` element, or a ``BrokenRecord``. None when the page cannot be
    cut into its records and an envelope that parses."""
    found = _LIST.search(data)
    if found is None:
        return None
    prefix = found.group("prefix")
    cuts = cut_all(data, prefix + b":record" if prefix else b"record")
    if not cuts or cuts[0].start < found.end():
        return None
    first, last = cuts[0].start, cuts[-1].start + len(cuts[-1].data)
    head, tail = data[:first], data[last:]
    gaps = b"".join(
        data[one.start + len(one.data) : two.start] for one, two in itertools.pairwise(cuts)
    )
    try:
        envelope = parse_xml(head + gaps + tail)
    except XmlError:
        return None
    record = f"{{{oai_ns}}}record"
    if envelope.find(f"{{{oai_ns}}}ListRecords/{record}") is not None:
        return None  # a record the cut did not see: the cut is not the page's
    # A record's own header is its first; a second is another record's (a MARC record inside
    # the metadata has none).
    headers = re.compile(b"<" + (prefix + b":" if prefix else b"") + rb"header(?=[\s/>])")
    records: list[etree._Element | BrokenRecord] = []
    for cut in cuts:
        try:
            # The envelope parsed with its DTD refused: a record cannot bring one in.
            page = etree.fromstring(head + b"\n" + cut.data + tail, safe_parser())
        except etree.XMLSyntaxError as exc:
            if len(headers.findall(cut.data)) > 1:
                return None  # other records inside it: where it ends cannot be told
            reason = _reason(in_file(syntax_message(exc), cut, head + b"\n"))
            records.append(BrokenRecord(_identifier(cut.data), reason, cut.data))
            continue
        parsed = page.findall(f"{{{oai_ns}}}ListRecords/{record}")
        if len(parsed) != 1:
            return None
        records.append(parsed[0])
    return envelope, records


def _reason(detail: str) -> str:
    if encoding_fault(detail):
        return messages.OAI_RECORD_NOT_XML_ENCODING(detail=detail)
    return messages.OAI_RECORD_NOT_XML(detail=detail)


def _identifier(piece: bytes) -> str | None:
    found = _IDENTIFIER.search(piece)
    if found is None or not found.group(1):
        return None
    return unescape(found.group(1).decode("utf-8", "replace"))
