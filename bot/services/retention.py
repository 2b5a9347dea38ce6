"""Keep or erase: the daily retention job and an admin's early erasure of one family.

After the closure (or the end of monitoring, if later) plus `RETENTION_YEARS`, a family's
personal data and free text are erased (storage/erasure.py says what is kept for the
statistics), the erasure is recorded in the access log without any content, and the file is
rebuilt (VACUUM) so the text is gone from it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.domain.errors import DomainError, NotFound
from bot.domain.family import Family, normalise_code
from bot.domain.lifecycle import CloseReason, Closure, retention_over
from bot.domain.people import Actor
from bot.domain.plan import Stamp
from bot.services.audit import AccessAudit
from bot.services.clock import Clock
from bot.services.families import code_subject
from bot.storage.erasure import ErasureRepository
from bot.storage.families import FamilyRepository
from bot.storage.lifecycle import CaseRepository

log = logging.getLogger(__name__)

SYSTEM_ACTOR = 0  # the access log's actor for what the bot does on its own (the daily job)
ERASE_ACTION = "family.erase"


@dataclass(frozen=True)
class RetentionService:
    """Erases what the centre no longer keeps, on schedule or at an admin's word."""

    erasure: ErasureRepository
    cases: CaseRepository
    families: FamilyRepository
    audit: AccessAudit
    clock: Clock
    years: int

    async def erase_due(self) -> list[int]:
        """The daily job: erase every closed family whose retention is over; their ids."""
        today = self.clock.today()
        erased = []
        for family_id in await self.erasure.closed_unerased():
            period = await self.cases.current_period(family_id)
            if period is None or not retention_over(period, self.years, today):
                continue
            await self.erasure.erase(family_id, self.clock.now(), today)
            await self.audit.allowed(SYSTEM_ACTOR, ERASE_ACTION, family_id, "retention")
            erased.append(family_id)
        if erased:
            await self.erasure.compact()
            log.info("retention: erased the personal data of %s families", len(erased))
        return erased

    async def compact(self) -> None:
        """Rebuild the file once more (after drafts about erased families were dropped)."""
        await self.erasure.compact()

    async def erasable(self, actor: Actor, code: str) -> Family:
        """The family an admin names for /erase (only admins; refusals audited)."""
        normal = normalise_code(code)
        family = None if normal is None else await self.families.by_code(normal)
        if not actor.is_admin or family is None or family.erased_at is not None:
            await self.audit.denied(
                actor.telegram_id,
                ERASE_ACTION,
                family_id=None if family is None else family.id,
                subject=code_subject(normal),
            )
            actor.check_admin()
            raise NotFound("family_unknown", family_code=code)
        return family

    async def erase_now(self, actor: Actor, family_id: int, typed_code: str) -> Family:
        """An admin erases one family's data now; the code typed back must match.

        A family still in the caseload is closed first (reason "other", no summary): erased,
        it can no longer be worked with.
        """
        found = await self.families.get(family_id)
        family = await self.erasable(actor, found.code if found is not None else "?")
        if normalise_code(typed_code) != family.code.upper():
            raise DomainError("code_mismatch")
        today = self.clock.today()
        if family.active:
            stamp = Stamp(actor_id=actor.telegram_id, day=today, at=self.clock.now())
            period = await self.cases.current_period(family.id)
            day = today if period is None else max(today, period.started_on)
            closure = Closure(day=day, reason=CloseReason.OTHER, summary="")
            await self.cases.close(family.id, closure, stamp, monitoring_until=None)
        await self.erasure.erase(family.id, self.clock.now(), today)
        await self.audit.allowed(actor.telegram_id, ERASE_ACTION, family.id, "admin")
        await self.erasure.compact()
        return family
