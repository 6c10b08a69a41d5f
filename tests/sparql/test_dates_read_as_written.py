"""A lender's date reads as the lender wrote it on an Arabic page: "1796?" with its question
mark after the year, not before it, wherever the page sets the date in a line of its own words
("هبة، 1796?"). Laid out by Chromium, as the reader's browser lays it out."""

from __future__ import annotations

import pytest

from sparql import i18n
from sparql.agents import AgentPage, Place, Source
from sparql.object_events import Event
from sparql.objectpage import Acquisition, ObjectPage
from sparql.pages import templates
from sparql.readers import Text

_MARK_AFTER_YEAR = """(selector) => {
  const box = (node, word) => {
    const range = document.createRange();
    const at = node.data.indexOf(word);
    range.setStart(node, at);
    range.setEnd(node, at + word.length);
    return range.getBoundingClientRect();
  };
  const walker = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (node.data.includes('1796?')) {
      return box(node, '?').left > box(node, '1796').left;
    }
  }
  return null;
}"""


_WHERE = ("#dates", "#acquisition", "#history")


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("date", ["1796?", "c. 1796?"])
def test_an_uncertain_year_keeps_its_question_mark_after_it(lang: str, date: str) -> None:
    """On the Arabic object page a gift "هبة، من Gustav Kahnweiler، 1796?" set the lender's
    date in the sentence's own direction (its "من", from, is Arabic), right to left: the
    question mark came first, at the left of the year ("?1796"). Each date is now isolated in
    its own direction, left to right when it has no letter that says one; the object's own
    date and an event's too."""
    from tests.helpers.browser import launch

    shown = ObjectPage(iri="https://data.example.org/tate/object/T1", title=Text("Shore"))
    shown.date = date
    seller = (Text("Gustav Kahnweiler"), None)
    shown.acquisitions = [Acquisition(how=Text("هبة", "ar"), sellers=[seller], date=date)]
    shown.events = [Event(kind=Text("معرض", "ar"), date=date)]
    with i18n.using(lang):
        page = i18n.render(templates().get_template("object.html"), lang, o=shown, title="M")
    with launch() as browser:
        tab = browser.new_page()
        tab.set_content(page)
        found = {at: tab.evaluate(_MARK_AFTER_YEAR, at) for at in _WHERE}
    assert found == dict.fromkeys(_WHERE, True)


_RIGHT_OF = """([selector, first, then]) => {
  const box = (word) => {
    for (const where of document.querySelectorAll(selector)) {
      const walker = document.createTreeWalker(where, NodeFilter.SHOW_TEXT);
      let node;
      while ((node = walker.nextNode())) {
        const at = node.data.indexOf(word);
        if (at >= 0) {
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + word.length);
          return range.getBoundingClientRect();
        }
      }
    }
    return null;
  };
  return box(first).left > box(then).left;
}"""


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_line_of_the_page_s_words_and_a_date_reads_in_the_page_s_direction(lang: str) -> None:
    """An Arabic page wrote the acquisition "قبول، 1856" (accepted, 1856), an event "معرض،
    1796" and a birth "1775، لندن" in an isolate that found no letter of its own outside the
    word's own isolate, so laid them out left to right: read from the right, as the page is,
    the year came first. Such a line now takes the page's direction, the partner's words
    and the date each still in its own."""
    from tests.helpers.browser import launch

    shown = ObjectPage(iri="https://data.example.org/tate/object/T1", title=Text("Shore"))
    accepted, shown_in = Text("قبول", "ar"), Text("معرض", "ar")
    shown.acquisitions = [Acquisition(how=accepted, date="1856")]
    shown.events = [Event(kind=shown_in, date="1796")]
    source = Source(
        iri="https://data.example.org/tate/person/x",
        href="/tate/person/x",
        partner="Tate",
        partner_href="/partner/tate",
    )
    source.born, source.born_at = "1775", [Place("لندن", "ar")]
    agent = AgentPage(
        iri="https://data.example.org/tate/person/x",
        kind="person",
        name=Text("Turner"),
        aggregate=False,
        sources=[source],
    )
    with i18n.using(lang):
        page = i18n.render(templates().get_template("object.html"), lang, o=shown, title="M")
        person = i18n.render(templates().get_template("agent.html"), lang, a=agent, title="M")
    with launch() as browser:
        tab = browser.new_page()
        tab.set_content(page)
        found = [
            tab.evaluate(_RIGHT_OF, ["#acquisition", "قبول", "1856"]),
            tab.evaluate(_RIGHT_OF, ["#history", "معرض", "1796"]),
        ]
        tab.set_content(person)
        found.append(tab.evaluate(_RIGHT_OF, [".source-card dd", "1775", "لندن"]))
    # in the page's reading order: the word first, then the year; the birth year, then where
    assert found == [lang == "ar"] * 3
