"""domain/lifecycle.py: the dates of closure, reopening, monitoring and retention."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import DomainError
from bot.domain.lifecycle import (
    CasePeriod,
    CloseReason,
    Closure,
    check_closure,
    check_contact_day,
    check_reopen_day,
    monitoring_end,
    monitoring_reminder_day,
    months_after,
    retention_over,
    shown_for_earlier,
)

TODAY = date(2026, 12, 1)
OPEN = CasePeriod(id=1, family_id=1, started_on=date(2026, 3, 1))
CLOSED = OPEN.model_copy(
    update={
        "closed_on": date(2026, 10, 31),
        "close_reason": CloseReason.OTHER,
        "monitoring_until": date(2027, 4, 30),
    }
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 10, 31), 6, date(2027, 4, 30)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 12, 15), 12, date(2027, 12, 15)),
    ],
)
def test_months_after_keeps_the_day_or_takes_the_last(
    day: date, months: int, expected: date
) -> None:
    assert months_after(day, months) == expected


@pytest.mark.parametrize(
    ("day", "summary", "months", "code"),
    [
        (date(2026, 12, 2), "s", 0, "close_future"),
        (date(2026, 2, 28), "s", 0, "close_before_start"),
        (TODAY, "   ", 0, "text_empty"),
        (TODAY, "\u200b", 0, "text_invisible"),
        (TODAY, "x" * 2001, 0, "text_too_long"),
        (TODAY, "s", 4, "monitor_months"),
    ],
)
def test_a_closure_out_of_bounds_is_refused(
    day: date, summary: str, months: int, code: str
) -> None:
    closure = Closure(day=day, reason=CloseReason.REFUSED, summary=summary, monitor_months=months)
    with pytest.raises(DomainError) as refused:
        check_closure(closure, OPEN, TODAY)
    assert refused.value.code == code


def test_a_closed_period_cannot_be_closed_again() -> None:
    closure = Closure(day=TODAY, reason=CloseReason.REFUSED, summary="s")
    with pytest.raises(DomainError, match="family_closed"):
        check_closure(closure, CLOSED, TODAY)


def test_a_closure_is_cleaned() -> None:
    closure = Closure(
        day=TODAY, reason=CloseReason.OTHER, summary="  <b>&\u202e ", monitor_months=6
    )
    assert check_closure(closure, OPEN, TODAY).summary == "<b>&"
    assert monitoring_end(TODAY, 0) is None
    assert monitoring_end(TODAY, 6) == date(2027, 6, 1)


def test_reopening_comes_after_the_closure_and_not_ahead() -> None:
    with pytest.raises(DomainError, match="family_open"):
        check_reopen_day(TODAY, OPEN, TODAY)
    with pytest.raises(DomainError, match="reopen_before_close"):
        check_reopen_day(date(2026, 10, 30), CLOSED, TODAY)
    with pytest.raises(DomainError, match="day_future"):
        check_reopen_day(date(2026, 12, 2), CLOSED, TODAY)
    assert check_reopen_day(TODAY, CLOSED, TODAY) == TODAY


def test_a_monitoring_contact_comes_after_the_closure() -> None:
    with pytest.raises(DomainError, match="contact_before_close"):
        check_contact_day(date(2026, 10, 1), CLOSED, TODAY)
    assert check_contact_day(date(2026, 11, 5), CLOSED, TODAY) == date(2026, 11, 5)


def test_a_monitoring_contact_comes_by_the_monitorings_last_day() -> None:
    later = date(2027, 5, 10)  # monitoring over, neither finished nor extended yet
    assert check_contact_day(date(2027, 4, 30), CLOSED, later) == date(2027, 4, 30)
    with pytest.raises(DomainError, match="contact_after_monitoring") as refused:
        check_contact_day(date(2027, 5, 1), CLOSED, later)
    assert refused.value.details == {"date": "30.04.2027"}


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (date(2026, 11, 29), None),  # the first month is not over
        (date(2026, 11, 30), date(2026, 11, 30)),
        (date(2026, 12, 15), date(2026, 11, 30)),
        (date(2027, 3, 31), date(2027, 3, 31)),
        (date(2027, 4, 30), date(2027, 3, 31)),  # the end asks "finish or extend?" instead
    ],
)
def test_the_monthly_reminder_falls_on_the_closures_anniversaries(
    day: date, due: date | None
) -> None:
    assert monitoring_reminder_day(CLOSED, day) == due


def test_no_monthly_reminder_once_monitoring_is_finished() -> None:
    finished = CLOSED.model_copy(update={"monitoring_ended_on": date(2026, 11, 30)})
    assert monitoring_reminder_day(finished, date(2026, 12, 15)) is None
    assert monitoring_reminder_day(OPEN, date(2026, 12, 15)) is None


def test_retention_counts_from_the_closure_or_the_end_of_monitoring() -> None:
    assert not retention_over(OPEN, 1, date(2040, 1, 1))
    assert not retention_over(CLOSED, 5, date(2032, 4, 29))
    assert retention_over(CLOSED, 5, date(2032, 4, 30))
    plain = CLOSED.model_copy(update={"monitoring_until": None})
    assert retention_over(plain, 5, date(2031, 10, 31))


# CLOSED: closed 31 Oct 2026, monitored until 30 Apr 2027; ➕ from 31 Jan 2027 gives that end.
@pytest.mark.parametrize(
    ("shown", "earlier", "told"),
    [
        (date(2027, 4, 30), {date(2027, 4, 30)}, False),  # this end: extended, or finished
        (date(2027, 6, 1), set(), True),  # past this end, which only moves later
        (date(2026, 10, 1), set(), True),  # before this closure
        (date(2027, 1, 31), set(), False),  # this one's, extended since (a double tap)
        (date(2027, 2, 15), {date(2027, 2, 15)}, True),  # an earlier period ended then
        (date(2027, 1, 31), {date(2027, 1, 31)}, False),  # that too, but ➕ from it gives this
    ],
)
def test_an_end_shown_is_told_an_earlier_monitorings(
    shown: date, earlier: set[date], told: bool
) -> None:
    extended = months_after(max(shown, TODAY), 3)
    assert shown_for_earlier(CLOSED, shown, earlier, extended) is told
