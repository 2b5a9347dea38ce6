"""The steps of the /visit walk and the order they come in (shared by the walk and its ui)."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.visit import VisitDraft
from bot.domain.vocabulary import VisitKind


class Step(StrEnum):
    """Where the visit walk is (strings, so they persist as readable JSON)."""

    RESUME = "resume"
    FAMILY = "family"
    DATE = "date"
    MISSED_REASON = "missed_reason"
    DURATION = "duration"
    PLACE = "place"
    PRESENT = "present"
    AREAS = "areas"
    ACTIVITIES = "activities"
    GOALS = "goals"
    NOTE = "note"
    NEXT_STEPS = "next_steps"
    SUMMARY = "summary"
    EDIT = "edit"


COMPLETED_FLOW = (
    Step.DATE,
    Step.DURATION,
    Step.PLACE,
    Step.PRESENT,
    Step.AREAS,
    Step.ACTIVITIES,
    Step.GOALS,
    Step.NOTE,
    Step.NEXT_STEPS,
)
MISSED_FLOW = (Step.MISSED_REASON, Step.DATE, Step.NOTE)


def next_step(draft: VisitDraft, after: Step) -> Step:
    """The step after `after` in this kind of visit (the summary when editing or at the end).

    A missed visit's date is not asked when it was chosen before the visit turned out missed
    (nobody was there, found at who was present).
    """
    if draft.editing:
        return Step.SUMMARY
    flow = MISSED_FLOW if draft.kind is VisitKind.MISSED else COMPLETED_FLOW
    index = flow.index(after) + 1 if after in flow else 0
    known = {Step.DATE} if draft.kind is VisitKind.MISSED and draft.visit_date else set()
    return next((step for step in flow[index:] if step not in known), Step.SUMMARY)
