"""The due rules: what each kind of reminder is due at, and the morning batch of a working day."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from bot.domain.reminders.calendar import (
    first_working_day_after,
    working_day_before,
    working_day_on_or_before,
)
from bot.domain.reminders.facts import (
    AssessmentFact,
    ContractFact,
    DigestFacts,
    Reminder,
    ReminderFacts,
    appointment_fact,
    due_fact,
    gap_fact,
)
from bot.domain.reminders.kinds import (
    DUE_SOON_DAYS,
    EVENING_AT,
    MORNING_WINDOW,
    NOTICE_DAYS,
    OUTCOME_AFTER,
    OUTCOME_WINDOW,
    SOON_BEFORE,
    URGENT_KINDS,
    PlanItemKind,
    ReminderKind,
)
from bot.domain.reminders.snapshots import (
    AppointmentSnapshot,
    AssistantPrefs,
    FamilySnapshot,
    PlanItemSnapshot,
)


def batch_day(now: datetime, prefs: AssistantPrefs) -> date | None:
    """The local working day whose morning batch is due at `now`, or None (day off, too early)."""
    day = prefs.local_day(now)
    start = prefs.at(day, prefs.digest_time)
    # A "good morning" batch is worth sending only in the morning: started (or back) later
    # than that, the day's batch is skipped and the digest lists it all tomorrow.
    if not prefs.works_on(day) or not start <= now < start + MORNING_WINDOW:
        return None
    return day


def digest_key(assistant_id: int, day: date) -> str:
    """The key of an assistant's digest for a day; its presence marks the day's batch as done."""
    return f"digest:{assistant_id}:{day.isoformat()}"


def _announced(day: date, when: date, prefs: AssistantPrefs) -> bool:
    """Whether `day` is in a 14-day notice of `when`, from the last working day on or before it."""
    notice = working_day_on_or_before(when - timedelta(days=NOTICE_DAYS), prefs.working_days)
    return notice <= day <= when


def _stamp(moment: datetime) -> str:
    """A UTC minute for keys."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


# The morning batch


class _Morning(NamedTuple):
    """One occurrence a morning rule finds; the batch gives it its assistant and due time."""

    kind: ReminderKind
    key: str
    subject: str
    facts: ReminderFacts


def _each_morning(
    now: datetime, prefs: AssistantPrefs, found: Callable[[date], Iterator[_Morning]]
) -> list[Reminder]:
    """What one rule finds on the working day whose batch is due at `now`, due at its digest time.

    Every morning rule opens the same way: no batch (a day off, before the digest time, past
    the morning window) means nothing, and everything found is due that morning, once.
    """
    day = batch_day(now, prefs)
    if day is None:
        return []
    due_at = prefs.at(day, prefs.digest_time)
    return [
        Reminder(
            assistant_id=prefs.telegram_id,
            kind=occurrence.kind,
            key=occurrence.key,
            due_at=due_at,
            subject=occurrence.subject,
            facts=occurrence.facts,
        )
        for occurrence in found(day)
    ]


def build_digest(
    day: date,
    prefs: AssistantPrefs,
    families: list[FamilySnapshot],
    appointments: list[AppointmentSnapshot],
    items: list[PlanItemSnapshot],
) -> DigestFacts:
    """What the digest of `day` lists: today's appointments, overdue families, due soon."""
    today_appointments = sorted(
        (appointment_fact(a) for a in appointments if prefs.local_day(a.starts_at) == day),
        key=lambda a: (a.starts_at, a.family_code),
    )
    overdue = sorted(
        (gap_fact(f, day) for f in families if f.is_overdue(day)),
        key=lambda g: (-g.days, g.family_code),
    )
    soon = day + timedelta(days=DUE_SOON_DAYS)
    due = sorted(
        (due_fact(i) for i in items if i.due <= soon),
        key=lambda d: (d.due_on, d.family_code, d.item, d.item_id),
    )
    notice = day + timedelta(days=NOTICE_DAYS)
    assessments = sorted(
        (
            AssessmentFact(family_id=f.family_id, family_code=f.code, due_on=when)
            for f in families
            if (when := f.assessment_due()) is not None and when <= notice
        ),
        key=lambda a: (a.due_on, a.family_code),
    )
    contracts = sorted(
        (
            ContractFact(family_id=f.family_id, family_code=f.code, ends_on=f.contract_valid_until)
            for f in families
            if f.contract_valid_until is not None and day <= f.contract_valid_until <= notice
        ),
        key=lambda c: (c.ends_on, c.family_code),
    )
    return DigestFacts(
        day=day,
        appointments=tuple(today_appointments),
        overdue=tuple(overdue),
        due=tuple(due),
        assessments=tuple(assessments),
        contracts=tuple(contracts),
    )


def digest_due(
    now: datetime,
    prefs: AssistantPrefs,
    families: list[FamilySnapshot],
    appointments: list[AppointmentSnapshot],
    items: list[PlanItemSnapshot],
) -> list[Reminder]:
    """The morning digest, on working days at the digest time (once per local day)."""

    def found(day: date) -> Iterator[_Morning]:
        digest = build_digest(day, prefs, families, appointments, items)
        yield _Morning(
            ReminderKind.DIGEST,
            digest_key(prefs.telegram_id, day),
            "",
            ReminderFacts(digest=digest),
        )

    return _each_morning(now, prefs, found)


def overdue_visits_due(
    now: datetime, prefs: AssistantPrefs, families: list[FamilySnapshot]
) -> list[Reminder]:
    """One reminder per family waiting too long for a visit, once per working day."""

    def found(day: date) -> Iterator[_Morning]:
        for f in families:
            if f.is_overdue(day):
                yield _Morning(
                    ReminderKind.OVERDUE_VISIT,
                    f"overdue:{prefs.telegram_id}:{f.family_id}:{day.isoformat()}",
                    f"family:{f.family_id}",
                    ReminderFacts(visit_gap=gap_fact(f, day)),
                )

    return _each_morning(now, prefs, found)


def plan_items_due(
    now: datetime, prefs: AssistantPrefs, items: list[PlanItemSnapshot]
) -> list[Reminder]:
    """Goals and tasks due: from the last working day before the due date up to the due day."""

    def found(day: date) -> Iterator[_Morning]:
        for item in items:
            if not working_day_before(item.due, prefs.working_days) <= day <= item.due:
                continue
            goal = item.kind is PlanItemKind.GOAL
            yield _Morning(
                ReminderKind.GOAL_DUE if goal else ReminderKind.TASK_DUE,
                f"{item.kind.value}_due:{prefs.telegram_id}:{item.id}:{item.due.isoformat()}",
                f"{item.kind.value}:{item.id}",
                ReminderFacts(due=due_fact(item)),
            )

    return _each_morning(now, prefs, found)


def assessments_due(
    now: datetime, prefs: AssistantPrefs, families: list[FamilySnapshot]
) -> list[Reminder]:
    """Assessments due within 14 days (once); overdue ones the day after, then once a week."""

    def found(day: date) -> Iterator[_Morning]:
        for family in families:
            due = family.assessment_due()
            if due is None:
                continue
            first_late = first_working_day_after(due, prefs.working_days)
            if _announced(day, due, prefs):
                kind = ReminderKind.ASSESSMENT_DUE
                key = f"assess_due:{prefs.telegram_id}:{family.family_id}:{due}"
            elif day > due and (day.weekday() == min(prefs.working_days) or day == first_late):
                kind = ReminderKind.ASSESSMENT_OVERDUE
                key = f"assess_overdue:{prefs.telegram_id}:{family.family_id}:{due}:{day}"
            else:
                continue
            fact = AssessmentFact(family_id=family.family_id, family_code=family.code, due_on=due)
            yield _Morning(kind, key, f"family:{family.family_id}", ReminderFacts(assessment=fact))

    return _each_morning(now, prefs, found)


def contracts_due(
    now: datetime, prefs: AssistantPrefs, families: list[FamilySnapshot]
) -> list[Reminder]:
    """Contracts ending within 14 days, announced once."""

    def found(day: date) -> Iterator[_Morning]:
        for family in families:
            ends = family.contract_valid_until
            if ends is None:
                continue
            if not _announced(day, ends, prefs):
                continue
            fact = ContractFact(family_id=family.family_id, family_code=family.code, ends_on=ends)
            yield _Morning(
                ReminderKind.CONTRACT_ENDS,
                f"contract_ends:{prefs.telegram_id}:{family.family_id}:{ends.isoformat()}",
                f"family:{family.family_id}",
                ReminderFacts(contract=fact),
            )

    return _each_morning(now, prefs, found)


def morning_batch(
    now: datetime,
    prefs: AssistantPrefs,
    families: list[FamilySnapshot],
    appointments: list[AppointmentSnapshot],
    items: list[PlanItemSnapshot],
) -> list[Reminder]:
    """The digest first, then everything else of the working day's morning batch."""
    return [
        *digest_due(now, prefs, families, appointments, items),
        *overdue_visits_due(now, prefs, families),
        *plan_items_due(now, prefs, items),
        *assessments_due(now, prefs, families),
        *contracts_due(now, prefs, families),
    ]


# Appointments


def appointment_reminders_due(
    now: datetime, prefs: AssistantPrefs, appointments: list[AppointmentSnapshot]
) -> list[Reminder]:
    """The evening before (18:00 local), 2 hours before, and the outcome question 2 hours after."""
    found = []
    for appointment in appointments:
        start = appointment.starts_at
        stamp = _stamp(start)
        tag = f"{prefs.telegram_id}:{appointment.id}"
        evening_day = prefs.local_day(start) - timedelta(days=1)
        evening = prefs.at(evening_day, EVENING_AT)
        soon = start - SOON_BEFORE
        asked = start + OUTCOME_AFTER
        # Set (created or moved) after an occurrence's time: that occurrence is skipped.
        set_at = appointment.scheduled_at
        occurrences = (
            (
                ReminderKind.APPOINTMENT_EVENING,
                f"appt_evening:{tag}:{evening_day}:{stamp}",
                evening,
                set_at <= evening <= now < start,
            ),
            (
                ReminderKind.APPOINTMENT_SOON,
                f"appt_soon:{tag}:{stamp}",
                soon,
                set_at <= soon <= now < start,
            ),
            (
                ReminderKind.OUTCOME_QUESTION,
                f"appt_outcome:{tag}:{stamp}",
                asked,
                asked <= now < start + OUTCOME_WINDOW,
            ),
        )
        facts = ReminderFacts(appointment=appointment_fact(appointment))
        found += [
            Reminder(
                assistant_id=prefs.telegram_id,
                kind=kind,
                key=key,
                due_at=due_at,
                urgent=kind in URGENT_KINDS,
                subject=f"appointment:{appointment.id}",
                # A reminder before the appointment is pointless once it has begun.
                deadline=None if kind is ReminderKind.OUTCOME_QUESTION else start,
                facts=facts,
            )
            for kind, key, due_at, is_due in occurrences
            if is_due
        ]
    return found
