"""A family's case from start to end: periods of work, closure, monitoring, reopening, erasure.

Pure rules: the dates a closure, a reopening and a monitoring contact may carry, when
monitoring ends and when its monthly reminder is due, and when the retention period is over.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import DomainError
from bot.domain.parsing import years_after
from bot.domain.visit import check_note

SUMMARY_MAX = 2000  # a closing summary: a few paragraphs, not the whole file
CONTACT_NOTE_MAX = 1000  # a monitoring contact's short note
MONITORING_MONTHS = (3, 6, 12)  # the choices offered; 0 means not monitored
EXTEND_MONTHS = 3  # "extend" at the end of monitoring adds this much
OLDEST_CLOSE_DAYS = 366  # a closing date over a year back is a typo in the year


class CloseReason(StrEnum):
    """Why the work with a family ended (the audit office counts GOALS_ACHIEVED)."""

    GOALS_ACHIEVED = "goals_achieved"
    REFUSED = "refused"
    MOVED_AWAY = "moved_away"
    FOSTER_CARE = "foster_care"
    REFERRED = "referred"
    OTHER = "other"


class ContactForm(StrEnum):
    """How the assistant learnt how a closed family is doing."""

    VISIT = "visit"
    PHONE = "phone"
    SOCIAL_WORKER = "social_worker"
    SCHOOL = "school"


class CasePeriod(BaseModel):
    """One period of work with a family: opened, maybe closed, maybe monitored after."""

    model_config = ConfigDict(frozen=True)

    id: int
    family_id: int
    started_on: date
    started_by: int | None = None  # None: opened by the registration
    closed_on: date | None = None
    close_reason: CloseReason | None = None
    summary: str = ""
    closed_by: int | None = None
    closed_at: datetime | None = None
    monitor_months: int = 0
    monitoring_until: date | None = None
    monitoring_ended_on: date | None = None

    @property
    def is_open(self) -> bool:
        """The work is going on."""
        return self.closed_on is None

    @property
    def days(self) -> int | None:
        """How long the cooperation lasted (None while it goes on)."""
        return None if self.closed_on is None else (self.closed_on - self.started_on).days

    def monitoring_on(self, day: date) -> bool:
        """The family is monitored on `day`: closed, monitored, not finished."""
        return (
            self.closed_on is not None
            and self.monitoring_until is not None
            and self.monitoring_ended_on is None
            and self.closed_on <= day
        )


class MonitoredFamily(BaseModel):
    """A closed family under monitoring, as the reminder tick reads it (codes only)."""

    model_config = ConfigDict(frozen=True)

    period: CasePeriod
    code: str
    assistant_id: int
    last_contact: date | None = None


class Closure(BaseModel):
    """What closing the work records (checked by `check_closure`)."""

    model_config = ConfigDict(frozen=True)

    day: date
    reason: CloseReason
    summary: str
    monitor_months: int = 0


class MonitoringContact(BaseModel):
    """A contact with a family after closure: when, how, and a short note."""

    model_config = ConfigDict(frozen=True)

    id: int = 0
    family_id: int
    period_id: int
    day: date
    form: ContactForm
    note: str = ""
    author_id: int = 0


def months_after(day: date, months: int) -> date:
    """The same day `months` later; a day the month lacks becomes its last (31 Jan → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover - 28 exists in every month


def check_close_day(day: date, started_on: date, today: date) -> date:
    """A closing date: not ahead, not before the period began, not over a year back."""
    if day > today:
        raise DomainError("close_future")
    if day < started_on:
        raise DomainError("close_before_start", date=f"{started_on:%d.%m.%Y}")
    if (today - day).days > OLDEST_CLOSE_DAYS:
        raise DomainError("date_too_old")
    return day


def check_summary(text: str) -> str:
    """A closing summary: visible text within SUMMARY_MAX."""
    cleaned = check_note(text, SUMMARY_MAX)
    if not cleaned:
        raise DomainError("text_empty")
    return cleaned


def check_monitor_months(months: int) -> int:
    """0 (not monitored) or one of the offered periods."""
    if months != 0 and months not in MONITORING_MONTHS:
        raise DomainError("monitor_months")
    return months


def check_closure(closure: Closure, period: CasePeriod, today: date) -> Closure:
    """A closure of an open period, every part within its bounds."""
    if not period.is_open:
        raise DomainError("family_closed")
    return closure.model_copy(
        update={
            "day": check_close_day(closure.day, period.started_on, today),
            "summary": check_summary(closure.summary),
            "monitor_months": check_monitor_months(closure.monitor_months),
        }
    )


def monitoring_end(closed_on: date, months: int) -> date | None:
    """The last day of monitoring after a closure (None: not monitored)."""
    return None if months == 0 else months_after(closed_on, months)


def check_reopen_day(day: date, last: CasePeriod, today: date) -> date:
    """A new start: not ahead, not before the last closure, not over a year back."""
    if last.closed_on is None:
        raise DomainError("family_open")
    if day > today:
        raise DomainError("day_future")
    if day < last.closed_on:
        raise DomainError("reopen_before_close", date=f"{last.closed_on:%d.%m.%Y}")
    if (today - day).days > OLDEST_CLOSE_DAYS:
        raise DomainError("date_too_old")
    return day


def check_contact_day(day: date, period: CasePeriod, today: date) -> date:
    """A monitoring contact: after the closure, not ahead, not after the monitoring's last day."""
    if day > today:
        raise DomainError("day_future")
    if period.closed_on is not None and day < period.closed_on:
        raise DomainError("contact_before_close", date=f"{period.closed_on:%d.%m.%Y}")
    # Until it is finished or extended the family is still offered, so a late day is typed.
    if period.monitoring_until is not None and day > period.monitoring_until:
        raise DomainError("contact_after_monitoring", date=f"{period.monitoring_until:%d.%m.%Y}")
    return day


def check_contact_note(text: str) -> str:
    """A monitoring contact's note: short, visible; empty is allowed (the form says enough)."""
    return check_note(text, CONTACT_NOTE_MAX)


def monitoring_reminder_day(period: CasePeriod, day: date) -> date | None:
    """The monthly anniversary of the closure on or before `day` that a reminder is due for.

    One a month from the closure (closed 15 Nov: 15 Dec, 15 Jan, …) up to the end of
    monitoring; None before the first or once monitoring is over.
    """
    if not period.monitoring_on(day) or period.closed_on is None:
        return None
    assert period.monitoring_until is not None
    due: date | None = None
    months = 1
    while (anniversary := months_after(period.closed_on, months)) <= day:
        if anniversary >= period.monitoring_until:
            break
        due = anniversary
        months += 1
    return due


def shown_for_earlier(
    period: CasePeriod, shown: date, earlier_ends: Collection[date | None], extended: date
) -> bool:
    """Whether `shown`, the end a reminder's button carried, was an earlier period's monitoring
    and not `period`'s, whose end is another day now.

    A period's end only moves later, from its closure on: an end past it or before the closure
    was another's. One an earlier period ended on was that one's too, unless ➕ from it gives
    this end (`extended`): then it was this one's, extended by the first tap of a double tap.
    """
    until = period.monitoring_until
    if until is None or shown == until:
        return False
    if shown > until or (period.closed_on is not None and shown < period.closed_on):
        return True
    return shown in earlier_ends and until != extended


def retention_ends(closed_on: date, years: int) -> date:
    """The first day a closed family's personal data is erased."""
    return years_after(closed_on, years)


def retention_over(period: CasePeriod, years: int, today: date) -> bool:
    """A closed period whose retention is over (monitoring, if any, ends first)."""
    if period.closed_on is None:
        return False
    start = max(period.closed_on, period.monitoring_until or period.closed_on)
    return retention_ends(start, years) <= today
