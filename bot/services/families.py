"""Use cases about families: register, list with cadence, look up, assign."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bot.domain.cadence import FamilyCadence, week_bounds
from bot.domain.errors import DomainError, NotAllowed, NotFound
from bot.domain.family import (
    CASELOAD_LIMIT,
    Family,
    NewFamily,
    next_free_code,
    normalise_code,
    suggest_code,
)
from bot.domain.people import Actor
from bot.services.clock import Clock
from bot.storage.audit import AuditRepository
from bot.storage.families import FamilyRepository
from bot.storage.people import PeopleRepository


class Caseload(BaseModel):
    """An assistant's families with this week's cadence."""

    model_config = ConfigDict(frozen=True)

    families: tuple[FamilyCadence, ...]

    @property
    def over_limit(self) -> bool:
        """More active families than the statute allows."""
        return len(self.families) > CASELOAD_LIMIT


class FamilyService:
    """Every action on a family checks that the actor may touch it."""

    def __init__(
        self,
        families: FamilyRepository,
        people: PeopleRepository,
        audit: AuditRepository,
        clock: Clock,
    ) -> None:
        self.families = families
        self.people = people
        self.audit = audit
        self.clock = clock

    async def suggest_code(self, actor: Actor) -> str:
        """A free family code to offer (R-01, R-02, …)."""
        _require_member(actor)
        return suggest_code(await self.families.codes())

    async def code_is_free(self, actor: Actor, code: str) -> bool:
        """Whether no family uses this code yet."""
        _require_member(actor)
        return code.upper() not in {c.upper() for c in await self.families.codes()}

    async def check_new_code(self, actor: Actor, code: str) -> str:
        """The code in canonical form if it is well-formed and free.

        A taken code raises DomainError('code_taken_free') with the nearest free code as
        `suggestion`, and nothing about the family or assistant that holds it.
        """
        _require_member(actor)
        normal = normalise_code(code)
        if normal is None:
            raise DomainError("code_format")
        codes = await self.families.codes()
        if normal in {c.upper() for c in codes}:
            raise DomainError(
                "code_taken_free", family_code=normal, suggestion=next_free_code(normal, codes)
            )
        return normal

    async def register(self, actor: Actor, family: NewFamily) -> tuple[int, bool]:
        """Save a new family assigned to the actor; return (id, whether over the caseload)."""
        _require_member(actor)
        code = normalise_code(family.code)
        if code is None:
            raise DomainError("code_format")
        family = family.model_copy(update={"code": code})
        if (
            family.contract_signed_on
            and family.contract_valid_until
            and family.contract_valid_until < family.contract_signed_on
        ):
            raise DomainError("contract_order")
        now = self.clock.now()
        family_id = await self.families.add(family, actor.telegram_id, now)
        await self.audit.record(now, actor.telegram_id, "family.create", family_id)
        held = await self.families.count_active(actor.telegram_id)
        return family_id, held > CASELOAD_LIMIT

    async def caseload(self, actor: Actor) -> Caseload:
        """The actor's families with visits this ISO week and days since the last visit."""
        _require_member(actor)
        monday, sunday = week_bounds(self.clock.today())
        rows = await self.families.cadence_for(actor.telegram_id, monday, sunday)
        return Caseload(families=tuple(rows))

    async def own_families(self, actor: Actor) -> list[Family]:
        """The families assigned to the actor (for pickers)."""
        _require_member(actor)
        return await self.families.list_for(actor.telegram_id)

    async def open_family(self, actor: Actor, family_id: int, action: str) -> Family:
        """A family the actor works with (or any, for an admin reading); the access is logged."""
        family = await self.families.get(family_id)
        if family is None:
            raise NotFound("family_unknown")
        self.check_access(actor, family, write=not action.startswith("read"))
        await self.audit.record(self.clock.now(), actor.telegram_id, action, family.id)
        return family

    async def peek(self, actor: Actor, family_id: int) -> Family:
        """A family for the next step of a walk already logged; same check, no log entry."""
        family = await self.families.get(family_id)
        if family is None:
            raise NotFound("family_unknown")
        self.check_access(actor, family, write=True)
        return family

    async def open_by_code(self, actor: Actor, code: str, action: str) -> Family:
        """Same as open_family, by the family's code."""
        _require_member(actor)
        normal = normalise_code(code)
        family = None if normal is None else await self.families.by_code(normal)
        if family is None:
            raise NotFound("family_unknown", family_code=code)
        return await self.open_family(actor, family.id, action)

    def check_access(self, actor: Actor, family: Family, *, write: bool) -> None:
        """The assigned assistant may do anything; an admin may read; nobody else anything."""
        if not actor.is_member:
            raise NotAllowed()
        if family.assistant_id == actor.telegram_id:
            return
        if actor.is_admin and not write:
            return
        # Strangers to the family learn nothing, not even that it exists.
        raise NotFound("family_unknown", family_code=family.code)

    async def assign(self, actor: Actor, code: str, assistant_id: int) -> Family:
        """Move a family to another assistant (admins only)."""
        if not actor.is_admin:
            raise NotAllowed("admin_only")
        normal = normalise_code(code)
        family = None if normal is None else await self.families.by_code(normal)
        if family is None:
            raise NotFound("family_unknown", family_code=code)
        if await self.people.get_assistant(assistant_id) is None:
            raise NotFound("assistant_unknown")
        await self.families.assign(family.id, assistant_id)
        await self.audit.record(
            self.clock.now(), actor.telegram_id, "family.assign", family.id, str(assistant_id)
        )
        return family.model_copy(update={"assistant_id": assistant_id})


def _require_member(actor: Actor) -> None:
    """Only people let in may do anything."""
    if not actor.is_member:
        raise NotAllowed()
