"""Who may use the bot: admins from the configuration, assistants and coordinators by invite."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field

from bot.domain.errors import DomainError
from bot.domain.people import (
    INVITE_LIFETIME,
    Actor,
    Assistant,
    Invite,
    RefusalThrottle,
    Role,
    TryLimit,
    shown_name,
)
from bot.domain.typed_values import plain_typed_value
from bot.services.audit import AccessAudit
from bot.services.clock import Clock
from bot.storage.people import PeopleRepository

# Lower-case letters and digits: a code is the same in any case it is typed in (the lookup
# ignores case), and fits a deep-link payload. 14 of 36 signs: 72 bits, unguessable.
INVITE_CODE_SIGNS = string.ascii_lowercase + string.digits
INVITE_CODE_LENGTH = 14


@dataclass(frozen=True)
class MembershipService:
    """Invites, registration, roles and language choice."""

    people: PeopleRepository
    admin_ids: frozenset[int]
    clock: Clock
    audit: AccessAudit
    refusals: RefusalThrottle = field(default_factory=RefusalThrottle, init=False)
    join_tries: TryLimit = field(default_factory=TryLimit, init=False)
    tries_told: RefusalThrottle = field(default_factory=RefusalThrottle, init=False)

    async def actor(self, telegram_id: int) -> Actor:
        """Who this Telegram user is to the bot."""
        return (await self.identify(telegram_id))[0]

    async def identify(self, telegram_id: int) -> tuple[Actor, Assistant | None]:
        """Who this Telegram user is, with their stored profile (one query for both)."""
        assistant = await self.people.get_assistant(telegram_id)
        active = assistant is not None and assistant.active
        actor = Actor(
            telegram_id=telegram_id,
            is_admin=telegram_id in self.admin_ids,
            is_assistant=active,
            is_coordinator=active and assistant is not None and assistant.role is Role.COORDINATOR,
        )
        return actor, assistant

    def tell_tries_now(self, telegram_id: int) -> bool:
        """Whether to say "too many wrong codes" now: the first time, then once an hour."""
        return self.tries_told.allow(telegram_id, self.clock.now())

    def refuse_stranger_now(self, telegram_id: int) -> bool:
        """Whether to answer a stranger's message: the first one, then once an hour."""
        return self.refusals.allow(telegram_id, self.clock.now())

    async def profile(self, telegram_id: int) -> Assistant | None:
        """The stored profile (name, language) of a registered person."""
        return await self.people.get_assistant(telegram_id)

    async def ensure_admin_profile(self, actor: Actor, display_name: str) -> None:
        """Give an admin a profile row, so they can hold families and pick a language."""
        if actor.is_admin and not actor.is_assistant:
            name = shown_name(display_name, actor.telegram_id)
            await self.people.add_assistant(actor.telegram_id, name, self.clock.now())

    async def check_may_invite(self, actor: Actor) -> None:
        """Before asking an invite's role: admins only, anyone else's attempt audited."""
        await self._admin_only(actor, "invite.create")

    async def create_invite(self, actor: Actor, role: Role = Role.ASSISTANT) -> Invite:
        """A new one-time invite code for an assistant or a coordinator (admins only).

        Anyone else's attempt is audited.
        """
        return (await self.answer_invite_question(actor, role, None))[0]

    async def answer_invite_question(
        self, actor: Actor, role: Role, question_id: int | None
    ) -> tuple[Invite, bool]:
        """The invite a button of the admin's question `question_id` makes, and whether it is new.

        The question pressed again (a double press, a press delivered again) makes none: the
        invite it made is returned, whatever role the second press names. Admins only.
        """
        await self._admin_only(actor, "invite.create")
        now = self.clock.now()
        invite = Invite(
            code="".join(secrets.choice(INVITE_CODE_SIGNS) for _ in range(INVITE_CODE_LENGTH)),
            role=role,
            created_by=actor.telegram_id,
            created_at=now,
            expires_at=now + INVITE_LIFETIME,
            question_id=question_id,
        )
        stored = await self.people.add_invite(invite)
        return stored, stored.code == invite.code

    async def join(self, code: str, telegram_id: int, display_name: str) -> None:
        """Register a person with an invite code; DomainError says why a code is refused.

        A refused code is audited: who tried, and why it was refused; the code itself only
        when it is one of ours (used or expired), never the text a stranger typed.
        """
        now = self.clock.now()
        if self.join_tries.exhausted(telegram_id, now):
            raise DomainError("invite_tries")  # not read, not logged again: it was, each time
        invite = await self.people.get_invite(plain_typed_value(code).strip())
        try:
            if invite is None:
                raise DomainError("invite_unknown")
            if invite.used_by is not None:
                raise DomainError("invite_used")
            if not invite.is_usable(now):
                raise DomainError("invite_expired")
            if not await self.people.redeem_invite(
                invite.code, telegram_id, shown_name(display_name, telegram_id), now
            ):
                raise DomainError("invite_used")
        except DomainError as refusal:
            known = "" if invite is None else f" invite={invite.code}"
            self.join_tries.failed(telegram_id, now)
            await self.audit.denied(telegram_id, "invite.join", subject=refusal.code + known)
            raise

    async def set_locale(self, actor: Actor, locale: str) -> None:
        """Remember the language a member chose."""
        actor.check_member()
        await self.people.set_locale(actor.telegram_id, locale)

    async def coordinators(self) -> list[Assistant]:
        """The active coordinators (their own command menus are set again at start-up)."""
        people = await self.people.list_assistants()
        return [p for p in people if p.role is Role.COORDINATOR]

    async def assistants(self, actor: Actor) -> list[Assistant]:
        """Everyone registered (admins only: for assigning families)."""
        await self._admin_only(actor, "read.assistants")
        return await self.people.list_assistants()

    async def _admin_only(self, actor: Actor, action: str) -> None:
        """Let an admin through; record anyone else's attempt, then refuse it."""
        if not actor.is_admin:
            await self.audit.denied(actor.telegram_id, action, subject="admin_only")
        actor.check_admin()
