"""Virtuoso's blank nodes in SPARQL results JSON, read as blank nodes.

Virtuoso names a blank node ``nodeID://b12`` in its JSON results (``"type": "bnode"``), a
label Oxigraph refuses: any answer holding one (a client's SELECT over a record with blank
nodes, the object page's read of its record graph) failed whole. In an answer to a
CONSTRUCT it writes the node as an IRI, ``"_:vb12"``, which is none. ``Blanks`` rewrites
both as they are read; the label kept is Virtuoso's own (``b12``, as its N-Triples name the
node), so a node is one blank node throughout an answer, and the same in the next.
"""

from __future__ import annotations

import re
from typing import IO

__all__ = ["BLANK", "BLANK_BYTES", "Blanks"]

BLANK = re.compile(
    rb'\{\s{0,16}"type"\s{0,16}:\s{0,16}"(?:bnode|uri)"\s{0,16},\s{0,16}"value"\s{0,16}:\s{0,16}"'
    rb'(?:nodeID://|_:)([A-Za-z0-9_.-]{1,200})"\s{0,16}\}'
)
"""A blank node as Virtuoso writes it in SPARQL results JSON (``nodeID://b12``, as a bnode or
an IRI), which Oxigraph refuses as a blank node's label or would read as an IRI that is
none; its own term object, with no brace inside, at most ``BLANK_BYTES`` long."""
BLANK_BYTES = 512


class Blanks:
    """A SPARQL results JSON answer with Virtuoso's blank nodes (``BLANK``) written as blank
    nodes, ``nodeID://b12`` as ``_:b12`` (the label Virtuoso gives the node in N-Triples):
    the same node the same blank node throughout the answer. Rewritten as it is read, never
    held whole: what is kept back between two reads is a term that may be one, from its
    last ``{`` with no ``}`` after it (a term object holds no brace but its own)."""

    def __init__(self, body: IO[bytes]) -> None:
        self.body = body
        self.kept = b""
        self.ready = bytearray()
        self.ended = False

    def read(self, size: int = -1) -> bytes:
        while not self.ended and (size < 0 or len(self.ready) < size):
            chunk = self.body.read(max(size, 65536))
            data = self.kept + chunk
            cut = len(data)
            if chunk:
                start = data.rfind(b"{")
                if start > data.rfind(b"}") and cut - start < BLANK_BYTES:
                    cut = start
            else:
                self.ended = True
            head, self.kept = data[:cut], data[cut:]
            if b"nodeID://" in head or b'"_:' in head:
                head = BLANK.sub(rb'{"type": "bnode", "value": "\1"}', head)
            self.ready += head
        n = len(self.ready) if size < 0 else min(size, len(self.ready))
        out = bytes(self.ready[:n])
        del self.ready[:n]
        return out

    def readable(self) -> bool:
        return True
