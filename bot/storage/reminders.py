"""SQL for reminders: assistants' settings, the bulk reads of a tick, and the outbox."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.domain.reminders import (
    AppointmentSnapshot,
    AssistantPrefs,
    CatchUp,
    FamilySnapshot,
    OutboxItem,
    OutboxStatus,
    PlanItemSnapshot,
    Reminder,
    ReminderFacts,
)
from bot.storage.db import Database

_PENDING = OutboxStatus.PENDING.value
_OPEN_GOAL = "g.status IN ('planned', 'in_progress')"
_CURRENT_PLAN = (
    "g.plan_id = (SELECT p.id FROM plans p WHERE p.family_id = g.family_id AND p.ended_on IS NULL)"
)
_ITEM_COLUMNS = (
    "SELECT o.*, a.locale AS assistant_locale, s.timezone AS assistant_timezone FROM outbox o "
    "LEFT JOIN assistants a ON a.telegram_id = o.assistant_id "
    "LEFT JOIN reminder_settings s ON s.telegram_id = o.assistant_id"
)
_PREFS_COLUMNS = (
    "SELECT a.telegram_id, a.locale, s.digest_time, s.quiet_start, s.quiet_end, s.timezone, "
    "s.working_days, coalesce(s.unreachable, 0) AS unreachable FROM assistants a "
    "LEFT JOIN reminder_settings s ON s.telegram_id = a.telegram_id"
)
CATCH_UP_SUFFIXES = 50  # more catch-ups than this in one hour for one person is a bug upstream


class ReminderRepository:
    """Reminder settings, the snapshots a tick computes from, and the outbox rows."""

    def __init__(self, db: Database, *, timezone: str, locale: str) -> None:
        self.db = db
        self.timezone = timezone  # the centre's zone and language, for whoever set none
        self.locale = locale

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

    async def family_snapshots(self, assistant_ids: list[int]) -> list[FamilySnapshot]:
        """The active families of these assistants with last visit, plan and assessment.

        One statement: the last completed visit, the current plan and the last assessment are
        each one index seek per family (partial index on completed visits), not a loop here.
        """
        rows = await self.db.fetch_all(
            "SELECT f.id AS family_id, f.code, f.assistant_id, f.visits_per_week, f.created_at, "
            "  f.contract_valid_until, "
            "  (SELECT max(v.visit_date) FROM visits v "
            "     WHERE v.family_id = f.id AND v.kind = 'completed') AS last_visit, "
            "  (SELECT p.started_on FROM plans p "
            "     WHERE p.family_id = f.id AND p.ended_on IS NULL) AS plan_started_on, "
            "  (SELECT max(s.day) FROM assessments s WHERE s.family_id = f.id) AS last_assessment "
            "FROM families f WHERE f.active = 1 "
            "AND f.assistant_id IN (SELECT value FROM json_each(?))",
            (json.dumps(assistant_ids),),
        )
        zone = ZoneInfo(self.timezone)
        return [
            FamilySnapshot.model_validate(
                {
                    **r,
                    "registered_on": datetime.fromisoformat(r["created_at"])
                    .astimezone(zone)
                    .date(),
                }
            )
            for r in rows
        ]

    async def plan_items(
        self, assistant_ids: list[int], due_until: date
    ) -> list[PlanItemSnapshot]:
        """Open goals and tasks of the current plans due on or before a day (overdue ones too)."""
        rows = await self.db.fetch_all(
            "SELECT 'goal' AS kind, g.id, g.id AS goal_id, g.family_id, f.code AS family_code, "
            "  f.assistant_id, g.due "
            "FROM goals g JOIN families f ON f.id = g.family_id "
            f"WHERE g.due IS NOT NULL AND g.due <= ?1 AND {_OPEN_GOAL} AND {_CURRENT_PLAN} "
            "  AND f.active = 1 AND f.assistant_id IN (SELECT value FROM json_each(?2)) "
            "UNION ALL "
            "SELECT 'task', t.id, t.goal_id, g.family_id, f.code, f.assistant_id, t.due "
            "FROM tasks t JOIN goals g ON g.id = t.goal_id JOIN families f ON f.id = g.family_id "
            f"WHERE t.due IS NOT NULL AND t.done = 0 AND t.due <= ?1 AND {_OPEN_GOAL} "
            f"  AND {_CURRENT_PLAN} AND f.active = 1 "
            "  AND f.assistant_id IN (SELECT value FROM json_each(?2))",
            (due_until.isoformat(), json.dumps(assistant_ids)),
        )
        return [PlanItemSnapshot.model_validate(r) for r in rows]

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
            (_utc(start), _utc(end)),
        )
        return [
            AppointmentSnapshot.model_validate({**r, "accompany": bool(r["accompany"])})
            for r in rows
        ]

    # The outbox

    async def existing_keys(self, keys: list[str]) -> set[str]:
        """Which of these occurrence keys are already in the outbox (in any status)."""
        if not keys:
            return set()
        rows = await self.db.fetch_all(
            "SELECT key FROM outbox WHERE key IN (SELECT value FROM json_each(?))",
            (json.dumps(keys),),
        )
        return {r["key"] for r in rows}

    async def last_tick(self) -> datetime | None:
        """When the previous tick ran, if ever."""
        row = await self.db.fetch_one("SELECT last_tick_at FROM scheduler_state WHERE id = 1")
        return None if row is None else datetime.fromisoformat(row["last_tick_at"])

    async def backlog(self, before: datetime) -> list[OutboxItem]:
        """Pending rows never sent whose time came before a moment (left over from downtime)."""
        rows = await self.db.fetch_all(
            f"{_ITEM_COLUMNS} WHERE o.status = ? AND o.sent_at IS NULL "
            "AND o.next_attempt_at < ? ORDER BY o.next_attempt_at, o.id",
            (_PENDING, _utc(before)),
        )
        return [self._item(r) for r in rows]

    async def enqueue(self, plan: CatchUp, now: datetime) -> int:
        """Store a tick's result in one short transaction; return how many messages were queued.

        New reminders and catch-ups become pending rows (INSERT OR IGNORE: a key stored once
        stays once); reminders folded into a catch-up are stored as collapsed, so their keys
        are not computed again; folded backlog rows become collapsed; the tick time is kept.
        """
        created = _utc(now)
        async with self.db.write() as conn:
            queued = await _insert(conn, plan.send, OutboxStatus.PENDING, created)
            await _insert(conn, plan.collapsed, OutboxStatus.COLLAPSED, created)
            await conn.execute(
                "UPDATE outbox SET status = ? WHERE status = ? "
                "AND key IN (SELECT value FROM json_each(?))",
                (OutboxStatus.COLLAPSED.value, _PENDING, json.dumps(plan.folded_backlog)),
            )
            for catch_up in plan.catch_ups:
                queued += await _insert_catch_up(conn, catch_up, created)
            await conn.execute(
                "INSERT INTO scheduler_state (id, last_tick_at) VALUES (1, ?) "
                "ON CONFLICT (id) DO UPDATE SET "
                "last_tick_at = max(last_tick_at, excluded.last_tick_at)",
                (created,),
            )
        return queued

    async def due(self, now: datetime, limit: int) -> list[OutboxItem]:
        """Pending rows whose time has come, oldest first."""
        rows = await self.db.fetch_all(
            f"{_ITEM_COLUMNS} WHERE o.status = ? AND o.next_attempt_at <= ? "
            "ORDER BY o.next_attempt_at, o.id LIMIT ?",
            (_PENDING, _utc(now), limit),
        )
        return [self._item(r) for r in rows]

    async def get(self, outbox_id: int) -> OutboxItem | None:
        """One outbox row."""
        row = await self.db.fetch_one(f"{_ITEM_COLUMNS} WHERE o.id = ?", (outbox_id,))
        return None if row is None else self._item(row)

    async def for_subject(self, subject: str) -> list[OutboxItem]:
        """Every row about one subject ("appointment:12"), oldest first."""
        rows = await self.db.fetch_all(
            f"{_ITEM_COLUMNS} WHERE o.subject = ? ORDER BY o.id", (subject,)
        )
        return [self._item(r) for r in rows]

    async def is_pending(self, outbox_id: int) -> bool:
        """Whether a row is still waiting to be sent."""
        row = await self.db.fetch_one("SELECT status FROM outbox WHERE id = ?", (outbox_id,))
        return row is not None and row["status"] == _PENDING

    async def mark_sent(self, outbox_id: int, now: datetime) -> None:
        """Telegram took the message: never send this row again."""
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE outbox SET status = ?, sent_at = ?, attempts = attempts + 1, "
                "last_error = NULL WHERE id = ? AND status = ?",
                (OutboxStatus.SENT.value, _utc(now), outbox_id, _PENDING),
            )

    async def retry_at(self, outbox_id: int, when: datetime, error: str) -> None:
        """Keep a row pending for another try at `when`."""
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE outbox SET next_attempt_at = ?, attempts = attempts + 1, last_error = ? "
                "WHERE id = ? AND status = ?",
                (_utc(when), error, outbox_id, _PENDING),
            )

    async def mark_failed(self, outbox_id: int, error: str) -> None:
        """Give up on a row after repeated errors."""
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ? "
                "WHERE id = ? AND status = ?",
                (OutboxStatus.FAILED.value, error, outbox_id, _PENDING),
            )

    async def drop_unreachable(
        self, assistant_id: int, now: datetime, error: str
    ) -> tuple[str, int]:
        """Mark an assistant unreachable and drop their pending rows, atomically.

        Returns their display name and how many rows were dropped.
        """
        async with self.db.write() as conn:
            return await _drop_unreachable(conn, assistant_id, now, error)

    async def drop_newly_unreachable(
        self, assistant_id: int, now: datetime, error: str
    ) -> tuple[str, int] | None:
        """Like drop_unreachable, for a registered person not yet marked; None otherwise."""
        async with self.db.write() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT coalesce(s.unreachable, 0) AS unreachable FROM assistants a "
                    "LEFT JOIN reminder_settings s ON s.telegram_id = a.telegram_id "
                    "WHERE a.telegram_id = ?",
                    (assistant_id,),
                )
            )
            if not rows or rows[0]["unreachable"]:
                return None
            return await _drop_unreachable(conn, assistant_id, now, error)

    async def snooze(self, outbox_id: int, until: datetime) -> bool:
        """Send a sent (or still pending) row again at `until`; False if it cannot be."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET status = ?, next_attempt_at = ?, last_error = NULL "
                "WHERE id = ? AND status IN (?, ?)",
                (_PENDING, _utc(until), outbox_id, _PENDING, OutboxStatus.SENT.value),
            )
            return cursor.rowcount == 1

    async def mark_done(self, outbox_id: int) -> bool:
        """The assistant dealt with it: a snoozed row will not come again."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET status = ? WHERE id = ? AND status IN (?, ?)",
                (OutboxStatus.DONE.value, outbox_id, _PENDING, OutboxStatus.SENT.value),
            )
            return cursor.rowcount == 1

    async def withdraw(self, subject: str) -> int:
        """Withdraw the pending rows about a subject that changed; return how many.

        A withdrawn row gives up its key (suffixed with its id), so the same occurrence can be
        queued again if it becomes true again (an appointment moved away and back).
        """
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET status = ?, key = key || '~' || id "
                "WHERE subject = ? AND status = ?",
                (OutboxStatus.WITHDRAWN.value, subject, _PENDING),
            )
            return cursor.rowcount

    async def withdraw_item(self, outbox_id: int) -> None:
        """Withdraw one pending row (its family moved to another assistant)."""
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE outbox SET status = ?, key = key || '~' || id WHERE id = ? AND status = ?",
                (OutboxStatus.WITHDRAWN.value, outbox_id, _PENDING),
            )

    async def holds_family(self, assistant_id: int, family_id: int) -> bool:
        """Whether the family is (still) assigned to this assistant."""
        row = await self.db.fetch_one(
            "SELECT 1 AS held FROM families WHERE id = ? AND assistant_id = ? AND active = 1",
            (family_id, assistant_id),
        )
        return row is not None

    async def purge(self, before: datetime) -> int:
        """Delete finished rows created before a moment (their keys' windows are long over)."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "DELETE FROM outbox WHERE status != ? AND created_at < ?", (_PENDING, _utc(before))
            )
            return cursor.rowcount

    def _item(self, row: dict[str, Any]) -> OutboxItem:
        """An outbox row with its assistant's language and zone."""
        return OutboxItem.model_validate(
            {
                **row,
                "urgent": bool(row["urgent"]),
                "facts": ReminderFacts.model_validate_json(row["payload"]),
                "locale": row["assistant_locale"] or self.locale,
                "timezone": row["assistant_timezone"] or self.timezone,
            }
        )


async def _insert(
    conn: aiosqlite.Connection, reminders: tuple[Reminder, ...], status: OutboxStatus, now: str
) -> int:
    """Inside a write: INSERT OR IGNORE reminders; return how many rows were new."""
    if not reminders:
        return 0
    cursor = await conn.executemany(
        "INSERT OR IGNORE INTO outbox (key, assistant_id, kind, urgent, subject, payload, "
        "due_at, created_at, next_attempt_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [_row(r, status, now) for r in reminders],
    )
    return max(cursor.rowcount, 0)


async def _insert_catch_up(conn: aiosqlite.Connection, catch_up: Reminder, now: str) -> int:
    """Inside a write: store a catch-up; a second one in the same hour joins a pending first.

    Its key carries the tick's date and hour, so a re-run does not send two. Should a later
    tick in the same hour fold new misses, they join the first while it waits, or go out
    under a numbered key once it was sent: folded reminders are never lost.
    """
    for number in range(1, CATCH_UP_SUFFIXES + 1):
        key = catch_up.key if number == 1 else f"{catch_up.key}:{number}"
        candidate = catch_up.model_copy(update={"key": key})
        if await _insert(conn, (candidate,), OutboxStatus.PENDING, now):
            return 1
        rows = list(
            await conn.execute_fetchall("SELECT status, payload FROM outbox WHERE key = ?", (key,))
        )
        if rows and rows[0]["status"] == _PENDING:
            stored = ReminderFacts.model_validate_json(rows[0]["payload"])
            merged = stored.model_copy(update={"missed": stored.missed + catch_up.facts.missed})
            await conn.execute(
                "UPDATE outbox SET payload = ?, urgent = max(urgent, ?) WHERE key = ?",
                (merged.model_dump_json(exclude_defaults=True), int(catch_up.urgent), key),
            )
            return 0
    raise RuntimeError("too many catch-up messages in one hour")  # pragma: no cover


def _row(reminder: Reminder, status: OutboxStatus, now: str) -> tuple[Any, ...]:
    """The outbox columns of a reminder."""
    return (
        reminder.key,
        reminder.assistant_id,
        reminder.kind.value,
        int(reminder.urgent),
        reminder.subject,
        reminder.facts.model_dump_json(exclude_defaults=True),
        _utc(reminder.due_at),
        now,
        _utc(reminder.send_time),
        status.value,
    )


def _hhmm(at: time) -> str:
    """A wall time to the minute."""
    return at.strftime("%H:%M")


def _utc(moment: datetime) -> str:
    """A UTC instant as fixed-width ISO text (text order is time order)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


async def _drop_unreachable(
    conn: aiosqlite.Connection, assistant_id: int, now: datetime, error: str
) -> tuple[str, int]:
    """Inside a write: set the unreachable flag, drop pending rows; (name, rows dropped)."""
    await conn.execute(
        "INSERT INTO reminder_settings (telegram_id, unreachable, unreachable_since) "
        "VALUES (?, 1, ?) ON CONFLICT (telegram_id) DO UPDATE SET unreachable = 1, "
        "unreachable_since = coalesce(unreachable_since, excluded.unreachable_since)",
        (assistant_id, _utc(now)),
    )
    cursor = await conn.execute(
        "UPDATE outbox SET status = ?, last_error = ? WHERE assistant_id = ? AND status = ?",
        (OutboxStatus.DROPPED_UNREACHABLE.value, error, assistant_id, _PENDING),
    )
    dropped = cursor.rowcount
    names = list(
        await conn.execute_fetchall(
            "SELECT display_name FROM assistants WHERE telegram_id = ?", (assistant_id,)
        )
    )
    name = str(names[0]["display_name"]) if names else str(assistant_id)
    return name, dropped
