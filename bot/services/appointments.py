"""Use cases about appointments at institutions: make, list by day, move, cancel, outcome."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict

from bot.domain.appointment import (
    OUTCOME_MAX,
    Appointment,
    AppointmentStatus,
    NewAppointment,
    check_new_appointment,
    check_open,
    check_outcome,
    check_start,
)
from bot.domain.errors import DomainError, NotFound, Settled
from bot.domain.family import Family
from bot.domain.people import Actor
from bot.domain.plan import check_optional_text
from bot.domain.reminders.calendar import local_instant
from bot.services.clock import Clock
from bot.services.families import FamilyService, Named
from bot.storage.appointments import AppointmentRepository
from bot.storage.plans import PlanRepository
from bot.storage.reminders import ReminderRepository

AGENDA_DAYS_MAX = 31


class AgendaItem(BaseModel):
    """One appointment in a list, with its family's code."""

    model_config = ConfigDict(frozen=True)

    appointment: Appointment
    family_code: str


class AgendaDay(BaseModel):
    """The appointments of one local day, by time."""

    model_config = ConfigDict(frozen=True)

    day: date
    items: tuple[AgendaItem, ...]


class AppointmentCard(BaseModel):
    """One appointment with its family, for its card."""

    model_config = ConfigDict(frozen=True)

    appointment: Appointment
    family: Family


class OutcomeRecorded(BaseModel):
    """The closed appointment, and the new one when it was rescheduled."""

    model_config = ConfigDict(frozen=True)

    appointment: Appointment
    follow_up: Appointment | None = None


@dataclass(frozen=True)
class AppointmentService:
    """Appointments of the actor's families; every call checks the actor may touch the family.

    The family's assistant may do anything; an admin may read a card. An appointment id that
    is not the actor's raises NotFound("appointment_unknown"), the same as one that does not
    exist: callback data is client input. Whenever an appointment's time or status changes,
    its reminders still waiting in the outbox are withdrawn; the next tick computes the new ones.
    """

    appointments: AppointmentRepository
    plans: PlanRepository
    reminders: ReminderRepository
    families: FamilyService
    clock: Clock

    async def is_saved(self, actor: Actor, token: str) -> bool:
        """Whether the actor's draft with this token was saved already (a crash right after)."""
        return await self.appointments.saved_by(token, actor.telegram_id) is not None

    async def create(self, actor: Actor, new: NewAppointment) -> Appointment:
        """Save an appointment in the future for one of the actor's families, once per draft.

        Saving a draft already saved (Save pressed again after a crash, a replayed update)
        returns the first appointment: no copy, so no second set of reminders. The time is
        not checked again then; it was in the future when the appointment was made.
        """
        now = self.clock.now()
        if new.draft_token is not None:
            first = await self.appointments.saved_by(new.draft_token, actor.telegram_id)
            if first is not None:
                family_id = await self.appointments.family_of(first)
                await self.families.peek(actor, family_id, "appointment.create")
                return await self._appointment(first)
        checked = check_new_appointment(new, now)
        async with self.families.acting(actor, checked.family_id, "appointment.create") as family:
            members = {m.id for m in family.members}
            if any(m not in members for m in checked.member_ids):
                raise NotFound("member_unknown")
            if (
                checked.goal_id is not None
                and await self.plans.family_of_goal(checked.goal_id) != family.id
            ):
                raise NotFound("goal_unknown")
            appointment_id = await self.appointments.add(checked, actor.telegram_id, now)
        return await self._appointment(appointment_id)

    async def agenda(self, actor: Actor, days: int = 7) -> list[AgendaDay]:
        """The actor's scheduled appointments from today for `days` local days, by day."""
        days = max(1, min(days, AGENDA_DAYS_MAX))
        codes = await self._own_codes(actor)
        today = self.clock.today()
        start = local_instant(today, time(0), self.clock.tz)
        end = local_instant(today + timedelta(days=days), time(0), self.clock.tz)
        found = await self.appointments.scheduled_between(list(codes), start, end)
        by_day: dict[date, list[AgendaItem]] = {}
        for appointment in found:
            day = appointment.starts_at.astimezone(self.clock.tz).date()
            item = AgendaItem(appointment=appointment, family_code=codes[appointment.family_id])
            by_day.setdefault(day, []).append(item)
        return [AgendaDay(day=day, items=tuple(items)) for day, items in sorted(by_day.items())]

    async def due_outcome_questions(self, actor: Actor) -> list[AgendaItem]:
        """The actor's appointments whose time has passed without an outcome, oldest first."""
        codes = await self._own_codes(actor)
        found = await self.appointments.unanswered(list(codes), self.clock.now())
        return [AgendaItem(appointment=a, family_code=codes[a.family_id]) for a in found]

    async def get(self, actor: Actor, appointment_id: int) -> AppointmentCard:
        """One appointment with its family; the read is logged."""
        family = await self.families.open_family(
            actor,
            await self.appointments.family_of(appointment_id),
            "read.appointment",
            subject=Named("appointment", appointment_id),
        )
        return AppointmentCard(appointment=await self._appointment(appointment_id), family=family)

    async def changeable(self, actor: Actor, appointment_id: int) -> Appointment:
        """An open appointment of a family the actor works with, checked, not read out (so not
        logged as a read; a refusal is): a double tap's second press is answered by it."""
        await self.families.peek(
            actor,
            await self.appointments.family_of(appointment_id),
            "read.appointment",
            subject=Named("appointment", appointment_id),
        )
        appointment = await self._appointment(appointment_id)
        check_open(appointment)
        return appointment

    async def cancel(self, actor: Actor, appointment_id: int) -> Appointment:
        """Cancel a scheduled appointment; its waiting reminders are withdrawn."""
        async with self._changing(actor, appointment_id, "appointment.cancel"):
            check_open(await self._appointment(appointment_id))
            if not await self.appointments.close(
                appointment_id, AppointmentStatus.CANCELLED, "", self.clock.now()
            ):
                raise Settled("appointment_closed")
            await self.reminders.withdraw(_subject(appointment_id))
        return await self._appointment(appointment_id)

    async def move(self, actor: Actor, appointment_id: int, starts_at: datetime) -> Appointment:
        """Give a scheduled appointment a new time in the future."""
        now = self.clock.now()
        moment = check_start(starts_at, now)
        async with self._changing(actor, appointment_id, "appointment.move"):
            appointment = await self._appointment(appointment_id)
            check_open(appointment)
            if moment == appointment.starts_at:
                return appointment
            if not await self.appointments.move(appointment_id, moment, now):
                raise Settled("appointment_closed")
            await self.reminders.withdraw(_subject(appointment_id))
        return await self._appointment(appointment_id)

    async def record_outcome(
        self,
        actor: Actor,
        appointment_id: int,
        status: AppointmentStatus,
        note: str = "",
        *,
        new_starts_at: datetime | None = None,
    ) -> OutcomeRecorded:
        """Record how it went: attended, not attended, or rescheduled to `new_starts_at`.

        A rescheduled appointment is closed with the note and its new date saved as a new
        appointment pointing back to it (the first date stays in the family's history).
        """
        now = self.clock.now()
        text = check_optional_text(note, OUTCOME_MAX) or ""
        follow_up_id: int | None = None
        # The outcome is logged only once it is saved: a refused one (too early, already
        # closed, no new date) leaves no row saying it happened.
        async with self._changing(actor, appointment_id, "appointment.outcome"):
            appointment = await self._appointment(appointment_id)
            check_outcome(appointment, status, now)
            if status is AppointmentStatus.RESCHEDULED:
                if new_starts_at is None:
                    raise DomainError("when_missing")
                moment = check_start(new_starts_at, now)
                follow_up_id = await self.appointments.reschedule(
                    appointment_id, text, moment, actor.telegram_id, now
                )
                if follow_up_id is None:
                    raise Settled("appointment_closed")
            elif not await self.appointments.close(appointment_id, status, text, now):
                raise Settled("appointment_closed")
            await self.reminders.withdraw(_subject(appointment_id))
        return OutcomeRecorded(
            appointment=await self._appointment(appointment_id),
            follow_up=None if follow_up_id is None else await self._appointment(follow_up_id),
        )

    # Helpers

    async def _own_codes(self, actor: Actor) -> dict[int, str]:
        """The actor's families (id -> code); FamilyService refuses anyone not let in."""
        return {f.id: f.code for f in await self.families.own_families(actor)}

    @asynccontextmanager
    async def _changing(
        self, actor: Actor, appointment_id: int, action: str
    ) -> AsyncIterator[Family]:
        """The family of an appointment the actor changes; logged once the change is done."""
        async with self.families.acting(
            actor,
            await self.appointments.family_of(appointment_id),
            action,
            subject=Named("appointment", appointment_id),
        ) as family:
            yield family

    async def _appointment(self, appointment_id: int) -> Appointment:
        """An appointment already checked to exist."""
        appointment = await self.appointments.get(appointment_id)
        if appointment is None:  # pragma: no cover - checked just before, never deleted
            raise NotFound("appointment_unknown")
        return appointment


def _subject(appointment_id: int) -> str:
    """The outbox subject of an appointment's reminders."""
    return f"appointment:{appointment_id}"
