"""Facet counts from bitmaps: the same answers as counting in SQL, whatever the bitmap budget.

An index written with a budget too small for every value's bitmap counts the long tail in SQL
when a tail value could enter a top list; the answers must not change with the budget, and
must agree with counting the objects by hand.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import search.bitsets
from search import FtsEngine, SearchResult, parse_facets
from search.extract import ObjectDoc

WORDS = ["paper", "bridge", "river", "portrait"]


def _docs() -> list[ObjectDoc]:
    docs = []
    for n in range(600):
        maker = f"Maker {n % 7}" if n % 3 else f"Rare maker {n % 97}"  # a head and a long tail
        docs.append(
            ObjectDoc(
                iri=f"https://data.example.org/o/{n}",
                partner="Tate" if n % 2 else "CMOA",
                source="tate" if n % 2 else "cmoa",
                title=f"{WORDS[n % 4]} {'paper' if n % 5 < 3 else 'stone'} number {n}",
                makers=[maker],
                types=[f"type {n % 4}"],
                materials=["ink"] if n % 6 == 0 else ["oil"],
                begin=1500 + n % 400,
                end=1500 + n % 400 + 10,
                image=f"https://img.example.org/{n}.jpg" if n % 4 else None,
                longest_cm=float(10 + n % 300),
            )
        )
    return docs


QUESTIONS = [
    ("paper", []),
    ("", ["partner=tate"]),
    ("", ["partner=cmoa", "date=1600..1700"]),
    ("bridge", ["has_image=yes"]),
    ("", ["maker=Rare maker 5"]),
    ("paper", ["maker=Maker 3", "longest_side_cm<=100"]),
    ("stone", ["material=ink"]),
    ("", ["has_image=no"]),
]


def _answers(folder: Path, budget: int, monkeypatch: pytest.MonkeyPatch) -> list[SearchResult]:
    monkeypatch.setattr(search.bitsets, "MASK_BUDGET", budget)
    target = folder / f"{budget}.search.sqlite"
    FtsEngine().write(_docs(), target)
    engine = FtsEngine()
    try:
        return [
            engine.search(target, parse_facets(facets, text=text, limit=30, offset=offset))
            for text, facets in QUESTIONS
            for offset in (0, 40)
        ]
    finally:
        engine.close()


def test_counts_do_not_depend_on_the_bitmap_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    every_value = _answers(tmp_path, search.bitsets.MASK_BUDGET, monkeypatch)
    no_value = _answers(tmp_path, 0, monkeypatch)  # every value counted in SQL
    some_values = _answers(tmp_path, 600, monkeypatch)  # the head only: the tail may count
    for full, none, some in zip(every_value, no_value, some_values, strict=True):
        assert full.total == none.total == some.total
        assert full.facets == none.facets == some.facets
        assert (
            [h.iri for h in full.hits] == [h.iri for h in none.hits] == [h.iri for h in some.hits]
        )


def test_counts_and_order_agree_with_counting_by_hand(tmp_path: Path) -> None:
    docs = _docs()
    target = tmp_path / "index.search.sqlite"
    FtsEngine().write(docs, target)
    engine = FtsEngine()
    wanted = [
        d for d in docs if d.partner == "Tate" and (d.end or 0) >= 1600 and (d.begin or 0) <= 1700
    ]
    for offset in (0, 100):  # a broad match: walked in title order
        result = engine.search(
            target,
            parse_facets(["partner=tate", "date=1600..1700"], limit=20, offset=offset),
        )
        assert result.total == len(wanted)
        makers = Counter(m for d in wanted for m in d.makers)
        listed = result.facets["maker"]  # the 25 most frequent (ties in any order)
        assert all(makers[name] == n for name, n in listed.items())
        assert sorted(listed.values()) == sorted(n for _, n in makers.most_common(25))
        titles = sorted(wanted, key=lambda d: (d.title.casefold(), d.iri))
        assert [h.iri for h in result.hits] == [d.iri for d in titles[offset : offset + 20]]
    few = [d for d in docs if "Rare maker 5" in d.makers]  # a narrow match: sorted
    result = engine.search(target, parse_facets(["maker=rare maker 5"]))
    assert [h.iri for h in result.hits] == [
        d.iri for d in sorted(few, key=lambda d: (d.title.casefold(), d.iri))
    ]
    assert result.facets["partner"] == dict(Counter(d.partner for d in few))
    engine.close()


def test_values_the_filter_cannot_tell_apart_are_one_value(tmp_path: Path) -> None:
    """One maker written with and without Arabic vowel marks was listed twice, 1 each, and
    either value found both objects."""
    marked, plain = "مُحَمَّد بن عَلِيّ", "محمد بن علي"
    docs = [
        ObjectDoc(iri=f"https://data.example.org/o/{n}", partner="Museum", makers=[maker])
        for n, maker in enumerate([marked, plain, "Dürer", "Durer"])
    ]
    target = tmp_path / "s.search.sqlite"
    FtsEngine().write(docs, target)
    result = FtsEngine().search(target, parse_facets([]))
    assert result.facets["maker"] == {marked: 2, "Dürer": 2}  # shown as first spelled
    chosen = FtsEngine().search(target, parse_facets([f"maker={plain}"]))
    assert chosen.total == 2
