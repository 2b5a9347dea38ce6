"""SQL for the centre's view: the team, every active family's figures, the week's visits, cover."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, TypeAdapter

from bot.domain.people import Role
from bot.domain.team import TeamFamily, TeamMember
from bot.storage.db import Database
from bot.storage.goals import OPEN_GOAL

# One statement for every active family: each figure is an index seek per family, and the last
# completed visit is on the family's row (migration 0024). The current plan is joined once per
# family; its open goals and their open tasks are counted from the partial indexes
# goals_open_by_plan and tasks_open_by_goal (a goal's plan is its family's).
_FAMILIES = (
    "SELECT f.id AS family_id, f.code, f.assistant_id, f.visits_per_week, f.created_at, "
    "  f.contract_valid_until, f.cover_until, f.cover_for, p.started_on AS plan_started_on, "
    "  f.last_visit_on AS last_visit, "
    "  (SELECT count(*) FROM visits v WHERE v.family_id = f.id AND v.kind = 'completed' "
    "     AND v.visit_date BETWEEN ?1 AND ?2) AS visits_this_week, "
    "  (SELECT max(s.day) FROM assessments s WHERE s.family_id = f.id) AS last_assessment, "
    "  (SELECT count(*) FROM appointments a WHERE a.family_id = f.id "
    "     AND a.status = 'scheduled' AND a.starts_at >= ?4) AS open_appointments, "
    "  (SELECT count(*) FROM goals g WHERE g.plan_id = p.id AND g.due < ?3 "
    f"     AND {OPEN_GOAL}) "
    "  + (SELECT count(*) FROM goals g JOIN tasks t ON t.goal_id = g.id "
    "     WHERE g.plan_id = p.id AND t.done = 0 AND t.due < ?3 "
    f"     AND {OPEN_GOAL}) AS overdue_items "
    "FROM families f LEFT JOIN plans p ON p.family_id = f.id AND p.ended_on IS NULL "
    "WHERE f.active = 1 AND f.assistant_id IS NOT NULL"
)
_ONE_CASELOAD = " AND f.assistant_id = ?5"
_MEMBERS = (
    "SELECT a.telegram_id, a.display_name, a.role, a.active, "
    "  coalesce(s.unreachable, 0) AS unreachable, "
    "  (SELECT max(l.at) FROM access_log l WHERE l.actor_id = a.telegram_id "
    "     AND l.outcome = 'allowed') AS last_activity "
    "FROM assistants a LEFT JOIN reminder_settings s ON s.telegram_id = a.telegram_id "
    "ORDER BY a.display_name, a.telegram_id"
)
# Hundreds of families are checked in one call rather than one model at a time.
_TEAM_FAMILIES = TypeAdapter(list[TeamFamily])


class WeekOfVisits(BaseModel):
    """One person's visits of a week, as the weekly digest counts them."""

    model_config = ConfigDict(frozen=True)

    assistant_id: int
    completed: int = 0
    missed: int = 0
    minutes: int = 0


class CoverEnd(BaseModel):
    """A family whose holiday cover ended: it goes back to `owner` from `cover`."""

    model_config = ConfigDict(frozen=True)

    family_id: int
    code: str
    owner: int
    cover: int
    until: date


class TeamRepository:
    """The reads behind /team, the escalations and the weekly digest; the cover's writes."""

    def __init__(self, db: Database, *, timezone: str) -> None:
        self.db = db
        self.zone = ZoneInfo(timezone)

    async def members(self, admin_ids: frozenset[int]) -> list[TeamMember]:
        """Every registered person by name, with role, state and their last recorded activity."""
        return _members(await self.db.fetch_all(_MEMBERS), admin_ids)

    async def members_and_families(
        self,
        admin_ids: frozenset[int],
        today: date,
        now: datetime,
        *,
        assistant_id: int | None = None,
    ) -> tuple[list[TeamMember], list[TeamFamily]]:
        """The two reads of the team view (or of one caseload) in one trip to the database."""
        people, families = await self.db.fetch_each(
            (_MEMBERS, ()), _families_query(today, now, assistant_id)
        )
        return _members(people, admin_ids), self._families(families)

    async def recipients(self, admin_ids: frozenset[int]) -> list[int]:
        """Who hears of escalations and gets the weekly digest: active coordinators and admins.

        An admin only once they wrote to the bot (before that their chat does not exist).
        """
        rows = await self.db.fetch_all(
            "SELECT telegram_id, role FROM assistants WHERE active = 1 ORDER BY telegram_id"
        )
        return [
            r["telegram_id"]
            for r in rows
            if r["role"] == Role.COORDINATOR.value or r["telegram_id"] in admin_ids
        ]

    async def families(
        self, today: date, now: datetime, *, assistant_id: int | None = None
    ) -> list[TeamFamily]:
        """Every active family (or one person's) with the figures of the team view."""
        return self._families(await self.db.fetch_all(*_families_query(today, now, assistant_id)))

    def _families(self, rows: list[dict[str, Any]]) -> list[TeamFamily]:
        """Rows of the families query as the team view's snapshots (registered on a local day)."""
        # The rows are this read's own: completing them in place spares a copy of each.
        for r in rows:
            r["registered_on"] = (
                datetime.fromisoformat(r["created_at"]).astimezone(self.zone).date()
            )
        return _TEAM_FAMILIES.validate_python(rows)

    async def week_of_visits(self, monday: date, sunday: date) -> dict[int, WeekOfVisits]:
        """Per person who recorded visits in [monday, sunday]: completed, missed, minutes."""
        rows = await self.db.fetch_all(
            "SELECT assistant_id, sum(kind = 'completed') AS completed, "
            "  sum(kind = 'missed') AS missed, "
            "  coalesce(sum(CASE WHEN kind = 'completed' THEN duration_min END), 0) AS minutes "
            "FROM visits WHERE visit_date BETWEEN ? AND ? GROUP BY assistant_id",
            (monday.isoformat(), sunday.isoformat()),
        )
        return {r["assistant_id"]: WeekOfVisits.model_validate(r) for r in rows}

    async def unreachable_since(self) -> dict[int, datetime]:
        """Active people who blocked the bot, with when it was noticed."""
        rows = await self.db.fetch_all(
            "SELECT s.telegram_id, s.unreachable_since FROM reminder_settings s "
            "JOIN assistants a ON a.telegram_id = s.telegram_id "
            "WHERE s.unreachable = 1 AND s.unreachable_since IS NOT NULL AND a.active = 1"
        )
        return {r["telegram_id"]: datetime.fromisoformat(r["unreachable_since"]) for r in rows}

    async def held_codes(self, telegram_id: int) -> list[str]:
        """Codes of the active families a person holds or will get back after a cover."""
        rows = await self.db.fetch_all(
            "SELECT code FROM families WHERE active = 1 AND (assistant_id = ? OR cover_for = ?) "
            "ORDER BY code",
            (telegram_id, telegram_id),
        )
        return [r["code"] for r in rows]

    async def checked_on(self) -> date | None:
        """The last day the escalation rules ran."""
        row = await self.db.fetch_one("SELECT checked_on FROM team_state WHERE id = 1")
        return None if row is None else date.fromisoformat(row["checked_on"])

    async def mark_checked(self, day: date) -> None:
        """Remember that the escalation rules ran on `day`."""
        async with self.db.write() as conn:
            await conn.execute(
                "INSERT INTO team_state (id, checked_on) VALUES (1, ?) "
                "ON CONFLICT (id) DO UPDATE SET checked_on = excluded.checked_on",
                (day.isoformat(),),
            )

    async def start_cover(self, family_id: int, cover: int, until: date) -> None:
        """Hand a family to a cover assistant until a day; its own assistant is kept to return to.

        A cover of a family already on cover keeps the first owner.
        """
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE families SET cover_for = coalesce(cover_for, assistant_id), "
                "assistant_id = ?, cover_until = ? WHERE id = ?",
                (cover, until.isoformat(), family_id),
            )

    async def end_covers(self, today: date) -> list[CoverEnd]:
        """Give back every family whose cover ends on or before `today`; return them."""
        async with self.db.write() as conn:
            rows = [
                dict(r)
                for r in await conn.execute_fetchall(
                    "SELECT id AS family_id, code, cover_for AS owner, assistant_id AS cover, "
                    "cover_until AS until FROM families "
                    "WHERE cover_until IS NOT NULL AND cover_until <= ?",
                    (today.isoformat(),),
                )
            ]
            await conn.executemany(
                "UPDATE families SET assistant_id = cover_for, cover_for = NULL, "
                "cover_until = NULL WHERE id = ?",
                [(r["family_id"],) for r in rows],
            )
        return [CoverEnd.model_validate(r) for r in rows]


def _families_query(
    today: date, now: datetime, assistant_id: int | None
) -> tuple[str, tuple[object, ...]]:
    """The families query with its parameters: this ISO week, today, now, maybe one person."""
    monday = date.fromordinal(today.toordinal() - today.weekday())
    week = (monday.isoformat(), date.fromordinal(monday.toordinal() + 6).isoformat())
    params = (*week, today.isoformat(), now.isoformat())
    if assistant_id is None:
        return _FAMILIES, params
    return _FAMILIES + _ONE_CASELOAD, (*params, assistant_id)


def _members(rows: list[dict[str, Any]], admin_ids: frozenset[int]) -> list[TeamMember]:
    """Rows of the members query as team members (admins marked from the configuration)."""
    return [
        TeamMember.model_validate(
            {
                **r,
                "active": bool(r["active"]),
                "unreachable": bool(r["unreachable"]),
                "is_admin": r["telegram_id"] in admin_ids,
            }
        )
        for r in rows
    ]
