"""A credit line of many commas cost the mapping work quadratic in their number: for each comma
``party_names`` rebuilt the name up to it, folded it and searched the provenance text for it
(40,000 commas: seconds for one record, measured). The longest name the provenance text writes
is now found by a binary search, which is only right because a shorter name is written
wherever a longer one is; these tests hold that, and count the folds rather than time them."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal

from harvesters import SourceRecord
from mappings import MappingContext, get_mapping
from mappings.declarative import parties
from mappings.declarative.provenance import MAX_PARTIES
from museion_core import messages
from museion_core.vocab import CRM, RDFS
from tests.conftest import BASE

COMMAS = 40_000


def _counting_fold(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text ``parties._fold`` is asked to fold, from now on, for a credit line: the
    table of place names (``parties._places``, folded once a process) is built first, or the
    count held its 1,500 folds when no test before had built it (this file run alone)."""
    parties._places()
    folded: list[str] = []
    fold = parties._fold

    def counted(text: str) -> str:
        folded.append(text)
        return fold(text)

    monkeypatch.setattr(parties, "_fold", counted)
    return folded


def _hostile(commas: int) -> tuple[str, str]:
    """A credit line of ``commas`` commas between names, and a provenance text that writes
    its first three names as one."""
    credit = ", ".join(f"Donor {n}" for n in range(commas + 1))
    return credit, "Donor 0, Donor 1, Donor 2, Pittsburgh, PA"


def test_a_credit_line_of_many_commas_is_folded_a_logarithmic_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folded = _counting_fold(monkeypatch)
    credit, provenance = _hostile(COMMAS)
    assert parties.party_names(credit, [provenance]) == ["Donor 0, Donor 1, Donor 2"]
    # the witness once, then one fold per step of a binary search over 40,001 segments (16),
    # and one of each segment after the first of the name found (two), to tell a place: each
    # candidate in turn from the longest was 40,000 folds of up to the whole line
    assert len(folded) <= 1 + COMMAS.bit_length() + 1 + 2


def test_a_record_whose_credit_line_has_many_commas_maps(monkeypatch: pytest.MonkeyPatch) -> None:
    folded = _counting_fold(monkeypatch)
    credit, provenance = _hostile(COMMAS)
    record = {"id": "t-1", "credit_line": f"Gift of {credit}", "provenance_text": provenance}
    result = get_mapping("cmoa").map(
        SourceRecord("cmoa", "t-1", json.dumps(record).encode()), MappingContext(BASE, "cmoa")
    )
    froms = {q.object for q in result.quads if q.predicate == CRM.P23_transferred_title_from}
    labels = {
        q.object.value
        for q in result.quads
        if q.predicate == RDFS.label and q.subject in froms and isinstance(q.object, Literal)
    }
    assert labels == {"Donor 0, Donor 1, Donor 2"}
    assert len(folded) <= 1 + COMMAS.bit_length() + 1 + 2


def _parties_of(credit: str) -> tuple[set[str], list[str], set[str]]:
    """The labels of a CMOA record's parties, its warnings and its literals."""
    record = {"id": "t-1", "credit_line": credit}
    result = get_mapping("cmoa").map(
        SourceRecord("cmoa", "t-1", json.dumps(record).encode()), MappingContext(BASE, "cmoa")
    )
    froms = {q.object for q in result.quads if q.predicate == CRM.P23_transferred_title_from}
    labels = {
        q.object.value
        for q in result.quads
        if q.predicate == RDFS.label and q.subject in froms and isinstance(q.object, Literal)
    }
    texts = {q.object.value for q in result.quads if isinstance(q.object, Literal)}
    return labels, result.warnings, texts


def _capped(warnings: list[str]) -> list[str]:
    return [w for w in warnings if messages.PARTIES_CAPPED.pattern().fullmatch(w)]


@pytest.mark.parametrize("family", ["", " and family"])
def test_a_credit_line_of_thousands_of_names_makes_at_most_the_cap_of_parties(
    family: str,
) -> None:
    """40,000 full names listed ("A B, C D ... and Y Z", or before "and family") made 40,000
    persons of one acquisition. The first ``MAX_PARTIES`` are its parties; the partner is
    told how many the line named, and the credit line still names them all."""
    names = [f"Donor Number{n}" for n in range(COMMAS)]
    listed = f"{', '.join(names)}{family}" if family else f"{', '.join(names)} and Last Donor"
    credit = f"Gift of {listed}"
    labels, warnings, texts = _parties_of(credit)
    assert labels == set(names[:MAX_PARTIES])
    named = COMMAS + 1  # the last donor, or the family
    assert _capped(warnings) == [messages.PARTIES_CAPPED(count=named, limit=MAX_PARTIES)]
    assert credit in texts


def test_a_credit_line_naming_the_cap_of_parties_is_not_cut() -> None:
    names = [f"Donor Number{n}" for n in range(MAX_PARTIES)]
    labels, warnings, _ = _parties_of(f"Gift of {', '.join(names[:-1])} and {names[-1]}")
    assert labels == set(names)
    assert not _capped(warnings)


def test_folding_never_breaks_a_name_where_it_was_not_broken() -> None:
    """What the binary search rests on, for every code point: ``str.strip`` and the ``\\s``
    that ``_fold`` collapses are the same white space (a segment, stripped, begins and ends
    with none that ``_fold`` would touch), and case folding maps each code point to one or
    more, never to white space (so the fold of "A, B" begins the fold of "A, B, C")."""
    space = re.compile(r"\s")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert char.isspace() == bool(space.fullmatch(char)), hex(code)
        folded = char.casefold()
        assert folded, hex(code)
        assert char.isspace() or not any(c.isspace() for c in folded), hex(code)


# Letters whose case folding is longer than they are, or differs from lowering (final sigma,
# dotted I, the long s, ligatures), white space of several kinds, and what ends a name.
_HOSTILE = "aAbB ßẞΣσςİıſﬁﬀǅΐ\u00a0\u2028\u3000\t\n\u200b\u0301,.&"
_SEGMENT = st.text(alphabet=_HOSTILE + "JrIncLtd", min_size=1, max_size=8)


def _scan(segments: list[str], witnesses: list[str]) -> str:
    """The longest witnessed name by trying every length from the longest, as it was read."""
    for end in range(len(segments), 1, -1):
        name = ", ".join(segments[:end])
        if any(parties._fold(name) in w for w in witnesses):
            return name
    return segments[0]


@settings(deadline=None, max_examples=500)
@given(
    text=st.lists(_SEGMENT, min_size=1, max_size=8).map(", ".join),
    shown=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8), _SEGMENT), max_size=3),
    comma=st.sampled_from([", ", ",  ", ",\u00a0", ", \n", ","]),
    case=st.sampled_from([str, str.upper, str.lower, str.swapcase, str.casefold]),
)
def test_the_longest_witnessed_name_is_the_one_every_length_found(
    text: str,
    shown: list[tuple[int, int, str]],
    comma: str,
    case: Callable[[str], str],
) -> None:
    """Witnesses that write some of the credit line's names (in another case, spaced
    otherwise, with words around), or none of them."""
    segments = parties._segments(text)
    if not segments:
        return
    provenance = [f"{x}{case(comma.join(segments[i:j]))}{x}" for i, j, x in shown]
    witnesses = [parties._fold(p) for p in provenance]
    found = parties._witnessed(segments, witnesses)
    assert ", ".join(segments[:found]) == _scan(segments, witnesses)


@settings(deadline=None, max_examples=200)
@given(st.text(alphabet=_HOSTILE, max_size=12), st.text(alphabet=_HOSTILE, max_size=12))
def test_case_folding_has_no_context(first: str, second: str) -> None:
    """Unlike ``str.lower`` (a final sigma), ``str.casefold`` folds each code point alone."""
    assert (first + second).casefold() == first.casefold() + second.casefold()


_SPACED_FAMILY = re.compile(
    r"(?P<rest>.*?\S)\s*,?\s+(?P<family>and\s+(?:(?:his|her|their)\s+)?famil(?:y|ies))\W*",
    re.IGNORECASE | re.DOTALL,
)
"""How "and family" was found: ``\\s*,?\\s+`` reads a run of n spaces in n² ways, which a
credit line of 40,000 spaces took seconds to try (14 s measured). It is now ``(?:\\s*,)?\\s+``,
the same texts read one way."""


@settings(deadline=None, max_examples=2000)
@given(
    st.lists(
        st.sampled_from(["a", "B", " ", "  ", "\u00a0", "\n", ",", ", ", "and", "AND", "&"])
        | st.sampled_from(["family", "Families", "famil", "his", "their", ".", "!", "x"]),
        max_size=16,
    ).map("".join)
)
def test_and_family_is_found_as_it_was(text: str) -> None:
    for spaced in (text, f"{text} and family", f"{text}, and his family."):
        before = _SPACED_FAMILY.fullmatch(spaced)
        after = parties._FAMILY.fullmatch(spaced)
        assert (before and before.groupdict()) == (after and after.groupdict())
