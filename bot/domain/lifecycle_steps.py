"""The steps and drafts of the case walks: /close, /reopen, a monitoring contact, /erase, /edit."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from bot.domain.drafts import FamilyDraft
from bot.domain.lifecycle import CloseReason, ContactForm
from bot.domain.vocabulary import MemberRole


class CloseStep(StrEnum):
    """Where the /close walk is."""

    FAMILY = "family"
    DAY = "day"
    REASON = "reason"
    SUMMARY = "summary"
    MONITOR = "monitor"
    CONFIRM = "confirm"


class CloseDraft(FamilyDraft):
    """The closure being prepared."""

    day: date | None = None
    reason: CloseReason | None = None
    summary: str | None = None
    monitor_months: int | None = None


class ReopenStep(StrEnum):
    """Where the /reopen walk is."""

    FAMILY = "family"
    DAY = "day"
    CONFIRM = "confirm"


class ReopenDraft(FamilyDraft):
    """The new start being prepared."""

    day: date | None = None


class ContactStep(StrEnum):
    """Where the monitoring-contact walk is."""

    FAMILY = "family"
    DAY = "day"
    FORM = "form"
    NOTE = "note"


class ContactDraft(FamilyDraft):
    """The monitoring contact being recorded."""

    day: date | None = None
    form: ContactForm | None = None


class EraseStep(StrEnum):
    """Where an admin's /erase is: the code typed back, then the last word."""

    CODE = "code"
    CONFIRM = "confirm"


class EraseDraft(FamilyDraft):
    """The family an admin is erasing."""


class EditStep(StrEnum):
    """Where the /edit walk is: a menu of what to change, each change saved at once."""

    FAMILY = "family"
    MENU = "menu"
    LABEL = "label"
    MEMBERS = "members"
    MEMBER = "member"  # one member's card: a corrected name typed, a role pressed
    MEMBER_BORN = "member_born"  # that member's birth year corrected
    MEMBER_LEFT = "member_left"
    MEMBER_NAME = "member_name"
    MEMBER_ROLE = "member_role"
    MEMBER_YEAR = "member_year"
    VISITS = "visits"
    CONTRACT = "contract"  # a renewal: a new contract, signed today
    CONTRACT_SIGNED = "contract_signed"  # the contract in force corrected: its signing day
    CONTRACT_UNTIL = "contract_until"  # then its valid-until day; both saved together
    CODE = "code"


class EditDraft(FamilyDraft):
    """What is being changed: a new member's name and role, the member tapped (corrected or
    moved out), the corrected signing day, a free code."""

    name: str | None = None
    role: MemberRole | None = None
    member_id: int | None = None
    signed_on: date | None = None  # the contract's signing day as corrected (or kept)
    suggested: str | None = None  # the free code offered when the one typed was taken
