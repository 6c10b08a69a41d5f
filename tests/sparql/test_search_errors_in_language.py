"""The search page's refusals of a URL it cannot read (a negative offset, page 0, a facet
with no value), in the reader's language on the page and in the engine's words in the JSON."""

from __future__ import annotations

import json
from typing import cast

import lxml.html
import pytest

from search import Searcher
from tests.helpers.search_page import search_reply


def _reply(query: str, lang: str) -> tuple[int, str]:
    # every one of these is refused before the index is asked
    reply = search_reply(cast(Searcher, object()), query, lang)
    return reply.status_code, bytes(reply.body).decode()


CASES = [
    (
        "q=turner&offset=-5",
        "offset must be between 0 and 10000",
        "offset doit être compris entre 0 et 10\u202f000",
        "يجب أن تكون قيمة offset بين 0 و10,000",
    ),
    (
        "q=turner&page=0",
        "page must be 1 or more, not 0",
        "le numéro de page doit être 1 ou plus, pas 0",
        "يجب أن يكون رقم الصفحة 1 أو أكثر، لا 0",
    ),
    (
        "q=turner&facet=bogus",
        "facet 'bogus': write KEY=VALUE",
        "filtre « bogus » : écrivez CLÉ=VALEUR, par exemple maker=Turner",
        "المرشّح «bogus»: اكتب مفتاحًا=قيمة، مثل maker=Turner",
    ),
    (
        "q=turner&facet=maker=",
        "facet 'maker=': write KEY=VALUE",
        "filtre « maker= » : écrivez CLÉ=VALEUR, par exemple maker=Turner",
        "المرشّح «maker=»: اكتب مفتاحًا=قيمة، مثل maker=Turner",
    ),
    (
        "q=turner&page=2&offset=20",
        "give page or offset, not both",
        "donnez page ou offset, pas les deux",
        "حدّد page أو offset، لا كليهما",
    ),
    (
        "q=turner&limit=-1",
        "limit must be between 0 and 100",
        "limit doit être compris entre 0 et 100",
        "يجب أن تكون قيمة limit بين 0 و100",
    ),
    (
        "q=turner&facet=colour=red",
        "unknown facet 'colour'; facets: partner, maker, type, material, place, date, "
        "has_image, longest_side_cm",
        "filtre « colour » inconnu ; filtres : partner, maker, type, material, place, date, "
        "has_image, longest_side_cm",
        "مرشّح غير معروف «colour»؛ المرشّحات: partner, maker, type, material, place, date, "
        "has_image, longest_side_cm",
    ),
    (
        "q=turner&facet=has_image=maybe",
        "facet has_image: 'maybe' is not yes or no",
        "filtre has_image : « maybe » n’est ni yes ni no",
        "المرشّح has_image: «maybe» ليس yes ولا no",
    ),
    (
        "q=turner&facet=date=about 1900",
        "facet date: 'about 1900' is not a range (e.g. date=1900..1950)",
        "filtre date : « about 1900 » n’est pas un intervalle (par exemple date=1900..1950)",
        "المرشّح date: «about 1900» ليس نطاقًا (مثل date=1900..1950)",
    ),
    (
        "q=turner&facet=longest_side_cm<=big",
        "facet longest_side_cm: '<=big' is not a range (e.g. longest_side_cm=<=100)",
        "filtre longest_side_cm : « <=big » n’est pas un intervalle "
        "(par exemple longest_side_cm=<=100)",
        "المرشّح longest_side_cm: «<=big» ليس نطاقًا (مثل longest_side_cm=<=100)",
    ),
    (
        "q=turner&sort=oldest",
        "sort 'oldest': give one of relevance, title, date, -date",
        "tri « oldest » : choisissez parmi relevance, title, date, -date",
        "الترتيب «oldest»: اختر واحدًا من relevance, title, date, -date",
    ),
]


@pytest.mark.parametrize(("query", "english", "french", "arabic"), CASES)
def test_a_url_the_search_cannot_read_is_refused_in_the_reader_s_language(
    query: str, english: str, french: str, arabic: str
) -> None:
    """``/search?q=turner&offset=-5&lang=fr`` said "offset must be between 0 and 10000" on
    the French page (and the Arabic one), where the date mistakes were already French."""
    # a page groups a count's thousands as its reader does; the JSON keeps the engine's words
    shown = english.replace("10000", "10,000")
    for lang, said in (("en", shown), ("fr", french), ("ar", arabic)):
        status, page = _reply(query, lang)
        assert status == 400
        doc: lxml.html.HtmlElement = lxml.html.fromstring(page)
        [error] = doc.cssselect('p.error[role="alert"]')
        assert error.text_content() == said, lang
    # the JSON answer is an API: the engine's English words, as before
    for lang in ("en", "fr", "ar"):
        status, body = _reply(query + "&format=json", lang)
        assert status == 400
        assert json.loads(body) == {"error": english}


def test_the_values_a_reader_sent_keep_their_order_in_an_arabic_sentence() -> None:
    """ "المرشّح has_image: «maybe» ليس yes ولا no" was one run of text: the Latin words and
    the guillemets between them were reordered, "«has_image: «maybe". Each value sent is
    isolated (``<bdi>``) in a translation; the English page says it as the engine does."""
    _, page = _reply("q=turner&facet=has_image=maybe", "ar")
    [error] = lxml.html.fromstring(page).cssselect("p.error")
    assert [b.text for b in error.cssselect("bdi")] == ["maybe"]
    # an example is one value: "date=1900..1950", not "1900..1950=date"
    _, page = _reply("q=turner&facet=date=about 1900", "ar")
    [error] = lxml.html.fromstring(page).cssselect("p.error")
    assert [b.text for b in error.cssselect("bdi")] == ["date", "about 1900", "date=1900..1950"]
    _, page = _reply("q=turner&offset=-5", "ar")
    [error] = lxml.html.fromstring(page).cssselect("p.error")
    assert error.cssselect("bdi") == []  # a count is the language's own figure
    _, page = _reply("q=turner&facet=has_image=maybe", "en")
    [error] = lxml.html.fromstring(page).cssselect("p.error")
    assert error.cssselect("bdi") == []
