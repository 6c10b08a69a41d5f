"""Planning aids and exports of a checklist, on checklists built in memory."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from museion_core.vocab import AAT, aat
from sparql.checklists import Checklist, Fields, Item, light_sensitive_concepts, plan
from sparql.checklists.exports import csv_bytes

ROOT = Path(__file__).resolve().parents[2]


def _item(iri: str, status: str = "current", **fields: object) -> Item:
    return Item(iri, 1, "", "2026-01-01", status, Fields(iri=iri, **fields), "2026-01-01")  # type: ignore[arg-type]


def test_wall_length_is_the_widths_plus_the_spacing_between_them() -> None:
    checklist = Checklist("c", "Test", 50.0, "", "")
    checklist.items = [
        _item("o/1", width_cm=100.0, height_cm=80.0, image="i", lender="Tate"),
        _item("o/2", width_cm=62.3, framed_width_cm=79.2, image="i", lender="Tate"),
        _item("o/3", height_cm=20.0, image="i", lender="Carnegie Museum of Art"),
        _item("o/4", status="withdrawn", width_cm=500.0, lender="Gone"),
    ]
    p = plan(checklist)
    assert p.wall_cm == 100.0 + 79.2 + 50.0  # a framed work hangs in its frame
    assert p.widths_counted == 2
    assert p.without_width == 1
    assert p.lenders == ["Tate", "Carnegie Museum of Art"]  # withdrawn objects lend nothing
    assert p.withdrawn == 1
    assert [(w.iri, w.kind) for w in p.warnings] == [("o/4", "withdrawn")]


def test_warnings_for_missing_dimensions_images_and_light_sensitive_materials() -> None:
    checklist = Checklist("c", "Test", 60.0, "", "")
    paper = aat("300014109").value
    photo = aat("300128695").value
    bronze = aat("300010957").value
    checklist.items = [
        _item("o/paper", material_iris=[paper], width_cm=10.0, image="i"),
        _item("o/photo", type_iris=[photo], image="i", height_cm=5.0),
        _item("o/bronze", material_iris=[bronze]),
    ]
    p = plan(checklist)
    kinds = {(w.iri, w.kind) for w in p.warnings}
    assert kinds == {
        ("o/paper", "light"),
        ("o/photo", "light"),
        ("o/bronze", "no-dimensions"),
        ("o/bronze", "no-image"),
    }
    assert p.light_groups == {"works on paper": 1, "photographs": 1}


def test_light_sensitive_concepts_are_aat_concepts_with_their_labels() -> None:
    """The data file names real AAT concepts with the labels Museion's AAT table gives."""
    table = json.loads((ROOT / "mappings/data/aat.json").read_text(encoding="utf-8"))["labels"]
    concepts = light_sensitive_concepts()
    assert {c.group for c in concepts.values()} == {"works on paper", "textiles", "photographs"}
    for iri, concept in concepts.items():
        number = iri.rsplit("/", 1)[-1]
        assert table[number]["en"] == concept.label, iri
    assert AAT.EXHIBITION.value not in concepts


def test_csv_quotes_cells_a_spreadsheet_would_run_as_formulas() -> None:
    checklist = Checklist("c", "Test", 60.0, "", "")
    checklist.items = [_item("o/1", title='=HYPERLINK("http://evil")', lender="Tate")]
    rows = list(csv.DictReader(io.StringIO(csv_bytes(checklist).decode("utf-8-sig"))))
    assert rows[0]["Title"].startswith("'=")
    assert rows[0]["Lender"] == "Tate"


def test_xlsx_keeps_text_as_text_without_an_apostrophe() -> None:
    """Text cells run nothing, but the export wrote "'=1+1" and "'-2+3", and Excel showed
    the apostrophe; a text starting with "=" must still not become a formula."""
    import openpyxl

    from sparql.checklists.exports import xlsx_bytes

    checklist = Checklist("c", "Test", 60.0, "", "")
    checklist.items = [
        _item("o/1", title='=HYPERLINK("http://evil")', credit_line="-2+3 gift", lender="Tate")
    ]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(checklist)))
    sheet = book.active
    assert sheet is not None
    cells = {str(h.value): c for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert cells["Title"].value == '=HYPERLINK("http://evil")'
    assert cells["Title"].data_type == "s"  # text, not a formula
    assert cells["Credit line"].value == "-2+3 gift"


def test_exports_speak_the_reader_s_language() -> None:
    """A French registrar's export had English headers ("Lender", "Height (cm)") and status
    ("withdrawn by lender"); an Arabic one, a sheet that read left to right."""
    import openpyxl

    from sparql.checklists.exports import xlsx_bytes

    checklist = Checklist("c", "Test", 60.0, "", "")
    checklist.items = [_item("o/1", status="withdrawn", height_cm=12.5, lender="Tate")]
    french = csv_bytes(checklist, "fr").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(french), delimiter=";"))
    assert rows[0]["Prêteur"] == "Tate"
    assert rows[0]["État"] == "retirée par le prêteur"
    english = next(csv.DictReader(io.StringIO(csv_bytes(checklist).decode("utf-8-sig"))))
    assert english["Status"] == "withdrawn by lender"  # English by default, for scripts
    assert english["Height (cm)"] == "12.5"
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(checklist, "ar")))
    sheet = book.active
    assert sheet is not None
    assert sheet.sheet_view.rightToLeft
    cells = {str(h.value): c.value for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert cells["الجهة المُعيرة"] == "Tate"
    assert cells["الحالة"] == "سحبتها الجهة المُعيرة"
    assert not openpyxl.load_workbook(
        io.BytesIO(xlsx_bytes(checklist))
    ).active.sheet_view.rightToLeft  # type: ignore[union-attr]


def test_a_french_csv_opens_in_french_excel() -> None:
    """French Excel read the CSV in one column and 12.5 as a text: it splits at ";" and reads
    a decimal comma. Scripts, which ask in English, keep "," and "."."""
    checklist = Checklist("c", "Test", 60.0, "", "")
    checklist.items = [
        _item("o/1", height_cm=48.895, width_cm=36.195, lender="Tate, London", title="A; B")
    ]
    french = csv_bytes(checklist, "fr").decode("utf-8-sig").splitlines()
    assert french[0].startswith("N°;Prêteur;")
    row = next(csv.DictReader(io.StringIO("\n".join(french)), delimiter=";"))
    assert (row["Hauteur (cm)"], row["Largeur (cm)"]) == ("48,9", "36,2")
    assert (row["Prêteur"], row["Titre"]) == ("Tate, London", "A; B")  # quoted as needed
    english = csv_bytes(checklist).decode("utf-8-sig").splitlines()
    assert english[0].startswith("No.,Lender,")
    row = next(csv.DictReader(io.StringIO("\n".join(english))))
    assert (row["Height (cm)"], row["Width (cm)"]) == ("48.9", "36.2")
    assert row["Title"] == "A; B"


@pytest.mark.parametrize(
    ("name", "written", "plain"),
    [
        (
            "Modernités croisées 1880–1960",
            "Modernités-croisées-1880-1960",
            "Modernites-croisees-1880-1960",
        ),
        ("حداثات متقاطعة", "حداثات-متقاطعة", "checklist"),
        ("Sample: artists", "Sample-artists", "Sample-artists"),
    ],
)
def test_an_export_is_saved_under_the_checklists_name(name: str, written: str, plain: str) -> None:
    """The export's file name was percent-encoded in ``filename`` alone, which Firefox and
    Safari save as it is: the registrar received "Modernit%C3%A9s-crois%C3%A9es-1880-1960.csv",
    an Arabic checklist a row of escapes. The name is now in ``filename*`` (RFC 6266), with
    an ASCII one for an old client, and no escapes in either as a browser shows it."""
    from urllib.parse import unquote

    from sparql.checklists.replies import _attachment

    header = _attachment(name, "csv")
    extended = dict(p.strip().split("=", 1) for p in header.split(";")[1:])["filename*"]
    assert unquote(extended.removeprefix("UTF-8''")) == f"{written}.csv"  # as a browser reads it
    assert f'filename="{plain}.csv"' in header  # for a client that reads no filename*
    assert header.isascii()


def test_a_loan_request_counts_what_it_asks_for() -> None:
    """It said "loan of 3 objects" where the lender had withdrawn one of them, and "loan of 1
    objects" ("prêt de 1 œuvres")."""
    from sparql import i18n
    from sparql.pages import templates

    checklist = Checklist("c", "Orient", 50.0, "", "")
    items = [
        _item("o/1", lender="Museum", title="Lamp"),
        _item("o/2", lender="Museum", title="Ewer", date="44 av. J.-C.", makers=["Inconnu"]),
        _item("o/3", status="withdrawn", lender="Museum", title="Gone"),
    ]
    page = templates().get_template("checklist_loans.html")

    def said(asked: list[Item], lang: str) -> str:
        lenders = {"Museum": list(enumerate(asked, start=1))}
        text = i18n.render(page, lang, c=checklist, lenders=lenders, static="/static")
        return " ".join(text.split())

    assert "Request for the loan of 2 objects for the exhibition" in said(items, "en")
    assert "Request for the loan of one object for the exhibition" in said(items[1:], "en")
    assert "Demande de prêt d’une œuvre pour l’exposition" in said(items[1:], "fr")
    # a partner's words keep their own direction on an Arabic page (".av. J.-C 44" before)
    arabic = said(items, "ar")
    assert '<bdi dir="auto">44 av. J.-C.</bdi>' in arabic
    assert "<bdi>Inconnu</bdi>" in arabic


def test_a_loan_request_names_the_medium_and_the_lenders_own_sizes() -> None:
    """The registrar who received a loan request read accession number, title, maker, date,
    "48 × 62.3 cm" and the credit line: not what the work is made of (what a courier and a
    conservator ask first), nor its frame (92.8 cm wide, what the crate is built for), both on
    the checklist. The request now says them, in the lender's own words and figures."""
    from lxml import html

    from sparql import i18n
    from sparql.pages import templates

    checklist = Checklist("c", "Corrida", 50.0, "", "")
    framed = _item(
        "o/1",
        lender="Tate",
        title="Bullfight Scene",
        medium="Ink on paper",
        height_cm=48.0,
        width_cm=62.3,
        dimensions="support: 480 x 623 mm\nframe: 928 x 792 x 32 mm",
    )
    bare = _item("o/2", lender="Tate", title="Lamp")
    lenders = {"Tate": [(1, framed), (2, bare)]}
    for lang, medium, none in (("en", "Materials", "none given"), ("fr", "Matériaux", "non")):
        page: html.HtmlElement = html.fromstring(
            i18n.render(
                templates().get_template("checklist_loans.html"),
                lang,
                c=checklist,
                lenders=lenders,
                static="/static",
            )
        )
        assert medium in [th.text_content() for th in page.cssselect("th")]
        cells = page.cssselect(f'td[data-label="{medium}"]')
        assert [" ".join(c.text_content().split()) for c in cells] == ["Ink on paper", ""]
        dims = [" ".join(c.text_content().split()) for c in page.cssselect("td.dims")]
        assert "frame: 928 x 792 x 32 mm" in dims[0], dims
        assert dims[1].startswith(none), dims


@pytest.mark.parametrize(
    ("lang", "quoted"),
    [
        ("en", "“<bdi>Paysages</bdi>”."),
        ("fr", "«\u00a0<bdi>Paysages</bdi>\u00a0»."),
        ("ar", "«<bdi>Paysages</bdi>»."),
    ],
)
def test_a_loan_request_quotes_the_exhibition_as_its_language_does(lang: str, quoted: str) -> None:
    """The French letter asked a loan "pour l’exposition “Paysages du XIXe siècle sur
    papier”", in English quotation marks; a French letter writes « … », an Arabic one «…»."""
    from sparql import i18n
    from sparql.pages import templates

    checklist = Checklist("c", "Paysages", 50.0, "", "")
    lenders = {"Museum": [(1, _item("o/1", lender="Museum", title="Lamp"))]}
    text = i18n.render(
        templates().get_template("checklist_loans.html"),
        lang,
        c=checklist,
        lenders=lenders,
        static="/static",
    )
    assert quoted in text
