"""The /appointment walk's steps and draft, and the draft as the appointment to save."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from bot.domain.appointment import Institution, NewAppointment
from bot.domain.drafts import FamilyDraft
from bot.domain.errors import DomainError

# The draft's token is also the saved appointment's unique key, so it must not repeat across
# years of appointments; the engine's short button token (3 bytes) would, by the thousands.


class Step(StrEnum):
    """Where the appointment walk is (strings, so they persist as readable JSON)."""

    FAMILY = "family"
    MEMBERS = "members"
    INSTITUTION = "institution"
    NAME = "name"
    WHEN = "when"
    CONFIRM_WHEN = "confirm_when"
    ACCOMPANY = "accompany"
    PURPOSE = "purpose"
    GOAL = "goal"
    SUMMARY = "summary"


class AppointmentDraft(FamilyDraft):
    """The appointment being put together."""

    member_ids: list[int] = Field(default_factory=list)
    institution: Institution | None = None
    institution_name: str | None = None
    starts_at: datetime | None = None
    accompany: bool | None = None
    purpose: str = ""
    goal_id: int | None = None

    def as_new(self) -> NewAppointment:
        """The appointment to save (the service checks it); an unfinished draft is refused."""
        if (
            self.family_id is None
            or self.institution is None
            or self.starts_at is None
            or self.accompany is None
        ):
            raise DomainError("draft_incomplete")
        return NewAppointment(
            family_id=self.family_id,
            member_ids=tuple(self.member_ids),
            institution=self.institution,
            institution_name=self.institution_name,
            starts_at=self.starts_at,
            accompany=self.accompany,
            purpose=self.purpose,
            goal_id=self.goal_id,
            draft_token=self.token,
        )
