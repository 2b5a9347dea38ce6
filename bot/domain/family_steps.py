"""The /newfamily walk's steps and its draft (shared by the walk and its ui)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from bot.domain.drafts import Draft
from bot.domain.family import Member, NewFamily
from bot.domain.vocabulary import MemberRole


class Step(StrEnum):
    """Where the new-family walk is (strings, so they persist as readable JSON)."""

    CODE = "code"
    LABEL = "label"
    MEMBERS = "members"
    MEMBER_NAME = "member_name"
    MEMBER_ROLE = "member_role"
    MEMBER_YEAR = "member_year"
    TARGET = "target"
    SIGNED = "signed"
    UNTIL = "until"
    CONFIRM = "confirm"


class PendingMember(BaseModel):
    """A member being added: name first, then role, then year."""

    name: str
    role: MemberRole | None = None


class FamilyDraft(Draft):
    """The family being registered."""

    suggested: str
    code: str | None = None
    label: str | None = None
    members: list[Member] = Field(default_factory=list)
    pending: PendingMember | None = None
    visits_per_week: int = 1
    contract_signed_on: date | None = None
    contract_valid_until: date | None = None

    def add_pending(self, birth_year: int | None) -> None:
        """Move the pending member (once it has a role) into the list."""
        if self.pending is not None and self.pending.role is not None:
            self.members.append(
                Member(
                    id=len(self.members),
                    name=self.pending.name,
                    role=self.pending.role,
                    birth_year=birth_year,
                )
            )
        self.pending = None

    def as_new_family(self, code: str) -> NewFamily:
        """What is registered from the draft, under `code`."""
        return NewFamily(
            code=code,
            label=self.label,
            members=self.members,
            visits_per_week=self.visits_per_week,
            contract_signed_on=self.contract_signed_on,
            contract_valid_until=self.contract_valid_until,
        )
