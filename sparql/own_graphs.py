"""Museion's own graphs, said in the reader's language: the graphs Museion keeps beside the
partners' records (its bookkeeping, its vocabulary, reconciliation's aggregates, the entity
graphs of what records share), which hold no statement about themselves. A page for one is
headed by what it is, and its RDF names and explains it in each of the pages' languages.
"""

from __future__ import annotations

import re

from . import i18n

__all__ = ["own_graph"]

_OWN_GRAPHS = {
    "meta": (
        "Museion's bookkeeping",
        "Where each record came from and when (its partner, dataset, run and source "
        "identifier), the runs and their counts, quarantined records, withdrawn and "
        "merged IRIs, and why reconciliation linked what it linked.",
    ),
    "vocabulary": (
        "Museion's vocabulary terms",
        "The labels and classes of the Getty AAT concepts the partners' records use, "
        "shared by every source.",
    ),
    "graph/reconciliation": (
        "Persons, groups and places across partners",
        "The aggregate persons, groups and places that reconciliation made of the "
        "partners' own, each with its best labels and its links to every partner's entity "
        "and authority record it stands for.",
    ),
    "graph/entities": (
        "What the partners' records share",
        "The statements records make about what no one source mints (an authority's "
        "person, a shared term), held once for as long as one live record makes them.",
    ),
}
"""Museion's own graphs (their paths under the base IRI): what each is, in English; the
pages' catalogues (``sparql/data/i18n``) say it in French and Arabic."""
_SOURCE_ENTITIES = (
    "What the records of {source} share",
    "The statements several records of {source} make about its own persons, places, "
    "concepts and other entities, held once for as long as one live record makes them.",
)
"""A source's entity graph (``graph/entities/{source}``, ``publish.source_entity_graph``)."""
_SOURCE = re.compile(r"^graph/entities/(?P<source>[a-z0-9]+(?:-[a-z0-9]+)*)$")


def own_graph(iri: str, base: str, lang: str = i18n.DEFAULT) -> tuple[str, str] | None:
    """What one of Museion's own graphs is, in ``lang``: its label and comment, translated
    before a source's name is filled in; None for any other IRI."""
    rest = iri[len(base) :] if iri.startswith(base) else ""
    found = _SOURCE.match(rest)
    if found is not None:
        label, comment = _SOURCE_ENTITIES
        values = found.groupdict()
        return (
            i18n.translate(label, lang).format(**values),
            i18n.translate(comment, lang).format(**values),
        )
    known = _OWN_GRAPHS.get(rest)
    if known is None:
        return None
    return i18n.translate(known[0], lang), i18n.translate(known[1], lang)
