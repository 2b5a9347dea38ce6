"""The access log as the services write it: what was opened or changed, and every refusal."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.audit import DETAIL_MAX, Denial, Outcome
from bot.services.clock import Clock
from bot.storage.audit import AuditRepository
from bot.storage.sqlite_work import Statement


@dataclass(frozen=True)
class AccessAudit:
    """The one writer of the access log; a denial row names what was tried, never content."""

    log: AuditRepository
    clock: Clock

    async def allowed(
        self,
        actor_id: int,
        action: str,
        family_id: int | None,
        detail: str = "",
        *,
        durable: bool = True,
    ) -> None:
        """Record an access (or a change) that happened (`durable`: see write_bookkeeping)."""
        await self.log.record(
            self.clock.now(), actor_id, action, family_id, detail=detail, durable=durable
        )

    def allowed_row(self, actor_id: int, action: str, family_id: int) -> Statement:
        """The entry `allowed` would write, for a change or a read that commits it with itself."""
        return self.log.allowed_row(self.clock.now(), actor_id, action, family_id)

    async def allowed_each(
        self, actor_id: int, action: str, family_ids: list[int], *, summary: str | None = None
    ) -> None:
        """Record the same access to several families at once (a list that shows each).

        With a `summary`, a row of the view itself (no family, the summary as its detail)
        comes first, in the same commit, even when the view names no family.
        """
        if family_ids or summary is not None:
            await self.log.record_each(
                self.clock.now(), actor_id, action, family_ids, summary=summary
            )

    async def denied(
        self, actor_id: int, action: str, *, family_id: int | None = None, subject: str = ""
    ) -> None:
        """Record a refused attempt: who, the action, the family if known, what was named.

        `subject` is a family code, an object id or a reason, never text a person typed freely
        (callers pass codes only once normalised); it is cut short all the same.
        """
        await self.log.record(
            self.clock.now(),
            actor_id,
            action,
            family_id,
            detail=subject[:DETAIL_MAX],
            outcome="denied",
        )

    async def entries(self, family_id: int, outcome: Outcome = "allowed") -> list[tuple[int, str]]:
        """(actor, action) pairs for a family with that outcome, oldest first."""
        return await self.log.entries(family_id, outcome)

    async def denials_by(self, actor_id: int) -> list[Denial]:
        """Everything this person was refused, oldest first."""
        return await self.log.denials_by(actor_id)
