"""Use cases that change a registered family; each change is audited as its own action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.errors import DomainError, NotFound
from bot.domain.family import (
    MEMBERS_MAX,
    Family,
    Member,
    check_birth_year,
    check_code_free,
    check_contract_signed,
    check_contract_until,
    check_label,
    check_member_name,
    normalise_code,
)
from bot.domain.people import Actor
from bot.domain.plan import Stamp
from bot.domain.vocabulary import MemberRole
from bot.services.clock import Clock
from bot.services.families import FamilyService
from bot.storage.family_edits import FamilyEdits


@dataclass(frozen=True)
class FamilyEditService:
    """Only the family's assistant changes it, while the work goes on."""

    edits: FamilyEdits
    families: FamilyService
    clock: Clock

    async def set_label(self, actor: Actor, family_id: int, text: str | None) -> Family:
        """A new label (empty: none)."""
        label = check_label(text)
        async with self.families.acting(actor, family_id, "family.edit.label") as family:
            await self.edits.set_label(family.id, label)
        return await self._reread(actor, family_id)

    async def set_visits_per_week(self, actor: Actor, family_id: int, visits: int) -> Family:
        """One or two visits a week."""
        if visits not in (1, 2):
            raise DomainError("visits_per_week")
        async with self.families.acting(actor, family_id, "family.edit.visits") as family:
            await self.edits.set_visits_per_week(family.id, visits)
        return await self._reread(actor, family_id)

    async def check_code(self, actor: Actor, family_id: int, text: str) -> str:
        """A new code: well-formed and free (its own code counts as free)."""
        family = await self.families.peek(actor, family_id)
        normal = normalise_code(text)
        if normal is None:
            raise DomainError("code_format")
        codes = await self.families.families.codes()
        return check_code_free(normal, codes, own=family.code)

    async def set_code(self, actor: Actor, family_id: int, text: str) -> Family:
        """Give the family another code (unique)."""
        code = await self.check_code(actor, family_id, text)
        async with self.families.acting(actor, family_id, "family.edit.code") as family:
            await self.edits.set_code(family.id, code)
        return await self._reread(actor, family_id)

    async def add_member(
        self, actor: Actor, family_id: int, name: str, role: MemberRole, birth_year: int | None
    ) -> Family:
        """A new member of the household."""
        cleaned = check_member_name(name)
        if birth_year is not None:
            check_birth_year(birth_year, self.clock.today())
        async with self.families.acting(actor, family_id, "family.edit.member_add") as family:
            if len(family.members) >= MEMBERS_MAX:
                raise DomainError("members_full", limit=MEMBERS_MAX)
            member = Member(name=cleaned, role=role, birth_year=birth_year)
            await self.edits.add_member(family.id, member)
        return await self._reread(actor, family_id)

    async def member_left(self, actor: Actor, family_id: int, member_id: int) -> Family:
        """A member no longer in the household: kept in history, no longer offered."""
        async with self.families.acting(actor, family_id, "family.edit.member_left") as family:
            if member_id not in {m.id for m in family.members}:
                raise NotFound("member_unknown")
            await self.edits.member_left(family.id, member_id, self.clock.today())
        return await self._reread(actor, family_id)

    async def rename_member(
        self, actor: Actor, family_id: int, member_id: int, name: str
    ) -> Family:
        """A member's first name corrected: the same member, so their visits stay theirs."""
        cleaned = check_member_name(name)
        return await self._correct(actor, family_id, member_id, "member_name", name=cleaned)

    async def set_member_role(
        self, actor: Actor, family_id: int, member_id: int, role: MemberRole
    ) -> Family:
        """A member's role corrected."""
        return await self._correct(actor, family_id, member_id, "member_role", role=role)

    async def set_member_birth_year(
        self, actor: Actor, family_id: int, member_id: int, birth_year: int | None
    ) -> Family:
        """A member's birth year corrected (None: not recorded)."""
        if birth_year is not None:
            check_birth_year(birth_year, self.clock.today())
        return await self._correct(
            actor, family_id, member_id, "member_year", birth_year=birth_year
        )

    async def _correct(
        self, actor: Actor, family_id: int, member_id: int, what: str, **fields: object
    ) -> Family:
        """Correct a member of the household in place (logged as `family.edit.<what>`)."""
        async with self.families.acting(actor, family_id, f"family.edit.{what}") as family:
            member = next((m for m in family.members if m.id == member_id), None)
            if member is None:
                raise NotFound("member_unknown")
            corrected = member.model_copy(update=fields)
            if not await self.edits.correct_member(family.id, corrected):
                raise NotFound("member_unknown")
        return await self._reread(actor, family_id)

    async def correct_contract(
        self, actor: Actor, family_id: int, signed_on: date | None, valid_until: date | None
    ) -> Family:
        """The contract in force had a mistyped date: both dates as they should have been.

        The same contract, so it replaces the dates in place and adds nothing to the history
        (a renewal does): no contract with the mistyped dates ever ran.
        """
        today = self.clock.today()
        if signed_on is not None:
            check_contract_signed(signed_on, today)
        if valid_until is not None:
            check_contract_until(valid_until, signed_on, today)
        async with self.families.acting(actor, family_id, "family.edit.contract_dates") as family:
            await self.edits.correct_contract(family.id, signed_on, valid_until)
        return await self._reread(actor, family_id)

    async def renew_contract(self, actor: Actor, family_id: int, valid_until: date) -> Family:
        """A renewed contract, signed today, valid until the given day; the old one is kept."""
        today = self.clock.today()
        if valid_until < today:  # said as a renewal: "signed on <today>" would puzzle
            raise DomainError("renewal_past", date=f"{valid_until:%d.%m.%Y}")
        until = check_contract_until(valid_until, today, today)
        stamp = Stamp(actor_id=actor.telegram_id, day=today, at=self.clock.now())
        async with self.families.acting(actor, family_id, "family.edit.contract") as family:
            await self.edits.renew_contract(family.id, today, until, stamp)
        return await self._reread(actor, family_id)

    async def contract_history(
        self, actor: Actor, family_id: int
    ) -> list[tuple[date | None, date | None]]:
        """The contracts a renewal replaced (signed, valid until), oldest first."""
        family = await self.families.open_family(actor, family_id, "read.contracts")
        return await self.edits.contract_history(family.id)

    async def _reread(self, actor: Actor, family_id: int) -> Family:
        """The family as it is now (for the walk's next question)."""
        return await self.families.peek(actor, family_id)
