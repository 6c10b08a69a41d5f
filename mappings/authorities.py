"""Authority references as entity IRIs: one spelling per authority record (ARCHITECTURE §4).

Partners cite authorities in many forms — a Getty web page (``.../page/ulan/500009666``), a
Wikidata article (``https://www.wikidata.org/wiki/Q5593``), ``http`` or ``https``, a trailing
slash, a CURIE (``ulan:500009666``), or a bare number with the authority named beside it (LIDO
``actorID source="ULAN"``). Two partner entities that cite one authority record are the same
entity, so every form must become the same IRI before anything compares them: that is what
``normalise_authority`` does, at mapping time (``RecordBuilder.equivalent``) and again when
reconciliation reads the store (records mapped before this module existed keep their form).

The canonical forms are each authority's own entity IRIs (the subject of its RDF):

| scheme | entity IRI |
|---|---|
| AAT, TGN, ULAN | ``http://vocab.getty.edu/{aat,tgn,ulan}/{id}`` |
| Wikidata | ``http://www.wikidata.org/entity/Q{n}`` |
| VIAF | ``http://viaf.org/viaf/{id}`` |
| GND | ``https://d-nb.info/gnd/{id}`` |
| GeoNames | ``https://sws.geonames.org/{id}/`` |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = [
    "SCHEMES",
    "Authority",
    "authority_scheme",
    "normalise_authority",
    "parse_authority",
]

SCHEMES: dict[str, str] = {
    "aat": "http://vocab.getty.edu/aat/{id}",
    "tgn": "http://vocab.getty.edu/tgn/{id}",
    "ulan": "http://vocab.getty.edu/ulan/{id}",
    "wikidata": "http://www.wikidata.org/entity/{id}",
    "viaf": "http://viaf.org/viaf/{id}",
    "gnd": "https://d-nb.info/gnd/{id}",
    "geonames": "https://sws.geonames.org/{id}/",
}
"""Scheme name → entity IRI template."""

_ID = {
    "aat": re.compile(r"^3\d{8}$"),
    "tgn": re.compile(r"^[1-9]\d{6}$"),
    "ulan": re.compile(r"^5\d{8}$"),
    "wikidata": re.compile(r"^[QP][1-9]\d*$"),
    "viaf": re.compile(r"^[1-9]\d{0,21}$"),
    "gnd": re.compile(r"^\d{1,10}[0-9X]?(?:-[0-9X])?$"),
    "geonames": re.compile(r"^[1-9]\d{0,9}$"),
}

_HINTS = {
    # How feeds name an authority beside a bare identifier (LIDO @source/@type, CSV headers).
    "aat": "aat",
    "getty aat": "aat",
    "tgn": "tgn",
    "getty tgn": "tgn",
    "ulan": "ulan",
    "getty ulan": "ulan",
    "wikidata": "wikidata",
    "wd": "wikidata",
    "viaf": "viaf",
    "gnd": "gnd",
    "pnd": "gnd",
    "swd": "gnd",
    "gkd": "gnd",
    "dnb": "gnd",
    "geonames": "geonames",
    "geonames.org": "geonames",
}

_CURIES = {
    "aat": "aat",
    "tgn": "tgn",
    "ulan": "ulan",
    "wd": "wikidata",
    "wikidata": "wikidata",
    "viaf": "viaf",
    "gnd": "gnd",
    "geonames": "geonames",
}

_GETTY = re.compile(
    r"^/(?:page/|resource/)?(aat|tgn|ulan)/(\d+)(?:-(?:agent|place|concept))?"
    r"(?:\.(?:html|json|jsonld|rdf|ttl|nt|xml))?/?$"
)
_WIKIDATA = re.compile(r"^/(?:wiki|entity)/(?:Special:EntityData/|Special:EntityPage/)?([QP]\d+)")
_VIAF = re.compile(r"^/viaf/(\d+)")
_GND = re.compile(r"^/gnd/([0-9]+[0-9X]?(?:-[0-9X])?)(?:/|\.|$)")
_GEONAMES = re.compile(r"^/(\d+)(?:/|$)")
_GETTY_VOW = re.compile(r"subjectid=(\d+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Authority:
    """One authority record: its scheme (``ulan``, ``gnd``, ...) and identifier."""

    scheme: str
    id: str

    @property
    def iri(self) -> str:
        return SCHEMES[self.scheme].format(id=self.id)


def _checked(scheme: str, ident: str) -> Authority | None:
    ident = ident.strip()
    if scheme == "wikidata":
        ident = ident.upper()
    return Authority(scheme, ident) if _ID[scheme].match(ident) else None


def _hint(name: str | None) -> str | None:
    """A scheme from the name a feed gives an authority (``ULAN``, ``http://d-nb.info/gnd``)."""
    if not name:
        return None
    text = name.strip().casefold()
    if text in _HINTS:
        return _HINTS[text]
    if "://" in text:
        parts = urlsplit(text)
        path = parts.path.rstrip("/")
        for scheme in ("ulan", "tgn", "aat", "gnd", "viaf"):
            if path.endswith("/" + scheme):
                return scheme
        for key in ("geonames", "wikidata", "viaf"):
            if key in parts.netloc:
                return key
    return None


def _from_url(value: str) -> Authority | None:
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    host = parts.netloc.casefold().removeprefix("www.")
    path = unquote(parts.path)
    match: re.Match[str] | None
    if host == "vocab.getty.edu":
        match = _GETTY.match(path)
        return _checked(match.group(1), match.group(2)) if match else None
    if host == "getty.edu" and "/vow/" in path:
        match = _GETTY_VOW.search(parts.query)
        kind = {"ulan": "ulan", "tgn": "tgn", "aat": "aat"}.get(
            next((k for k in ("ulan", "tgn", "aat") if k in path.casefold()), ""), ""
        )
        return _checked(kind, match.group(1)) if match and kind else None
    if host in ("wikidata.org", "m.wikidata.org"):
        match = _WIKIDATA.match(path)
        if match:
            return _checked("wikidata", match.group(1))
        entity = parse_qs(parts.query).get("title") or parse_qs(parts.query).get("id")
        return _checked("wikidata", entity[0]) if entity else None
    if host == "viaf.org":
        match = _VIAF.match(path)
        return _checked("viaf", match.group(1)) if match else None
    if host in ("d-nb.info", "lobid.org", "explore.gnd.network"):
        match = _GND.match(path)
        return _checked("gnd", match.group(1)) if match else None
    if host in ("sws.geonames.org", "geonames.org"):
        match = _GEONAMES.match(path)
        return _checked("geonames", match.group(1)) if match else None
    return None


def parse_authority(value: str, scheme: str | None = None) -> Authority | None:
    """The authority record ``value`` cites, or None when it cites none Museion knows.

    ``value`` is an IRI or web address in any of its authority's forms, a CURIE
    (``ulan:500009666``), or a bare identifier when ``scheme`` names the authority (as LIDO's
    ``source`` attribute does: ``ULAN``, ``gnd``, ``http://vocab.getty.edu/ulan``).
    """
    text = value.strip()
    if not text:
        return None
    if "://" in text:
        return _from_url(text)
    prefix, colon, rest = text.partition(":")
    if colon and prefix.casefold() in _CURIES and rest:
        return _checked(_CURIES[prefix.casefold()], rest)
    hint = _hint(scheme)
    if hint is not None:
        # Bildindex-style padding ("gnd     118514008") and GND's old "(DE-588)" prefix.
        ident = re.sub(r"^\(DE-588\)|\s+", "", text, flags=re.IGNORECASE)
        return _checked(hint, ident)
    return None


def normalise_authority(value: str, scheme: str | None = None) -> str:
    """The entity IRI of the authority record ``value`` cites; ``value`` (stripped) unchanged
    when it is no authority reference Museion recognises (a museum's own page, say)."""
    found = parse_authority(value, scheme)
    return found.iri if found is not None else value.strip()


def authority_scheme(iri: str) -> str | None:
    """``ulan``, ``gnd``, ... for a canonical authority IRI; None for any other IRI."""
    found = parse_authority(iri)
    return found.scheme if found is not None and found.iri == iri else None
