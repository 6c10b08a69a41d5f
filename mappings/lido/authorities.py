"""Authority identifiers as entity IRIs (ARCHITECTURE §4), never as web-page URLs.

Partners write the same authority record many ways: ``https://www.wikidata.org/wiki/Q2044``
(a page), ``http://d-nb.info/gnd/118514008/about/html``, ``https://sws.geonames.org/3172394/``
or ``geonames.org/3172394/neapel.html``. ``normalise`` turns the obvious page forms into the
authority's entity IRI, so that two partners naming the same person link to the same IRI;
``key`` gives a short, stable local id (``gnd:118514008``) for minting Museion's own IRI of the
thing. Both are cached: a feed names the same few thousand authorities over and over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

__all__ = ["Authority", "is_uri", "key", "normalise"]


@dataclass(frozen=True, slots=True)
class Authority:
    scheme: str
    pattern: re.Pattern[str]
    entity: str
    """The entity IRI, with ``{id}`` for the identifier the pattern's group captured."""


_AUTHORITIES = (
    Authority(
        "wikidata",
        re.compile(r"^https?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(Q\d+)(?:[/#?].*)?$"),
        "http://www.wikidata.org/entity/{id}",
    ),
    Authority(
        "gnd",
        re.compile(r"^https?://d-nb\.info/gnd/([0-9X-]+[0-9X])(?:/.*)?$", re.IGNORECASE),
        "https://d-nb.info/gnd/{id}",
    ),
    Authority(
        "gnd",
        re.compile(r"^https?://lobid\.org/gnd/([0-9X-]+[0-9X])(?:[./].*)?$", re.IGNORECASE),
        "https://d-nb.info/gnd/{id}",
    ),
    Authority(
        "ulan",
        re.compile(r"^https?://vocab\.getty\.edu/(?:page/)?ulan/(\d+)(?:[./].*)?$"),
        "http://vocab.getty.edu/ulan/{id}",
    ),
    Authority(
        "tgn",
        re.compile(r"^https?://vocab\.getty\.edu/(?:page/)?tgn/(\d+)(?:[./].*)?$"),
        "http://vocab.getty.edu/tgn/{id}",
    ),
    Authority(
        "aat",
        re.compile(r"^https?://vocab\.getty\.edu/(?:page/)?aat/(\d+)(?:[./].*)?$"),
        "http://vocab.getty.edu/aat/{id}",
    ),
    Authority(
        "viaf",
        re.compile(r"^https?://(?:www\.)?viaf\.org/viaf/(\d+)(?:/.*)?$"),
        "http://viaf.org/viaf/{id}",
    ),
    Authority(
        "geonames",
        re.compile(r"^https?://(?:sws\.|www\.)?geonames\.org/(\d+)(?:/.*)?$"),
        "https://sws.geonames.org/{id}/",
    ),
    Authority(
        "isil",
        re.compile(
            r"^(?:https?://ld\.zdb-services\.de/resource/organisations/|info:isil/)([\w-]+)/?$"
        ),
        "https://ld.zdb-services.de/resource/organisations/{id}",
    ),
    Authority(
        "iconclass",
        re.compile(r"^https?://(?:www\.)?iconclass\.org/(?:rkd/)?([^/?#]+)/?$"),
        "http://iconclass.org/{id}",
    ),
)

_HTTP = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)


_CREATIVE_COMMONS = re.compile(
    r"^https?://creativecommons\.org/(licenses|publicdomain)/([^/]+)/([^/]+)/?"
    r"(?:(?:deed|legalcode)(?:\.[\w-]+)?)?$",
    re.IGNORECASE,
)


@lru_cache(maxsize=8192)
def is_uri(value: str) -> bool:
    """An http(s) IRI, or an ``info:isil/`` id (which has one); other schemes are ids."""
    value = value.strip()
    return bool(_HTTP.match(value)) or value.startswith("info:isil/")


@lru_cache(maxsize=8192)
def _match(value: str) -> tuple[Authority, str] | None:
    for authority in _AUTHORITIES:
        found = authority.pattern.match(value)
        if found:
            return authority, found.group(1)
    return None


@lru_cache(maxsize=8192)
def normalise(value: str) -> str:
    """The entity IRI for a known authority's URL; any other IRI unchanged (trimmed)."""
    value = value.strip()
    licence = _CREATIVE_COMMONS.match(value)
    if licence:  # a licence's page in one language is the licence
        kind, name, version = licence.groups()
        return f"https://creativecommons.org/{kind.lower()}/{name.lower()}/{version}/"
    found = _match(value)
    if found is None:
        return value
    authority, ident = found
    if authority.scheme == "gnd":
        ident = ident.upper()
    return authority.entity.format(id=ident)


@lru_cache(maxsize=8192)
def iconclass(notation: str) -> str:
    """An Iconclass notation (``23 D 42``, ``92B58(Caduceus)``) as its IRI."""
    return "http://iconclass.org/" + quote(notation.replace(" ", ""), safe="()+")


@lru_cache(maxsize=8192)
def key(value: str) -> str | None:
    """``gnd:118514008`` for a known authority's IRI (any form); None for anything else."""
    found = _match(value.strip())
    if found is None:
        return None
    authority, ident = found
    return f"{authority.scheme}:{ident.upper() if authority.scheme == 'gnd' else ident}"


@lru_cache(maxsize=8192)
def priority(value: str) -> int:
    """Which authority an entity's own IRI is minted from when a record gives several."""
    found = key(value)
    order = ("ulan", "gnd", "wikidata", "viaf", "isil", "tgn", "geonames", "aat", "iconclass")
    if found is None:
        return len(order)
    return order.index(found.split(":", 1)[0])
