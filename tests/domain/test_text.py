"""Typed text: control and bidi characters dropped, text that shows nothing refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.domain.errors import DomainError
from bot.domain.family import check_label, check_member_name
from bot.domain.plan import check_optional_text, check_required_text
from bot.domain.visit import check_note, clean_text, shows_nothing

FAMILY_EMOJI = "👩\u200d👩\u200d👧\u200d👦"  # four people joined by zero-width joiners
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
INVISIBLE = [
    "\u200b",
    "\u200b\u200c\u200d",
    "\u2060\ufeff",
    " \u200b \u00a0\u3000\t",
    "\u3164\u115f",  # Hangul fillers: letters that draw nothing
    "\u2800",  # the blank braille pattern
    "\ufe0f\u200d",
]


def code_of(check: Callable[[str], object], text: str) -> str:
    """The code a text check refuses with."""
    with pytest.raises(DomainError) as caught:
        check(text)
    return caught.value.code


def test_bidi_controls_are_dropped_everywhere() -> None:
    # U+202E shown as typed reverses the rest of the line it sits in (a code, a date).
    assert clean_text("Kowalscy\u202e 10-R") == "Kowalscy 10-R"
    assert clean_text(f"a{BIDI}b") == "ab"
    assert clean_text(BIDI) == ""
    assert check_note("\u2067evil\u2069 note") == "evil note"


def test_emoji_sequences_and_letters_survive() -> None:
    for text in (FAMILY_EMOJI, "🇵🇱", "❤️", "e\u0301", "ąćęłńóśźż", "zero\u200bwidth inside"):
        assert clean_text(text) == text
        assert not shows_nothing(text)
        assert check_required_text(text, 50) == text
        assert check_label(text) == text


@pytest.mark.parametrize("text", INVISIBLE)
def test_text_that_shows_nothing_is_refused(text: str) -> None:
    assert shows_nothing(text)
    assert code_of(lambda t: check_required_text(t, 100), text) == "text_invisible"
    assert code_of(lambda t: check_optional_text(t, 100), text) == "text_invisible"
    assert code_of(check_note, text) == "text_invisible"
    assert code_of(check_label, text) == "text_invisible"
    assert code_of(check_member_name, text) == "text_invisible"


def test_empty_text_is_still_empty_not_invisible() -> None:
    assert shows_nothing("")
    assert check_note("  ") == ""
    assert check_optional_text(" \n", 10) is None
    assert check_label(None) is None
    assert check_label("\u202e") is None
    assert code_of(lambda t: check_required_text(t, 10), "\u202e ") == "text_empty"
    assert code_of(check_member_name, "\u202e") == "text_empty"


def test_labels_and_names_keep_their_limits() -> None:
    assert check_label("  Polna 5 \u202e") == "Polna 5"
    assert code_of(check_label, "x" * 41) == "label_format"
    assert check_member_name(" Ola\u200f ") == "Ola"
    assert code_of(check_member_name, "y" * 31) == "name_format"
