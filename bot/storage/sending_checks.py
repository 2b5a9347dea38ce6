"""What the dispatcher reads just before sending a reminder: does it still hold? (outbox.py)"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter

from bot.domain.lifecycle import MonitoredFamily
from bot.domain.plan import next_assessment_due
from bot.domain.reminders.facts import AppointmentFact, DigestFacts, DigestNow
from bot.domain.reminders.kinds import PlanItemKind
from bot.storage.db import Database
from bot.storage.goals import OPEN_GOAL
from bot.storage.lifecycle import CaseRepository
from bot.storage.stored_values import day_of, utc_text

# What of a family a reminder may speak of: its code (changed by /edit since?), last visit,
# contract end, plan start and last assessment (whence the next one's due day).
_FAMILY_NOW = (
    "SELECT f.id, f.code, f.last_visit_on, f.contract_valid_until, "
    "  (SELECT p.started_on FROM plans p "
    "     WHERE p.family_id = f.id AND p.ended_on IS NULL) AS plan_started_on, "
    "  (SELECT max(s.day) FROM assessments s WHERE s.family_id = f.id) AS last_assessment "
    "FROM families f "
)
# The families, plan items and appointments a digest names, as they are now; one trip.
_DIGEST_FAMILIES = (
    f"{_FAMILY_NOW}WHERE f.id IN (SELECT value FROM json_each(?)) AND f.assistant_id = ? "
    "AND f.active = 1 AND f.erased_at IS NULL"
)
_OPEN_ITEMS = (
    "SELECT 'goal' AS kind, g.id, g.due FROM goals g "
    f"WHERE g.id IN (SELECT value FROM json_each(?1)) AND {OPEN_GOAL} "
    "UNION ALL "
    "SELECT 'task', t.id, t.due FROM tasks t JOIN goals g ON g.id = t.goal_id "
    f"WHERE t.id IN (SELECT value FROM json_each(?2)) AND t.done = 0 AND {OPEN_GOAL}"
)
_OPEN_ITEM_DUE = (
    "SELECT g.due FROM goals g WHERE ?1 = 'goal' AND g.id = ?2 AND "
    f"{OPEN_GOAL} "
    "UNION ALL "
    "SELECT t.due FROM tasks t JOIN goals g ON g.id = t.goal_id "
    f"WHERE ?1 = 'task' AND t.id = ?2 AND t.done = 0 AND {OPEN_GOAL}"
)
# The assistant's appointments scheduled in a digest's day now, of the families still theirs:
# driven by their few families (CROSS JOIN keeps that order), one index range seek each.
_DAY_AGENDA = (
    "SELECT a.id AS appointment_id, a.family_id, f.code AS family_code, a.institution, "
    "  a.starts_at, a.accompany "
    "FROM families f CROSS JOIN appointments a ON a.family_id = f.id "
    "WHERE f.assistant_id = ? AND f.active = 1 AND f.erased_at IS NULL "
    "  AND a.starts_at >= ? AND a.starts_at < ? AND a.status = 'scheduled'"
)
_SCHEDULED = (
    "SELECT id, starts_at FROM appointments WHERE id IN (SELECT value FROM json_each(?)) "
    "AND status = 'scheduled'"
)

_AGENDA = TypeAdapter(list[AppointmentFact])


@dataclass(frozen=True, slots=True)
class HeldFamily:
    """What the dispatcher checks of a reminder's family before sending it."""

    code: str  # as it is now: a reminder queued before an /edit shows the new one
    last_visit: date | None  # the last completed visit (migration 0024 keeps it on the row)
    contract_ends: date | None = None
    assessment_due: date | None = None  # None: no plan started

    @classmethod
    def of(cls, row: dict[str, Any]) -> HeldFamily:
        """A family row read with _FAMILY_NOW."""
        started = day_of(row["plan_started_on"])
        return cls(
            code=row["code"],
            last_visit=day_of(row["last_visit_on"]),
            contract_ends=day_of(row["contract_valid_until"]),
            assessment_due=None
            if started is None
            else next_assessment_due(started, day_of(row["last_assessment"])),
        )


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
            f"{_FAMILY_NOW}WHERE f.id = ? AND f.assistant_id = ? "
            "AND (f.active = 1 OR ?) AND f.erased_at IS NULL",
            (family_id, assistant_id, closed),
        )
        return None if row is None else HeldFamily.of(row)

    async def monitored_family(self, assistant_id: int, family_id: int) -> MonitoredFamily | None:
        """The family, if this assistant still monitors it after its closure."""
        found = await CaseRepository(self.db).monitored([assistant_id])
        return next((item for item in found if item.period.family_id == family_id), None)

    async def open_item_due(self, kind: PlanItemKind, item_id: int) -> date | None:
        """The due day of a goal or task still open (None: done, closed, gone or undated)."""
        row = await self.db.fetch_one(_OPEN_ITEM_DUE, (kind.value, item_id), small=True)
        return None if row is None else day_of(row["due"])

    async def digest_now(
        self, assistant_id: int, digest: DigestFacts, zone: ZoneInfo
    ) -> DigestNow:
        """What has become of the families, goals and tasks a digest names; its day's agenda.

        The agenda is the assistant's appointments scheduled in the digest's day (in `zone`)
        now, the named ones or not: one read for them all.
        """
        start, end = digest.hours(zone)
        families, items, agenda = await self.db.fetch_each(
            (_DIGEST_FAMILIES, (json.dumps(sorted(digest.family_ids())), assistant_id)),
            (
                _OPEN_ITEMS,
                (_ids(digest, PlanItemKind.GOAL), _ids(digest, PlanItemKind.TASK)),
            ),
            (_DAY_AGENDA, (assistant_id, utc_text(start), utc_text(end))),
            small=True,
        )
        held = {row["id"]: HeldFamily.of(row) for row in families}
        return DigestNow(
            last_visits={family_id: family.last_visit for family_id, family in held.items()},
            codes={family_id: family.code for family_id, family in held.items()},
            open_items={
                (PlanItemKind(row["kind"]), row["id"]): day_of(row["due"]) for row in items
            },
            agenda=tuple(_AGENDA.validate_python(agenda)),
            assessments_due={
                family_id: family.assessment_due
                for family_id, family in held.items()
                if family.assessment_due is not None
            },
            contracts_end={
                family_id: family.contract_ends
                for family_id, family in held.items()
                if family.contract_ends is not None
            },
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
