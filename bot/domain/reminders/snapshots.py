"""Plain snapshots a tick reads in bulk: an assistant's settings, families, appointments, items."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, field_validator

from bot.domain.appointment import Institution
from bot.domain.plan import next_assessment_due
from bot.domain.reminders.calendar import in_window, local_instant
from bot.domain.reminders.kinds import (
    DEFAULT_TIMEZONE,
    DIGEST_TIME,
    OVERDUE_AFTER_DAYS,
    QUIET_END,
    QUIET_START,
    WORK_WEEK,
    PlanItemKind,
)


class AssistantPrefs(BaseModel):
    """An assistant's reminder settings; absent ones take the defaults."""

    model_config = ConfigDict(frozen=True)

    telegram_id: int
    locale: str = "pl"
    digest_time: time = DIGEST_TIME
    quiet_start: time = QUIET_START
    quiet_end: time = QUIET_END
    timezone: str = DEFAULT_TIMEZONE
    working_days: frozenset[int] = WORK_WEEK  # weekdays, Monday = 0
    unreachable: bool = False

    @field_validator("working_days")
    @classmethod
    def _some_days(cls, value: frozenset[int]) -> frozenset[int]:
        """At least one real weekday, or the calendar helpers would have nowhere to land."""
        if not value or not value <= frozenset(range(7)):
            raise ValueError("working days are a non-empty set of weekdays 0-6")
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The assistant's time zone."""
        return ZoneInfo(self.timezone)

    def works_on(self, day: date) -> bool:
        """Whether a local day is one of the assistant's working days."""
        return day.weekday() in self.working_days

    def local_day(self, moment: datetime) -> date:
        """The assistant's calendar day at an instant."""
        return moment.astimezone(self.zone).date()

    def at(self, day: date, wall: time) -> datetime:
        """The UTC instant of a local wall time on a local day."""
        return local_instant(day, wall, self.zone)

    def is_quiet(self, moment: datetime) -> bool:
        """Whether an instant falls inside the assistant's quiet hours."""
        local = moment.astimezone(self.zone).time()
        return in_window(local, self.quiet_start, self.quiet_end)

    def quiet_until(self, moment: datetime) -> datetime | None:
        """The end of the quiet hours an instant falls in, or None outside them."""
        if not self.is_quiet(moment):
            return None
        local = moment.astimezone(self.zone)
        day = local.date()
        # A window across midnight ends tomorrow when we are in its evening part.
        if self.quiet_start > self.quiet_end and local.time() >= self.quiet_start:
            day += timedelta(days=1)
        return self.at(day, self.quiet_end)


class FamilySnapshot(BaseModel):
    """What the morning batch needs about one family."""

    model_config = ConfigDict(frozen=True)

    family_id: int
    code: str
    assistant_id: int
    visits_per_week: int = 1
    registered_on: date
    last_visit: date | None = None
    contract_valid_until: date | None = None
    plan_started_on: date | None = None
    last_assessment: date | None = None

    def assessment_due(self) -> date | None:
        """When the next periodic assessment is due, once the plan has started."""
        if self.plan_started_on is None:
            return None
        return _assessment_due(self.plan_started_on, self.last_assessment)

    def days_without_visit(self, day: date) -> int:
        """Days since the last completed visit (or since registration, if never visited)."""
        reference = self.last_visit if self.last_visit is not None else self.registered_on
        return (day - reference).days

    def is_overdue(self, day: date) -> bool:
        """No completed visit for long enough, given the weekly target."""
        limit = OVERDUE_AFTER_DAYS.get(self.visits_per_week, OVERDUE_AFTER_DAYS[1])
        return self.days_without_visit(day) >= limit


@lru_cache(maxsize=4096)
def _assessment_due(started_on: date, last_assessment: date | None) -> date:
    """next_assessment_due, remembered: a national morning asks it 60,000 times of few dates."""
    return next_assessment_due(started_on, last_assessment)


class AppointmentSnapshot(BaseModel):
    """A scheduled appointment, with its family's code and current assistant."""

    model_config = ConfigDict(frozen=True)

    id: int
    family_id: int
    family_code: str
    assistant_id: int
    institution: Institution
    starts_at: datetime
    accompany: bool
    scheduled_at: datetime  # when its current time was set (created or moved)


class PlanItemSnapshot(BaseModel):
    """An open goal or task with a due date."""

    model_config = ConfigDict(frozen=True)

    kind: PlanItemKind
    id: int
    goal_id: int
    family_id: int
    family_code: str
    assistant_id: int
    due: date
