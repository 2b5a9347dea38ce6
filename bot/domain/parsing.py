"""Parsers for what people type on a phone: dates and durations (and years-ahead arithmetic)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from bot.domain.day_words import fold, read_day_words
from bot.domain.errors import DomainError
from bot.domain.typed_values import plain_typed_value

DayT = TypeVar("DayT", bound=date)  # a date, or a datetime keeping its time and zone

YEAR_SWITCH = timedelta(days=183)
DURATION_MIN = 5
DURATION_MAX = 600

_DAY_MONTH = re.compile(r"^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?\.?$", re.ASCII)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
# Units as typed, in Polish and English: 90 minut, 2 godziny, 1 godzina 30 minut, 2 hours.
_MINUTE_WORD = r"(?:minut[aęy]?|minutes?|mins?|m)"
_HOUR_WORD = r"(?:godzin[aęy]?|godz\.?|hours?|hrs?|h|g)"
_MINUTES = re.compile(rf"^(\d{{1,4}})\s*{_MINUTE_WORD}?\.?$", re.ASCII)
_HOURS_MINUTES = re.compile(
    rf"^(\d{{1,2}})\s*{_HOUR_WORD}\s*(?:(\d{{1,2}})\s*{_MINUTE_WORD}?\.?)?$", re.ASCII
)
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$", re.ASCII)
_DECIMAL_HOURS = re.compile(rf"^(\d{{1,2}})[.,](\d{{1,2}})\s*{_HOUR_WORD}$", re.ASCII)
# Lengths said in words, without a number (spaces folded, a final full stop dropped).
_SPOKEN_LENGTHS = {
    "pół godziny": 30,
    "godzina": 60,
    "godzinę": 60,
    "półtorej godziny": 90,
    "półtora godziny": 90,  # said so, if not written so
    "half an hour": 30,
    "an hour": 60,
    "one hour": 60,
    "an hour and a half": 90,
    "one and a half hours": 90,
}


class YearPreference(StrEnum):
    """Which year a date typed without one means."""

    PAST = "past"  # the most recent such day not after today (visits)
    FUTURE = "future"  # the next such day from today (deadlines, contract ends)


def parse_date(text: str, today: date, prefer: YearPreference = YearPreference.PAST) -> date:
    """Parse `21.11`, `21.11.2026`, `21.11.26`, `21/11`, `2026-11-21`, or a day in words.

    Words (day_words.py): `jutro`, `wczoraj`, `w piątek`, `za 2 tygodnie`, `za pół roku`,
    `koniec lutego`, `do 15 marca`, `3 dni temu`, and the English `tomorrow`, `in 2 weeks`,
    `end of February`, `by March 15`. A weekday is the next one for FUTURE, the last for PAST.
    """
    text = plain_typed_value(text)
    cleaned = text.strip().replace(" ", "")
    iso = _ISO.match(cleaned)
    if iso:
        return _make_date(int(iso[1]), int(iso[2]), int(iso[3]))
    found = _DAY_MONTH.match(cleaned)
    if not found:
        worded = read_day_words(
            fold(text),
            today,
            lambda day, month: _without_year(day, month, today, prefer),
            ahead=prefer is YearPreference.FUTURE,
        )
        if worded is None:
            raise DomainError("date_format")
        return worded
    day, month = int(found[1]), int(found[2])
    if found[3] is not None:
        year = int(found[3])
        if year < 100:
            year += 2000
        return _make_date(year, month, day)
    return _without_year(day, month, today, prefer)


def _without_year(day: int, month: int, today: date, prefer: YearPreference) -> date:
    """The date a day and month typed without a year mean, by the caller's preference."""
    # The year is chosen by where the day falls in this one (29 February as the 28th, so a
    # leap day means the nearest year that has one), and only then is the date made.
    near = _make_date(today.year, month, 28 if (month, day) == (2, 29) else day)
    year = today.year
    # Only a date far on the other side of today means another year (15.12 typed on 3 January
    # is last December); a few days off is a typo the caller should point out, not hide.
    if prefer is YearPreference.PAST and near > today + YEAR_SWITCH:
        year -= 1
    elif prefer is YearPreference.FUTURE and near < today - YEAR_SWITCH:
        year += 1
    return _make_date(year, month, day)


def years_after(day: DayT, years: int) -> DayT:
    """The same day `years` later (or earlier, if negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _make_date(year: int, month: int, day: int) -> date:
    """Build a date or raise a DomainError for impossible ones (31.02, 29.02 in 2026)."""
    try:
        return date(year, month, day)
    except ValueError:
        if (month, day) == (2, 29):
            raise DomainError("date_no_leap_day") from None
        raise DomainError("date_impossible") from None


def parse_duration(text: str) -> int:
    """Parse `45`, `90 min`, `1h30`, `1:30`, `1,5h`, `2 godziny` or `półtorej godziny` (5–600)."""
    cleaned = plain_typed_value(text).strip().lower()
    minutes: int | None = None
    if (spoken := _SPOKEN_LENGTHS.get(" ".join(cleaned.split()).rstrip("."))) is not None:
        minutes = spoken
    elif found := _MINUTES.match(cleaned):
        minutes = int(found[1])
    elif found := _HOURS_MINUTES.match(cleaned):
        extra = int(found[2]) if found[2] else 0
        if extra >= 60:
            raise DomainError("duration_format")
        minutes = int(found[1]) * 60 + extra
    elif found := _CLOCK.match(cleaned):
        if int(found[2]) >= 60:
            raise DomainError("duration_format")
        minutes = int(found[1]) * 60 + int(found[2])
    elif found := _DECIMAL_HOURS.match(cleaned):
        fraction = float(f"0.{found[2]}")
        minutes = int(found[1]) * 60 + round(fraction * 60)
    if minutes is None:
        raise DomainError("duration_format")
    if minutes > DURATION_MAX:
        raise DomainError("duration_too_long", minutes=minutes, hours=DURATION_MAX // 60)
    if minutes < DURATION_MIN:
        raise DomainError("duration_too_short", minutes=minutes, low=DURATION_MIN)
    return minutes
