"""The messages Museion tells partners: each text made from one is recognised again, with the
values it was made with (its translations are tested with the catalogues, tests/sparql)."""

from __future__ import annotations

import time
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
    assert recognise("many of 10 records read (50%) were quarantined, more than the 20% "
                     "allowed (gates.max_quarantined)") is None  # fmt: skip


def test_a_nested_message_is_recognised_inside_the_forced_publish_note() -> None:
    held = messages.GATE_QUARANTINED(rejected=3, read=10, share="30%", limit="20%")
    found = recognise(messages.PUBLISHED_BY_FORCE(reason=held))
    assert found == (messages.PUBLISHED_BY_FORCE, {"reason": held})
    assert recognise(held) == (
        messages.GATE_QUARANTINED,
        {"rejected": "3", "read": "10", "share": "30%", "limit": "20%"},
    )


def test_a_long_hostile_text_is_given_up_at_once() -> None:
    """The patterns' lazy fields are quadratic: a text past the limit is not looked at."""
    text = "date fields (" + "x to " * 20_000 + ") and text 'y' disagree; used the text"
    started = time.perf_counter()
    assert recognise(text) is None
    assert time.perf_counter() - started < 5  # not a timing: quadratic would take minutes


def test_every_terms_field_is_a_field_of_its_message() -> None:
    for message in MESSAGES:
        assert message.terms <= set(message.fields), message.template
