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

__all__ = [
    "LIDO_NS",
    "LIDO_RECORD",
    "XmlError",
    "element_spans",
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


def element_spans(data: bytes, qname: bytes) -> list[tuple[int, int]] | None:
    """The byte spans of the outermost elements named ``qname`` (as written: ``oai:record``
    or ``record``), found without parsing, so that bytes a parser stops at (a broken encoding,
    a stray ``&``) cost only the element that holds them.

    Comments, CDATA sections and processing instructions are skipped; an element of the same
    name nested in one counts as its content. None when the tags do not balance: the scan
    cannot tell where the elements are, and the caller keeps the parser's error.
    """
    name = re.escape(qname)
    tags = re.compile(
        rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
        rb"|(?P<close></" + name + rb"\s*>)"
        rb"|<" + name + rb"(?=[\s/>])(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>",
        re.DOTALL,
    )
    spans: list[tuple[int, int]] = []
    depth = start = 0
    for tag in tags.finditer(data):
        text = tag.group()
        if text.startswith((b"<!", b"<?")):
            continue
        if tag.group("close"):
            if not depth:
                return None
            depth -= 1
            if not depth:
                spans.append((start, tag.end()))
        elif text.endswith(b"/>"):
            if not depth:
                spans.append((tag.start(), tag.end()))
        else:
            if not depth:
                start = tag.start()
            depth += 1
    return None if depth else spans


def read_xml(stream: IO[bytes], record_tag: str = LIDO_RECORD) -> Iterator[Parsed | Unreadable]:
    """Yield every ``record_tag`` element of an XML file, streamed: memory stays flat.

    Each record is yielded as its element (for the mapping's ``identify``) and its own bytes (the
    payload kept for re-mapping); it is cleared as soon as the consumer asks for the next one.
    A file whose root is the record element is one record (position ``object``). A file that is
    not well-formed yields the records before the fault and then one unreadable item with the
    parser's message, saying that the rest of the file was not read.
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
