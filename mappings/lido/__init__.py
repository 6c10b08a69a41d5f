"""The ``lido`` mapping: LIDO 1.0 and 1.1 (ICOM-CIDOC's museum exchange format) → Linked Art.

Modules by concern: ``identification`` (the object, its names, numbers and repository),
``physical`` (its measurements, and the materials and techniques of the object or an event),
``events`` (production, acquisition, exhibition, use and others, with
``eventtypes`` reading LIDO-Term2CRM), ``agents`` (actors, legal bodies, places),
``resources`` (subjects, related works, rights, the record, images); ``reader`` reads LIDO's two
ways of writing a concept, ``authorities`` turns authority URLs into entity IRIs.
"""

from ..base import Mapping
from ..registry import register_mapping
from .authorities import normalise as normalise_authority
from .eventtypes import event_kind, event_type_iri
from .mapping import LidoMapping

__all__ = ["LidoMapping", "event_kind", "event_type_iri", "normalise_authority"]

LIDO = LidoMapping()


@register_mapping("lido")
def _lido() -> Mapping:
    return LIDO
