"""SQL that erases a family's personal data and free text, keeping what statistics need.

Kept: the family's code, dates, durations, counts, areas, activities, places, statuses,
reasons and the access log. Erased: member names and birth years, the label, every note,
next step, goal, task, resource, assessment summary, appointment purpose and outcome,
institution name, closing summary and monitoring note.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.storage.db import Database

ERASED_NAME = "—"  # a member's name is required; this stands where it was
_GOALS = "SELECT id FROM goals WHERE family_id = ?1"
_ERASE = (
    "UPDATE families SET label = NULL, active = 0, erased_at = ?2 WHERE id = ?1",
    f"UPDATE members SET name = '{ERASED_NAME}', birth_year = NULL WHERE family_id = ?1",
    "UPDATE visits SET note = '', next_steps = '' WHERE family_id = ?1",
    "UPDATE goals SET text = '', expected_effect = NULL WHERE family_id = ?1",
    "UPDATE tasks SET text = '', owner_institution = CASE WHEN owner_institution IS NULL "
    f"THEN NULL ELSE '' END WHERE goal_id IN ({_GOALS})",
    f"UPDATE goal_events SET text = '' WHERE goal_id IN ({_GOALS})",
    "UPDATE resources SET text = '' WHERE family_id = ?1",
    "UPDATE assessments SET summary = '' WHERE family_id = ?1",
    "UPDATE appointments SET purpose = '', outcome = '', institution_name = NULL "
    "WHERE family_id = ?1",
    "UPDATE case_periods SET summary = '', monitoring_ended_on = coalesce("
    "  monitoring_ended_on, CASE WHEN monitoring_until IS NULL THEN NULL ELSE ?3 END) "
    "WHERE family_id = ?1",
    "UPDATE monitoring_contacts SET note = '' WHERE family_id = ?1",
)


class ErasureRepository:
    """Erases families' personal data; finds the closed families still holding it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def closed_unerased(self) -> list[int]:
        """Ids of the closed families whose data is still held."""
        rows = await self.db.fetch_all(
            "SELECT id FROM families WHERE active = 0 AND erased_at IS NULL ORDER BY id"
        )
        return [int(r["id"]) for r in rows]

    async def erase(self, family_id: int, now: datetime, today: date) -> None:
        """Erase one family's personal data and free text in one transaction."""
        params = (family_id, now.isoformat(), today.isoformat())
        async with self.db.write() as conn:
            for sql in _ERASE:
                used = params[: 3 if "?3" in sql else 2 if "?2" in sql else 1]
                await conn.execute(sql, used)

    async def compact(self) -> None:
        """Rewrite the file without the erased text (VACUUM), and empty the write-ahead log."""
        await self.db.vacuum()
