"""LIDO event types → what kind of event Museion makes of them.

LIDO 1.1 names event types ``http://terminology.lido-schema.org/lido000NN``; LIDO 1.0 used
``http://terminology.lido-schema.org/eventType/production`` or a bare term ("creation"), and
real feeds mix all three. Every form is brought to the 1.1 IRI, whose CIDOC-CRM class comes
from ``mappings/data/LIDO-Term2CRM.csv`` (the LIDO-RDF converter's table).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from museion_core.vocab import LIDO_TERMS_NS

from .reader import LidoConcept

__all__ = ["EventKind", "event_kind", "event_type_iri", "event_types"]

TERMS = LIDO_TERMS_NS

# museum-digital's own event types (https://event-types.museum-digital.org/N, with German
# terms), by their meaning in museum-digital's handbook ("Ereignistypen"); the others — written,
# depicted, mentioned, signed ... — stay typed activities.
_MUSEUM_DIGITAL = {
    "1": "lido00007",  # Hergestellt: produced
    "2": "lido00002",  # Gefunden: found
    "3": "lido00228",  # Veröffentlicht: published
    "6": "lido00011",  # Wurde genutzt: used
    "8": "lido00010",  # Gesammelt: collected
    "9": "lido00007",  # Gemalt: painted
    "19": "lido00007",  # Gezeichnet: drawn
    "25": "lido00226",  # Beauftragt: commissioned
    "26": "lido00007",  # Gedruckt: printed
    "39": "lido00007",  # Zusammengefügt: assembled
    "41": "lido00001",  # Gekauft: bought
    "44": "lido00034",  # Restauriert: restored
    "46": "lido00026",  # Zerstört: destroyed
    "47": "lido00009",  # Verschollen: lost
}
_MUSEUM_DIGITAL_TERMS = {
    "hergestellt": "lido00007",
    "gefunden": "lido00002",
    "veröffentlicht": "lido00228",
    "wurde genutzt": "lido00011",
    "gesammelt": "lido00010",
    "gemalt": "lido00007",
    "gezeichnet": "lido00007",
    "beauftragt": "lido00226",
    "gedruckt": "lido00007",
    "zusammengefügt": "lido00007",
    "gekauft": "lido00001",
    "restauriert": "lido00034",
    "zerstört": "lido00026",
    "verschollen": "lido00009",
}
_MUSEUM_DIGITAL_ID = re.compile(
    r"^https?://event-types\.museum-digital\.org/(?:[a-z]{2}/)?(\d+)/?$"
)
# LIDO 1.0's event type vocabulary (and common German terms of DDB feeds) → the 1.1 term.
_ALIASES = {
    **_MUSEUM_DIGITAL_TERMS,
    "acquisition": "lido00001",
    "erwerb": "lido00001",
    "erwerbung": "lido00001",
    "collecting": "lido00010",
    "sammeln": "lido00010",
    "commissioning": "lido00226",
    "auftrag": "lido00226",
    "creation": "lido00012",
    "designing": "lido00224",
    "design": "lido00224",
    "entwurf": "lido00224",
    "destruction": "lido00026",
    "zerstörung": "lido00026",
    "event": "lido00003",
    "event (non-specified)": "lido00003",
    "non-specified": "lido00003",
    "unknown event": "lido00003",
    "excavation": "lido00033",
    "ausgrabung": "lido00033",
    "exhibition": "lido00225",
    "ausstellung": "lido00225",
    "finding": "lido00002",
    "fund": "lido00002",
    "loss": "lido00009",
    "verlust": "lido00009",
    "modification": "lido00006",
    "move": "lido00223",
    "part addition": "lido00008",
    "part removal": "lido00021",
    "performance": "lido00030",
    "planning": "lido00032",
    "production": "lido00007",
    "herstellung": "lido00007",
    "provenance": "lido00227",
    "provenienz": "lido00227",
    "publication": "lido00228",
    "publishing": "lido00228",
    "veröffentlichung": "lido00228",
    "restoration": "lido00034",
    "restaurierung": "lido00034",
    "transformation": "lido00029",
    "type assignment": "lido00023",
    "type creation": "lido00013",
    "use": "lido00011",
    "nutzung": "lido00011",
    "verwendung": "lido00011",
}
_LIDO_ID = re.compile(r"^https?://terminology\.lido-schema\.org/(lido\d{5})/?$")
_LIDO_10 = re.compile(r"^https?://terminology\.lido-schema\.org/eventType/([^/?#]+)/?$")


@dataclass(frozen=True, slots=True)
class EventKind:
    """How an event is modelled: ``production``, ``acquisition``, ``custody``,
    ``modification``, ``move``, ``destruction``, ``exhibition``, ``use`` or ``activity``."""

    kind: str
    crm_class: str
    """The class LIDO-Term2CRM gives (``E12 Production``), for the record."""


# CRM class (from the table) → how Museion models it (ARCHITECTURE §6, Linked Art).
_KIND_OF_CLASS = {
    "E12": "production",
    "E65": "production",  # the creation of a physical object is its production (Linked Art)
    "E8": "acquisition",
    "E10": "custody",
    "E11": "modification",
    "E9": "move",
    "E6": "destruction",
}


@cache
def event_types() -> dict[str, EventKind]:
    """``lido000NN`` → its kind, from the shipped LIDO-Term2CRM table."""
    data = resources.files("mappings").joinpath("data/LIDO-Term2CRM.csv").read_text("utf-8")
    table: dict[str, EventKind] = {}
    for row in csv.DictReader(io.StringIO(data)):
        found = _LIDO_ID.match((row.get("URI") or "").strip())
        if not found:
            continue
        crm_class = (row.get("CRM-Class") or "").strip()
        number = crm_class.split(" ", 1)[0]
        kind = _KIND_OF_CLASS.get(number, "activity")
        table.setdefault(found.group(1), EventKind(kind, crm_class))
    # Two types have a pattern of their own regardless of their class in the table.
    table["lido00225"] = EventKind("exhibition", table["lido00225"].crm_class)
    table["lido00011"] = EventKind("use", table["lido00011"].crm_class)
    return table


def _term_id(value: str) -> str | None:
    value = value.strip()
    found = _LIDO_ID.match(value)
    if found:
        return found.group(1)
    found = _MUSEUM_DIGITAL_ID.match(value)
    if found:
        return _MUSEUM_DIGITAL.get(found.group(1))
    found = _LIDO_10.match(value)
    if found:
        return _ALIASES.get(found.group(1).replace("_", " ").replace("%20", " ").lower())
    return _ALIASES.get(re.sub(r"\s*\((?:activity|en)\)$", "", value.lower()))


def event_type_iri(event_type: LidoConcept) -> str | None:
    """The LIDO 1.1 IRI of an event type in any of its forms; None if it is not a LIDO type."""
    for value in event_type.all_ids():
        term = _term_id(value)
        if term:
            return TERMS + term
    for label in event_type.labels:
        term = _term_id(label.value)
        if term:
            return TERMS + term
    return None


def event_kind(iri: str | None) -> EventKind:
    if iri is None:
        return EventKind("activity", "E7 Activity")
    return event_types().get(iri.rsplit("/", 1)[-1], EventKind("activity", "E7 Activity"))
