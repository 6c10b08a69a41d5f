"""A checklist's rows and what is made of them (page, loan list, CSV, XLSX), from real partner
records: the demo's Tate and CMOA records, mapped into a store in memory."""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from typing import Any

import openpyxl
import pytest
from lxml import html
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Store

import mappings
from harvesters import SourceRecord
from mappings import get_mapping
from mappings.base import MappingContext
from museion_core.vocab import AAT, CRM, RDF, RDFS, XSD
from sparql import i18n
from sparql.checklists import Checklist, Fields, Item, plan
from sparql.checklists.exports import HEADER, csv_bytes, row_values, xlsx_bytes
from sparql.checklists.planning import light_concepts_of
from sparql.checklists.rows import CURRENT, read_rows
from sparql.pages import templates
from tests.helpers.samples import example
from tests.mappings.test_lido import map_xml

BASE = "https://data.example.org/"
SUPPLY_ROOM = BASE + "tate/object/T13177"  # six supports, no sizes of its own
EACH = BASE + "tate/object/P79233"  # "support, each: 658 x 459 mm"
BULLFIGHT = BASE + "tate/object/T06803"  # support and frame, on two lines at Tate
CMOA = BASE + "cmoa/object/f70d03e3-0fe7-4f6a-a430-ddced6d09d82"  # inches, no statement
CMOA_DEEP = BASE + "cmoa/object/00bacd95-2493-40a0-b765-5947ce4ba8ee"  # 22 × 6.5 × 1.5 in
RECORDS = [
    ("tate", "artworks/t13177-103782.json"),
    ("tate", "artworks/p79233-90775.json"),
    ("tate", "artworks/t06803-20854.json"),
    ("cmoa", "f70d03e3-0fe7-4f6a-a430-ddced6d09d82.json"),
    ("cmoa", "00bacd95-2493-40a0-b765-5947ce4ba8ee.json"),
]


@cache
def _store() -> Store:
    store = Store()
    for source, relative in RECORDS:
        record = json.loads(example(f"{source}/{relative}").read_bytes())
        mapping = get_mapping(source)
        payload = SourceRecord(source, mapping.identify(record), json.dumps(record).encode())
        result = mapping.map(payload, MappingContext(BASE, source))
        # the published store answers over the union of its record graphs
        store.extend(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in result.quads)
    return store


def _fields(iri: str) -> Fields:
    status, fields, _ = read_rows(_store(), [iri])[iri]
    assert status == CURRENT
    assert fields is not None
    return fields


def _checklist(*iris: str) -> Checklist:
    checklist = Checklist("c", "Supply", 60.0, "", "")
    checklist.items = [
        Item(iri, n, "", "2026-01-01", CURRENT, _fields(iri), "2026-01-01")
        for n, iri in enumerate(iris, 1)
    ]
    return checklist


def _page(checklist: Checklist, lang: str) -> html.HtmlElement:
    text = i18n.render(
        templates().get_template("checklist.html"),
        lang,
        c=checklist,
        plan=plan(checklist),
        light={item.iri: light_concepts_of(item) for item in checklist.items},
        can_write=False,
        href=lambda iri: iri,
        static="/static",
    )
    return html.fromstring(text)


def _item(doc: html.HtmlElement, iri: str) -> html.HtmlElement:
    [item] = [li for li in doc.cssselect("li.item") if li.get("data-iri") == iri]
    return item


def _csv(checklist: Checklist, lang: str = "en") -> list[dict[str, str]]:
    text = csv_bytes(checklist, lang).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";" if lang == "fr" else ","))


def _xlsx(checklist: Checklist) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(checklist))).active
    assert sheet is not None
    heads = [str(c.value) for c in sheet[1]]
    return [dict(zip(heads, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def _text(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_a_work_in_several_parts_is_measured_by_its_parts() -> None:
    """Tate measures "SUPPLY ROOM" by its six supports and P79233 by "support, each": the
    checklist said "No dimensions", left Height/Width blank in the exports and the loan list,
    and the wall length did not count them, though the object page gave their sizes."""
    supply, each, bullfight = _fields(SUPPLY_ROOM), _fields(EACH), _fields(BULLFIGHT)
    # the widest of the six supports (1608 x 1417 mm) stands for the work
    assert (supply.height_cm, supply.width_cm) == (160.8, 141.7)
    assert (supply.dimensions_of, supply.parts_measured) == ("support", 6)
    assert (each.height_cm, each.width_cm) == (65.8, 45.9)
    assert (each.dimensions_of, each.parts_measured) == ("support, each", 1)
    # an object with sizes of its own keeps them; its frame is still what the wall holds
    assert (bullfight.height_cm, bullfight.width_cm, bullfight.framed_width_cm) == (
        48.0,
        62.3,
        79.2,
    )
    assert bullfight.dimensions_of == ""
    checklist = _checklist(SUPPLY_ROOM, EACH, BULLFIGHT)
    p = plan(checklist)
    assert (p.widths_counted, p.without_width) == (3, 0)
    assert p.wall_cm == pytest.approx(141.7 + 45.9 + 79.2 + 2 * 60.0)
    assert "no-dimensions" not in {w.kind for w in p.warnings}
    doc = _page(checklist, "en")
    assert _text(_item(doc, SUPPLY_ROOM).cssselect("dd.dims")[0]).startswith(
        "support: 160.8 × 141.7 cm (the widest of 6 parts) as the lender gives it: "
    )
    assert _text(_item(doc, EACH).cssselect("dd.dims")[0]).startswith(
        "support, each: 65.8 × 45.9 cm as the lender gives it: "
    )
    assert _text(_item(doc, BULLFIGHT).cssselect("dd.dims")[0]).startswith(
        "48 × 62.3 cm as the lender gives it: "
    )
    assert "la plus large des 6 parties" in _text(
        _item(_page(checklist, "fr"), SUPPLY_ROOM).cssselect("dd.dims")[0]
    )
    rows = {row["Museion IRI"]: row for row in _csv(checklist)}
    assert (rows[SUPPLY_ROOM]["Height (cm)"], rows[SUPPLY_ROOM]["Width (cm)"]) == (
        "160.8",
        "141.7",
    )
    assert _xlsx(checklist)[1]["Width (cm)"].value == 45.9
    loans = i18n.render(
        templates().get_template("checklist_loans.html"),
        "en",
        c=checklist,
        lenders={"Tate": list(enumerate(checklist.items, start=1))},
        static="/static",
    )
    cells = html.fromstring(loans).cssselect('td[data-label="Dimensions"]')
    assert _text(cells[1]) == (
        "support, each: 65.8 × 45.9 cm as the lender gives it: support, each: 658 x 459 mm"
    )


def test_dimensions_as_given_are_the_lender_s_own_figures_and_cm_are_rounded() -> None:
    """CMOA states no dimensions, only figures in inches: "Dimensions (as given)" was empty,
    and the centimetres were exported as 48.895 and 14.9225."""
    assert _fields(CMOA).dimensions == "19.25 × 14.25 in"
    assert _fields(CMOA_DEEP).dimensions == "22 × 6.5 × 1.5 in"
    checklist = _checklist(CMOA, CMOA_DEEP)
    first, deep = _csv(checklist)
    assert first["Dimensions (as given)"] == "19.25 × 14.25 in"
    assert (first["Height (cm)"], first["Width (cm)"]) == ("48.9", "36.2")
    assert deep["Depth (cm)"] == "3.8"  # 3.81
    sheet = _xlsx(checklist)
    assert sheet[0]["Height (cm)"].value == 48.9  # a number still
    assert sheet[0]["Dimensions (as given)"].value == "19.25 × 14.25 in"


def test_the_json_api_gives_centimetres_to_a_millimetre_as_the_exports_do() -> None:
    """The JSON gave 48.895 where the page and the exports give 48.9; the checklist's own
    storage keeps what the store read."""
    fields = _fields(CMOA_DEEP)
    assert fields.depth_cm == pytest.approx(3.81)
    shown = fields.public_json()
    assert (shown["height_cm"], shown["width_cm"], shown["depth_cm"]) == (55.9, 16.5, 3.8)
    assert fields.to_json()["depth_cm"] == pytest.approx(3.81)


def test_materials_without_a_statement_are_named_in_the_readers_language() -> None:
    """A LIDO fountain of marble states no material text: its checklist row said "marble
    (rock)" on a French or Arabic page and in their exports, where its object page said
    "marbre" and "رخام"."""
    quads = map_xml(
        """<lido:descriptiveMetadata xml:lang="en"><lido:objectIdentificationWrap>
        <lido:titleWrap><lido:titleSet><lido:appellationValue>Fountain</lido:appellationValue>
        </lido:titleSet></lido:titleWrap>
        <lido:objectMaterialsTechWrap><lido:objectMaterialsTechSet><lido:materialsTech>
          <lido:termMaterialsTech>
            <lido:conceptID lido:type="URI">http://vocab.getty.edu/aat/300011443</lido:conceptID>
            <lido:term>marble</lido:term>
          </lido:termMaterialsTech>
        </lido:materialsTech></lido:objectMaterialsTechSet></lido:objectMaterialsTechWrap>
        </lido:objectIdentificationWrap></lido:descriptiveMetadata>"""
    )
    store = Store()
    vocabulary = mappings.vocabulary_quads(NamedNode(BASE + "vocabulary"))
    store.extend(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)
    store.extend(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in vocabulary)
    iri = BASE + "ddb/object/test%2F1"
    _status, fields, _gone = read_rows(store, [iri])[iri]
    assert fields is not None
    assert not fields.medium
    assert fields.materials_in("en") == ["marble"]
    assert fields.materials_in("fr") == ["marbre"]
    assert fields.materials_in("ar") == ["رخام"]
    checklist = Checklist("c", "Fountains", 60.0, "", "")
    checklist.items = [Item(iri, 1, "", "2026-01-01", CURRENT, fields, "2026-01-01")]
    french = row_values(checklist, "fr")[0]
    assert french[HEADER.index("Materials")] == "marbre"
    assert row_values(checklist)[0][HEADER.index("Materials")] == "marble"
    page = _page(checklist, "ar")
    assert "رخام" in "".join(str(t) for t in page.itertext())
    # a label in another language than the page's is marked as such
    assert fields.materials_shown("ar") == [("رخام", "ar")]
    assert fields.materials_shown("ja") == [("marble", "en")]  # none in Japanese
    page = _page(checklist, "fr")
    assert any(span.text == "marbre" and span.get("lang") == "fr" for span in page.iter("span"))
    # a row stored before the labels were kept reads as it did
    old = Fields.from_json({**fields.to_json(), "material_labels": []})
    assert old.materials_in("fr") == ["marble"]


def test_a_statement_on_several_lines_keeps_a_line_per_part() -> None:
    """Tate's "support: 480 x 623 mm" and "frame: 928 x 792 x 32 mm" are two lines; the
    checklist ran them together ("...623 mm frame: 928...") on the page and in the exports."""
    bullfight = _fields(BULLFIGHT)
    assert bullfight.dimensions == "support: 480 x 623 mm\nframe: 928 x 792 x 32 mm"
    assert _fields(SUPPLY_ROOM).dimensions.splitlines()[2] == "support: 1608 x 1417 mm"
    assert _fields(EACH).dimensions == "support, each: 658 x 459 mm"  # one part, one line
    checklist = _checklist(BULLFIGHT)
    [row] = _csv(checklist)
    assert row["Dimensions (as given)"] == "support: 480 x 623 mm; frame: 928 x 792 x 32 mm"
    [cells] = _xlsx(checklist)
    given = cells["Dimensions (as given)"]
    assert given.value == "support: 480 x 623 mm\nframe: 928 x 792 x 32 mm"
    assert given.alignment.wrap_text
    [span] = _page(checklist, "en").cssselect("dd.dims .given span")
    assert [str(t) for t in span.itertext()] == [
        "support: 480 x 623 mm",
        "frame: 928 x 792 x 32 mm",
    ]
    assert span.cssselect("br")


def test_a_partner_s_words_keep_their_own_direction_on_an_arabic_page() -> None:
    """On /checklists/ID?lang=ar the materials read "...printed papers 6", the image rights
    "Succession Picasso/DACS 2014 ©", and the dimension text broke its brackets: the fields
    were laid out right to left as if they were Arabic."""
    doc = _page(_checklist(SUPPLY_ROOM, BULLFIGHT), "ar")
    fields = {
        _text(dt): dt.getnext()
        for dt in _item(doc, BULLFIGHT).cssselect("dl.fields dt")
        if dt.getnext() is not None
    }
    labels = {i18n.translate(k, "ar"): k for k in ("Materials", "Image rights", "Lender")}
    by_name = {labels[k]: v for k, v in fields.items() if k in labels}
    # the lender's statement of the medium, with the materials named under it
    [medium] = by_name["Materials"].xpath("./span")
    for name, said in (("Materials", medium), ("Image rights", by_name["Image rights"])):
        assert (said.get("lang"), said.get("dir")) == ("en", "auto"), name
    assert by_name["Image rights"].text == "© Succession Picasso/DACS 2014"
    assert by_name["Lender"].cssselect("bdi")  # isolated from the Arabic around it
    [given] = _item(doc, BULLFIGHT).cssselect("dd.dims .given span")
    assert (given.get("lang"), given.get("dir")) == ("en", "auto")
    [materials] = [
        span
        for span in _item(doc, SUPPLY_ROOM).cssselect("dl.fields dd.materials > span")
        if span.text == "6 works on paper, photographs, ink and printed papers"
    ]
    assert (materials.get("lang"), materials.get("dir")) == ("en", "auto")


@pytest.mark.parametrize(
    ("lang", "paper"),
    [("en", "paper"), ("fr", "papier"), ("ar", "ورق")],
)
def test_light_sensitive_materials_are_named_in_the_reader_s_language(
    lang: str, paper: str
) -> None:
    """Search facets and object pages say "papier" and "ورق"; the checklist said "paper
    (fiber product), prints (visual works)" on French and Arabic pages."""
    doc = _page(_checklist(BULLFIGHT), lang)
    [flag] = _item(doc, BULLFIGHT).cssselect("dd.flag-light")
    spans = {span.text: span.get("lang") for span in flag.cssselect("span")}
    assert spans[paper] == lang
    warned = {span.text for span in doc.cssselect("li.warning-light span span")}
    assert paper in warned


def test_the_page_punctuates_as_the_reader_s_language_does() -> None:
    """The object page writes "selon le prêteur :" (a narrow no-break space before the
    colon) and joins an Arabic list with "،"; the checklist wrote ":" and ", " in both."""
    page = _page(_checklist(BULLFIGHT), "fr")
    french = _item(page, BULLFIGHT).cssselect("dd.dims")[0].text_content()
    assert "selon le prêteur\u202f: " in french
    arabic = _page(_checklist(BULLFIGHT), "ar")
    [warning] = arabic.cssselect("li.warning-light")
    assert "، " in warning.text_content()
    assert ", " not in warning.text_content()
    [lender] = _item(arabic, BULLFIGHT).cssselect("dd.lender")
    assert lender.text_content().endswith("، T06803")  # after the lender, in Arabic


class _CountingStore:
    """The test store, with the text of every query asked of it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.queries: list[str] = []

    def query(self, text: str) -> Any:
        self.queries.append(text)
        return self.store.query(text)


def test_an_object_s_parts_are_asked_for_once_per_chunk() -> None:
    """The centimetres (``_dimensions``) and the lender's own figures and part labels
    (``_dimensions_as_given``) each asked the store for the objects' parts and sizes: two
    queries over the same parts for every chunk of a checklist."""
    counting = _CountingStore(_store())
    answers = read_rows(counting, [SUPPLY_ROOM, EACH, BULLFIGHT, CMOA, CMOA_DEEP])
    parts = [q for q in counting.queries if CRM.P46_is_composed_of.value in q]
    sizes = [q for q in counting.queries if CRM.P43_has_dimension.value in q]
    assert (len(parts), len(sizes)) == (1, 2)  # the parts', and the objects' own
    assert answers[SUPPLY_ROOM][1] == _fields(SUPPLY_ROOM)
    assert answers[CMOA_DEEP][1] == _fields(CMOA_DEEP)


def test_a_part_without_sizes_takes_no_other_object_s_sizes() -> None:
    """The lender's figures were read with an OPTIONAL after the parts: a part measured by
    nothing matched every dimension in the store, and an object with no statement was given
    "frame: 99 cm", another object's height."""
    store = Store()
    vase, other = BASE + "x/object/vase", BASE + "x/object/other"
    frame, own, far = BASE + "x/frame", BASE + "x/vase-height", BASE + "x/other-height"

    def add(s: str, p: NamedNode, o: NamedNode | Literal) -> None:
        store.add(Quad(NamedNode(s), p, o, DefaultGraph()))

    for obj in (vase, other):
        add(obj, RDF.type, CRM.E22_Human_Made_Object)
    add(vase, CRM.P46_is_composed_of, NamedNode(frame))
    add(frame, RDFS.label, Literal("frame"))
    for obj, dimension, value, unit in (
        (vase, own, "10", AAT.INCHES),
        (other, far, "99", AAT.CENTIMETRES),
    ):
        add(obj, CRM.P43_has_dimension, NamedNode(dimension))
        add(dimension, CRM.P2_has_type, AAT.HEIGHT)
        add(dimension, CRM.P90_has_value, Literal(value, datatype=XSD.decimal))
        add(dimension, CRM.P91_has_unit, unit)
    fields = read_rows(store, [vase])[vase][1]
    assert fields is not None
    assert fields.dimensions == "10 in"
    assert (fields.height_cm, fields.dimensions_of) == (None, "")


_PLATE_AND_SHEET = """<lido:descriptiveMetadata xml:lang="de"><lido:objectIdentificationWrap>
<lido:titleWrap><lido:titleSet><lido:appellationValue>Bildnis des Camille Falconet
</lido:appellationValue></lido:titleSet></lido:titleWrap>
<lido:objectMeasurementsWrap>{sets}</lido:objectMeasurementsWrap>
</lido:objectIdentificationWrap></lido:descriptiveMetadata>"""
_SET = """<lido:objectMeasurementsSet>
<lido:displayObjectMeasurements>Höhe x Breite: {h} x {w} mm ({extent})
</lido:displayObjectMeasurements>
<lido:displayObjectMeasurements xml:lang="en">{h} x {w} mm</lido:displayObjectMeasurements>
<lido:objectMeasurements><lido:measurementsSet><lido:measurementType>Höhe x Breite
</lido:measurementType><lido:measurementUnit>mm</lido:measurementUnit>
<lido:measurementValue>{h} x {w}</lido:measurementValue></lido:measurementsSet>
<lido:extentMeasurements>{extent}</lido:extentMeasurements></lido:objectMeasurements>
</lido:objectMeasurementsSet>"""


def test_every_set_of_figures_the_lender_states_is_a_line_of_the_dimensions_as_given() -> None:
    """An LWL print in the DDB's LIDO is measured twice, the plate (205 x 149 mm) and the
    sheet (216 x 164 mm). Its row said only the plate's statement beside the sheet's
    centimetres (21.6 × 16.4 cm): the registrar read figures the statement contradicted. Each
    statement is a line, in the lender's order (the tenth after the second), once, in the
    language of the first."""
    sizes = [(205, 149, "Platte"), (216, 164, "Blatt")]
    sizes += [(100 + n, 50 + n, f"Teil {n}") for n in range(3, 11)]
    sets = "".join(_SET.format(h=h, w=w, extent=extent) for h, w, extent in sizes)
    store = Store()
    store.extend(
        Quad(q.subject, q.predicate, q.object, DefaultGraph())
        for q in map_xml(_PLATE_AND_SHEET.format(sets=sets), "test/print")
    )
    iri = BASE + "ddb/object/test%2Fprint"
    status, fields, _ = read_rows(store, [iri])[iri]
    assert status == CURRENT
    assert fields is not None
    assert fields.dimensions.splitlines() == [
        f"Höhe x Breite: {h} x {w} mm ({extent})" for h, w, extent in sizes
    ]
    assert fields.langs["dimensions"] == "de"
    assert (fields.height_cm, fields.width_cm) == (21.6, 16.4)


_IMAGE_RIGHTS = """<lido:administrativeMetadata xml:lang="de"><lido:resourceWrap><lido:resourceSet>
<lido:resourceRepresentation lido:type="http://terminology.lido-schema.org/lido00464">
<lido:linkResource>http://www.bildindex.de/bilder/d/lwl-c567588pad</lido:linkResource>
</lido:resourceRepresentation>
<lido:rightsResource><lido:rightsType>
<lido:conceptID lido:type="URI">http://www.europeana.eu/rights/rr-f/</lido:conceptID>
<lido:term lido:pref="preferred">http://www.europeana.eu/rights/rr-f/</lido:term>
</lido:rightsType><lido:rightsHolder><lido:legalBodyName><lido:appellationValue>
LWL-Landesmuseum für Kunst und Kulturgeschichte Münster
</lido:appellationValue></lido:legalBodyName></lido:rightsHolder></lido:rightsResource>
</lido:resourceSet></lido:resourceWrap></lido:administrativeMetadata>"""


def test_an_image_s_rights_named_by_their_iri_are_called_by_their_name() -> None:
    """The LWL print's image rights read "http://www.europeana.eu/rights/rr-f/ (LWL-…)" on
    the checklist (and its exports): the record gives the statement's IRI as its term."""
    store = Store()
    body = _PLATE_AND_SHEET.format(sets="") + _IMAGE_RIGHTS
    store.extend(
        Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in map_xml(body, "test/print")
    )
    iri = BASE + "ddb/object/test%2Fprint"
    fields = read_rows(store, [iri])[iri][1]
    assert fields is not None
    assert fields.image_rights == (
        "Rights Reserved – Free Access (LWL-Landesmuseum für Kunst und Kulturgeschichte Münster)"
    )


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_light_sensitive_materials_of_a_warning_are_listed_in_the_page_s_direction(
    lang: str,
) -> None:
    """The Arabic checklist's warning listed "ورق، مطبوعة" (paper, prints) in an isolate
    that found no letter of its own outside each label's own isolate, so laid it out left to
    right: read from the right, as the page is, the list ran backwards. It now takes the
    page's direction. Laid out by Chromium."""
    from tests.helpers.browser import launch

    page = html.tostring(_page(_checklist(BULLFIGHT), lang), encoding="unicode")
    with launch() as browser:
        tab = browser.new_page()
        tab.set_content(page)
        lefts = tab.evaluate(
            """() => [...document.querySelectorAll('li.warning-light span span')]
                .map((s) => s.getBoundingClientRect().left)"""
        )
    assert len(lefts) == 2
    assert (lefts[0] > lefts[1]) == (lang == "ar")  # the first named first, as the page reads
