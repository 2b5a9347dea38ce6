"""The family's help plan: goals by area, tasks with an independence scale, assessments."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, model_validator

from bot.domain.errors import DomainError, NotFound
from bot.domain.family import Family
from bot.domain.parsing import years_after
from bot.domain.visit import check_note, check_past_day
from bot.domain.vocabulary import Area

ASSESSMENT_MONTHS = 6  # statute art. 15: a periodic assessment at least every six months
SUMMARY_MAX = 2000
GOAL_TEXT_MAX = 300
EFFECT_MAX = 300
PROGRESS_NOTE_MAX = 1000
TASK_TEXT_MAX = 200
RESOURCE_MAX = 200
INSTITUTION_MAX = 40
# Plans look a few months ahead; a goal due over two years ahead is a typo in the year (2099).
PLAN_YEARS_AHEAD = 2  # ui/labels.py says "two years" in the refusal
# An assessment dated over a year back is a typo too, and would make the family look overdue.
OLDEST_ASSESSMENT_DAYS = 366


class GoalStatus(StrEnum):
    """Where a goal stands."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    DROPPED = "dropped"


OPEN_STATUSES = frozenset({GoalStatus.PLANNED, GoalStatus.IN_PROGRESS})
CLOSED_STATUSES = tuple(s for s in GoalStatus if s not in OPEN_STATUSES)


class Independence(StrEnum):
    """How independently the family does a task, in the seeds' order (model, practise, let go)."""

    SHOWN = "shown"  # the assistant demonstrates
    TOGETHER = "together"
    SUPPORTED = "supported"  # the family does it, the assistant stands by
    ALONE = "alone"


INDEPENDENCE_SCALE = tuple(Independence)


def level_step(level: Independence) -> int:
    """The level's place on the scale, 1 (shown) to 4 (alone)."""
    return INDEPENDENCE_SCALE.index(level) + 1


class OwnerKind(StrEnum):
    """Who does a task."""

    MEMBER = "member"
    ASSISTANT = "assistant"
    INSTITUTION = "institution"


class TaskOwner(BaseModel):
    """A family member (by id), the assistant, or an institution (by a short name)."""

    model_config = ConfigDict(frozen=True)

    kind: OwnerKind
    member_id: int | None = None
    institution: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> TaskOwner:
        """Exactly the detail the kind needs, no other."""
        if (self.kind is OwnerKind.MEMBER) != (self.member_id is not None):
            raise ValueError("a member owner needs a member id, and only it")
        if (self.kind is OwnerKind.INSTITUTION) != (self.institution is not None):
            raise ValueError("an institution owner needs a name, and only it")
        return self

    @classmethod
    def member(cls, member_id: int) -> TaskOwner:
        """A family member does it."""
        return cls(kind=OwnerKind.MEMBER, member_id=member_id)

    @classmethod
    def assistant(cls) -> TaskOwner:
        """The assistant does it."""
        return cls(kind=OwnerKind.ASSISTANT)

    @classmethod
    def of_institution(cls, name: str) -> TaskOwner:
        """An institution (school, PUP, court…) does it."""
        return cls(kind=OwnerKind.INSTITUTION, institution=name)


class GoalEventKind(StrEnum):
    """What a history entry of a goal records."""

    CREATED = "created"
    STATUS = "status"
    PROGRESS = "progress"
    DUE_DATE = "due_date"
    TASK_ADDED = "task_added"
    TASK_DONE = "task_done"
    TASK_REOPENED = "task_reopened"
    INDEPENDENCE = "independence"


class Stamp(BaseModel):
    """Who made a change, on which local day, at which UTC instant."""

    model_config = ConfigDict(frozen=True)

    actor_id: int
    day: date
    at: datetime


class GoalEvent(BaseModel):
    """One entry of a goal's history; entries are only ever added, never changed."""

    model_config = ConfigDict(frozen=True)

    id: int
    goal_id: int
    kind: GoalEventKind
    day: date  # the local day it happened (a visit's date for visit progress)
    at: datetime  # when it was recorded, UTC
    actor_id: int
    text: str = ""
    task_id: int | None = None
    visit_id: int | None = None
    old_value: str | None = None
    new_value: str | None = None


class Task(BaseModel):
    """A step towards a goal: what, who does it, by when, how independently."""

    model_config = ConfigDict(frozen=True)

    id: int
    goal_id: int
    text: str
    owner: TaskOwner
    due: date | None = None
    done: bool = False
    independence: Independence | None = None  # None: not a skill the family is learning
    created_at: datetime


class Goal(BaseModel):
    """What the family wants to reach in one area, with its tasks."""

    model_config = ConfigDict(frozen=True)

    id: int
    family_id: int
    area: Area
    text: str
    expected_effect: str | None = None
    due: date | None = None
    status: GoalStatus = GoalStatus.PLANNED
    created_at: datetime
    tasks: tuple[Task, ...] = ()
    last_progress_on: date | None = None

    @property
    def is_open(self) -> bool:
        """Planned or in progress."""
        return self.status in OPEN_STATUSES

    def open_tasks(self) -> list[Task]:
        """Tasks not done yet."""
        return [t for t in self.tasks if not t.done]

    def task(self, task_id: int) -> Task:
        """This goal's task; another goal's (a stale or forged press) is not found."""
        found = next((t for t in self.tasks if t.id == task_id), None)
        if found is None:
            raise NotFound("task_unknown")
        return found

    def is_overdue(self, today: date) -> bool:
        """Still open after its due date."""
        return self.is_open and self.due is not None and self.due < today

    def is_task_overdue(self, task: Task, today: date) -> bool:
        """An open task of this goal past its due date, while the goal is open (closed: history).

        The SQL of the reminders, the digest and /team's count reads the same rule (OPEN_GOAL).
        """
        return self.is_open and not task.done and task.due is not None and task.due < today


class Plan(BaseModel):
    """A family's current help plan (plan pracy z rodziną)."""

    model_config = ConfigDict(frozen=True)

    id: int
    family_id: int
    started_on: date
    created_at: datetime


class Assessment(BaseModel):
    """A periodic assessment of the family's situation (ocena okresowa)."""

    model_config = ConfigDict(frozen=True)

    id: int
    family_id: int
    day: date
    summary: str
    author_id: int
    created_at: datetime


class Resource(BaseModel):
    """A strength of the family the work builds on."""

    model_config = ConfigDict(frozen=True)

    id: int
    family_id: int
    text: str
    added_at: datetime


class NewGoal(BaseModel):
    """A checked goal, before it is saved."""

    model_config = ConfigDict(frozen=True)

    area: Area
    text: str
    expected_effect: str | None = None
    due: date | None = None


class NewTask(BaseModel):
    """A checked task, before it is saved."""

    model_config = ConfigDict(frozen=True)

    text: str
    owner: TaskOwner
    due: date | None = None
    independence: Independence | None = None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Aug + 6 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if day.day <= 28:  # every month has the day: no calendar lookup (the team view does 600)
        return date(year, month + 1, day.day)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def next_assessment_due(started_on: date, last_assessment: date | None) -> date:
    """Six calendar months after the last assessment, or after the plan's start."""
    return add_months(last_assessment or started_on, ASSESSMENT_MONTHS)


def days_until(day: date, today: date) -> int:
    """Whole days from today to `day`; negative once it has passed."""
    return (day - today).days


def check_required_text(text: str, limit: int) -> str:
    """Trimmed text without control characters, not empty and within the limit."""
    cleaned = check_note(text, limit)
    if not cleaned:
        raise DomainError("text_empty")
    return cleaned


def check_optional_text(text: str | None, limit: int) -> str | None:
    """Like check_required_text, but empty text means none."""
    cleaned = check_note(text or "", limit)
    return cleaned or None


def check_due(due: date | None, today: date) -> date | None:
    """A due date being set is from today on, and at most two years ahead."""
    if due is not None and due < today:
        raise DomainError("date_past")
    if due is not None and due > years_after(today, PLAN_YEARS_AHEAD):
        raise DomainError("date_too_far")
    return due


def _day(day: date) -> str:
    """A day as the refusals name it."""
    return f"{day:%d.%m.%Y}"


def check_task_due(due: date | None, goal: Goal) -> date | None:
    """A task is due by its goal's due date: the goal is reached through its tasks."""
    if due is not None and goal.due is not None and due > goal.due:
        raise DomainError("task_after_goal", date=_day(goal.due))
    return due


def reopened_due(task: Task, goal: Goal) -> date | None:
    """A task opened again is due by its goal's date, like a task never done.

    The goal's date may have moved before the task's while it was done (check_goal_due).
    """
    if task.due is not None and goal.due is not None and task.due > goal.due:
        return goal.due
    return task.due


def check_goal_due(due: date | None, goal: Goal) -> date | None:
    """A goal's new due date is not before an open task's (a done task holds nothing back)."""
    later = [t.due for t in goal.open_tasks() if t.due and due and t.due > due]
    if due is not None and later:
        raise DomainError(
            "goal_before_tasks", count=len(later), date=_day(due), latest=_day(max(later))
        )
    return due


class CaseStart(BaseModel):
    """When the work with a family began: its registration, or a contract signed before it."""

    model_config = ConfigDict(frozen=True)

    code: str
    registered_on: date  # the first period of work opened with the registration
    first_contract_on: date | None = None  # the earliest contract, a replaced one too

    @property
    def day(self) -> date:
        """The earlier of the two: a family may come into the bot after its contract."""
        contract = self.first_contract_on
        return contract if contract and contract < self.registered_on else self.registered_on


def check_assessment_day(day: date, today: date, start: CaseStart | None = None) -> date:
    """An assessment made by now, at most a year back, and not before the work began."""
    check_past_day(day, today, OLDEST_ASSESSMENT_DAYS, "assessment_future")
    if start is not None and day < start.day:
        registered = start.day == start.registered_on
        code = "assessment_before_registration" if registered else "assessment_before_contract"
        raise DomainError(code, family_code=start.code, date=_day(start.day))
    return day


def check_task_tick(goal: Goal) -> None:
    """A task is ticked done or opened again only while its goal is open (closed: history)."""
    if not goal.is_open:
        raise DomainError("task_goal_closed")


def check_level_change(goal: Goal) -> None:
    """A task moves on the independence scale only while its goal is open (closed: history)."""
    if not goal.is_open:
        raise DomainError("level_goal_closed")


def check_status_change(goal: Goal, status: GoalStatus, *, confirm_open_tasks: bool) -> None:
    """A status the goal has not got yet; achieving it with open tasks needs a confirmation."""
    if status is goal.status:  # saying "saved" would claim a change no one made
        raise DomainError("goal_status_same", status=status.value)
    if status is GoalStatus.ACHIEVED and not confirm_open_tasks:
        count = len(goal.open_tasks())
        if count:
            raise DomainError("goal_open_tasks", count=count)


_AREA_RANKS = {area: rank for rank, area in enumerate(Area)}


def area_rank(area: Area) -> int:
    """An area's place in the seeds' order of work (basic, psychological, activation)."""
    return _AREA_RANKS[area]


def sort_goals(goals: list[Goal] | tuple[Goal, ...]) -> list[Goal]:
    """By area in the order of work; within an area open goals first, then oldest first."""
    return sorted(goals, key=lambda g: (area_rank(g.area), not g.is_open, g.id))


def open_goals(goals: list[Goal] | tuple[Goal, ...]) -> list[Goal]:
    """Planned and in-progress goals, in plan order."""
    return [g for g in sort_goals(goals) if g.is_open]


class PlanView(BaseModel):
    """Everything `/plan` shows about one family."""

    model_config = ConfigDict(frozen=True)

    family: Family
    plan: Plan | None  # None only when someone who may not start it (an admin) reads first
    last_assessment: Assessment | None = None
    goals: tuple[Goal, ...] = ()  # every goal, open and closed, in plan order
    resources: tuple[Resource, ...] = ()
    include_closed: bool = False

    def next_assessment_due(self) -> date | None:
        """When the next periodic assessment is due, if the plan has started."""
        if self.plan is None:
            return None
        last = self.last_assessment.day if self.last_assessment else None
        return next_assessment_due(self.plan.started_on, last)

    def shown_goals(self) -> list[Goal]:
        """The goals to list: open ones, plus closed ones when asked for."""
        return [g for g in sort_goals(self.goals) if self.include_closed or g.is_open]

    def folded_counts(self) -> dict[GoalStatus, int]:
        """How many closed goals of each status the default view leaves out."""
        if self.include_closed:
            return {}
        counts = Counter(g.status for g in self.goals if not g.is_open)
        return {s: counts[s] for s in CLOSED_STATUSES if counts[s]}
