"""The loop's own connection: bookkeeping that need not wait for the disk, and small reads."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.storage import db as db_module
from bot.storage import sqlite_work
from bot.storage.db import Bookkeeping, Database

INSERT = "INSERT INTO recent_updates (update_id, fingerprint, processed_at) VALUES (?, ?, ?)"


def update_row(update_id: int) -> tuple[str, tuple[Any, ...]]:
    """The bookkeeping row of one processed update."""
    return INSERT, (update_id, "f", "2026-12-01T09:00:00+00:00")


async def _ids(db: Database) -> list[int]:
    """The update ids stored, read in aiosqlite's thread."""
    rows = await db.fetch_all("SELECT update_id FROM recent_updates ORDER BY update_id")
    return [int(r["update_id"]) for r in rows]


@pytest.fixture
def checkpoints(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, int]]:
    """Every flush's checkpoint, with SQLite's answer; flushes come 10 ms after a commit."""
    seen: list[tuple[int, int, int]] = []
    original = sqlite_work.checkpoint

    def counted(conn: sqlite3.Connection, arg: None) -> tuple[int, int, int]:
        seen.append(original(conn, arg))
        return seen[-1]

    monkeypatch.setattr(sqlite_work, "checkpoint", counted)
    monkeypatch.setattr(db_module, "FLUSH_AFTER_S", 0.01)
    return seen


async def test_the_two_connections_sync_as_said(db: Database) -> None:
    assert (await db.fetch_one("PRAGMA synchronous")) == {"synchronous": 2}  # FULL
    assert db.here.execute("PRAGMA synchronous").fetchall() == [{"synchronous": 1}]  # NORMAL
    assert db.here.execute("PRAGMA wal_autocheckpoint").fetchall() == [{"wal_autocheckpoint": 0}]
    assert db.here.execute("PRAGMA foreign_keys").fetchall() == [{"foreign_keys": 1}]


def _synchronous(conn: sqlite3.Connection, _: None) -> object:
    """Inside a transaction: how its commit will sync."""
    return conn.execute("PRAGMA synchronous").fetchone()


async def test_a_record_in_place_waits_for_the_disk_and_bookkeeping_does_not(
    db: Database,
) -> None:
    # Durable bookkeeping is synced by the log syncer's thread (test_log_sync.py).
    assert await db.bookkeep_with(_synchronous, None, durable=True) == {"synchronous": 1}
    assert await db.bookkeep_with(_synchronous, None, durable=False) == {"synchronous": 1}
    assert db.log_sync.asked == 1
    assert await db.write_with(_synchronous, None, small=True) == {"synchronous": 2}
    assert await db.write_with(_synchronous, None) == {"synchronous": 2}  # in the thread
    assert await db.write_with(_synchronous, None, durable=False) == {"synchronous": 1}


async def test_commits_in_place_are_synced_by_one_checkpoint_soon(
    db: Database, checkpoints: list[tuple[int, int, int]]
) -> None:
    for update_id in range(1, 6):
        await db.write_bookkeeping([update_row(update_id)], durable=False)
    assert await _ids(db) == [1, 2, 3, 4, 5]  # seen at once by the other connection
    assert checkpoints == []
    await asyncio.sleep(0.1)
    [(busy, logged, copied)] = checkpoints  # five commits, one flush
    assert busy == 0
    assert logged == copied > 0  # the whole log synced and in the file
    await db.write_bookkeeping([update_row(6)], durable=False)
    await asyncio.sleep(0.1)
    assert len(checkpoints) == 2
    assert checkpoints[1][1] == checkpoints[1][2] > 0
    await db.write_bookkeeping([update_row(7)])  # a durable one is synced by the log syncer
    await asyncio.sleep(0.1)
    assert len(checkpoints) == 2
    assert db.log_sync.asked == 1


def test_a_checkpoint_tells_what_it_copied(tmp_path: Path) -> None:
    conn = sqlite_work.connect(tmp_path / "c.sqlite3", None)
    try:
        conn.execute("PRAGMA journal_mode = WAL").fetchall()
        conn.execute("CREATE TABLE t (v TEXT)")
        conn.execute("INSERT INTO t VALUES ('x')")
        busy, logged, copied = sqlite_work.checkpoint(conn, None)
        assert busy == 0
        assert logged == copied > 0
        assert sqlite_work.checkpoint(conn, None)[0] == 0  # nothing new: still an answer
    finally:
        conn.close()


async def test_a_failing_commit_in_place_leaves_nothing(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await db.write_bookkeeping([update_row(1), update_row(1)], durable=False)
    assert await _ids(db) == []
    await db.write_bookkeeping([update_row(2)], durable=False)  # the connection is usable again
    assert await _ids(db) == [2]


@pytest.mark.parametrize("key", [None, "a key"])
async def test_a_busy_database_makes_the_commit_wait_in_the_thread(
    tmp_path: Path, key: str | None, checkpoints: list[tuple[int, int, int]]
) -> None:
    db = await Database.open(tmp_path / "busy.sqlite3", key)
    try:
        await db.migrate()
        # another process holds the write lock (sqlcipher3 raises errors of its own classes)
        other = sqlite_work.connect(db.path, key)
        other.execute("BEGIN IMMEDIATE")
        writing = asyncio.ensure_future(db.write_bookkeeping([update_row(1)], durable=False))
        await asyncio.sleep(0.2)
        assert not writing.done()  # waiting in aiosqlite's thread, not refused
        other.execute("COMMIT")
        other.close()
        await writing
        assert await _ids(db) == [1]
        await asyncio.sleep(0.1)
        assert len(checkpoints) == 1  # what did not wait for the disk is flushed as ever
    finally:
        await db.close()


async def test_a_small_read_inside_an_open_write_sees_its_rows(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute(*update_row(1))
        seen = await db.fetch_all("SELECT update_id FROM recent_updates", small=True)
    assert seen == [{"update_id": 1}]  # in the thread, inside the transaction
    assert await db.fetch_all("SELECT update_id FROM recent_updates", small=True) == seen


async def test_a_logged_read_commits_its_row_first_either_way(db: Database) -> None:
    query = ("SELECT update_id FROM recent_updates", ())
    for update_id, durable in ((1, True), (2, False)):
        log = Bookkeeping([update_row(update_id)], durable=durable)
        [rows] = await db.fetch_each(query, log=log, small=True)
        assert rows[-1] == {"update_id": update_id}


async def test_what_was_committed_in_place_survives_close_and_reopen(
    tmp_path: Path, checkpoints: list[tuple[int, int, int]]
) -> None:
    path = tmp_path / "a.sqlite3"
    db = await Database.open(path)
    await db.migrate()
    await db.write_bookkeeping([update_row(1)], durable=False)
    await db.close()  # before the flush: closing cancels it, the last close checkpoints
    assert checkpoints == []
    again = await Database.open(path)
    try:
        assert await _ids(again) == [1]
    finally:
        await again.close()
