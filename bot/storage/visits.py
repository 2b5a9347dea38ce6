"""SQL for visits and missed visits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.domain.visit import Visit, VisitDraft
from bot.storage.db import Database, first_row, insert


class VisitRepository:
    """Visits with who was present, areas and activities."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def saved_by(self, token: str, assistant_id: int) -> bool:
        """Whether this assistant's draft with this token is already a saved visit."""
        row = await self.db.fetch_one(
            "SELECT 1 AS found FROM visits WHERE draft_token = ? AND assistant_id = ?",
            (token, assistant_id),
        )
        return row is not None

    async def add(self, draft: VisitDraft, assistant_id: int, now: datetime) -> tuple[int, bool]:
        """Save a complete draft once; return (visit id, whether it was newly saved).

        The draft token is unique, so saving the same draft again (a double press, a
        replayed update after a crash) returns the first visit instead of a copy.
        """
        assert draft.family_id is not None
        assert draft.visit_date is not None
        async with self.db.write() as conn:
            sql = "SELECT id FROM visits WHERE draft_token = ?"
            first = await first_row(conn, sql, (draft.token,))
            if first is not None:
                return int(first["id"]), False
            visit_id = await insert(
                conn,
                "INSERT INTO visits (family_id, assistant_id, kind, visit_date, duration_min, "
                "place, missed_reason, note, next_steps, draft_token, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    draft.family_id,
                    assistant_id,
                    draft.kind.value,
                    draft.visit_date.isoformat(),
                    draft.duration_min,
                    None if draft.place is None else draft.place.value,
                    None if draft.missed_reason is None else draft.missed_reason.value,
                    draft.note,
                    draft.next_steps,
                    draft.token,
                    now.isoformat(),
                ),
            )
            await conn.executemany(
                "INSERT INTO visit_members (visit_id, member_id) "
                "SELECT ?, id FROM members WHERE id = ? AND family_id = ?",
                [(visit_id, m, draft.family_id) for m in dict.fromkeys(draft.present)],
            )
            await conn.executemany(
                "INSERT INTO visit_areas (visit_id, area) VALUES (?, ?)",
                [(visit_id, a.value) for a in dict.fromkeys(draft.areas)],
            )
            await conn.executemany(
                "INSERT INTO visit_activities (visit_id, activity) VALUES (?, ?)",
                [(visit_id, a.value) for a in dict.fromkeys(draft.activities)],
            )
        return visit_id, True

    async def recent(self, family_id: int, limit: int = 10) -> list[Visit]:
        """The family's latest visits and attempts, newest first."""
        rows = await self.db.fetch_all(
            "SELECT * FROM visits WHERE family_id = ? ORDER BY visit_date DESC, id DESC LIMIT ?",
            (family_id, limit),
        )
        return [await self._complete(r) for r in rows]

    async def last_completed(self, family_id: int) -> Visit | None:
        """The family's latest visit that took place, if any."""
        row = await self.db.fetch_one(
            "SELECT * FROM visits WHERE family_id = ? AND kind = 'completed' "
            "ORDER BY visit_date DESC, id DESC LIMIT 1",
            (family_id,),
        )
        return None if row is None else await self._complete(row)

    async def get(self, visit_id: int) -> Visit | None:
        """One visit by id."""
        row = await self.db.fetch_one("SELECT * FROM visits WHERE id = ?", (visit_id,))
        return None if row is None else await self._complete(row)

    async def count_completed(self, family_id: int, first: date, last: date) -> int:
        """Completed visits of a family between two dates, inclusive."""
        row = await self.db.fetch_one(
            "SELECT count(*) AS n FROM visits WHERE family_id = ? AND kind = 'completed' "
            "AND visit_date BETWEEN ? AND ?",
            (family_id, first.isoformat(), last.isoformat()),
        )
        return int(row["n"]) if row else 0

    async def _complete(self, row: dict[str, Any]) -> Visit:
        """Attach members, areas and activities to a visit row."""
        visit_id = row["id"]
        present = await self.db.fetch_all(
            "SELECT member_id FROM visit_members WHERE visit_id = ?", (visit_id,)
        )
        areas = await self.db.fetch_all(
            "SELECT area FROM visit_areas WHERE visit_id = ?", (visit_id,)
        )
        activities = await self.db.fetch_all(
            "SELECT activity FROM visit_activities WHERE visit_id = ?", (visit_id,)
        )
        return Visit.model_validate(
            {
                **row,
                "present": tuple(r["member_id"] for r in present),
                "areas": tuple(r["area"] for r in areas),
                "activities": tuple(r["activity"] for r in activities),
            }
        )
