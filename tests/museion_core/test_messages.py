"""The messages Museion tells partners: each text made from one is recognised again, with the
values it was made with (its translations are tested with the catalogues, tests/sparql)."""

from __future__ import annotations

from string import Formatter

import pytest

from museion_core import messages
from museion_core.messages import MESSAGES, Message, recognise

HOSTILE = "c. 1850 ' \" «x» \\ {n} <b>"
"""A value a partner may send: both quotes, a backslash, braces, markup."""


def sample(message: Message) -> tuple[dict[str, object], dict[str, str]]:
    """Values to make ``message`` with, and the values recognising its text must give back."""
    given: dict[str, object] = {}
    for _, name, spec, conv in Formatter().parse(message.template):
        if name is None or name in given:
            continue
        if spec == "d":
            given[name] = 1024
        elif spec == "s":
            given[name] = f"https://example.org/{name}:x"
        elif conv == "r":
            given[name] = HOSTILE
        else:
            given[name] = f"the {name} (a text, with; punctuation)"  # a ": " would end it early
    return given, {name: str(value) for name, value in given.items()}


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m.template[:40])
def test_a_made_text_is_recognised_with_its_values(message: Message) -> None:
    given, expected = sample(message)
    found = recognise(message(**given))
    assert found is not None
    assert found == (message, expected)


def test_a_text_no_message_made_is_not_recognised() -> None:
    assert recognise("Opening and ending tag mismatch: a line 1 and b") is None
    assert recognise("") is None
    # Close to a message, but not one: a whole number field takes only figures.
    assert recognise("many of 10 records (50%) were quarantined, more than the 20% "
                     "allowed (gates.max_quarantined)") is None  # fmt: skip


def test_a_nested_message_is_recognised_inside_the_forced_publish_note() -> None:
    held = messages.GATE_QUARANTINED(rejected=3, read=10, share="30%", limit="20%")
    found = recognise(messages.PUBLISHED_BY_FORCE(reason=held))
    assert found == (messages.PUBLISHED_BY_FORCE, {"reason": held})
    assert recognise(held) == (
        messages.GATE_QUARANTINED,
        {"rejected": "3", "read": "10", "share": "30%", "limit": "20%"},
    )


def test_a_text_past_the_limit_is_not_looked_at() -> None:
    """The patterns' lazy fields are quadratic: a text past the limit stays English."""
    text = messages.DATE_TEXT_ONLY(text="x" * messages.RECOGNISED_LENGTH)
    assert recognise(text) is None
    assert recognise(messages.DATE_TEXT_ONLY(text="x" * 100)) is not None


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m.template[:40])
def test_hostile_texts_just_under_the_limit_are_looked_at(message: Message) -> None:
    """Each template against texts of separators repeated up to the limit: they are matched
    or refused, as the suite goes on (quadratic backtracking here would stall it)."""
    for piece in (" to ", ": ", "; ", " (", "' ", "x"):
        text = message.template.split("{", 1)[0] + piece * (messages.RECOGNISED_LENGTH // 8)
        recognise(text[: messages.RECOGNISED_LENGTH])


def test_a_field_a_partner_filled_with_a_number_or_nothing_is_recognised() -> None:
    assert recognise(messages.DATE_IMPOSSIBLE_YEAR(value=71959)) == (
        messages.DATE_IMPOSSIBLE_YEAR,
        {"value": "71959"},
    )
    assert recognise(messages.ACTIVITY_UNKNOWN(kind=None)) == (
        messages.ACTIVITY_UNKNOWN,
        {"kind": "None"},
    )


def test_a_value_no_page_can_show_raw_stays_escaped() -> None:
    """A lone surrogate (no UTF-8 page can carry it) or a NUL is given as Python escaped it;
    a no-break space or an Arabic joiner is the partner's text, given as it was."""
    for value in ("http://x/\ud800", "a\x00b"):
        found = recognise(messages.IRI_LEFT_OUT(what="image URL", value=value))
        assert found is not None
        assert found[1]["value"] == repr(value)
    for value in ("c.\xa01850", "\u0645\u200c\u0646"):
        found = recognise(messages.IRI_LEFT_OUT(what="image URL", value=value))
        assert found is not None
        assert found[1]["value"] == value


def test_every_terms_field_is_a_field_of_its_message() -> None:
    for message in MESSAGES:
        assert message.terms <= set(message.fields), message.template


def test_texts_are_counted_by_the_message_that_made_them() -> None:
    """An export in the wrong encoding holds back every row with its own column and byte: one
    fault, counted once with its records, the commonest first; a text no message made is a
    kind of its own, and a kind whose texts are all one is said as that text."""
    undecodable = [
        (messages.CSV_UNDECODABLE_CELL(byte=f"0x{b:X}", column=c, encoding="utf-8"), 1)
        for b, c in [(0xE9, "Titre"), (0xE8, "Titre"), (0xE9, "Matériau")]
    ]
    same = (messages.NO_TITLE(), 2)
    kinds = messages.kinds([*undecodable, same, ("a parser's own words", 1), same])
    assert [(k.count, k.english) for k in kinds] == [
        (4, "the record has no title"),
        (
            3,
            "undecodable byte … in column '…' (the source declares encoding …); set `encoding` "
            "for this source to the file's real encoding",
        ),
        (1, "a parser's own words"),
    ]
    assert kinds[1].example == undecodable[0][0]
    twice = [(messages.DUPLICATE_IDENTIFIER(identifier=i), 1) for i in ("a1", "b2")]
    # A quoted value keeps its quotes, as in the texts themselves and their translations.
    assert [k.english for k in messages.kinds(twice)] == [
        "the identifier '…' occurs twice in the feed, with different content; only its first "
        "record was kept"
    ]
    assert kinds[1].message is messages.CSV_UNDECODABLE_CELL
    assert kinds[2].message is None


def test_a_reason_with_what_its_record_holds_is_recognised_and_counted_by_its_reason() -> None:
    """What a record without an identifier holds ("Title 'Bol'") has spaces: it was taken for
    one word, the text was never recognised (so never translated) and each record was a kind
    of its own. Such texts are now of their reason's kind, whatever each record holds."""
    missing = messages.NO_IDENTIFIER(where="'N° inventaire'")
    held = [
        messages.FOUND_BY(reason=missing, hint=h) for h in ("Titre 'Bol'", "Titre 'Plat', n° '3'")
    ]
    assert recognise(held[0]) == (messages.FOUND_BY, {"reason": missing, "hint": "Titre 'Bol'"})
    kinds = messages.kinds([(held[0], 1), (held[1], 1), (messages.NO_TITLE(), 1)])
    assert [(k.count, k.english) for k in kinds] == [
        (2, "the record has no identifier: … is missing or empty; it holds …"),
        (1, "the record has no title"),
    ]
