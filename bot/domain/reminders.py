"""What the bot sends on its own, and when: pure rules over plain snapshots, no I/O.

Every function takes `now` (an aware UTC instant) and returns the reminders due at or before
it that are still within their window; each carries a key unique to its occurrence, so the
outbox (INSERT OR IGNORE on the key) stores it once however often a tick recomputes it.

Decisions the scheduler, the texts and the tests follow:
- Working days are Monday to Friday unless the assistant chose others (some work weekends);
  the bot does not know public holidays.
- The morning batch: on a working day, at the assistant's digest time (local, default 07:30),
  come the digest and everything tied to the working day: overdue visits, goals and tasks due,
  assessments, contract ends. Their due time is that morning's digest time, so a reminder that
  became relevant later in the day (a goal set at noon) waits for the next morning instead of
  arriving at odd hours, and one morning's batch fires exactly once per local day, DST days
  included (keys carry the local date). It goes out at most MORNING_WINDOW (5 hours) late: a
  bot first started, or back from an outage, in the afternoon skips that day's batch rather
  than wishing a good morning at night; the next morning's digest lists everything anyway.
- Overdue visit: no completed visit for 7 days (target 1 a week) or 4 days (target 2 a week),
  counted from the registration for a family never visited; once per working day per family.
- Goal / task due: on the last working day before the due date (a Monday date is announced on
  Friday); one set too late for that is announced on the following mornings up to the due day.
- Assessment due: from the last working day on or before 14 days ahead of the due date, once.
  Assessment overdue: on the first working day after the due date, then on the first working
  day of every week (Monday for most): writing an assessment takes a sitting, a daily nag
  would be noise, and the digest lists it every morning anyway.
- Contract ends: from the last working day on or before 14 days ahead of the end, once.
- Appointments: the evening before at 18:00 local, 2 hours before, and 2 hours after the start
  a question how it went (asked once; unanswered ones stay listed by the appointment service).
  An occurrence due before the appointment's time was set (created or moved late) is skipped,
  and a reminder before an appointment is not caught up once the appointment has begun.
- Urgency: only `appointment_soon` is urgent. Quiet hours (default 20:00–07:00 local) defer
  every other kind to their end, never drop it; an urgent one is deferred too when the end of
  quiet hours is still at least 30 minutes before the appointment, otherwise it goes at once.
- Catch-up: reminders that fell due while the bot was down (after the last tick, more than
  10 minutes before now) and backlog never sent are collapsed into one catch-up message per
  assistant, the latest digest and day's nag per family replacing older ones; a single
  missed reminder is simply sent late. Windows bound what a downtime can bring back: a
  morning batch only for today, appointment outcome questions for 14 days.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, field_validator

from bot.domain.appointment import Institution
from bot.domain.plan import next_assessment_due

DIGEST_TIME = time(7, 30)
MORNING_WINDOW = timedelta(hours=5)  # the morning batch goes out up to 5 hours late, not later
QUIET_START = time(20, 0)
QUIET_END = time(7, 0)
DEFAULT_TIMEZONE = "Europe/Warsaw"
EVENING_AT = time(18, 0)
SOON_BEFORE = timedelta(hours=2)
OUTCOME_AFTER = timedelta(hours=2)
OUTCOME_WINDOW = timedelta(days=14)  # then the question is stale; the agenda still lists it
URGENT_MARGIN = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=10)
OVERDUE_AFTER_DAYS = {1: 7, 2: 4}  # visits a week -> days without a visit that make it overdue
NOTICE_DAYS = 14  # assessments and contract ends are announced this many days ahead
DUE_SOON_DAYS = 7  # the digest lists goals and tasks due within a week (and overdue ones)
WORK_WEEK = frozenset(range(5))  # Monday (0) to Friday (4)


class ReminderKind(StrEnum):
    """What a reminder is about."""

    DIGEST = "digest"
    OVERDUE_VISIT = "overdue_visit"
    APPOINTMENT_EVENING = "appointment_evening"
    APPOINTMENT_SOON = "appointment_soon"
    OUTCOME_QUESTION = "outcome_question"
    GOAL_DUE = "goal_due"
    TASK_DUE = "task_due"
    ASSESSMENT_DUE = "assessment_due"
    ASSESSMENT_OVERDUE = "assessment_overdue"
    CONTRACT_ENDS = "contract_ends"
    CATCH_UP = "catch_up"  # several reminders missed while the bot was down, in one message


URGENT_KINDS = frozenset({ReminderKind.APPOINTMENT_SOON})
# Daily kinds whose newer occurrence says all an older one did (a catch-up keeps the latest).
_SUPERSEDED = frozenset(
    {ReminderKind.DIGEST, ReminderKind.OVERDUE_VISIT, ReminderKind.ASSESSMENT_OVERDUE}
)


class OutboxStatus(StrEnum):
    """Where a stored reminder stands."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after repeated errors other than flood control
    DROPPED_UNREACHABLE = "dropped_unreachable"  # the assistant blocked the bot
    COLLAPSED = "collapsed"  # folded into a catch-up; kept so its key is not computed again
    WITHDRAWN = "withdrawn"  # no longer true before it went out (appointment moved, cancelled)
    DONE = "done"  # the assistant pressed "done"


class PlanItemKind(StrEnum):
    """A goal or a task of the help plan."""

    GOAL = "goal"
    TASK = "task"


# Plain snapshots the storage reads in bulk for a tick


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
        return next_assessment_due(self.plan_started_on, self.last_assessment)

    def days_without_visit(self, day: date) -> int:
        """Days since the last completed visit (or since registration, if never visited)."""
        reference = self.last_visit if self.last_visit is not None else self.registered_on
        return (day - reference).days

    def is_overdue(self, day: date) -> bool:
        """No completed visit for long enough, given the weekly target."""
        limit = OVERDUE_AFTER_DAYS.get(self.visits_per_week, OVERDUE_AFTER_DAYS[1])
        return self.days_without_visit(day) >= limit


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


# The facts a text needs: family codes, institution types, times, ids and counts; never a
# member's name, a note, a purpose or an institution's own name.


class AppointmentFact(BaseModel):
    """An appointment as a reminder may show it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    appointment_id: int
    family_id: int
    family_code: str
    institution: Institution
    starts_at: datetime
    accompany: bool


class VisitGapFact(BaseModel):
    """A family waiting for a visit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    family_id: int
    family_code: str
    days: int
    visited: bool  # False: never visited, `days` counts from the registration
    visits_per_week: int


class DueFact(BaseModel):
    """A goal or task with a due date."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    item: PlanItemKind
    item_id: int
    goal_id: int
    family_id: int
    family_code: str
    due_on: date


class AssessmentFact(BaseModel):
    """A periodic assessment coming due or overdue."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    family_id: int
    family_code: str
    due_on: date


class ContractFact(BaseModel):
    """A contract coming to its end."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    family_id: int
    family_code: str
    ends_on: date


class DigestFacts(BaseModel):
    """The morning digest of one working day."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    day: date
    appointments: tuple[AppointmentFact, ...] = ()
    overdue: tuple[VisitGapFact, ...] = ()
    due: tuple[DueFact, ...] = ()
    assessments: tuple[AssessmentFact, ...] = ()
    contracts: tuple[ContractFact, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Nothing to report today."""
        return not (
            self.appointments or self.overdue or self.due or self.assessments or self.contracts
        )


class ReminderFacts(BaseModel):
    """Everything a reminder's text may show; exactly the part for its kind is set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    appointment: AppointmentFact | None = None
    visit_gap: VisitGapFact | None = None
    due: DueFact | None = None
    assessment: AssessmentFact | None = None
    contract: ContractFact | None = None
    digest: DigestFacts | None = None
    missed: tuple[MissedReminder, ...] = ()

    @property
    def family_code(self) -> str | None:
        """The family the reminder is about, if one."""
        for part in (self.appointment, self.visit_gap, self.due, self.assessment, self.contract):
            if part is not None:
                return part.family_code
        return None

    @property
    def family_id(self) -> int | None:
        """The id of the family the reminder is about, if one."""
        for part in (self.appointment, self.visit_gap, self.due, self.assessment, self.contract):
            if part is not None:
                return part.family_id
        return None


class MissedReminder(BaseModel):
    """One reminder folded into a catch-up message."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ReminderKind
    due_at: datetime
    facts: ReminderFacts


ReminderFacts.model_rebuild()


class Reminder(BaseModel):
    """One occurrence of a reminder, before it is stored in the outbox."""

    model_config = ConfigDict(frozen=True)

    assistant_id: int
    kind: ReminderKind
    key: str  # unique per occurrence, e.g. "appt_evening:123:2026-12-11:2026-12-12T09:00Z"
    due_at: datetime  # when it fell due, UTC
    send_at: datetime | None = None  # when it may go out (after quiet hours); None: at due_at
    urgent: bool = False
    subject: str = ""  # what it is about ("appointment:12"), to withdraw it when that changes
    deadline: datetime | None = None  # after this it is pointless (an appointment's start)
    facts: ReminderFacts

    @property
    def family_code(self) -> str | None:
        """The family the reminder is about, if one."""
        return self.facts.family_code

    @property
    def send_time(self) -> datetime:
        """When it may go out."""
        return self.send_at or self.due_at


class OutboxItem(BaseModel):
    """A stored reminder as the dispatcher and the texts see it."""

    model_config = ConfigDict(frozen=True)

    id: int
    key: str
    assistant_id: int
    kind: ReminderKind
    urgent: bool = False
    subject: str = ""
    facts: ReminderFacts
    due_at: datetime
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None = None
    attempts: int = 0
    status: OutboxStatus = OutboxStatus.PENDING
    last_error: str | None = None
    locale: str = "pl"  # the assistant's language when it was read
    timezone: str = DEFAULT_TIMEZONE  # the assistant's zone, for the times in the text

    @property
    def zone(self) -> ZoneInfo:
        """The zone the text shows times in."""
        return ZoneInfo(self.timezone)

    @property
    def family_code(self) -> str | None:
        """The family the reminder is about, if one."""
        return self.facts.family_code

    @property
    def family_id(self) -> int | None:
        """The id of the family the reminder is about, if one."""
        return self.facts.family_id

    def as_reminder(self) -> Reminder:
        """The occurrence behind the row (for folding backlog into a catch-up)."""
        return Reminder(
            assistant_id=self.assistant_id,
            kind=self.kind,
            key=self.key,
            due_at=self.due_at,
            send_at=self.next_attempt_at,
            urgent=self.urgent,
            subject=self.subject,
            facts=self.facts,
        )


class UnreachableNotice(BaseModel):
    """For the admins: an assistant blocked the bot, their reminders stopped."""

    model_config = ConfigDict(frozen=True)

    assistant_id: int
    display_name: str
    dropped: int  # pending reminders dropped


# Calendar helpers


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


def _stamp(moment: datetime) -> str:
    """A UTC minute for keys."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


# The morning batch


def build_digest(
    day: date,
    prefs: AssistantPrefs,
    families: list[FamilySnapshot],
    appointments: list[AppointmentSnapshot],
    items: list[PlanItemSnapshot],
) -> DigestFacts:
    """What the digest of `day` lists: today's appointments, overdue families, due soon."""
    today_appointments = sorted(
        (_appointment_fact(a) for a in appointments if prefs.local_day(a.starts_at) == day),
        key=lambda a: (a.starts_at, a.family_code),
    )
    overdue = sorted(
        (_gap_fact(f, day) for f in families if f.is_overdue(day)),
        key=lambda g: (-g.days, g.family_code),
    )
    soon = day + timedelta(days=DUE_SOON_DAYS)
    due = sorted(
        (_due_fact(i) for i in items if i.due <= soon),
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
    day = batch_day(now, prefs)
    if day is None:
        return []
    digest = build_digest(day, prefs, families, appointments, items)
    return [
        Reminder(
            assistant_id=prefs.telegram_id,
            kind=ReminderKind.DIGEST,
            key=digest_key(prefs.telegram_id, day),
            due_at=prefs.at(day, prefs.digest_time),
            facts=ReminderFacts(digest=digest),
        )
    ]


def overdue_visits_due(
    now: datetime, prefs: AssistantPrefs, families: list[FamilySnapshot]
) -> list[Reminder]:
    """One reminder per family waiting too long for a visit, once per working day."""
    day = batch_day(now, prefs)
    if day is None:
        return []
    due_at = prefs.at(day, prefs.digest_time)
    return [
        Reminder(
            assistant_id=prefs.telegram_id,
            kind=ReminderKind.OVERDUE_VISIT,
            key=f"overdue:{prefs.telegram_id}:{f.family_id}:{day.isoformat()}",
            due_at=due_at,
            subject=f"family:{f.family_id}",
            facts=ReminderFacts(visit_gap=_gap_fact(f, day)),
        )
        for f in families
        if f.is_overdue(day)
    ]


def plan_items_due(
    now: datetime, prefs: AssistantPrefs, items: list[PlanItemSnapshot]
) -> list[Reminder]:
    """Goals and tasks due: from the last working day before the due date up to the due day."""
    day = batch_day(now, prefs)
    if day is None:
        return []
    due_at = prefs.at(day, prefs.digest_time)
    found = []
    for item in items:
        if not working_day_before(item.due, prefs.working_days) <= day <= item.due:
            continue
        goal = item.kind is PlanItemKind.GOAL
        found.append(
            Reminder(
                assistant_id=prefs.telegram_id,
                kind=ReminderKind.GOAL_DUE if goal else ReminderKind.TASK_DUE,
                key=f"{item.kind.value}_due:{prefs.telegram_id}:{item.id}:{item.due.isoformat()}",
                due_at=due_at,
                subject=f"{item.kind.value}:{item.id}",
                facts=ReminderFacts(due=_due_fact(item)),
            )
        )
    return found


def assessments_due(
    now: datetime, prefs: AssistantPrefs, families: list[FamilySnapshot]
) -> list[Reminder]:
    """Assessments due within 14 days (once); overdue ones the day after, then once a week."""
    day = batch_day(now, prefs)
    if day is None:
        return []
    due_at = prefs.at(day, prefs.digest_time)
    found = []
    for family in families:
        due = family.assessment_due()
        if due is None:
            continue
        notice = working_day_on_or_before(due - timedelta(days=NOTICE_DAYS), prefs.working_days)
        first_late = first_working_day_after(due, prefs.working_days)
        if notice <= day <= due:
            kind, key = (
                ReminderKind.ASSESSMENT_DUE,
                f"assess_due:{prefs.telegram_id}:{family.family_id}:{due}",
            )
        elif day > due and (day.weekday() == min(prefs.working_days) or day == first_late):
            kind = ReminderKind.ASSESSMENT_OVERDUE
            key = f"assess_overdue:{prefs.telegram_id}:{family.family_id}:{due}:{day}"
        else:
            continue
        found.append(
            Reminder(
                assistant_id=prefs.telegram_id,
                kind=kind,
                key=key,
                due_at=due_at,
                subject=f"family:{family.family_id}",
                facts=ReminderFacts(
                    assessment=AssessmentFact(
                        family_id=family.family_id, family_code=family.code, due_on=due
                    )
                ),
            )
        )
    return found


def contracts_due(
    now: datetime, prefs: AssistantPrefs, families: list[FamilySnapshot]
) -> list[Reminder]:
    """Contracts ending within 14 days, announced once."""
    day = batch_day(now, prefs)
    if day is None:
        return []
    due_at = prefs.at(day, prefs.digest_time)
    found = []
    for family in families:
        ends = family.contract_valid_until
        if ends is None:
            continue
        notice = working_day_on_or_before(ends - timedelta(days=NOTICE_DAYS), prefs.working_days)
        if not notice <= day <= ends:
            continue
        found.append(
            Reminder(
                assistant_id=prefs.telegram_id,
                kind=ReminderKind.CONTRACT_ENDS,
                key=f"contract_ends:{prefs.telegram_id}:{family.family_id}:{ends.isoformat()}",
                due_at=due_at,
                subject=f"family:{family.family_id}",
                facts=ReminderFacts(
                    contract=ContractFact(
                        family_id=family.family_id, family_code=family.code, ends_on=ends
                    )
                ),
            )
        )
    return found


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
        fact = _appointment_fact(appointment)
        start = appointment.starts_at
        stamp = _stamp(start)
        subject = f"appointment:{appointment.id}"
        evening_day = prefs.local_day(start) - timedelta(days=1)
        evening = prefs.at(evening_day, EVENING_AT)
        if appointment.scheduled_at <= evening <= now < start:
            found.append(
                Reminder(
                    assistant_id=prefs.telegram_id,
                    kind=ReminderKind.APPOINTMENT_EVENING,
                    key=f"appt_evening:{prefs.telegram_id}:{appointment.id}:{evening_day}:{stamp}",
                    due_at=evening,
                    subject=subject,
                    deadline=start,
                    facts=ReminderFacts(appointment=fact),
                )
            )
        soon = start - SOON_BEFORE
        if appointment.scheduled_at <= soon <= now < start:
            found.append(
                Reminder(
                    assistant_id=prefs.telegram_id,
                    kind=ReminderKind.APPOINTMENT_SOON,
                    key=f"appt_soon:{prefs.telegram_id}:{appointment.id}:{stamp}",
                    due_at=soon,
                    urgent=True,
                    subject=subject,
                    deadline=start,
                    facts=ReminderFacts(appointment=fact),
                )
            )
        asked = start + OUTCOME_AFTER
        if asked <= now < start + OUTCOME_WINDOW:
            found.append(
                Reminder(
                    assistant_id=prefs.telegram_id,
                    kind=ReminderKind.OUTCOME_QUESTION,
                    key=f"appt_outcome:{prefs.telegram_id}:{appointment.id}:{stamp}",
                    due_at=asked,
                    subject=subject,
                    facts=ReminderFacts(appointment=fact),
                )
            )
    return found


# Quiet hours and catch-up


def defer_for_quiet_hours(reminder: Reminder, prefs: AssistantPrefs) -> Reminder:
    """Move a reminder falling in quiet hours to their end; never drop it.

    An urgent one moves only when the end of quiet hours is still at least 30 minutes before
    its deadline; otherwise it goes at once (a 06:30 appointment is worth waking up for).
    """
    end = prefs.quiet_until(reminder.send_time)
    if end is None:
        return reminder
    if reminder.urgent and (reminder.deadline is None or end > reminder.deadline - URGENT_MARGIN):
        return reminder
    return reminder.model_copy(update={"send_at": end})


class CatchUp(BaseModel):
    """How a tick's reminders go out once the missed ones are collapsed."""

    model_config = ConfigDict(frozen=True)

    send: tuple[Reminder, ...] = ()  # new reminders to queue as they are
    collapsed: tuple[Reminder, ...] = ()  # new reminders folded into a catch-up
    folded_backlog: tuple[str, ...] = ()  # keys of stored, never sent rows folded into one
    catch_ups: tuple[Reminder, ...] = ()  # one per assistant with two or more missed


def collapse_missed(
    reminders: list[Reminder],
    now: datetime,
    *,
    down_since: datetime | None,
    backlog: list[Reminder] | None = None,
    late_after: timedelta = LATE_AFTER,
) -> CatchUp:
    """Fold what fell due while the bot was down into one catch-up per assistant.

    `down_since` is the last tick before a gap (None: the bot was not down); a reminder is
    missed when it fell due after it and more than `late_after` before now. `backlog` holds
    stored rows never sent from before the gap; they count as missed too. An assistant with a
    single missed reminder gets it as it is, late; one with more gets one catch-up message,
    keyed by the tick's UTC date and hour.
    """
    backlog = backlog or []
    backlog_keys = {r.key for r in backlog}
    cutoff = now - late_after
    by_assistant: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in backlog:
        by_assistant[reminder.assistant_id].append(reminder)
    for reminder in reminders:
        if down_since is not None and down_since < reminder.due_at < cutoff:
            by_assistant[reminder.assistant_id].append(reminder)
    folded = {r.key for group in by_assistant.values() if len(group) > 1 for r in group}
    catch_ups = [
        _catch_up(assistant_id, group, now)
        for assistant_id, group in sorted(by_assistant.items())
        if len(group) > 1
    ]
    return CatchUp(
        send=tuple(r for r in reminders if r.key not in folded),
        collapsed=tuple(r for r in reminders if r.key in folded),
        folded_backlog=tuple(k for k in sorted(folded) if k in backlog_keys),
        catch_ups=tuple(catch_ups),
    )


def _catch_up(assistant_id: int, group: list[Reminder], now: datetime) -> Reminder:
    """One message standing for several missed reminders, oldest first."""
    missed: list[MissedReminder] = []
    for reminder in group:
        if reminder.kind is ReminderKind.CATCH_UP:
            missed += reminder.facts.missed  # an unsent earlier catch-up: flatten, never nest
        else:
            missed.append(
                MissedReminder(kind=reminder.kind, due_at=reminder.due_at, facts=reminder.facts)
            )
    return Reminder(
        assistant_id=assistant_id,
        kind=ReminderKind.CATCH_UP,
        key=f"catchup:{assistant_id}:{now.astimezone(UTC).strftime('%Y-%m-%dT%H')}",
        due_at=now,
        urgent=any(r.urgent for r in group),
        deadline=min((r.deadline for r in group if r.deadline is not None), default=None),
        facts=ReminderFacts(missed=_latest_only(missed)),
    )


def _latest_only(missed: list[MissedReminder]) -> tuple[MissedReminder, ...]:
    """Oldest first, where a later digest or a later day's nag about a family replaces an older."""
    latest: dict[tuple[str, int | None], MissedReminder] = {}
    kept: list[MissedReminder] = []
    for item in sorted(missed, key=lambda m: m.due_at):
        if item.kind in _SUPERSEDED:
            latest[(item.kind.value, item.facts.family_id)] = item
        else:
            kept.append(item)
    return tuple(sorted([*kept, *latest.values()], key=lambda m: m.due_at))


def _appointment_fact(appointment: AppointmentSnapshot) -> AppointmentFact:
    """The showable part of an appointment."""
    return AppointmentFact(
        appointment_id=appointment.id,
        family_id=appointment.family_id,
        family_code=appointment.family_code,
        institution=appointment.institution,
        starts_at=appointment.starts_at,
        accompany=appointment.accompany,
    )


def _gap_fact(family: FamilySnapshot, day: date) -> VisitGapFact:
    """How long a family has waited for a visit."""
    return VisitGapFact(
        family_id=family.family_id,
        family_code=family.code,
        days=family.days_without_visit(day),
        visited=family.last_visit is not None,
        visits_per_week=family.visits_per_week,
    )


def _due_fact(item: PlanItemSnapshot) -> DueFact:
    """The showable part of a goal or task with a due date."""
    return DueFact(
        item=item.kind,
        item_id=item.id,
        goal_id=item.goal_id,
        family_id=item.family_id,
        family_code=item.family_code,
        due_on=item.due,
    )
