"""Closed vocabularies: every class, property and AAT concept Museion emits, as constants.

A typo here fails at import (``AttributeError``) or in the type checker, never mints a wrong
IRI; ``tests/museion_core/test_vocab.py`` proves each CRM/Linked Art term exists in the official
CIDOC-CRM 7.1.3 RDFS or the Linked Art context, and each AAT term in the Linked Art vocabulary
tables.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

__all__ = [
    "AAT",
    "CRM",
    "DCTERMS",
    "DIG",
    "FOAF",
    "IIIF",
    "LA",
    "MUSEION",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "VOID",
    "XSD",
    "aat",
]

CRM_NS = "http://www.cidoc-crm.org/cidoc-crm/"
LA_NS = "https://linked.art/ns/terms/"
DIG_NS = "http://www.ics.forth.gr/isl/CRMdig/"
AAT_NS = "http://vocab.getty.edu/aat/"
MUSEION_NS = "https://w3id.org/museion/ns#"
UNDEFINED_TERM_NS = "https://w3id.org/museion/ns/undefined-term#"
"""Where a JSON-LD key the document's context does not define is kept (as its ``@vocab``):
expansion would drop it without a word."""
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS_NS = "http://purl.org/dc/terms/"
FOAF_NS = "http://xmlns.com/foaf/0.1/"
PROV_NS = "http://www.w3.org/ns/prov#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
VOID_NS = "http://rdfs.org/ns/void#"
LIDO_TERMS_NS = "http://terminology.lido-schema.org/"
"""LIDO's terminology: its 1.1 event types are ``lido000NN`` under it."""
LINKED_ART_CONTEXT = "https://linked.art/ns/v1/linked-art.json"
"""The Linked Art JSON-LD context, which is also the profile IRI of a Linked Art document."""


def _crm(local: str) -> NamedNode:
    return NamedNode(CRM_NS + local)


def aat(number: str) -> NamedNode:
    """An AAT concept by its number; for numbers that come from data (LIDO, mapping tables)."""
    return NamedNode(AAT_NS + number)


class RDF:
    type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    value = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#value")


class RDFS:
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    comment = NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
    seeAlso = NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")  # noqa: N815


class XSD:
    string = NamedNode("http://www.w3.org/2001/XMLSchema#string")
    dateTime = NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")  # noqa: N815
    date = NamedNode("http://www.w3.org/2001/XMLSchema#date")
    decimal = NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    integer = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    base64Binary = NamedNode("http://www.w3.org/2001/XMLSchema#base64Binary")  # noqa: N815


class SKOS:
    prefLabel = NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")  # noqa: N815
    broader = NamedNode("http://www.w3.org/2004/02/skos/core#broader")
    """Linked Art's ``broader`` (a concept's place in its partner's hierarchy)."""
    notation = NamedNode("http://www.w3.org/2004/02/skos/core#notation")
    """A concept's code in its scheme (Iconclass's "23 D 42"), where a label says what it is."""


class DCTERMS:
    identifier = NamedNode("http://purl.org/dc/terms/identifier")
    source = NamedNode("http://purl.org/dc/terms/source")
    title = NamedNode("http://purl.org/dc/terms/title")
    modified = NamedNode("http://purl.org/dc/terms/modified")
    created = NamedNode("http://purl.org/dc/terms/created")
    format = NamedNode("http://purl.org/dc/terms/format")
    publisher = NamedNode("http://purl.org/dc/terms/publisher")
    isReplacedBy = NamedNode("http://purl.org/dc/terms/isReplacedBy")  # noqa: N815
    replaces = NamedNode("http://purl.org/dc/terms/replaces")
    isReferencedBy = NamedNode("http://purl.org/dc/terms/isReferencedBy")  # noqa: N815
    conformsTo = NamedNode("http://purl.org/dc/terms/conformsTo")  # noqa: N815


class IIIF:
    """The IIIF specifications a digital object or service conforms to (Linked Art's pattern)."""

    IMAGE_API = NamedNode("http://iiif.io/api/image")
    PRESENTATION_API = NamedNode("http://iiif.io/api/presentation")


class FOAF:
    primaryTopic = NamedNode("http://xmlns.com/foaf/0.1/primaryTopic")  # noqa: N815


class PROV:
    Activity = NamedNode("http://www.w3.org/ns/prov#Activity")
    Entity = NamedNode("http://www.w3.org/ns/prov#Entity")
    used = NamedNode("http://www.w3.org/ns/prov#used")
    wasGeneratedBy = NamedNode("http://www.w3.org/ns/prov#wasGeneratedBy")  # noqa: N815
    wasInvalidatedBy = NamedNode("http://www.w3.org/ns/prov#wasInvalidatedBy")  # noqa: N815
    startedAtTime = NamedNode("http://www.w3.org/ns/prov#startedAtTime")  # noqa: N815
    endedAtTime = NamedNode("http://www.w3.org/ns/prov#endedAtTime")  # noqa: N815
    wasDerivedFrom = NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")  # noqa: N815


class OWL:
    """OWL's axiom annotation: the standard way to say things about one triple."""

    Axiom = NamedNode("http://www.w3.org/2002/07/owl#Axiom")
    annotatedSource = NamedNode("http://www.w3.org/2002/07/owl#annotatedSource")  # noqa: N815
    annotatedProperty = NamedNode("http://www.w3.org/2002/07/owl#annotatedProperty")  # noqa: N815
    annotatedTarget = NamedNode("http://www.w3.org/2002/07/owl#annotatedTarget")  # noqa: N815


class VOID:
    Dataset = NamedNode("http://rdfs.org/ns/void#Dataset")
    inDataset = NamedNode("http://rdfs.org/ns/void#inDataset")  # noqa: N815


class MUSEION:
    """Museion's own terms, for bookkeeping the standard vocabularies do not cover."""

    RecordGraph = NamedNode(MUSEION_NS + "RecordGraph")
    QuarantinedRecord = NamedNode(MUSEION_NS + "QuarantinedRecord")
    Source = NamedNode(MUSEION_NS + "Source")
    reason = NamedNode(MUSEION_NS + "reason")
    origin = NamedNode(MUSEION_NS + "origin")
    payload = NamedNode(MUSEION_NS + "payload")
    checksum = NamedNode(MUSEION_NS + "checksum")
    partner = NamedNode(MUSEION_NS + "partner")
    mapping = NamedNode(MUSEION_NS + "mapping")
    recordKind = NamedNode(MUSEION_NS + "recordKind")  # noqa: N815
    Tombstone = NamedNode(MUSEION_NS + "Tombstone")
    """An entity whose record was withdrawn: its IRI answers 410 Gone. The tombstone's subject
    is the withdrawn entity's IRI; it lives in the metadata graph."""
    deletedAt = NamedNode(MUSEION_NS + "deletedAt")  # noqa: N815
    recordGraph = NamedNode(MUSEION_NS + "recordGraph")  # noqa: N815
    datestamp = NamedNode(MUSEION_NS + "datestamp")
    """The partner's own datestamp of a record (OAI-PMH header, file time)."""
    HarvestRun = NamedNode(MUSEION_NS + "HarvestRun")
    outcome = NamedNode(MUSEION_NS + "outcome")
    lastRun = NamedNode(MUSEION_NS + "lastRun")  # noqa: N815
    recordsRead = NamedNode(MUSEION_NS + "recordsRead")  # noqa: N815
    recordsNew = NamedNode(MUSEION_NS + "recordsNew")  # noqa: N815
    recordsChanged = NamedNode(MUSEION_NS + "recordsChanged")  # noqa: N815
    recordsUnchanged = NamedNode(MUSEION_NS + "recordsUnchanged")  # noqa: N815
    recordsDeleted = NamedNode(MUSEION_NS + "recordsDeleted")  # noqa: N815
    recordsQuarantined = NamedNode(MUSEION_NS + "recordsQuarantined")  # noqa: N815
    providerId = NamedNode(MUSEION_NS + "providerId")  # noqa: N815
    """The identifier the source's protocol knows a record graph's record by (the OAI-PMH
    header identifier); a deletion names the record by it."""
    # reconciliation
    Aggregate = NamedNode(MUSEION_NS + "Aggregate")
    """An entity Museion made by reconciling partners' entities (``{base}person/{id}``);
    ``la:equivalent`` links it to each partner entity and authority record it stands for."""
    aggregate = NamedNode(MUSEION_NS + "aggregate")
    """The concept an aggregate is ``crm:P2_has_type`` (Linked Art ``classified_as``): how its
    own description says it is an aggregate, since a Linked Art node has one ``type``."""
    ReconciliationLink = NamedNode(MUSEION_NS + "ReconciliationLink")
    """Why an aggregate is ``la:equivalent`` to a partner entity: an ``owl:Axiom`` annotating
    that triple with the method, score and evidence."""
    method = NamedNode(MUSEION_NS + "method")
    """``authority``, ``override``, ``matcher`` or ``single`` (the entity matched nothing)."""
    score = NamedNode(MUSEION_NS + "score")
    evidence = NamedNode(MUSEION_NS + "evidence")
    authority = NamedNode(MUSEION_NS + "authority")
    """The authority record a link was made by (method ``authority``)."""
    matchedWith = NamedNode(MUSEION_NS + "matchedWith")  # noqa: N815
    """The partner entity a matcher or override link was made with."""
    graph = NamedNode(MUSEION_NS + "graph")
    """The JSON-LD profile of an entity's Linked Art document that keeps every embedded node's
    ``id`` (``{object}/production``), so it parses to exactly the entity's triples; the default
    Linked Art profile writes embedded nodes without ``id``, as the API schemas require."""
    Redirect = NamedNode(MUSEION_NS + "Redirect")
    """A retired aggregate IRI (merged into another, or split): ``dcterms:isReplacedBy`` says
    where it went; the endpoint answers 308 (one replacement) or 300 (several)."""


class CRM:
    """CIDOC-CRM 7.1.3 terms (plus the Linked Art ``E33_E41`` class) that mappings emit."""

    E6_Destruction = _crm("E6_Destruction")
    E7_Activity = _crm("E7_Activity")
    E8_Acquisition = _crm("E8_Acquisition")
    E9_Move = _crm("E9_Move")
    E10_Transfer_of_Custody = _crm("E10_Transfer_of_Custody")
    E11_Modification = _crm("E11_Modification")
    E12_Production = _crm("E12_Production")
    E13_Attribute_Assignment = _crm("E13_Attribute_Assignment")
    E21_Person = _crm("E21_Person")
    E22_Human_Made_Object = _crm("E22_Human-Made_Object")
    E30_Right = _crm("E30_Right")
    E31_Document = _crm("E31_Document")
    E33_Linguistic_Object = _crm("E33_Linguistic_Object")
    E33_E41_Linguistic_Appellation = _crm("E33_E41_Linguistic_Appellation")
    E36_Visual_Item = _crm("E36_Visual_Item")
    E39_Actor = _crm("E39_Actor")
    E42_Identifier = _crm("E42_Identifier")
    E52_Time_Span = _crm("E52_Time-Span")
    E53_Place = _crm("E53_Place")
    E54_Dimension = _crm("E54_Dimension")
    E55_Type = _crm("E55_Type")
    E56_Language = _crm("E56_Language")
    E57_Material = _crm("E57_Material")
    E58_Measurement_Unit = _crm("E58_Measurement_Unit")
    E65_Creation = _crm("E65_Creation")
    E66_Formation = _crm("E66_Formation")
    E67_Birth = _crm("E67_Birth")
    E68_Dissolution = _crm("E68_Dissolution")
    E69_Death = _crm("E69_Death")
    E74_Group = _crm("E74_Group")
    E78_Curated_Holding = _crm("E78_Curated_Holding")

    P1_is_identified_by = _crm("P1_is_identified_by")
    P2_has_type = _crm("P2_has_type")
    P4_has_time_span = _crm("P4_has_time-span")
    P7_took_place_at = _crm("P7_took_place_at")
    P9_consists_of = _crm("P9_consists_of")
    P9i_forms_part_of = _crm("P9i_forms_part_of")
    P12i_was_present_at = _crm("P12i_was_present_at")
    P13i_was_destroyed_by = _crm("P13i_was_destroyed_by")
    P14_carried_out_by = _crm("P14_carried_out_by")
    P15_was_influenced_by = _crm("P15_was_influenced_by")
    P16_used_specific_object = _crm("P16_used_specific_object")
    P16i_was_used_for = _crm("P16i_was_used_for")
    P22_transferred_title_to = _crm("P22_transferred_title_to")
    P23_transferred_title_from = _crm("P23_transferred_title_from")
    P24_transferred_title_of = _crm("P24_transferred_title_of")
    P24i_changed_ownership_through = _crm("P24i_changed_ownership_through")
    P25i_moved_by = _crm("P25i_moved_by")
    P30i_custody_transferred_through = _crm("P30i_custody_transferred_through")
    P31i_was_modified_by = _crm("P31i_was_modified_by")
    P32_used_general_technique = _crm("P32_used_general_technique")
    P43_has_dimension = _crm("P43_has_dimension")
    P45_consists_of = _crm("P45_consists_of")
    P46_is_composed_of = _crm("P46_is_composed_of")
    P46i_forms_part_of = _crm("P46i_forms_part_of")
    P50_has_current_keeper = _crm("P50_has_current_keeper")
    P52_has_current_owner = _crm("P52_has_current_owner")
    P55_has_current_location = _crm("P55_has_current_location")
    P65_shows_visual_item = _crm("P65_shows_visual_item")
    P67i_is_referred_to_by = _crm("P67i_is_referred_to_by")
    P70i_is_documented_in = _crm("P70i_is_documented_in")
    P72_has_language = _crm("P72_has_language")
    P75i_is_possessed_by = _crm("P75i_is_possessed_by")
    P82a_begin_of_the_begin = _crm("P82a_begin_of_the_begin")
    P82b_end_of_the_end = _crm("P82b_end_of_the_end")
    P89_falls_within = _crm("P89_falls_within")
    P90_has_value = _crm("P90_has_value")
    P91_has_unit = _crm("P91_has_unit")
    P94i_was_created_by = _crm("P94i_was_created_by")
    P95i_was_formed_by = _crm("P95i_was_formed_by")
    P98i_was_born = _crm("P98i_was_born")
    P99i_was_dissolved_by = _crm("P99i_was_dissolved_by")
    P100i_died_in = _crm("P100i_died_in")
    P104_is_subject_to = _crm("P104_is_subject_to")
    P107i_is_current_or_former_member_of = _crm("P107i_is_current_or_former_member_of")
    P108i_was_produced_by = _crm("P108i_was_produced_by")
    P126_employed = _crm("P126_employed")
    P128_carries = _crm("P128_carries")
    P129_is_about = _crm("P129_is_about")
    P129i_is_subject_of = _crm("P129i_is_subject_of")
    P130_shows_features_of = _crm("P130_shows_features_of")
    P138_represents = _crm("P138_represents")
    P138i_has_representation = _crm("P138i_has_representation")
    P168_place_is_defined_by = _crm("P168_place_is_defined_by")
    P140i_was_attributed_by = _crm("P140i_was_attributed_by")
    P141_assigned = _crm("P141_assigned")
    P141i_was_assigned_by = _crm("P141i_was_assigned_by")
    P177_assigned_property_of_type = _crm("P177_assigned_property_of_type")
    P199_represents_instance_of_type = _crm("P199_represents_instance_of_type")
    """Not in CIDOC-CRM 7.1.3's RDFS; Linked Art's ``represents_instance_of_type``."""
    P190_has_symbolic_content = _crm("P190_has_symbolic_content")


class LA:
    """Linked Art extension terms (``https://linked.art/ns/terms/``)."""

    Set = NamedNode(LA_NS + "Set")
    equivalent = NamedNode(LA_NS + "equivalent")
    access_point = NamedNode(LA_NS + "access_point")
    digitally_shown_by = NamedNode(LA_NS + "digitally_shown_by")
    digitally_carried_by = NamedNode(LA_NS + "digitally_carried_by")
    member_of = NamedNode(LA_NS + "member_of")
    digitally_available_via = NamedNode(LA_NS + "digitally_available_via")
    DigitalService = NamedNode(LA_NS + "DigitalService")


class DIG:
    D1_Digital_Object = NamedNode(DIG_NS + "D1_Digital_Object")


class AAT:
    """The Getty AAT concepts Museion's own code refers to by meaning."""

    # names and identifiers
    PRIMARY_NAME = aat("300404670")
    ALTERNATE_NAME = aat("300264273")
    DISPLAY_NAME = aat("300404669")
    """AAT "display information": the name of a time-span as the partner wrote it."""
    TRANSLATED_TITLE = aat("300417194")
    SORT_NAME = aat("300451544")
    ACCESSION_NUMBER = aat("300312355")
    LOCAL_NUMBER = aat("300404621")
    SYSTEM_NUMBER = aat("300435704")
    # classification meta-types
    TYPE_OF_WORK = aat("300435443")
    BRIEF_TEXT = aat("300418049")
    NATIONALITY = aat("300379842")
    GENDER = aat("300055147")
    # statements
    MATERIAL_STATEMENT = aat("300435429")
    DIMENSION_STATEMENT = aat("300435430")
    DESCRIPTION = aat("300435416")
    CREDIT_LINE = aat("300026687")
    RIGHTS_STATEMENT = aat("300435434")
    PROVENANCE_STATEMENT = aat("300435438")
    BIBLIOGRAPHY = aat("300026497")
    """A bibliography statement: literature about the object (Linked Art's citation text)."""
    INSCRIPTION = aat("300435414")
    INSCRIPTIONS = aat("300028702")
    """The inscription itself (a text an object carries), as opposed to INSCRIPTION, a
    statement describing one."""
    PRODUCTION_STATEMENT = aat("300435436")
    PHYSICAL_STATEMENT = aat("300435452")
    """Linked Art's physical description: marks, damage, repairs (Object ID's distinguishing
    features)."""
    ACQUISITION_STATEMENT = aat("300435439")
    RECORD = aat("300438434")
    """A catalogue record (AAT "Entry or Record"): the partner's record about an object."""
    # digital things
    WEB_PAGE = aat("300264578")
    DIGITAL_IMAGE = aat("300215302")
    # dimensions and units
    HEIGHT = aat("300055644")
    WIDTH = aat("300055647")
    DEPTH = aat("300072633")
    DIAMETER = aat("300055624")
    WEIGHT = aat("300056240")
    LENGTH = aat("300055645")
    THICKNESS = aat("300055646")
    MILLIMETRES = aat("300379097")
    CENTIMETRES = aat("300379098")
    METRES = aat("300379099")
    INCHES = aat("300379100")
    FEET = aat("300379101")
    GRAMS = aat("300379225")
    KILOGRAMS = aat("300379226")
    POUNDS = aat("300379254")
    OUNCES = aat("300379229")
    COMPUTER_GENERATED = aat("300202389")
    """Marks what Museion computed rather than a partner stated (a dimension in centimetres)."""
    # parts of objects
    PART_TYPE = aat("300241583")
    FRAME = aat("300404391")
    MOUNT = aat("300131087")
    BASE = aat("300001656")
    SUPPORT = aat("300014844")
    OBVERSE = aat("300078814")
    REVERSE = aat("300078820")
    # sets, activities, roles
    COLLECTION = aat("300025976")
    EXHIBITION = aat("300054766")
    ARTIST = aat("300025103")
    POSSIBLY = aat("300435722")
    PROVENANCE_ACTIVITY = aat("300055863")
    STYLE = aat("300015646")
    """AAT "styles and periods": what kind of type a movement (Tate's "Origine group") is."""
    GIFT = aat("300417637")
    PURCHASE = aat("300077989")
    PROBABLY = aat("300435721")
