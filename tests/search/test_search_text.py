"""Folding and normalisation for search, and the facet syntax: pure functions."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from mappings.normalise import fold, fold_script, normalise_arabic, strip_arabic_article
from museion_core.errors import QueryError, StoreError
from search import FtsEngine, Range, index_forms, match_expression, parse_facets
from search.extract import ObjectDoc
from search.text import name_forms, name_keys, skeleton, tokens


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Albrecht Dürer", "albrecht durer"),
        ("SCHÜTTE", "schutte"),
        ("Scène de corrida", "scene de corrida"),
        ("Straße", "strasse"),
        ("Œuvre", "œuvre"),
        ("Ἀθῆναι", "αθηναι"),
        ("Шагал", "шагал"),
    ],
)
def test_fold_script_folds_case_and_diacritics_in_the_script(text: str, folded: str) -> None:
    assert fold_script(text) == folded


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("مُحَمَّد", "محمد"),  # tashkeel
        ("كتـــاب", "كتاب"),  # tatweel
        ("أحمد إبراهيم آمنة ٱلله", "احمد ابراهيم امنه الله"),  # alef forms, taa marbuta
        ("مدرسة", "مدرسه"),  # taa marbuta
        ("مصطفى", "مصطفي"),  # alef maqsura
        ("١٢٣٤٥٦٧٨٩٠ ۱۲۳", "1234567890 123"),  # Arabic-Indic and Persian digits
        ("Dürer", "Dürer"),  # other scripts untouched
    ],
)
def test_normalise_arabic(text: str, normalised: str) -> None:
    assert normalise_arabic(text) == normalised


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("السجاده", "سجاده"),  # the article
        ("المخطوط", "مخطوط"),
        ("والمخطوط", "مخطوط"),  # and the
        ("بالقاهره", "قاهره"),  # in the
        ("فالكتاب", "كتاب"),  # so the
        ("كالذهب", "ذهب"),  # like the
        ("للمتحف", "متحف"),  # for the
        ("مخطوط", "مخطوط"),  # no article
        # the letters of the article in a short word are the word's own
        ("الم", "الم"),  # pain
        ("الف", "الف"),  # thousand
        ("الله", "الله"),  # not the pronoun له
        ("لله", "لله"),
        ("والده", "والده"),  # mother: not "ده"
        ("بالون", "بالون"),  # balloon
        ("alqahira", "alqahira"),  # Latin script: "al-" is the query's business
    ],
)
def test_strip_arabic_article(word: str, stem: str) -> None:
    assert strip_arabic_article(word) == stem


def test_fold_transliterates_for_reconciliation_and_search() -> None:
    assert fold("Ōkura, Shûzô") == "okura shuzo"
    assert fold("Шагал") == "shagal"


def test_skeleton_matches_arabic_transliterations() -> None:
    assert skeleton("muhammad") == skeleton(fold("محمد")) == "mhmd"
    assert skeleton("mahmoud") == skeleton(fold("محمود")) == "mhmd"
    assert skeleton("yusuf") == skeleton(fold("يوسف"))


def test_index_forms_hold_every_form_a_query_may_take() -> None:
    body, abjad = index_forms(["Gerhard Schütte", "Шагал", "مُحَمَّد بن أحمد", "القاهرة"])
    words = set(body.split())
    assert {"schutte", "schuette", "шагал", "shagal", "محمد", "احمد", "القاهره"} <= words
    assert {"mhmd", "hmd", "qhrh"} <= set(abjad.split())


@pytest.mark.parametrize(
    ("arabic", "name"),
    [
        ("بيكاسو", "Pablo Picasso"),  # no "p" in Arabic, "c" is "k"
        ("تيرنر", "Joseph Mallord William Turner"),
        ("سيزان", "Paul Cézanne"),  # "c" before "e" is "s"
        ("شاغال", "Marc Chagall"),  # "ch" is ش
        ("غينزبره", "Thomas Gainsborough"),  # "gh" at the end is silent, ه ends the name
        ("سارجنت", "John Singer Sargent"),  # "g" before "e" is ج
        ("هيروشيغي", "Hiroshige Andō"),  # or غ
        ("بويز", "Joseph Beuys"),  # a German "s" is ز
        ("جون", "John Piper"),  # an "h" after a vowel, before none, is silent
        ("وارهول", "Andy Warhol"),  # one before a vowel is not
    ],
)
def test_an_arabic_query_finds_a_makers_name_in_latin_script(arabic: str, name: str) -> None:
    """The other way from ``abjad``: a maker's Latin-script name is indexed by the consonants
    Arabic writes it with, and an Arabic query word asks for them, whole."""
    expression = match_expression(arabic)
    assert expression is not None
    (key,) = (k for k in name_keys(name) if f'names:"{k}")' in expression)
    assert key in name_forms([name]).split()


def test_a_makers_key_is_no_title_initial_nor_lone_consonant() -> None:
    """ "Sir" was "sr", صورة (a picture); "L." and "Lee" were "l", على and لوحة."""
    assert name_keys("Sir Edward Coley Burne-Jones, Bt") == ("drd", "kl", "brn", "jns")
    assert name_keys("Frederick P. L. Mills") == ("frdrk", "mls")
    assert name_keys("Edward Brown Lee") == ("drd", "brn")
    assert name_keys("unknown American") == ("mrkn",)
    for word in ("على", "لوحة", "في"):  # a lone consonant asks for no name
        assert "names:" not in (match_expression(word) or "")
    # a word left out, or in a phrase, is not looked for among the names
    assert "names:" not in (match_expression('"بيكاسو تيرنر"') or "")
    assert (match_expression("-بيكاسو تيرنر") or "").count("names:") == 1
    assert name_forms(["Pablo Picasso", "", "محمد"]) == "bl bks"  # Arabic: abjad's


def test_arabic_words_are_indexed_and_asked_for_without_their_article() -> None:
    body, abjad = index_forms(["السجادة الحمراء", "كتاب للمتحف"])
    assert {"السجاده", "سجاده", "حمراء", "متحف", "للمتحف"} <= set(body.split())
    assert "سجاده حمراء" in body  # the words again in order: phrases match without articles
    assert "sjdh" in abjad.split()
    expression = match_expression("السجادة")
    assert expression == (
        '(body:"السجاده"* OR body:"سجاده"* OR body:"lsjdh"* OR names:"lsjd")'  # "ألبرز" has "ال"
    )
    assert match_expression("الله") == '(body:"الله"* OR body:"llh"*)'  # article kept


def _search(path: Path, text: str) -> set[str]:
    return {hit.title for hit in FtsEngine().search(path, parse_facets([], text=text)).hits}


def test_the_arabic_article_is_typed_or_not(tmp_path: Path) -> None:
    """A partner museum's registrar: "سجادة" found the carpet, "السجادة" nothing; most
    Arabic users type the article. Either now finds the other, in the record and the query."""
    titles = [
        "سجادة",  # carpet
        "المخطوط",  # the manuscript
        "السجادة الحمراء",  # the red carpet
        "بسم الله",  # "in the name of God": الله keeps its letters
        "كتاب له",  # "a book of his"
        "ألم",  # pain (with hamza): not "م"
        "L’atelier du peintre",  # French "l'": "ال" alone, transliterated "l", found it
    ]
    docs = [
        ObjectDoc(iri=f"https://x.example/o/{n}", title=t, texts=[t]) for n, t in enumerate(titles)
    ]
    index = tmp_path / "index.sqlite"
    FtsEngine().write(docs, index)
    carpets = {"سجادة", "السجادة الحمراء"}
    assert _search(index, "سجادة") == carpets
    assert _search(index, "السجادة") == carpets  # the article in the query only
    assert _search(index, "بالسجادة") == carpets  # with a proclitic
    assert _search(index, "مخطوط") == {"المخطوط"}  # the article in the record only
    assert _search(index, "المخطوط") == {"المخطوط"}
    assert _search(index, "والمخطوط") == {"المخطوط"}  # "and the", the article in both
    assert _search(index, '"سجادة حمراء"') == {"السجادة الحمراء"}  # a phrase, either way
    assert _search(index, '"السجادة الحمراء"') == {"السجادة الحمراء"}
    assert _search(index, '"الحمراء السجادة"') == set()  # still in order
    assert _search(index, "الله") == {"بسم الله"}  # not "له"
    assert _search(index, "له") == {"كتاب له"}
    assert _search(index, "م") == set()
    assert _search(index, "ال") == set()  # the article alone is no word of any title
    assert _search(index, "مَخْطُوط") == {"المخطوط"}  # vowel marks still removed


def test_azerbaijani_names_are_found_as_they_are_romanised() -> None:
    """ "Sattar Bahlulzade" and "Latif Karimov", the usual spellings, found nothing: ə was
    indexed only as the transliteration's "e"."""
    body, _ = index_forms(["Səttar Bəhlulzadə", "Lətif Kərimov"])
    for spelling in ("sattar", "settar", "bahlulzade", "behlulzade", "latif", "karimov"):
        assert spelling in body.split(), spelling


def test_match_expression() -> None:
    assert tokens("Dürer, Albrecht!") == ["durer", "albrecht"]
    expression = match_expression("Dürer")
    assert expression is not None
    assert 'body:"durer"*' in expression
    assert match_expression("  ,;  ") is None
    assert match_expression("al-Qahira") == '(body:"qahira"* OR abjad:"qhr"*)'
    # as in the search boxes people know: a phrase, either word, and a word left out
    assert match_expression('"oil on canvas"') == '(body:"oil on canvas"*)'
    assert match_expression("picasso OR turner") == (
        '((body:"picasso"* OR abjad:"pcs"*) OR (body:"turner"* OR abjad:"trnr"*))'
    )
    assert (
        match_expression("turner -devon")
        == match_expression("turner NOT devon")
        == ('(body:"turner"* OR abjad:"trnr"*) NOT (body:"devon"*)')  # no skeleton: "-ali"
    )
    # a hyphenated word left out or given as an alternative is one term, not a term a word
    assert match_expression("-al-qahira turner") == (
        '(body:"turner"* OR abjad:"trnr"*) NOT (body:"al qahira"*)'
    )
    assert match_expression("picasso OR saint-denis") == (
        '((body:"picasso"* OR abjad:"pcs"*) OR (body:"saint denis"*))'
    )
    assert match_expression("turner or gold") == (  # "or" in lower case is a word (French)
        '(body:"turner"* OR abjad:"trnr"*) AND (body:"or" OR abjad:"r") AND '
        '(body:"gold"* OR abjad:"gld"*)'
    )
    assert match_expression("-devon") is None  # nothing is left out of everything
    assert match_expression("Saint-Denis") == match_expression("Saint Denis")
    many = match_expression(" ".join(f"w{n}" for n in range(100)))
    assert many is not None
    assert many.count(" AND ") == 15  # bounded
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute("CREATE VIRTUAL TABLE fts USING fts5(body, abjad, names)")
        hostile_queries = ('x"y OR z', "NEAR(a b)", "body:* -x ^y", "a AND NOT b", "(((", "*")
        for hostile in (*hostile_queries, 'OR NOT -"', '"a" OR -"b c', "NOT NOT x", "- -x OR"):
            expression = match_expression(hostile)  # the query's syntax is never FTS5 syntax
            if expression is not None:
                db.execute("SELECT * FROM fts WHERE fts MATCH ?", [expression]).fetchall()


def test_parse_facets() -> None:
    request = parse_facets(
        [
            "maker=Pablo Picasso",
            "maker=Albrecht Dürer",
            "date=1900..1950",
            "longest_side_cm<=100",
            "has_image=yes",
        ],
        partner="tate",
        text="bull",
    )
    assert request.facets == {"maker": ("Pablo Picasso", "Albrecht Dürer"), "partner": ("tate",)}
    assert request.date == Range(1900, 1950)
    assert request.longest_side_cm == Range(None, 100)
    assert request.has_image is True
    assert parse_facets(["longest_side_cm=<=40"]).longest_side_cm == Range(None, 40)
    assert parse_facets(["date=..1800"]).date == Range(None, 1800)
    assert parse_facets(["date=1650"]).date == Range(1650, 1650)
    assert ("date", "1900..1950") in request.selected()
    assert ("longest_side_cm", "<=100") in request.selected()


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["colour=red"], "unknown facet 'colour'"),
        (["maker"], "write KEY=VALUE"),
        (["maker="], "write KEY=VALUE"),
        (["date=1950..1900"], "ends before it begins"),
        (["date=early"], "not a range"),
        (["date=.."], "at least one bound"),
        (["has_image=perhaps"], "not yes or no"),
    ],
)
def test_bad_facets_are_one_line_errors(pairs: list[str], message: str) -> None:
    with pytest.raises(QueryError, match=message) as caught:
        parse_facets(pairs)
    assert caught.value.http_status == 400


def test_requests_are_bounded() -> None:
    with pytest.raises(QueryError, match="longer than 500"):
        parse_facets([], text="x" * 501)
    with pytest.raises(QueryError, match="limit"):
        parse_facets([], limit=101)
    with pytest.raises(QueryError, match="offset"):
        parse_facets([], offset=-1)


def test_an_index_of_another_version_asks_for_reindex(tmp_path: Path) -> None:
    old = tmp_path / "snapshot.search.sqlite"
    db = sqlite3.connect(old)
    db.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO meta VALUES ('schema', '0')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="museion reindex"):
        FtsEngine().search(old, parse_facets([]))
    with pytest.raises(StoreError, match="museion reindex"):
        FtsEngine().search(tmp_path / "missing.search.sqlite", parse_facets([]))


def test_hits_sorted_by_date_made_or_by_title(tmp_path: Path) -> None:
    """A curator planning a chronological hang had only relevance or title order."""
    made: dict[str, tuple[int | None, int | None] | None] = {
        "Lamp": (1300, 1399),
        "Bowl": (1880, 1890),
        "Plate": (1900, 1900),
        "Cup": None,
        "Sketch": (None, 1842),  # "exhibited 1842": an end alone
    }
    docs = [
        ObjectDoc(
            iri=f"https://x.example/o/{n}",
            title=title,
            texts=[title, "ceramic"],
            begin=span[0] if span else None,
            end=span[1] if span else None,
        )
        for n, (title, span) in enumerate(made.items())
    ]
    index = tmp_path / "index.sqlite"
    FtsEngine().write(docs, index)

    def titles(sort: str, text: str = "", **facets: str) -> list[str]:
        pairs = [f"{k}={v}" for k, v in facets.items()]
        request = parse_facets(pairs, text=text, sort=sort)
        return [hit.title for hit in FtsEngine().search(index, request).hits]

    assert titles("date") == ["Lamp", "Sketch", "Bowl", "Plate", "Cup"]  # undated last
    assert titles("-date") == ["Plate", "Bowl", "Sketch", "Lamp", "Cup"]
    assert titles("title") == ["Bowl", "Cup", "Lamp", "Plate", "Sketch"]
    assert titles("date", "ceramic") == ["Lamp", "Sketch", "Bowl", "Plate", "Cup"]  # words
    assert titles("-date", date="1800..1950") == ["Plate", "Bowl"]  # with a filter
    with pytest.raises(QueryError, match="sort 'oldest'"):
        parse_facets([], sort="oldest")


def test_a_vocabulary_word_in_arabic_is_no_name_typed_in_latin_script(tmp_path: Path) -> None:
    """Museion names AAT's etching in Arabic ("حفر حمضي"), and every etching carries that label
    in the index: as a consonant skeleton "حمضي" is "hmd", so a search for "Ahmad" listed the
    etchings beside the lamp a man of that name made. A concept's labels are words to find in
    their own script, not names to find by their skeleton."""
    docs = [
        ObjectDoc(iri="https://x.example/o/1", title="Lamp", texts=["Lamp", "أحمد"]),
        ObjectDoc(iri="https://x.example/o/2", title="Etching", terms=["etching", "حفر حمضي"]),
    ]
    index = tmp_path / "index.sqlite"
    FtsEngine().write(docs, index)
    assert _search(index, "Ahmad") == {"Lamp"}
    assert _search(index, "حمضي") == {"Etching"}  # the word itself finds it
    assert _search(index, "etching") == {"Etching"}


def test_a_plural_finds_the_works_named_in_the_singular(tmp_path: Path) -> None:
    """A curator typing "etchings" met "0 objects" though 34 etchings were in the demo, and
    "horses" found one work of the fifteen with a horse: a plural is also asked for by its
    singular, as a whole word, in English and French."""
    titles = [
        "Etching of a bridge",
        "A horse at rest",
        "Two horses",
        "Study of a hand",
        "Sketch for a ceiling",
        "Aquarelle du port",
        "View of Paris",
        "Pari mutuel",  # "Paris" is no plural of "pari"
        "A glass of water",
        "Horsemanship",  # the singular is a whole word, not a prefix
    ]
    docs = [
        ObjectDoc(iri=f"https://x.example/o/{n}", title=t, texts=[t]) for n, t in enumerate(titles)
    ]
    index = tmp_path / "index.sqlite"
    FtsEngine().write(docs, index)
    assert _search(index, "etchings") == {"Etching of a bridge"}
    assert _search(index, "horses") == {"A horse at rest", "Two horses"}
    assert _search(index, "studies") == {"Study of a hand"}
    assert _search(index, "sketches") == {"Sketch for a ceiling"}
    assert _search(index, "aquarelles") == {"Aquarelle du port"}
    assert _search(index, "Paris") == {"View of Paris"}
    assert _search(index, "glass") == {"A glass of water"}
    assert _search(index, '"two horses"') == {"Two horses"}  # a phrase as typed
    assert _search(index, '"horses"') == {"Two horses"}  # a quoted word too
    assert _search(index, "-horses rest") == {"A horse at rest"}  # left out as typed
    assert _search(index, "horse") == {"A horse at rest", "Two horses", "Horsemanship"}


def test_a_medium_is_found_as_french_and_arabic_write_it(tmp_path: Path) -> None:
    """A French curator's "huile sur toile" found nothing though the demo had 22 oil
    paintings, and "زيت على قماش" (oil on canvas) one: the vocabulary's labels name them
    ("huile", "toile"; "زيت", "قماش"), but no text says "sur" or "على". The small words that
    join a medium's words are optional beside others, as the Arabic article is."""
    docs = [
        ObjectDoc(
            iri="https://x.example/o/1",
            title="Winter Scene",
            texts=["Winter Scene", "oil on canvas"],
            terms=["peinture à l'huile", "toile", "زيت", "قماش"],
        ),
        ObjectDoc(
            iri="https://x.example/o/2",
            title="Study of a Hand",
            texts=["Study of a Hand", "ink on paper"],
            terms=["encre", "papier", "حبر", "ورق"],
        ),
        ObjectDoc(iri="https://x.example/o/3", title="Surrey", texts=["Surrey", "oil"]),
    ]
    index = tmp_path / "index.sqlite"
    FtsEngine().write(docs, index)
    assert _search(index, "huile sur toile") == {"Winter Scene"}
    assert _search(index, "زيت على قماش") == {"Winter Scene"}
    assert _search(index, "encre sur papier") == {"Study of a Hand"}
    assert _search(index, "oil on canvas") == {"Winter Scene"}
    assert _search(index, "study of a hand") == {"Study of a Hand"}
    assert _search(index, "sur") == {"Surrey"}  # alone, a word as any other
    assert _search(index, '"huile sur toile"') == set()  # a phrase is asked for as typed


def test_a_word_is_found_as_either_side_of_the_atlantic_spells_it(tmp_path: Path) -> None:
    """A curator's "watercolour" found Tate's 45 watercolours and none of Carnegie's 76,
    which write "watercolor"; "grey" found nothing, "gray" one work."""
    titles = ["Watercolour on paper", "watercolor on paper", "Grey Morning", "A Gray Day"]
    docs = [
        ObjectDoc(iri=f"https://x.example/o/{n}", title=t, texts=[t]) for n, t in enumerate(titles)
    ]
    index = tmp_path / "index.sqlite"
    FtsEngine().write(docs, index)
    both = {"Watercolour on paper", "watercolor on paper"}
    assert _search(index, "watercolour") == both
    assert _search(index, "watercolor") == both
    assert _search(index, "watercolours") == both
    assert _search(index, "grey") == _search(index, "gray") == {"Grey Morning", "A Gray Day"}
    assert _search(index, '"watercolour"') == {"Watercolour on paper"}  # quoted: as typed


def test_a_word_left_out_is_left_out_as_typed_not_by_its_singular(tmp_path: Path) -> None:
    """ "portrait -Roberts" left out every Robert too: the plural rule reduced the excluded
    name to "robert". A word left out is taken as typed, as a quoted word is (still as a
    prefix: "-Roberts" leaves out "Robertson" too)."""
    titles = [
        "Portrait of David Roberts",
        "Portrait of Robert Adam",
        "Portrait of Robertson",
        "Portrait of a lady",
    ]
    docs = [
        ObjectDoc(iri=f"https://x.example/o/{n}", title=t, texts=[t]) for n, t in enumerate(titles)
    ]
    index = tmp_path / "index.sqlite"
    FtsEngine().write(docs, index)
    assert _search(index, "portrait -Roberts") == {"Portrait of Robert Adam", "Portrait of a lady"}
    assert _search(index, "portrait NOT Roberts") == _search(index, "portrait -Roberts")
    assert _search(index, 'portrait -"Roberts"') == _search(index, "portrait -Roberts")
    assert _search(index, "portrait -Robert") == {"Portrait of a lady"}
    # asked for, "Roberts" still finds a Robert (and, as a prefix, Robertson)
    assert _search(index, "Roberts") == set(titles) - {"Portrait of a lady"}


def test_a_plural_the_search_finds_by_its_singular_is_not_mended(tmp_path: Path) -> None:
    """ "turnr watercolours" suggested "turner watercolors": the plural found the works by
    its singular ("watercolour"), yet the mending, which knew no plural rule, took it for a
    misspelling and changed the reader's right word for another spelling."""
    titles = ["Turner: a watercolour of Venice", "Watercolors of the Hudson"]
    docs = [
        ObjectDoc(iri=f"https://x.example/o/{n}", title=t, texts=[t]) for n, t in enumerate(titles)
    ]
    index = tmp_path / "index.sqlite"
    FtsEngine().write(docs, index)
    assert _search(index, "turner watercolours") == {"Turner: a watercolour of Venice"}
    found = FtsEngine().search(index, parse_facets([], text="turnr watercolours"))
    assert found.suggestion is not None
    assert found.suggestion.text == "turner watercolours"
