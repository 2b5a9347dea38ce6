"""Days people type in words, Polish and English: `jutro`, `za 2 tygodnie`, `koniec lutego`.

parsing.parse_date reads every typed date (numbers first, then these words); when.py reads the
day of an appointment with it too, so there is one reader of days for the whole bot. Text is
folded first (lower case, no diacritics: `środa` is `sroda`, `ł` is `l`).

Choices worth knowing (the tests pin each one):
- `do`, `na`, `by`, `until`, `till`, `on` in front change nothing (`do 15 marca` is 15 March).
- Spans count from today: `za tydzień` / `in a week` is 7 days, `za miesiąc` the same day next
  month (31 January + 1 month is 28 February), `za pół roku` six months; `2 dni temu` /
  `2 days ago` count back.
- A month named without a year (`15 marca`, `koniec lutego`) is placed by the caller's rule
  (`Resolve`), as a typed `15.03` would be; `koniec` is the month's last day, `początek` the
  1st, `połowa` the 15th.
- A weekday alone is the next such day after today (`ahead`), or the last one up to today.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

from bot.domain.errors import DomainError
from bot.domain.typed_values import without_diacritics

Resolve = Callable[[int, int], date]  # (day, month) typed without a year -> the date meant
MAX_LENGTH = 60

_MONTH_FORMS: tuple[tuple[str, ...], ...] = (
    ("styczen", "stycznia", "sty", "january", "jan"),
    ("luty", "lutego", "lut", "february", "feb"),
    ("marzec", "marca", "mar", "march"),
    ("kwiecien", "kwietnia", "kwi", "april", "apr"),
    ("maj", "maja", "may"),
    ("czerwiec", "czerwca", "cze", "june", "jun"),
    ("lipiec", "lipca", "lip", "july", "jul"),
    ("sierpien", "sierpnia", "sie", "august", "aug"),
    ("wrzesien", "wrzesnia", "wrz", "september", "sep", "sept"),
    ("pazdziernik", "pazdziernika", "paz", "october", "oct"),
    ("listopad", "listopada", "lis", "november", "nov"),
    ("grudzien", "grudnia", "gru", "december", "dec"),
)
MONTHS: dict[str, int] = {
    form: number for number, forms in enumerate(_MONTH_FORMS, start=1) for form in forms
}
_WEEKDAY_FORMS: tuple[tuple[str, ...], ...] = (
    ("poniedzialek", "pon", "pn", "monday", "mon"),
    ("wtorek", "wt", "tuesday", "tue", "tues"),
    ("sroda", "srode", "sr", "wednesday", "wed"),
    ("czwartek", "czw", "cz", "thursday", "thu", "thur", "thurs"),
    ("piatek", "pt", "friday", "fri"),
    ("sobota", "sobote", "sob", "so", "saturday", "sat"),
    ("niedziela", "niedziele", "niedz", "nd", "ndz", "sunday", "sun"),
)
WEEKDAYS: dict[str, int] = {
    form: weekday for weekday, forms in enumerate(_WEEKDAY_FORMS) for form in forms
}
DAY_WORDS: dict[str, int] = {
    "dzis": 0,
    "dzisiaj": 0,
    "today": 0,
    "jutro": 1,
    "tomorrow": 1,
    "pojutrze": 2,
    "day after tomorrow": 2,
    "the day after tomorrow": 2,
    "wczoraj": -1,
    "yesterday": -1,
    "przedwczoraj": -2,
    "day before yesterday": -2,
}
_NUMBERS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "jeden": 1,
    "jedna": 1,
    "two": 2,
    "dwa": 2,
    "dwie": 2,
    "three": 3,
    "trzy": 3,
    "four": 4,
    "cztery": 4,
    "five": 5,
    "piec": 5,
    "six": 6,
    "szesc": 6,
    "nine": 9,
    "dziewiec": 9,
    "twelve": 12,
    "dwanascie": 12,
}
# Unit -> (days, months) per one.
_UNITS: dict[str, tuple[int, int]] = {
    **dict.fromkeys(("dzien", "dni", "dnia", "day", "days"), (1, 0)),
    **dict.fromkeys(("tydzien", "tygodnie", "tygodni", "tygodnia", "week", "weeks"), (7, 0)),
    **dict.fromkeys(("miesiac", "miesiace", "miesiecy", "miesiaca", "month", "months"), (0, 1)),
    **dict.fromkeys(("rok", "lata", "lat", "roku", "year", "years"), (0, 12)),
}
_HALF_YEAR = {"pol roku", "half a year", "half year", "six months"}
_LEADING = re.compile(r"^(?:do|na|by|until|till|on|to|w|we|the)\s+", re.ASCII)
_SPAN_AHEAD = re.compile(r"^(?:za|in)\s+(?:(\w+)\s+)?(\w+)$", re.ASCII)
_SPAN_BACK = re.compile(r"^(?:(\w+)\s+)?(\w+)\s+(?:temu|ago)$", re.ASCII)
_PART_OF = re.compile(
    r"^(?P<part>koniec|konca|poczatek|poczatku|polowa|polowie|end|beginning|start|middle|mid)"
    r"(?:\s+of)?\s+(?:the\s+)?(?P<what>\w+)(?:\s+(?P<year>\d{4}))?$",
    re.ASCII,
)
_DAY_MONTH = re.compile(
    r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[a-z]+)\.?(?:\s+(?P<year>\d{4}))?$",
    re.ASCII,
)
_MONTH_DAY = re.compile(
    r"^(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s+(?P<year>\d{4}))?$",
    re.ASCII,
)
_WEEKDAY = re.compile(r"^(?:(?:next|this|last|najblizszy|najblizsza|najblizsze)\s+)?([a-z]+)$")
_END_DAY = {"koniec": 0, "konca": 0, "end": 0}
_FIRST_DAY = {"poczatek": 1, "poczatku": 1, "beginning": 1, "start": 1}


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces, commas as spaces, no punctuation at the ends."""
    # Spaces and digits were made plain by plain_typed_value, which every caller applies first.
    plain = without_diacritics(text)
    return " ".join(plain.replace(",", " ").split()).strip(" .;:!?")


def read_day_words(text: str, today: date, resolve: Resolve, *, ahead: bool) -> date | None:
    """The day folded `text` names in words, None when it names none; impossible ones refused."""
    if len(text) > MAX_LENGTH:
        return None
    while (stripped := _LEADING.sub("", text, count=1)) != text:
        text = stripped
    if text in DAY_WORDS:
        return today + timedelta(days=DAY_WORDS[text])
    for read in (_span, _part_of_month, _named_month):
        found = read(text, today, resolve)
        if found is not None:
            return found
    return _weekday(text, today, ahead=ahead)


# The usual spans offered as buttons (key -> days, months), counted from today or a start.
SPANS: dict[str, tuple[int, int]] = {
    "1w": (7, 0),
    "1m": (0, 1),
    "3m": (0, 3),
    "6m": (0, 6),
    "1y": (0, 12),
}
PLAN_SPANS = ("1w", "1m", "3m", "6m")  # goal and task due dates
CONTRACT_SPANS = ("6m", "1y")  # how long a contract runs from its signing


def contract_span_after(start: date, key: str) -> date:
    """The end of a contract a usual span after its signing (a plan's spans are refused)."""
    if key not in CONTRACT_SPANS:
        raise DomainError("date_format")
    return span_after(start, key)


def span_after(start: date, key: str) -> date:
    """The day a usual span after `start` (a forged key is refused like an unreadable date)."""
    if key not in SPANS:
        raise DomainError("date_format")
    days, months = SPANS[key]
    return add_months(start, months) + timedelta(days=days)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier); past the month's end it is its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _span(text: str, today: date, resolve: Resolve) -> date | None:
    """`za 2 tygodnie`, `in a month`, `za pół roku`, `3 dni temu`, `a week ago`."""
    sign = 1
    spoken = text.removeprefix("za ").removeprefix("in ")
    if spoken in _HALF_YEAR and spoken != text:
        return add_months(today, 6)
    found = _SPAN_AHEAD.match(text)
    if found is None:
        found, sign = _SPAN_BACK.match(text), -1
    if found is None or found[2] not in _UNITS:
        return None
    count = _count(found[1])
    if count is None:
        return None
    days, months = _UNITS[found[2]]
    return add_months(today, sign * months * count) + timedelta(days=sign * days * count)


def _count(word: str | None) -> int | None:
    """How many: a number in digits (up to 3) or a small one in words; none written is one."""
    if word is None:
        return 1
    if word.isascii() and word.isdigit() and len(word) <= 3:
        return int(word)
    return _NUMBERS.get(word)


def _part_of_month(text: str, today: date, resolve: Resolve) -> date | None:
    """`koniec lutego`, `end of February 2027`, `początek marca`, `połowa maja`, `koniec roku`."""
    found = _PART_OF.match(text)
    if found is None:
        return None
    part, what = found["part"], found["what"]
    if what in ("miesiaca", "month"):
        month_start = today.replace(day=1)
    elif what in ("roku", "year") and part not in _FIRST_DAY and part not in _END_DAY:
        return None  # the middle of a year is no day anyone means
    elif what in ("roku", "year"):
        month_start = date(today.year, 12, 1) if part in _END_DAY else date(today.year, 1, 1)
    elif what in MONTHS:
        month = MONTHS[what]
        year = int(found["year"]) if found["year"] else resolve(1, month).year
        month_start = date(year, month, 1)
    else:
        return None
    if part in _END_DAY:
        return month_start.replace(day=calendar.monthrange(month_start.year, month_start.month)[1])
    return month_start if part in _FIRST_DAY else month_start.replace(day=15)


def _named_month(text: str, today: date, resolve: Resolve) -> date | None:
    """`15 marca`, `15 marca 2027`, `15th of March`, `March 15`, `mar 15 2027`."""
    found = _DAY_MONTH.match(text) or _MONTH_DAY.match(text)
    if found is None or found["month"] not in MONTHS:
        return None
    day, month = int(found["day"]), MONTHS[found["month"]]
    if found["year"]:
        try:
            return date(int(found["year"]), month, day)
        except ValueError:
            raise DomainError("date_impossible") from None
    if not 1 <= day <= 31:
        raise DomainError("date_impossible")
    return resolve(day, month)


def _weekday(text: str, today: date, *, ahead: bool) -> date | None:
    """A weekday: the next one after today (`ahead`), else the last one up to today."""
    found = _WEEKDAY.match(text)
    weekday = WEEKDAYS.get(found[1]) if found else None
    if weekday is None:
        return None
    if ahead:
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    return today - timedelta(days=(today.weekday() - weekday) % 7)
