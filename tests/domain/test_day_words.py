"""Days typed in words: one reader for every date (parse_date) and the appointment day (when)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import DomainError
from bot.domain.parsing import YearPreference, parse_date
from bot.domain.when import parse_when

TODAY = date(2026, 12, 1)  # a Tuesday
FUTURE, PAST = YearPreference.FUTURE, YearPreference.PAST


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("koniec lutego", date(2027, 2, 28)),
        ("Koniec lutego 2028", date(2028, 2, 29)),
        ("do końca lutego", date(2027, 2, 28)),
        ("end of February", date(2027, 2, 28)),
        ("by the end of February", date(2027, 2, 28)),
        ("za 2 tygodnie", date(2026, 12, 15)),
        ("za dwa tygodnie", date(2026, 12, 15)),
        ("in 2 weeks", date(2026, 12, 15)),
        ("za tydzień", date(2026, 12, 8)),
        ("in a week", date(2026, 12, 8)),
        ("za miesiąc", date(2027, 1, 1)),
        ("in a month", date(2027, 1, 1)),
        ("za 3 miesiące", date(2027, 3, 1)),
        ("in 3 months", date(2027, 3, 1)),
        ("za pół roku", date(2027, 6, 1)),
        ("in half a year", date(2027, 6, 1)),
        ("za rok", date(2027, 12, 1)),
        ("za 10 dni", date(2026, 12, 11)),
        ("do 15 marca", date(2027, 3, 15)),
        ("15 marca 2027", date(2027, 3, 15)),
        ("15 marzec", date(2027, 3, 15)),
        ("by March 15", date(2027, 3, 15)),
        ("until 15th of March", date(2027, 3, 15)),
        ("15 mar.", date(2027, 3, 15)),
        ("początek marca", date(2027, 3, 1)),
        ("połowa maja", date(2027, 5, 15)),
        ("koniec miesiąca", date(2026, 12, 31)),
        ("end of the month", date(2026, 12, 31)),
        ("koniec roku", date(2026, 12, 31)),
        ("jutro", date(2026, 12, 2)),
        ("Tomorrow", date(2026, 12, 2)),
        ("w piątek", date(2026, 12, 4)),
        ("wtorek", date(2026, 12, 8)),  # today's weekday ahead is next week's
        ("next friday", date(2026, 12, 4)),
        ("  DO   15  MARCA!  ", date(2027, 3, 15)),
    ],
)
def test_words_for_a_day_ahead(text: str, expected: date) -> None:
    assert parse_date(text, TODAY, FUTURE) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wczoraj", date(2026, 11, 30)),
        ("yesterday", date(2026, 11, 30)),
        ("przedwczoraj", date(2026, 11, 29)),
        ("dziś", date(2026, 12, 1)),
        ("3 dni temu", date(2026, 11, 28)),
        ("a week ago", date(2026, 11, 24)),
        ("tydzień temu", date(2026, 11, 24)),
        ("w piątek", date(2026, 11, 27)),  # the last Friday
        ("wtorek", date(2026, 12, 1)),  # today's weekday is today
        ("20 listopada", date(2026, 11, 20)),
        ("November 20", date(2026, 11, 20)),
    ],
)
def test_words_for_a_day_gone(text: str, expected: date) -> None:
    assert parse_date(text, TODAY, PAST) == expected


def test_a_month_later_keeps_the_day_or_takes_the_months_last() -> None:
    assert parse_date("za miesiąc", date(2027, 1, 31), FUTURE) == date(2027, 2, 28)
    assert parse_date("za miesiąc", date(2028, 1, 31), FUTURE) == date(2028, 2, 29)
    assert parse_date("za pół roku", date(2026, 8, 31), FUTURE) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("31 lutego 2027", "date_impossible"),
        ("32 marca", "date_impossible"),
        ("29 lutego", "date_no_leap_day"),
        ("koniec lutowego", "date_format"),
        ("za kilka tygodni", "date_format"),
        ("za 2 parsecs", "date_format"),
        ("in 1000 years", "date_format"),
        ("middle of the year", "date_format"),
        ("<b>jutro</b>", "date_format"),
        ("jutro" * 30, "date_format"),
        ("", "date_format"),
    ],
)
def test_words_that_name_no_day_are_refused(text: str, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_date(text, TODAY, FUTURE)
    assert refused.value.code == code


WARSAW = ZoneInfo("Europe/Warsaw")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=WARSAW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("za tydzień 10:00", datetime(2026, 12, 8, 10, 0, tzinfo=WARSAW)),
        ("15 marca o 9", datetime(2027, 3, 15, 9, 0, tzinfo=WARSAW)),
        ("koniec lutego 12:00", datetime(2027, 2, 28, 12, 0, tzinfo=WARSAW)),
        ("in 2 weeks 9am", datetime(2026, 12, 15, 9, 0, tzinfo=WARSAW)),
        ("March 15 14:30", datetime(2027, 3, 15, 14, 30, tzinfo=WARSAW)),
        ("10:00 za 2 tygodnie", datetime(2026, 12, 15, 10, 0, tzinfo=WARSAW)),
    ],
)
def test_an_appointments_day_in_words(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected


def test_an_appointments_day_in_words_still_needs_a_time() -> None:
    with pytest.raises(DomainError) as refused:
        parse_when("za 2 tygodnie", NOW)
    assert refused.value.code == "when_no_time"
