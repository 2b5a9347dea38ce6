"""The outbox: stored reminders, their delivery state (attempts, last error), and its SQL."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite
from pydantic import BaseModel, ConfigDict

from bot.domain.reminders.facts import Reminder, ReminderFacts
from bot.domain.reminders.kinds import DEFAULT_TIMEZONE, ReminderKind
from bot.domain.reminders.quiet import CatchUp
from bot.storage.db import Database, first_row
from bot.storage.morning_batches import (
    MorningBatchStore,
    NewMorningBatch,
    claim_batch,
    store_batches,
)
from bot.storage.sending_checks import SendingChecks
from bot.storage.stored_values import utc_text

CATCH_UP_SUFFIXES = 50  # more catch-ups than this in one hour for one person is a bug upstream
_ITEM_COLUMNS = (
    "SELECT o.*, a.locale AS assistant_locale, s.timezone AS assistant_timezone FROM outbox o "
    "LEFT JOIN assistants a ON a.telegram_id = o.assistant_id "
    "LEFT JOIN reminder_settings s ON s.telegram_id = o.assistant_id"
)


class OutboxStatus(StrEnum):
    """Where a stored reminder stands."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after repeated errors other than flood control
    DROPPED_UNREACHABLE = "dropped_unreachable"  # the assistant blocked the bot
    COLLAPSED = "collapsed"  # folded into a catch-up; kept so its key is not computed again
    WITHDRAWN = "withdrawn"  # no longer true before it went out (appointment moved, cancelled)
    DONE = "done"  # the assistant pressed "done"


_PENDING = OutboxStatus.PENDING.value


class OutboxItem(BaseModel):
    """A stored reminder as the dispatcher and the texts see it."""

    model_config = ConfigDict(frozen=True)

    id: int
    key: str
    assistant_id: int
    kind: ReminderKind
    urgent: bool = False
    subject: str = ""
    facts: ReminderFacts
    due_at: datetime
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None = None
    attempts: int = 0
    status: OutboxStatus = OutboxStatus.PENDING
    last_error: str | None = None
    locale: str = "pl"  # the assistant's language when it was read
    timezone: str = DEFAULT_TIMEZONE  # the assistant's zone, for the times in the text

    @property
    def zone(self) -> ZoneInfo:
        """The zone the text shows times in."""
        return ZoneInfo(self.timezone)

    @property
    def family_code(self) -> str | None:
        """The family the reminder is about, if one."""
        return self.facts.family_code

    @property
    def family_id(self) -> int | None:
        """The id of the family the reminder is about, if one."""
        return self.facts.family_id

    def as_reminder(self) -> Reminder:
        """The occurrence behind the row (for folding backlog into a catch-up)."""
        # The fields the two share by name, and the row's next attempt as when it may go out.
        reminder = Reminder.model_validate(self, from_attributes=True)
        return reminder.model_copy(update={"send_at": self.next_attempt_at})


class UnreachableNotice(BaseModel):
    """For the admins: an assistant blocked the bot, their reminders stopped."""

    model_config = ConfigDict(frozen=True)

    assistant_id: int
    display_name: str
    dropped: int  # pending reminders dropped


class OutboxRepository(MorningBatchStore, SendingChecks):
    """The outbox rows: queued by a tick, sent, retried, snoozed, withdrawn, purged."""

    def __init__(self, db: Database, *, timezone: str, locale: str) -> None:
        self.db = db
        self.timezone = timezone  # the centre's zone and language, for whoever set none
        self.locale = locale
        self.unreadable: set[int] = set()

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
            (_PENDING, utc_text(before)),
        )
        return [self._item(r) for r in rows]

    async def enqueue(
        self,
        plan: CatchUp,
        now: datetime,
        *,
        durable: bool = True,
        batches: tuple[NewMorningBatch, ...] = (),
        expanding: tuple[int, datetime] | None = None,
    ) -> int:
        """Store a tick's result in one short transaction; return how many messages were queued.

        New reminders and catch-ups become pending rows (INSERT OR IGNORE: a key stored once
        stays once); reminders folded into a catch-up are stored as collapsed, so their keys
        are not computed again; folded backlog rows become collapsed; the tick's morning
        `batches` are stored with them; the tick time is kept. Or, `expanding` (a morning
        batch's id, the moment): the batch's rows, stored only if the batch is claimed in the
        same transaction (never twice), the tick time left alone. The rows are made before
        the transaction, which runs in one trip to SQLite's thread. A part of a tick need not
        be `durable` (see Database.write_with): the tick computes it again if a power cut
        undoes it.
        """
        created = utc_text(now)
        stamps: dict[datetime, str] = {}
        queue = _Queue(
            created=created,
            send=[_row(r, OutboxStatus.PENDING, created, stamps) for r in plan.send],
            collapsed=[_row(r, OutboxStatus.COLLAPSED, created, stamps) for r in plan.collapsed],
            folded=plan.folded_backlog,
            catch_ups=plan.catch_ups,
            batches=batches,
            expanding=None if expanding is None else (expanding[0], utc_text(expanding[1])),
        )
        return await self.db.write_with(_store, queue, durable=durable)

    async def due(self, now: datetime, limit: int) -> list[OutboxItem]:
        """Pending rows whose time has come, oldest first."""
        rows = await self.db.fetch_all(
            f"{_ITEM_COLUMNS} WHERE o.status = ? AND o.next_attempt_at <= ? "
            "ORDER BY o.next_attempt_at, o.id LIMIT ?",
            (_PENDING, utc_text(now), limit),
        )
        return [self._item(r) for r in rows]

    async def get(self, outbox_id: int) -> OutboxItem | None:
        """One outbox row."""
        row = await self.db.fetch_one(f"{_ITEM_COLUMNS} WHERE o.id = ?", (outbox_id,))
        return None if row is None else self._item(row)

    async def is_pending(self, outbox_id: int) -> bool:
        """Whether a row is still waiting to be sent."""
        row = await self.db.fetch_one("SELECT status FROM outbox WHERE id = ?", (outbox_id,))
        return row is not None and row["status"] == _PENDING

    async def mark_sent(self, outbox_id: int, now: datetime) -> None:
        """Telegram took the message: never send this row again."""
        sets = "status = ?, sent_at = ?, attempts = attempts + 1, last_error = NULL"
        await self._change_pending(outbox_id, sets, OutboxStatus.SENT.value, utc_text(now))

    async def retry_at(self, outbox_id: int, when: datetime, error: str) -> None:
        """Keep a row pending for another try at `when`."""
        sets = "next_attempt_at = ?, attempts = attempts + 1, last_error = ?"
        await self._change_pending(outbox_id, sets, utc_text(when), error)

    async def mark_failed(self, outbox_id: int, error: str) -> None:
        """Give up on a row after repeated errors."""
        sets = "status = ?, attempts = attempts + 1, last_error = ?"
        await self._change_pending(outbox_id, sets, OutboxStatus.FAILED.value, error)

    async def _change_pending(self, outbox_id: int, sets: str, *values: object) -> None:
        """Update a row that is still pending; one sent or withdrawn meanwhile stays as it is."""
        async with self.db.write() as conn:
            await conn.execute(
                f"UPDATE outbox SET {sets} WHERE id = ? AND status = ?",
                (*values, outbox_id, _PENDING),
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
            row = await first_row(
                conn,
                "SELECT coalesce(s.unreachable, 0) AS unreachable FROM assistants a "
                "LEFT JOIN reminder_settings s ON s.telegram_id = a.telegram_id "
                "WHERE a.telegram_id = ?",
                (assistant_id,),
            )
            if row is None or row["unreachable"]:
                return None
            return await _drop_unreachable(conn, assistant_id, now, error)

    async def snooze(self, outbox_id: int, until: datetime) -> bool:
        """Send a sent (or still pending) row again at `until`; False if it cannot be."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET status = ?, next_attempt_at = ?, last_error = NULL "
                "WHERE id = ? AND status IN (?, ?)",
                (_PENDING, utc_text(until), outbox_id, _PENDING, OutboxStatus.SENT.value),
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
        sets = "status = ?, key = key || '~' || id"
        await self._change_pending(outbox_id, sets, OutboxStatus.WITHDRAWN.value)

    async def purge(self, before: datetime) -> int:
        """Delete finished rows created before a moment (their keys' windows are long over).

        The row with the highest id stays: ids are rowids (max + 1), and a reminder's buttons
        carry its id, so a new row given a purged one's id would be acted on by old buttons.
        This is the only DELETE on the outbox; another one must keep that row too.
        """
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "DELETE FROM outbox WHERE status != ? AND created_at < ? "
                "AND id < (SELECT max(id) FROM outbox)",
                (_PENDING, utc_text(before)),
            )
            await conn.execute(
                "DELETE FROM morning_batches WHERE expanded_at IS NOT NULL AND computed_at < ?",
                (utc_text(before),),
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


_INSERT = (
    "INSERT OR IGNORE INTO outbox (key, assistant_id, kind, urgent, subject, payload, "
    "due_at, created_at, next_attempt_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True, slots=True)
class _Queue:
    """One transaction of a tick: its rows made, its catch-ups still to join or insert."""

    created: str
    send: list[tuple[Any, ...]]
    collapsed: list[tuple[Any, ...]]
    folded: tuple[str, ...]
    catch_ups: tuple[Reminder, ...]
    batches: tuple[NewMorningBatch, ...]
    expanding: tuple[int, str] | None  # a morning batch's id and the moment it is expanded


def _store(conn: sqlite3.Connection, queue: _Queue) -> int:
    """In SQLite's thread, inside the write: store a tick's rows; how many were queued."""
    if queue.expanding is not None:
        if not claim_batch(conn, *queue.expanding):
            return 0  # expanded already (by another run, or before a restart)
        return _insert(conn, queue.send)
    store_batches(conn, queue.batches, queue.created)
    queued = _insert(conn, queue.send)
    _insert(conn, queue.collapsed)
    if queue.folded:
        conn.execute(
            "UPDATE outbox SET status = ? WHERE status = ? "
            "AND key IN (SELECT value FROM json_each(?))",
            (OutboxStatus.COLLAPSED.value, _PENDING, json.dumps(queue.folded)),
        )
    for catch_up in queue.catch_ups:
        queued += _store_catch_up(conn, catch_up, queue.created)
    conn.execute(
        "INSERT INTO scheduler_state (id, last_tick_at) VALUES (1, ?) "
        "ON CONFLICT (id) DO UPDATE SET "
        "last_tick_at = max(last_tick_at, excluded.last_tick_at)",
        (queue.created,),
    )
    return queued


def _insert(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> int:
    """Inside a write: INSERT OR IGNORE rows; return how many were new."""
    if not rows:
        return 0
    return max(conn.executemany(_INSERT, rows).rowcount, 0)


def _store_catch_up(conn: sqlite3.Connection, catch_up: Reminder, now: str) -> int:
    """Inside a write: store a catch-up; a second one in the same hour joins a pending first.

    Its key carries the tick's date and hour, so a re-run does not send two. Should a later
    tick in the same hour fold new misses, they join the first while it waits, or go out
    under a numbered key once it was sent: folded reminders are never lost.
    """
    for number in range(1, CATCH_UP_SUFFIXES + 1):
        key = catch_up.key if number == 1 else f"{catch_up.key}:{number}"
        candidate = catch_up.model_copy(update={"key": key})
        if _insert(conn, [_row(candidate, OutboxStatus.PENDING, now, {})]):
            return 1
        row = conn.execute("SELECT status, payload FROM outbox WHERE key = ?", (key,)).fetchone()
        if row is not None and row["status"] == _PENDING:
            stored = ReminderFacts.model_validate_json(row["payload"])
            merged = stored.model_copy(update={"missed": stored.missed + catch_up.facts.missed})
            conn.execute(
                "UPDATE outbox SET payload = ?, urgent = max(urgent, ?) WHERE key = ?",
                (merged.model_dump_json(exclude_defaults=True), int(catch_up.urgent), key),
            )
            return 0
    raise RuntimeError("too many catch-up messages in one hour")  # pragma: no cover


def _row(
    reminder: Reminder, status: OutboxStatus, now: str, stamps: dict[datetime, str]
) -> tuple[Any, ...]:
    """The outbox columns of a reminder (`stamps`: instants already written as text)."""
    due_at, send_time = reminder.due_at, reminder.send_time
    if (due := stamps.get(due_at)) is None:
        due = stamps[due_at] = utc_text(due_at)
    if (send := stamps.get(send_time)) is None:
        send = stamps[send_time] = utc_text(send_time)
    return (
        reminder.key,
        reminder.assistant_id,
        reminder.kind.value,
        int(reminder.urgent),
        reminder.subject,
        reminder.facts.model_dump_json(exclude_defaults=True),
        due,
        now,
        send,
        status.value,
    )


async def _drop_unreachable(
    conn: aiosqlite.Connection, assistant_id: int, now: datetime, error: str
) -> tuple[str, int]:
    """Inside a write: set the unreachable flag, drop pending rows; (name, rows dropped)."""
    await conn.execute(
        "INSERT INTO reminder_settings (telegram_id, unreachable, unreachable_since) "
        "VALUES (?, 1, ?) ON CONFLICT (telegram_id) DO UPDATE SET unreachable = 1, "
        "unreachable_since = coalesce(unreachable_since, excluded.unreachable_since)",
        (assistant_id, utc_text(now)),
    )
    cursor = await conn.execute(
        "UPDATE outbox SET status = ?, last_error = ? WHERE assistant_id = ? AND status = ?",
        (OutboxStatus.DROPPED_UNREACHABLE.value, error, assistant_id, _PENDING),
    )
    dropped = cursor.rowcount
    # A batch stored meanwhile is dropped with the rest (the caller expanded those before).
    await conn.execute(
        "UPDATE morning_batches SET expanded_at = ?, inputs = NULL "
        "WHERE assistant_id = ? AND expanded_at IS NULL",
        (utc_text(now), assistant_id),
    )
    row = await first_row(
        conn, "SELECT display_name FROM assistants WHERE telegram_id = ?", (assistant_id,)
    )
    name = str(assistant_id) if row is None else str(row["display_name"])
    return name, dropped
