"""Use cases about families: register, list with cadence, look up, assign."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from bot.domain.cadence import FamilyCadence, week_bounds
from bot.domain.errors import DomainError, NotAllowed, NotFound
from bot.domain.family import (
    CASELOAD_LIMIT,
    Family,
    NewFamily,
    check_code_free,
    check_new_family,
    normalise_code,
    suggest_code,
)
from bot.domain.people import Actor
from bot.services.audit import AccessAudit
from bot.services.clock import Clock
from bot.storage.db import Bookkeeping
from bot.storage.families import FamilyRepository
from bot.storage.people import PeopleRepository
from bot.storage.sqlite_work import Statement


class Named(NamedTuple):
    """The object a button names (a goal, an appointment), when a family is reached through it.

    A refusal's row names the object ("goal=7"), and the refusal reads as for an object that
    does not exist ("goal_unknown"): a forged id learns nothing about the family behind it.
    """

    kind: str
    id: int


Subject = str | Named  # what a refusal's row names: a typed code, or an object


class Caseload(BaseModel):
    """An assistant's families with this week's cadence."""

    model_config = ConfigDict(frozen=True)

    families: tuple[FamilyCadence, ...]

    @property
    def over_limit(self) -> bool:
        """More active families than the statute allows."""
        return len(self.families) > CASELOAD_LIMIT


@dataclass(frozen=True)
class FamilyService:
    """Every action on a family checks that the actor may touch it."""

    families: FamilyRepository
    people: PeopleRepository
    audit: AccessAudit
    clock: Clock

    async def suggest_code(self, actor: Actor) -> str:
        """A free family code to offer (R-01, R-02, …)."""
        actor.check_member()
        return suggest_code(await self.families.codes())

    async def code_is_free(self, actor: Actor, code: str) -> bool:
        """Whether no family uses this code yet."""
        actor.check_member()
        return code.upper() not in {c.upper() for c in await self.families.codes()}

    async def check_new_code(self, actor: Actor, code: str) -> str:
        """The code in canonical form if it is well-formed and free.

        A taken code (or one that reads like a taken one) raises a DomainError with the nearest
        free code as `suggestion`, and nothing about the family or assistant that holds it.
        """
        actor.check_member()
        normal = normalise_code(code)
        if normal is None:
            raise DomainError("code_format")
        return check_code_free(normal, await self.families.codes())

    async def is_saved(self, actor: Actor, draft_token: str) -> bool:
        """Whether the /newfamily draft with this token was saved already (a crash right after)."""
        return await self.families.saved_by(draft_token, actor.telegram_id)

    async def register(
        self, actor: Actor, family: NewFamily, *, draft_token: str | None = None
    ) -> tuple[int, bool]:
        """Save a new family assigned to the actor; return (id, whether over the caseload).

        With the walk's `draft_token` the same draft registers one family however often it
        is saved: a repeat returns the first family instead of refusing its code as taken.
        """
        actor.check_member()
        code = normalise_code(family.code)
        if code is None:
            raise DomainError("code_format")
        family = check_new_family(family.model_copy(update={"code": code}), self.clock.today())
        family_id, newly = await self.families.add_once(
            family,
            actor.telegram_id,
            self.clock.now(),
            draft_token=draft_token,
            started_on=self.clock.today(),
        )
        if newly:  # a repeat was logged the first time
            await self.audit.allowed(actor.telegram_id, "family.create", family_id)
        held = await self.families.count_active(actor.telegram_id)
        return family_id, held > CASELOAD_LIMIT

    async def caseload(self, actor: Actor) -> Caseload:
        """The actor's families with visits this ISO week and days since the last visit."""
        actor.check_member()
        monday, sunday = week_bounds(self.clock.today())
        rows = await self.families.cadence_for(actor.telegram_id, monday, sunday)
        return Caseload(families=tuple(rows))

    async def own_families(self, actor: Actor) -> list[Family]:
        """The families assigned to the actor (for pickers)."""
        actor.check_member()
        return await self.families.list_for(actor.telegram_id)

    async def open_family(
        self,
        actor: Actor,
        family_id: int | None,
        action: str,
        *,
        subject: Subject = "",
        closed_ok: bool = False,
    ) -> Family:
        """A family the actor works with (or any, for an admin reading); the access is logged.

        For a read or the opening of a walk: the row is written at once. `family_id` may be
        None when the object a button names does not exist; with the object as `subject`
        (Named("goal", 7)) a refusal says "goal_unknown", as for a goal that does not exist.
        A closed family is read like any other; a change to it is refused ("family_closed")
        unless `closed_ok` (the changes a closed case takes: monitoring, reopening).
        """
        write = not action.startswith("read")
        family = await self._admit(
            actor, family_id, action, subject=subject, write=write, closed_ok=closed_ok
        )
        await self.audit.allowed(
            actor.telegram_id, action, family.id, durable=not _own(actor, family)
        )
        return family

    async def peek(
        self,
        actor: Actor,
        family_id: int | None,
        action: str = "walk.step",
        *,
        subject: Subject = "",
        closed_ok: bool = False,
    ) -> Family:
        """A family for the next step of a walk (already logged) or a change walk's choices.

        Only its assistant passes, whatever the action's name; only a refusal is logged.
        """
        return await self._admit(
            actor, family_id, action, subject=subject, write=True, closed_ok=closed_ok
        )

    async def logged(self, actor: Actor, action: str, family_id: int) -> None:
        """Log a change made after a `peek` (for changes that may turn out to be repeats)."""
        await self.audit.allowed(actor.telegram_id, action, family_id)

    def log_row(self, actor: Actor, action: str, family_id: int) -> Statement:
        """The entry `logged` would write, for a change that commits it with itself."""
        return self.audit.allowed_row(actor.telegram_id, action, family_id)

    @asynccontextmanager
    async def acting(
        self,
        actor: Actor,
        family_id: int | None,
        action: str,
        *,
        subject: Subject = "",
        closed_ok: bool = False,
    ) -> AsyncIterator[Family]:
        """Check access for a change; the change is logged once it is done.

        A change a rule refuses after the access check (a closed appointment, a date in the
        past) leaves no row: the log must never say something happened that did not.
        """
        family = await self._admit(
            actor, family_id, action, subject=subject, write=True, closed_ok=closed_ok
        )
        yield family
        await self.audit.allowed(actor.telegram_id, action, family.id)

    async def open_by_code(
        self, actor: Actor, code: str, action: str, *, closed_ok: bool = False
    ) -> Family:
        """Same as open_family, by the family's code."""
        family_id, subject = await self._code_to_id(actor, code, action)
        return await self.open_family(
            actor, family_id, action, subject=subject, closed_ok=closed_ok
        )

    async def read_access(
        self, actor: Actor, family: int | str, action: str
    ) -> tuple[Family, Bookkeeping]:
        """A family (by id or code) the actor may read, and the access row to write with the read.

        The caller writes the row in the same trip as its read (`Database.fetch_each(log=)`),
        before the read: one trip to SQLite's thread for what open_family takes two.
        """
        subject = ""
        if isinstance(family, str):
            family, subject = await self._code_to_id(actor, family, action)
        opened = await self._admit(actor, family, action, subject=subject, write=False)
        row = self.audit.allowed_row(actor.telegram_id, action, opened.id)
        return opened, Bookkeeping((row,), durable=not _own(actor, opened))

    async def _code_to_id(self, actor: Actor, code: str, action: str) -> tuple[int, str]:
        """The id of the family a typed code names, and the code as a refusal's row names it."""
        normal = normalise_code(code)
        subject = code_subject(normal)
        family = None
        if actor.is_member and normal is not None:
            family = await self.families.by_code(normal) or await self.families.read_alike(normal)
        if family is None:
            await self.audit.denied(actor.telegram_id, action, subject=subject)
            actor.check_member()
            # A reader holds no list of their own to check the code in: /team has them all.
            unknown = "family_code_unknown" if actor.sees_team else "family_unknown"
            raise NotFound(unknown, family_code=code)
        return family.id, subject

    async def _admit(
        self,
        actor: Actor,
        family_id: int | None,
        action: str,
        *,
        subject: Subject,
        write: bool,
        closed_ok: bool = False,
    ) -> Family:
        """The one access check every entry passes; a refusal is audited, then raised."""
        named = subject if isinstance(subject, str) else f"{subject.kind}={subject.id}"
        unknown = None if isinstance(subject, str) else f"{subject.kind}_unknown"
        family = None if family_id is None else await self.families.get(family_id)
        try:
            if family is None:
                raise NotFound("family_unknown")
            self.check_access(actor, family, write=write)
            if write and family.closed and not closed_ok:
                raise NotAllowed("family_closed", family_code=family.code)
        except DomainError as refusal:
            if family is None and family_id is not None and not named:
                named = f"family={family_id}"
            await self.audit.denied(
                actor.telegram_id,
                action,
                family_id=None if family is None else family.id,
                subject=named,
            )
            if unknown is not None and isinstance(refusal, NotFound):
                # Say the same as for an id that does not exist: nothing about the family leaks.
                raise NotFound(unknown) from None
            raise
        return family

    @staticmethod
    def may_change(actor: Actor, family: Family) -> bool:
        """Whether the actor may change the family: only its assigned assistant may."""
        return family.assistant_id == actor.telegram_id

    def check_access(self, actor: Actor, family: Family, *, write: bool) -> None:
        """The assigned assistant may do anything; coordinators and admins may read any family
        (closed ones too); nobody else anything."""
        actor.check_member()
        if self.may_change(actor, family):
            return
        if actor.sees_team:
            if not write:
                return
            # They may read the family anyway: say why, not that it does not exist.
            raise NotAllowed("read_only", family_code=family.code)
        # Strangers to the family learn nothing, not even that it exists.
        raise NotFound("family_unknown", family_code=family.code)

    async def move(self, actor: Actor, family: Family, assistant_id: int) -> Family:
        """Hand a family checked by `checked_assignment` to an assistant for good; as it is now.

        Any cover ends with it. Only through TeamService.hand_over, which tells who had it.
        """
        await self.families.assign(family.id, assistant_id)
        await self.audit.allowed(actor.telegram_id, "family.assign", family.id, str(assistant_id))
        return family.model_copy(
            update={"assistant_id": assistant_id, "cover_for": None, "cover_until": None}
        )

    async def open_to_assign(
        self, actor: Actor, family: int | str, tried: str = "read.assign"
    ) -> Family:
        """The family (by id or code) an admin is about to hand over, opened as `read.assign`.

        Anyone else is refused before anything is read, the action `tried` logged as denied
        (not an allowed read that showed nothing), and learns nothing of the family.
        """
        if actor.is_admin:
            if isinstance(family, str):
                opened = await self.open_by_code(actor, family, "read.assign")
            else:
                opened = await self.open_family(actor, family, "read.assign")
            if opened.erased_at is not None:  # no list of assistants to hand nothing over to
                raise NotAllowed("family_erased_assign", family_code=opened.code)
            return opened
        subject = ""
        if isinstance(family, str):
            normal = normalise_code(family)
            subject = code_subject(normal)
            found = None if normal is None else await self.families.by_code(normal)
        else:
            found = await self.families.get(family)
            subject = "" if found is not None else f"family={family}"
        await self.audit.denied(
            actor.telegram_id,
            tried,
            family_id=None if found is None else found.id,
            subject=subject,
        )
        actor.check_member()
        raise NotAllowed("admin_only")

    async def checked_assignment(
        self, actor: Actor, code: str, assistant_id: int, action: str
    ) -> Family:
        """The family an admin hands to an active person (assign, cover); refusals audited."""
        normal = normalise_code(code)
        family = None if normal is None else await self.families.by_code(normal)
        if not actor.is_admin or family is None:
            await self.audit.denied(
                actor.telegram_id,
                action,
                family_id=None if family is None else family.id,
                subject=code_subject(normal),
            )
            actor.check_admin()
            raise NotFound("family_unknown", family_code=code)
        if family.erased_at is not None:  # nothing is left to work with, or to hand over
            raise NotAllowed("family_erased_assign", family_code=family.code)
        person = await self.people.get_assistant(assistant_id)
        if person is None:
            raise NotFound("assistant_unknown")
        if not person.active:
            raise DomainError("person_inactive")
        return family


def _own(actor: Actor, family: Family) -> bool:
    """The family's own assistant is reading: its access row need not be on the disk at once.

    The rule audits every read by someone else, and those rows are on the disk before the read
    is returned (Database.fetch_each, AuditRepository.record);
    the assistant's own reads are logged beyond the rule, and a power cut may lose the last
    second of them (write_bookkeeping). A cover holds the family for a while, not as its own:
    their reads are someone else's.
    """
    return family.assistant_id == actor.telegram_id and family.cover_for is None


def code_subject(normal: str | None) -> str:
    """What a denial row says about a typed family code: the code, or that it was not one.

    Text that is not code-shaped is not kept: it may be anything, a name typed by mistake.
    """
    return f"code={normal}" if normal is not None else "code=?"
