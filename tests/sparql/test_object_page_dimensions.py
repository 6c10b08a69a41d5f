"""An object's dimensions and acquisition on its page, as a curator reviewing them reads them.

The figures are the lender's records mapped as a harvest maps them (the demo's Tate and
Carnegie Museum of Art records, through the shipped mappings), read by the page's own
functions: the lender's qualifier of the object's own figures ("unconfirmed"), the lender's
figures exactly as given next to the centimetres, a weight in kilograms, and the acquisition
method in the reader's language.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from lxml import html
from pyoxigraph import NamedNode

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping
from mappings.normalise.dimensions import parse_dimension_statement
from museion.demo import examples_dir
from museion_core.vocab import AAT, CRM, RDFS
from sparql import i18n
from sparql.object_dimensions import (
    _MEASURED_LABELS,
    Dimensions,
    _figure,
    _own_qualifier,
    _own_statements,
    _weight,
    all_dimensions,
)
from sparql.objectpage import _ACQUISITION_METHODS, ObjectPage, _statements, acquisition_method
from sparql.pages import templates
from sparql.readers import Text, pick, text_of
from sparql.record_graph import Graph, texts, types

BASE = "https://data.example.org/"
RECORDS = {
    "tate": {
        "T06803": "tate/artworks/t06803-20854.json",
        "T07874": "tate/artworks/t07874-20583.json",
        "T13348": "tate/artworks/t13348-102754.json",
        "T13177": "tate/artworks/t13177-103782.json",
        "T02016": "tate/artworks/t02016-6050.json",
    },
    "cmoa": {
        "00078d13-d7c7-4f1b-bbe2-b9afcc25fcbd": "cmoa/00078d13-d7c7-4f1b-bbe2-b9afcc25fcbd.json",
        "d59d92f5-c964-47e0-83c4-441be24c7161": "cmoa/d59d92f5-c964-47e0-83c4-441be24c7161.json",
    },
}


def _mapped(source: str, ident: str) -> tuple[Graph, str]:
    """The record's graph as the page reads it (subject → property → objects), and its IRI."""
    payload = (examples_dir() / RECORDS[source][ident]).read_bytes()
    result = get_mapping(source).map(
        SourceRecord(source, ident, payload), MappingContext(BASE, source)
    )
    graph: Graph = defaultdict(lambda: defaultdict(list))
    for quad in result.quads:
        if isinstance(quad.subject, NamedNode):
            graph[quad.subject.value][quad.predicate.value].append(quad.object)
    return graph, f"{BASE}{source}/object/{ident}"


def _shown(source: str, ident: str, lang: str) -> list[tuple[str, str, str, str]]:
    """Each row of the page's dimensions: part or qualifier, figures, what they measure, and
    the lender's own figures."""
    graph, iri = _mapped(source, ident)
    statements = [
        text
        for node in graph[iri][CRM.P67i_is_referred_to_by.value]
        if AAT.DIMENSION_STATEMENT.value in types(graph, getattr(node, "value", ""))
        for text in texts(graph, getattr(node, "value", ""))
    ]
    with i18n.using(lang):
        rows = all_dimensions(graph, iri, statements, lang)
    return [(d.part or d.qualifier, d.cm, d.names, d.original) for d in rows]


@pytest.mark.parametrize(
    ("ident", "lang", "qualifier"),
    [
        ("T07874", "en", "unconfirmed"),  # "unconfirmed: 1601 x 2714 x 305 mm"
        ("T07874", "fr", "à confirmer"),
        ("T07874", "ar", "غير مؤكدة"),
        ("T13348", "en", "displayed"),  # "displayed: 750 x 3780 x 120 mm"
        ("T13348", "fr", "exposé"),
        ("T02016", "en", "object"),  # "object: 820 x 530 x 433 mm, 167 kg"
    ],
)
def test_the_lenders_qualifier_of_the_objects_own_figures_is_shown(
    ident: str, lang: str, qualifier: str
) -> None:
    rows = _shown("tate", ident, lang)
    assert len(rows) == 1, rows
    assert rows[0][0] == qualifier, rows


def test_the_objects_own_line_keeps_its_label_beside_its_frame() -> None:
    """The support is the object's line of "support: 480 x 623 mm frame: 928 x 792 x 32 mm"
    (once shown bare, while "frame:" kept its label)."""
    assert _shown("tate", "T06803", "en") == [
        ("support", "48 × 62.3 cm", "height × width", "480 × 623 mm"),
        ("frame", "92.8 × 79.2 × 3.2 cm", "height × width × depth", "928 × 792 × 32 mm"),
    ]
    assert [row[0] for row in _shown("tate", "T06803", "ar")] == ["الدعامة", "الإطار"]


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_lenders_figures_are_shown_as_they_gave_them(lang: str) -> None:
    """No rounding ("5.875", not "5.88"), no thousands grouping ("1608", not "1,608"), in
    every language; the centimetres are the reader's numbers."""
    cmoa = _shown("cmoa", "00078d13-d7c7-4f1b-bbe2-b9afcc25fcbd", lang)
    assert [row[3] for row in cmoa] == ["13 × 5.875 in"]
    cm = {"fr": "33,02 × 14,92 cm", "ar": "33.02 × 14.92 سم"}.get(lang, "33.02 × 14.92 cm")
    assert cmoa[0][1] == cm
    other = _shown("cmoa", "d59d92f5-c964-47e0-83c4-441be24c7161", lang)
    assert "14.625" in other[0][3], other
    supply_room = _shown("tate", "T13177", lang)  # six supports, each a part
    assert "1608 × 1417 mm" in [row[3] for row in supply_room]
    assert {"fr": "160,8 × 141,7 cm", "ar": "160.8 × 141.7 سم"}.get(lang, "160.8 × 141.7 cm") in [
        row[1] for row in supply_room
    ]


@pytest.mark.parametrize(
    ("lang", "figures"), [("en", "82 × 53 × 43.3 cm"), ("fr", "82 × 53 × 43,3 cm")]
)
def test_a_weight_is_shown_in_kilograms_from_a_thousand_grams(lang: str, figures: str) -> None:
    [(_qualifier, cm, _names, original)] = _shown("tate", "T02016", lang)
    assert cm == figures
    assert original == "820 × 530 × 433 mm; 167 kg"
    graph, iri = _mapped("tate", "T02016")
    with i18n.using(lang):
        [row] = all_dimensions(graph, iri, [], lang)
    # apart from the sizes, so that what they measure is said beside them, not after it
    assert row.weight == "167 kg"  # not "167,000 g"
    shown = ObjectPage(iri=iri, title=Text("Touchstone"))
    shown.dimensions = [row]
    with i18n.using(lang):
        page = i18n.render(templates().get_template("object.html"), lang, o=shown, title="M")
    [item] = html.fromstring(page).cssselect("#dimensions li")
    said = " ".join("".join(str(t) for t in item.itertext()).split())
    assert said.startswith(f"{figures} ({i18n.translate('height', lang)} × "), said
    assert said.split("; ")[1].startswith("167 kg")


@pytest.mark.parametrize(
    ("value", "given", "lang", "shown"),
    [
        ("5.875", True, "fr", "5.875"),
        ("1608", True, "en", "1608"),
        ("1608", False, "en", "1,608"),  # converted figures are the reader's numbers
        ("14.9225", False, "fr", "14,92"),
        ("1.5E3", True, "en", "1500"),  # a double's exponent written out, never rounded
        ("n/a", True, "en", None),
        ("NaN", False, "en", None),
    ],
)
def test_a_figure_is_the_lenders_own_or_the_readers_number(
    value: str, given: bool, lang: str, shown: str | None
) -> None:
    assert _figure(value, given, lang) == shown


@pytest.mark.parametrize(
    ("value", "unit", "lang", "shown"),
    [
        (167000, "g", "en", ("167", "kg")),
        (1500, "g", "fr", ("1,5", "kg")),
        (999, "g", "en", ("999", "g")),
        (0.25, "kg", "en", ("250", "g")),
        (3.25, "lb", "en", ("3.25", "lb")),  # not a metric weight: its own unit
    ],
)
def test_a_weight_is_in_kilograms_from_a_thousand_grams_and_in_grams_below(
    value: float, unit: str, lang: str, shown: tuple[str, str]
) -> None:
    assert _weight(value, unit, lang) == shown


@pytest.mark.parametrize(
    ("statement", "parts", "qualifier"),
    [
        ("image: 24.1 × 30.5 cm (9 1/2 × 12 in.) sheet: 30 x 40 cm", ["image"], "sheet"),
        ("Overall: 12 x 3 in.", [], "Overall"),
        ("Höhe x Breite: 216 x 164 mm", [], ""),  # a key of the figures, not a label
        ("H: 12 cm; W: 8 cm", [], ""),
        ("ارتفاع: 12 سم", [], ""),
        ("20 x 30 cm; Rahmen: 40 x 50 cm", ["Rahmen"], ""),  # the object's line has none
        ("support: see note; 20 x 30 cm", [], ""),  # a label of no figures
        (
            "displayed: 866 x 669 mm\nsupport x 3: 210 x 296 mm\nframe: 870 x 408 mm",
            ["support x 3", "frame"],
            "displayed",
        ),
    ],
)
def test_the_qualifier_is_the_one_label_no_part_has(
    statement: str, parts: list[str], qualifier: str
) -> None:
    assert _own_qualifier([statement], parts) == qualifier


def test_the_page_and_the_mapping_agree_on_which_line_measures_the_object() -> None:
    """Every dimension statement of the demo's Tate records: the page's qualifier is the label
    of the line the mapping read as the object's own figures ("" when none or unlabelled)."""
    statements = [
        text
        for path in sorted((examples_dir() / "tate" / "artworks").glob("*.json"))
        if (text := json.loads(path.read_bytes()).get("dimensions"))
    ]
    assert len(statements) > 300
    for text in statements:
        parsed = parse_dimension_statement(text, "en")
        parts = [g.label or g.part or "" for g in parsed.parts if g.dimensions]
        assert _own_qualifier([text], parts) == (parsed.whole.label if parsed.whole else ""), text


@pytest.mark.parametrize(
    ("label", "lang", "shown"),
    [
        (Text("gift (method of acquisition)", "en"), "fr", Text("don", "fr")),
        (Text("gift (method of acquisition)", "en"), "ar", Text("هبة", "ar")),
        (Text("gift (method of acquisition)", "en"), "en", Text("gift", "en")),
        (Text("purchasing", "en"), "fr", Text("achat", "fr")),
        # AAT's heading, not a word of a credit: "purchase, 1998" as "gift, 1994"
        (Text("purchasing", "en"), "en", Text("purchase", "en")),
        (Text("purchasing"), "en", Text("purchase", "en")),
        (Text("Bequeathed", "en"), "fr", Text("legs", "fr")),  # a partner's own term
        (Text("Bequeathed", "en"), "en", Text("Bequeathed", "en")),
        (Text("donation", "fr"), "fr", Text("donation", "fr")),  # the store's own French label
        (Text("Exchange", "en"), "fr", Text("Exchange", "en")),  # no word for it: as it is
    ],
)
def test_theacquisition_method_is_said_in_the_readers_language(
    label: Text, lang: str, shown: Text
) -> None:
    with i18n.using(lang):
        assert acquisition_method(label, lang) == shown


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_word_the_page_says_of_figures_and_acquisitions_is_translated(lang: str) -> None:
    catalogue = i18n.catalogue()[lang]
    words = _MEASURED_LABELS | set(_ACQUISITION_METHODS.values())
    assert not sorted(w for w in words if w not in catalogue)


def test_labels_are_looked_for_in_one_pass_over_a_bounded_statement() -> None:
    """Each colon re-read the whole text before it: a 40 KB statement (a record may hold
    megabytes) cost seconds per view of the page. Labels are looked for once, in a window
    before each colon, in the statement's first 10,000 characters, at most 100 of them."""
    assert _own_qualifier(["x" * 5000 + "; unconfirmed: 12 x 5 cm"], []) == "unconfirmed"
    assert _own_qualifier(["x" * 10_000 + "; unconfirmed: 12 x 5 cm"], []) == ""
    many = "; ".join(f"part {n}: 1 cm" for n in range(150))
    assert _own_qualifier([many + "; unconfirmed: 12 cm"], []) == ""  # past the 100th colon
    assert _own_qualifier(["a:1 " * 250_000], []) == "a"  # a megabyte, read in a bounded pass


_RECORD = """<lido:lido xmlns:lido="http://www.lido-schema.org">
<lido:lidoRecID>test/print</lido:lidoRecID>
<lido:descriptiveMetadata xml:lang="de"><lido:objectIdentificationWrap>
<lido:titleWrap><lido:titleSet><lido:appellationValue>Bildnis des Camille Falconet
</lido:appellationValue></lido:titleSet></lido:titleWrap>
<lido:objectMeasurementsWrap>
{sets}</lido:objectMeasurementsWrap>
</lido:objectIdentificationWrap></lido:descriptiveMetadata></lido:lido>"""
_TWO_SETS = _RECORD.replace(
    "{sets}",
    """<lido:objectMeasurementsSet>
<lido:displayObjectMeasurements>Höhe x Breite: 205 x 149 mm (Platte)
</lido:displayObjectMeasurements>
<lido:objectMeasurements><lido:measurementsSet><lido:measurementType>Höhe x Breite
</lido:measurementType><lido:measurementUnit>mm</lido:measurementUnit>
<lido:measurementValue>205 x 149</lido:measurementValue></lido:measurementsSet>
<lido:extentMeasurements>Platte</lido:extentMeasurements></lido:objectMeasurements>
</lido:objectMeasurementsSet>
<lido:objectMeasurementsSet>
<lido:displayObjectMeasurements>Höhe x Breite: 216 x 164 mm (Blatt)
</lido:displayObjectMeasurements>
<lido:objectMeasurements><lido:measurementsSet><lido:measurementType>Höhe x Breite
</lido:measurementType><lido:measurementUnit>mm</lido:measurementUnit>
<lido:measurementValue>216 x 164</lido:measurementValue></lido:measurementsSet>
<lido:extentMeasurements>Blatt</lido:extentMeasurements></lido:objectMeasurements>
</lido:objectMeasurementsSet>
""",
)
"""The measurements of an LWL print in the DDB's LIDO (tests/data/lido/ddb_LWL-Museum.xml):
the plate and the sheet, each a set of its own, both of the print itself."""


def _graph(record: str) -> Graph:
    """A LIDO record's graph, as the page reads it."""
    result = get_mapping("lido").map(
        SourceRecord("ddb", "test/print", record.encode(), "application/xml"),
        MappingContext(BASE, "ddb"),
    )
    graph: Graph = defaultdict(lambda: defaultdict(list))
    # the store answers in an order of its own: the last first, here, as the page may get it
    for quad in reversed(result.quads):
        if isinstance(quad.subject, NamedNode):
            graph[quad.subject.value][quad.predicate.value].append(quad.object)
    return graph


def _lido(record: str, lang: str) -> tuple[list[Dimensions], list[Text], str]:
    """The rows of a LIDO record's dimensions, its dimension statements, and its IRI."""
    graph = _graph(record)
    iri = f"{BASE}ddb/object/test%2Fprint"
    read = ObjectPage(iri=iri, title=Text(""))
    _statements(graph, iri, read)  # as the page reads them
    statements = read.statements.get("dimensions", [])
    with i18n.using(lang):
        return all_dimensions(graph, iri, statements, lang), statements, iri


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_height_of_one_set_of_figures_is_never_shown_with_the_width_of_another(
    lang: str,
) -> None:
    """The print's page said "21.6 × 14.9 cm (height × width)", "216 × 149 mm" as the lender
    gives it: the sheet's height with the plate's width, figures no lender wrote. Each set
    is its own line, in the lender's order, and the lender's statements say which is which."""
    rows, statements, iri = _lido(_TWO_SETS, lang)
    comma = "," if lang == "fr" else "."
    cm = "سم" if lang == "ar" else "cm"
    assert [(d.part, d.cm, d.original) for d in rows] == [
        ("", f"20{comma}5 × 14{comma}9 {cm}", "205 × 149 mm"),
        ("", f"21{comma}6 × 16{comma}4 {cm}", "216 × 164 mm"),
    ]
    shown = ObjectPage(iri=iri, title=Text("Bildnis"))
    shown.dimensions = rows
    shown.statements["dimensions"] = statements
    with i18n.using(lang):
        page = i18n.render(templates().get_template("object.html"), lang, o=shown, title="M")
    [item] = html.fromstring(page).cssselect("#dimensions")
    said = " ".join("".join(str(t) for t in item.itertext()).split())
    assert "(Platte)" in said, said
    assert said.index("(Platte)") < said.index("(Blatt)"), said  # in the lender's order
    # each set says its own statement, once: not both statements again under the second
    lines = [
        " ".join("".join(str(t) for t in li.itertext()).split()) for li in item.cssselect("li")
    ]
    assert len(lines) == 2, lines
    assert ["(Platte)" in line for line in lines] == [True, False], lines
    assert ["(Blatt)" in line for line in lines] == [False, True], lines
    assert (said.count("(Platte)"), said.count("(Blatt)")) == (1, 1), said


@pytest.mark.parametrize(
    ("statements", "own"),
    [
        # one statement per set, in any order: each set takes its own
        (["Höhe x Breite: 216 x 164 mm (Blatt)", "Höhe x Breite: 205 x 149 mm (Platte)"], [1, 0]),
        # one statement giving both sets: it belongs to neither alone
        (["Platte: 205 x 149 mm; Blatt: 216 x 164 mm"], [None, None]),
        # two statements giving the same set: which is its own is not known
        (["205 x 149 mm", "Platte 205 x 149 mm", "216 x 164 mm"], [None, 2]),
    ],
)
def test_a_set_of_figures_takes_only_the_statement_that_gives_it(
    statements: list[str], own: list[int | None]
) -> None:
    rows, _statements, _iri = _lido(_TWO_SETS, "en")
    for row in rows:
        row.statements = []
    texts = [Text(s, "de") for s in statements]
    _own_statements(rows, texts)
    assert [r.statements for r in rows] == [[] if i is None else [texts[i]] for i in own]


_SET_OF_ONE = """<lido:objectMeasurementsSet><lido:displayObjectMeasurements>{key}: {value}
{unit}</lido:displayObjectMeasurements><lido:objectMeasurements><lido:measurementsSet>
<lido:measurementType>{key}</lido:measurementType><lido:measurementUnit>{unit}
</lido:measurementUnit><lido:measurementValue>{value}</lido:measurementValue>
</lido:measurementsSet></lido:objectMeasurements></lido:objectMeasurementsSet>"""


@pytest.mark.parametrize(
    ("lang", "names", "weight"),
    [
        ("en", "height × width × depth", "81.8 kg"),
        ("fr", "hauteur × largeur × profondeur", "81,8 kg"),
    ],
)
def test_figures_given_in_centimetres_are_shown_beside_a_converted_weight(
    lang: str, names: str, weight: str
) -> None:
    """The Skulpturensammlung's "Kniender Engel" states its width, height, depth (cm) and
    weight (kg) apart. Only the weight was converted (to grams), and the page showed only
    the weight, "81,8 kg", with the sizes in "as the lender gives it" alone."""
    sets = "".join(
        _SET_OF_ONE.format(key=key, value=value, unit=unit)
        for key, value, unit in (
            ("Breite", "54", "cm"),
            ("Höhe", "80", "cm"),
            ("Tiefe", "30", "cm"),
            ("Gewicht", "81.8", "kg"),
        )
    )
    record = _RECORD.replace("{sets}", sets)
    rows, _statements, _iri = _lido(record, lang)
    assert [(d.cm, d.names, d.weight) for d in rows] == [("80 × 54 × 30 cm", names, weight)]


_CABINET = """<lido:objectMeasurementsSet><lido:objectMeasurements>{figures}
</lido:objectMeasurements></lido:objectMeasurementsSet>"""
_FIGURE = """<lido:measurementsSet><lido:measurementType>{key}</lido:measurementType>
<lido:measurementUnit>cm</lido:measurementUnit><lido:measurementValue>{value}
</lido:measurementValue></lido:measurementsSet>"""


@pytest.mark.parametrize(
    ("lang", "sizes", "opened"),
    [
        ("en", "106 × 101.1 × 60.9 cm", "190 cm"),
        ("fr", "106 × 101,1 × 60,9 cm", "190 cm"),
        ("ar", "106 × 101.1 × 60.9 سم", "190 سم"),
    ],
)
def test_a_figure_of_the_lender_s_own_kind_is_a_line_under_its_own_name(
    lang: str, sizes: str, opened: str
) -> None:
    """The MKG's cabinet (DDB LIDO) gives its height, width and depth, and its width when
    open, "Breite (geöffnet)", a kind no vocabulary knows: the page said "106 × 101,1 × 60,9
    × 190 cm (hauteur × largeur × profondeur × taille)", a cabinet of four dimensions."""
    figures = "".join(
        _FIGURE.format(key=key, value=value)
        for key, value in (
            ("Höhe", "106"),
            ("Breite", "101.1"),
            ("Tiefe", "60.9"),
            ("Breite (geöffnet)", "190"),
        )
    )
    record = _RECORD.replace("{sets}", _CABINET.format(figures=figures))
    graph = _graph(record)
    labels = {
        node: [text_of(t) for t in props.get(RDFS.label.value, [])] for node, props in graph.items()
    }
    with i18n.using(lang):
        rows = all_dimensions(
            graph,
            f"{BASE}ddb/object/test%2Fprint",
            [],
            lang,
            lambda k: pick(labels.get(k, []), lang),
        )
    names = " × ".join(i18n.translate(k, lang) for k in ("height", "width", "depth"))
    assert [(d.part, d.cm, d.names) for d in rows] == [
        ("", sizes, names),
        ("Breite (geöffnet)", opened, ""),
    ]
    # without the names of the lender's kinds, as before
    with i18n.using(lang):
        [row] = all_dimensions(graph, f"{BASE}ddb/object/test%2Fprint", [], lang)
    assert row.cm.startswith(sizes.removesuffix(" cm").removesuffix(" سم"))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_an_arabic_page_reads_the_figures_in_the_order_of_their_names(lang: str) -> None:
    """An Arabic page wrote "48 × 62.3 cm (الارتفاع × العرض)" with the figures left to
    right and their names right to left: read from the right, as the page is, it said
    "62.3 cm × 48", the width under the name of the height. The figures now read as their
    names do, the height first (on the right), the unit as Arabic writes it ("سم") last."""
    from tests.helpers.browser import launch, lefts_of

    rows, _statements, iri = _lido(_TWO_SETS, lang)
    shown = ObjectPage(iri=iri, title=Text("Bildnis"))
    shown.dimensions = rows[:1]
    with i18n.using(lang):
        page = i18n.render(templates().get_template("object.html"), lang, o=shown, title="M")
    with launch() as browser:
        tab = browser.new_page()
        tab.set_content(page)
        height, width = lefts_of(tab, "#dimensions .cm", ["20.5", "14.9"])
        names = tab.evaluate(
            """() => { const m = document.querySelector('#dimensions .measured');
            const t = m.firstChild; const r = document.createRange();
            const words = t.data.replace(/[()]/g, '').split(' × ');
            return words.map((w) => { const at = t.data.indexOf(w); r.setStart(t, at);
              r.setEnd(t, at + w.length); return r.getBoundingClientRect().left; }); }"""
        )
    # the height on the same side as the name of the height: first in the reading order
    assert (height < width) == (names[0] < names[1]) == (lang != "ar")
