"""What the dispatcher reads just before sending a reminder: does it still hold? (outbox.py)"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.reminders.facts import DigestFacts, DigestNow
from bot.domain.reminders.kinds import PlanItemKind
from bot.storage.db import Database, day_of
from bot.storage.goals import OPEN_GOAL

# The families, plan items and appointments a digest names, as they are now; one trip.
_DIGEST_FAMILIES = (
    "SELECT id, last_visit_on FROM families "
    "WHERE id IN (SELECT value FROM json_each(?)) AND assistant_id = ? AND active = 1 "
    "AND erased_at IS NULL"
)
_OPEN_ITEMS = (
    "SELECT 'goal' AS kind, g.id FROM goals g "
    f"WHERE g.id IN (SELECT value FROM json_each(?1)) AND {OPEN_GOAL} "
    "UNION ALL "
    "SELECT 'task', t.id FROM tasks t JOIN goals g ON g.id = t.goal_id "
    f"WHERE t.id IN (SELECT value FROM json_each(?2)) AND t.done = 0 AND {OPEN_GOAL}"
)
_SCHEDULED = (
    "SELECT id, starts_at FROM appointments WHERE id IN (SELECT value FROM json_each(?)) "
    "AND status = 'scheduled'"
)


@dataclass(frozen=True, slots=True)
class HeldFamily:
    """What the dispatcher checks of a reminder's family before sending it."""

    last_visit: date | None  # the last completed visit (migration 0024 keeps it on the row)


class SendingChecks:
    """The dispatcher's reads before a send (mixed into the outbox repository)."""

    db: Database

    async def held_family(
        self, assistant_id: int, family_id: int, *, closed: bool = False
    ) -> HeldFamily | None:
        """The family, if it is (still) assigned to this assistant, in the caseload.

        With `closed`, a closed family counts too (monitoring reminders are about those), but
        never an erased one: its reminders (pending, or in a waiting morning) are void.
        """
        row = await self.db.fetch_one(
            "SELECT last_visit_on FROM families WHERE id = ? AND assistant_id = ? "
            "AND (active = 1 OR ?) AND erased_at IS NULL",
            (family_id, assistant_id, closed),
        )
        if row is None:
            return None
        return HeldFamily(last_visit=day_of(row["last_visit_on"]))

    async def digest_now(self, assistant_id: int, digest: DigestFacts) -> DigestNow:
        """What has become of the families, goals, tasks and appointments a digest names."""
        families, items, appointments = await self.db.fetch_each(
            (_DIGEST_FAMILIES, (json.dumps(sorted(digest.family_ids())), assistant_id)),
            (
                _OPEN_ITEMS,
                (_ids(digest, PlanItemKind.GOAL), _ids(digest, PlanItemKind.TASK)),
            ),
            (_SCHEDULED, (json.dumps([a.appointment_id for a in digest.appointments]),)),
            small=True,
        )
        return DigestNow(
            last_visits={row["id"]: day_of(row["last_visit_on"]) for row in families},
            open_items=frozenset((PlanItemKind(row["kind"]), row["id"]) for row in items),
            scheduled=_starts(appointments),
        )

    async def scheduled_starts(self, appointment_ids: list[int]) -> dict[int, datetime]:
        """Of these appointments, the ones still scheduled: when each starts now."""
        rows = await self.db.fetch_all(_SCHEDULED, (json.dumps(appointment_ids),), small=True)
        return _starts(rows)


def _starts(rows: list[dict[str, Any]]) -> dict[int, datetime]:
    """Appointment rows (id, starts_at) as their starts by id."""
    return {row["id"]: datetime.fromisoformat(row["starts_at"]) for row in rows}


def _ids(digest: DigestFacts, kind: PlanItemKind) -> str:
    """The ids of the digest's goals or tasks, as a JSON array for json_each."""
    return json.dumps([fact.item_id for fact in digest.due if fact.item is kind])
