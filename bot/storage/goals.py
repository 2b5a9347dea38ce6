"""SQL for the goals of a family's plan, their tasks and their history (plans.py: the rest)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from operator import itemgetter
from typing import Any

import aiosqlite
from pydantic import TypeAdapter

from bot.domain.plan import (
    OPEN_STATUSES,
    Goal,
    GoalEvent,
    GoalEventKind,
    GoalStatus,
    Independence,
    NewTask,
    Stamp,
    Task,
    TaskOwner,
    sort_goals,
)
from bot.storage.db import Database, first_row, insert
from bot.storage.stored_values import iso_day

_GOAL_COLUMNS = (
    "g.id, g.family_id, g.area, g.text, g.expected_effect, g.due, g.status, g.created_at, "
    "(SELECT max(e.day) FROM goal_events e WHERE e.goal_id = g.id AND e.kind = 'progress') "
    "AS last_progress_on"
)
# The statuses of a goal still worked on, from the domain's one list (OPEN_STATUSES) in
# GoalStatus's order: the partial index goals_open_by_plan (migration 0019) lists them so, and
# SQLite uses it only for a query that spells the same IN list.
OPEN_GOAL_STATUSES = tuple(status.value for status in GoalStatus if status in OPEN_STATUSES)
# A goal still worked on, for SQL on goals `g`: with it the reminders, the digest and /team's
# count read Goal.is_task_overdue's rule.
OPEN_GOAL = "g.status IN (" + ", ".join(f"'{value}'" for value in OPEN_GOAL_STATUSES) + ")"
# Goals of an ended plan stay in the database as history but are not part of the plan shown.
_CURRENT = "g.plan_id = (SELECT p.id FROM plans p WHERE p.family_id = ?1 AND p.ended_on IS NULL)"
# What a Task holds, nothing more (not who typed it, nor the walk's draft token).
_TASK_COLUMNS = (
    "t.id, t.goal_id, t.text, t.owner_kind, t.owner_member_id, t.owner_institution, t.due, "
    "t.done, t.independence, t.created_at"
)
# The current plan's goals and their tasks, for `fetch_each` with the family's id.
GOALS_OF_PLAN = f"SELECT {_GOAL_COLUMNS} FROM goals g WHERE g.family_id = ?1 AND {_CURRENT}"
# Not sorted in SQL: sorting the rows' long texts there costs more than goals_from_rows' sort.
TASKS_OF_PLAN = (
    f"SELECT {_TASK_COLUMNS} FROM goals g JOIN tasks t ON t.goal_id = g.id "
    f"WHERE g.family_id = ?1 AND {_CURRENT}"
)
# One validation for every goal of a plan: one call instead of one for each goal and task.
_GOALS = TypeAdapter(list[Goal])


class GoalRecords:
    """Goals and tasks of the families' plans; history rows are only ever added.

    Part of PlanRepository (a goal is added there, under the plan it may start).
    """

    db: Database

    async def goal(self, goal_id: int) -> Goal | None:
        """One goal with its tasks and last progress day."""
        rows, task_rows = await self.db.fetch_each(
            (f"SELECT {_GOAL_COLUMNS} FROM goals g WHERE g.id = ?", (goal_id,)),
            (f"SELECT {_TASK_COLUMNS} FROM tasks t WHERE t.goal_id = ?", (goal_id,)),
            small=True,
        )
        goals = goals_from_rows(rows, task_rows)
        return goals[0] if goals else None

    async def goals(self, family_id: int) -> list[Goal]:
        """Every goal of the family's current plan with tasks, in plan order (one trip)."""
        rows, task_rows = await self.db.fetch_each(
            (GOALS_OF_PLAN, (family_id,)), (TASKS_OF_PLAN, (family_id,)), small=True
        )
        return goals_from_rows(rows, task_rows)

    async def events(self, goal_id: int) -> list[GoalEvent]:
        """A goal's whole history, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT * FROM goal_events WHERE goal_id = ? ORDER BY id", (goal_id,)
        )
        return [GoalEvent.model_validate(r) for r in rows]

    async def set_status(self, goal_id: int, status: GoalStatus, stamp: Stamp) -> bool:
        """Change a goal's status with a history entry; False if it already had it."""
        async with self.db.write() as conn:
            old = await first_row(conn, "SELECT status FROM goals WHERE id = ?", (goal_id,))
            if old is None or old["status"] == status.value:
                return False
            await conn.execute("UPDATE goals SET status = ? WHERE id = ?", (status.value, goal_id))
            await add_event(
                conn, goal_id, GoalEventKind.STATUS, stamp, old=old["status"], new=status.value
            )
        return True

    async def set_due(self, goal_id: int, due: date | None, stamp: Stamp) -> bool:
        """Change (or clear) a goal's due date with a history entry; False if unchanged."""
        async with self.db.write() as conn:
            old = await first_row(conn, "SELECT due FROM goals WHERE id = ?", (goal_id,))
            if old is None or old["due"] == iso_day(due):
                return False
            await conn.execute("UPDATE goals SET due = ? WHERE id = ?", (iso_day(due), goal_id))
            await add_event(
                conn, goal_id, GoalEventKind.DUE_DATE, stamp, old=old["due"], new=iso_day(due)
            )
        return True

    async def add_progress(
        self,
        goal_id: int,
        text: str,
        stamp: Stamp,
        visit_id: int | None = None,
        token: str | None = None,
    ) -> None:
        """Append a dated progress note to a goal, optionally linked to a saved visit.

        A draft's token saves one note: the same token again adds nothing.
        """
        async with self.db.write() as conn:
            if await saved_with(conn, "goal_events", stamp.actor_id, token):
                return
            await add_event(
                conn,
                goal_id,
                GoalEventKind.PROGRESS,
                stamp,
                text=text,
                visit_id=visit_id,
                token=token,
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
                unlinked = await first_row(
                    conn,
                    "SELECT 1 FROM goals g WHERE g.id = ? AND g.family_id = ? AND NOT EXISTS ("
                    "  SELECT 1 FROM goal_events e WHERE e.goal_id = g.id AND e.visit_id = ?)",
                    (goal_id, family_id, visit_id),
                )
                if unlinked is not None:
                    kind = GoalEventKind.PROGRESS
                    await add_event(conn, goal_id, kind, stamp, text=text, visit_id=visit_id)
                    added.append(goal_id)
        return added

    # Tasks

    async def add_task(
        self, goal_id: int, task: NewTask, stamp: Stamp, token: str | None = None
    ) -> int:
        """Save a task under a goal with a history entry on the goal; return the task's id.

        A draft's token saves one task: the same token again returns the first task's id.
        """
        async with self.db.write() as conn:
            first = await saved_with(conn, "tasks", stamp.actor_id, token)
            if first is not None:
                return first
            task_id = await insert(
                conn,
                "INSERT INTO tasks (goal_id, text, owner_kind, owner_member_id, "
                "owner_institution, due, independence, created_by, draft_token, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    goal_id,
                    task.text,
                    task.owner.kind.value,
                    task.owner.member_id,
                    task.owner.institution,
                    iso_day(task.due),
                    None if task.independence is None else task.independence.value,
                    stamp.actor_id,
                    token,
                    stamp.at.isoformat(),
                ),
            )
            await add_event(
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
        return None if row is None else task_from_row(row)

    async def set_task_done(
        self, task_id: int, done: bool, stamp: Stamp, *, due: date | None = None
    ) -> bool:
        """Tick or untick a task with a history entry on its goal; False if unchanged.

        A `due` day moves the task's due date too, the old and new day kept in the entry.
        """
        async with self.db.write() as conn:
            old = await first_row(
                conn, "SELECT goal_id, text, done, due FROM tasks WHERE id = ?", (task_id,)
            )
            if old is None or bool(old["done"]) == done:
                return False
            moved = due is not None and iso_day(due) != old["due"]
            await conn.execute(
                "UPDATE tasks SET done = ?, due = ? WHERE id = ?",
                (int(done), iso_day(due) if moved else old["due"], task_id),
            )
            await add_event(
                conn,
                old["goal_id"],
                GoalEventKind.TASK_DONE if done else GoalEventKind.TASK_REOPENED,
                stamp,
                text=old["text"],
                task_id=task_id,
                old=old["due"] if moved else None,
                new=iso_day(due) if moved else None,
            )
        return True

    async def set_independence(self, task_id: int, level: Independence, stamp: Stamp) -> bool:
        """Move a task on the independence scale with a history entry; False if unchanged."""
        async with self.db.write() as conn:
            old = await first_row(
                conn, "SELECT goal_id, text, independence FROM tasks WHERE id = ?", (task_id,)
            )
            if old is None or old["independence"] == level.value:
                return False
            await conn.execute(
                "UPDATE tasks SET independence = ? WHERE id = ?", (level.value, task_id)
            )
            await add_event(
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

    async def _family(self, sql: str, key: int) -> int | None:
        """Run a one-column family-id lookup."""
        row = await self.db.fetch_one(sql, (key,))
        return None if row is None else int(row["family_id"])


async def add_event(
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
    token: str | None = None,
) -> None:
    """Inside a write: append one history entry to a goal."""
    await conn.execute(
        "INSERT INTO goal_events (goal_id, task_id, visit_id, kind, day, at, actor_id, text, "
        "old_value, new_value, draft_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            token,
        ),
    )


# The tables a walk saves items into, with the column of who saved them (never user input).
_BY_AUTHOR = {
    "goals": "created_by",
    "tasks": "created_by",
    "goal_events": "actor_id",
    "resources": "added_by",
}


async def saved_with(
    conn: aiosqlite.Connection, table: str, author_id: int, token: str | None
) -> int | None:
    """Inside a write: the id of the row this author saved with this draft token, if any."""
    if token is None:
        return None
    author = _BY_AUTHOR[table]  # table and column names are ours, never typed
    row = await first_row(
        conn, f"SELECT id FROM {table} WHERE {author} = ? AND draft_token = ?", (author_id, token)
    )
    return None if row is None else int(row["id"])


def goals_from_rows(
    goal_rows: Sequence[dict[str, Any]], task_rows: list[dict[str, Any]]
) -> list[Goal]:
    """Goal rows (of _GOAL_COLUMNS) with their task rows (of _TASK_COLUMNS), in plan order.

    The rows are fresh from `fetch_each` and changed in place. A plan's tasks have a few
    owners between them (the mother, the assistant, the school): each owner is built once.
    """
    owners: dict[tuple[str, int | None, str | None], TaskOwner] = {}
    tasks: dict[int, list[dict[str, Any]]] = {}
    task_rows.sort(key=itemgetter("id"))
    for row in task_rows:
        key = (row.pop("owner_kind"), row.pop("owner_member_id"), row.pop("owner_institution"))
        owner = owners.get(key)
        if owner is None:
            owner = owners[key] = TaskOwner.model_validate(
                {"kind": key[0], "member_id": key[1], "institution": key[2]}
            )
        row["owner"] = owner
        row["done"] = bool(row["done"])
        tasks.setdefault(row["goal_id"], []).append(row)
    for row in goal_rows:
        row["tasks"] = tasks.get(row["id"], ())
    return sort_goals(_GOALS.validate_python(goal_rows))


def task_from_row(row: dict[str, Any]) -> Task:
    """A task row with its owner columns folded into a TaskOwner."""
    owner = {
        "kind": row["owner_kind"],
        "member_id": row["owner_member_id"],
        "institution": row["owner_institution"],
    }
    return Task.model_validate({**row, "done": bool(row["done"]), "owner": owner})
