"""The kinds of work an object page names: AAT's concept, and a lender's own classification
only when it says something AAT's does not.

The DDB's LWL print names the print twice: as AAT's concept (its ``objectWorkType``
"Druckgrafik", aat:300041273) and as the museum's own ``classification`` "Druckgraphik",
a local term. The French page read "estampe · Druckgraphik": one thing, in two languages."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping
from museion_core.vocab import AAT_NS
from sparql.objectpage import _own_types
from sparql.record_graph import Graph
from tests.conftest import BASE

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
    assert _own_types(graph, PRINT, {}) == [AAT_NS + "300041273"]


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
    shown = _own_types(graph, f"{BASE}ddb/object/test%2F1", {})
    assert AAT_NS + "300033618" in shown
    assert any(not k.startswith(AAT_NS) for k in shown) is kept
