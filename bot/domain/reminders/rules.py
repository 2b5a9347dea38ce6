"""The due rules: what each kind of reminder is due at, and the morning batch of a working day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.domain.reminders.calendar import (
    first_working_day_after,
    working_day_before,
    working_day_on_or_before,
)
from bot.domain.reminders.facts import (
    AppointmentFact,
    AssessmentFact,
    ContractFact,
    DigestFacts,
    DueFact,
    Reminder,
    ReminderFacts,
    VisitGapFact,
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


def morning_batch(
    now: datetime,
    prefs: AssistantPrefs,
    families: list[FamilySnapshot],
    appointments: list[AppointmentSnapshot],
    items: list[PlanItemSnapshot],
) -> list[Reminder]:
    """The digest first, then the overdue visits, plan items, assessments and contract ends.

    One pass over the families and one over the plan items: each fact is made once and shared
    by the digest, which lists it, and the reminder about it (a national morning is 100,000 of
    them). Everything is due at the morning's digest time, once per local working day.
    """
    day = batch_day(now, prefs)
    if day is None:
        return []
    morning = _Morning(prefs, day)
    listed = _Listed()
    found = _Found()
    for family in families:
        morning.family(family, listed, found)
    for item in items:
        morning.plan_item(item, listed, found)
    digest = DigestFacts(
        day=day,
        appointments=tuple(
            sorted(
                (appointment_fact(a) for a in appointments if prefs.local_day(a.starts_at) == day),
                key=AppointmentFact.agenda_order,
            )
        ),
        overdue=tuple(sorted(listed.overdue, key=lambda g: (-g.days, g.family_code))),
        due=tuple(sorted(listed.due, key=lambda d: (d.due_on, d.family_code, d.item, d.item_id))),
        assessments=tuple(sorted(listed.assessments, key=lambda a: (a.due_on, a.family_code))),
        contracts=tuple(sorted(listed.contracts, key=lambda c: (c.ends_on, c.family_code))),
    )
    return [
        morning.reminder(
            ReminderKind.DIGEST,
            digest_key(prefs.telegram_id, day),
            "",
            ReminderFacts(digest=digest),
        ),
        *found.visits,
        *found.items,
        *found.assessments,
        *found.contracts,
    ]


@dataclass(slots=True)
class _Listed:
    """What the digest lists, in the order found (it sorts them)."""

    overdue: list[VisitGapFact] = field(default_factory=list)
    due: list[DueFact] = field(default_factory=list)
    assessments: list[AssessmentFact] = field(default_factory=list)
    contracts: list[ContractFact] = field(default_factory=list)


@dataclass(slots=True)
class _Found:
    """The morning's reminders besides the digest, by kind, in the order found."""

    visits: list[Reminder] = field(default_factory=list)
    items: list[Reminder] = field(default_factory=list)
    assessments: list[Reminder] = field(default_factory=list)
    contracts: list[Reminder] = field(default_factory=list)


class _Morning:
    """One assistant's working day whose batch is due: the rules of each family and item."""

    def __init__(self, prefs: AssistantPrefs, day: date) -> None:
        self.prefs = prefs
        self.day = day
        self.stamp = day.isoformat()
        self.due_at = prefs.at(day, prefs.digest_time)
        self.soon = day + timedelta(days=DUE_SOON_DAYS)
        self.notice = day + timedelta(days=NOTICE_DAYS)
        self.weekly = day.weekday() == min(prefs.working_days)

    def reminder(
        self, kind: ReminderKind, key: str, subject: str, facts: ReminderFacts
    ) -> Reminder:
        """An occurrence due at this morning's digest time."""
        return Reminder(
            assistant_id=self.prefs.telegram_id,
            kind=kind,
            key=key,
            due_at=self.due_at,
            subject=subject,
            facts=facts,
        )

    def family(self, family: FamilySnapshot, listed: _Listed, found: _Found) -> None:
        """A family's overdue visit, assessment and contract end, each listed and reminded."""
        day, tag = self.day, f"{self.prefs.telegram_id}:{family.family_id}"
        subject = f"family:{family.family_id}"
        # Overdue visit: once per working day per family.
        if family.is_overdue(day):
            gap = gap_fact(family, day)
            listed.overdue.append(gap)
            found.visits.append(
                self.reminder(
                    ReminderKind.OVERDUE_VISIT,
                    f"overdue:{tag}:{self.stamp}",
                    subject,
                    ReminderFacts(visit_gap=gap),
                )
            )
        # Assessment: due within 14 days (once); overdue the day after, then once a week.
        due = family.assessment_due()
        if due is not None:
            occurrence = self._assessment(due, tag)
            if occurrence is not None or due <= self.notice:
                fact = AssessmentFact(
                    family_id=family.family_id, family_code=family.code, due_on=due
                )
                if due <= self.notice:
                    listed.assessments.append(fact)
                if occurrence is not None:
                    kind, key = occurrence
                    found.assessments.append(
                        self.reminder(kind, key, subject, ReminderFacts(assessment=fact))
                    )
        # Contract end: within 14 days, announced once.
        ends = family.contract_valid_until
        if ends is not None:
            announced = _announced(day, ends, self.prefs)
            if announced or day <= ends <= self.notice:
                contract = ContractFact(
                    family_id=family.family_id, family_code=family.code, ends_on=ends
                )
                if day <= ends <= self.notice:
                    listed.contracts.append(contract)
                if announced:
                    found.contracts.append(
                        self.reminder(
                            ReminderKind.CONTRACT_ENDS,
                            f"contract_ends:{tag}:{ends.isoformat()}",
                            subject,
                            ReminderFacts(contract=contract),
                        )
                    )

    def _assessment(self, due: date, tag: str) -> tuple[ReminderKind, str] | None:
        """The assessment occurrence of this morning, if one: due soon, or overdue."""
        day = self.day
        if _announced(day, due, self.prefs):
            return ReminderKind.ASSESSMENT_DUE, f"assess_due:{tag}:{due}"
        if day > due and (
            self.weekly or day == first_working_day_after(due, self.prefs.working_days)
        ):
            return ReminderKind.ASSESSMENT_OVERDUE, f"assess_overdue:{tag}:{due}:{day}"
        return None

    def plan_item(self, item: PlanItemSnapshot, listed: _Listed, found: _Found) -> None:
        """A goal or task: listed when due within a week (or overdue), reminded before its day.

        Reminded from the last working day before the due date up to the due day.
        """
        day = self.day
        reminded = working_day_before(item.due, self.prefs.working_days) <= day <= item.due
        if not reminded and item.due > self.soon:
            return
        fact = due_fact(item)
        if item.due <= self.soon:
            listed.due.append(fact)
        if reminded:
            goal = item.kind is PlanItemKind.GOAL
            found.items.append(
                self.reminder(
                    ReminderKind.GOAL_DUE if goal else ReminderKind.TASK_DUE,
                    f"{item.kind.value}_due:{self.prefs.telegram_id}:{item.id}:{item.due.isoformat()}",
                    f"{item.kind.value}:{item.id}",
                    ReminderFacts(due=fact),
                )
            )


# One kind of the morning batch at a time (each is a part of morning_batch).


def digest_due(
    now: datetime,
    prefs: AssistantPrefs,
    families: list[FamilySnapshot],
    appointments: list[AppointmentSnapshot],
    items: list[PlanItemSnapshot],
) -> list[Reminder]:
    """The morning digest, on working days at the digest time (once per local day)."""
    return _only(morning_batch(now, prefs, families, appointments, items), ReminderKind.DIGEST)


def overdue_visits_due(
    now: datetime, prefs: AssistantPrefs, families: list[FamilySnapshot]
) -> list[Reminder]:
    """One reminder per family waiting too long for a visit, once per working day."""
    return _only(morning_batch(now, prefs, families, [], []), ReminderKind.OVERDUE_VISIT)


def plan_items_due(
    now: datetime, prefs: AssistantPrefs, items: list[PlanItemSnapshot]
) -> list[Reminder]:
    """Goals and tasks due: from the last working day before the due date up to the due day."""
    return _only(
        morning_batch(now, prefs, [], [], items), ReminderKind.GOAL_DUE, ReminderKind.TASK_DUE
    )


def assessments_due(
    now: datetime, prefs: AssistantPrefs, families: list[FamilySnapshot]
) -> list[Reminder]:
    """Assessments due within 14 days (once); overdue ones the day after, then once a week."""
    return _only(
        morning_batch(now, prefs, families, [], []),
        ReminderKind.ASSESSMENT_DUE,
        ReminderKind.ASSESSMENT_OVERDUE,
    )


def contracts_due(
    now: datetime, prefs: AssistantPrefs, families: list[FamilySnapshot]
) -> list[Reminder]:
    """Contracts ending within 14 days, announced once."""
    return _only(morning_batch(now, prefs, families, [], []), ReminderKind.CONTRACT_ENDS)


def _only(found: list[Reminder], *kinds: ReminderKind) -> list[Reminder]:
    """The reminders of these kinds, in order."""
    return [r for r in found if r.kind in kinds]


# Appointments


Occurrence = tuple[ReminderKind, str, datetime]  # kind, key, due time


def appointment_reminders_due(
    now: datetime, prefs: AssistantPrefs, appointments: list[AppointmentSnapshot]
) -> list[Reminder]:
    """The evening before (18:00 local), 2 hours before, and the outcome question 2 hours after."""
    found = []
    for appointment in appointments:
        occurrences, _ = appointment_occurrences(now, prefs, appointment)
        found += appointment_reminders(prefs, appointment, occurrences)
    return found


def appointment_reminders(
    prefs: AssistantPrefs, appointment: AppointmentSnapshot, occurrences: list[Occurrence]
) -> list[Reminder]:
    """Occurrences of an appointment as the reminders stored for them."""
    if not occurrences:
        return []
    facts = ReminderFacts(appointment=appointment_fact(appointment))
    return [
        Reminder(
            assistant_id=prefs.telegram_id,
            kind=kind,
            key=key,
            due_at=due_at,
            urgent=kind in URGENT_KINDS,
            subject=f"appointment:{appointment.id}",
            # A reminder before the appointment is pointless once it has begun.
            deadline=None if kind is ReminderKind.OUTCOME_QUESTION else appointment.starts_at,
            facts=facts,
        )
        for kind, key, due_at in occurrences
    ]


def appointment_occurrences(
    now: datetime, prefs: AssistantPrefs, appointment: AppointmentSnapshot
) -> tuple[list[Occurrence], datetime]:
    """An appointment's occurrences due at `now`, in order, and until when they stay so.

    The second is the next of the instants the answer turns on (the evening before, 2 hours
    before, the start, 2 hours after, the end of the outcome window) after `now`: from `now`
    until then the same occurrences are due, so a later minute need not work them out again.
    """
    start = appointment.starts_at
    tag = f"{prefs.telegram_id}:{appointment.id}"
    if now >= start:  # begun: only the question how it went, from 2 hours after
        asked, stale = start + OUTCOME_AFTER, start + OUTCOME_WINDOW
        if now < asked:
            return [], asked
        if now >= stale:
            return [], datetime.max.replace(tzinfo=UTC)
        key = f"appt_outcome:{tag}:{_stamp(start)}"
        return [(ReminderKind.OUTCOME_QUESTION, key, asked)], stale
    stamp = _stamp(start)
    evening_day = prefs.local_day(start) - timedelta(days=1)
    evening = prefs.at(evening_day, EVENING_AT)
    soon = start - SOON_BEFORE
    # Set (created or moved) after an occurrence's time: that occurrence is skipped.
    set_at = appointment.scheduled_at
    found: list[Occurrence] = []
    if set_at <= evening <= now:
        found.append(
            (
                ReminderKind.APPOINTMENT_EVENING,
                f"appt_evening:{tag}:{evening_day}:{stamp}",
                evening,
            )
        )
    if set_at <= soon <= now:
        found.append((ReminderKind.APPOINTMENT_SOON, f"appt_soon:{tag}:{stamp}", soon))
    return found, min(t for t in (evening, soon, start) if t > now)
