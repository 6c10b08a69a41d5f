"""An object's history on its page: the events a LIDO record states beyond the production and
acquisition — provenance, restorations, exhibitions, losses — were mapped but shown nowhere.

A record is mapped by the real LIDO mapping; the page's reading of its graph is checked."""

from __future__ import annotations

from collections import defaultdict

from pyoxigraph import NamedNode

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping
from museion_core.vocab import RDFS
from sparql import i18n
from sparql.object_dates import span_date
from sparql.object_events import Event, object_events
from sparql.readers import Text, text_of
from sparql.record_graph import Graph
from tests.conftest import BASE

OBJECT = f"{BASE}ddb/object/test%2F1"
RECORD = """<lido:descriptiveMetadata xml:lang="en"><lido:eventWrap>
<lido:eventSet><lido:event>
  <lido:eventType><lido:term>exhibition</lido:term></lido:eventType>
  <lido:eventName><lido:appellationValue>Botticelli and Florence</lido:appellationValue>
  </lido:eventName>
  <lido:eventDate><lido:date><lido:earliestDate>1990</lido:earliestDate>
    <lido:latestDate>1991</lido:latestDate></lido:date></lido:eventDate>
  <lido:eventPlace><lido:displayPlace>Firenze</lido:displayPlace></lido:eventPlace>
</lido:event></lido:eventSet>
<lido:eventSet><lido:event>
  <lido:eventType><lido:term>event (non-specified)</lido:term></lido:eventType>
</lido:event></lido:eventSet>
<lido:eventSet><lido:event>
  <lido:eventType><lido:conceptID>http://terminology.lido-schema.org/lido00009</lido:conceptID>
  </lido:eventType>
</lido:event></lido:eventSet>
<lido:eventSet><lido:event>
  <lido:eventType><lido:term>restoration</lido:term></lido:eventType>
  <lido:eventActor>
    <lido:displayActorInRole>Mario Rossi (restorer)</lido:displayActorInRole>
    <lido:actorInRole><lido:actor>
      <lido:nameActorSet><lido:appellationValue>Rossi, Mario</lido:appellationValue>
      </lido:nameActorSet></lido:actor>
      <lido:roleActor><lido:term>restorer</lido:term></lido:roleActor>
    </lido:actorInRole>
  </lido:eventActor>
  <lido:eventDate><lido:date><lido:earliestDate>1982</lido:earliestDate>
    <lido:latestDate>1982</lido:latestDate></lido:date></lido:eventDate>
  <lido:eventDescriptionSet>
    <lido:descriptiveNoteValue>Varnish removed, losses retouched.</lido:descriptiveNoteValue>
  </lido:eventDescriptionSet>
</lido:event></lido:eventSet>
<lido:eventSet><lido:event>
  <lido:eventType><lido:term>provenance</lido:term></lido:eventType>
  <lido:eventDate><lido:date><lido:earliestDate>1498</lido:earliestDate>
    <lido:latestDate>1498</lido:latestDate></lido:date></lido:eventDate>
  <lido:eventPlace><lido:displayPlace>Palazzo Medici</lido:displayPlace></lido:eventPlace>
</lido:event></lido:eventSet>
</lido:eventWrap></lido:descriptiveMetadata>"""


def _events(lang: str = "en") -> list[Event]:
    payload = (
        '<lido:lido xmlns:lido="http://www.lido-schema.org">'
        f"<lido:lidoRecID>test/1</lido:lidoRecID>{RECORD}</lido:lido>"
    ).encode()
    lido = get_mapping("lido")
    quads = lido.map(
        SourceRecord("ddb", "test/1", payload, "application/xml"), MappingContext(BASE, "ddb")
    ).quads
    graph: Graph = defaultdict(lambda: defaultdict(list))
    for quad in quads:
        graph[quad.subject.value][quad.predicate.value].append(quad.object)  # type: ignore[union-attr]

    def label(node: str) -> Text:
        names = [text_of(t) for t in graph.get(node, {}).get(RDFS.label.value, [])]
        return names[0] if names else Text(node.rsplit("/", 1)[-1])

    with i18n.using(lang):
        return object_events(
            graph,
            OBJECT,
            label=label,
            href=lambda node: None if node.startswith(OBJECT) else node,
            span_date=lambda span: span_date(graph, span),
        )


def test_the_history_lists_each_event_earliest_first_with_what_the_record_says() -> None:
    events = _events()
    assert [(e.kind.value, e.date) for e in events] == [
        ("provenance", "1498"),
        ("restoration", "1982"),
        ("exhibition", "1990–1991"),
        ("loss", ""),  # undated: last
    ]
    provenance, restoration, exhibition, _loss = events
    assert [p.value for p, _href in provenance.places] == ["Palazzo Medici"]
    assert [n.value for n in exhibition.names] == ["Botticelli and Florence"]
    assert [p.value for p, _href in exhibition.places] == ["Firenze"]
    # the role in the record's language, for the page to mark it so on a French page
    assert [(name.value, role) for name, _href, role in restoration.actors] == [
        ("Rossi, Mario", Text("restorer", "en"))
    ]
    # the partner's description is kept; its display of the actor listed beside it is not
    assert [t.value for t in restoration.notes] == ["Varnish removed, losses retouched."]


def test_an_event_that_says_nothing_is_left_out_and_kinds_are_in_the_readers_language() -> None:
    kinds = [e.kind.value for e in _events("fr")]
    assert kinds == ["provenance", "restauration", "exposition", "perte"]  # no "événement"
    assert [e.kind.value for e in _events("ar")] == ["مصدر", "ترميم", "معرض", "فقدان"]


def test_an_object_without_events_has_no_history() -> None:
    graph: Graph = {OBJECT: {RDFS.label.value: [NamedNode(OBJECT)]}}
    assert object_events(graph, OBJECT, Text, lambda n: None, lambda s: "") == []
