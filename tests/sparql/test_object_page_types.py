"""The kinds of work an object page names: AAT's concept, and a lender's own classification
only when it says something AAT's does not.

The DDB's LWL print names the print twice: as AAT's concept (its ``objectWorkType``
"Druckgrafik", aat:300041273) and as the museum's own ``classification`` "Druckgraphik",
a local term. The French page read "estampe · Druckgraphik": one thing, in two languages."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

import pytest
from pyoxigraph import DefaultGraph, NamedNode, Quad

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping, vocabulary_quads
from museion_core.vocab import AAT_NS
from sparql import i18n
from sparql.object_terms import own_types
from sparql.objectpage import object_page
from sparql.record_graph import Graph
from store import Store
from tests.conftest import BASE

if TYPE_CHECKING:
    from sparql.executor import Worker

LIDO = Path(__file__).parents[1] / "data" / "lido"
PRINT = f"{BASE}ddb/object/DE-MUS-100818%2Flido%2Fobj%2F33419853"


def _graph(payload: bytes, ident: str) -> Graph:
    result = get_mapping("lido").map(
        SourceRecord("ddb", ident, payload, "application/xml"), MappingContext(BASE, "ddb")
    )
    graph: Graph = defaultdict(lambda: defaultdict(list))
    for quad in result.quads:
        if isinstance(quad.subject, NamedNode):
            graph[quad.subject.value][quad.predicate.value].append(quad.object)
    return graph


def test_the_lenders_own_term_for_the_aat_type_is_not_named_beside_it() -> None:
    graph = _graph((LIDO / "ddb_LWL-Museum.xml").read_bytes(), "DE-MUS-100818/lido/obj/33419853")
    every = [
        str(getattr(n, "value", ""))
        for n in graph[PRINT]["http://www.cidoc-crm.org/cidoc-crm/P2_has_type"]
    ]
    local = [k for k in every if not k.startswith(AAT_NS)]
    assert local == [f"{BASE}ddb/concept/classification/druckgraphik"]  # the record has it
    assert own_types(graph, PRINT, {}) == [AAT_NS + "300041273"]


_RECORD = """<lido:lido xmlns:lido="http://www.lido-schema.org">
<lido:lidoRecID>test/1</lido:lidoRecID>
<lido:descriptiveMetadata xml:lang="de"><lido:objectClassificationWrap>
<lido:objectWorkTypeWrap><lido:objectWorkType>
<lido:conceptID lido:type="URI">http://vocab.getty.edu/aat/300033618</lido:conceptID>
<lido:term>Gemälde</lido:term></lido:objectWorkType></lido:objectWorkTypeWrap>
<lido:classificationWrap><lido:classification lido:type="Gattung">
<lido:term>{term}</lido:term></lido:classification></lido:classificationWrap>
</lido:objectClassificationWrap><lido:objectIdentificationWrap><lido:titleWrap><lido:titleSet>
<lido:appellationValue>Harzlandschaft</lido:appellationValue></lido:titleSet></lido:titleWrap>
</lido:objectIdentificationWrap></lido:descriptiveMetadata></lido:lido>"""


@pytest.mark.parametrize(
    ("term", "kept"),
    [
        ("Malerei", False),  # the painting again, as Museion's AAT table reads it
        ("Landschaftsmalerei", True),  # says more than "painting": the lender's term stays
        ("Druckgraphik", True),  # a print is not a type this painting has
    ],
)
def test_a_lenders_term_stays_when_it_says_something_else(term: str, kept: bool) -> None:
    graph = _graph(_RECORD.replace("{term}", term).encode(), "test/1")
    shown = own_types(graph, f"{BASE}ddb/object/test%2F1", {})
    assert AAT_NS + "300033618" in shown
    assert any(not k.startswith(AAT_NS) for k in shown) is kept


_FRENCH = """<lido:lido xmlns:lido="http://www.lido-schema.org">
<lido:lidoRecID>test/2</lido:lidoRecID>
<lido:descriptiveMetadata xml:lang="fr"><lido:objectIdentificationWrap>
<lido:titleWrap><lido:titleSet><lido:appellationValue>Vue du port</lido:appellationValue>
</lido:titleSet></lido:titleWrap>
<lido:objectMaterialsTechWrap><lido:objectMaterialsTechSet><lido:materialsTech>
<lido:termMaterialsTech><lido:term>eau-forte</lido:term></lido:termMaterialsTech>
<lido:termMaterialsTech><lido:term>papier vergé</lido:term></lido:termMaterialsTech>
</lido:materialsTech></lido:objectMaterialsTechSet></lido:objectMaterialsTechWrap>
</lido:objectIdentificationWrap></lido:descriptiveMetadata></lido:lido>"""


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("ar", [("etching (printing process)", "en"), ("papier vergé", "fr")]),
        ("en", [("etching (printing process)", "en"), ("papier vergé", "fr")]),
        ("fr", [("eau-forte", "fr"), ("papier vergé", "fr")]),
    ],
)
def test_a_lenders_material_is_named_in_the_readers_language_where_aat_knows_it(
    lang: str, shown: list[tuple[str, str]]
) -> None:
    """A French lender's LIDO record names its etching "eau-forte" in its materials, without
    saying that it is a technique. Museion's AAT table has the word as a technique only, so
    the mapping kept a local material whose one label is French, and the Arabic page listed
    "eau-forte" under its materials: the page now reads such a term through the table (AAT's
    etching, named in English where AAT has no Arabic label). A term the table does not know
    ("papier vergé") stays as the lender wrote it."""
    result = get_mapping("lido").map(
        SourceRecord("musee", "test/2", _FRENCH.encode(), "application/xml"),
        MappingContext(BASE, "musee"),
    )
    record = NamedNode(f"{BASE}musee/record/test%2F2")
    store = Store()
    store.oxigraph.extend(Quad(q.subject, q.predicate, q.object, record) for q in result.quads)
    store.oxigraph.extend(
        Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in result.quads
    )
    vocabulary = vocabulary_quads(NamedNode(f"{BASE}vocabulary"))
    store.oxigraph.extend(
        Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in vocabulary
    )
    worker = SimpleNamespace(store=lambda: store, settings=SimpleNamespace(base_iri=BASE))
    with i18n.using(lang):
        page = object_page(cast("Worker", worker), f"{BASE}musee/object/test%2F2", lang)
    assert page is not None
    assert sorted((m.value, m.lang) for m in page.materials) == sorted(shown)
