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
# Nobody was there, found at who was present: the date chosen for the visit is the attempt's.
MISSED_KEPT_DATE_FLOW = (Step.MISSED_REASON, Step.NOTE)


def asked_flow(draft: VisitDraft) -> tuple[Step, ...]:
    """The steps this kind of visit goes through, in order (the walk's moves)."""
    if draft.kind is not VisitKind.MISSED:
        return COMPLETED_FLOW
    return MISSED_KEPT_DATE_FLOW if draft.date_kept else MISSED_FLOW


def counted_flow(draft: VisitDraft, *, members: bool) -> tuple[Step, ...]:
    """The steps asked of this family, in order (what the header counts).

    Who was present is not asked of a family without `members`, nor the goals worked on when
    its plan had no open goals when last read (the walk's start, the goals step, ✏️ Change):
    the walk skips them, so the count does too.
    """
    skipped = {Step.PRESENT} if not members else set()
    if draft.has_open_goals is False:
        skipped.add(Step.GOALS)
    return tuple(step for step in asked_flow(draft) if step not in skipped)


def next_step(draft: VisitDraft, after: Step) -> Step:
    """The step after `after` in this kind of visit (the summary when editing or at the end)."""
    if draft.editing:
        return Step.SUMMARY
    flow = asked_flow(draft)
    index = flow.index(after) + 1 if after in flow else 0
    return flow[index] if index < len(flow) else Step.SUMMARY
