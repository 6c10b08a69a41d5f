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
from urllib.parse import quote

import pytest
from pyoxigraph import DefaultGraph, NamedNode, Quad

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping, vocabulary_quads
from museion.demo import examples_dir
from museion_core.vocab import AAT_NS
from sparql import i18n
from sparql.object_terms import own_types
from sparql.objectpage import ObjectPage, object_page
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


def _page(source: str, mapping: str, ident: str, payload: bytes, lang: str) -> ObjectPage | None:
    """The object page of one record, mapped and stored as a harvest does (its record graph,
    the merged default graph with Museion's AAT labels), read by the page's own code."""
    result = get_mapping(mapping).map(
        SourceRecord(
            source, ident, payload, "application/xml" if mapping == "lido" else "application/json"
        ),
        MappingContext(BASE, source),
    )
    record = NamedNode(f"{BASE}{source}/record/{quote(ident, safe='')}")
    vocabulary = vocabulary_quads(NamedNode(f"{BASE}vocabulary"))
    store = Store()
    for graph, quads in ((record, result.quads), (DefaultGraph(), [*result.quads, *vocabulary])):
        store.oxigraph.extend(Quad(q.subject, q.predicate, q.object, graph) for q in quads)
    worker = SimpleNamespace(store=lambda: store, settings=SimpleNamespace(base_iri=BASE))
    with i18n.using(lang):
        return object_page(
            cast("Worker", worker), f"{BASE}{source}/object/{quote(ident, safe='')}", lang
        )


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
        ("ar", [("حفر حمضي", "ar"), ("papier vergé", "fr")]),
        ("en", [("etching", "en"), ("papier vergé", "fr")]),
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
    etching, which the table names in Arabic too: the Arabic page said "etching (printing
    process)" in English before it did). A term the table does not know ("papier vergé")
    stays as the lender wrote it."""
    page = _page("musee", "lido", "test/2", _FRENCH.encode(), lang)
    assert page is not None
    assert sorted((m.value, m.lang) for m in page.materials) == sorted(shown)


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("en", ("on paper, unique", "en")),
        ("fr", ("sur papier, œuvre unique", "fr")),
        ("ar", ("على ورق، عمل فريد", "ar")),
    ],
)
def test_a_lenders_own_english_kind_of_work_is_in_the_readers_language(
    lang: str, shown: tuple[str, str]
) -> None:
    """Tate classes a third of its works "on paper, unique", a term of its own that no
    vocabulary has: French and Arabic pages said it in English, beside AAT's types in their
    own language. The pages' table of lenders' terms (``sparql/data/i18n/terms.toml``)
    says it in theirs."""
    payload = (examples_dir() / "tate" / "artworks" / "a00001-1035.json").read_bytes()
    page = _page("tate", "tate", "A00001", payload, lang)
    assert page is not None
    assert shown in [(t.value, t.lang) for t in page.types]
