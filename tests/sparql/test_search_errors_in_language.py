"""The search page's refusals of a URL it cannot read (a negative offset, page 0, a facet
with no value), in the reader's language on the page and in the engine's words in the JSON."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import cast
from urllib.parse import urlencode

import lxml.html
import pytest

from museion_core import messages
from museion_core.errors import QueryError
from search import Searcher, SearchRequest, parse_facets
from search.fts import FtsEngine, could_not_run
from sparql import i18n
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


def _text(element: object) -> str:
    return str(cast(lxml.html.HtmlElement, element).text_content())


RANGE_CASES = [
    (
        "q=turner&facet=date=1950..1900",
        "facet date: '1950..1900' ends before it begins",
        "filtre date : « 1950..1900 » finit avant de commencer",
        "المرشّح date: «1950..1900» ينتهي قبل أن يبدأ",
    ),
    (
        "q=turner&facet=date=..",
        "facet date: give at least one bound ('..')",
        "filtre date : donnez au moins une borne (..)",
        "المرشّح date: حدّد طرفًا واحدًا على الأقل (..)",
    ),
    (
        "q=turner&facet=date=" + "9" * 400 + "..",
        "facet date: '" + "9" * 400 + "..' has a bound too large",
        "filtre date : « " + "9" * 400 + ".. » a une borne trop grande",
        "المرشّح date: «" + "9" * 400 + "..» فيه حدّ كبير جدًا",
    ),
    (
        "q=turner&facet=longest_side_cm=" + "9" * 400,
        "facet longest_side_cm: '" + "9" * 400 + "' is too large",
        "filtre longest_side_cm : « " + "9" * 400 + " » est trop grand",
        "المرشّح longest_side_cm: «" + "9" * 400 + "» كبير جدًا",
    ),
    (
        "q=" + "x" * 501,
        "the query is longer than 500 characters",
        "la recherche dépasse 500 caractères",
        "يتجاوز نص البحث 500 حرف",
    ),
]


@pytest.mark.parametrize(("query", "english", "french", "arabic"), RANGE_CASES)
def test_every_refusal_of_a_range_is_said_in_the_reader_s_language(
    query: str, english: str, french: str, arabic: str
) -> None:
    """Only "is not a range" was French on a French page (the page repeated that one check
    before the engine): a reversed range, a range with no bound or a bound of 400 digits was
    said in the engine's English. The engine's refusals are messages a page recognises."""
    for lang, said in (("en", english), ("fr", french), ("ar", arabic)):
        status, page = _reply(query, lang)
        assert status == 400
        [error] = lxml.html.fromstring(page).cssselect('p.error[role="alert"]')
        assert _text(error) == said, lang
    for lang in ("fr", "ar"):
        status, body = _reply(query + "&format=json", lang)
        assert (status, json.loads(body)) == (400, {"error": english})


REFUSED = [
    ["bogus"],
    ["maker="],
    ["colour=red"],
    ["has_image=perhaps"],
    ["date=early"],
    ["longest_side_cm=<=big"],
    ["date=1950..1900"],
    ["date=.."],
    ["date=" + "9" * 400 + ".."],
    ["longest_side_cm=" + "9" * 400],
]


@pytest.mark.parametrize("pairs", REFUSED, ids=lambda p: p[0][:30])
@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_facet_the_engine_refuses_the_page_refuses_in_the_reader_s_language(
    pairs: list[str], lang: str
) -> None:
    """Engine and page held together: whatever ``parse_facets`` refuses, the page refuses
    with the same message (its JSON in the engine's very words), translated, with nothing
    left in English. The page kept copies of the engine's patterns to say this."""
    with pytest.raises(QueryError) as caught:
        parse_facets(pairs)
    english = caught.value.one_line()
    found = messages.recognise(english)
    assert found is not None
    assert found[0].template.startswith(("facet", "unknown facet"))
    query = urlencode([("q", "turner"), *(("facet", p) for p in pairs)])
    _, body = _reply(query + "&format=json", lang)
    assert json.loads(body) == {"error": english}
    status, page = _reply(query, lang)
    assert status == 400
    [error] = lxml.html.fromstring(page).cssselect('p.error[role="alert"]')
    with i18n.using(lang):
        expected = lxml.html.fragment_fromstring(f"<p>{i18n.message_html(english)}</p>")
    assert _text(error) == expected.text_content() != english
    assert error.cssselect('bdi[lang="en"]') == []  # nothing said in English


def test_every_refusal_of_the_search_engine_is_a_message_with_a_translation() -> None:
    """Each message of ``museion_core.message_search`` is one the page translates."""
    from museion_core import message_search

    searched = [m for m in messages.MESSAGES if m in vars(message_search).values()]
    assert len(searched) == 16
    for lang in ("fr", "ar"):
        assert all(m.template in i18n.catalogue()[lang] for m in searched)


class _RefusedByTheIndex:
    """A searcher whose index refuses every search, as the FTS engine says it."""

    def search(self, _: object) -> object:
        raise could_not_run(sqlite3.OperationalError('fts5: syntax error near "\'"'))


def test_a_search_the_index_refuses_is_said_in_the_reader_s_language() -> None:
    """ "the search could not be run" (SQLite could not read the search) was no message:
    the French and Arabic pages said it in English, marked as English. The sentence is
    translated; SQLite's own words stay English, and are marked so."""
    english = 'the search could not be run: fts5: syntax error near "\'"'
    said = {"fr": "la recherche n’a pas pu être faite : ", "ar": "تعذّر إجراء البحث: "}
    searcher = cast(Searcher, _RefusedByTheIndex())
    for lang in ("en", "fr", "ar"):
        reply = search_reply(searcher, "q=turner", lang)
        assert reply.status_code == 400
        [error] = lxml.html.fromstring(bytes(reply.body).decode()).cssselect("p.error")
        detail = 'fts5: syntax error near "\'"'
        assert _text(error) == said.get(lang, "the search could not be run: ") + detail, lang
        if lang != "en":
            [marked] = error.cssselect('bdi[lang="en"]')
            assert _text(marked) == detail
        reply = search_reply(searcher, "q=turner&format=json", lang)
        assert json.loads(bytes(reply.body)) == {"error": english}


class _OnIndex:
    """A searcher of one index file, as the published snapshot's is searched."""

    def __init__(self, index: Path) -> None:
        self.index = index

    def search(self, request: SearchRequest) -> object:
        return FtsEngine().search(self.index, request)


def _outdated_index(tmp_path: Path) -> Path:
    index = tmp_path / "snapshot.search.sqlite"
    with closing(sqlite3.connect(index)) as db:
        db.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('schema', '0')")
        db.commit()
    return index


@pytest.mark.parametrize("case", ["nothing published", "no index", "outdated"])
def test_an_index_that_cannot_be_read_is_said_in_the_reader_s_language(
    tmp_path: Path, case: str
) -> None:
    """A search with nothing published, without an index or with an older Museion's was
    answered 503 in English on the French and Arabic pages ("the search index … was built by
    another version of Museion"). The sentence is the reader's; the command to run, the
    index's file name and the JSON answer stay as they were."""
    searcher = {
        "nothing published": Searcher(tmp_path / "published"),
        "no index": _OnIndex(tmp_path / "missing.search.sqlite"),
        "outdated": _OnIndex(_outdated_index(tmp_path)),
    }[case]
    english = {
        "nothing published": "nothing is published yet; run `museion harvest` first",
        "no index": "the published snapshot has no search index (missing.search.sqlite); "
        "run `museion reindex` to build it",
        "outdated": "the search index snapshot.search.sqlite was built by another version of "
        "Museion; run `museion reindex` to rebuild it",
    }[case]
    begins = {
        "fr": {"nothing published": "rien n’est encore", "no index": "l’instantané publié"},
        "ar": {"nothing published": "لم يُنشر شيء", "no index": "ليس للنسخة المنشورة"},
    }
    begins["fr"]["outdated"], begins["ar"]["outdated"] = "l’index de recherche", "بُني فهرس"
    for lang in ("en", "fr", "ar"):
        reply = search_reply(cast(Searcher, searcher), "q=turner", lang)
        assert reply.status_code == 503
        [error] = lxml.html.fromstring(bytes(reply.body).decode()).cssselect("p.error")
        said = _text(error)
        assert said == english if lang == "en" else said.startswith(begins[lang][case]), said
        assert "museion " in said, said  # the command to run, as it is typed
        assert not error.cssselect('bdi[lang="en"]'), said  # nothing left English
        reply = search_reply(cast(Searcher, searcher), "q=turner&format=json", lang)
        assert json.loads(bytes(reply.body)) == {"error": english}
