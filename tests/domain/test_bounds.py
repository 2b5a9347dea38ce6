"""How far back and ahead a typed date may lie: every bound, at its edge, with a fixed today."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.appointment import check_start
from bot.domain.errors import DomainError
from bot.domain.family import (
    NewFamily,
    check_contract_signed,
    check_contract_until,
    check_new_family,
)
from bot.domain.parsing import parse_date, years_after
from bot.domain.plan import check_assessment_day, check_due
from bot.domain.visit import check_visit_date

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def refusal(check: Callable[..., object], *args: object) -> str:
    """The code a check refuses with."""
    with pytest.raises(DomainError) as caught:
        check(*args)
    return caught.value.code


def test_years_after_keeps_the_day_and_shortens_29_february() -> None:
    assert years_after(TODAY, 2) == date(2028, 11, 25)
    assert years_after(TODAY, -10) == date(2016, 11, 25)
    assert years_after(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert years_after(date(2028, 2, 29), -4) == date(2024, 2, 29)
    assert years_after(NOW, 2) == datetime(2028, 11, 25, 9, 30, tzinfo=UTC)


def test_a_visit_is_at_most_a_year_back_and_not_ahead() -> None:
    assert check_visit_date(TODAY - timedelta(days=366), TODAY) == date(2025, 11, 24)
    assert refusal(check_visit_date, TODAY - timedelta(days=367), TODAY) == "date_too_old"
    assert refusal(check_visit_date, parse_date("01.01.1800", TODAY), TODAY) == "date_too_old"
    assert refusal(check_visit_date, TODAY + timedelta(days=1), TODAY) == "date_future"


def test_an_assessment_is_at_most_a_year_back_and_not_ahead() -> None:
    # 01.01.1800 was saved and made the family 82,698 days overdue.
    assert refusal(check_assessment_day, parse_date("01.01.1800", TODAY), TODAY) == "date_too_old"
    assert refusal(check_assessment_day, TODAY - timedelta(days=367), TODAY) == "date_too_old"
    assert check_assessment_day(TODAY - timedelta(days=366), TODAY) == date(2025, 11, 24)
    assert check_assessment_day(TODAY, TODAY) == TODAY
    assert refusal(check_assessment_day, TODAY + timedelta(days=1), TODAY) == "assessment_future"


def test_a_due_date_is_from_today_to_two_years_ahead() -> None:
    assert check_due(TODAY, TODAY) == TODAY
    assert check_due(date(2028, 11, 25), TODAY) == date(2028, 11, 25)
    assert refusal(check_due, date(2028, 11, 26), TODAY) == "date_too_far"
    assert refusal(check_due, parse_date("31.12.2099", TODAY), TODAY) == "date_too_far"
    assert refusal(check_due, TODAY - timedelta(days=1), TODAY) == "date_past"
    assert check_due(None, TODAY) is None


def test_an_appointment_is_after_now_and_at_most_two_years_ahead() -> None:
    assert check_start(NOW + timedelta(minutes=1), NOW) == NOW + timedelta(minutes=1)
    edge = datetime(2028, 11, 25, 9, 30, tzinfo=UTC)
    assert check_start(edge, NOW) == edge
    assert refusal(check_start, edge + timedelta(minutes=1), NOW) == "date_too_far"
    assert refusal(check_start, datetime(2099, 12, 12, 10, tzinfo=UTC), NOW) == "date_too_far"
    assert refusal(check_start, NOW, NOW) == "when_past"


def test_a_contract_is_signed_in_the_last_ten_years() -> None:
    assert check_contract_signed(TODAY, TODAY) == TODAY
    assert check_contract_signed(date(2016, 11, 25), TODAY) == date(2016, 11, 25)
    assert refusal(check_contract_signed, date(2016, 11, 24), TODAY) == "contract_too_old"
    assert refusal(check_contract_signed, date(1900, 1, 1), TODAY) == "contract_too_old"
    assert refusal(check_contract_signed, TODAY + timedelta(days=1), TODAY) == "contract_future"


def test_a_contract_ends_after_signing_and_at_most_three_years_ahead() -> None:
    signed = date(2026, 6, 1)
    assert check_contract_until(signed, signed, TODAY) == signed
    assert check_contract_until(date(2029, 11, 25), signed, TODAY) == date(2029, 11, 25)
    assert refusal(check_contract_until, date(2029, 11, 26), signed, TODAY) == "contract_too_far"
    assert refusal(check_contract_until, date(2999, 12, 31), None, TODAY) == "contract_too_far"
    assert refusal(check_contract_until, date(2026, 5, 31), signed, TODAY) == "contract_order"
    assert refusal(check_contract_until, date(1900, 1, 1), None, TODAY) == "contract_too_old"
    # An expired contract is real data (it is being renewed): kept.
    assert check_contract_until(date(2026, 10, 31), None, TODAY) == date(2026, 10, 31)


def test_a_new_family_is_checked_whole() -> None:
    good = NewFamily(
        code="R-01", contract_signed_on=date(2026, 6, 1), contract_valid_until=date(2027, 6, 1)
    )
    assert check_new_family(good, TODAY) == good
    assert check_new_family(NewFamily(code="R-01"), TODAY) == NewFamily(code="R-01")
    for signed, until, code in [
        (date(1900, 1, 1), None, "contract_too_old"),
        (date(2026, 12, 1), None, "contract_future"),
        (None, date(2999, 1, 1), "contract_too_far"),
        (date(2026, 6, 1), date(2026, 5, 1), "contract_order"),
    ]:
        family = NewFamily(code="R-01", contract_signed_on=signed, contract_valid_until=until)
        assert refusal(check_new_family, family, TODAY) == code


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_every_refused_date_is_outside_and_every_kept_one_inside(day: date) -> None:
    low, high = TODAY - timedelta(days=366), years_after(TODAY, 2)
    try:
        check_assessment_day(day, TODAY)
    except DomainError:
        assert not low <= day <= TODAY
    else:
        assert low <= day <= TODAY
    try:
        check_due(day, TODAY)
    except DomainError:
        assert not TODAY <= day <= high
    else:
        assert TODAY <= day <= high
