"""A lender's name, a maker's, a partner's, or the site's title put into one of the pages' own
sentences ("Other works by {name}") is isolated (``<bdi>``) there: a Latin name inside an
Arabic sentence, or an Arabic one inside an English sentence, keeps its own order and does not
take the sentence's punctuation into it."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import html

from sparql import i18n
from sparql.agents import AgentPage, Source
from sparql.objectpage import ObjectPage
from sparql.pages import templates
from sparql.readers import Text, Work


def _rendered(name: str, lang: str, **context: Any) -> html.HtmlElement:
    page = i18n.render(templates().get_template(name), lang, title="Museion (test)", **context)
    found: html.HtmlElement = html.fromstring(page)
    return found


def _isolated(element: html.HtmlElement) -> list[str]:
    return [b.text_content() for b in element.cssselect("bdi")]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_name_in_a_sentence_of_the_page_is_isolated(lang: str) -> None:
    """The Arabic object page said "أعمال أخرى لـ Picasso, Pablo." as one run of text, the
    name's comma and the words around it free to change places; the lender in its link, a
    partner's name on a person's page and the site's title on the datasets page likewise."""
    shown = ObjectPage(iri="https://data.example.org/tate/object/T1", title=Text("Shore"))
    shown.lender = Text("Tate (London)", "en")
    shown.web_pages = ["https://www.tate.org.uk/art/artworks/t1"]
    shown.other_maker = "Picasso, Pablo"
    cmoa = ("Carnegie Museum of Art", "/partner/cmoa")
    work = Work("https://data.example.org/cmoa/object/1", "/cmoa/object/1", Text("Guitar"), *cmoa)
    shown.other_works = [(*cmoa, [work])]
    doc = _rendered("object.html", lang, o=shown)
    [heading] = doc.cssselect("#other-works h2")
    assert _isolated(heading) == ["Picasso, Pablo"]
    [link] = doc.cssselect("#web-page a")
    assert _isolated(link) == ["Tate (London)"]

    source = Source(
        iri="https://data.example.org/tate/person/x",
        href="/tate/person/x",
        partner="Tate (London)",
        partner_href="/partner/tate",
    )
    source.web_pages = ["https://www.tate.org.uk/art/artists/x"]
    agent = AgentPage(
        iri="https://data.example.org/tate/person/x",
        kind="person",
        name=Text("Turner, J. M. W."),
        aggregate=False,
        sources=[source],
    )
    [at] = _rendered("agent.html", lang, a=agent, query="").cssselect(
        ".source-card dd a[rel=external]"
    )
    assert _isolated(at) == ["Tate (London)"]

    datasets = _rendered(
        "void.html", lang, endpoint="x", total="1250", rows=[], formats=[], updated_by={}
    )
    said = datasets.cssselect("main p")[0]
    assert _isolated(said) == ["Museion (test)"]
    assert ("1,250" if lang != "fr" else "1\u202f250") in said.text_content()  # a count
