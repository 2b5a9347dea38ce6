"""Dates and durations as people type them on a phone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import DomainError
from bot.domain.parsing import YearPreference, parse_date, parse_duration
from bot.domain.visit import check_visit_date

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21.11", date(2026, 11, 21)),
        ("21.11.2026", date(2026, 11, 21)),
        ("21.11.26", date(2026, 11, 21)),
        ("21/11", date(2026, 11, 21)),
        (" 2026-11-21 ", date(2026, 11, 21)),
        ("1.1", date(2026, 1, 1)),
        ("21.11.", date(2026, 11, 21)),
        ("١٢.١١", date(2026, 11, 12)),  # Arabic-Indic digits are digits (typed_values.py)
    ],
)
def test_dates_people_type(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


def test_a_date_far_ahead_without_a_year_means_last_year() -> None:
    assert parse_date("15.12", date(2027, 1, 3)) == date(2026, 12, 15)
    assert parse_date("30.11", TODAY) == date(2026, 11, 30)  # a typo: the caller refuses it


def test_future_preference_rolls_forward() -> None:
    assert parse_date("10.01", TODAY, YearPreference.FUTURE) == date(2027, 1, 10)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("31.02", "date_impossible"),
        ("29.02.2026", "date_no_leap_day"),  # the same answer with a year or without
        ("29.02", "date_no_leap_day"),
        ("32.1", "date_impossible"),
        ("tomorrowish", "date_format"),
        ("", "date_format"),
        ("21.11.2026.1", "date_format"),
        ("²¹.¹¹", "date_format"),  # superscripts are not
    ],
)
def test_impossible_and_unreadable_dates(text: str, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_date(text, TODAY)
    assert caught.value.code == code


def test_visit_dates_are_not_in_the_future_nor_ancient() -> None:
    assert check_visit_date(TODAY, TODAY) == TODAY
    with pytest.raises(DomainError, match="date_future"):
        check_visit_date(TODAY + timedelta(days=1), TODAY)
    with pytest.raises(DomainError, match="date_too_old"):
        check_visit_date(TODAY - timedelta(days=400), TODAY)


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31)))
def test_full_dates_round_trip(day: date) -> None:
    assert parse_date(day.strftime("%d.%m.%Y"), TODAY) == day
    assert parse_date(day.isoformat(), TODAY) == day
    assert parse_date(f"{day.day}.{day.month}.{day.year}", TODAY) == day


@given(st.dates(min_value=TODAY - timedelta(days=180), max_value=TODAY))
def test_recent_dates_without_a_year_round_trip(day: date) -> None:
    assert parse_date(f"{day.day}.{day.month}", TODAY) == day


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45", 45),
        ("90 min", 90),
        ("1h30", 90),
        ("1h", 60),
        ("1 h 30 min", 90),
        ("1:30", 90),
        ("1,5h", 90),
        ("2 godz.", 120),
        ("Półtorej  godziny.", 90),
        ("pół godziny", 30),
        ("godzinę", 60),
        ("an hour and a half", 90),
        ("Half an hour", 30),
        ("5", 5),
        ("600", 600),
    ],
)
def test_durations(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("4", "duration_too_short"),
        ("601", "duration_too_long"),
        ("1000", "duration_too_long"),
        ("11h", "duration_too_long"),
        ("1h75", "duration_format"),
        ("1:75", "duration_format"),
        ("ninety", "duration_format"),
        ("-30", "duration_format"),
        ("", "duration_format"),
    ],
)
def test_bad_durations(text: str, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_duration(text)
    assert caught.value.code == code


@given(st.integers(min_value=5, max_value=600))
def test_durations_round_trip(minutes: int) -> None:
    hours, rest = divmod(minutes, 60)
    assert parse_duration(str(minutes)) == minutes
    assert parse_duration(f"{hours}:{rest:02d}") == minutes
    if hours:
        assert parse_duration(f"{hours}h{rest:02d}") == minutes


def test_29_february_without_a_year_is_the_nearest_leap_day_the_caller_means() -> None:
    ahead = parse_date("29.02", date(2027, 12, 1), YearPreference.FUTURE)
    assert ahead == date(2028, 2, 29)  # a contract until then, typed the December before
    assert parse_date("29.02", date(2024, 3, 5)) == date(2024, 2, 29)
    with pytest.raises(DomainError, match="date_no_leap_day"):
        parse_date("29.02", date(2026, 11, 25))  # 2026 has none, and it is the year meant
