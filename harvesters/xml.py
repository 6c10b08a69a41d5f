"""Safe XML for harvesters: no entity expansion, no DTD, no network, no huge trees.

Every XML byte a harvester reads comes from outside — a partner's OAI-PMH server or dump file —
so it is parsed with libxml2's dangerous features off: entities are never substituted (no
"billion laughs"), external entities and DTDs are never loaded (no ``file:///etc/passwd``, no
request to an attacker's host), and libxml2's size limits stay on. A document that declares a
DTD at all is refused: neither OAI-PMH responses nor LIDO records need one, and a DTD is the only
way entity tricks get in, so refusing it says clearly what was wrong instead of leaving
unexpanded entity references silently missing from the text.
"""

from __future__ import annotations

import contextlib
import re
from collections import deque
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from museion_core import messages

from .readers import Parsed, Unreadable
from .xmlcut import Cut, UnbalancedError, cut_elements, in_file

__all__ = [
    "LIDO_NS",
    "LIDO_RECORD",
    "XmlError",
    "parse_xml",
    "read_xml",
    "safe_parser",
    "syntax_message",
]

LIDO_NS = "http://www.lido-schema.org"
LIDO_RECORD = f"{{{LIDO_NS}}}lido"
"""The element that is one record in a LIDO file or OAI-PMH response (Clark notation)."""

_SAFE = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}
_WHERE = re.compile(r"\s*\((?:<string>|[^()]*), line \d+\)\s*$")


class XmlError(ValueError):
    """Bytes that are not a well-formed, safe XML document; the message says why and where."""


def safe_parser() -> etree.XMLParser:
    """A new parser with entity expansion, DTD loading and network access off.

    lxml parsers must not be shared between threads, so each caller makes its own.
    """
    return etree.XMLParser(**_SAFE)  # type: ignore[arg-type]


def syntax_message(exc: etree.XMLSyntaxError) -> str:
    """The parser's message with its line and column, without lxml's ``(<string>, line 1)``.

    ``iterparse`` reports some faults (an undeclared entity) only as "no element found (line
    0)"; libxml2's own message and position are in the error log, and are what a person needs.
    """
    text = _WHERE.sub("", str(exc)).strip()
    if not exc.lineno or not text:
        log: Any = exc.error_log  # lxml-stubs do not know the log is iterable
        logged = [e for e in log if e.level >= etree.ErrorLevels.ERROR]
        if logged:
            return f"{logged[0].message} (line {logged[0].line}, column {logged[0].column})"
    return text or "not well-formed XML"


def _refuse_dtd(root: etree._Element) -> None:
    if root.getroottree().docinfo.doctype:  # type: ignore[attr-defined]
        raise XmlError(messages.XML_DTD_REFUSED())


def parse_xml(data: bytes) -> etree._Element:
    """Parse a whole document safely; raises ``XmlError`` with the parser's message."""
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise XmlError(messages.XML_INVALID(detail=syntax_message(exc))) from exc
    _refuse_dtd(root)
    return root


def read_xml(stream: IO[bytes], record_tag: str = LIDO_RECORD) -> Iterator[Parsed | Unreadable]:
    """Yield every ``record_tag`` element of an XML file, streamed: memory stays flat.

    Each record is yielded as its element (for the mapping's ``identify``) and its own bytes (the
    payload kept for re-mapping); it is cleared as soon as the consumer asks for the next one.
    A file whose root is the record element is one record (position ``object``).

    A file that is not well-formed inside a record (a control character pasted into a title, a
    byte that is not UTF-8) costs that record: the file is read again from its start, cut into
    its records by their tags (``harvesters.xmlcut``), and each record after those already
    yielded is parsed on its own, so the broken one is an unreadable item with the parser's
    message at its line of the file and the records after it are read. Where that cannot be done
    (a fault outside the records, a stream that cannot be read again, tags that do not balance,
    an encoding that is not ASCII-compatible), the records before the fault are followed by one
    unreadable item saying that the rest of the file was not read.
    """
    tail = _Tail(stream)
    events = etree.iterparse(
        tail,
        events=("start", "end"),
        remove_blank_text=False,
        **_SAFE,
    )
    count = 0
    root_tag: str | None = None
    depth = 0
    try:
        for event, element in events:
            if root_tag is None:
                root_tag = str(element.tag)
                _refuse_dtd(element)
            if element.tag != record_tag:
                continue
            if event == "start":
                depth += 1
                continue
            depth -= 1
            if depth:  # a record element nested inside another one belongs to its parent
                continue
            count += 1
            position = "object" if root_tag == record_tag else f"record {count}"
            raw = etree.tostring(element, encoding="utf-8", with_tail=False)
            yield Parsed(element, raw, position)
            _release(element)
    except etree.XMLSyntaxError as exc:
        resumed = _resume(stream, record_tag, count, syntax_message(exc))
        if resumed is not None:
            yield from resumed
            return
        yield Unreadable(
            tail.last() + _rest(stream),
            f"record {count + 1}",
            messages.XML_BREAKS(count=count, detail=syntax_message(exc)),
        )
        return
    except XmlError as exc:
        yield Unreadable(_rest(stream), "object", str(exc))
        return
    if count == 0:
        found = f"<{_short(root_tag)}>" if root_tag else "nothing"
        yield Unreadable(
            _rest(stream),
            "object",
            messages.XML_NO_RECORD(element=_short(record_tag), found=found),
        )


_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _resume(
    stream: IO[bytes], record_tag: str, count: int, fault: str
) -> Iterator[Parsed | Unreadable] | None:
    """The file's records after the first ``count``, each parsed on its own, cut from the file
    read again from its start; None when the file cannot be read so. ``fault``: the parser's
    message about the whole file, for a fault that turns out to lie outside every record."""
    try:
        if not stream.seekable():
            return None
        stream.seek(0)
        start = stream.read(1 << 16)
    except (OSError, ValueError):
        return None
    if start.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        return None  # UTF-16 or -32: its tags are not the bytes the cutter looks for
    declaration = _DECLARATION.match(start)
    head = declaration.group() if declaration else b""
    named = _ENCODING.search(head)
    encoding = named.group(1).decode("ascii") if named else "utf-8"
    try:
        if "<a:".encode(encoding).decode("ascii") != "<a:":
            return None
    except (LookupError, UnicodeError):
        return None
    qname = _written(start, etree.QName(record_tag))
    if qname is None:
        return None
    try:
        stream.seek(0)
        cuts = cut_elements(stream.read, qname)
        first = next(cuts)
        scope = _scope(stream, first.start)
        stream.seek(0)
        cuts = cut_elements(stream.read, qname)
        for _ in range(count):
            next(cuts)
    except (StopIteration, UnbalancedError, OSError, ValueError):
        return None
    if scope is None or not _trusted(first, scope, qname, record_tag):
        return None
    declared = "".join(
        f' xmlns{":" + prefix if prefix else ""}="{_attribute(uri)}"' for prefix, uri in scope
    )
    head += f"<museion-context{declared}>".encode(encoding, "xmlcharrefreplace")
    return _resumed(cuts, head, qname, record_tag, (count, fault))


def _trusted(first: Cut, scope: list[tuple[str | None, str]], qname: bytes, tag: str) -> bool:
    """Whether the records can be read apart: the record's prefix is declared where the
    records are, or on the first record itself."""
    prefix = qname.decode("ascii", "replace").partition(":")[0] if b":" in qname else None
    if dict(scope).get(prefix) == etree.QName(tag).namespace:
        return True
    return b"xmlns" in first.data[: first.data.find(b">") + 1]


def _written(start: bytes, tag: etree.QName) -> bytes | None:
    """The record element's name as the file writes it: its namespace's prefix, declared in
    the first bytes of the file, and its local name."""
    if not tag.namespace:
        return tag.localname.encode()
    uri = re.escape(tag.namespace.encode())
    found = re.search(rb"""xmlns(?::([A-Za-z_][\w.\-]*))?\s*=\s*["']""" + uri + rb"""["']""", start)
    if found is None:
        return None
    prefix = found.group(1)
    return prefix + b":" + tag.localname.encode() if prefix else tag.localname.encode()


def _scope(stream: IO[bytes], end: int) -> list[tuple[str | None, str]] | None:
    """The namespaces declared where the first record begins (at byte ``end``): read from the
    elements still open there. None when the bytes before it do not parse."""
    if end > 1 << 24:
        return None
    stream.seek(0)
    before = stream.read(end)
    if b"<!DOCTYPE" in before:
        return None
    parser = etree.XMLPullParser(events=("start", "end"), **_SAFE)  # type: ignore[arg-type]
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
        return None  # a prefix no declaration binds: the fault is in the envelope
    return list(ancestors[-1].nsmap.items()) if ancestors else []


def _resumed(
    cuts: Iterator[Cut], head: bytes, qname: bytes, tag: str, after: tuple[int, str]
) -> Iterator[Parsed | Unreadable]:
    """The records cut after the first ``count`` of ``after`` (count, the parser's fault)."""
    number, fault = after
    broken = False
    try:
        for cut in cuts:
            number += 1
            item = _alone(cut, head, number, (qname, tag))
            broken = broken or isinstance(item, Unreadable)
            yield item
    except (UnbalancedError, OSError) as exc:
        reason = messages.XML_BREAKS(count=number, detail=str(exc))
        yield Unreadable(b"", f"record {number + 1}", reason)
        return
    if not broken:  # every record reads: the fault lies between them
        yield Unreadable(b"", "object", messages.XML_OUTSIDE_RECORDS(count=number, detail=fault))


def _alone(cut: Cut, head: bytes, number: int, name: tuple[bytes, str]) -> Parsed | Unreadable:
    """One record cut from its file, parsed inside ``head`` (the file's XML declaration and
    an element declaring the record's namespaces). ``name``: the record element's name as
    written, and in Clark notation."""
    qname, tag = name
    position = f"record {number}"
    try:
        context = etree.fromstring(head + cut.data + b"</museion-context>", safe_parser())
    except etree.XMLSyntaxError as exc:
        detail = in_file(syntax_message(exc), cut, head)
        named = _ENCODING.search(head)
        # Start tags of records inside it: a tag or a comment opened by the fault and closed
        # by another, records later, makes one cut of several. They are not read apart.
        inside = len(re.findall(b"<" + re.escape(qname) + rb"(?=[\s/>])", cut.data)) - 1
        if not cut.complete:  # the file ends inside it
            reason = messages.XML_BREAKS(count=number - 1, detail=detail)
        elif inside > 0:
            reason = messages.XML_RECORD_HOLDS_RECORDS(number=number, detail=detail, more=inside)
        elif "encoding" in detail.lower():
            encoding = named.group(1).decode("ascii") if named else "UTF-8"
            reason = messages.XML_RECORD_BROKEN_ENCODING(
                number=number, detail=detail, encoding=encoding
            )
        else:
            reason = messages.XML_RECORD_BROKEN(number=number, detail=detail)
        return Unreadable(cut.data, position, reason)
    element = context[0]
    if element.tag != tag:  # its prefix names another namespace here than in the first record
        found = etree.QName(element).namespace or "none"
        return Unreadable(cut.data, position, messages.XML_RECORD_NAMESPACE(namespace=found))
    raw = etree.tostring(element, encoding="utf-8", with_tail=False)
    return Parsed(element, raw, position)


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


class _Tail:
    """A stream that remembers the last bytes read: when a file breaks, they are the broken
    record, and they are kept in quarantine with the reason."""

    def __init__(self, stream: IO[bytes], keep: int = 1 << 18) -> None:
        self._stream = stream
        self._keep = keep
        self._chunks: deque[bytes] = deque()
        self._size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if data:
            self._chunks.append(data)
            self._size += len(data)
            while self._size - len(self._chunks[0]) >= self._keep:
                self._size -= len(self._chunks.popleft())
        return data

    def last(self) -> bytes:
        return b"".join(self._chunks)[-self._keep :]


def _release(element: etree._Element) -> None:
    """Free a record that has been handed out, and the siblings before it."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _rest(stream: IO[bytes]) -> bytes:
    with contextlib.suppress(OSError, ValueError):
        return stream.read(1 << 20)  # enough for a person to see what is wrong
    return b""


def _short(tag: str | None) -> str:
    if not tag:
        return ""
    if tag.startswith(f"{{{LIDO_NS}}}"):
        return "lido:" + tag.split("}", 1)[1]
    return tag
