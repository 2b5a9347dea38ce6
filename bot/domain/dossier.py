"""A family's whole record for its documents: the dossier and the periodic assessment."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from bot.domain.appointment import Appointment
from bot.domain.family import Family
from bot.domain.lifecycle import CasePeriod, MonitoringContact
from bot.domain.plan import Assessment, Goal, GoalEvent, GoalEventKind, Independence
from bot.domain.reports import week_starts
from bot.domain.visit import Visit
from bot.domain.vocabulary import VisitKind


class FamilyRecord(BaseModel):
    """Everything the bot holds about the work with one family, oldest first."""

    model_config = ConfigDict(frozen=True)

    family: Family
    assistant_name: str
    plan_started_on: date | None
    visits: tuple[Visit, ...]
    goals: tuple[Goal, ...]  # of every plan, the ended ones too
    events: tuple[GoalEvent, ...]
    appointments: tuple[Appointment, ...]
    assessments: tuple[Assessment, ...]
    periods: tuple[CasePeriod, ...] = ()  # of work: opened, closed with a reason, reopened
    monitoring: tuple[MonitoringContact, ...] = ()  # contacts after a closure
    made_on: date

    def member_name(self, member_id: int) -> str:
        """A member's first name, one who moved out since too ('?' for an id not the family's)."""
        return next((m.name for m in self.family.everyone if m.id == member_id), "?")

    def first_day(self) -> date:
        """When the work began: the contract, the plan or the first visit, whichever is first."""
        days = [self.made_on]
        days += [d for d in (self.family.contract_signed_on, self.plan_started_on) if d]
        days += [v.visit_date for v in self.visits[:1]]
        return min(days)


class Period(BaseModel):
    """The days an assessment is about."""

    model_config = ConfigDict(frozen=True)

    first: date
    last: date


class AssessmentDocument(BaseModel):
    """A periodic assessment with what happened in its period, for the head of the centre."""

    model_config = ConfigDict(frozen=True)

    record: FamilyRecord
    assessment: Assessment
    period: Period

    @property
    def visits(self) -> list[Visit]:
        """Visits and missed visits in the period."""
        first, last = self.period.first, self.period.last
        return [v for v in self.record.visits if first <= v.visit_date <= last]

    @property
    def minutes(self) -> int:
        """Minutes of the period's visits."""
        return sum(v.duration_min or 0 for v in self.visits if v.kind is VisitKind.COMPLETED)

    def progress(self, goal_id: int) -> list[GoalEvent]:
        """A goal's progress notes in the period."""
        first, last = self.period.first, self.period.last
        return [
            e
            for e in self.record.events
            if e.goal_id == goal_id
            and e.kind is GoalEventKind.PROGRESS
            and first <= e.day <= last
            and e.text
        ]

    def level_then(self, task_id: int, now: Independence | None) -> Independence | None:
        """A task's independence level when the period began (its level now if unchanged)."""
        return level_on(self.record.events, task_id, self.period.first, now)


def level_on(
    events: tuple[GoalEvent, ...], task_id: int, day: date, now: Independence | None
) -> Independence | None:
    """A task's independence level on a day, from its history (entries oldest first)."""
    changes = [e for e in events if e.task_id == task_id and e.kind is GoalEventKind.INDEPENDENCE]
    before = [e for e in changes if e.day < day]
    if before:
        return _level(before[-1].new_value)
    after = [e for e in changes if e.day >= day]
    return _level(after[0].old_value) if after else now


def _level(value: str | None) -> Independence | None:
    """A stored level, or None."""
    return Independence(value) if value in set(Independence) else None


def assessment_period(record: FamilyRecord, assessment: Assessment) -> Period:
    """From the day after the assessment before it (or the start of the work) to its day."""
    earlier = [a.day for a in record.assessments if a.day < assessment.day]
    first = max(earlier) + timedelta(days=1) if earlier else record.first_day()
    return Period(first=min(first, assessment.day), last=assessment.day)


def visits_per_week(record: FamilyRecord, first: date, last: date) -> tuple[list[date], list[int]]:
    """The Mondays of a period and the visits that took place in each week."""
    weeks = week_starts(first, last)
    counts = [0] * len(weeks)
    for visit in record.visits:
        if visit.kind is VisitKind.COMPLETED and first <= visit.visit_date <= last:
            counts[(visit.visit_date - weeks[0]).days // 7] += 1
    return weeks, counts


def independence_series(record: FamilyRecord) -> list[tuple[str, list[tuple[date, int]]]]:
    """For each task with a level: its text and (day, level step 0–3) from its history."""
    scale = list(Independence)
    series = []
    for goal in record.goals:
        for task in goal.tasks:
            if task.independence is None:
                continue
            changes = [
                e
                for e in record.events
                if e.task_id == task.id and e.kind is GoalEventKind.INDEPENDENCE
            ]
            start = _level(changes[0].old_value) if changes else task.independence
            points = [(task.created_at.date(), scale.index(start))] if start else []
            points += [
                (e.day, scale.index(level))
                for e in changes
                if (level := _level(e.new_value)) is not None
            ]
            if points:
                series.append((task.text, points))
    return series
