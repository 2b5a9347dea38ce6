"""SQL for help plans: the plan, its assessments and resources, and adding a goal to it.

A goal's changes, its tasks and its history are in goals.py; PlanRepository holds them all.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import aiosqlite
from pydantic import TypeAdapter

from bot.domain.plan import (
    Assessment,
    CaseStart,
    Goal,
    GoalEventKind,
    GoalStatus,
    NewGoal,
    Plan,
    Resource,
    Stamp,
)
from bot.storage.db import Bookkeeping, Database, first_row, insert
from bot.storage.goals import (
    GOALS_OF_PLAN,
    TASKS_OF_PLAN,
    GoalRecords,
    add_event,
    goals_from_rows,
    saved_with,
)
from bot.storage.stored_values import iso_day

_PLAN = (
    "SELECT id, family_id, started_on, created_at FROM plans "
    "WHERE family_id = ? AND ended_on IS NULL"
)
_LAST_ASSESSMENT = (
    "SELECT id, family_id, day, summary, author_id, created_at FROM assessments "
    "WHERE family_id = ? ORDER BY day DESC, id DESC LIMIT 1"
)
_RESOURCES = (
    "SELECT id, family_id, text, added_at FROM resources "
    "WHERE family_id = ? AND removed_at IS NULL ORDER BY id"
)
_RESOURCE_LIST = TypeAdapter(list[Resource])


class PlanContents(NamedTuple):
    """Everything in a family's current plan, read together."""

    plan: Plan | None
    last_assessment: Assessment | None
    goals: list[Goal]
    resources: list[Resource]


class PlanRepository(GoalRecords):
    """A family's plan and everything in it; history rows are only ever added."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # Plans and assessments

    async def contents(self, family_id: int, log: Bookkeeping | None = None) -> PlanContents:
        """The current plan, its last assessment, goals with tasks and resources, in one trip.

        `log`: the read's access row, written in the same trip before it.
        """
        key = (family_id,)
        plans, assessments, goals, tasks, resources = await self.db.fetch_each(
            (_PLAN, key),
            (_LAST_ASSESSMENT, key),
            (GOALS_OF_PLAN, key),
            (TASKS_OF_PLAN, key),
            (_RESOURCES, key),
            log=log,
            small=True,
        )
        return PlanContents(
            plan=Plan.model_validate(plans[0]) if plans else None,
            last_assessment=Assessment.model_validate(assessments[0]) if assessments else None,
            goals=goals_from_rows(goals, tasks),
            resources=_RESOURCE_LIST.validate_python(resources),
        )

    async def current_plan(self, family_id: int) -> Plan | None:
        """The family's current plan, if it has been started."""
        row = await self.db.fetch_one(_PLAN, (family_id,))
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
                first = await first_row(
                    conn,
                    "SELECT * FROM assessments WHERE author_id = ? AND draft_token = ?",
                    (stamp.actor_id, token),
                )
                if first is not None:
                    return Assessment.model_validate(first)
            await _ensure_plan(conn, family_id, stamp)
            assessment_id = await insert(
                conn,
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
        row = await self.db.fetch_one(_LAST_ASSESSMENT, (family_id,))
        return None if row is None else Assessment.model_validate(row)

    async def case_start(self, family_id: int) -> CaseStart | None:
        """When the work began: the first period's start and the earliest contract signed."""
        row = await self.db.fetch_one(
            "SELECT f.code, "
            "  (SELECT min(p.started_on) FROM case_periods p WHERE p.family_id = f.id) "
            "  AS registered_on, "
            "  (SELECT min(c.signed_on) FROM contract_history c WHERE c.family_id = f.id) "
            "  AS replaced_contract_on, f.contract_signed_on "
            "FROM families f WHERE f.id = ?",
            (family_id,),
        )
        if row is None or row["registered_on"] is None:
            return None
        signed = [d for d in (row["replaced_contract_on"], row["contract_signed_on"]) if d]
        return CaseStart(
            code=row["code"],
            registered_on=row["registered_on"],
            first_contract_on=min(signed) if signed else None,
        )

    # Goals (the rest of them is in GoalRecords)

    async def add_goal(
        self, family_id: int, goal: NewGoal, stamp: Stamp, token: str | None = None
    ) -> int:
        """Save a goal and its first history entry under the current plan; return its id.

        The family's plan is started here, in the same transaction, if it has none yet. A
        draft's token saves one goal: the same token again returns the first goal's id.
        """
        async with self.db.write() as conn:
            first = await saved_with(conn, "goals", stamp.actor_id, token)
            if first is not None:
                return first
            plan_id = await _ensure_plan(conn, family_id, stamp)
            goal_id = await insert(
                conn,
                "INSERT INTO goals (family_id, plan_id, area, text, expected_effect, due, "
                "status, created_by, draft_token, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    family_id,
                    plan_id,
                    goal.area.value,
                    goal.text,
                    goal.expected_effect,
                    iso_day(goal.due),
                    GoalStatus.PLANNED.value,
                    stamp.actor_id,
                    token,
                    stamp.at.isoformat(),
                ),
            )
            await add_event(
                conn,
                goal_id,
                GoalEventKind.CREATED,
                stamp,
                text=goal.text,
                new=GoalStatus.PLANNED.value,
            )
        return goal_id

    # Resources

    async def add_resource(
        self, family_id: int, text: str, stamp: Stamp, token: str | None = None
    ) -> Resource:
        """Record one of the family's resources (starting the plan if needed).

        A draft's token saves one resource: the same token again returns the first one.
        """
        async with self.db.write() as conn:
            first = await saved_with(conn, "resources", stamp.actor_id, token)
            if first is not None:
                row = await first_row(
                    conn,
                    "SELECT id, family_id, text, added_at FROM resources WHERE id = ?",
                    (first,),
                )
                return Resource.model_validate(row)
            await _ensure_plan(conn, family_id, stamp)
            resource_id = await insert(
                conn,
                "INSERT INTO resources (family_id, text, added_by, draft_token, added_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (family_id, text, stamp.actor_id, token, stamp.at.isoformat()),
            )
        return Resource(id=resource_id, family_id=family_id, text=text, added_at=stamp.at)

    async def item_saved(self, token: str, actor_id: int) -> bool:
        """Whether this actor's goal, task, progress note or resource has this draft token."""
        row = await self.db.fetch_one(
            "SELECT EXISTS (SELECT 1 FROM goals WHERE created_by = ?1 AND draft_token = ?2) "
            "OR EXISTS (SELECT 1 FROM tasks WHERE created_by = ?1 AND draft_token = ?2) "
            "OR EXISTS (SELECT 1 FROM goal_events WHERE actor_id = ?1 AND draft_token = ?2) "
            "OR EXISTS (SELECT 1 FROM resources WHERE added_by = ?1 AND draft_token = ?2) "
            "AS found",
            (actor_id, token),
        )
        return row is not None and bool(row["found"])

    async def resources(self, family_id: int) -> list[Resource]:
        """The family's resources not removed, oldest first."""
        return _RESOURCE_LIST.validate_python(await self.db.fetch_all(_RESOURCES, (family_id,)))

    async def remove_resource(self, resource_id: int, stamp: Stamp) -> bool:
        """Mark a resource removed (the row stays, with who and when); False if it was not."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE resources SET removed_by = ?, removed_at = ? "
                "WHERE id = ? AND removed_at IS NULL",
                (stamp.actor_id, stamp.at.isoformat(), resource_id),
            )
            return cursor.rowcount == 1

    # Whose is it (goals' and tasks' in GoalRecords)

    async def family_of_resource(self, resource_id: int) -> int | None:
        """The family a resource not removed belongs to."""
        return await self._family(
            "SELECT family_id FROM resources WHERE id = ? AND removed_at IS NULL", resource_id
        )

    async def family_of_visit(self, visit_id: int) -> int | None:
        """The family a saved visit belongs to."""
        return await self._family("SELECT family_id FROM visits WHERE id = ?", visit_id)


async def _ensure_plan(conn: aiosqlite.Connection, family_id: int, stamp: Stamp) -> int:
    """Inside a write: the current plan's id, creating the plan if there is none."""
    found = await first_row(
        conn, "SELECT id FROM plans WHERE family_id = ? AND ended_on IS NULL", (family_id,)
    )
    if found is not None:
        return int(found["id"])
    return await insert(
        conn,
        "INSERT INTO plans (family_id, started_on, created_by, created_at) VALUES (?, ?, ?, ?)",
        (family_id, stamp.day.isoformat(), stamp.actor_id, stamp.at.isoformat()),
    )
