"""SQL for the messages that must leave the chat (table chat_cleanup)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

import aiosqlite

from bot.domain.chat_cleanup import DueMessage, MessageKind, ShownMessage, deadline
from bot.storage.db import Database
from bot.storage.sqlite_work import Statement

_REMEMBER = (
    "INSERT INTO chat_cleanup (chat_id, message_id, kind, sent_at, deadline, due_at, walk, "
    "locale) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (chat_id, message_id) DO UPDATE SET "
    "kind = excluded.kind, due_at = excluded.due_at, walk = excluded.walk, "
    "locale = excluded.locale, sent_at = min(sent_at, excluded.sent_at), "
    "deadline = coalesce(deadline, excluded.deadline)"
)


def _iso(moment: datetime | None) -> str | None:
    """UTC ISO text (comparable as text), or NULL."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


class ChatCleanupRepository:
    """Which messages leave the chat when; a row goes once its message is gone."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def remember(
        self,
        shown: Sequence[tuple[ShownMessage, datetime | None]],
        *,
        walk: str | None,
        locale: str,
    ) -> None:
        """Store messages with their due time (a message shown again gets the new one)."""
        async with self.db.write() as conn:
            await _remember(conn, shown, walk, locale)

    @staticmethod
    def remember_writes(
        shown: Sequence[tuple[ShownMessage, datetime | None]], *, walk: str | None, locale: str
    ) -> list[Statement]:
        """The upserts `remember` would run, for a caller's transaction."""
        return [_remember_statement(message, due, walk, locale) for message, due in shown]

    def walk_step(
        self,
        chat_id: int,
        walk: str,
        shown: Sequence[tuple[ShownMessage, datetime | None]],
        *,
        timed: datetime | None,
        locale: str,
    ) -> list[Statement]:
        """The writes that store a walk's new messages and move all of them to `timed`.

        Returned, not run: they are committed with the update's walk state (one transaction).
        None for `timed` means each message's deadline.
        """
        return [
            *self.remember_writes(shown, walk=walk, locale=locale),
            (
                "UPDATE chat_cleanup SET due_at = CASE "
                "WHEN ? IS NULL THEN deadline "
                "WHEN deadline IS NOT NULL AND deadline < ? THEN deadline ELSE ? END "
                "WHERE chat_id = ? AND walk = ?",
                (_iso(timed), _iso(timed), _iso(timed), chat_id, walk),
            ),
        ]

    async def save_now(self, writes: Sequence[Statement], *, durable: bool = True) -> None:
        """Commit writes made by `walk_step` in one transaction of their own.

        Not `durable`: not synced now, only safe from a kill (see Database.write_bookkeeping).
        """
        if writes:
            await self.db.write_bookkeeping(writes, durable=durable)

    async def walk_over(
        self,
        chat_id: int,
        walk: str,
        now: datetime,
        keep: int | None,
        before: Sequence[Statement] = (),
    ) -> int:
        """A walk ended: its messages are due now, except `keep` (the codes-only last word).

        `before` (the update's pending walk-step writes) commits first, in the same trip.
        """
        # Without new messages to remember this need not wait for the disk: the update's
        # own commit comes next, and waits if it forgets any or changed records (gate._finish).
        job = (before, chat_id, walk, _iso(now), keep)
        return await self.db.bookkeep_with(_walk_over, job, durable=bool(before))

    async def due(self, now: datetime, chat_id: int | None, limit: int) -> list[DueMessage]:
        """The messages whose time is over, oldest due first (one chat's, or everyone's)."""
        sql = "SELECT * FROM chat_cleanup WHERE due_at IS NOT NULL AND due_at <= ?"
        params: list[object] = [_iso(now)]
        if chat_id is not None:
            sql += " AND chat_id = ?"
            params.append(chat_id)
        small = chat_id is not None  # one chat's (everyone's is the clean-up job's read)
        rows = await self.db.fetch_all(
            sql + " ORDER BY due_at, id LIMIT ?", [*params, limit], small=small
        )
        return [
            DueMessage(
                id=int(row["id"]),
                chat_id=int(row["chat_id"]),
                message_id=int(row["message_id"]),
                kind=MessageKind(row["kind"]),
                sent_at=datetime.fromisoformat(row["sent_at"]),
                locale=str(row["locale"]),
            )
            for row in rows
        ]

    async def settle(self, ids: Sequence[int]) -> None:
        """These messages are gone (or stubbed): forget them."""
        if ids:  # bookkeeping no read memo holds: one trip, and the memos stay valid
            await self.db.write_bookkeeping(self.settle_writes(ids))

    @staticmethod
    def settle_writes(ids: Sequence[int]) -> list[Statement]:
        """The deletes that forget these rows."""
        return [("DELETE FROM chat_cleanup WHERE id = ?", (row_id,)) for row_id in ids]

    async def pending(self, chat_id: int) -> list[dict[str, object]]:
        """Every stored row of a chat (for doctor-like checks and tests)."""
        return await self.db.fetch_all(
            "SELECT * FROM chat_cleanup WHERE chat_id = ? ORDER BY id", (chat_id,)
        )


def _walk_over(
    conn: sqlite3.Connection,
    job: tuple[Sequence[Statement], int, str, str | None, int | None],
) -> int:
    """On the raw connection, inside the transaction: `walk_over`'s writes; the rows released."""
    before, chat_id, walk, now, keep = job
    for sql, params in before:
        conn.execute(sql, params)
    if keep is not None:
        conn.execute(
            "DELETE FROM chat_cleanup WHERE chat_id = ? AND message_id = ?", (chat_id, keep)
        )
    cursor = conn.execute(
        "UPDATE chat_cleanup SET due_at = ?, walk = NULL WHERE chat_id = ? AND walk = ?",
        (now, chat_id, walk),
    )
    return max(cursor.rowcount, 0)


async def _remember(
    conn: aiosqlite.Connection,
    shown: Sequence[tuple[ShownMessage, datetime | None]],
    walk: str | None,
    locale: str,
) -> None:
    """Upsert the rows of `shown` inside a write."""
    await conn.executemany(
        _REMEMBER, [_remember_statement(m, due, walk, locale)[1] for m, due in shown]
    )


def _remember_statement(
    message: ShownMessage, due: datetime | None, walk: str | None, locale: str
) -> Statement:
    """The upsert of one message's row."""
    return (
        _REMEMBER,
        (
            message.chat_id,
            message.message_id,
            message.kind.value,
            _iso(message.sent_at),
            _iso(deadline(message.kind, message.sent_at)),
            _iso(due),
            walk,
            locale,
        ),
    )
