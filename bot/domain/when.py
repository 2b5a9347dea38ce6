"""Appointment date-times as people type them in Polish and English: `jutro 10:30`, `pt 9`.

Choices worth knowing (the tests pin each one):
- Days in words are read as every typed date is (day_words.py): `za tydzień 10:00`,
  `15 marca o 9`, `koniec lutego 12:00`, `in 2 weeks 9am`.
- A time is required; the day is optional (no day means today) and may come before or after it.
- A weekday means the next such day; today's weekday means today while the typed time is still
  ahead on today's clock, otherwise the same day next week. `w`, `we`, `on`, `next`, `this`,
  `najbliższy` in front change nothing (`next friday` is the coming Friday).
- A date without a year means its first occurrence on or after `RECENT_PAST` ago: a date in the
  last month is kept (and refused as past, as it is most likely a typo) rather than silently
  moved a year ahead; anything further back means next year.
- A lone day-and-month pair (`12.12`, `9.05`) is a date, so it is refused for want of a time;
  a pair that cannot be a date (`10.30`, `9.45`) is a time today.
- The minutes may follow the hour after a space (`jutro 10 30`), two digits as after a colon;
  alone, such a pair is a time only when it cannot be a day and month (`10 30`, not `12 12`).
  Run together (`jutro 1030`, `pt 930`) they are a time only right after a day word or a
  weekday: after a date or alone, three or four digits may as well be a year.
- A year may follow a date after a space (`15.03 2027 10:00`), or a day word or a weekday
  (`jutro 2026 10:00`), only when a time comes with it: alone, four digits there may be a time
  (`15.03 2027` is refused as unreadable, `jutro 2026` as a year). A day word's or a weekday's
  year must be the year of the day it names, else it is refused (`when_year_mismatch`).
- Even after a day word, four bare digits that make a year an appointment can be in (this year
  to APPOINTMENT_YEARS_AHEAD years on, as check_start allows) are refused as a year, saying the
  time they would have been and how to type either: `jutro 2026` is far more often a year typed
  by habit than 20:26. `o` or `godz.` in front says it is a time (`jutro o 2026` is 20:26);
  other numbers stay times (`jutro 2000` is 20:00, and in 2026 `jutro 2030` is 20:30). Four
  that cannot be a time but look like a year (`jutro 1999`) are refused as a year too.
- Digits are read as by every parser of a value (typed_values.py): any script's decimal digits
  and full-width forms (`ｊｕｔｒｏ １０：３０`); a superscript, a fraction or a circled number
  (`jutro 10:³⁰`, `jutro ⑩`) is refused, never read as a digit.
- The result is built in `now`'s zone: a time skipped by the spring change is impossible, a time
  repeated by the autumn change is its first occurrence (fold=0, summer time).
- There is no upper bound here (`12.12.2099 10:00` is read): appointment.check_start, which
  every caller applies, refuses a moment more than two years ahead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TypeVar

from bot.domain.appointment import APPOINTMENT_YEARS_AHEAD
from bot.domain.day_words import DAY_WORDS, WEEKDAYS, read_day_words
from bot.domain.errors import DomainError
from bot.domain.parsing import parse_date
from bot.domain.typed_values import plain_typed_value, without_diacritics

RECENT_PAST = timedelta(days=31)
MAX_LENGTH = 80

# Polish forms are written without diacritics, as text is folded first, and include the
# accusative after `w` (`w środę`, `w sobotę`, `w niedzielę`); day_words.py holds them.
_DAY_WORDS = DAY_WORDS
_WEEKDAYS = WEEKDAYS

_WEEKDAY = re.compile(
    r"^(?:(?:w|we|on)\s)?(?:(?:next|this|najblizszy|najblizsza|najblizsze)\s)?([a-z]+)\.?$",
    re.ASCII,
)
_DATE = re.compile(
    r"^(?:(?P<weekday>[a-z].*?)\s)?"
    r"(?:(?P<iso>\d{4}-\d{1,2}-\d{1,2})"
    r"|(?P<day>\d{1,2})[./-](?P<month>\d{1,2})(?:[./-](?P<year>\d{4}|\d{2}))?)"
    r"\.?(?:\s?r\.?)?$",  # `12.12.2026 r.` (roku), as Polish letters write it
    re.ASCII,
)
_AT = r"^(?:(?:o|at|@)\s?)?(?:(?:godz|godzina|godzinie|g)\.?\s?)?"  # `o 10`, `godz. 10`
_TIME = re.compile(
    _AT + r"(?P<hour>\d{1,2})(?:[:.,\s](?P<minute>\d{2}))?\s?"
    r"(?:h(?P<h_minute>\d{2})?|(?P<meridiem>[ap])\.?\s?m\.?)?$",
    re.ASCII,
)
# `1030`, `930`: read only after a day word or a weekday (see the module's docstring).
_PACKED_TIME = re.compile(_AT + r"(?P<hour>\d{1,2})(?P<minute>\d{2})$", re.ASCII)
_SPACED_PAIR = re.compile(r"^(\d{1,2}) (\d{2})$", re.ASCII)
# `15.03 2027`, `jutro 2026 r.`: a day, then its year after a space (read only before a time).
_SPACED_YEAR = re.compile(r"^(?P<day>.+?)\.? (?P<year>\d{4})(?:\s?r\.?)?$", re.ASCII)
_DAY_AND_MONTH = re.compile(r"^(?:.*\s)?\d{1,2}[./-]\d{1,2}$", re.ASCII)
# Four digits that look like a year (`jutro 1999`, `jutro 2075`): so refused when no time.
_YEAR_LIKE = range(1900, 2100)
# A comma between digits is a decimal mark (`10,30`); anywhere else it separates words.
_SEPARATING_COMMA = re.compile(r",(?!\d)|(?<!\d),")
_ISO_T = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)", re.ASCII)
_EDGE_PUNCTUATION = " .,;:!?"

_T = TypeVar("_T")


@dataclass(frozen=True)
class _NextWeekday:
    """A weekday typed without a date: which day it is depends on the time typed with it."""

    weekday: int  # as date.weekday(): Monday is 0


@dataclass(frozen=True)
class _InYear:
    """A day word or a weekday typed with a year (`jutro 2026`): the day must fall in it."""

    day: date | _NextWeekday
    year: int


def parse_when(text: str, now: datetime) -> datetime:
    """Parse `jutro 10:30`, `pt 9`, `12.12 14:00`, `tomorrow 2pm`… into a moment after `now`."""
    zone = now.tzinfo
    if zone is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    cleaned = _normalize(plain_typed_value(text))
    # Every way of cutting the words is tried, so a long text is refused before that.
    if not cleaned or len(cleaned) > MAX_LENGTH:
        raise DomainError("when_format")
    today = now.date()

    def read_day(day_text: str) -> date | _NextWeekday | None:
        """The day in `day_text`, relative to today in `now`'s zone."""
        return _read_day(day_text, today)

    def read_day_before_time(day_text: str) -> date | _NextWeekday | _InYear | None:
        """As read_day, and a day with its year after a space (`15.03 2027`, `jutro 2026`)."""
        return _read_day(day_text, today) or _read_spaced_year(day_text, today)

    whole_day = _attempt(read_day, cleaned)
    if isinstance(whole_day, DomainError):
        raise whole_day
    if whole_day is not None:
        raise DomainError("when_no_time")

    words = cleaned.split(" ")
    cuts = [(" ".join(words[:cut]), " ".join(words[cut:])) for cut in range(1, len(words))]
    # The day first (`jutro 10:30`) is tried before the time first (`10:30 jutro`), so that an
    # input both ways readable (`10.12 12.10`) means what people write most: date, then time.
    orders = [*((*cut, True) for cut in cuts), *((second, first, False) for first, second in cuts)]
    refusal: DomainError | None = None
    for day_text, time_text, day_first in orders:
        day, clock = _attempt(read_day_before_time, day_text), _attempt(_read_time, time_text)
        if clock is None and day_first and _is_day_word(day_text):
            clock = _attempt(lambda packed: _read_packed_time(packed, today), time_text)
        if day is None or clock is None:
            continue
        if isinstance(day, DomainError):
            refusal = refusal or day
        elif isinstance(clock, DomainError):
            refusal = refusal or clock
        else:
            return _combine(day, clock, now, zone)

    whole_time = _attempt(_read_time, cleaned)
    if isinstance(whole_time, time) and _may_be_day_and_month(cleaned):
        whole_time = None  # `12 12` alone may as well be a date: neither is guessed
    if isinstance(whole_time, time):
        return _combine(today, whole_time, now, zone)
    raise refusal or whole_time or DomainError("when_format")


def _normalize(text: str) -> str:
    """Lower case, no diacritics, single spaces, commas as spaces, no punctuation at the ends."""
    # As day_words.fold, but a comma between digits is kept as a decimal mark (`10,30`).
    plain = _ISO_T.sub(r"\1 ", _SEPARATING_COMMA.sub(" ", without_diacritics(text)))
    return " ".join(plain.split()).strip(_EDGE_PUNCTUATION)


def _attempt(read: Callable[[str], _T], text: str) -> _T | DomainError:
    """The reader's value, None when the text is not its form, or its refusal when it is."""
    try:
        return read(text)
    except DomainError as refusal:
        return refusal


def _read_weekday(text: str) -> int | None:
    """The weekday (Monday is 0) a phrase like `w środę` or `next fri` names, or None."""
    found = _WEEKDAY.match(text)
    return _WEEKDAYS.get(found[1]) if found else None


def _read_day(text: str, today: date) -> date | _NextWeekday | None:
    """The day the text names, or None when it names none; refuses dates that do not exist."""
    if text in _DAY_WORDS:
        return today + timedelta(days=_DAY_WORDS[text])
    weekday = _read_weekday(text)
    if weekday is not None:
        return _NextWeekday(weekday)
    found = _DATE.match(text)
    if not found:  # `za 2 tygodnie`, `koniec lutego`, `15 marca`: the words every date takes
        return read_day_words(
            text, today, lambda day, month: _next_day_month(day, month, today), ahead=True
        )
    named = _read_weekday(found["weekday"]) if found["weekday"] else None
    if found["weekday"] and named is None:
        return None
    if found["iso"]:
        day = parse_date(found["iso"], today)
    elif found["year"]:
        day = parse_date(f"{found['day']}.{found['month']}.{found['year']}", today)
    else:
        month = int(found["month"])
        if not 1 <= month <= 12:
            return None  # `10.30` is half past ten, not a date
        day = _next_day_month(int(found["day"]), month, today)
    if named is not None and day.weekday() != named:
        raise DomainError("when_weekday_mismatch")
    return day


def _read_spaced_year(text: str, today: date) -> date | _InYear | None:
    """`15.03 2027` as 15.03.2027; `jutro 2026`, `pt 2026` as that day, held to that year."""
    found = _SPACED_YEAR.match(text)
    if not found:
        return None
    day_text, year = found["day"], found["year"]
    if _DAY_AND_MONTH.match(day_text):
        day = _read_day(f"{day_text}.{year}", today)
        return day if isinstance(day, date) else None
    if _is_day_word(day_text):
        named = _read_day(day_text, today)
        return None if named is None else _InYear(named, int(year))
    return None


def _next_day_month(day: int, month: int, today: date) -> date:
    """The first such date on or after `RECENT_PAST` before today (29.02: in a leap year)."""
    # parse_date's FUTURE preference only looks half a year ahead; appointments are booked
    # further out, and the last month is kept so a typo is refused as past, not moved a year.
    cutoff = today - RECENT_PAST
    for year in (cutoff.year, cutoff.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= cutoff:
            return candidate
    raise DomainError("date_no_leap_day" if (day, month) == (29, 2) else "date_impossible")


def _may_be_day_and_month(text: str) -> bool:
    """Whether two numbers after a space (`12 12`, `9 05`) may be a day and a month."""
    found = _SPACED_PAIR.match(text)
    return found is not None and 1 <= int(found[1]) <= 31 and 1 <= int(found[2]) <= 12


def _is_day_word(text: str) -> bool:
    """Whether the text is a day word (`jutro`, `tomorrow`) or a weekday (`w piątek`)."""
    return text in _DAY_WORDS or _read_weekday(text) is not None


def _read_packed_time(text: str, today: date) -> time | None:
    """The clock time in `1030`, `930`, `o 0930` (hours and minutes run together), or None."""
    found = _PACKED_TIME.match(text)
    if not found:
        return None
    if len(text) == 4 and today.year <= int(text) <= today.year + APPOINTMENT_YEARS_AHEAD:
        # Bare, as a year is typed: `o 2026` or `godz. 2026` would be longer than four.
        raise DomainError("when_year_not_time", year=text, time=f"{text[:2]}:{text[2:]}")
    hour, minute = int(found["hour"]), int(found["minute"])
    if hour > 23 or minute > 59:
        if len(text) == 4 and int(text) in _YEAR_LIKE:
            raise DomainError("when_looks_like_year", year=text)
        raise DomainError("time_impossible")
    return time(hour, minute)


def _read_time(text: str) -> time | None:
    """The clock time in `10`, `9:05`, `10.30`, `10 30`, `10h`, `o 10`, `godz. 10`, `2:30 pm`."""
    found = _TIME.match(text)
    if not found or (found["minute"] and found["h_minute"]):
        return None
    hour = int(found["hour"])
    minute = int(found["minute"] or found["h_minute"] or 0)
    if found["meridiem"]:
        if not 1 <= hour <= 12:
            raise DomainError("time_impossible")
        hour = hour % 12 + (12 if found["meridiem"] == "p" else 0)
    if hour > 23 or minute > 59:
        raise DomainError("time_impossible")
    return time(hour, minute)


def _combine(
    day: date | _NextWeekday | _InYear, clock: time, now: datetime, zone: tzinfo
) -> datetime:
    """The moment on that day at that time in `zone`, refused unless it is after `now`."""
    if isinstance(day, _InYear):
        moment = _combine(day.day, clock, now, zone)
        if moment.year != day.year:  # a weekday's day is known only with its time
            raise DomainError("when_year_mismatch", year=str(day.year), actual=str(moment.year))
        return moment
    if isinstance(day, _NextWeekday):
        moment = _next_weekday_at(day.weekday, clock, now, zone)
    else:
        moment = _at(day, clock, zone)
    # Compared in UTC: within one zone Python compares wall clocks, blind to the repeated hour.
    if moment.astimezone(UTC) <= now.astimezone(UTC):
        raise DomainError("when_past")
    return moment


def _next_weekday_at(weekday: int, clock: time, now: datetime, zone: tzinfo) -> datetime:
    """The next such weekday at that time: today while the time is still ahead on the clock."""
    today = now.date()
    ahead = (weekday - today.weekday()) % 7
    # Decided on the wall clock, so a spring-skipped time earlier today means next week's day
    # instead of a refusal for a moment nobody meant.
    if ahead == 0 and clock <= now.time():
        ahead = 7
    moment = _at(today + timedelta(days=ahead), clock, zone)
    if moment.astimezone(UTC) <= now.astimezone(UTC):
        # Only in the repeated autumn hour: today's first occurrence is already gone.
        moment = _at(today + timedelta(days=7), clock, zone)
    return moment


def _at(day: date, clock: time, zone: tzinfo) -> datetime:
    """The aware moment; the first of a repeated hour; a skipped hour is time_impossible."""
    moment = datetime.combine(day, clock, tzinfo=zone)  # fold=0: the first occurrence
    # A skipped wall time does not survive a round trip through UTC (02:30 comes back as 03:30).
    wall = moment.replace(tzinfo=None)
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise DomainError("time_impossible")
    return moment
