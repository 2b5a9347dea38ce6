"""PTB persistence on our SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage import db as db_module
from bot.storage.db import Database
from bot.storage.persistence import SQLitePersistence

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def test_conversations_and_user_data_round_trip(db: Database) -> None:
    persistence = SQLitePersistence(db)
    await persistence.update_conversation("record_visit", (10, 10), "place")
    await persistence.update_user_data(10, {"record_visit.draft": {"token": "abc", "note": "ż"}})
    again = SQLitePersistence(db)
    assert await again.get_conversations("record_visit") == {(10, 10): "place"}
    assert await again.get_user_data() == {
        10: {"record_visit.draft": {"token": "abc", "note": "ż"}}
    }
    await again.update_conversation("record_visit", (10, 10), None)
    await again.update_user_data(10, {})
    assert await again.get_conversations("record_visit") == {}
    assert await again.get_user_data() == {}


async def test_recent_updates_survive_a_restart_within_the_window(db: Database) -> None:
    persistence = SQLitePersistence(db)
    async with persistence.batch(7, "seven", NOW - timedelta(days=3)):
        pass
    async with persistence.batch(8, "eight", NOW - timedelta(hours=1)):
        pass
    assert persistence.recent.is_replay(8, "eight")
    again = SQLitePersistence(db)
    recent = await again.load_recent_updates(NOW)
    assert recent.is_replay(8, "eight")
    assert not recent.is_replay(7, "seven")  # older than the window: pruned
    assert recent.highest == 8
    assert await db.fetch_all("SELECT update_id FROM recent_updates") == [{"update_id": 8}]
    await again.forget_updates_before(NOW)
    assert not again.recent.is_replay(8, "eight")
    assert again.recent.highest == 8
    # The newest id stays in the file: after a quiet week the high-water mark is known.
    assert await db.fetch_all("SELECT update_id FROM recent_updates") == [{"update_id": 8}]
    after_a_week = await SQLitePersistence(db).load_recent_updates(NOW + timedelta(days=7))
    assert after_a_week.highest == 8
    assert after_a_week.went_back(1)


def _log_size(db: Database) -> int:
    """Bytes in the write-ahead log."""
    return Path(f"{db.path}-wal").stat().st_size


async def test_an_update_commits_two_pages(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's data and the update's row, and no index page (migration 0023)."""
    monkeypatch.setattr(db_module, "FLUSH_AFTER_S", 3600.0)  # no checkpoint meanwhile
    persistence = SQLitePersistence(db)
    async with persistence.batch(1, "one", NOW):
        await persistence.update_user_data(10, {"walk": {"step": "date"}})
    # An empty log, whatever came before: the next commit writes its header and its pages.
    await db.conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _log_size(db) == 0
    async with persistence.batch(2, "two", NOW + timedelta(seconds=1)):
        await persistence.update_user_data(10, {"walk": {"step": "duration"}})
    row = await db.fetch_one("PRAGMA page_size")
    assert row is not None
    frame = int(row["page_size"]) + 24  # each page in the log has a 24-byte header
    assert (_log_size(db) - 32) / frame == 2  # the log's own header is 32 bytes
    recent = await SQLitePersistence(db).load_recent_updates(NOW + timedelta(days=3))
    assert recent.highest == 2  # forgetting still finds the newest row without the index
