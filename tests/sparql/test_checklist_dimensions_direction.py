"""The Arabic checklist writes an object's figures as its object page does: "48 × 62.3 سم", read
right to left, the height first (on the right), as the object page reads them and their names
(``object_dimensions.figures_written``, commit "Arabic object page: the figures read right to
left, as their names do"). Laid out by Chromium."""

from __future__ import annotations

import pytest

from sparql import i18n
from sparql.checklists.fields import Fields
from sparql.pages import templates

_PAGE = """{% from "_checklist_macros.html" import cm %}<!doctype html>
<html lang="{{ ui_lang }}" dir="{{ ui_dir }}"><body><dl><dt>D</dt>
<dd class="dims">{{ cm(f) }}</dd></dl></body></html>"""


@pytest.mark.parametrize("part", ["", "frame"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_checklist_reads_the_figures_as_the_object_page_does(lang: str, part: str) -> None:
    """The Arabic checklist wrote "48 × 62.3 cm" left to right, the height on the left, where
    the object page writes "48 × 62.3 سم" right to left, the height on the right: one curator
    read the same frame both ways round. The checklist now writes the figures with the object
    page's helper and unit; the part they measure ("frame") is set apart from them, so that a
    Latin label no longer turns them left to right."""
    from tests.helpers.browser import launch, lefts_of

    fields = Fields(iri="https://data.example.org/tate/object/T06803", height_cm=48.0)
    fields.width_cm, fields.dimensions_of, fields.parts_measured = 62.3, part, 1 if part else 0
    page = i18n.render(templates().from_string(_PAGE), lang, f=fields)
    with launch() as browser:
        tab = browser.new_page()
        tab.set_content(page)
        shown = tab.inner_text("dd.dims bdi")
        height, width = lefts_of(tab, "dd.dims bdi", ["48", "62.3"])
    assert (height < width) == (lang != "ar")  # the height first, in the reading order
    assert shown == {"ar": "48 × 62.3 سم"}.get(lang, "48 × 62.3 cm")
