"""The monitoring rules: a monthly "record a monitoring contact", and "finish or extend?".

Both come with the morning batch of a working day (from the first working day on or after
the date they fall due), once per occurrence, for closed families under monitoring only.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.lifecycle import MonitoredFamily, monitoring_reminder_day, months_after
from bot.domain.reminders.facts import MonitoringFact, Reminder, ReminderFacts
from bot.domain.reminders.kinds import ReminderKind
from bot.domain.reminders.rules import batch_day
from bot.domain.reminders.snapshots import AssistantPrefs

MONITORING_KINDS = frozenset({ReminderKind.MONITORING_DUE, ReminderKind.MONITORING_ENDS})


def monitoring_due(
    now: datetime, prefs: AssistantPrefs, monitored: list[MonitoredFamily]
) -> list[Reminder]:
    """Each monitored family's monthly reminder (unless a contact came that month) and end."""
    day = batch_day(now, prefs)
    if day is None:
        return []
    due_at = prefs.at(day, prefs.digest_time)
    found = []
    for item in monitored:
        period = item.period
        if not period.monitoring_on(day) or period.monitoring_until is None:
            continue
        fact = MonitoringFact(
            family_id=period.family_id,
            family_code=item.code,
            until=period.monitoring_until,
            period_id=period.id,
        )
        tag = f"{prefs.telegram_id}:{period.family_id}"
        # Each key ends with the period: a family closed and monitored anew (even to the same
        # end, or on the same anniversary) gets the new monitoring's reminders too (0028).
        if day >= period.monitoring_until:
            kind = ReminderKind.MONITORING_ENDS
            key = f"monitoring_ends:{tag}:{period.monitoring_until.isoformat()}:{period.id}"
        else:
            anniversary = contact_due(item, day)
            if anniversary is None:
                continue  # none due yet, or a contact this month already: nothing to remind
            kind = ReminderKind.MONITORING_DUE
            key = f"monitoring:{tag}:{anniversary.isoformat()}:{period.id}"
        found.append(
            Reminder(
                assistant_id=prefs.telegram_id,
                kind=kind,
                key=key,
                due_at=due_at,
                subject=f"family:{period.family_id}",
                facts=ReminderFacts(monitoring=fact),
            )
        )
    return found


def monitoring_now(
    kind: ReminderKind, fact: MonitoringFact, now: MonitoredFamily | None, day: date
) -> MonitoringFact | None:
    """A monitoring reminder that fell due on `day`, as it holds now (a snooze, a late send).

    None once the monitoring was finished or the family reopened or erased (`now` None), or
    closed and monitored anew (another period, even to the same end: it has its own), the
    "finish or extend?" once it was extended (its end moved), a monthly one once that month
    has a contact. A monthly one still due after an extension tells the new end: the month's
    reminder is made once, so dropping it would lose it. A reminder stored before the facts
    kept the period is told by the end only.
    """
    if now is None or now.period.monitoring_until is None:
        return None
    if fact.period_id not in {None, now.period.id}:
        return None
    until = now.period.monitoring_until
    if kind is ReminderKind.MONITORING_ENDS:
        return fact if until == fact.until else None
    if contact_due(now, day) is None:
        return None
    return fact if until == fact.until else fact.model_copy(update={"until": until})


def contact_due(family: MonitoredFamily, day: date) -> date | None:
    """The monthly anniversary a monitoring contact is due for on `day`, if that month has none."""
    anniversary = monitoring_reminder_day(family.period, day)
    if anniversary is None:
        return None
    if family.last_contact is not None and family.last_contact >= months_after(anniversary, -1):
        return None
    return anniversary
