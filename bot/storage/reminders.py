"""SQL for reminders: assistants' settings and the bulk reads of a tick (the outbox: outbox.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter

from bot.domain.lifecycle import MonitoredFamily
from bot.domain.reminders.snapshots import (
    AppointmentSnapshot,
    AssistantPrefs,
    FamilySnapshot,
    PlanItemSnapshot,
)
from bot.storage.goals import OPEN_GOAL
from bot.storage.lifecycle import CaseRepository
from bot.storage.outbox import OutboxRepository
from bot.storage.stored_values import utc_text

_CURRENT_PLANS = "families f CROSS JOIN plans p ON p.family_id = f.id AND p.ended_on IS NULL"
_PREFS_COLUMNS = (
    "SELECT a.telegram_id, a.locale, s.digest_time, s.quiet_start, s.quiet_end, s.timezone, "
    "s.working_days, coalesce(s.unreachable, 0) AS unreachable FROM assistants a "
    "LEFT JOIN reminder_settings s ON s.telegram_id = a.telegram_id"
)


@dataclass(frozen=True, slots=True)
class TickVersions:
    """The change counters behind a tick's reads (migration 0022), and the last tick."""

    settings: int
    appointments: int
    outbox_keys: int
    last_tick: datetime | None


class ReminderRepository(OutboxRepository):
    """Reminder settings and the snapshots a tick computes from, over the outbox rows."""

    # Settings

    async def prefs(self, telegram_id: int) -> AssistantPrefs:
        """One person's settings (defaults where none are stored)."""
        row = await self.db.fetch_one(f"{_PREFS_COLUMNS} WHERE a.telegram_id = ?", (telegram_id,))
        if row is None:
            return AssistantPrefs(
                telegram_id=telegram_id, locale=self.locale, timezone=self.timezone
            )
        return self._prefs(row)

    async def reachable_prefs(self) -> list[AssistantPrefs]:
        """Settings of every reachable assistant who holds at least one active family."""
        rows = await self.db.fetch_all(
            f"{_PREFS_COLUMNS} WHERE coalesce(s.unreachable, 0) = 0 AND EXISTS ("
            "  SELECT 1 FROM families f WHERE f.assistant_id = a.telegram_id AND f.active = 1)"
        )
        return [self._prefs(r) for r in rows]

    async def monitoring_prefs(self) -> list[AssistantPrefs]:
        """Settings of every reachable assistant who monitors at least one closed family."""
        rows = await self.db.fetch_all(
            f"{_PREFS_COLUMNS} WHERE coalesce(s.unreachable, 0) = 0 AND EXISTS ("
            "  SELECT 1 FROM families f JOIN case_periods p ON p.family_id = f.id "
            "  WHERE f.assistant_id = a.telegram_id AND f.active = 0 AND f.erased_at IS NULL "
            "    AND p.monitoring_until IS NOT NULL AND p.monitoring_ended_on IS NULL)"
        )
        return [self._prefs(r) for r in rows]

    async def monitored(self, assistant_ids: list[int]) -> list[MonitoredFamily]:
        """The closed families these assistants monitor (codes, dates, the last contact)."""
        return await CaseRepository(self.db).monitored(assistant_ids)

    async def save_digest_time(self, telegram_id: int, at: time) -> None:
        """Store the time of the morning digest."""
        await self._upsert(telegram_id, "digest_time", _hhmm(at))

    async def save_quiet_hours(self, telegram_id: int, start: time, end: time) -> None:
        """Store the quiet hours."""
        async with self.db.write() as conn:
            await conn.execute(
                "INSERT INTO reminder_settings (telegram_id, quiet_start, quiet_end) "
                "VALUES (?, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET "
                "quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end",
                (telegram_id, _hhmm(start), _hhmm(end)),
            )

    async def save_working_days(self, telegram_id: int, days: frozenset[int]) -> None:
        """Store the weekdays the morning batch comes on."""
        await self._upsert(telegram_id, "working_days", "".join(str(d) for d in sorted(days)))

    async def set_reachable(self, telegram_id: int) -> bool:
        """Clear the unreachable flag; True if it was set."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE reminder_settings SET unreachable = 0, unreachable_since = NULL "
                "WHERE telegram_id = ? AND unreachable = 1",
                (telegram_id,),
            )
            return cursor.rowcount == 1

    async def _upsert(self, telegram_id: int, column: str, value: str) -> None:
        """Set one settings column, creating the row if needed."""
        async with self.db.write() as conn:
            await conn.execute(
                f"INSERT INTO reminder_settings (telegram_id, {column}) VALUES (?, ?) "
                f"ON CONFLICT (telegram_id) DO UPDATE SET {column} = excluded.{column}",
                (telegram_id, value),
            )

    def _prefs(self, row: dict[str, Any]) -> AssistantPrefs:
        """A settings row (NULLs are defaults) as AssistantPrefs."""
        values: dict[str, Any] = {
            "telegram_id": row["telegram_id"],
            "locale": row["locale"] or self.locale,
            "timezone": row["timezone"] or self.timezone,
            "unreachable": bool(row["unreachable"]),
        }
        for column in ("digest_time", "quiet_start", "quiet_end"):
            if row[column]:
                values[column] = time.fromisoformat(row[column])
        if row["working_days"]:
            values["working_days"] = frozenset(int(d) for d in row["working_days"])
        return AssistantPrefs.model_validate(values)

    # What a tick reads, in bulk

    async def tick_versions(self) -> TickVersions:
        """The change counters and the last tick, in one read (before the data they guard)."""
        row = await self.db.fetch_one(
            "SELECT v.settings, v.appointments, v.outbox_keys, "
            "(SELECT last_tick_at FROM scheduler_state WHERE id = 1) AS last_tick_at "
            "FROM tick_versions v WHERE v.id = 1"
        )
        if row is None:  # pragma: no cover  (migration 0022 inserts the row)
            raise RuntimeError("tick_versions has no row")
        last = row["last_tick_at"]
        return TickVersions(
            settings=row["settings"],
            appointments=row["appointments"],
            outbox_keys=row["outbox_keys"],
            last_tick=None if last is None else datetime.fromisoformat(last),
        )

    async def family_snapshots(self, assistant_ids: list[int]) -> list[FamilySnapshot]:
        """The active families of these assistants with last visit, plan and assessment."""
        rows = await self.db.fetch_all(_FAMILIES, (json.dumps(assistant_ids),))
        return self._families(rows)

    async def plan_items(
        self, assistant_ids: list[int], due_until: date
    ) -> list[PlanItemSnapshot]:
        """Open goals and tasks of the current plans due on or before a day (overdue ones too)."""
        rows = await self.db.fetch_all(_ITEMS, (due_until.isoformat(), json.dumps(assistant_ids)))
        return _PLAN_ITEMS.validate_python(rows)

    async def morning_snapshots(
        self, assistant_ids: list[int], due_until: date
    ) -> tuple[list[FamilySnapshot], list[PlanItemSnapshot]]:
        """What these assistants' morning batches read: families and plan items, in one trip."""
        ids = json.dumps(assistant_ids)
        families, items = await self.db.fetch_each(
            (_FAMILIES, (ids,)), (_ITEMS, (due_until.isoformat(), ids))
        )
        return self._families(families), _PLAN_ITEMS.validate_python(items)

    async def morning_inputs(
        self, assistant_ids: list[int], due_until: date
    ) -> dict[int, tuple[str, str]]:
        """These assistants' families and plan items as JSON arrays (FAMILY_COLUMNS, ITEM_COLUMNS).

        Made by SQLite, one row per assistant, in one trip: a national morning's facts reach
        the morning batches without a model or a dict made of each (see morning_batches.py).
        """
        ids = json.dumps(assistant_ids)
        families, items = await self.db.fetch_each(
            (_FAMILY_INPUTS, (ids,)), (_ITEM_INPUTS, (due_until.isoformat(), ids))
        )
        found = dict.fromkeys(assistant_ids, ("[]", "[]"))
        for row in families:
            found[row["assistant_id"]] = (row["rows"], "[]")
        for row in items:
            found[row["assistant_id"]] = (found[row["assistant_id"]][0], row["rows"])
        return found

    async def appointment_snapshots(
        self, start: datetime, end: datetime
    ) -> list[AppointmentSnapshot]:
        """Scheduled appointments of active families starting in [start, end)."""
        rows = await self.db.fetch_all(
            "SELECT a.id, a.family_id, f.code AS family_code, f.assistant_id, a.institution, "
            "  a.starts_at, a.accompany, a.scheduled_at "
            "FROM appointments a JOIN families f ON f.id = a.family_id "
            "WHERE a.status = 'scheduled' AND a.starts_at >= ? AND a.starts_at < ? "
            "  AND f.active = 1 AND f.assistant_id IS NOT NULL",
            (utc_text(start), utc_text(end)),
        )
        for row in rows:
            row["accompany"] = bool(row["accompany"])
        return _APPOINTMENTS.validate_python(rows)

    def _families(self, rows: list[dict[str, Any]]) -> list[FamilySnapshot]:
        """Family rows as snapshots, registered on the centre's local day."""
        zone = ZoneInfo(self.timezone)
        for row in rows:
            row["registered_on"] = (
                datetime.fromisoformat(row["created_at"]).astimezone(zone).date()
            )
        return _FAMILY_SNAPSHOTS.validate_python(rows)


# One statement each: the last completed visit is on the family's row (migration 0024), the
# current plan and the last assessment are each one index seek per family, not a loop here.
_FAMILIES = (
    "SELECT f.id AS family_id, f.code, f.assistant_id, f.visits_per_week, f.created_at, "
    "  f.contract_valid_until, "
    "  f.last_visit_on AS last_visit, "
    "  (SELECT p.started_on FROM plans p "
    "     WHERE p.family_id = f.id AND p.ended_on IS NULL) AS plan_started_on, "
    "  (SELECT max(s.day) FROM assessments s WHERE s.family_id = f.id) AS last_assessment "
    "FROM families f WHERE f.active = 1 "
    "AND f.assistant_id IN (SELECT value FROM json_each(?))"
)
# Driven by the assistants' families (CROSS JOIN keeps that order: a due-date index would scan
# the whole country's goals for each part of a morning); the current plan is found once per
# family, not once per goal.
_ITEMS = (
    "SELECT 'goal' AS kind, g.id, g.id AS goal_id, f.id AS family_id, f.code AS family_code, "
    "  f.assistant_id, g.due "
    f"FROM {_CURRENT_PLANS} CROSS JOIN goals g ON g.family_id = f.id AND g.plan_id = p.id "
    "WHERE f.active = 1 AND f.assistant_id IN (SELECT value FROM json_each(?2)) "
    f"  AND g.due IS NOT NULL AND g.due <= ?1 AND {OPEN_GOAL} "
    "UNION ALL "
    "SELECT 'task', t.id, t.goal_id, f.id, f.code, f.assistant_id, t.due "
    f"FROM {_CURRENT_PLANS} CROSS JOIN goals g ON g.family_id = f.id AND g.plan_id = p.id "
    "CROSS JOIN tasks t ON t.goal_id = g.id "
    "WHERE f.active = 1 AND f.assistant_id IN (SELECT value FROM json_each(?2)) "
    f"  AND t.due IS NOT NULL AND t.done = 0 AND t.due <= ?1 AND {OPEN_GOAL}"
)
_FAMILY_INPUTS = (
    "SELECT f.assistant_id, json_group_array(json_array(f.id, f.code, f.assistant_id, "
    "  f.visits_per_week, f.created_at, f.contract_valid_until, "
    "  f.last_visit_on, "
    "  (SELECT p.started_on FROM plans p WHERE p.family_id = f.id AND p.ended_on IS NULL), "
    "  (SELECT max(s.day) FROM assessments s WHERE s.family_id = f.id))) AS rows "
    "FROM families f WHERE f.active = 1 "
    "AND f.assistant_id IN (SELECT value FROM json_each(?)) GROUP BY f.assistant_id"
)
_ITEM_INPUTS = (
    "SELECT assistant_id, json_group_array(json_array(kind, id, goal_id, family_id, "
    f"  family_code, assistant_id, due)) AS rows FROM ({_ITEMS}) GROUP BY assistant_id"
)
# Rows from our own database, checked in one call per read rather than one model at a time.
_FAMILY_SNAPSHOTS = TypeAdapter(list[FamilySnapshot])
_PLAN_ITEMS = TypeAdapter(list[PlanItemSnapshot])
_APPOINTMENTS = TypeAdapter(list[AppointmentSnapshot])


def _hhmm(at: time) -> str:
    """A wall time to the minute."""
    return at.strftime("%H:%M")
