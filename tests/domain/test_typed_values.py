"""Typed values pasted or typed on a phone with invisible marks, odd spaces, other digits."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import DomainError
from bot.domain.family import normalise_code, read_birth_year
from bot.domain.parsing import YearPreference, parse_date, parse_duration
from bot.domain.reports import Month, parse_month
from bot.domain.typed_values import plain_typed_value, typed_word
from bot.domain.visit import check_note
from bot.domain.when import parse_when

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, 30, tzinfo=ZoneInfo("Europe/Warsaw"))
# What phones and copy-paste put into a value without anyone seeing it.
MARKS = {
    "LRM": "\u200e",
    "RLM": "\u200f",
    "ALM": "\u061c",
    "LRE": "\u202a",
    "RLE": "\u202b",
    "PDF": "\u202c",
    "LRO": "\u202d",
    "RLO": "\u202e",
    "LRI": "\u2066",
    "RLI": "\u2067",
    "FSI": "\u2068",
    "PDI": "\u2069",
    "ZWSP": "\u200b",
    "ZWNJ": "\u200c",
    "ZWJ": "\u200d",
    "WJ": "\u2060",
    "BOM": "\ufeff",
    "SHY": "\u00ad",
}
SPACES = {"NBSP": "\u00a0", "NNBSP": "\u202f", "THIN": "\u2009"}
marks = pytest.mark.parametrize("mark", list(MARKS.values()), ids=list(MARKS))
spaces = pytest.mark.parametrize("space", list(SPACES.values()), ids=list(SPACES))


@marks
def test_the_normaliser_drops_invisible_marks(mark: str) -> None:
    assert plain_typed_value(f"{mark}08{mark}:00{mark}") == "08:00"


@spaces
def test_the_normaliser_makes_odd_spaces_plain(space: str) -> None:
    assert plain_typed_value(f"90{space}min") == "90 min"


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("٠٨:٣٠", "08:30"),  # Arabic-Indic
        ("۱۲.۰۳", "12.03"),  # Extended Arabic-Indic (Persian keyboards)
        ("２０１５", "2015"),  # full-width
        ("१२", "12"),  # Devanagari
        ("²⁰¹⁵", "²⁰¹⁵"),  # superscripts are no decimal digits: left for the parser to refuse
        ("Jutro, 10:30 R-01", "Jutro, 10:30 R-01"),  # everything visible is kept
    ],
)
def test_the_normaliser_makes_digits_ascii(typed: str, plain: str) -> None:
    assert plain_typed_value(typed) == plain


@marks
def test_dates_are_read_through_marks(mark: str) -> None:
    ahead = YearPreference.FUTURE
    assert parse_date(f"{mark}12.03.2027{mark}", TODAY, ahead) == date(2027, 3, 12)
    assert parse_date(f"{mark}ju{mark}tro{mark}", TODAY, ahead) == date(2026, 11, 26)
    assert parse_date(f"za{mark} tydzień", TODAY, ahead) == date(2026, 12, 2)


@marks
def test_durations_are_read_through_marks(mark: str) -> None:
    assert parse_duration(f"{mark}45{mark}") == 45
    assert parse_duration(f"1{mark}h{mark}30") == 90


@marks
def test_appointment_times_are_read_through_marks(mark: str) -> None:
    wanted = datetime(2026, 11, 26, 10, 30, tzinfo=ZoneInfo("Europe/Warsaw"))
    assert parse_when(f"{mark}jutro{mark} 10:30{mark}", NOW) == wanted
    assert parse_when(f"{mark}26.11.2026 {mark}10{mark}:30", NOW) == wanted


@marks
def test_months_birth_years_and_codes_are_read_through_marks(mark: str) -> None:
    assert parse_month(f"{mark}10.2026{mark}", TODAY) == Month(year=2026, month=10)
    assert read_birth_year(f"{mark}2015{mark}", TODAY) == 2015
    assert normalise_code(f"R{mark}-01{mark}") == "R-01"


@spaces
def test_values_are_read_through_odd_spaces(space: str) -> None:
    assert parse_date(f"12.{space}03.{space}2027", TODAY) == date(2027, 3, 12)
    assert parse_date(f"za{space}tydzień", TODAY, YearPreference.FUTURE) == date(2026, 12, 2)
    assert parse_duration(f"45{space}min") == 45
    assert parse_duration(f"1{space}h{space}30{space}min") == 90
    assert parse_when(f"jutro{space}10:30", NOW).hour == 10
    assert parse_month(f"{space}10.2026{space}", TODAY) == Month(year=2026, month=10)
    assert read_birth_year(f"{space}2015{space}", TODAY) == 2015
    assert normalise_code(f"{space}R-01{space}") == "R-01"


def test_values_are_read_in_digits_of_other_scripts() -> None:
    assert parse_date("١٢.٠٣.٢٠٢٧", TODAY) == date(2027, 3, 12)
    assert parse_date("za ۲ tygodnie", TODAY, YearPreference.FUTURE) == date(2026, 12, 9)
    assert parse_duration("٤٥") == 45
    assert parse_duration("４５ min") == 45
    assert parse_when("jutro ١٠:٣٠", NOW).hour == 10
    assert parse_month("١٠.٢٠٢٦", TODAY) == Month(year=2026, month=10)
    assert read_birth_year("٢٠١٥", TODAY) == 2015
    assert normalise_code("R-٠١") == "R-01"
    assert normalise_code("R-０１") == "R-01"


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("０８：００", "08:00"),  # a Japanese or Chinese keyboard's full-width forms
        ("２１．１１", "21.11"),
        ("１ｈ３０", "1h30"),
        ("１２／１２\u3000１４：００", "12/12 14:00"),  # the ideographic space
        ("Ｒ－０１", "R-01"),
        ("ＰＤＦ！", "PDF!"),
        ("！～", "!~"),  # the first and the last of the forms (U+FF01, U+FF5E)
        ("½ ² ① ⑩ ｡ ￥", "½ ² ① ⑩ ｡ ￥"),  # fractions, superscripts, circled: no digits of a value
    ],
)
def test_the_normaliser_makes_full_width_forms_ascii(typed: str, plain: str) -> None:
    assert plain_typed_value(typed) == plain


def test_values_are_read_in_full_width_forms() -> None:
    assert parse_date("２１．１１．２０２６", TODAY) == date(2026, 11, 21)
    assert parse_date("２１．１１", TODAY) == date(2026, 11, 21)
    assert parse_date("ｊｕｔｒｏ", TODAY, YearPreference.FUTURE) == date(2026, 11, 26)
    assert parse_duration("１ｈ３０") == 90
    assert parse_duration("１：３０") == 90
    assert parse_duration("４５\u3000ｍｉｎ") == 45
    assert parse_when("ｊｕｔｒｏ\u3000０８：００", NOW).hour == 8
    assert parse_month("１０．２０２６", TODAY) == Month(year=2026, month=10)
    assert read_birth_year("２０１５", TODAY) == 2015
    assert normalise_code("Ｒ－０１") == "R-01"
    assert typed_word("\u3000ＰＤＦ") == "pdf"


# One rule for every parser: a superscript, a fraction or a circled number is not a digit.
NOT_DIGITS = [
    ("when", "jutro ²", "when_format"),  # was 02:00
    ("when", "jutro 10²", "when_format"),  # was 01:02
    ("when", "jutro ¹⁰:00", "when_format"),  # was 10:00
    ("when", "jutro 10:³⁰", "when_format"),  # was 10:30
    ("when", "jutro ⑩", "when_format"),  # was 10:00
    ("when", "²¹.¹².²⁰²⁶ 10:00", "when_format"),
    ("when", "15 marca ²⁰²⁷ 10:00", "when_format"),
    ("when", "jutro ½", "when_format"),
    ("date", "²¹.¹¹", "date_format"),
    ("date", "za ² tygodnie", "date_format"),  # was 9 December
    ("date", "15 marca ²⁰²⁷", "date_format"),  # was 15 March 2027
    ("duration", "²⁰", "duration_format"),
    ("duration", "1½h", "duration_format"),
    ("month", "¹⁰.²⁰²⁶", "month_format"),
    ("birth year", "²⁰¹⁵", "year_format"),
]
PARSERS = {
    "when": lambda text: parse_when(text, NOW),
    "date": lambda text: parse_date(text, TODAY, YearPreference.FUTURE),
    "duration": parse_duration,
    "month": lambda text: parse_month(text, TODAY),
    "birth year": lambda text: read_birth_year(text, TODAY),
}


@pytest.mark.parametrize(("parser", "typed", "code"), NOT_DIGITS)
def test_superscripts_fractions_and_circled_numbers_are_refused_by_every_parser(
    parser: str, typed: str, code: str
) -> None:
    with pytest.raises(DomainError) as refused:
        PARSERS[parser](typed)
    assert refused.value.code == code


def test_stored_free_text_keeps_its_joiners_and_spaces() -> None:
    # Notes and names are not values: an emoji family keeps its joiners, a space its kind.
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    note = f"Spotkanie {family} o\u00a010:00, ٣ dzieci"
    assert check_note(note) == note
