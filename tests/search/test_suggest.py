"""The pure part of "did you mean" (``search.suggest``): which words are checked, the nearest
indexed word, and the query rewritten with its fixes."""

from __future__ import annotations

from search.suggest import candidates_length, mended, nearest, words_to_mend


def test_only_words_asked_for_of_letters_and_four_long_are_checked() -> None:
    assert words_to_mend('Picaso "oil on canvs" -londn OR T12345 bul picaso') == [
        "picaso",
        "canvs",
    ]


def test_the_nearest_word_within_its_edits_and_the_commonest_of_equals() -> None:
    words = [("picasso", 2), ("pissarro", 9), ("picador", 1)]
    assert nearest("picaso", words) == "picasso"
    assert nearest("picsaso", words) == "picasso"  # two letters swapped, then one dropped
    # a five-letter word takes one edit: "tunre" is two from "turner", one (a swap) from "tuner"
    assert nearest("tunre", [("turner", 5)]) is None
    assert nearest("tunre", [("turner", 5), ("tuner", 1)]) == "tuner"  # nearer over commoner
    assert nearest("tuner", [("turner", 5), ("tunes", 1)]) == "turner"  # equally near: commoner
    assert nearest("tunes", [("tuned", 3), ("tones", 3)]) == "tones"  # then alphabetical
    assert nearest("abcdefgh", [("abcdwxyz", 100)]) is None
    assert candidates_length("picaso") == (4, 8)
    assert candidates_length("lamp") == (3, 5)


def test_the_query_is_rewritten_as_typed_but_the_fixes() -> None:
    fixes = {"picaso": "Picasso", "londn": "London"}
    assert mended('Picaso  "in londn" -tate OR x', fixes) == 'Picasso  "in london" -tate OR x'
    assert mended("l'atelier picaso", fixes) == "l'atelier picasso"
    assert mended("PICASO", fixes) == "PICASSO"
    # words left out stay as typed
    assert mended("picaso -picaso NOT picaso", fixes) == "picasso -picaso NOT picaso"


def test_a_word_is_mended_only_where_the_search_asks_for_it() -> None:
    """The mending reads a query's operators as the search does: "NOT" stands until a word
    takes it, whatever comes between, so the word after "NOT OR" or "NOT -" is left out."""
    from search.text import searched_words

    fixes = {"picaso": "Picasso"}
    for query in ("tate NOT OR picaso", "tate NOT - picaso", "tate NOT ... picaso"):
        assert "picaso" not in searched_words(query)
        assert mended(query, fixes) == query
    assert mended("OR picaso", fixes) == "OR picasso"  # a leading OR is no operator
    assert searched_words("OR picaso") == ["or", "picaso"]


def test_how_the_records_write_each_indexed_word() -> None:
    from search.text import spellings

    assert spellings("Picasso, pablo: CORRIDA") == (("picasso", "Picasso"), ("corrida", "CORRIDA"))
    pairs = set(spellings("Öl auf Leinwand, مِصْبَاحُ السجادة Café"))
    # a word with its vowel marks is one word, not cut into letters at each mark
    assert ("مصباح", "مِصْبَاحُ") in pairs
    assert {("ol", "Öl"), ("oel", "Öl"), ("cafe", "Café")} <= pairs
    # the Arabic word also without its article, as it is indexed
    assert {("السجاده", "السجادة"), ("سجاده", "سجادة")} <= pairs


def test_the_beginnings_a_word_with_its_first_letter_mistyped_may_have() -> None:
    from search.suggest import slipped_prefixes

    found = slipped_prefixes("oicasso", ["a", "o", "p"])
    # another letter in its place, one left out, one too many, the first two swapped
    assert {"aic", "pic"} <= set(found)
    assert "oic" not in found  # its own first letter: looked at already
    assert "pic" in slipped_prefixes("icasso", ["p"])
    assert "pic" in slipped_prefixes("xpicasso", [])
    assert "pic" in slipped_prefixes("ipcasso", [])
    assert all(len(prefix) == 3 for prefix in slipped_prefixes("abc", ["x"]))
    assert len(found) == len(set(found))
