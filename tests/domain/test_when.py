"""Appointment date-times as people type them, in Polish and English, around the DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.domain.errors import DomainError
from bot.domain.when import MAX_LENGTH, RECENT_PAST, parse_when

WARSAW = ZoneInfo("Europe/Warsaw")
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=WARSAW)  # a Wednesday


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock moment in Warsaw (first occurrence of a repeated hour)."""
    return datetime(year, month, day, hour, minute, tzinfo=WARSAW)


def refusal(text: str, now: datetime = NOW) -> str:
    """The code parse_when refuses `text` with."""
    with pytest.raises(DomainError) as caught:
        parse_when(text, now)
    return caught.value.code


def exists(wall: datetime) -> bool:
    """Whether a naive wall time exists in Warsaw (not skipped by the spring change)."""
    moment = wall.replace(tzinfo=WARSAW)
    return moment.astimezone(UTC).astimezone(WARSAW).replace(tzinfo=None) == wall


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # day words
        ("jutro 10:30", at(2026, 11, 26, 10, 30)),
        ("Jutro o 10:30", at(2026, 11, 26, 10, 30)),
        ("dziś 18", at(2026, 11, 25, 18)),
        ("dzis 18:00", at(2026, 11, 25, 18)),
        ("dzisiaj o 18", at(2026, 11, 25, 18)),
        ("pojutrze 7:45", at(2026, 11, 27, 7, 45)),
        ("10:30 jutro", at(2026, 11, 26, 10, 30)),
        # weekdays, today being Wednesday
        ("pt 9", at(2026, 11, 27, 9)),
        ("pt. 9", at(2026, 11, 27, 9)),
        ("piątek 9", at(2026, 11, 27, 9)),
        ("w piatek o 9", at(2026, 11, 27, 9)),
        ("w poniedziałek o 8:15", at(2026, 11, 30, 8, 15)),
        ("w poniedzialek o 8.15", at(2026, 11, 30, 8, 15)),
        ("pon 8:15", at(2026, 11, 30, 8, 15)),
        ("pn 8:15", at(2026, 11, 30, 8, 15)),
        ("we wtorek 8", at(2026, 12, 1, 8)),
        ("wt 8", at(2026, 12, 1, 8)),
        ("śr 10", at(2026, 11, 25, 10)),  # 10:00 is still ahead today
        ("sr 10", at(2026, 11, 25, 10)),
        ("w środę 10", at(2026, 11, 25, 10)),
        ("śr 9", at(2026, 12, 2, 9)),  # 09:00 is gone today: next week
        ("środa 9:30", at(2026, 12, 2, 9, 30)),  # now exactly: gone
        ("czw 10h", at(2026, 11, 26, 10)),
        ("cz 10", at(2026, 11, 26, 10)),
        ("czwartek 10", at(2026, 11, 26, 10)),
        ("w sobotę 11", at(2026, 11, 28, 11)),
        ("sob 11", at(2026, 11, 28, 11)),
        ("so 11", at(2026, 11, 28, 11)),
        ("w niedzielę 12", at(2026, 11, 29, 12)),
        ("niedz 12", at(2026, 11, 29, 12)),
        ("nd 12", at(2026, 11, 29, 12)),
        ("w najbliższy piątek o 9", at(2026, 11, 27, 9)),
        ("o 10 w piątek", at(2026, 11, 27, 10)),
        # dates
        ("12.12 14:00", at(2026, 12, 12, 14)),
        ("12.12. 14:00", at(2026, 12, 12, 14)),
        ("12.12.2026 14:00", at(2026, 12, 12, 14)),
        ("12.12.26 14:00", at(2026, 12, 12, 14)),
        ("12/12 14:00", at(2026, 12, 12, 14)),
        ("2026-12-12 14:00", at(2026, 12, 12, 14)),
        ("2026-12-12T14:00", at(2026, 12, 12, 14)),
        ("12.12.2026 r. o 14", at(2026, 12, 12, 14)),
        ("14:00 12.12", at(2026, 12, 12, 14)),
        ("10.12 12.10", at(2026, 12, 10, 12, 10)),  # readable both ways: date first wins
        ("10.30 12.12", at(2026, 12, 12, 10, 30)),  # 10.30 cannot be a date
        ("sob 12.12 14:00", at(2026, 12, 12, 14)),
        ("sobota, 12.12.2026, godz. 14", at(2026, 12, 12, 14)),
        ("10.01 10:00", at(2027, 1, 10, 10)),  # months ago this year: next year
        ("1.10 10:00", at(2027, 10, 1, 10)),
        # the year after a space, only with a time after it (alone, `15.03 2027` is refused)
        ("15.03 2027 10:00", at(2027, 3, 15, 10)),
        ("15.03. 2027 10:00", at(2027, 3, 15, 10)),
        ("15/03 2027 r. o 10", at(2027, 3, 15, 10)),
        ("10:00 15.03 2027", at(2027, 3, 15, 10)),
        ("pn 15.03 2027 10 30", at(2027, 3, 15, 10, 30)),
        # a day word or a weekday with its own year, as some type it: the year must be the day's
        ("jutro 2026 10:00", at(2026, 11, 26, 10)),
        ("jutro 2026 r. o 10", at(2026, 11, 26, 10)),
        ("10:00 jutro 2026", at(2026, 11, 26, 10)),
        ("tomorrow 2026 10am", at(2026, 11, 26, 10)),
        ("pt 2026 9", at(2026, 11, 27, 9)),
        # times alone mean today
        ("10", at(2026, 11, 25, 10)),
        ("10.30", at(2026, 11, 25, 10, 30)),
        ("o 10", at(2026, 11, 25, 10)),
        ("godz. 10", at(2026, 11, 25, 10)),
        # time forms
        ("jutro 9", at(2026, 11, 26, 9)),
        ("jutro 9:05", at(2026, 11, 26, 9, 5)),
        ("jutro 10.30", at(2026, 11, 26, 10, 30)),
        ("jutro 10,30", at(2026, 11, 26, 10, 30)),
        ("jutro 10h", at(2026, 11, 26, 10)),
        ("jutro 10 h", at(2026, 11, 26, 10)),
        ("jutro 10h30", at(2026, 11, 26, 10, 30)),
        ("jutro godz. 10", at(2026, 11, 26, 10)),
        ("jutro godz.10", at(2026, 11, 26, 10)),
        ("jutro g. 10:30", at(2026, 11, 26, 10, 30)),
        ("jutro o godzinie 10", at(2026, 11, 26, 10)),
        ("jutro 0:15", at(2026, 11, 26, 0, 15)),
        # the minutes after a space, as a phone keyboard without a colon makes it easy
        ("jutro 10 30", at(2026, 11, 26, 10, 30)),
        ("jutro o 10 30", at(2026, 11, 26, 10, 30)),
        ("jutro godz. 9 05", at(2026, 11, 26, 9, 5)),
        ("pt 9 30", at(2026, 11, 27, 9, 30)),
        ("10 30 jutro", at(2026, 11, 26, 10, 30)),
        ("12.12 14 00", at(2026, 12, 12, 14)),
        ("15 marca 10 30", at(2027, 3, 15, 10, 30)),
        ("10 30", at(2026, 11, 25, 10, 30)),  # cannot be a date, as `10.30`
        ("o 15 10", at(2026, 11, 25, 15, 10)),
        # hours and minutes run together, only right after a day word or a weekday
        ("jutro 1030", at(2026, 11, 26, 10, 30)),
        ("jutro 930", at(2026, 11, 26, 9, 30)),
        ("jutro 0930", at(2026, 11, 26, 9, 30)),
        ("jutro o 1030", at(2026, 11, 26, 10, 30)),
        ("w piątek 1545", at(2026, 11, 27, 15, 45)),
        ("jutro 2000", at(2026, 11, 26, 20)),  # no year an appointment can be in: a time
        ("jutro 2030", at(2026, 11, 26, 20, 30)),
        ("jutro 2025", at(2026, 11, 26, 20, 25)),  # a year gone: no appointment is in it
        ("jutro 2029", at(2026, 11, 26, 20, 29)),  # beyond check_start's two years ahead
        ("jutro o 2026", at(2026, 11, 26, 20, 26)),  # `o` says it is a time
        ("jutro godz. 2027", at(2026, 11, 26, 20, 27)),
        ("jutro 20 26", at(2026, 11, 26, 20, 26)),
        ("jutro 23:59", at(2026, 11, 26, 23, 59)),
        # English
        ("tomorrow 10", at(2026, 11, 26, 10)),
        ("tomorrow at 10am", at(2026, 11, 26, 10)),
        ("Tomorrow at 10:30 AM", at(2026, 11, 26, 10, 30)),
        ("tomorrow 2 p.m.", at(2026, 11, 26, 14)),
        ("tomorrow 10 30", at(2026, 11, 26, 10, 30)),
        ("tomorrow at 10 30 pm", at(2026, 11, 26, 22, 30)),
        ("tomorrow 1030", at(2026, 11, 26, 10, 30)),
        ("friday 930", at(2026, 11, 27, 9, 30)),
        ("2:30 pm tomorrow", at(2026, 11, 26, 14, 30)),
        ("tomorrow 12am", at(2026, 11, 26, 0)),
        ("tomorrow 12pm", at(2026, 11, 26, 12)),
        ("today 2pm", at(2026, 11, 25, 14)),
        ("today at 2:30 pm", at(2026, 11, 25, 14, 30)),
        ("day after tomorrow 9", at(2026, 11, 27, 9)),
        ("the day after tomorrow at 9am", at(2026, 11, 27, 9)),
        ("monday 8:15", at(2026, 11, 30, 8, 15)),
        ("on monday at 8:15", at(2026, 11, 30, 8, 15)),
        ("next monday 8:15", at(2026, 11, 30, 8, 15)),
        ("mon 8:15", at(2026, 11, 30, 8, 15)),
        ("tuesday 8", at(2026, 12, 1, 8)),
        ("tue 8", at(2026, 12, 1, 8)),
        ("wednesday 10", at(2026, 11, 25, 10)),
        ("wed 9", at(2026, 12, 2, 9)),
        ("thursday 10", at(2026, 11, 26, 10)),
        ("thu 10", at(2026, 11, 26, 10)),
        ("friday 9", at(2026, 11, 27, 9)),
        ("this fri 9", at(2026, 11, 27, 9)),
        ("saturday 11", at(2026, 11, 28, 11)),
        ("sat 11", at(2026, 11, 28, 11)),
        ("sunday 12", at(2026, 11, 29, 12)),
        ("sun 12", at(2026, 11, 29, 12)),
        ("at 10 on friday", at(2026, 11, 27, 10)),
        ("12/12 2pm", at(2026, 12, 12, 14)),
        ("10am", at(2026, 11, 25, 10)),
        # spacing, case, punctuation
        ("  JUTRO   10:30  ", at(2026, 11, 26, 10, 30)),
        ("jutro, 10:30.", at(2026, 11, 26, 10, 30)),
        ("Jutro 10:30!", at(2026, 11, 26, 10, 30)),
        ("PIĄTEK 9?", at(2026, 11, 27, 9)),
        ("jutro\u00a010:30", at(2026, 11, 26, 10, 30)),
        ("١٠:٣٠ jutro", at(2026, 11, 26, 10, 30)),  # Arabic-Indic digits (typed_values.py)
        ("jutro 10:30" + " " * MAX_LENGTH, at(2026, 11, 26, 10, 30)),
        ("pia\u0328tek 9", at(2026, 11, 27, 9)),  # ą typed as a + combining ogonek
    ],
)
def test_forms_people_type(text: str, expected: datetime) -> None:
    result = parse_when(text, NOW)
    assert result == expected
    assert result.tzinfo is WARSAW
    assert result.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "when_format"),
        ("   ", "when_format"),
        ("...", "when_format"),
        ("kiedyś", "when_format"),
        ("jutro o dziesiątej", "when_format"),
        ("jutro 9 5", "when_format"),  # as `9:5`: the minutes take two digits
        ("jutro 10 300", "when_format"),
        ("12 12", "when_format"),  # alone it may be a date too (12.12), as with a dot
        ("15 10", "when_format"),
        ("9 05", "when_format"),
        ("1030", "when_format"),  # no day word before it: a year as much as a time
        ("1030 jutro", "when_format"),
        ("12.12 1030", "when_format"),  # after a date: perhaps its year
        ("15 marca 1030", "when_no_time"),  # a day with its year, as before
        ("15 marca 2027 1030", "when_format"),
        ("jutro 10 75", "time_impossible"),
        ("jutro 24 00", "time_impossible"),
        ("jutro 2400", "time_impossible"),
        ("jutro 1075", "time_impossible"),
        # a bare year an appointment can be booked in, after a day word: not an hour
        ("jutro 2026", "when_year_not_time"),
        ("jutro 2027", "when_year_not_time"),
        ("jutro 2028", "when_year_not_time"),
        ("pt 2026", "when_year_not_time"),
        ("w piątek 2027", "when_year_not_time"),
        ("tomorrow 2026", "when_year_not_time"),
        ("15.03 2027", "when_format"),  # after a date, as `12.12 1030`: never read as a time
        ("15.03 2027 1030", "when_format"),  # as `15 marca 2027 1030`
        ("15.03 1999 10:00", "when_past"),
        ("jutro 2027 10:00", "when_year_mismatch"),  # tomorrow is in 2026
        ("jutro 2025 10:00", "when_year_mismatch"),
        ("pt 2027 9", "when_year_mismatch"),
        # four digits that cannot be a time but look like a year: said so, not "no such time"
        ("jutro 1999", "when_looks_like_year"),
        ("jutro 2075", "when_looks_like_year"),
        ("pt 1987", "when_looks_like_year"),
        ("jutro 10:30 jutro", "when_format"),
        ("12.12,14:00", "when_format"),
        ("jutro " + "1" * MAX_LENGTH, "when_format"),
        ("jutro 9:5", "when_format"),
        ("jutro", "when_no_time"),
        ("tomorrow", "when_no_time"),
        ("day after tomorrow", "when_no_time"),
        ("pt", "when_no_time"),
        ("w środę", "when_no_time"),
        ("12.12", "when_no_time"),  # a date, not 12:12
        ("12.12.2026", "when_no_time"),
        ("2026-12-12", "when_no_time"),
        ("25:00", "time_impossible"),
        ("jutro 25:00", "time_impossible"),
        ("jutro 24", "time_impossible"),
        ("jutro 10:75", "time_impossible"),
        ("10:75 jutro", "time_impossible"),
        ("10.75", "time_impossible"),
        ("tomorrow 13pm", "time_impossible"),
        ("tomorrow 0am", "time_impossible"),
        ("31.02 10:00", "date_impossible"),
        ("31.02", "date_impossible"),
        ("29.02.2027 10:00", "date_no_leap_day"),
        ("2026-13-01 10:00", "date_impossible"),
        ("29.02 10:00", "date_no_leap_day"),  # neither February ahead has one
        ("dziś 9", "when_past"),
        ("dziś 9:30", "when_past"),  # exactly now is not after now
        ("9", "when_past"),
        ("today 8am", "when_past"),
        ("20.11 10:00", "when_past"),  # last week: a typo, not next year
        ("12.12.2025 10:00", "when_past"),
        ("pt 12.12 14:00", "when_weekday_mismatch"),  # 12.12.2026 is a Saturday
        ("friday 2026-12-12 14:00", "when_weekday_mismatch"),
    ],
)
def test_refusals(text: str, code: str) -> None:
    assert refusal(text) == code


def test_a_year_typed_for_the_time_is_refused_with_the_year_and_the_time_it_is_not() -> None:
    with pytest.raises(DomainError) as caught:
        parse_when("jutro 2026", NOW)
    assert caught.value.details == {"year": "2026", "time": "20:26"}


def test_a_year_that_cannot_be_a_time_is_refused_with_the_year() -> None:
    with pytest.raises(DomainError) as caught:
        parse_when("jutro 1999", NOW)
    assert caught.value.details == {"year": "1999"}


def test_a_day_words_year_is_the_year_of_that_day() -> None:
    new_years_eve = at(2026, 12, 31, 12)
    assert parse_when("jutro 2027 10:00", new_years_eve) == at(2027, 1, 1, 10)
    with pytest.raises(DomainError) as caught:
        parse_when("jutro 2026 10:00", new_years_eve)
    assert caught.value.code == "when_year_mismatch"
    assert caught.value.details == {"year": "2026", "actual": "2027"}
    assert parse_when("dziś 2026 18:00", new_years_eve) == at(2026, 12, 31, 18)
    # A weekday's day depends on the time: Thursday 31.12 at 18:00, or a week on at 9:00.
    assert parse_when("czw 2026 18:00", new_years_eve) == at(2026, 12, 31, 18)
    assert refusal("czw 2026 9:00", new_years_eve) == "when_year_mismatch"
    assert parse_when("czw 2027 9:00", new_years_eve) == at(2027, 1, 7, 9)


def test_the_years_not_read_as_an_hour_are_those_an_appointment_can_be_booked_in() -> None:
    later = at(2028, 6, 1, 9)
    assert parse_when("jutro 2026", later) == at(2028, 6, 2, 20, 26)
    assert parse_when("jutro 2027", later) == at(2028, 6, 2, 20, 27)
    assert refusal("jutro 2028", later) == "when_year_not_time"
    assert refusal("jutro 2030", later) == "when_year_not_time"
    assert parse_when("jutro 2031", later) == at(2028, 6, 2, 20, 31)


def test_a_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("jutro 10", datetime(2026, 11, 25, 9, 30))  # noqa: DTZ001 - the point


def test_the_result_is_in_the_zone_of_now() -> None:
    new_york = ZoneInfo("America/New_York")
    result = parse_when("jutro 10:30", datetime(2026, 11, 25, 23, 30, tzinfo=new_york))
    assert result == datetime(2026, 11, 26, 10, 30, tzinfo=new_york)
    assert result.tzinfo is new_york
    fixed = timezone(timedelta(hours=1))
    assert parse_when("dziś 10", datetime(2026, 11, 25, 9, tzinfo=fixed)).tzinfo is fixed


def test_today_follows_the_zone_of_now() -> None:
    # 23:30 UTC on the 25th is already the 26th in Warsaw.
    late = datetime(2026, 11, 25, 23, 30, tzinfo=UTC).astimezone(WARSAW)
    assert parse_when("jutro 10", late) == at(2026, 11, 27, 10)


def test_a_leap_day_without_a_year_means_the_coming_one() -> None:
    assert parse_when("29.02 10:00", at(2027, 11, 25, 9)) == at(2028, 2, 29, 10)


def test_a_date_in_the_last_month_is_kept_and_refused_further_back_is_next_year() -> None:
    today = NOW.date()
    kept = today - RECENT_PAST
    assert refusal(f"{kept.day}.{kept.month} 10:00") == "when_past"
    moved = kept - timedelta(days=1)
    assert parse_when(f"{moved.day}.{moved.month} 10:00", NOW).date() == date(2027, 10, 24)


def test_a_skipped_spring_time_is_impossible() -> None:
    saturday = at(2027, 3, 27, 12)  # the clocks go forward on Sunday 28 March at 02:00
    assert refusal("jutro 2:30", saturday) == "time_impossible"
    assert refusal("jutro 2:00", saturday) == "time_impossible"
    assert refusal("nd 2:30", saturday) == "time_impossible"
    assert refusal("28.03 2:59", saturday) == "time_impossible"
    summer = parse_when("jutro 3:30", saturday)
    assert summer == at(2027, 3, 28, 3, 30)
    assert summer.utcoffset() == timedelta(hours=2)
    winter = parse_when("jutro 1:59", saturday)
    assert winter.utcoffset() == timedelta(hours=1)


def test_a_weekday_after_the_spring_change_means_next_week() -> None:
    sunday_morning = at(2027, 3, 28, 10)
    assert parse_when("nd 2:30", sunday_morning) == at(2027, 4, 4, 2, 30)
    assert refusal("nd 2:30", at(2027, 3, 28, 1)) == "time_impossible"


def test_a_repeated_autumn_time_is_its_first_occurrence() -> None:
    saturday = at(2026, 10, 24, 12)  # the clocks go back on Sunday 25 October at 03:00
    first = parse_when("jutro 2:30", saturday)
    assert (first.hour, first.minute, first.fold) == (2, 30, 0)
    assert first.utcoffset() == timedelta(hours=2)
    assert first.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert parse_when("jutro 3:30", saturday).utcoffset() == timedelta(hours=1)


def test_in_the_repeated_hour_past_and_future_are_measured_in_real_time() -> None:
    # 02:15 for the second time: the (first) 02:30 has already gone by.
    second_pass = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=WARSAW)
    assert refusal("dziś 2:30", second_pass) == "when_past"
    assert parse_when("nd 2:30", second_pass) == at(2026, 11, 1, 2, 30)
    assert parse_when("dziś 3:00", second_pass).utcoffset() == timedelta(hours=1)
    first_pass = datetime(2026, 10, 25, 2, 15, tzinfo=WARSAW)
    assert parse_when("dziś 2:30", first_pass).astimezone(UTC).hour == 0


# Hypothesis draws naive wall-clock times here and places them in the zone itself.
NOWS = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001
    max_value=datetime(2030, 12, 31),  # noqa: DTZ001
).filter(exists)


@st.composite
def now_and_ahead(draw: st.DrawFn, max_days: int) -> tuple[datetime, datetime]:
    """An aware `now` and a later whole-minute moment that exists, within `max_days` days."""
    wall_now = draw(NOWS)
    minutes = draw(st.integers(min_value=1, max_value=max_days * 24 * 60))
    wall = wall_now.replace(second=0, microsecond=0) + timedelta(minutes=minutes)
    assume(exists(wall))
    now, moment = wall_now.replace(tzinfo=WARSAW), wall.replace(tzinfo=WARSAW)
    assume(moment.astimezone(UTC) > now.astimezone(UTC))  # not in the repeated autumn hour
    return now, moment


def assert_same_moment(result: datetime, expected: datetime) -> None:
    """Same wall clock, same offset, same zone."""
    assert result == expected
    assert result.utcoffset() == expected.utcoffset()
    assert result.tzinfo is WARSAW


@given(now_and_ahead(max_days=365))
def test_full_dates_round_trip(case: tuple[datetime, datetime]) -> None:
    now, moment = case
    assert_same_moment(parse_when(f"{moment:%d.%m.%Y %H:%M}", now), moment)
    assert_same_moment(parse_when(f"{moment:%Y-%m-%d %H:%M}", now), moment)
    assert_same_moment(parse_when(f"{moment:%H:%M %d.%m.%Y}", now), moment)


@given(now_and_ahead(max_days=365))
def test_minutes_after_a_space_round_trip(case: tuple[datetime, datetime]) -> None:
    now, moment = case
    assert_same_moment(parse_when(f"{moment:%d.%m.%Y %H %M}", now), moment)
    assert_same_moment(parse_when(f"{moment:%H %M %Y-%m-%d}", now), moment)


@given(now_and_ahead(max_days=365))
def test_twelve_hour_clock_round_trips(case: tuple[datetime, datetime]) -> None:
    now, moment = case
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    text = f"{moment:%Y-%m-%d} {hour}:{moment.minute:02d} {suffix}"
    assert_same_moment(parse_when(text, now), moment)


@given(now_and_ahead(max_days=(timedelta(days=365) - RECENT_PAST).days - 1))
def test_dates_without_a_year_round_trip(case: tuple[datetime, datetime]) -> None:
    now, moment = case
    text = f"{moment.day}.{moment.month} {moment.hour}:{moment.minute:02d}"
    assert_same_moment(parse_when(text, now), moment)


WEEKDAY_NAMES = [
    (0, "poniedziałek"),
    (0, "poniedzialek"),
    (0, "pon"),
    (0, "pn"),
    (0, "w poniedziałek"),
    (0, "monday"),
    (0, "mon"),
    (0, "next monday"),
    (1, "wtorek"),
    (1, "wt"),
    (1, "we wtorek"),
    (1, "tuesday"),
    (1, "tue"),
    (2, "środa"),
    (2, "sroda"),
    (2, "śr"),
    (2, "sr"),
    (2, "w środę"),
    (2, "wednesday"),
    (2, "wed"),
    (3, "czwartek"),
    (3, "czw"),
    (3, "cz"),
    (3, "thursday"),
    (3, "thu"),
    (4, "piątek"),
    (4, "piatek"),
    (4, "pt"),
    (4, "friday"),
    (4, "fri"),
    (4, "on friday"),
    (5, "sobota"),
    (5, "sob"),
    (5, "so"),
    (5, "w sobotę"),
    (5, "saturday"),
    (5, "sat"),
    (6, "niedziela"),
    (6, "niedz"),
    (6, "nd"),
    (6, "w niedzielę"),
    (6, "sunday"),
    (6, "sun"),
]


@pytest.mark.parametrize(("weekday", "name"), WEEKDAY_NAMES)
@settings(max_examples=40)
@given(
    wall_now=NOWS,
    hour=st.integers(min_value=0, max_value=23).filter(lambda hour: hour != 2),
    minute=st.integers(min_value=0, max_value=59),
)
def test_weekdays_mean_the_next_such_day(
    weekday: int, name: str, wall_now: datetime, hour: int, minute: int
) -> None:
    now = wall_now.replace(tzinfo=WARSAW)
    result = parse_when(f"{name} {hour}:{minute:02d}", now)
    assert result.weekday() == weekday
    assert (result.hour, result.minute) == (hour, minute)
    assert result.astimezone(UTC) > now.astimezone(UTC)
    assert 0 <= (result.date() - now.date()).days <= 7
    # The first such day: a week earlier would not have been after now.
    week_before = datetime.combine(result.date() - timedelta(days=7), result.time(), WARSAW)
    assert week_before.astimezone(UTC) <= now.astimezone(UTC)


TYPED = st.sampled_from(list("0123456789 .,:/-hapmgozdwtśrjuł@T\u00a0")) | st.characters()
CODES = {
    "when_format",
    "when_no_time",
    "when_past",
    "when_weekday_mismatch",
    "when_year_not_time",
    "when_looks_like_year",
    "when_year_mismatch",
    "time_impossible",
    "date_impossible",
    "date_no_leap_day",
}


def outcome(text: str) -> datetime | str:
    """The moment parsed, or the refusal's code."""
    try:
        return parse_when(text, NOW)
    except DomainError as refused:
        return refused.code


@given(st.text(alphabet=TYPED, max_size=40))
def test_any_text_is_a_moment_ahead_or_a_known_refusal(text: str) -> None:
    result = outcome(text)
    if isinstance(result, str):
        assert result in CODES
    else:
        assert result > NOW
        assert result.tzinfo is WARSAW
