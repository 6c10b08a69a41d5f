"""Which values of a partner's link fields (web pages, images, resource links) become links.

A link field is shown on the entity page as a clickable link or an ``<img>``: what a partner
writes there runs in the endpoint's origin if it is a ``javascript:`` URL. So only http(s)
URLs with a host become IRIs of web pages and digital objects. Identifiers that are not web
addresses (``urn:``, ``doi:``, ``hdl:``, a bare file name) are kept as identifiers and free
text as a statement, with a warning; any
other scheme (``javascript:``, ``data:``, ``vbscript:``, ``file:``, ``mailto:`` ...) is
refused, with a warning. Nothing is dropped silently.

The scheme is read the way a browser reads it (WHATWG URL): leading and trailing spaces and
control characters are ignored, and tabs and newlines anywhere, so ``" java\\tscript:"`` is
``javascript:``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

__all__ = ["REFUSED_SCHEMES", "TEXT_SCHEMES", "Link", "LinkKind", "classify_link", "scheme_of"]

TEXT_SCHEMES = frozenset({"urn", "doi", "hdl", "handle", "info", "ark", "isbn", "issn"})
"""Identifier schemes a partner may put in a link field: kept as identifiers, not links."""
REFUSED_SCHEMES = frozenset(
    {"javascript", "vbscript", "livescript", "data", "file", "blob", "filesystem", "about"}
)
"""Schemes that run script or read local files: refused wherever an IRI is expected."""

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_EDGES = "".join(chr(c) for c in range(0x21))


class LinkKind(Enum):
    WEB = "web"
    """An http(s) URL with a host: becomes an IRI (a web page, an image's access point)."""
    IDENTIFIER = "identifier"
    """``urn:``, ``doi:`` ..., or a word without a scheme (a file name such as ``I11.jpg``):
    kept as an identifier (text)."""
    TEXT = "text"
    """Free text (with spaces, no scheme): kept as a statement."""
    REFUSED = "refused"
    """Any other scheme: not kept as a link, nor as text."""


@dataclass(frozen=True, slots=True)
class Link:
    kind: LinkKind
    value: str
    """The value without surrounding space."""
    scheme: str | None


def _squeeze(value: str) -> str:
    return re.sub(r"[\t\n\r]", "", value.strip(_EDGES))


def scheme_of(value: str) -> str | None:
    """The URL scheme a browser would read in ``value`` (lower case), or None."""
    match = _SCHEME.match(_squeeze(value))
    return match.group(1).lower() if match else None


def classify_link(value: str) -> Link:
    text = value.strip()
    scheme = scheme_of(text)
    if scheme in ("http", "https"):
        try:
            host = urlsplit(text).netloc
        except ValueError:
            host = ""
        return Link(LinkKind.WEB if host else LinkKind.TEXT, text, scheme)
    if scheme is None:  # a file name or a bare identifier; or prose
        kind = LinkKind.TEXT if any(c.isspace() for c in text) else LinkKind.IDENTIFIER
        return Link(kind, text, None)
    if scheme in TEXT_SCHEMES:
        return Link(LinkKind.IDENTIFIER, text, scheme)
    after = _squeeze(text)[len(scheme) + 1 : len(scheme) + 2]
    if scheme not in REFUSED_SCHEMES and after in {"", " "}:
        return Link(LinkKind.TEXT, text, None)  # prose such as "Note: no image"
    return Link(LinkKind.REFUSED, text, scheme)
