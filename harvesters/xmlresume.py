"""Reading a LIDO file again past a record that is not well-formed (``xml.read_xml``).

When the streaming parser stops, a file that can be read again from its start is cut into its
record elements by their tags (``harvesters.xmlcut``), and each record after those the parser
already yielded is parsed on its own, inside the file's XML declaration and the namespaces in
scope where the records begin. One broken record then costs that record: it is unreadable with
the parser's message at its line and column of the file, and the records after it are read.

Nothing is guessed. The file is not read so when it cannot be read twice, when its bytes are not
ASCII-compatible (UTF-16, or a stateful encoding whose multibyte text may hold ``<``), when a
fault lies in the root element, or when the tags do not balance; a record whose fault hides
where it ends says how many record start tags it holds.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import IO
from xml.sax.saxutils import unescape

from lxml import etree

from museion_core import messages

from .readers import Parsed, Unreadable
from .xmlcut import Cut, UnbalancedError, characters, cut_elements, in_file, position
from .xmlsafe import SAFE_OPTIONS, encoding_fault, safe_parser, syntax_message

__all__ = ["resume"]

_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_STATEFUL = ("iso2022", "hz", "utf_7", "utf-7")
"""Encodings whose multibyte text may hold the bytes of ``<``, ``>`` and quotes."""
_CONTEXT = b"museion-context"

Scope = dict[str | None, str]
"""Namespace prefixes (None: the default namespace) and their URIs."""


def resume(
    stream: IO[bytes], record_tag: str, count: int, fault: str
) -> Iterator[Parsed | Unreadable] | None:
    """The file's records after the first ``count``, each parsed on its own; None when the file
    cannot be read so. ``fault``: the parser's message about the whole file."""
    start = _start(stream)
    if start is None:
        return None
    declaration = _DECLARATION.match(start)
    head = declaration.group() if declaration else b""
    named = _ENCODING.search(head)
    encoding = named.group(1).decode("ascii") if named else "utf-8"
    if not _ascii_compatible(encoding):
        return None
    records = _Records(etree.QName(record_tag), position(fault))
    try:
        stream.seek(0)
        first = next(cut_elements(stream.read, records.local, any_prefix=True))
        scope = _scope(stream, first.start)
        if scope is None:
            return None
        records.scope = scope
        stream.seek(0)
        cuts = records.of(cut_elements(stream.read, records.local, any_prefix=True))
        for _ in range(count):
            next(cuts)
    except (StopIteration, UnbalancedError, OSError, ValueError):
        return None
    declared = "".join(
        f' xmlns{":" + prefix if prefix else ""}="{_attribute(uri)}"'
        for prefix, uri in scope.items()
    )
    context = f"<{_CONTEXT.decode()}{declared}>\n".encode(encoding, "xmlcharrefreplace")
    return _resumed(cuts, head + context, records, (count, fault))


def _start(stream: IO[bytes]) -> bytes | None:
    """The file's first bytes, read again; None when it cannot be, or is UTF-16 or -32."""
    try:
        if not stream.seekable():
            return None
        stream.seek(0)
        start = stream.read(1 << 16)
    except (OSError, ValueError):
        return None
    if start.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        return None  # UTF-16 or -32: its tags are not the bytes the cutter looks for
    return start


def _ascii_compatible(encoding: str) -> bool:
    try:
        name = codecs.lookup(encoding).name
        same = "<a:'\"".encode(encoding) == b"<a:'\""
    except (LookupError, UnicodeError):
        return False
    return same and not name.startswith(_STATEFUL)


class _Records:
    """Which cut elements are records (by the namespace their prefix is bound to), and
    whether the parser's fault lies in one of them."""

    def __init__(self, tag: etree.QName, fault_at: tuple[int, int] | None) -> None:
        self.tag = tag
        self.local = tag.localname.encode()
        self.name = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?" + re.escape(self.local))
        self.scope: Scope = {}
        self.fault_at = fault_at
        self.fault_in_record = False

    def of(self, cuts: Iterator[Cut]) -> Iterator[Cut]:
        """The records among ``cuts``: elements of another namespace are what the parser
        skipped too."""
        for cut in cuts:
            if self.fault_at is not None and (cut.line, cut.column) <= self.fault_at <= _end(cut):
                self.fault_in_record = True
            if self.namespace(cut) == self.tag.namespace:
                yield cut

    def namespace(self, cut: Cut) -> str | None:
        spelt = self.name.match(cut.data)
        raw = spelt.group(1) if spelt else None
        prefix = raw.decode("ascii", "replace") if raw else None
        end = cut.data.find(b">")  # a '>' in an attribute only ends the look early
        attribute = rb"xmlns:" + raw if raw else rb"xmlns"
        declared = re.search(
            rb"\s" + attribute + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", cut.data[: max(end, 0)]
        )
        if declared is not None:
            uri = declared.group(1) if declared.group(1) is not None else declared.group(2)
            return unescape(uri.decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})
        return self.scope.get(prefix)

    def spelt(self, cut: Cut) -> bytes:
        found = self.name.match(cut.data)
        return found.group() if found else b"<" + self.local


def _end(cut: Cut) -> tuple[int, int]:
    """The line and column of an element's last character."""
    lines = cut.data.count(b"\n")
    width = characters(cut.data[cut.data.rfind(b"\n") + 1 :])
    return cut.line + lines, width if lines else cut.column + width - 1


def _scope(stream: IO[bytes], end: int) -> Scope | None:
    """The namespaces declared where the first record begins (at byte ``end``): read from the
    elements still open there. None when the bytes before it do not parse, or an element there
    has a prefix no declaration binds (the fault is in the envelope)."""
    if end > 1 << 24:
        return None
    stream.seek(0)
    before = stream.read(end)
    if b"<!DOCTYPE" in before:
        return None
    parser = etree.XMLPullParser(events=("start", "end"), **SAFE_OPTIONS)  # type: ignore[arg-type]
    ancestors: list[etree._Element] = []
    try:
        parser.feed(before)
        for event, element in parser.read_events():
            if event == "end":
                ancestors.pop()
            elif isinstance(element, etree._Element):
                ancestors.append(element)
    except (etree.XMLSyntaxError, IndexError):
        return None
    if any(":" in str(a.tag) and not str(a.tag).startswith("{") for a in ancestors):
        return None
    return dict(ancestors[-1].nsmap) if ancestors else {}


def _resumed(
    cuts: Iterator[Cut], head: bytes, records: _Records, after: tuple[int, str]
) -> Iterator[Parsed | Unreadable]:
    """The records cut after the first ``count`` of ``after`` (count, the parser's fault)."""
    number, fault = after
    broken = False
    try:
        for cut in cuts:
            number += 1
            item = _alone(cut, head, number, records)
            broken = broken or isinstance(item, Unreadable)
            yield item
    except UnbalancedError as exc:
        reason = messages.XML_BREAKS(count=number, detail=fault)
        yield Unreadable(exc.rest, f"record {number + 1}", reason)
        return
    if broken:
        return
    if records.fault_in_record or records.fault_at is None:
        # The parser stopped in a record it then yielded (a namespace fault it let pass).
        yield Unreadable(b"", "object", messages.XML_BREAKS(count=number, detail=fault))
    else:  # every record reads: the fault lies between them
        yield Unreadable(b"", "object", messages.XML_OUTSIDE_RECORDS(count=number, detail=fault))


def _alone(cut: Cut, head: bytes, number: int, records: _Records) -> Parsed | Unreadable:
    """One record cut from its file, parsed inside ``head`` (the file's XML declaration and
    an element declaring the record's namespaces, ending in a line break)."""
    position = f"record {number}"
    try:
        context = etree.fromstring(head + cut.data + b"</" + _CONTEXT + b">", safe_parser())
    except etree.XMLSyntaxError as exc:
        return Unreadable(cut.data, position, _reason(exc, cut, head, number, records))
    element = context[0]
    if element.tag != records.tag.text:  # its prefix names another namespace here
        found = etree.QName(element).namespace or "none"
        return Unreadable(cut.data, position, messages.XML_RECORD_NAMESPACE(namespace=found))
    raw = etree.tostring(element, encoding="utf-8", with_tail=False)
    return Parsed(element, raw, position)


def _reason(
    exc: etree.XMLSyntaxError, cut: Cut, head: bytes, number: int, records: _Records
) -> str:
    detail = in_file(syntax_message(exc), cut, head)
    # Start tags of records inside it: a tag or a comment opened by the fault and closed by
    # another, records later, makes one cut of several. They are not read apart.
    inside = len(re.findall(re.escape(records.spelt(cut)) + rb"(?=[\s/>])", cut.data)) - 1
    if not cut.complete:  # the file ends inside it
        return messages.XML_BREAKS(count=number - 1, detail=detail)
    if inside > 0:
        return messages.XML_RECORD_HOLDS_RECORDS(number=number, detail=detail, more=inside)
    if encoding_fault(detail):
        named = _ENCODING.search(head)
        encoding = named.group(1).decode("ascii") if named else "UTF-8"
        return messages.XML_RECORD_BROKEN_ENCODING(number=number, detail=detail, encoding=encoding)
    return messages.XML_RECORD_BROKEN(number=number, detail=detail)


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
