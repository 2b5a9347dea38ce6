"""Reading the access log: admins page through it in the chat, the DPO exports it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.domain.audit import AccessEntry
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.family import Family, normalise_code
from bot.domain.people import Actor
from bot.services.audit import AccessAudit
from bot.services.families import code_subject
from bot.storage.audit import AccessLogReader
from bot.storage.families import FamilyRepository

PAGE_SIZE = 15


class AccessPage(BaseModel):
    """One page of the log, newest first, and whether older entries follow."""

    model_config = ConfigDict(frozen=True)

    family: Family | None  # None: the whole log
    number: int  # 0 is the newest page
    entries: tuple[AccessEntry, ...]
    has_older: bool


@dataclass(frozen=True)
class AccessLogService:
    """Admins only; reading the log is itself logged, and so is a refusal."""

    reader: AccessLogReader
    families: FamilyRepository
    audit: AccessAudit

    async def page(
        self,
        actor: Actor,
        *,
        code: str | None = None,
        family_id: int | None = None,
        number: int = 0,
    ) -> AccessPage:
        """A page of a family's log (by code or id), or of the whole log when neither is given."""
        family = await self._family(actor, code, family_id)
        rows = await self.reader.newest(
            None if family is None else family.id,
            offset=number * PAGE_SIZE,
            limit=PAGE_SIZE + 1,
        )
        await self.audit.allowed(
            actor.telegram_id, "read.access", None if family is None else family.id
        )
        return AccessPage(
            family=family,
            number=number,
            entries=tuple(rows[:PAGE_SIZE]),
            has_older=len(rows) > PAGE_SIZE,
        )

    async def export(
        self, code: str | None, since: datetime | None
    ) -> tuple[Family | None, list[AccessEntry]]:
        """Everything from `since` on, oldest first (the command line: its user holds the key)."""
        family = None
        if code is not None:
            normal = normalise_code(code)
            family = None if normal is None else await self.families.by_code(normal)
            if family is None:
                raise NotFound("family_unknown", family_code=code)
        return family, await self.reader.since(None if family is None else family.id, since)

    async def _family(
        self, actor: Actor, code: str | None, family_id: int | None
    ) -> Family | None:
        """The family asked about; a non-admin or an unknown family is refused and audited."""
        family = None
        if code is not None:
            normal = normalise_code(code)
            family = None if normal is None else await self.families.by_code(normal)
            subject = code_subject(normal)
        elif family_id is not None:
            family = await self.families.get(family_id)
            subject = f"family={family_id}"
        else:
            subject = "all"
        known = family is not None or (code is None and family_id is None)
        if not actor.is_admin or not known:
            await self.audit.denied(
                actor.telegram_id,
                "read.access",
                family_id=None if family is None else family.id,
                subject=subject,
            )
            if not actor.is_admin:
                raise NotAllowed("admin_only")
            raise NotFound("family_unknown", family_code=code or "")
        return family
