"""A checklist names an object's materials and makers as its object page does, on the page
and in the exports: a French lender's "eau-forte" showed on an Arabic checklist, where the
object page said "حفر حمضي" (AAT's etching, through Museion's AAT table); a print after
Turner had no maker at all, where the object page said "after Turner"."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast
from urllib.parse import quote

import pytest
from lxml import html
from pyoxigraph import DefaultGraph, NamedNode, Quad

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping, vocabulary_quads
from museion.demo import examples_dir
from sparql import i18n
from sparql.checklists import Checklist
from sparql.checklists.exports import csv_bytes, row_values
from sparql.checklists.planning import plan
from sparql.checklists.rows import CURRENT, read_rows
from sparql.checklists.store import Item
from sparql.objectpage import object_page
from sparql.pages import templates
from store import Store
from tests.conftest import BASE
from tests.sparql.test_object_page_types import _FRENCH

if TYPE_CHECKING:
    from sparql.executor import Worker

IRI = f"{BASE}musee/object/{quote('test/2', safe='')}"


BULLFIGHT = f"{BASE}tate/object/T06803"
"""Picasso's "Bullfight Scene": Tate states its medium, "Ink on paper"."""
ETON = f"{BASE}tate/object/T04576"
"""A print of "Eton College, Berkshire" after Turner, by no maker Tate names."""
UNDATED = f"{BASE}tate/object/T11444"
"""A print Tate dates "date not known"."""


@pytest.fixture(scope="module")
def store() -> Store:
    """The French lender's etching and a Tate drawing, mapped and stored as a harvest does."""
    tate = examples_dir() / "tate" / "artworks"
    records = [
        ("musee", "lido", "test/2", _FRENCH.encode(), "application/xml"),
        ("tate", "tate", "T06803", next(tate.glob("t06803-*.json")).read_bytes(), "json"),
        ("tate", "tate", "T04576", next(tate.glob("t04576-*.json")).read_bytes(), "json"),
        ("tate", "tate", "T11444", next(tate.glob("t11444-*.json")).read_bytes(), "json"),
    ]
    store = Store()
    vocabulary = vocabulary_quads(NamedNode(f"{BASE}vocabulary"))
    store.oxigraph.extend(
        Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in vocabulary
    )
    for source, mapping, ident, payload, media in records:
        result = get_mapping(mapping).map(
            SourceRecord(source, ident, payload, f"application/{media.split('/')[-1]}"),
            MappingContext(BASE, source),
        )
        record = NamedNode(f"{BASE}{source}/record/{quote(ident, safe='')}")
        for graph in (record, DefaultGraph()):
            store.oxigraph.extend(
                Quad(q.subject, q.predicate, q.object, graph) for q in result.quads
            )
    return store


def _checklist(store: Store, iris: tuple[str, ...] = (IRI,)) -> Checklist:
    items = []
    for position, iri in enumerate(iris, 1):
        status, fields, _ = read_rows(store, [iri])[iri]
        assert status == CURRENT
        assert fields is not None
        when = "2026-12-06T10:00:00Z"
        items.append(Item(iri, position, "", when, CURRENT, fields, when))
    return Checklist("c1", "Gravures", 60.0, "", "2026-12-06T10:00:00Z", items)


def _object_page_materials(store: Store, lang: str) -> list[tuple[str, str]]:
    worker = SimpleNamespace(store=lambda: store, settings=SimpleNamespace(base_iri=BASE))
    with i18n.using(lang):
        page = object_page(cast("Worker", worker), IRI, lang)
    assert page is not None
    return [(m.value, m.lang) for m in page.materials]


def _texts(element: html.HtmlElement, path: str) -> list[str]:
    return ["".join(str(t) for t in found.itertext()) for found in element.xpath(path)]


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_a_checklist_names_materials_as_the_object_page_does(store: Store, lang: str) -> None:
    checklist = _checklist(store)
    shown = checklist.items[0].fields.materials_shown(lang)
    assert sorted(shown) == sorted(_object_page_materials(store, lang))
    assert ("eau-forte", "fr") not in shown or lang == "fr"


def test_the_arabic_checklist_and_its_exports_say_etching_in_arabic(store: Store) -> None:
    """And a lender's statement of the medium ("Ink on paper", in English) keeps its words,
    with the materials under it in the reader's language, as on the object page."""
    checklist = _checklist(store, (IRI, BULLFIGHT))
    page = i18n.render(
        templates().get_template("checklist.html"),
        "ar",
        c=checklist,
        plan=plan(checklist),
        light={},
        can_write=False,
        static="/static",
        title="Museion",
        href=lambda iri: iri,
    )
    etching, drawing = html.fromstring(page).cssselect("dd.materials")
    assert _texts(etching, './/*[@lang="ar"]') == ["حفر حمضي"]
    assert "eau-forte" not in "".join(str(t) for t in etching.itertext())
    assert _texts(drawing, './span[@lang="en"]') == ["Ink on paper"]
    assert sorted(_texts(drawing, './small/span[@lang="ar"]')) == ["حبر", "ورق"]
    values = row_values(checklist, "ar")
    rows = list(csv.reader(io.StringIO(csv_bytes(checklist, "ar").decode("utf-8-sig"))))
    for written in (values, rows[1:]):
        assert "حفر حمضي; papier vergé" in written[0]
        assert "Ink on paper" in written[1]  # the lender's own words, for a registrar


@pytest.mark.parametrize(
    ("lang", "after"),
    [
        ("en", "after Joseph Mallord William Turner"),
        ("fr", "d’après Joseph Mallord William Turner"),
        ("ar", "نقلاً عن Joseph Mallord William Turner"),
    ],
)
def test_a_work_after_an_artist_says_so_on_the_checklist(
    store: Store, lang: str, after: str
) -> None:
    """The checklist named no maker for Tate's print after Turner (its object page and its
    search card say "after Joseph Mallord William Turner"), and its exports left the maker's
    cell empty: a registrar's list lost the only name the work has."""
    checklist = _checklist(store, (ETON,))
    fields = checklist.items[0].fields
    assert (fields.makers, fields.after) == ([], ["Joseph Mallord William Turner"])
    page = i18n.render(
        templates().get_template("checklist.html"),
        lang,
        c=checklist,
        plan=plan(checklist),
        light={},
        can_write=False,
        static="/static",
        title="Museion",
        href=lambda iri: iri,
    )
    [makers] = html.fromstring(page).cssselect("dd.makers")
    assert " ".join("".join(str(t) for t in makers.itertext()).split()) == after
    assert makers.xpath("./bdi/text()") == ["Joseph Mallord William Turner"]  # isolated
    text = io.StringIO(csv_bytes(checklist, lang).decode("utf-8-sig"))
    rows = list(csv.reader(text, delimiter=";" if i18n.decimal_comma(lang) else ","))
    maker = rows[0].index(i18n.translate("Maker", lang))
    assert rows[1][maker] == after


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "date not known"), ("fr", "date inconnue"), ("ar", "التاريخ غير معروف")],
)
def test_an_undated_work_is_said_undated_in_the_reader_s_words(
    store: Store, lang: str, said: str
) -> None:
    """Tate's "date not known" stood in English on French and Arabic checklists and in
    their exports (``tests/sparql/test_undated.py``: the object page)."""
    checklist = _checklist(store, (UNDATED,))
    assert checklist.items[0].fields.date == "date not known"  # kept as the lender wrote it
    page = i18n.render(
        templates().get_template("checklist.html"),
        lang,
        c=checklist,
        plan=plan(checklist),
        light={},
        can_write=False,
        static="/static",
        title="Museion",
        href=lambda iri: iri,
    )
    dates = [
        "".join(str(t) for t in dd.itertext())
        for dt in html.fromstring(page).cssselect("dl.fields dt")
        if dt.text == i18n.translate("Date", lang) and (dd := dt.getnext()) is not None
    ]
    assert dates == [said]
    text = io.StringIO(csv_bytes(checklist, lang).decode("utf-8-sig"))
    rows = list(csv.reader(text, delimiter=";" if i18n.decimal_comma(lang) else ","))
    assert rows[1][rows[0].index(i18n.translate("Date", lang))] == said
