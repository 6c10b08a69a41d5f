"""The LIDO mapping's rules: identity, versions, event types, authorities, patterns."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from lxml import etree
from pyoxigraph import Literal, NamedNode, Quad

from harvesters import SourceRecord
from mappings import MappingContext, MappingError, get_mapping
from mappings.lido import event_kind, event_type_iri, normalise_authority
from mappings.lido.eventtypes import event_types
from mappings.lido.reader import LidoConcept, Text
from museion_core.vocab import AAT, CRM, LA, RDF
from tests.conftest import BASE, DATA

LIDO = get_mapping("lido")
CONTEXT = MappingContext(BASE, "ddb")
CRM_NS = "http://www.cidoc-crm.org/cidoc-crm/"


def map_file(name: str) -> list[Quad]:
    payload = (DATA / "lido" / name).read_bytes()
    root = etree.fromstring(payload)
    record = SourceRecord("ddb", LIDO.identify(root), payload, "application/xml")
    return LIDO.map(record, CONTEXT).quads


def map_xml(body: str, record_id: str = "test/1") -> list[Quad]:
    payload = (
        '<lido:lido xmlns:lido="http://www.lido-schema.org" '
        'xmlns:gml="http://www.opengis.net/gml">'
        f"<lido:lidoRecID>{record_id}</lido:lidoRecID>{body}</lido:lido>"
    ).encode()
    return LIDO.map(SourceRecord("ddb", record_id, payload, "application/xml"), CONTEXT).quads


def about(quads: Iterable[Quad], subject: str) -> set[tuple[str, str]]:
    return {(q.predicate.value, str(q.object)) for q in quads if str(q.subject) == f"<{subject}>"}


OBJECT = f"{BASE}ddb/object/DE-Mb112%2Flido-obj00154983"
PAINTER = f"{BASE}ddb/person/kue%2002553338"

# LA PRIMAVERA IN LIDO 1.0 AND 1.1: the two example records describe one painting; what they
# share maps identically, one test per thing shared.
#
# What the versions really differ in, and so is not compared: 1.1 records more
# (objectPublishedIDs, five titles, a description, an acquisition, rights, related works,
# object-level materials, AAT/ULAN/GND identifiers where 1.0 has only terms); its texts are
# German where 1.0's are English (``descriptiveMetadata/@xml:lang``); its repository is a ULAN
# entity where 1.0 names it only; 1.0's production is typed "creation" (lido00012), 1.1's
# "production" (lido00007); the restoration is dated 1982 in 1.0 and 1981/1983 in 1.1; roles,
# types and materials are terms in 1.0 and AAT concepts in 1.1; 1.0 writes the Iconclass
# notation "57 A 9 :" where 1.1 has 57A9; the images are different files of the same photographs.


@pytest.fixture(scope="module")
def primavera() -> tuple[list[Quad], list[Quad]]:
    """La Primavera mapped from the LIDO 1.0 and the LIDO 1.1 example records."""
    return (
        map_file("LIDO-Example_FMobj00154983-LaPrimavera.xml"),
        map_file("LIDO-v1.1-Example_FMobj00154983-LaPrimavera.xml"),
    )


def test_la_primavera_in_lido_1_0_and_1_1_is_the_same_object(
    primavera: tuple[list[Quad], list[Quad]],
) -> None:
    """The same record graph and object IRI, from the same lidoRecID."""
    v10, v11 = primavera
    assert {q.graph_name for q in v10} == {q.graph_name for q in v11}
    assert about(v10, OBJECT)
    assert about(v11, OBJECT)


def test_la_primavera_has_the_same_number_dimensions_and_events_in_both(
    primavera: tuple[list[Quad], list[Quad]],
) -> None:
    """The same accession number, dimensions (1.0 from its display text "203 x 314 cm", 1.1
    from its structured measurements), production and restoration events."""
    v10, v11 = primavera
    for node in ("/accession-number", "/dimension/1", "/dimension/2"):
        assert about(v10, OBJECT + node) == about(v11, OBJECT + node), node
    shared = {
        (p, o)
        for p, o in about(v10, OBJECT)
        if p
        in (
            RDF.type.value,
            CRM.P108i_was_produced_by.value,
            CRM.P31i_was_modified_by.value,
            CRM.P43_has_dimension.value,
            CRM.P65_shows_visual_item.value,
        )
        or o.endswith("accession-number>")
    }
    assert len(shared) == 7
    assert shared <= about(v11, OBJECT)
    assert ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{CRM_NS}E11_Modification>") in (
        about(v10, OBJECT + "/event/2") & about(v11, OBJECT + "/event/2")
    )


def test_la_primavera_has_the_same_painters_part_in_both(
    primavera: tuple[list[Quad], list[Quad]],
) -> None:
    """The painter's part of the production: the role is the term "painter" in 1.0, AAT's
    "painters (artists)" in 1.1; the rest is the same."""
    v10, v11 = primavera
    part = OBJECT + "/production/part/1"
    roles = {(p, o) for p, o in about(v10, part) | about(v11, part) if p == CRM.P2_has_type.value}
    assert about(v10, part) - roles == about(v11, part) - roles
    assert len(about(v10, part) - roles) == 2


def test_la_primavera_has_the_same_painter_in_both(
    primavera: tuple[list[Quad], list[Quad]],
) -> None:
    """The same painter, by the partner's own authority id (whitespace normalised), with the
    same life dates; 1.1 adds ULAN and GND as equivalents."""
    v10, v11 = primavera
    assert about(v10, PAINTER + "/birth/timespan") == about(v11, PAINTER + "/birth/timespan")
    assert about(v10, PAINTER + "/death/timespan") == about(v11, PAINTER + "/death/timespan")
    assert (
        "http://www.cidoc-crm.org/cidoc-crm/P190_has_symbolic_content",
        '"Botticelli, Sandro"',
    ) in (about(v10, PAINTER + "/name/1"))
    assert {(LA.equivalent.value, "<http://vocab.getty.edu/ulan/500015254>")} <= about(v11, PAINTER)


def test_la_primavera_shows_the_same_subjects_in_both(
    primavera: tuple[list[Quad], list[Quad]],
) -> None:
    """What the painting shows: every Iconclass subject of 1.0 is one of 1.1's (but 57 A 9 :)."""
    v10, v11 = primavera
    subjects_10 = {o for p, o in about(v10, OBJECT + "/visual-content") if "P129" in p}
    subjects_11 = {o for p, o in about(v11, OBJECT + "/visual-content") if "P129" in p}
    assert subjects_10 - subjects_11 == {"<http://iconclass.org/57A9%3A>"}
    assert len(subjects_10) == 7


def test_the_lido_record_id_is_the_local_id() -> None:
    one = etree.fromstring(
        b'<lido xmlns="http://www.lido-schema.org"><lidoRecID> a/1 </lidoRecID>'
        b"<lidoRecID>a/1</lidoRecID></lido>"
    )
    assert LIDO.identify(one) == "a/1"
    preferred = etree.fromstring(
        b'<lido xmlns="http://www.lido-schema.org"><lidoRecID>b</lidoRecID>'
        b'<lidoRecID xmlns:l="http://www.lido-schema.org" l:pref="preferred">a</lidoRecID></lido>'
    )
    assert LIDO.identify(preferred) == "a"
    with pytest.raises(ValueError, match="2 different lidoRecIDs"):
        LIDO.identify(
            etree.fromstring(
                b'<lido xmlns="http://www.lido-schema.org"><lidoRecID>a</lidoRecID>'
                b"<lidoRecID>b</lidoRecID></lido>"
            )
        )
    with pytest.raises(ValueError, match="no lidoRecID"):
        LIDO.identify(etree.fromstring(b'<lido xmlns="http://www.lido-schema.org"/>'))


@pytest.mark.parametrize(
    ("concept", "iri", "kind"),
    [
        (
            LidoConcept(ids=[("http://terminology.lido-schema.org/lido00007", "")]),
            "lido00007",
            "production",
        ),
        (
            LidoConcept(ids=[("http://terminology.lido-schema.org/eventType/production", "")]),
            "lido00007",
            "production",
        ),
        (LidoConcept(labels=[Text("creation", "en")]), "lido00012", "production"),
        (LidoConcept(labels=[Text("Herstellung", "de")]), "lido00007", "production"),
        (
            LidoConcept(ids=[("http://terminology.lido-schema.org/eventType/acquisition", "")]),
            "lido00001",
            "acquisition",
        ),
        (
            LidoConcept(ids=[("http://terminology.lido-schema.org/lido00225", "")]),
            "lido00225",
            "exhibition",
        ),
        (LidoConcept(labels=[Text("Exhibition", "en")]), "lido00225", "exhibition"),
        (LidoConcept(labels=[Text("finding", "en")]), "lido00002", "activity"),
        (LidoConcept(labels=[Text("use", "en")]), "lido00011", "use"),
        (LidoConcept(labels=[Text("design", "en")]), "lido00224", "activity"),  # LIDO 1.0's
        (
            LidoConcept(ids=[("http://terminology.lido-schema.org/lido00010", "")]),
            "lido00010",
            "custody",
        ),
        (
            LidoConcept(ids=[("http://terminology.lido-schema.org/lido00034", "")]),
            "lido00034",
            "modification",
        ),
        (
            LidoConcept(ids=[("http://terminology.lido-schema.org/lido00003", "")]),
            "lido00003",
            "activity",
        ),
        (LidoConcept(labels=[Text("Grundsteinlegung", "de")]), None, "activity"),
    ],
)
def test_event_types_in_every_form(concept: LidoConcept, iri: str | None, kind: str) -> None:
    found = event_type_iri(concept)
    assert found == (f"http://terminology.lido-schema.org/{iri}" if iri else None)
    assert event_kind(found).kind == kind


def test_the_event_type_table_is_lido_term2crm() -> None:
    table = event_types()
    assert len(table) >= 70
    assert table["lido00007"].crm_class == "E12 Production"
    assert table["lido00001"].kind == "acquisition"


@pytest.mark.parametrize(
    ("given", "entity"),
    [
        ("https://www.wikidata.org/wiki/Q2044", "http://www.wikidata.org/entity/Q2044"),
        ("http://d-nb.info/gnd/118514008/about/html", "https://d-nb.info/gnd/118514008"),
        ("https://lobid.org/gnd/118514008.json", "https://d-nb.info/gnd/118514008"),
        ("http://vocab.getty.edu/page/ulan/500015254", "http://vocab.getty.edu/ulan/500015254"),
        ("https://www.geonames.org/3172394/neapel.html", "https://sws.geonames.org/3172394/"),
        ("https://viaf.org/viaf/89840489/", "http://viaf.org/viaf/89840489"),
        ("info:isil/DE-Mb112", "https://ld.zdb-services.de/resource/organisations/DE-Mb112"),
        (
            "https://creativecommons.org/licenses/by/4.0/deed.de",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
        ("https://example.org/thing", "https://example.org/thing"),
    ],
)
def test_authority_page_urls_become_entity_iris(given: str, entity: str) -> None:
    assert normalise_authority(given) == entity


def test_exhibition_use_and_other_events_follow_their_patterns() -> None:
    quads = map_xml(
        """<lido:descriptiveMetadata xml:lang="en"><lido:eventWrap>
        <lido:eventSet><lido:event>
          <lido:eventType><lido:term>exhibition</lido:term></lido:eventType>
          <lido:eventName>
            <lido:appellationValue>Botticelli and Florence</lido:appellationValue>
          </lido:eventName>
          <lido:eventPlace><lido:place>
            <lido:placeID lido:type="URI">https://www.geonames.org/3176959/</lido:placeID>
            <lido:namePlaceSet><lido:appellationValue>Firenze</lido:appellationValue>
            </lido:namePlaceSet>
            <lido:gml><gml:Point><gml:pos>43.77 11.25</gml:pos></gml:Point></lido:gml>
          </lido:place></lido:eventPlace>
        </lido:event></lido:eventSet>
        <lido:eventSet><lido:event>
          <lido:eventType><lido:term>use</lido:term></lido:eventType>
        </lido:event></lido:eventSet>
        <lido:eventSet><lido:event><lido:eventType>
          <lido:conceptID>http://terminology.lido-schema.org/lido00002</lido:conceptID>
        </lido:eventType></lido:event></lido:eventSet>
        </lido:eventWrap></lido:descriptiveMetadata>"""
    )
    obj = f"{BASE}ddb/object/test%2F1"
    exhibition, use, finding = (f"{obj}/event/{n}" for n in (1, 2, 3))
    assert (CRM.P2_has_type.value, f"<{AAT.EXHIBITION.value}>") in about(quads, exhibition)
    assert (CRM.P16_used_specific_object.value, f"<{exhibition}/objects>") in about(
        quads, exhibition
    )
    assert (LA.member_of.value, f"<{exhibition}/objects>") in about(quads, obj)
    assert (CRM.P16i_was_used_for.value, f"<{use}>") in about(quads, obj)
    assert (CRM.P12i_was_present_at.value, f"<{finding}>") in about(quads, obj)
    assert (RDF.type.value, f"<{CRM_NS}E7_Activity>") in about(quads, finding)
    place = f"{BASE}ddb/place/geonames%3A3176959"
    assert (CRM.P7_took_place_at.value, f"<{place}>") in about(quads, exhibition)
    assert (CRM.P168_place_is_defined_by.value, str(Literal("POINT(11.25 43.77)"))) in about(
        quads, place
    )
    assert (LA.equivalent.value, "<https://sws.geonames.org/3176959/>") in about(quads, place)


def test_a_record_that_cannot_be_mapped_says_why() -> None:
    with pytest.raises(MappingError, match="not a LIDO record"):
        LIDO.map(SourceRecord("ddb", "x", b"<a>", "application/xml"), CONTEXT)
    with pytest.raises(MappingError, match="root is <rdf"):
        LIDO.map(SourceRecord("ddb", "x", b"<rdf/>", "application/xml"), CONTEXT)
    with pytest.raises(MappingError, match="no descriptiveMetadata"):
        map_xml("")
    with pytest.raises(MappingError, match="declares a DTD"):
        LIDO.map(
            SourceRecord(
                "ddb", "x", b'<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>', "application/xml"
            ),
            CONTEXT,
        )


def test_a_date_only_a_person_can_read_is_kept_with_a_warning() -> None:
    record = (
        b'<lido:lido xmlns:lido="http://www.lido-schema.org"><lido:lidoRecID>test/2</lido:lidoRecID>'
        b"<lido:descriptiveMetadata><lido:eventWrap><lido:eventSet><lido:event><lido:eventType>"
        b"<lido:term>production</lido:term></lido:eventType><lido:eventDate><lido:displayDate>"
        b"zur Zeit Rudolfs II.</lido:displayDate></lido:eventDate></lido:event></lido:eventSet>"
        b"</lido:eventWrap></lido:descriptiveMetadata></lido:lido>"
    )
    result = LIDO.map(SourceRecord("ddb", "test/2", record, "application/xml"), CONTEXT)
    assert "the date 'zur Zeit Rudolfs II.' has no machine-readable bounds" in result.warnings


@pytest.mark.parametrize(
    ("display", "said", "span"),
    [
        (
            "um 1755",
            "date fields run backwards (1760-01-01 to 1750-12-31); not used, read 'um 1755' "
            "instead",
            ('"1750-01-01T00:00:00Z"', '"1760-12-31T23:59:59Z"'),
        ),
        ("", "date fields run backwards (1760-01-01 to 1750-12-31); not used", None),
    ],
)
def test_dates_that_run_backwards_are_not_published(
    display: str, said: str, span: tuple[str, str] | None
) -> None:
    """earliestDate 1760, latestDate 1750 was published as a time-span that ends before it
    begins, without a word; the display text is read instead, and the partner told."""
    shown = f"<lido:displayDate>{display}</lido:displayDate>" if display else ""
    record = (
        '<lido:lido xmlns:lido="http://www.lido-schema.org"><lido:lidoRecID>test/3</lido:lidoRecID>'
        "<lido:descriptiveMetadata><lido:eventWrap><lido:eventSet><lido:event><lido:eventType>"
        f"<lido:term>production</lido:term></lido:eventType><lido:eventDate>{shown}"
        "<lido:date><lido:earliestDate>1760</lido:earliestDate><lido:latestDate>1750"
        "</lido:latestDate></lido:date></lido:eventDate></lido:event></lido:eventSet>"
        "</lido:eventWrap></lido:descriptiveMetadata></lido:lido>"
    ).encode()
    result = LIDO.map(SourceRecord("ddb", "test/3", record, "application/xml"), CONTEXT)
    assert said in result.warnings
    begins = [
        str(q.object).split("^^")[0]
        for q in result.quads
        if q.predicate == CRM.P82a_begin_of_the_begin
    ]
    ends = [
        str(q.object).split("^^")[0] for q in result.quads if q.predicate == CRM.P82b_end_of_the_end
    ]
    assert (begins, ends) == (([span[0]], [span[1]]) if span else ([], []))


def test_a_date_given_in_two_languages_keeps_both() -> None:
    """Only the first displayDate was kept: "XVIIIe siècle" beside the Arabic was lost."""
    record = (
        '<lido:lido xmlns:lido="http://www.lido-schema.org"><lido:lidoRecID>test/4</lido:lidoRecID>'
        "<lido:descriptiveMetadata><lido:eventWrap><lido:eventSet><lido:event><lido:eventType>"
        "<lido:term>production</lido:term></lido:eventType><lido:eventDate>"
        '<lido:displayDate xml:lang="ar">القرن الثامن عشر</lido:displayDate>'
        '<lido:displayDate xml:lang="fr">XVIIIe siècle</lido:displayDate>'
        "</lido:eventDate></lido:event></lido:eventSet></lido:eventWrap>"
        "</lido:descriptiveMetadata></lido:lido>"
    ).encode()
    result = LIDO.map(SourceRecord("ddb", "test/4", record, "application/xml"), CONTEXT)
    names = {
        (q.object.value, q.object.language)
        for q in result.quads
        if q.predicate == CRM.P190_has_symbolic_content
        and isinstance(q.object, Literal)
        and "/timespan/name" in str(q.subject)
    }
    assert names == {("القرن الثامن عشر", "ar"), ("XVIIIe siècle", "fr")}


def test_unparseable_values_are_warnings_not_failures() -> None:
    result = LIDO.map(
        SourceRecord(
            "ddb",
            "test/1",
            b'<lido:lido xmlns:lido="http://www.lido-schema.org"><lido:lidoRecID>test/1</lido:lidoRecID>'
            b"<lido:descriptiveMetadata><lido:objectIdentificationWrap><lido:objectMeasurementsWrap>"
            b"<lido:objectMeasurementsSet><lido:objectMeasurements><lido:measurementsSet>"
            b"<lido:measurementType>height</lido:measurementType><lido:measurementUnit>cm</lido:measurementUnit>"
            b"<lido:measurementValue>about ten</lido:measurementValue></lido:measurementsSet>"
            b"</lido:objectMeasurements></lido:objectMeasurementsSet></lido:objectMeasurementsWrap>"
            b"</lido:objectIdentificationWrap><lido:eventWrap><lido:eventSet><lido:event><lido:eventType>"
            b"<lido:term>production</lido:term></lido:eventType><lido:eventDate><lido:displayDate>"
            b"um 1600</lido:displayDate><lido:date><lido:earliestDate>um 1600</lido:earliestDate>"
            b"</lido:date></lido:eventDate></lido:event></lido:eventSet></lido:eventWrap>"
            b"</lido:descriptiveMetadata></lido:lido>",
            "application/xml",
        ),
        CONTEXT,
    )
    assert "measurement value 'about ten' is not a number; left out" in result.warnings
    # earliestDate is not a date, but the display text reads as 1595-1605 (circa 1600).
    begins = {
        str(q.object.value)
        for q in result.quads
        if q.predicate.value.endswith("P82a_begin_of_the_begin") and isinstance(q.object, Literal)
    }
    assert begins == {"1595-01-01T00:00:00Z"}
    assert "the record has no title" in result.warnings
    span = NamedNode(f"{BASE}ddb/object/test%2F1/production/timespan")
    assert any(q.subject == span for q in result.quads)  # the text is kept


def test_a_notation_is_one_however_it_is_spaced_and_an_id_alone_is_none() -> None:
    """The term "23 D 42" beside the id "23D42" is the notation too; a concept with an id and
    a search term but no term of its own keeps its id, which is no notation."""
    from lxml import etree

    from mappings.lido.reader import L, concept

    def read(xml: str) -> tuple[list[str], str | None]:
        found = concept(etree.fromstring(f'<lido:c xmlns:lido="{L[1:-1]}">{xml}</lido:c>'))
        return [t.value for t in found.labels], found.notation

    spaced = (
        '<lido:conceptID lido:source="Iconclass">23D42</lido:conceptID>'
        "<lido:term>23 D 42</lido:term>"
        '<lido:term lido:addedSearchTerm="yes">spring</lido:term>'
    )
    assert read(spaced) == (["spring"], "23 D 42")
    bare = (
        "<lido:conceptID>http://vocab.getty.edu/aat/300033618</lido:conceptID>"
        '<lido:term lido:addedSearchTerm="yes">paintings</lido:term>'
    )
    assert read(bare) == ([], None)
