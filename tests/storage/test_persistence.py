"""PTB persistence on our SQLite file."""

from __future__ import annotations

from bot.storage.db import Database
from bot.storage.persistence import SQLitePersistence


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


async def test_processed_updates_only_move_forward(db: Database) -> None:
    persistence = SQLitePersistence(db)
    assert await persistence.last_update_id() == 0
    await persistence.mark_update_processed(5)
    await persistence.mark_update_processed(3)
    assert await persistence.last_update_id() == 5
