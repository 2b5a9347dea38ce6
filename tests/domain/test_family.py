"""Family codes, caseload and the weekly cadence."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.cadence import FamilyCadence, week_bounds
from bot.domain.errors import DomainError
from bot.domain.family import next_free_code, normalise_code, read_birth_year, suggest_code


def test_codes_are_suggested_in_order_filling_gaps() -> None:
    assert suggest_code(set()) == "R-01"
    assert suggest_code({"R-01", "r-02", "R-04"}) == "R-03"


def test_codes_are_normalised_or_refused() -> None:
    assert normalise_code(" r-07 ") == "R-07"
    assert normalise_code("A1") == "A1"
    assert normalise_code("-R") is None
    assert normalise_code("R 07") is None
    assert normalise_code("R-0123456789X") is None
    assert normalise_code("Ż-1") is None
    assert normalise_code("r\u201107") == "R-07"  # a non-breaking hyphen, copied
    assert normalise_code("R\u201307") == "R-07"  # an en dash, from a phone's keyboard
    assert normalise_code("\u2014R") is None  # nor does one make a code of what is none


def test_iso_week_runs_monday_to_sunday() -> None:
    assert week_bounds(date(2026, 11, 25)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week_bounds(date(2026, 11, 29)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week_bounds(date(2027, 1, 1)) == (date(2026, 12, 28), date(2027, 1, 3))


def test_cadence_counts_days_and_target() -> None:
    row = FamilyCadence(
        family_id=1,
        code="R-01",
        label=None,
        visits_per_week=2,
        visits_this_week=1,
        last_visit=date(2026, 11, 20),
    )
    assert row.days_since_last(date(2026, 11, 25)) == 5
    assert not row.week_done()
    never = row.model_copy(update={"last_visit": None, "visits_this_week": 2})
    assert never.days_since_last(date(2026, 11, 25)) is None
    assert never.week_done()


def test_a_typed_birth_year_is_plausible_or_refused_with_the_reason() -> None:
    today = date(2026, 11, 25)
    assert read_birth_year(" 2015 ", today) == 2015
    assert read_birth_year("٢٠١٥", today) == 2015  # Arabic-Indic digits (typed_values.py)
    for text, code in (("2027", "year_future"), ("1890", "year_too_old"), ("20x5", "year_format")):
        with pytest.raises(DomainError) as refused:
            read_birth_year(text, today)
        assert refused.value.code == code
    for text in ("²⁰¹⁵", "20155", ""):  # superscripts, five digits, nothing
        with pytest.raises(DomainError, match="year_format"):
            read_birth_year(text, today)


def test_a_taken_code_leads_to_the_nearest_free_one() -> None:
    assert next_free_code("R-07", {"R-07", "r-08"}) == "R-09"
    assert next_free_code("k7", {"K7"}) == "K8"
    assert next_free_code("R-99", {"R-99"}) == "R-100"
    assert next_free_code("ABC", {"ABC", "ABC-2"}) == "ABC-3"
    assert next_free_code("ABCDEFGHIJK9", {"ABCDEFGHIJK9"}) == "R-01"  # 13 characters: too long


@given(
    st.sets(st.from_regex(r"[A-Z0-9][A-Z0-9-]{0,11}", fullmatch=True), max_size=30),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,11}", fullmatch=True),
)
def test_the_suggestion_is_always_a_free_valid_code(existing: set[str], wanted: str) -> None:
    taken = existing | {wanted.upper()}
    suggestion = next_free_code(wanted, taken)
    assert normalise_code(suggestion) == suggestion
    assert suggestion not in taken
