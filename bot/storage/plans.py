"""SQL for help plans: plans, assessments, goals with their history, tasks, resources."""

from __future__ import annotations

from datetime import date
from typing import Any

import aiosqlite

from bot.domain.plan import (
    Assessment,
    Goal,
    GoalEvent,
    GoalEventKind,
    GoalStatus,
    Independence,
    NewGoal,
    NewTask,
    Plan,
    Resource,
    Stamp,
    Task,
    sort_goals,
)
from bot.storage.db import Database

_GOAL_COLUMNS = (
    "g.id, g.family_id, g.area, g.text, g.expected_effect, g.due, g.status, g.created_at, "
    "(SELECT max(e.day) FROM goal_events e WHERE e.goal_id = g.id AND e.kind = 'progress') "
    "AS last_progress_on"
)
# Goals of an ended plan stay in the database as history but are not part of the plan shown.
_CURRENT = (
    "g.plan_id = (SELECT p.id FROM plans p WHERE p.family_id = g.family_id AND p.ended_on IS NULL)"
)


class PlanRepository:
    """A family's plan and everything in it; history rows are only ever added."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # Plans and assessments

    async def current_plan(self, family_id: int) -> Plan | None:
        """The family's current plan, if it has been started."""
        row = await self.db.fetch_one(
            "SELECT id, family_id, started_on, created_at FROM plans "
            "WHERE family_id = ? AND ended_on IS NULL",
            (family_id,),
        )
        return None if row is None else Plan.model_validate(row)

    async def ensure_plan(self, family_id: int, stamp: Stamp) -> Plan:
        """The current plan, started on the stamp's day if the family has none yet."""
        async with self.db.write() as conn:
            await _ensure_plan(conn, family_id, stamp)
        plan = await self.current_plan(family_id)
        assert plan is not None
        return plan

    async def add_assessment(
        self, family_id: int, day: date, summary: str, stamp: Stamp, token: str | None = None
    ) -> Assessment:
        """Record a periodic assessment (starting the plan if needed).

        A draft's token is unique per author: saving the same draft again (an update
        delivered again after a crash, the summary typed again) returns the first one.
        """
        async with self.db.write() as conn:
            if token is not None:
                existing = list(
                    await conn.execute_fetchall(
                        "SELECT * FROM assessments WHERE author_id = ? AND draft_token = ?",
                        (stamp.actor_id, token),
                    )
                )
                if existing:
                    return Assessment.model_validate(existing[0])
            await _ensure_plan(conn, family_id, stamp)
            cursor = await conn.execute(
                "INSERT INTO assessments "
                "(family_id, day, summary, author_id, draft_token, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    family_id,
                    day.isoformat(),
                    summary,
                    stamp.actor_id,
                    token,
                    stamp.at.isoformat(),
                ),
            )
            assessment_id = cursor.lastrowid
        assert assessment_id is not None
        return Assessment(
            id=assessment_id,
            family_id=family_id,
            day=day,
            summary=summary,
            author_id=stamp.actor_id,
            created_at=stamp.at,
        )

    async def assessment_saved(self, token: str, author_id: int) -> bool:
        """Whether this author's draft with this token is already a saved assessment."""
        row = await self.db.fetch_one(
            "SELECT 1 AS found FROM assessments WHERE author_id = ? AND draft_token = ?",
            (author_id, token),
        )
        return row is not None

    async def assessments(self, family_id: int) -> list[Assessment]:
        """Every assessment of the family, the latest first."""
        rows = await self.db.fetch_all(
            "SELECT * FROM assessments WHERE family_id = ? ORDER BY day DESC, id DESC",
            (family_id,),
        )
        return [Assessment.model_validate(r) for r in rows]

    async def last_assessment(self, family_id: int) -> Assessment | None:
        """The assessment with the latest date, if any."""
        row = await self.db.fetch_one(
            "SELECT * FROM assessments WHERE family_id = ? ORDER BY day DESC, id DESC LIMIT 1",
            (family_id,),
        )
        return None if row is None else Assessment.model_validate(row)

    # Goals and their history

    async def add_goal(self, family_id: int, goal: NewGoal, stamp: Stamp) -> int:
        """Save a goal and its first history entry under the current plan; return its id.

        The family's plan is started here, in the same transaction, if it has none yet.
        """
        async with self.db.write() as conn:
            plan_id = await _ensure_plan(conn, family_id, stamp)
            cursor = await conn.execute(
                "INSERT INTO goals (family_id, plan_id, area, text, expected_effect, due, "
                "status, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    family_id,
                    plan_id,
                    goal.area.value,
                    goal.text,
                    goal.expected_effect,
                    _iso(goal.due),
                    GoalStatus.PLANNED.value,
                    stamp.actor_id,
                    stamp.at.isoformat(),
                ),
            )
            goal_id = cursor.lastrowid
            assert goal_id is not None
            await _add_event(
                conn,
                goal_id,
                GoalEventKind.CREATED,
                stamp,
                text=goal.text,
                new=GoalStatus.PLANNED.value,
            )
        return goal_id

    async def goal(self, goal_id: int) -> Goal | None:
        """One goal with its tasks and last progress day."""
        row = await self.db.fetch_one(
            f"SELECT {_GOAL_COLUMNS} FROM goals g WHERE g.id = ?", (goal_id,)
        )
        if row is None:
            return None
        tasks = await self.db.fetch_all(
            "SELECT * FROM tasks WHERE goal_id = ? ORDER BY id", (goal_id,)
        )
        return Goal.model_validate({**row, "tasks": tuple(_task(t) for t in tasks)})

    async def goals(self, family_id: int) -> list[Goal]:
        """Every goal of the family's current plan with tasks, in plan order (two queries)."""
        rows = await self.db.fetch_all(
            f"SELECT {_GOAL_COLUMNS} FROM goals g WHERE g.family_id = ? AND {_CURRENT}",
            (family_id,),
        )
        task_rows = await self.db.fetch_all(
            "SELECT t.* FROM tasks t JOIN goals g ON g.id = t.goal_id "
            f"WHERE g.family_id = ? AND {_CURRENT} ORDER BY t.id",
            (family_id,),
        )
        tasks: dict[int, list[Task]] = {}
        for task_row in task_rows:
            task = _task(task_row)
            tasks.setdefault(task.goal_id, []).append(task)
        return sort_goals(
            [Goal.model_validate({**r, "tasks": tuple(tasks.get(r["id"], ()))}) for r in rows]
        )

    async def events(self, goal_id: int) -> list[GoalEvent]:
        """A goal's whole history, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT * FROM goal_events WHERE goal_id = ? ORDER BY id", (goal_id,)
        )
        return [GoalEvent.model_validate(r) for r in rows]

    async def set_status(self, goal_id: int, status: GoalStatus, stamp: Stamp) -> bool:
        """Change a goal's status with a history entry; False if it already had it."""
        async with self.db.write() as conn:
            old = await _one(conn, "SELECT status FROM goals WHERE id = ?", (goal_id,))
            if old is None or old["status"] == status.value:
                return False
            await conn.execute("UPDATE goals SET status = ? WHERE id = ?", (status.value, goal_id))
            await _add_event(
                conn, goal_id, GoalEventKind.STATUS, stamp, old=old["status"], new=status.value
            )
        return True

    async def set_due(self, goal_id: int, due: date | None, stamp: Stamp) -> bool:
        """Change (or clear) a goal's due date with a history entry; False if unchanged."""
        async with self.db.write() as conn:
            old = await _one(conn, "SELECT due FROM goals WHERE id = ?", (goal_id,))
            if old is None or old["due"] == _iso(due):
                return False
            await conn.execute("UPDATE goals SET due = ? WHERE id = ?", (_iso(due), goal_id))
            await _add_event(
                conn, goal_id, GoalEventKind.DUE_DATE, stamp, old=old["due"], new=_iso(due)
            )
        return True

    async def add_progress(
        self, goal_id: int, text: str, stamp: Stamp, visit_id: int | None = None
    ) -> None:
        """Append a dated progress note to a goal, optionally linked to a saved visit."""
        async with self.db.write() as conn:
            await _add_event(
                conn, goal_id, GoalEventKind.PROGRESS, stamp, text=text, visit_id=visit_id
            )

    async def add_visit_progress(
        self, family_id: int, goal_ids: list[int], visit_id: int, text: str, stamp: Stamp
    ) -> list[int]:
        """One progress entry linked to the visit per goal; return the goals that got one.

        Goals of other families, and goals the visit is already linked to (a replayed save),
        are skipped.
        """
        added: list[int] = []
        async with self.db.write() as conn:
            for goal_id in dict.fromkeys(goal_ids):
                cursor = await conn.execute(
                    "INSERT INTO goal_events (goal_id, kind, day, at, actor_id, text, visit_id) "
                    "SELECT g.id, ?, ?, ?, ?, ?, ? FROM goals g "
                    "WHERE g.id = ? AND g.family_id = ? AND NOT EXISTS ("
                    "  SELECT 1 FROM goal_events e WHERE e.goal_id = g.id AND e.visit_id = ?)",
                    (
                        GoalEventKind.PROGRESS.value,
                        stamp.day.isoformat(),
                        stamp.at.isoformat(),
                        stamp.actor_id,
                        text,
                        visit_id,
                        goal_id,
                        family_id,
                        visit_id,
                    ),
                )
                if cursor.rowcount == 1:
                    added.append(goal_id)
        return added

    # Tasks

    async def add_task(self, goal_id: int, task: NewTask, stamp: Stamp) -> int:
        """Save a task under a goal with a history entry on the goal; return the task's id."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "INSERT INTO tasks (goal_id, text, owner_kind, owner_member_id, "
                "owner_institution, due, independence, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    goal_id,
                    task.text,
                    task.owner.kind.value,
                    task.owner.member_id,
                    task.owner.institution,
                    _iso(task.due),
                    None if task.independence is None else task.independence.value,
                    stamp.actor_id,
                    stamp.at.isoformat(),
                ),
            )
            task_id = cursor.lastrowid
            assert task_id is not None
            await _add_event(
                conn,
                goal_id,
                GoalEventKind.TASK_ADDED,
                stamp,
                text=task.text,
                task_id=task_id,
                new=None if task.independence is None else task.independence.value,
            )
        return task_id

    async def task(self, task_id: int) -> Task | None:
        """One task."""
        row = await self.db.fetch_one("SELECT * FROM tasks WHERE id = ?", (task_id,))
        return None if row is None else _task(row)

    async def set_task_done(self, task_id: int, done: bool, stamp: Stamp) -> bool:
        """Tick or untick a task with a history entry on its goal; False if unchanged."""
        async with self.db.write() as conn:
            old = await _one(
                conn, "SELECT goal_id, text, done FROM tasks WHERE id = ?", (task_id,)
            )
            if old is None or bool(old["done"]) == done:
                return False
            await conn.execute("UPDATE tasks SET done = ? WHERE id = ?", (int(done), task_id))
            await _add_event(
                conn,
                old["goal_id"],
                GoalEventKind.TASK_DONE if done else GoalEventKind.TASK_REOPENED,
                stamp,
                text=old["text"],
                task_id=task_id,
            )
        return True

    async def set_independence(self, task_id: int, level: Independence, stamp: Stamp) -> bool:
        """Move a task on the independence scale with a history entry; False if unchanged."""
        async with self.db.write() as conn:
            old = await _one(
                conn, "SELECT goal_id, text, independence FROM tasks WHERE id = ?", (task_id,)
            )
            if old is None or old["independence"] == level.value:
                return False
            await conn.execute(
                "UPDATE tasks SET independence = ? WHERE id = ?", (level.value, task_id)
            )
            await _add_event(
                conn,
                old["goal_id"],
                GoalEventKind.INDEPENDENCE,
                stamp,
                text=old["text"],
                task_id=task_id,
                old=old["independence"],
                new=level.value,
            )
        return True

    # Resources

    async def add_resource(self, family_id: int, text: str, stamp: Stamp) -> Resource:
        """Record one of the family's resources (starting the plan if needed)."""
        async with self.db.write() as conn:
            await _ensure_plan(conn, family_id, stamp)
            cursor = await conn.execute(
                "INSERT INTO resources (family_id, text, added_by, added_at) VALUES (?, ?, ?, ?)",
                (family_id, text, stamp.actor_id, stamp.at.isoformat()),
            )
            resource_id = cursor.lastrowid
        assert resource_id is not None
        return Resource(id=resource_id, family_id=family_id, text=text, added_at=stamp.at)

    async def resources(self, family_id: int) -> list[Resource]:
        """The family's resources not removed, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT id, family_id, text, added_at FROM resources "
            "WHERE family_id = ? AND removed_at IS NULL ORDER BY id",
            (family_id,),
        )
        return [Resource.model_validate(r) for r in rows]

    async def remove_resource(self, resource_id: int, stamp: Stamp) -> bool:
        """Mark a resource removed (the row stays, with who and when); False if it was not."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE resources SET removed_by = ?, removed_at = ? "
                "WHERE id = ? AND removed_at IS NULL",
                (stamp.actor_id, stamp.at.isoformat(), resource_id),
            )
            return cursor.rowcount == 1

    # Whose is it: the family behind an id, for the services' access check

    async def family_of_goal(self, goal_id: int) -> int | None:
        """The family a goal belongs to."""
        return await self._family("SELECT family_id FROM goals WHERE id = ?", goal_id)

    async def family_of_task(self, task_id: int) -> int | None:
        """The family a task's goal belongs to."""
        return await self._family(
            "SELECT g.family_id FROM tasks t JOIN goals g ON g.id = t.goal_id WHERE t.id = ?",
            task_id,
        )

    async def family_of_resource(self, resource_id: int) -> int | None:
        """The family a resource not removed belongs to."""
        return await self._family(
            "SELECT family_id FROM resources WHERE id = ? AND removed_at IS NULL", resource_id
        )

    async def family_of_visit(self, visit_id: int) -> int | None:
        """The family a saved visit belongs to."""
        return await self._family("SELECT family_id FROM visits WHERE id = ?", visit_id)

    async def _family(self, sql: str, key: int) -> int | None:
        """Run a one-column family-id lookup."""
        row = await self.db.fetch_one(sql, (key,))
        return None if row is None else int(row["family_id"])


async def _ensure_plan(conn: aiosqlite.Connection, family_id: int, stamp: Stamp) -> int:
    """Inside a write: the current plan's id, creating the plan if there is none."""
    found = await _one(
        conn, "SELECT id FROM plans WHERE family_id = ? AND ended_on IS NULL", (family_id,)
    )
    if found is not None:
        return int(found["id"])
    cursor = await conn.execute(
        "INSERT INTO plans (family_id, started_on, created_by, created_at) VALUES (?, ?, ?, ?)",
        (family_id, stamp.day.isoformat(), stamp.actor_id, stamp.at.isoformat()),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def _add_event(
    conn: aiosqlite.Connection,
    goal_id: int,
    kind: GoalEventKind,
    stamp: Stamp,
    *,
    text: str = "",
    task_id: int | None = None,
    visit_id: int | None = None,
    old: str | None = None,
    new: str | None = None,
) -> None:
    """Inside a write: append one history entry to a goal."""
    await conn.execute(
        "INSERT INTO goal_events (goal_id, task_id, visit_id, kind, day, at, actor_id, text, "
        "old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            goal_id,
            task_id,
            visit_id,
            kind.value,
            stamp.day.isoformat(),
            stamp.at.isoformat(),
            stamp.actor_id,
            text,
            old,
            new,
        ),
    )


async def _one(conn: aiosqlite.Connection, sql: str, params: Any) -> dict[str, Any] | None:
    """Inside a write: the first row of a query, if any."""
    rows = list(await conn.execute_fetchall(sql, params))
    return dict(rows[0]) if rows else None


def _task(row: dict[str, Any]) -> Task:
    """A task row with its owner columns folded into a TaskOwner."""
    owner = {
        "kind": row["owner_kind"],
        "member_id": row["owner_member_id"],
        "institution": row["owner_institution"],
    }
    return Task.model_validate({**row, "done": bool(row["done"]), "owner": owner})


def _iso(day: date | None) -> str | None:
    """A date as ISO text, or NULL."""
    return None if day is None else day.isoformat()
