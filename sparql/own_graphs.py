"""Museion's own graphs, said in the reader's language: the graphs Museion keeps beside the
partners' records (its bookkeeping, its vocabulary, reconciliation's aggregates, the entity
graphs of what records share), which hold no statement about themselves. A page for one is
headed by what it is, and its RDF names and explains it in each of the pages' languages. A
source's entity graph is said by its partner's name (``[sources.partner] label``), as the
partner pages say it, not by the source's short name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from markupsafe import Markup, escape

from . import i18n

__all__ = ["OwnGraph", "entity_graph_source", "own_graph"]

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


def entity_graph_source(iri: str, base: str) -> str | None:
    """The source whose entity graph ``iri`` is, or None: the graph its page and RDF say by
    its partner's name, from the config, not from the snapshot its answer is tagged by."""
    found = _SOURCE.match(_local(iri, base))
    return found["source"] if found is not None else None


def _local(iri: str, base: str) -> str:
    """``iri``'s path under the base, or "" for an IRI outside it."""
    return iri[len(base) :] if iri.startswith(base) else ""


class OwnGraph(NamedTuple):
    """What one of Museion's own graphs is, in one language."""

    label: str
    comment: str
    heading: Markup
    """The label for a page's heading: the partner's name in it isolated (``<bdi>``), so a
    Latin name keeps its order in an Arabic sentence."""
    source: str = ""
    """The source whose entity graph it is, when the label says its partner's name: the short
    name the graph's IRI and the partner's report (``/sources/NAME``) go by."""


def own_graph(
    iri: str, base: str, lang: str = i18n.DEFAULT, partners: Mapping[str, str] | None = None
) -> OwnGraph | None:
    """What one of Museion's own graphs is, in ``lang``: its label and comment, translated
    before a source's name is filled in, its partner's name (``partners``: source → partner's
    name) where there is one; None for any other IRI."""
    source = entity_graph_source(iri, base)
    if source is not None:
        label, comment = _SOURCE_ENTITIES
        name = (partners or {}).get(source) or source
        label = i18n.translate(label, lang)
        return OwnGraph(
            label.format(source=name),
            i18n.translate(comment, lang).format(source=name),
            Markup(escape(label)).format(source=Markup("<bdi>{}</bdi>").format(name)),
            source if name != source else "",
        )
    known = _OWN_GRAPHS.get(_local(iri, base))
    if known is None:
        return None
    label = i18n.translate(known[0], lang)
    return OwnGraph(label, i18n.translate(known[1], lang), Markup(escape(label)))
