"""SQL that gathers everything held about one family, for a person's right of access."""

from __future__ import annotations

import json
from typing import Any

from bot.storage.db import Database

# Each part: a name and the query of its rows (one parameter: the family's id).
_PARTS: tuple[tuple[str, str], ...] = (
    ("members", "SELECT * FROM members WHERE family_id = ?1 ORDER BY position"),
    ("case_periods", "SELECT * FROM case_periods WHERE family_id = ?1 ORDER BY started_on, id"),
    (
        "monitoring_contacts",
        "SELECT id, period_id, day, form, note, author_id, created_at FROM monitoring_contacts "
        "WHERE family_id = ?1 ORDER BY day, id",
    ),
    (
        "contract_history",
        "SELECT * FROM contract_history WHERE family_id = ?1 ORDER BY replaced_on, id",
    ),
    (
        "visits",
        "SELECT v.id, v.assistant_id, v.kind, v.visit_date, v.duration_min, v.place, "
        "v.missed_reason, v.note, v.next_steps, v.created_at, "
        "(SELECT json_group_array(member_id) FROM visit_members WHERE visit_id = v.id) "
        "AS present, "
        "(SELECT json_group_array(area) FROM visit_areas WHERE visit_id = v.id) AS areas, "
        "(SELECT json_group_array(activity) FROM visit_activities WHERE visit_id = v.id) "
        "AS activities FROM visits v WHERE v.family_id = ?1 ORDER BY v.visit_date, v.id",
    ),
    ("plans", "SELECT * FROM plans WHERE family_id = ?1 ORDER BY started_on, id"),
    ("goals", "SELECT * FROM goals WHERE family_id = ?1 ORDER BY id"),
    (
        "tasks",
        "SELECT t.* FROM tasks t JOIN goals g ON g.id = t.goal_id WHERE g.family_id = ?1 "
        "ORDER BY t.id",
    ),
    (
        "goal_history",
        "SELECT e.* FROM goal_events e JOIN goals g ON g.id = e.goal_id WHERE g.family_id = ?1 "
        "ORDER BY e.id",
    ),
    ("resources", "SELECT * FROM resources WHERE family_id = ?1 ORDER BY id"),
    (
        "assessments",
        "SELECT id, day, summary, author_id, created_at FROM assessments WHERE family_id = ?1 "
        "ORDER BY day, id",
    ),
    (
        "appointments",
        "SELECT a.id, a.institution, a.institution_name, a.starts_at, a.accompany, a.purpose, "
        "a.status, a.outcome, a.outcome_at, a.rescheduled_from, a.created_at, "
        "(SELECT json_group_array(member_id) FROM appointment_members "
        "WHERE appointment_id = a.id) AS members "
        "FROM appointments a WHERE a.family_id = ?1 ORDER BY a.starts_at, a.id",
    ),
    (
        "access_log",
        "SELECT at, actor_id, action, outcome, detail FROM access_log WHERE family_id = ?1 "
        "ORDER BY at, id",
    ),
)
_JSON_COLUMNS = frozenset({"present", "areas", "activities", "members"})


class FamilyExport:
    """Reads one family's whole record as plain rows."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def family_id(self, code: str) -> int | None:
        """The id of the family with this code (case-insensitive)."""
        row = await self.db.fetch_one("SELECT id FROM families WHERE code = ?", (code,))
        return None if row is None else int(row["id"])

    async def collect(self, family_id: int) -> dict[str, Any]:
        """The family row and every part, each a list of rows (JSON lists decoded)."""
        family = await self.db.fetch_one(
            "SELECT id, code, label, assistant_id, visits_per_week, contract_signed_on, "
            "contract_valid_until, active, created_at, erased_at FROM families WHERE id = ?",
            (family_id,),
        )
        record: dict[str, Any] = {"family": family}
        for name, sql in _PARTS:
            rows = await self.db.fetch_all(sql, (family_id,))
            record[name] = [
                {k: json.loads(v) if k in _JSON_COLUMNS and v else v for k, v in row.items()}
                for row in rows
            ]
        return record
