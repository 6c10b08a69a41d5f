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
from collections import deque
from collections.abc import Iterator
from typing import IO

from lxml import etree

from museion_core import messages

from .readers import Parsed, Unreadable
from .xmlresume import resume
from .xmlsafe import (
    SAFE_OPTIONS,
    XmlError,
    encoding_fault,
    parse_xml,
    refuse_dtd,
    safe_parser,
    syntax_message,
)

__all__ = [
    "LIDO_NS",
    "LIDO_RECORD",
    "XmlError",
    "encoding_fault",
    "parse_xml",
    "read_xml",
    "safe_parser",
    "syntax_message",
]

LIDO_NS = "http://www.lido-schema.org"
LIDO_RECORD = f"{{{LIDO_NS}}}lido"
"""The element that is one record in a LIDO file or OAI-PMH response (Clark notation)."""


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
        **SAFE_OPTIONS,
    )
    count = 0
    root_tag: str | None = None
    depth = 0
    try:
        for event, element in events:
            if root_tag is None:
                root_tag = str(element.tag)
                refuse_dtd(element)
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
        where = _tell(stream)
        fault = syntax_message(exc)
        resumed = resume(stream, record_tag, count, fault)
        if resumed is not None:
            yield from resumed
            return
        if where is not None:  # back to where the parser stopped, for the bytes kept
            with contextlib.suppress(OSError, ValueError):
                stream.seek(where)
        yield Unreadable(
            tail.last() + _rest(stream),
            f"record {count + 1}",
            messages.XML_BREAKS(count=count, detail=fault),
            whole=True,
        )
        return
    except XmlError as exc:
        yield Unreadable(_rest(stream), "object", str(exc), whole=True)
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


def _tell(stream: IO[bytes]) -> int | None:
    try:
        return stream.tell() if stream.seekable() else None
    except (OSError, ValueError):
        return None


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
