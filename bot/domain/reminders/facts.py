"""What a reminder carries: the facts its text may show, and the occurrence itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from bot.domain.appointment import Institution
from bot.domain.reminders.calendar import local_instant
from bot.domain.reminders.kinds import PlanItemKind, ReminderKind
from bot.domain.reminders.snapshots import AppointmentSnapshot, FamilySnapshot, PlanItemSnapshot

# The facts a text needs: family codes, institution types, times, ids and counts; never a
# member's name, a note, a purpose or an institution's own name.


class _Coded(Protocol):
    """A fact about one family, under the code it had when the fact was made."""

    @property
    def family_id(self) -> int: ...

    @property
    def family_code(self) -> str: ...

    def model_copy(self, *, update: dict[str, object]) -> _Coded: ...


CodedT = TypeVar("CodedT", bound=_Coded)


def recoded(fact: CodedT, codes: Mapping[int, str]) -> CodedT:
    """The fact under its family's code now (`codes`), if /edit changed it since."""
    code = codes.get(fact.family_id)
    if code is None or code == fact.family_code:
        return fact
    return fact.model_copy(update={"family_code": code})  # type: ignore[return-value]


class AppointmentFact(BaseModel):
    """An appointment as a reminder may show it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    appointment_id: int
    family_id: int
    family_code: str
    institution: Institution
    starts_at: datetime
    accompany: bool

    def agenda_order(self) -> tuple[datetime, str]:
        """Where it stands in a day's agenda: by time, then by family."""
        return self.starts_at, self.family_code


class VisitGapFact(BaseModel):
    """A family waiting for a visit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    family_id: int
    family_code: str
    days: int
    visited: bool  # False: never visited, `days` counts from the registration
    visits_per_week: int
    # The visit `days` counts from. None when never visited, or in a row queued before it was
    # kept (visited: then nothing can be told from it, see `visited_since`).
    last_visit: date | None = None

    def visited_since(self, last_visit: date | None) -> bool:
        """Whether the family's last completed visit now is a later one: the gap is closed."""
        if last_visit is None:
            return False
        if not self.visited:
            return True
        return self.last_visit is not None and last_visit > self.last_visit


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


class MonitoringFact(BaseModel):
    """A closed family under monitoring: a contact is due, or the period is over."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    family_id: int
    family_code: str
    until: date
    # The closed period monitored (a closure's own): told apart from a later monitoring that
    # ends on the same day. None in a reminder stored before it was kept.
    period_id: int | None = None


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

    def family_ids(self) -> set[int]:
        """Every family the digest names."""
        parts = (self.appointments, self.overdue, self.due, self.assessments, self.contracts)
        return {fact.family_id for part in parts for fact in part}

    def hours(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The digest's local day in the zone, as UTC instants [start, end)."""
        return local_instant(self.day, time(0), zone), local_instant(
            self.day + timedelta(days=1), time(0), zone
        )

    def as_of(self, now: DigestNow, zone: ZoneInfo) -> DigestFacts:
        """The digest as it holds when it is sent (a snooze, a late send), in the zone's days.

        Left out: a family gone from the assistant, a gap closed by a visit, a goal or task
        done, closed or given another day, an assessment recorded, a contract renewed. Its
        appointments are the day's as they stand: one cancelled, past its outcome or moved to
        another day is out, one moved within the day shows its new time, and one booked or
        moved into the day since is in, all in the agenda's time order.
        """
        held, codes = now.last_visits, now.codes
        appointments = _appointments_now(now.agenda, zone, self.day)
        return self.model_copy(
            update={
                "appointments": appointments,
                "overdue": tuple(
                    recoded(g, codes)
                    for g in self.overdue
                    if g.family_id in held and not g.visited_since(held[g.family_id])
                ),
                "due": tuple(
                    recoded(d, codes)
                    for d in self.due
                    if now.open_items.get((d.item, d.item_id)) == d.due_on
                ),
                "assessments": tuple(
                    recoded(a, codes)
                    for a in self.assessments
                    if now.assessments_due.get(a.family_id) == a.due_on
                ),
                "contracts": tuple(
                    recoded(c, codes)
                    for c in self.contracts
                    if now.contracts_end.get(c.family_id) == c.ends_on
                ),
            }
        )


@dataclass(frozen=True, slots=True)
class DigestNow:
    """What has become of what a digest names, read when it is sent (storage/sending_checks)."""

    last_visits: dict[int, date | None]  # the families still the assistant's: last visit
    open_items: dict[tuple[PlanItemKind, int], date | None]  # goals and tasks still open: due
    # The assistant's appointments scheduled on the digest's day now, of the families still
    # theirs (the named ones and any booked or moved into the day since), at their times now.
    agenda: tuple[AppointmentFact, ...]
    # Of the families still the assistant's: when the next assessment is due, the contract ends.
    assessments_due: dict[int, date] = field(default_factory=dict)
    contracts_end: dict[int, date] = field(default_factory=dict)
    codes: dict[int, str] = field(default_factory=dict)  # of those families: their codes now


def _appointments_now(
    agenda: tuple[AppointmentFact, ...], zone: ZoneInfo, day: date
) -> tuple[AppointmentFact, ...]:
    """The appointments scheduled on a digest's local day now, in time order."""
    on_day = (fact for fact in agenda if fact.starts_at.astimezone(zone).date() == day)
    return tuple(sorted(on_day, key=AppointmentFact.agenda_order))


class EscalationCase(StrEnum):
    """Why the coordinators are told."""

    NO_VISIT = "no_visit"
    ASSESSMENT = "assessment"
    UNREACHABLE = "unreachable"


class EscalationFact(BaseModel):
    """A case for the coordinators: a family not seen, an assessment late, an assistant gone.

    Family cases carry the family's code; the unreachable case the assistant's name (staff,
    not a family member).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    case: EscalationCase
    assistant_id: int
    assistant_name: str = ""
    family_id: int | None = None
    family_code: str | None = None
    days: int = 0  # days without a visit, days an assessment is late, working days gone
    due_on: date | None = None  # the assessment's due day
    visited: bool = True  # False: never visited, `days` counts from the registration


class TeamDigestRow(BaseModel):
    """One assistant's last week in the weekly team digest."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    assistant_name: str
    completed: int
    target: int
    minutes: int
    missed: int
    not_seen: tuple[str, ...] = ()  # codes of families without a completed visit that week


class DatedCode(BaseModel):
    """A family code with a day (an assessment due, a contract ending)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    family_code: str
    day: date


class TeamDigestFacts(BaseModel):
    """The weekly team digest: last week per assistant, what comes in the next 30 days."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    monday: date  # of the week reported
    rows: tuple[TeamDigestRow, ...] = ()
    assessments: tuple[DatedCode, ...] = ()
    contracts: tuple[DatedCode, ...] = ()


class CoverFact(BaseModel):
    """A family on holiday cover: it starts, or it ended and the family went back."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    family_id: int
    family_code: str
    until: date
    covering: bool  # True: the recipient covers; False: the recipient is the family's own


class HandOverFact(BaseModel):
    """A family handed over for good: to the recipient (`yours`), or away from them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    family_id: int
    family_code: str
    yours: bool


class ReminderFacts(BaseModel):
    """Everything a reminder's text may show; exactly the part for its kind is set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    appointment: AppointmentFact | None = None
    visit_gap: VisitGapFact | None = None
    due: DueFact | None = None
    assessment: AssessmentFact | None = None
    contract: ContractFact | None = None
    monitoring: MonitoringFact | None = None
    digest: DigestFacts | None = None
    missed: tuple[MissedReminder, ...] = ()
    # The centre's view. Not in family_id below on purpose: a coordinator holds no family,
    # and the dispatcher withdraws a row whose family its recipient no longer holds.
    escalation: EscalationFact | None = None
    team_digest: TeamDigestFacts | None = None
    cover: CoverFact | None = None
    hand_over: HandOverFact | None = None

    @property
    def family_code(self) -> str | None:
        """The family the reminder is about, if one."""
        for part in self._family_parts():
            if part is not None:
                return part.family_code
        return None

    @property
    def family_id(self) -> int | None:
        """The id of the family the reminder is about, if one."""
        for part in self._family_parts():
            if part is not None:
                return part.family_id
        return None

    def recoded(self, codes: Mapping[int, str]) -> ReminderFacts:
        """The facts under their families' codes now (`codes`); the same object if unchanged."""
        names = ("appointment", "visit_gap", "due", "assessment", "contract", "monitoring")
        update = {}
        for name, part in zip(names, self._family_parts(), strict=True):
            if part is not None and (now := recoded(part, codes)) is not part:
                update[name] = now
        return self.model_copy(update=update) if update else self

    def _family_parts(
        self,
    ) -> tuple[
        AppointmentFact
        | VisitGapFact
        | DueFact
        | AssessmentFact
        | ContractFact
        | MonitoringFact
        | None,
        ...,
    ]:
        """The parts that name a family (at most one is set)."""
        return (
            self.appointment,
            self.visit_gap,
            self.due,
            self.assessment,
            self.contract,
            self.monitoring,
        )


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


def appointment_fact(appointment: AppointmentSnapshot) -> AppointmentFact:
    """The showable part of an appointment."""
    return AppointmentFact(
        appointment_id=appointment.id,
        family_id=appointment.family_id,
        family_code=appointment.family_code,
        institution=appointment.institution,
        starts_at=appointment.starts_at,
        accompany=appointment.accompany,
    )


def gap_fact(family: FamilySnapshot, day: date) -> VisitGapFact:
    """How long a family has waited for a visit."""
    return VisitGapFact(
        family_id=family.family_id,
        family_code=family.code,
        days=family.days_without_visit(day),
        visited=family.last_visit is not None,
        visits_per_week=family.visits_per_week,
        last_visit=family.last_visit,
    )


def due_fact(item: PlanItemSnapshot) -> DueFact:
    """The showable part of a goal or task with a due date."""
    return DueFact(
        item=item.kind,
        item_id=item.id,
        goal_id=item.goal_id,
        family_id=item.family_id,
        family_code=item.family_code,
        due_on=item.due,
    )
