"""Escaping, shortening, splitting and callback data within Telegram's limits."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bot.conversations.record_visit  # noqa: F401  (claims the "v" prefix this test encodes)
from bot.ui.callbacks import MAX_BYTES, as_int, decode, encode
from bot.ui.text import (
    MESSAGE_LIMIT,
    esc,
    shorten,
    split_lines,
    telegram_length,
    visible_length,
)
from tests.support.telegram_rules import check_text


def test_escape_and_length() -> None:
    assert esc("<b>&") == "&lt;b&gt;&amp;"
    assert telegram_length("🙂") == 2
    assert shorten("a  b\n c", 10) == "a b c"
    assert shorten("x" * 20, 10) == "x" * 9 + "…"


@given(st.text(max_size=400), st.integers(min_value=1, max_value=300))
def test_shorten_collapses_whitespace_then_cuts(text: str, limit: int) -> None:
    cleaned = " ".join(text.split())
    expected = cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"
    assert shorten(text, limit) == expected


def test_every_whitespace_but_the_space_is_unprintable() -> None:
    # shorten's shortcut for text that is already single-spaced rests on this.
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert [c for c in spaces if c.isprintable()] == [" "]


@given(st.lists(st.text(min_size=1, max_size=300).filter(str.strip), max_size=60))
def test_split_keeps_every_line_and_each_message_is_valid(texts: list[str]) -> None:
    lines = [f"<b>{esc(t)}</b>" for t in texts]
    messages = split_lines(lines)
    assert "\n".join(messages) == "\n".join(lines)
    for message in messages:
        assert visible_length(message) <= MESSAGE_LIMIT
        check_text(message, "HTML")


def test_the_limit_is_on_what_the_reader_sees() -> None:
    lines = [f"<b>{esc('&' * 1023)}</b>"] * 4  # 5,122 characters of HTML, 1,023 seen, each
    messages = split_lines(lines)
    assert messages == ["\n".join(lines)]
    assert visible_length(messages[0]) == 4 * 1023 + 3
    check_text(messages[0], "HTML")
    assert len(split_lines([*lines, "x"])) == 2


def test_a_message_may_be_exactly_the_limit() -> None:
    lines = ["x" * 1024, "<b>" + esc("&" * 1023) + "</b>", "🙂" * 511, "y" * 1024]
    assert sum(visible_length(line) for line in lines) + 3 == MESSAGE_LIMIT
    assert split_lines(lines) == ["\n".join(lines)]
    check_text(split_lines(lines)[0], "HTML")  # the fake Bot API takes it, as Telegram does
    assert split_lines([*lines[:-1], "y" * 1025]) == ["\n".join(lines[:-1]), "y" * 1025]


def test_an_oversized_line_is_cut_as_plain_text() -> None:
    messages = split_lines(["<i>" + esc("<" * 5000) + "</i>"])
    assert len(messages) == 1
    assert telegram_length(messages[0]) <= MESSAGE_LIMIT
    check_text(messages[0], "HTML")


def test_callback_data_round_trip_and_limit() -> None:
    data = encode("v", "abc123", "fam", 42)
    press = decode(data)
    assert press is not None
    assert (press.prefix, press.token, press.action, as_int(press.arg)) == (
        "v",
        "abc123",
        "fam",
        42,
    )
    with pytest.raises(ValueError, match="too long"):
        encode("v", "x" * MAX_BYTES, "a")
    assert decode("garbage") is None
    assert decode(None) is None
    assert as_int("-1") is None
    assert as_int("١٢") is None
    assert as_int("9" * 40) is None
