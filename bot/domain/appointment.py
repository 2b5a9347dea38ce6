"""Appointments at institutions: who goes where, when, why, and how it went."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.domain.errors import DomainError, Settled
from bot.domain.parsing import years_after
from bot.domain.plan import check_optional_text, check_required_text

INSTITUTION_NAME_MAX = 60
PURPOSE_MAX = 300
OUTCOME_MAX = 1000
# Institutions book weeks or months ahead; a date over two years ahead is a typo in the year.
APPOINTMENT_YEARS_AHEAD = 2  # ui/labels.py says "two years" in the refusal


class Institution(StrEnum):
    """The kinds of institution the seeds name; a reminder shows only this type, never a name."""

    OPS = "ops"  # social-welfare centre
    PUP = "pup"  # labour office
    SCHOOL = "school"
    COURT = "court"
    CLINIC = "clinic"  # clinic or counselling centre (poradnia)
    DOCTOR = "doctor"  # doctor or hospital
    PCPR = "pcpr"  # county family-support centre
    POLICE = "police"  # police or the interdisciplinary team
    OTHER = "other"


class AppointmentStatus(StrEnum):
    """Where an appointment stands; only a scheduled one can change."""

    SCHEDULED = "scheduled"
    ATTENDED = "attended"
    NOT_ATTENDED = "not_attended"
    RESCHEDULED = "rescheduled"  # closed; the new date is a new appointment pointing back to it
    CANCELLED = "cancelled"


OUTCOME_STATUSES = frozenset(
    {AppointmentStatus.ATTENDED, AppointmentStatus.NOT_ATTENDED, AppointmentStatus.RESCHEDULED}
)


def as_utc(moment: datetime) -> datetime:
    """An aware instant in UTC; a naive one is a programming error, not user input."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("appointment times must be timezone-aware")
    return moment.astimezone(UTC)


class NewAppointment(BaseModel):
    """What the assistant chose in `/appointment`, before it is checked and saved."""

    model_config = ConfigDict(frozen=True)

    family_id: int
    member_ids: tuple[int, ...] = ()
    institution: Institution
    institution_name: str | None = None
    starts_at: datetime
    accompany: bool = False
    purpose: str
    goal_id: int | None = None
    draft_token: str | None = None  # the walk's draft: saving it again returns the first one

    @field_validator("starts_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        """Stored and compared in UTC."""
        return as_utc(value)


class Appointment(BaseModel):
    """A saved appointment at an institution."""

    model_config = ConfigDict(frozen=True)

    id: int
    family_id: int
    assistant_id: int  # who made it; reminders go to the family's current assistant
    member_ids: tuple[int, ...] = ()
    institution: Institution
    institution_name: str | None = Field(default=None, max_length=INSTITUTION_NAME_MAX)
    starts_at: datetime
    accompany: bool
    purpose: str = Field(max_length=PURPOSE_MAX)
    goal_id: int | None = None
    status: AppointmentStatus = AppointmentStatus.SCHEDULED
    outcome: str = Field(default="", max_length=OUTCOME_MAX)
    outcome_at: datetime | None = None
    rescheduled_from: int | None = None
    created_at: datetime

    @field_validator("starts_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        """Stored and compared in UTC."""
        return as_utc(value)

    @property
    def is_open(self) -> bool:
        """Still scheduled: it can be moved, cancelled or given an outcome."""
        return self.status is AppointmentStatus.SCHEDULED


def check_start(starts_at: datetime, now: datetime) -> datetime:
    """A new or moved appointment starts in the future, at most two years ahead."""
    moment = as_utc(starts_at)
    if moment <= now:
        raise DomainError("when_past")
    if moment > years_after(as_utc(now), APPOINTMENT_YEARS_AHEAD):
        raise DomainError("date_too_far")
    return moment


def check_new_appointment(new: NewAppointment, now: datetime) -> NewAppointment:
    """The typed texts cleaned and within limits, the start in the future."""
    return new.model_copy(
        update={
            "starts_at": check_start(new.starts_at, now),
            "institution_name": check_optional_text(new.institution_name, INSTITUTION_NAME_MAX),
            "purpose": check_required_text(new.purpose, PURPOSE_MAX),
            "member_ids": tuple(dict.fromkeys(new.member_ids)),
        }
    )


def check_open(appointment: Appointment) -> None:
    """Only a scheduled appointment may be moved, cancelled or given an outcome."""
    if not appointment.is_open:
        raise Settled("appointment_closed")


def check_outcome(
    appointment: Appointment, status: AppointmentStatus, now: datetime
) -> AppointmentStatus:
    """An outcome is attended, not attended or rescheduled; the first two only once it began."""
    check_open(appointment)
    if status not in OUTCOME_STATUSES:
        raise DomainError("outcome_status")
    if status is not AppointmentStatus.RESCHEDULED and appointment.starts_at > now:
        # Settled: asking for the note again cannot help until it starts (moved ahead since).
        raise Settled("appointment_not_yet")
    return status
