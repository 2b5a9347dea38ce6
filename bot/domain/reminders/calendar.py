"""Calendar helpers: local wall times as UTC instants, time windows, working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.reminders.kinds import WORK_WEEK


def local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time (a time skipped by DST maps one hour on, once)."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def in_window(local: time, start: time, end: time) -> bool:
    """Whether a local time is in [start, end); a window may cross midnight; start == end: none."""
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def working_day_on_or_before(day: date, days: frozenset[int] = WORK_WEEK) -> date:
    """The day itself on a working day, else the last working day before it."""
    while day.weekday() not in days:
        day -= timedelta(days=1)
    return day


def working_day_before(day: date, days: frozenset[int] = WORK_WEEK) -> date:
    """The last working day strictly before `day`."""
    return working_day_on_or_before(day - timedelta(days=1), days)


def first_working_day_after(day: date, days: frozenset[int] = WORK_WEEK) -> date:
    """The first working day strictly after `day`."""
    day += timedelta(days=1)
    while day.weekday() not in days:
        day += timedelta(days=1)
    return day
