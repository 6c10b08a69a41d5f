"""The lender's terms on an object page (its types, materials and techniques), named once and
in the reader's language where Museion knows the concept they stand for.

A lender's own term (a local concept) often means a concept of AAT that Museion's table knows,
in another language or under another heading: the LWL's "Druckgraphik" is AAT's print, a
French museum's "eau-forte" AAT's etching. The page reads such a term through the table rather
than showing one thing twice, or in a language its reader may not read.
"""

from __future__ import annotations

from mappings import aat_concept, aat_reading, unqualified_labels
from museion_core.vocab import AAT_NS, CRM, RDFS

from .lender_terms import lender_term
from .readers import Text, in_language, pick, text_of
from .record_graph import Graph, nodes, out

__all__ = [
    "MATERIALS",
    "TECHNIQUES",
    "TYPES",
    "About",
    "own_types",
    "term_label",
    "terms_listed",
]

About = dict[str, dict[str, list[Text]]]
"""What the object page's second query found about each linked IRI (``label``, ...)."""

TYPES = ("object_type",)
MATERIALS = ("material", "technique")
TECHNIQUES = ("technique", "material")
"""The schemes of Museion's AAT table a lender's term is read in (``term_label``), in order: a
lender's materials wrap often holds its techniques too."""


def term_label(labels: list[Text], lang: str, schemes: tuple[str, ...], node: str = "") -> Text:
    """A term's label in ``lang``, else English, else one without a language (``pick``); when
    it has none of these, Museion's AAT table reads its labels in ``schemes``, and a concept
    the table knows is named as AAT names it, in ``lang`` or else English.

    A French lender's LIDO record names its etching "eau-forte" in a materials wrap without
    saying that it is a technique: the mapping keeps it as a local material (the table has
    the word as a technique only) whose one label is French, and the Arabic page listed
    "eau-forte" under its materials, where AAT's etching has an English label.

    A lender's English term the pages know (``lender_terms``: Tate's "on paper, unique") is
    written in the page's words."""
    shown = pick(labels, lang) or Text(node.rsplit("/", 1)[-1])
    if in_language(shown.lang, lang):
        return shown
    if not shown.lang or in_language(shown.lang, "en"):
        # a lender's English word the pages know: Tate's "on paper, unique"
        said = lender_term(shown.value, lang) if lang != "en" else None
        return Text(said, lang) if said else shown
    found = aat_reading((text.value for text in labels), schemes, (lang, "en"))
    return Text(*found) if found is not None else shown


def terms_listed(terms: list[Text]) -> list[Text]:
    """An object's terms as a page lists them: each once, and an AAT concept's English label
    without the qualifier AAT adds to tell its concepts apart ("paper (fiber product)" →
    "paper", "oil paint (paint)" → "oil paint"), unless two of the list would then read the
    same (``mappings.unqualified_labels``, as the search page's facets name them). A curator
    reads "paper · watercolor", not AAT's cataloguing words; a lender's own term keeps its
    brackets ("Paper (Japanese)")."""
    once = list(dict.fromkeys(terms))
    names = unqualified_labels([t.value for t in once])
    return list(dict.fromkeys(Text(n, t.lang) for n, t in zip(names, once, strict=True)))


def own_types(graph: Graph, iri: str, about: About) -> list[str]:
    """The object's types, without a lender's own term for an AAT type it already has.

    A LIDO record may name the print twice: as AAT's concept (its ``objectWorkType``
    "Druckgrafik", aat:300041273) and as the museum's own classification ("Druckgraphik", a
    local term). The page said "estampe · Druckgraphik", one thing in two languages; the
    local term is left out when Museion's AAT table reads its label as a type the object
    has (a local term that says something else, "Einzelobjekt", stays)."""
    kinds = nodes(graph, iri, CRM.P2_has_type)
    shared = {k for k in kinds if k.startswith(AAT_NS)}
    if not shared:
        return kinds
    kept = []
    for kind in kinds:
        if not kind.startswith(AAT_NS):
            labels = [text_of(t).value for t in out(graph, kind, RDFS.label)]
            labels += [t.value for t in about.get(kind, {}).get("label", [])]
            if any(aat_concept("object_type", label) in shared for label in labels):
                continue
        kept.append(kind)
    return kept
