"""Cutting XML into its record elements without parsing it.

A parser stops at the first byte that is not well-formed: a control character pasted into a
title, a byte that is not UTF-8, a stray ``&``. In a file or page of records everything after it
is then lost, though only one record is at fault. The cutter finds where each record element
begins and ends by its tags alone, so that each can be parsed on its own and one fault costs
one record (``harvesters.xml.read_xml``, ``harvesters.oaipmh.salvage``).

Only the markup that could hide a record's tags is read: comments, CDATA sections, processing
instructions and the record's own start and end tags (an element of the same name nested in a
record is part of it). Everything else is skipped by the regular expression engine. Tags that do
not balance end the cut: where an open record ends cannot be told, and nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = [
    "MAX_ELEMENT_BYTES",
    "Cut",
    "UnbalancedError",
    "characters",
    "cut_all",
    "cut_elements",
    "in_file",
    "position",
]

_CHUNK = 1 << 20
KEPT_BYTES = 1 << 20
MAX_ELEMENT_BYTES = 64 << 20
"""An element larger than this is taken for one whose end tag a fault hid: where it ends
cannot be told, and holding the rest of a large file to find out would cost its size in memory."""
_QUOTED_TAG = re.compile(rb"""(?:[^<>"']|"[^"]*"|'[^']*')*""")
_POSITION = re.compile(r"line (\d+), column (\d+)")
_OPENED_ON = re.compile(r"line (\d+) and(?= )")


class UnbalancedError(ValueError):
    """The record tags do not balance: an end tag without its start, or a tag not closed.
    ``rest``: the bytes where the cut stopped (up to ``KEPT_BYTES``), for a person to see."""

    rest: bytes = b""


@dataclass(frozen=True, slots=True)
class Cut:
    """One outermost element, as the document holds it."""

    data: bytes
    start: int
    """Its first byte's offset in the document."""
    line: int
    column: int
    """Where it starts, counted as an XML parser counts (from 1)."""
    complete: bool = True
    """False for the last one when the document ends inside it."""


def cut_all(data: bytes, qname: bytes) -> list[Cut] | None:
    """The outermost elements named ``qname`` (as written: ``oai:record`` or ``record``) in
    ``data``; None when the tags do not balance or ``data`` ends inside one."""
    chunks = iter((data,))
    try:
        cuts = list(cut_elements(lambda _size: next(chunks, b""), qname))
    except UnbalancedError:
        return None
    if cuts and not cuts[-1].complete:
        return None
    return cuts


def cut_elements(
    read: Callable[[int], bytes],
    qname: bytes,
    *,
    any_prefix: bool = False,
    max_bytes: int = MAX_ELEMENT_BYTES,
) -> Iterator[Cut]:
    """The outermost elements named ``qname`` in the bytes ``read`` returns (until it returns
    ``b""``), in order; memory holds one element and one chunk. ``any_prefix``: elements of the
    same local name under any prefix (or none) count too. Raises ``UnbalancedError``, also for
    an element over ``max_bytes`` (its end tag is missing, or a fault hides it)."""
    return iter(_Cutter(read, qname, any_prefix=any_prefix, max_bytes=max_bytes))


class _Cutter:
    """``cut_elements``' state: where the scan is, how deep in an element, and what ends the
    comment, CDATA section or PI the last chunk ended in (looked for from there, not again)."""

    def __init__(
        self, read: Callable[[int], bytes], qname: bytes, *, any_prefix: bool, max_bytes: int
    ) -> None:
        name = re.escape(qname.rpartition(b":")[2] if any_prefix else qname)
        prefix = rb"(?:[A-Za-z_][\w.\-]*:)?" if any_prefix else b""
        self.opener = re.compile(rb"<!--|<!\[CDATA\[|<\?|<(/?)" + prefix + name + rb"(?=[\s/>])")
        self.keep = 256 if any_prefix else max(len(qname) + 3, 9)  # an opener a chunk cut
        self.read, self.qname, self.max_bytes = read, qname, max_bytes
        self.window = _Window()
        self.pos = self.depth = self.start = 0
        self.closing = b""
        self.ended = False

    def __iter__(self) -> Iterator[Cut]:
        try:
            yield from self._cuts()
        except UnbalancedError as exc:
            # From the element being cut, or from a little before where the scan stopped.
            where = self.start if self.depth else max(self.pos - 1024, 0)
            exc.rest = bytes(self.window.buf[where : where + KEPT_BYTES])
            raise

    def _cuts(self) -> Iterator[Cut]:
        window = self.window
        while True:
            found, end = self._next()
            if self.depth and len(window.buf) - self.start > self.max_bytes:
                raise UnbalancedError(f"an element of more than {self.max_bytes} bytes")
            if found is None or end < 0:  # the chunk ends before the next construct does
                if self.ended:
                    if self.depth:
                        yield window.cut(self.start, len(window.buf), complete=False)
                    elif found is not None or self.closing:
                        raise UnbalancedError("the document ends inside a comment, CDATA or tag")
                    return
                self._refill(found)
                continue
            self.pos = end
            if found.group()[1:2] in (b"!", b"?"):
                continue  # a comment, CDATA section or processing instruction
            cut = self._tag(found, end)
            if cut is not None:
                yield cut

    def _next(self) -> tuple[re.Match[bytes] | None, int]:
        """The next construct and where it ends (-1: past the chunk)."""
        buf = self.window.buf
        while self.closing:
            at = buf.find(self.closing, self.pos)
            if at < 0:
                self.pos = max(self.pos, len(buf) - len(self.closing) + 1)
                return None, -1
            self.pos, self.closing = at + len(self.closing), b""
        found = self.opener.search(buf, self.pos)
        if found is None:
            return None, -1
        end = _construct_end(buf, found)
        if end == -2:
            raise UnbalancedError(f"a <{self.qname.decode('ascii', 'replace')}> tag is not closed")
        return found, end

    def _refill(self, found: re.Match[bytes] | None) -> None:
        """Let go of what no element still to cut needs, and read the next chunk."""
        buf = self.window.buf
        if found is not None and found.group()[1:2] in (b"!", b"?"):
            self.closing = _CLOSING[found.group()]
            resume = max(found.end(), len(buf) - len(self.closing) + 1)
        elif found is not None:
            resume = found.start()  # a tag the chunk cut: read it again whole
        else:
            resume = self.pos if self.closing else max(self.pos, len(buf) - self.keep)
        drop = min(self.start, resume) if self.depth else resume
        self.window.advance(drop)
        self.pos, self.start = resume - drop, self.start - drop
        more = self.read(_CHUNK)
        self.ended = not more
        self.window.buf += more

    def _tag(self, found: re.Match[bytes], end: int) -> Cut | None:
        """Follow a start or end tag of the element; the element, when it closes one."""
        if found.group(1):  # an end tag
            if not self.depth:
                raise UnbalancedError(f"</{self.qname.decode('ascii', 'replace')}> ends no element")
            self.depth -= 1
        else:  # a start tag, or an empty element's
            self.start = self.start if self.depth else found.start()
            if self.window.buf[end - 2 : end] != b"/>":
                self.depth += 1
                return None
        return None if self.depth else self.window.cut(self.start, end)


_CLOSING = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}


class _Window:
    """The bytes being cut, and where they are in the document. Lines are counted once, as
    the cut moves on: a chunk of many small records is not counted again for each. Columns
    are counted in characters (of UTF-8; a byte of another encoding counts one), as libxml2
    counts them."""

    def __init__(self) -> None:
        self.buf = bytearray()  # appended to in place: a large record grows, is not copied
        self.base = 0  # buf[0]'s offset in the document
        self.mark = 0  # buf's index up to which lines are counted
        self.lines = 0  # the newlines before buf[mark]
        self.column = 0  # the characters between the last of them and buf[mark]

    def _count_to(self, index: int) -> None:
        if index > self.mark:
            newline = self.buf.rfind(b"\n", self.mark, index)
            if newline >= 0:
                self.lines += self.buf.count(b"\n", self.mark, index)
                self.column = characters(self.buf[newline + 1 : index])
            else:
                self.column += characters(self.buf[self.mark : index])
            self.mark = index

    def advance(self, drop: int) -> None:
        """Let go of the first ``drop`` bytes (none of them in an element still to cut)."""
        self._count_to(drop)
        del self.buf[:drop]
        self.base += drop
        self.mark -= drop

    def cut(self, start: int, end: int, *, complete: bool = True) -> Cut:
        self._count_to(start)
        data = bytes(self.buf[start:end])
        return Cut(data, self.base + start, self.lines + 1, self.column + 1, complete)


def characters(data: bytes | bytearray) -> int:
    """UTF-8 characters in ``data``: its bytes less those that continue a character."""
    return len(data) - len(_CONTINUATION.findall(data))


_CONTINUATION = re.compile(rb"[\x80-\xbf]")


_CLOSE = re.compile(rb"\s*>")
_SPACE_TO_END = re.compile(rb"\s*\Z")


def _construct_end(buf: bytes | bytearray, found: re.Match[bytes]) -> int:
    """Where the construct an opener begins ends; -1 when ``buf`` ends first, -2 when it is
    not closed before another tag begins."""
    tag = found.group()
    at = found.end()
    closing = _CLOSING.get(tag)
    if closing is not None:
        end = buf.find(closing, at)
        return -1 if end < 0 else end + len(closing)
    if found.group(1):  # </name ... >
        closed = _CLOSE.match(buf, at)
        if closed is not None:
            return closed.end()
        return -1 if _SPACE_TO_END.match(buf, at) else -2
    body = _QUOTED_TAG.match(buf, at)
    at = body.end() if body is not None else at
    if at == len(buf) or buf[at : at + 1] in (b'"', b"'"):  # cut inside the tag or a value
        return -1
    return at + 1 if buf[at : at + 1] == b">" else -2


def in_file(message: str, cut: Cut, head: bytes) -> str:
    """A parser's ``message`` about ``head + cut.data + ...``, with its line and column turned
    into those of the document the cut was taken from (a fault past the element is put at
    its last line)."""
    found = list(_POSITION.finditer(message))
    if not found:
        return message
    where = found[-1]
    first = head.count(b"\n") + 1  # the line the element starts on
    line, column = int(where.group(1)) - first, int(where.group(2))  # lines into the element
    last = cut.data.count(b"\n")
    if line > last:
        line, column = last, 1
    if line <= 0:
        line = 0
        column = cut.column + max(column - (len(head) - head.rfind(b"\n")), 0)
    shown = f"line {cut.line + line}, column {column}"
    message = message[: where.start()] + shown + message[where.end() :]
    # libxml2 names the line a mismatched tag opened on: "... tag mismatch: b line 5 and i".
    return _OPENED_ON.sub(
        lambda m: f"line {cut.line + max(int(m.group(1)) - first, 0)} and", message
    )


def position(message: str) -> tuple[int, int] | None:
    """The last line and column a parser's message names, if it names one."""
    found = _POSITION.findall(message)
    return (int(found[-1][0]), int(found[-1][1])) if found else None
