"""Use cases about visits: record one from a finished draft, list a family's latest."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from bot.domain.family import Family
from bot.domain.people import Actor
from bot.domain.visit import (
    NEXT_STEPS_MAX,
    Visit,
    VisitDraft,
    attempt_only,
    check_complete,
    check_note,
    check_someone_present,
    check_visit_date,
    like_last,
)
from bot.services.clock import Clock
from bot.services.families import FamilyService
from bot.storage.visits import VisitRepository


class SavedVisit(BaseModel):
    """What the assistant is told after saving: the visit and the week's tally."""

    model_config = ConfigDict(frozen=True)

    visit: Visit
    family: Family
    visits_this_week: int
    newly_saved: bool


@dataclass(frozen=True)
class VisitService:
    """Recording and reading visits, always through the family's access check."""

    visits: VisitRepository
    families: FamilyService
    clock: Clock

    async def is_saved(self, actor: Actor, token: str) -> bool:
        """Whether the actor's draft with this token was saved already (a crash right after)."""
        return await self.visits.saved_by(token, actor.telegram_id)

    async def record(self, actor: Actor, draft: VisitDraft) -> SavedVisit:
        """Check the draft against the rules and save it exactly once."""
        check_complete(draft)
        assert draft.family_id is not None
        assert draft.visit_date is not None
        family = await self.families.peek(actor, draft.family_id, "visit.record")
        check_visit_date(draft.visit_date, self.clock.today())
        members = {m.id for m in family.members}
        draft = draft.model_copy(
            update={
                "note": check_note(draft.note),
                "next_steps": check_note(draft.next_steps, NEXT_STEPS_MAX),
                "present": [m for m in draft.present if m in members],
            }
        )
        check_someone_present(draft, members)
        draft = attempt_only(draft)
        # Logged with the visit itself; a repeat (Save pressed again, a replayed update) was
        # logged the first time.
        log_row = self.families.log_row(actor, "visit.record", family.id)
        stored = await self.visits.add(draft, actor.telegram_id, self.clock.now(), [log_row])
        return SavedVisit(
            visit=stored.visit,
            family=family,
            visits_this_week=stored.week_tally,
            newly_saved=stored.newly_saved,
        )

    async def like_last(self, actor: Actor, draft: VisitDraft) -> None:
        """Pre-select in a new draft what its family's last visit had (nothing if none)."""
        if draft.family_id is None:
            return
        family = await self.families.peek(actor, draft.family_id)
        last = await self.visits.last_completed(family.id)
        if last is not None:
            like_last(draft, last, {m.id for m in family.members}, self.clock.today())

    async def recent(
        self, actor: Actor, family: int | str, limit: int = 10
    ) -> tuple[Family, list[Visit]]:
        """A family's (by id or code) latest visits, for its assistant or a reader; one row."""
        if isinstance(family, str):
            opened = await self.families.open_by_code(actor, family, "read.visits")
        else:
            opened = await self.families.open_family(actor, family, "read.visits")
        return opened, await self.visits.recent(opened.id, limit)
