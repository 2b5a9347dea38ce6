"""The order of the /visit steps: a missed visit's date is asked once."""

from __future__ import annotations

from datetime import date

from bot.domain.visit import VisitDraft
from bot.domain.visit_steps import Step, asked_flow, next_step
from bot.domain.vocabulary import VisitKind


def test_a_missed_visit_asks_its_date_after_the_reason_unless_it_is_known() -> None:
    missed = VisitDraft(token="t", kind=VisitKind.MISSED)
    assert next_step(missed, Step.MISSED_REASON) is Step.DATE
    assert asked_flow(missed) == (Step.MISSED_REASON, Step.DATE, Step.NOTE)
    missed.visit_date = date(2026, 11, 24)  # chosen before nobody turned out to be there
    missed.date_kept = True
    assert next_step(missed, Step.MISSED_REASON) is Step.NOTE
    assert asked_flow(missed) == (Step.MISSED_REASON, Step.NOTE)  # what the header counts
    assert next_step(missed, Step.NOTE) is Step.SUMMARY
    missed.editing = True
    assert next_step(missed, Step.MISSED_REASON) is Step.SUMMARY


def test_a_visit_asks_every_step_in_order() -> None:
    visit = VisitDraft(token="t", visit_date=date(2026, 11, 24))
    assert next_step(visit, Step.DATE) is Step.DURATION
    assert next_step(visit, Step.PRESENT) is Step.AREAS
    assert next_step(visit, Step.NEXT_STEPS) is Step.SUMMARY
