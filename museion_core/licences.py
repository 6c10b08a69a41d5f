"""Short names of the licences and rights statements partners cite by IRI.

A right's type is often a licence's IRI and nothing else (``https://creativecommons.org/
licenses/by-nc-sa/4.0/``): pages and exports show "CC BY-NC-SA 4.0", as the licence's
owners ask it to be cited, not the IRI or its last path segment ("4.0")."""

from __future__ import annotations

import re

__all__ = ["licence_name", "right_name"]

_CC = re.compile(
    r"^https?://creativecommons\.org/(?P<kind>licenses|publicdomain)/(?P<name>[a-z-]+)"
    r"(?:/(?P<version>\d+(?:\.\d+)?))?",
    re.IGNORECASE,
)
_RIGHTS_STATEMENTS = re.compile(
    r"^https?://rightsstatements\.org/(?:vocab|page)/(?P<code>[A-Za-z-]+)/", re.IGNORECASE
)
_STATEMENT_NAMES = {
    "inc": "In Copyright",
    "inc-ow-eu": "In Copyright – EU Orphan Work",
    "inc-edu": "In Copyright – Educational Use Permitted",
    "inc-nc": "In Copyright – Non-Commercial Use Permitted",
    "inc-ruu": "In Copyright – Rights-holder(s) Unlocatable or Unidentifiable",
    "noc-cr": "No Copyright – Contractual Restrictions",
    "noc-nc": "No Copyright – Non-Commercial Use Only",
    "noc-oklr": "No Copyright – Other Known Legal Restrictions",
    "noc-us": "No Copyright – United States",
    "cne": "Copyright Not Evaluated",
    "und": "Copyright Undetermined",
    "nkc": "No Known Copyright",
}
_PUBLIC_DOMAIN = {"zero": "CC0", "mark": "Public Domain Mark"}
_EUROPEANA = re.compile(r"^https?://(?:www\.)?europeana\.eu/rights/(?P<code>[a-z-]+)/?$", re.I)
_EUROPEANA_NAMES = {
    "rr-f": "Rights Reserved – Free Access",
    "rr-p": "Rights Reserved – Paid Access",
    "rr-r": "Rights Reserved – Restricted Access",
    "unknown": "Unknown copyright status",
    "orphan-work-eu": "Orphan Work",
    "out-of-copyright-non-commercial": "Out of copyright – non commercial re-use",
}
"""Europeana's own rights statements, before RightsStatements.org: the Deutsche Digitale
Bibliothek's LIDO still cites them, by IRI, with the IRI as their term."""


def licence_name(iri: str) -> str | None:
    """ "CC BY-NC-SA 4.0", "CC0 1.0", "In Copyright" for a Creative Commons or
    RightsStatements.org IRI; None for any other."""
    found = _CC.match(iri)
    if found:
        name, version = found["name"].lower(), found["version"]
        if found["kind"].lower() == "publicdomain":
            short = _PUBLIC_DOMAIN.get(name)
        else:
            short = "CC " + name.upper() if re.fullmatch(r"by(-nc)?(-sa|-nd)?", name) else None
        if short is None:
            return None
        return f"{short} {version}" if version else short
    found = _RIGHTS_STATEMENTS.match(iri)
    if found:
        return _STATEMENT_NAMES.get(found["code"].lower())
    found = _EUROPEANA.match(iri)
    if found:
        return _EUROPEANA_NAMES.get(found["code"].lower())
    return None


def right_name(iri: str, label: str | None = None) -> str:
    """What to call a right's type: its own ``label``, unless it has none or the label is
    only its IRI again (LIDO's ``<term>http://www.europeana.eu/rights/rr-f/</term>``); then
    a licence's short name, else the last named step of its IRI (``…/lizenzen/rv-fz/`` →
    "rv-fz", not the empty segment after its slash)."""
    if label and label.strip() and label.strip() != iri.strip():
        return label
    return licence_name(iri) or next((step for step in reversed(iri.split("/")) if step), iri)
