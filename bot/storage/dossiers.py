"""SQL for a family's whole record: every visit, goal, history entry, appointment, assessment."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.appointment import Appointment
from bot.domain.plan import Assessment, Goal, GoalEvent, Task, sort_goals
from bot.domain.visit import Visit
from bot.storage.db import Database
from bot.storage.goals import task_from_row

_LISTS = (
    "(SELECT group_concat(member_id) FROM visit_members m WHERE m.visit_id = v.id) "
    "AS present_list, "
    "(SELECT group_concat(area) FROM visit_areas a WHERE a.visit_id = v.id) AS area_list, "
    "(SELECT group_concat(activity) FROM visit_activities t WHERE t.visit_id = v.id) "
    "AS activity_list"
)


class DossierRepository:
    """A family's record in a handful of queries (a year of visits is one query, not 100)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def visits(self, family_id: int) -> list[Visit]:
        """Every visit and missed visit, oldest first."""
        rows = await self.db.fetch_all(
            f"SELECT v.*, {_LISTS} FROM visits v WHERE v.family_id = ? "
            "ORDER BY v.visit_date, v.id",
            (family_id,),
        )
        return [_visit(r) for r in rows]

    async def goals(self, family_id: int) -> list[Goal]:
        """Every goal of every plan of the family, with its tasks, in plan order."""
        rows = await self.db.fetch_all(
            "SELECT g.id, g.family_id, g.area, g.text, g.expected_effect, g.due, g.status, "
            "g.created_at FROM goals g WHERE g.family_id = ?",
            (family_id,),
        )
        task_rows = await self.db.fetch_all(
            "SELECT t.* FROM tasks t JOIN goals g ON g.id = t.goal_id WHERE g.family_id = ? "
            "ORDER BY t.id",
            (family_id,),
        )
        tasks: dict[int, list[Task]] = {}
        for row in task_rows:
            task = task_from_row(row)
            tasks.setdefault(task.goal_id, []).append(task)
        return sort_goals(
            [Goal.model_validate({**r, "tasks": tuple(tasks.get(r["id"], ()))}) for r in rows]
        )

    async def events(self, family_id: int) -> list[GoalEvent]:
        """The history of every goal of the family, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT e.* FROM goal_events e JOIN goals g ON g.id = e.goal_id "
            "WHERE g.family_id = ? ORDER BY e.day, e.id",
            (family_id,),
        )
        return [GoalEvent.model_validate(r) for r in rows]

    async def appointments(self, family_id: int) -> list[Appointment]:
        """Every appointment of the family with the members who went, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT p.*, (SELECT group_concat(member_id) FROM appointment_members m "
            "WHERE m.appointment_id = p.id) AS member_list "
            "FROM appointments p WHERE p.family_id = ? ORDER BY p.starts_at, p.id",
            (family_id,),
        )
        return [
            Appointment.model_validate(
                {**r, "accompany": bool(r["accompany"]), "member_ids": _ints(r["member_list"])}
            )
            for r in rows
        ]

    async def assessments(self, family_id: int) -> list[Assessment]:
        """Every periodic assessment, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT * FROM assessments WHERE family_id = ? ORDER BY day, id", (family_id,)
        )
        return [Assessment.model_validate(r) for r in rows]

    async def plan_started_on(self, family_id: int) -> date | None:
        """When the family's first plan began."""
        row = await self.db.fetch_one(
            "SELECT min(started_on) AS day FROM plans WHERE family_id = ?", (family_id,)
        )
        return None if row is None or row["day"] is None else date.fromisoformat(row["day"])


def _ints(text: str | None) -> tuple[int, ...]:
    """A comma-separated list of ids."""
    return tuple(sorted(int(x) for x in text.split(","))) if text else ()


def _words(text: str | None) -> tuple[str, ...]:
    """A comma-separated list of fixed-list values."""
    return tuple(text.split(",")) if text else ()


def _visit(row: dict[str, Any]) -> Visit:
    """A visits row with its lists."""
    return Visit.model_validate(
        {
            **row,
            "present": _ints(row["present_list"]),
            "areas": _words(row["area_list"]),
            "activities": _words(row["activity_list"]),
        }
    )
