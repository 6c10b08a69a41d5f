"""Search on the demo data (the bundled Tate and CMOA samples) plus a small Arabic feed:
folding, Arabic normalisation and transliteration, facets and their counts, the index
published atomically with its snapshot, and the CLI and HTTP contract."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from pyoxigraph import NamedNode

from museion import Pipeline, Workspace, load_config
from museion.cli import run_harvest
from museion.config import Config
from museion.demo import demo_config
from search import Searcher, SearchRequest, SearchResult, index_path, parse_facets
from sparql.search_page import PAGE_SIZE
from tests.conftest import DATA
from tests.helpers.endpoint import Live, live_endpoint

ARABIC = DATA / "search" / "arabic-museum"


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """The demo's configuration and feeds, plus the Arabic museum, harvested once."""
    folder = tmp_path_factory.mktemp("search")
    demo = demo_config(folder)
    with demo.path.open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[[sources]]\nname = "arabic"\nkind = "files"\n'
            f'location = "{(ARABIC / "records.csv").as_posix()}"\n'
            f'mapping = "{(ARABIC / "mapping.toml").as_posix()}"\n'
            '[sources.partner]\nlabel = "متحف الفن"\n'
        )
    config = load_config(demo.path)
    run_harvest(config)
    return config


def ask(config: Config, text: str = "", *facets: str, limit: int = 20) -> SearchResult:
    with Searcher(Workspace(config.data_dir).published_dir) as searcher:
        return searcher.search(parse_facets(list(facets), text=text, limit=limit))


def titles(result: SearchResult) -> set[str]:
    return {hit.title for hit in result.hits}


def test_case_and_diacritics_are_folded(config: Config) -> None:
    durer = ask(config, "Durer")
    assert durer.total == 3
    assert all("Albrecht Dürer" in hit.makers for hit in durer.hits)
    for spelling in ("Dürer", "DÜRER", "dürer albrecht", "Duerer"):
        assert titles(ask(config, spelling)) == titles(durer), spelling


def test_a_word_left_out_either_word_and_a_phrase(config: Config) -> None:
    """ "turner -devon" found the works about Devon (the minus was dropped), "picasso OR
    turner" nothing (OR was a word to match). They now mean what they mean in the search boxes
    people know, and a quoted phrase matches its words in order."""

    def total(text: str) -> int:
        return ask(config, text).total

    assert total("turner devon") > 0  # the demo has Turner's views of Devon
    left_out = total("turner") - total("turner devon")
    assert total("turner -devon") == total("turner NOT devon") == left_out
    either = total("picasso") + total("turner") - total("picasso turner")
    assert total("picasso OR turner") == either > total("turner")
    assert 0 < total('"oil on canvas"') < total("oil canvas")


def test_titles_in_other_languages_materials_in_other_languages(config: Config) -> None:
    # T06803's second title is French ("Scène de corrida"); AAT labels are indexed in de/fr.
    assert "Bullfight Scene" in titles(ask(config, "scene de corrida"))
    tinte = ask(config, "Tinte", "material=ink", limit=0)
    assert tinte.total == ask(config, "", "material=ink", limit=0).total > 0


def test_a_subject_is_found_by_its_french_and_arabic_label(config: Config) -> None:
    """ "paysage" found nothing: Tate's subject "landscape" had only its English label, and
    search indexes a subject's labels. Museion's labels of the subjects partners use are
    indexed with them, in French and Arabic."""

    def found(text: str) -> set[str]:
        result = ask(config, text, limit=100)
        assert result.total <= 100
        return {hit.iri for hit in result.hits}

    assert ask(config, "paysage", limit=0).total >= ask(config, "landscape", limit=0).total > 0
    assert ask(config, "منظر طبيعي", limit=0).total > 0
    # words only a subject says: the French label finds exactly what the English one finds
    # (as a phrase: "marines" alone also finds a title's singular, "Pier (Marine Landing)")
    assert found('"marines"') == found("seascapes") != set()
    assert found("marines") > found('"marines"')
    assert found('"ville au loin"') == found('"townscape, distant"') != set()
    assert found("مناظر بحرية") == found("seascapes")


def test_arabic_is_normalised(config: Config) -> None:
    lamp = "مِصْبَاحُ مَسْجِدٍ"
    assert titles(ask(config, "مصباح")) == {lamp}  # tashkeel in the record, none in the query
    assert titles(ask(config, "مَسْجِد")) == {lamp}  # and the other way round
    assert titles(ask(config, "ابريق")) == {"إبريق"}  # alef with hamza below
    assert "كتـــاب الحيوان" in titles(ask(config, "كتاب"))  # tatweel
    # and AAT's Arabic label: a book catalogued in English is found by the Arabic word
    assert any(hit.title_language != "ar" for hit in ask(config, "كتاب").hits)
    assert titles(ask(config, "مدرسه القاهره")) == {lamp}  # taa marbuta
    assert titles(ask(config, "2007/1")) == {"إبريق"}  # ٢٠٠٧/١: Arabic-Indic digits


def test_latin_script_queries_find_arabic_names(config: Config) -> None:
    lamp = "مِصْبَاحُ مَسْجِدٍ"
    assert titles(ask(config, "Muhammad")) == {lamp}
    assert titles(ask(config, "Ahmad")) == {lamp}
    assert titles(ask(config, "Ali Husain")) == {"إبريق"}
    hit = ask(config, "Muhammad").hits[0]
    assert hit.title_language == "ar"
    assert hit.partner == "متحف الفن"


def test_arabic_script_queries_find_makers_named_in_latin_script(config: Config) -> None:
    """A curator types Picasso, Turner, Gainsborough in Arabic script: the makers' names are
    found by the consonants Arabic writes them with (``search.text.name_keys``)."""
    for arabic, latin, maker in (
        ("بيكاسو", "Picasso", "Pablo Picasso"),
        ("تيرنر", "Turner", "Joseph Mallord William Turner"),  # and the works after him
        ("غينزبره", "Gainsborough", "Thomas Gainsborough"),
        ("بيرن جونز", "Burne-Jones", "Sir Edward Coley Burne-Jones, Bt"),
    ):
        found = ask(config, arabic, limit=100)
        assert found.facets["maker"][maker] == ask(config, "", f"maker={maker}").total, arabic
        # found by their makers alone: the Latin word also finds Turner in a description
        by_maker = [h for h in found.hits if any(latin in name for name in h.makers)]
        assert len(by_maker) == len(found.hits) == min(found.total, 100), arabic


def test_an_arabic_word_finds_no_concept_by_its_latin_consonants(config: Config) -> None:
    """Names only: "لاندسكيب" has the consonants of "landscape", which labels Tate's
    landscapes, and of no maker's name; a concept's label has no ``names`` key."""
    assert ask(config, "landscape").total > 0
    assert ask(config, "لاندسكيب").total == 0


def test_a_match_by_arabic_skeleton_ranks_below_a_match_in_the_text(config: Config) -> None:
    """ "oil" is "l" as a skeleton, as are على and علي: a Qur'an leaf came before the oil
    paintings. Skeleton matches still count, after the words."""
    hits = ask(config, "oil", limit=100).hits
    arabic = [n for n, hit in enumerate(hits) if hit.title_language == "ar"]
    assert arabic, "the Arabic records still match by skeleton"
    assert min(arabic) > max(n for n, hit in enumerate(hits) if hit.title_language != "ar")


def test_an_umlaut_in_the_query_is_also_spelled_out(config: Config) -> None:
    """The index spells umlauts out ("Ölfarbe" also as "oelfarbe"); "Öl" folded to "ol", a
    two-letter word matched only whole, and found 5 where "Oel" found 38."""
    spelled = titles(ask(config, "Oel", limit=100))
    assert len(spelled) > 1
    assert titles(ask(config, "Öl", limit=100)) >= spelled


def test_reconciled_makers_are_one_facet_value_across_partners(config: Config) -> None:
    picasso = ask(config, "picasso")
    assert picasso.facets["maker"].get("Pablo Picasso") == picasso.total >= 2
    assert set(picasso.facets["partner"]) == {"Tate", "Carnegie Museum of Art"}


def test_works_after_an_artist_name_him_but_not_as_maker(config: Config) -> None:
    (hythe,) = ask(config, "Hythe").hits  # Tate T05262: a print "after Turner"
    assert hythe.makers == ["after Joseph Mallord William Turner"]
    after = ask(config, "hythe turner")
    assert after.total == 1
    assert "Joseph Mallord William Turner" not in after.facets["maker"]


def test_partner_facet_counts_agree_with_sparql(config: Config) -> None:
    everything = ask(config, limit=0)
    store = Workspace(config.data_dir).open_published()
    rows = store.select(
        "SELECT ?label (COUNT(DISTINCT ?o) AS ?n) WHERE { "
        "?o <http://www.cidoc-crm.org/cidoc-crm/P50_has_current_keeper> ?k . "
        "?k <http://www.w3.org/2000/01/rdf-schema#label> ?label } GROUP BY ?label"
    )
    store.close()
    assert everything.facets["partner"] == {row["label"]: int(row["n"]) for row in rows}
    assert everything.total == 812 + 3
    tate = ask(config, "", "partner=Tate", limit=0)
    assert tate.total == everything.facets["partner"]["Tate"] == 408
    assert ask(config, "", "partner=tate", limit=0).total == 408  # the source name works too
    both = ask(config, "", "partner=Tate", "partner=cmoa", limit=0)  # one key: alternatives
    assert both.total == 812


def test_date_size_and_image_facets(config: Config) -> None:
    everything = ask(config, limit=0)
    modern = ask(config, "", "date=1900..1950", limit=100)
    assert 0 < modern.total < everything.total
    store = Workspace(config.data_dir).open_published()
    for hit in modern.hits:
        (row,) = store.select(
            f"SELECT (MIN(YEAR(?b)) AS ?b) (MAX(YEAR(?e)) AS ?e) WHERE {{ <{hit.iri}> "
            "<http://www.cidoc-crm.org/cidoc-crm/P108i_was_produced_by>/"
            "<http://www.cidoc-crm.org/cidoc-crm/P4_has_time-span> ?t . "
            "?t <http://www.cidoc-crm.org/cidoc-crm/P82a_begin_of_the_begin> ?b ; "
            "<http://www.cidoc-crm.org/cidoc-crm/P82b_end_of_the_end> ?e }"
        )
        assert int(row["b"]) <= 1950, hit.iri
        assert int(row["e"]) >= 1900, hit.iri
    store.close()
    small = ask(config, "", "longest_side_cm<=30", limit=0)
    assert small.total == everything.facets["longest_side_cm"]["<=30"]
    assert small.total < ask(config, "", "longest_side_cm=<=100", limit=0).total
    with_image = ask(config, "", "has_image=yes", limit=0).total
    assert with_image == everything.facets["has_image"]["yes"]
    assert with_image + ask(config, "", "has_image=no", limit=0).total == everything.total
    assert ask(config, "", "date=1350..1350", limit=0).total >= 1  # the Arabic lamp


def test_each_century_counts_the_objects_its_filter_finds(config: Config) -> None:
    """The date facet counted an object in the century its date begins only: "Model of a
    wellhead" (202 BCE-220 CE) was found by "100..199" and counted under "-300..-201" alone.
    Every century now counts what its filter finds, here and within a search."""
    for text in ("", "paper"):
        centuries = ask(config, text, limit=0).facets["date"]
        assert len(centuries) >= 3
        for century, count in centuries.items():
            assert ask(config, text, f"date={century}", limit=0).total == count, (text, century)


def test_index_switches_with_the_snapshot(config: Config) -> None:
    """A publish builds the new snapshot's index before CURRENT names it; a Searcher already
    open follows the pointer; a publish killed while indexing leaves the old pair in place."""
    workspace = Workspace(config.data_dir)
    searcher = Searcher(workspace.published_dir)
    before = workspace.published_path()
    assert before is not None
    assert index_path(before).is_file()
    assert searcher.search(parse_facets([], text="ابريق")).total == 1

    env = {**os.environ, "MUSEION_FAILPOINT": "index:1", "NO_COLOR": "1"}
    killed = subprocess.run(
        [sys.executable, "-m", "museion", "--config", str(config.path), "reconcile"],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert killed.returncode != 0
    assert workspace.published_path() == before
    assert searcher.search(parse_facets([], text="ابريق")).total == 1

    store = workspace.open_writer()  # the partner withdraws the ewer
    store.remove_graphs([NamedNode(config.base_iri + "arabic/record/AR-2")])
    store.close()
    # a write the record index does not see, as the endpoint's SPARQL Update is: the kept
    # documents cannot be trusted (the ewer's maker, held for the records that name him, is
    # still there)
    workspace.forget_search_documents()
    Pipeline(config).reconcile()  # publishes (and cleans up the interrupted snapshot)
    after = workspace.published_path()
    assert after is not None
    assert after != before
    assert index_path(after).is_file()
    assert searcher.search(parse_facets([], text="ابريق")).total == 0
    assert searcher.search(parse_facets([], text="مصباح")).total == 1
    leftovers = [p for p in workspace.published_dir.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers
    searcher.close()


def museion(config: Config, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "museion", "--config", str(config.path), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        timeout=300,
        check=False,
    )


def test_cli_contract(config: Config) -> None:
    done = museion(config, "search", "Durer", "--format", "json", "--limit", "2")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert set(answer) == {"total", "hits", "facets", "suggestion", "offset", "limit"}
    assert answer["suggestion"] is None
    assert (answer["offset"], answer["limit"]) == (0, 2)
    assert answer["total"] == 3
    assert len(answer["hits"]) == 2
    hit = answer["hits"][0]
    assert set(hit) == {"iri", "title", "partner", "makers", "date", "image"}
    assert hit["iri"].startswith(config.base_iri + "cmoa/object/")
    assert hit["makers"] == ["Albrecht Dürer"]
    assert answer["facets"]["partner"] == {"Carnegie Museum of Art": 3}
    assert set(answer["facets"]) == {
        "partner", "maker", "type", "material", "place", "date", "has_image", "longest_side_cm"
    }  # fmt: skip

    filtered = museion(
        config, "search", "", "--partner", "Tate", "--facet", "date=1900..1950", "--format", "json"
    )
    # the chosen facet lists every lender the other filters leave, to add with OR
    dated = museion(config, "search", "", "--facet", "date=1900..1950", "--format", "json")
    partners = json.loads(filtered.stdout)["facets"]["partner"]
    assert partners == json.loads(dated.stdout)["facets"]["partner"]
    assert partners.keys() == {"Tate", "Carnegie Museum of Art"}
    assert json.loads(filtered.stdout)["total"] == partners["Tate"]

    table = museion(config, "search", "picasso")
    assert table.returncode == 0
    assert "Bullfight Scene" in table.stdout

    for bad in (["--facet", "colour=red"], ["--facet", "date=1950..1900"], ["--limit", "1000"]):
        wrong = museion(config, "search", "x", *bad)
        assert wrong.returncode != 0, bad
        assert "Traceback" not in wrong.stderr, bad
        assert wrong.stderr.strip(), bad


@pytest.fixture(scope="module")
def live(config: Config) -> Iterator[Live]:
    with live_endpoint(config.path, "--query-processes", "1") as server:
        yield server


def test_http_json_contract_matches_the_cli(config: Config, live: Live) -> None:
    reply = requests.get(
        live.url + "/search", params={"q": "Durer", "format": "json", "limit": "2"}, timeout=30
    )
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/json")
    cli = json.loads(museion(config, "search", "Durer", "--format", "json", "--limit", "2").stdout)
    assert reply.json() == cli
    faceted = requests.get(
        live.url + "/search",
        params=[("format", "json"), ("facet", "partner=Tate"), ("facet", "date=1800..1850")],
        timeout=30,
    ).json()
    assert set(faceted["facets"]["partner"]) == {"Tate", "Carnegie Museum of Art"}
    assert faceted["total"] == faceted["facets"]["partner"]["Tate"] > 0
    both = requests.get(
        live.url + "/search",
        params=[
            ("format", "json"),
            ("facet", "partner=Tate"),
            ("facet", "partner=Carnegie Museum of Art"),
            ("facet", "date=1800..1850"),
        ],
        timeout=30,
    ).json()
    assert both["total"] == sum(faceted["facets"]["partner"].values())
    paged = requests.get(
        live.url + "/search", params={"format": "json", "limit": "5", "page": "2"}, timeout=30
    ).json()
    first = requests.get(
        live.url + "/search", params={"format": "json", "limit": "10"}, timeout=30
    ).json()
    assert paged["hits"] == first["hits"][5:10]
    assert (paged["offset"], paged["limit"]) == (5, 5)  # the window, as the client asked
    bounded = requests.get(
        live.url + "/search", params={"format": "json", "limit": "5000"}, timeout=30
    ).json()
    assert len(bounded["hits"]) == 100
    assert bounded["limit"] == 100  # answered with fewer than asked, and says so
    both = requests.get(live.url + "/search?page=2&offset=20&format=json", timeout=30)
    assert both.status_code == 400  # one of them was silently ignored
    assert both.json()["error"] == "give page or offset, not both"
    bad = requests.get(
        live.url + "/search", params={"format": "json", "facet": "colour=red"}, timeout=30
    )
    assert bad.status_code == 400
    assert "unknown facet" in bad.json()["error"]
    long = requests.get(live.url + "/search", params={"q": "x" * 600}, timeout=30)
    assert long.status_code == 400
    # Bytes that are not UTF-8 searched for nothing (every object); a page before the first
    # was the first, where an offset before the first is refused.
    assert requests.get(live.url + "/search?page=&format=json", timeout=30).status_code == 200
    for query in ("q=%ff%fe&format=json", "page=0&format=json", "page=-1&format=json"):
        wrong = requests.get(live.url + "/search?" + query, timeout=30)
        assert wrong.status_code == 400, query
    assert "not UTF-8" in requests.get(live.url + "/search?q=%ff", timeout=30).text


def test_a_curator_sorts_by_date_made_and_the_sort_stays_while_paging(live: Live) -> None:
    oldest = requests.get(
        live.url + "/search", params={"sort": "date", "format": "json"}, timeout=30
    )
    newest = requests.get(
        live.url + "/search", params={"sort": "-date", "format": "json"}, timeout=30
    )
    assert oldest.status_code == newest.status_code == 200
    first, last = oldest.json()["hits"][0], newest.json()["hits"][0]
    assert first["iri"] != last["iri"]
    earliest = re.findall(r"\d{3,4}", str(first["date"]))  # a BC year reads the same here
    latest = re.findall(r"\d{4}", str(last["date"]))
    assert earliest
    assert latest
    assert int(earliest[0]) < int(latest[-1]), (first, last)
    page = requests.get(live.url + "/search", params={"q": "", "sort": "date"}, timeout=30).text
    assert '<b aria-current="true">Oldest first</b>' in page
    assert 'href="/search?sort=-date"' in page  # the other orders, as links
    assert re.search(r'href="/search\?sort=date&amp;offset=\d+" rel="next"', page)
    assert '<input type="hidden" name="sort" value="date">' in page  # a new search keeps it
    bad = requests.get(live.url + "/search", params={"sort": "oldest"}, timeout=30)
    assert bad.status_code == 400


def test_a_page_past_the_end_leads_back_to_the_last_one(live: Live) -> None:
    total = requests.get(live.url + "/search", params={"format": "json"}, timeout=30).json()
    pages = -(-total["total"] // PAGE_SIZE)
    html = requests.get(live.url + "/search", params={"page": "400"}, timeout=30).text
    [back] = re.findall(r'<a href="([^"]+)" rel="prev"', html)
    assert back == f"/search?offset={(pages - 1) * PAGE_SIZE}"
    assert "This page is past the last one." in html  # not "Nothing matches"
    assert "Last page</a>" in html
    # not "page 400 / 41": a page number only for a page that is there
    assert not re.search(r"\d+ / \d+", html), re.findall(r".{30}\d+ / \d+.{10}", html)
    # past the 10,000 that can be paged through as well: the same answer, not "narrow the
    # search" (a curator with a few hundred results was told to narrow them)
    far = requests.get(live.url + "/search", params={"page": "999", "sort": "date"}, timeout=30)
    assert far.status_code == 200
    assert "This page is past the last one." in far.text
    assert f'href="/search?sort=date&amp;offset={(pages - 1) * PAGE_SIZE}" rel="prev"' in far.text
    assert "paged through" not in far.text
    assert not re.search(r"\d+ / \d+", far.text)
    many = requests.get(
        live.url + "/search", params={"offset": "10001", "format": "json"}, timeout=30
    )
    assert many.status_code == 200
    assert many.json()["hits"] == []


def test_words_past_the_sixteenth_are_said_to_be_left_out(live: Live) -> None:
    """A 17th word that matched nothing still found the objects: it was dropped unsaid."""
    words = " ".join(["bullfight"] + [f"w{i}" for i in range(15)])
    params = {"q": words + " zzzzz"}
    html = requests.get(live.url + "/search", params=params, timeout=30).text
    assert "Only the first 16 words are searched." in html
    short = requests.get(live.url + "/search", params={"q": "bullfight"}, timeout=30).text
    assert "Only the first" not in short


def test_http_html_page(live: Live) -> None:
    page = requests.get(
        live.url + "/search", params=[("q", "picasso"), ("facet", "partner=Tate")], timeout=30
    )
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<form class="search-form" method="get" action="/search"' in html
    assert 'href="/search" aria-current="page">Search</a>' in html  # in the site navigation
    assert "Bullfight Scene" in html
    assert 'class="card"' in html
    # the count agrees with its noun: it said "1 objects"
    count = re.search(r'role="status">(\d+) (objects?) ', html)
    assert count is not None
    assert (count[1] == "1") == (count[2] == "object"), count[0]
    # a result opens its page on this server, not at its IRI's public host
    assert '<a href="/tate/object/T06803">Bullfight Scene</a>' in html
    assert "facet=partner%3DTate" in html  # the active facet's link removes it
    # the language menu keeps the search: a curator switching language keeps the results
    assert 'href="/search?q=picasso&amp;facet=partner%3DTate&amp;lang=fr"' in html
    assert 'name="date_from"' in html
    assert 'name="longest_max"' in html
    assert "style=" not in html
    assert "<script>" not in html
    arabic = requests.get(live.url + "/search", params={"q": "كتاب"}, timeout=30).text
    assert 'lang="ar" dir="rtl"' in arabic
    form = requests.get(
        live.url + "/search", params={"q": "", "date_from": "1900", "date_to": "1950"}, timeout=30
    )
    assert form.status_code == 200
    assert "Date: <bdi>1900–1950</bdi>" in form.text  # as a curator reads it; the URL keeps ..
    assert "date%3D1900..1950" in form.text


def test_a_misspelt_word_is_mended_when_nothing_matches(config: Config) -> None:
    """A curator typing "picaso" met "0 objects" and no way on."""
    picaso = ask(config, "Picaso")
    assert picaso.total == 0
    assert picaso.suggestion is not None
    # written as the records write it, not folded
    assert (picaso.suggestion.text, picaso.suggestion.total) == ("Picasso", 2)
    assert ask(config, "picasso").total == 2
    # two words mended, the operators and the rest as typed
    mended = ask(config, '"landscpe" watercolur -london').suggestion
    assert mended is not None
    assert mended.text == '"landscape" watercolor -london'  # in the case typed
    assert mended.total == ask(config, mended.text).total > 0
    # with the filters kept: what the mended search finds with them
    tate = ask(config, "turnr", "partner=Tate").suggestion
    assert tate is not None
    assert tate.total == ask(config, "turner", "partner=Tate").total > 0
    # Arabic too, a letter dropped and written with its own letters ("مطبوعه" folded)
    prints = ask(config, "مطبعة").suggestion
    assert prints is not None
    assert (prints.text, prints.total) == ("مطبوعة", ask(config, "مطبوعة").total)
    # an umlaut's spelled-out form is shown with its umlaut
    durer = ask(config, "Dureer").suggestion
    assert durer is not None
    assert (durer.text, durer.total) == ("Dürer", 3)
    # vowel marks and combining accents typed, an Arabic article: mended all the same
    for typed, shown in (("مَطْبعة", "مطبوعة"), ("المطبعة", "المطبوعة"), ("Pica\u0301so", "Picasso")):
        found = ask(config, typed).suggestion
        assert found is not None, typed
        assert found.text == shown
    # the reader's own capitals are kept: "river landscape", not "river Landscape"
    river = ask(config, "river landscpe").suggestion
    assert river is not None
    assert river.text == "river landscape"
    # a first letter mistyped (a key beside it, left out, one too many, two swapped)
    for typed in ("Oicasso", "icasso", "Xpicasso", "iPcasso", "Yurner"):
        found = ask(config, typed).suggestion
        assert found is not None, typed
        assert found.text.lower() in ("picasso", "turner"), typed


def test_a_latin_word_found_by_its_arabic_consonants_is_not_mended(config: Config) -> None:
    """ "Kitab" finds the Arabic museum's كتاب by its consonants, though no indexed word begins
    with "kitab": beside a misspelt word it was "mended" too, to "Kitaj" (R. B. Kitaj, at
    Tate), away from the word the search found."""
    from search.fts import _open
    from search.mending import mended_query

    with Searcher(Workspace(config.data_dir).published_dir) as searcher:
        db = _open(index_path(searcher.current()))
    try:
        assert ask(config, "Kitab").total > 0  # كتـــاب الحيوان
        assert mended_query(db, "Kitab Picaso") == "Kitab Picasso"  # not "Kitaj", the painter
    finally:
        db.close()


def test_no_suggestion_for_known_words_or_nothing_near(config: Config) -> None:
    # each word is known (as a whole word or as the start of one): only together they fail
    assert ask(config, "portrait lady").total == 0
    assert ask(config, "portrait lady").suggestion is None
    assert ask(config, "xqzzyv").suggestion is None  # nothing near enough
    assert ask(config, "pica").suggestion is None  # a prefix: it matches already
    assert ask(config, "pica").total > 0
    # a word left out is not mended ("-picaso" finds everything else anyway)
    assert ask(config, "picasso -picaso").suggestion is None
    picaso = ask(config, "Picaso -Picaso").suggestion
    assert picaso is not None
    assert picaso.text == "Picasso -Picaso"
    # a mended search that still finds nothing is not offered
    assert ask(config, "picaso", "date=1500..1600").suggestion is None


def test_a_place_a_maker_was_born_at_is_no_misspelling(config: Config, live: Live) -> None:
    """Picasso was born at Málaga and died at Mougins (Tate's record of him): places of
    birth and death are not searched ("London" would find every Turner), so "Malaga" found
    nothing, and the page asked "Did you mean: Madama?", a palace in Turin. The speller
    knows them (``ObjectDoc.known``), and searching still does not match on them."""
    for word in ("Malaga", "Málaga", "Mougins"):
        answer = requests.get(
            live.url + "/search", params={"q": word, "format": "json"}, timeout=30
        ).json()
        assert (answer["total"], answer["suggestion"]) == (0, None), word
    page = requests.get(live.url + "/search", params={"q": "Malaga"}, timeout=30).text
    assert 'class="nothing"' in page
    assert "Madama" not in page
    assert ask(config, "Madama").total == 1  # what it was "corrected" to is there
    # a misspelling is still mended beside it, and offered when that finds something
    either = ask(config, "Malaga OR picaso").suggestion
    assert either is not None
    assert (either.text, either.total) == ("Malaga OR picasso", 2)


def test_an_arabic_name_found_as_a_makers_name_is_not_mended(config: Config, live: Live) -> None:
    """ "ألبرز" (Albers) finds Josef Albers by the consonants of his name (``names``), but no
    indexed word begins with it: beside a word that matched nothing with it, "ألبرز مائية"
    (Albers, watercolour) was "mended" to "البرج مائية", the tower."""
    assert ask(config, "ألبرز").total == 1
    for lang in ("ar", "en"):
        answer = requests.get(
            live.url + "/search",
            params={"q": "ألبرز مائية", "format": "json", "lang": lang},
            timeout=30,
        ).json()
        assert (answer["total"], answer["suggestion"]) == (0, None), lang
    # the misspelt word beside the name is mended, the name kept
    answer = requests.get(
        live.url + "/search", params={"q": "ألبرز مطبعة", "format": "json"}, timeout=30
    ).json()
    assert answer["suggestion"] == {"q": "ألبرز مطبوعة", "total": 1}


def test_the_page_offers_the_mended_search(config: Config, live: Live) -> None:
    for lang, words in (("en", "Did you mean:"), ("fr", "Vouliez-vous dire\u202f:")):
        page = requests.get(
            live.url + "/search",
            params=[("q", "turnr"), ("facet", "partner=Tate"), ("lang", lang)],
            timeout=30,
        ).text
        assert words in page
        link = re.search(r'<p class="suggestion"[^>]*>[^<]*<a href="([^"]+)"[^>]*>turner</a>', page)
        assert link is not None, page
        assert html.unescape(link[1]) == "/search?q=turner&facet=partner%3DTate"
        # nothing found: the message under the count, no empty column of filters beside it
        assert 'class="nothing"' in page
        assert 'class="search-layout"' not in page
    answer = requests.get(
        live.url + "/search", params={"q": "picaso", "format": "json"}, timeout=30
    ).json()
    assert answer["suggestion"] == {"q": "picasso", "total": 2}
    table = museion(config, "search", "picaso")
    assert "Did you mean: picasso (2 objects)?" in table.stdout
    one = museion(config, "search", "chagall")  # the terminal said "1 of 1 objects"
    assert "1 of 1 object\n" in one.stdout, one.stdout


def test_a_card_shows_the_title_in_the_readers_language(live: Live) -> None:
    """The lamp is named in Arabic and in English; every page showed its first title (an
    Arabic page, a museum's French one)."""
    for lang, title in (("ar", "مِصْبَاحُ مَسْجِدٍ"), ("en", "Mosque lamp")):
        page = requests.get(live.url + "/search", params={"q": "lamp", "lang": lang}, timeout=30)
        assert f">{title}</a></h2>" in html.unescape(page.text), lang


def test_object_types_and_materials_are_listed_in_the_readers_language(live: Live) -> None:
    """The French page listed "paper (fiber product)" where the object pages say "papier"."""
    page = html.unescape(
        requests.get(live.url + "/search", params={"q": "", "lang": "fr"}, timeout=30).text
    )
    assert '<span class="v" dir="auto">papier</span>' in page
    assert "paper (fiber product)" not in page
    assert "facet=material%3Dpaper+%28fiber+product%29" in page  # the link keeps the value


@pytest.mark.parametrize(("lang", "after"), [("en", "after"), ("fr", "d’après"), ("ar", "نقلاً عن")])
def test_a_card_says_after_whom_a_work_is_in_the_readers_language(
    live: Live, lang: str, after: str
) -> None:
    """Tate's print after Turner read "after Joseph Mallord William Turner" on French and
    Arabic cards, where its object page says "d’après"."""
    page = requests.get(live.url + "/search", params={"q": "Hythe", "lang": lang}, timeout=30)
    expected = f'<p class="makers">{after} <bdi>Joseph Mallord William Turner</bdi></p>'
    assert expected in html.unescape(page.text)


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "date not known"), ("fr", "date inconnue"), ("ar", "التاريخ غير معروف")],
)
def test_a_card_says_a_work_is_undated_in_the_readers_language(
    live: Live, lang: str, said: str
) -> None:
    """Tate's "date not known" stood in English on French and Arabic cards."""
    page = requests.get(
        live.url + "/search", params={"q": "Richard Cooper", "lang": lang}, timeout=30
    )
    assert f'<bdi class="date" dir="auto">{said}</bdi>' in html.unescape(page.text)


def test_words_that_are_a_date_lead_to_the_date_filter(live: Live) -> None:
    """ "1880s" and "19th century" found nothing, with no pointer to the date fields."""
    page = html.unescape(requests.get(live.url + "/search", params={"q": "1880s"}, timeout=30).text)
    assert "Looking for works made in 1880–1889?" in page
    assert '<a href="/search?facet=date=1880..1889">Search by date</a>' in page.replace("%3D", "=")
    plain = requests.get(live.url + "/search", params={"q": "picasso"}, timeout=30).text
    assert "Search by date" not in plain
    number = requests.get(live.url + "/search", params={"q": "2007/1"}, timeout=30).text
    assert "Search by date" not in number  # an accession number, not 2007–2011
    huge = requests.get(
        live.url + "/search", params={"facet": "date=" + "9" * 400 + ".."}, timeout=30
    )
    assert huge.status_code < 500  # a 400-digit bound gave 500


@pytest.mark.parametrize(
    ("lang", "q", "said", "wanted"),
    [
        ("en", "Turner 1840s", "Looking for “Turner” among the works made in", "Turner 1840..1849"),
        ("fr", "bronze XIXe siècle", "Vous cherchez « bronze » parmi", "bronze 1800..1899"),
        ("ar", "1880-1900 oil", "هل تبحث عن «oil»", "oil 1880..1900"),
    ],
)
def test_words_beside_a_date_lead_to_those_words_in_those_years(
    live: Live, lang: str, q: str, said: str, wanted: str
) -> None:
    """A curator's "Turner 1840s" and "bronze XIXe siècle" found nothing, and said nothing of
    the date filter that "1840s" alone pointed to: the words now go with the years."""
    page = requests.get(live.url + "/search", params={"q": q, "lang": lang}, timeout=30)
    text = html.unescape(page.text)
    assert said in " ".join(re.sub(r"</?bdi>", "", text).split())
    link = re.search(r'<p class="count hint">.*?<a href="([^"]+)"', text)
    assert link is not None
    target = parse_qs(urlsplit(link[1]).query)
    words, years = wanted.split()
    assert (target["q"], target["facet"]) == ([words], [f"date={years}"])
    found = requests.get(live.url + link[1] + "&format=json", timeout=30).json()
    assert found["total"] > 0  # Snow Storm (exhibited 1842), a luncheon spoon (c. 1875), …


def test_a_second_lender_can_be_added_to_the_first(live: Live) -> None:
    """After choosing Tate, the lender facet listed Tate alone."""
    page = requests.get(live.url + "/search", params={"facet": "partner=Tate"}, timeout=30)
    assert "?facet=partner%3DTate&amp;facet=partner%3DCarnegie+Museum+of+Art" in page.text


def test_a_mistake_in_the_form_is_said_in_the_readers_language_and_the_form_kept(
    live: Live,
) -> None:
    """Reversed dates gave "facet date: '1900..1800' ends before it begins" in English on the
    French page, with the words and dates emptied."""
    reply = requests.get(
        live.url + "/search",
        params={"q": "oil", "date_from": "1900", "date_to": "1800", "lang": "fr"},
        timeout=30,
    )
    assert reply.status_code == 400
    page = html.unescape(reply.text)
    # each value the reader sent is isolated (<bdi>) in the translation
    said = "L’année de fin (<bdi>1800</bdi>) précède l’année de début (<bdi>1900</bdi>)."
    assert said in page
    assert 'name="q" value="oil"' in page
    assert 'name="date_from" size="14" placeholder="1850, 300 av. J.-C." value="1900"' in page
    # a page past the last result, past the 10,000 that can be paged too: no mistake, and
    # the words kept (only a search with more results than that is asked to narrow)
    far = requests.get(live.url + "/search", params={"q": "oil", "page": "999"}, timeout=30)
    assert far.status_code == 200
    assert "This page is past the last one." in far.text
    assert 'name="q" value="oil"' in far.text


def test_years_before_christ_are_typed_and_shown_as_people_write_them() -> None:
    """The form read "-44" as the astronomical year −44 (45 BC), and the date facet said
    "-100–-1" and "0–99", by astronomical hundreds (1 BC among 1–99)."""
    from search.fts_build import century_of, century_years
    from sparql.search_page import FormError, _shown, form_year

    assert form_year("-44", last=False) == form_year("44 BC", last=False) == -43
    assert form_year("44 av. J.-C.", last=True) == form_year("−44", last=True) == -43
    assert form_year("19th century", last=False) == 1800
    assert form_year("19th century", last=True) == 1899
    with pytest.raises(FormError):
        form_year("soon", last=False)
    assert [century_of(y) for y in (1999, 1900, 99, 1, 0, -99, -100, -199)] == [
        19,
        19,
        0,
        0,
        -1,
        -1,
        -2,
        -2,
    ]
    for century in (-3, -2, -1, 0, 1, 19):
        first, last = century_years(century)
        assert century_of(first) == century_of(last) == century
        assert century_of(first - 1) == century - 1
    assert _shown("date", "{}..{}".format(*century_years(-1))) == "100–1 BC"
    assert _shown("date", "{}..{}".format(*century_years(0))) == "1–99"
    assert _shown("date", "-43..14") == "44 BC–14"


def test_demo_ends_by_printing_the_search_url(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "museion", "demo", "--data", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("Search: http://localhost:8000/search")


@pytest.mark.parametrize(
    ("total", "offset", "answer"),
    [
        (50_000, 20_000, None),  # more than can be paged: narrow the search
        (12_000, 20_000, None),  # past its last result, but its results go past 10,000 too
        (10_500, 10_500, None),
        (812, 19_960, 812),  # past the end: the page after the last result
        (0, 10_020, 0),
    ],
)
def test_a_page_past_what_can_be_paged_is_refused_when_the_results_go_on(
    total: int, offset: int, answer: int | None
) -> None:
    """More results than the 10,000 that can be paged through: narrow the search; fewer:
    the page past the last one, as for any page past the end."""
    from dataclasses import dataclass

    from starlette.requests import Request

    from sparql import search_page

    @dataclass
    class Counted:
        total: int

    class Searcher:
        def search(self, _request: object) -> Counted:
            return Counted(total=total)

    query = f"q=paper&offset={offset}".encode()
    request = Request({"type": "http", "path": "/search", "query_string": query, "headers": []})
    if answer is None:
        with pytest.raises(search_page.FormError, match="paged through"):
            search_page._past_the_end(request, Searcher(), offset)  # type: ignore[arg-type]
    else:
        got, counted = search_page._past_the_end(request, Searcher(), offset)  # type: ignore[arg-type]
        assert got.offset == answer
        assert counted.total == total


def test_a_page_past_the_end_is_searched_once() -> None:
    """A page past what can be paged (``page=999`` of 812 results) ran the search twice:
    once to count the results, once more for the page at the end, whose answer the count
    already was."""
    import asyncio

    from starlette.requests import Request

    from sparql import search_page

    asked: list[SearchRequest] = []

    class Searcher:
        def search(self, request: SearchRequest) -> SearchResult:
            asked.append(request)
            return SearchResult(total=812, hits=[], facets={"partner": {"Tate": 812}})

    query = b"q=paper&page=999&format=json"
    request = Request({"type": "http", "path": "/search", "query_string": query, "headers": []})
    reply = asyncio.run(
        search_page.search_endpoint(request, Searcher(), "https://data.example.org/")  # type: ignore[arg-type]
    )
    assert reply.status_code == 200
    assert json.loads(bytes(reply.body)) == {
        "total": 812,
        "hits": [],
        "facets": {"partner": {"Tate": 812}},
        "suggestion": None,
        "offset": 812,
        "limit": PAGE_SIZE,
    }
    assert len(asked) == 1


def test_the_longest_side_takes_a_decimal_comma_and_says_its_mistakes_in_french(
    live: Live,
) -> None:
    """ "12,5" was refused in English with the facet syntax's own words ("facet
    longest_side_cm: '<=12,5' is not a range")."""
    comma = requests.get(live.url + "/search", params={"longest_max": "12,5"}, timeout=30)
    point = requests.get(live.url + "/search", params={"longest_max": "12.5"}, timeout=30)
    assert comma.status_code == point.status_code == 200
    assert "longest_side_cm%3D%3C%3D12.5" in comma.text  # the chosen size, in the links
    total = re.search(r'role="status">(\d+)', comma.text)
    assert total is not None
    assert total[1] == re.search(r'role="status">(\d+)', point.text)[1]  # type: ignore[index]
    wrong = requests.get(
        live.url + "/search",
        params={"q": "paper", "longest_max": "douze", "sort": "-date", "lang": "fr"},
        timeout=30,
    )
    assert wrong.status_code == 400
    assert "« <bdi>douze</bdi> » n’est pas une longueur en centimètres" in wrong.text
    # the mended form keeps the order chosen, as it keeps the words and the filters
    assert '<input type="hidden" name="sort" value="-date">' in wrong.text
    big = requests.get(
        live.url + "/search", params={"longest_max": "999999.9", "format": "json"}, timeout=30
    )
    assert big.status_code == 200, big.text  # was '<=1e+06', refused as no range
