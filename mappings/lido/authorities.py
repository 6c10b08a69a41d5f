"""Authority identifiers in LIDO as entity IRIs (ARCHITECTURE §4), never web-page URLs.

The authorities every mapping knows (ULAN, AAT, TGN, GND, Wikidata, VIAF, GeoNames) are read
by ``mappings.authorities``; this module adds what LIDO feeds also cite — ISIL for
institutions, Iconclass for subjects, Creative Commons licences — and ``key``, a short, stable
local id (``gnd:118514008``) for minting Museion's own IRI of the thing, and ``priority``, which
of several authorities that IRI is minted from. All are cached: a feed names the same few
thousand authorities over and over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from ..authorities import parse_authority

__all__ = ["Authority", "is_uri", "key", "normalise"]


@dataclass(frozen=True, slots=True)
class Authority:
    scheme: str
    pattern: re.Pattern[str]
    entity: str
    """The entity IRI, with ``{id}`` for the identifier the pattern's group captured."""


_LOCAL = (
    # Authorities LIDO feeds cite that the shared table (mappings.authorities) does not hold.
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
def _match(value: str) -> tuple[str, str, str] | None:
    """(scheme, identifier, entity IRI) of the authority record ``value`` cites."""
    if "://" in value:
        shared = parse_authority(value)
        if shared is not None:
            return shared.scheme, shared.id, shared.iri
    for authority in _LOCAL:
        found = authority.pattern.match(value)
        if found:
            ident = found.group(1)
            return authority.scheme, ident, authority.entity.format(id=ident)
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
    return value if found is None else found[2]


@lru_cache(maxsize=8192)
def iconclass(notation: str) -> str:
    """An Iconclass notation (``23 D 42``, ``92B58(Caduceus)``) as its IRI."""
    return "http://iconclass.org/" + quote(notation.replace(" ", ""), safe="()+")


@lru_cache(maxsize=8192)
def key(value: str) -> str | None:
    """``gnd:118514008`` for a known authority's IRI (any form); None for anything else."""
    found = _match(value.strip())
    return None if found is None else f"{found[0]}:{found[1]}"


@lru_cache(maxsize=8192)
def priority(value: str) -> int:
    """Which authority an entity's own IRI is minted from when a record gives several."""
    found = key(value)
    order = ("ulan", "gnd", "wikidata", "viaf", "isil", "tgn", "geonames", "aat", "iconclass")
    if found is None:
        return len(order)
    return order.index(found.split(":", 1)[0])
