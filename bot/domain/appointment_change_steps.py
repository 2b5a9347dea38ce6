"""The draft and the steps of the walk that moves an appointment or records how it went."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.domain.appointment import AppointmentStatus
from bot.domain.drafts import Draft


class Step(StrEnum):
    """Where the walk is (strings, so they persist as readable JSON)."""

    WHEN = "when"
    CONFIRM = "confirm"
    NOTE = "note"


class ChangeDraft(Draft):
    """Which appointment, what is being done to it, and the new time once typed."""

    appointment_id: int
    family_code: str  # the appointment as last read (and checked), above every question
    was_at: datetime
    outcome: AppointmentStatus | None = None  # None: a move
    starts_at: datetime | None = None  # as typed, in the user's zone (echoed back so)


def first_step(outcome: AppointmentStatus | None) -> Step:
    """A move or a rescheduled one asks the new date first; the others go to the note."""
    if outcome is None or outcome is AppointmentStatus.RESCHEDULED:
        return Step.WHEN
    return Step.NOTE
