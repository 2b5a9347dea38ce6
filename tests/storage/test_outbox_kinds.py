"""The outbox's kinds and statuses are rows of their own tables (0020), checked by foreign key."""

from __future__ import annotations

import sqlite3

import pytest

from bot.domain.reminders.kinds import ReminderKind
from bot.storage.db import Database
from bot.storage.outbox import OutboxStatus

_ROW = (
    "INSERT INTO outbox (key, assistant_id, kind, payload, due_at, created_at, "
    "next_attempt_at, status) VALUES ('k', 1, ?, '{}', 'x', 'x', 'x', ?)"
)


async def test_every_kind_and_status_of_the_code_is_allowed(db: Database) -> None:
    kinds = {r["kind"] for r in await db.fetch_all("SELECT kind FROM outbox_kinds")}
    statuses = {r["status"] for r in await db.fetch_all("SELECT status FROM outbox_statuses")}
    assert kinds == {k.value for k in ReminderKind}
    assert statuses == {s.value for s in OutboxStatus}


@pytest.mark.parametrize(("kind", "status"), [("birthday", "pending"), ("digest", "lost")])
async def test_an_unknown_kind_or_status_is_refused(db: Database, kind: str, status: str) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        async with db.write() as conn:
            await conn.execute(_ROW, (kind, status))
    async with db.write() as conn:
        await conn.execute(_ROW, ("digest", "pending"))
    assert len(await db.fetch_all("SELECT id FROM outbox")) == 1
