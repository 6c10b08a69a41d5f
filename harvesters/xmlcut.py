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

__all__ = ["Cut", "UnbalancedError", "cut_all", "cut_elements", "in_file"]

_CHUNK = 1 << 20
_QUOTED_TAG = re.compile(rb"""(?:[^<>"']|"[^"]*"|'[^']*')*""")
_POSITION = re.compile(r"line (\d+), column (\d+)")


class UnbalancedError(ValueError):
    """The record tags do not balance: an end tag without its start, or a tag not closed."""


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


def cut_elements(read: Callable[[int], bytes], qname: bytes) -> Iterator[Cut]:
    """The outermost elements named ``qname`` in the bytes ``read`` returns (until it returns
    ``b""``), in order; memory holds one element and one chunk. Raises ``UnbalancedError``."""
    opener = re.compile(rb"<!--|<!\[CDATA\[|<\?|<(/?)" + re.escape(qname) + rb"(?=[\s/>])")
    keep = max(len(qname) + 3, 9)  # an opener cut by the end of a chunk is looked at again
    window = _Window()
    pos = depth = start = 0
    ended = False
    while True:
        found = opener.search(window.buf, pos)
        end = -1 if found is None else _construct_end(window.buf, found)
        if end == -2:
            raise UnbalancedError(f"a <{qname.decode('ascii', 'replace')}> tag is not closed")
        if found is None or end == -1:  # the chunk ends before the next construct does
            if ended:
                if depth:
                    yield window.cut(start, len(window.buf), complete=False)
                elif found is not None:  # a comment or CDATA section that never ends
                    raise UnbalancedError(f"{found.group().decode('ascii', 'replace')} not closed")
                return
            resume = max(pos, len(window.buf) - keep) if found is None else found.start()
            drop = min(start, resume) if depth else resume
            window.advance(drop)
            pos, start = resume - drop, start - drop
            more = read(_CHUNK)
            ended = not more
            window.buf += more
            continue
        pos = end
        if found.group()[1:2] in (b"!", b"?"):
            continue  # a comment, CDATA section or processing instruction
        if found.group(1):  # an end tag
            if not depth:
                raise UnbalancedError(f"</{qname.decode('ascii', 'replace')}> ends no element")
            depth -= 1
        else:  # a start tag, or an empty element's
            start = start if depth else found.start()
            if window.buf[end - 2 : end] != b"/>":
                depth += 1
                continue
        if not depth:
            yield window.cut(start, end)


class _Window:
    """The bytes being cut, and where they are in the document. Lines are counted once, as
    the cut moves on: a chunk of many small records is not counted again for each."""

    def __init__(self) -> None:
        self.buf = bytearray()  # appended to in place: a large record grows, is not copied
        self.base = 0  # buf[0]'s offset in the document
        self.mark = 0  # buf's index up to which lines are counted
        self.lines = 0  # the newlines before buf[mark]
        self.line_start = 0  # the offset of the line holding buf[mark]

    def _count_to(self, index: int) -> None:
        if index > self.mark:
            self.lines += self.buf.count(b"\n", self.mark, index)
            newline = self.buf.rfind(b"\n", self.mark, index)
            if newline >= 0:
                self.line_start = self.base + newline + 1
            self.mark = index

    def advance(self, drop: int) -> None:
        """Let go of the first ``drop`` bytes (none of them in an element still to cut)."""
        self._count_to(drop)
        del self.buf[:drop]
        self.base += drop
        self.mark -= drop

    def cut(self, start: int, end: int, *, complete: bool = True) -> Cut:
        self._count_to(start)
        column = self.base + start - self.line_start + 1
        return Cut(bytes(self.buf[start:end]), self.base + start, self.lines + 1, column, complete)


_CLOSE = re.compile(rb"\s*>")
_SPACE_TO_END = re.compile(rb"\s*\Z")


def _construct_end(buf: bytes | bytearray, found: re.Match[bytes]) -> int:
    """Where the construct an opener begins ends; -1 when ``buf`` ends first, -2 when it is
    not closed before another tag begins."""
    tag = found.group()
    at = found.end()
    for opening, closing in _DELIMITED:
        if tag == opening:
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


_DELIMITED = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"))


def in_file(message: str, cut: Cut, head: bytes) -> str:
    """A parser's ``message`` about ``head + cut.data + ...``, with its line and column turned
    into those of the document the cut was taken from (a fault past the element is put at
    its last line)."""
    found = list(_POSITION.finditer(message))
    if not found:
        return message
    where = found[-1]
    line, column = int(where.group(1)), int(where.group(2))
    head_lines = head.count(b"\n")
    line -= head_lines + 1  # lines into the element
    last = cut.data.count(b"\n")
    if line > last:
        line, column = last, 1
    if line <= 0:
        line = 0
        column = cut.column + max(column - (len(head) - head.rfind(b"\n")), 0)
    shown = f"line {cut.line + line}, column {column}"
    return message[: where.start()] + shown + message[where.end() :]
