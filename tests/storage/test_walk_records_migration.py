"""Migration 0010: drafts of the walks before the engine are carried into user_data["walk"]."""

from __future__ import annotations

import json

import pytest

from bot.config import Settings
from tests.support.migrations import migrated_up_to


async def test_an_open_draft_is_carried_over_and_old_keys_go(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Up to 0010, then 0010 again over the rows as 0009 held them.
    async with migrated_up_to(settings, monkeypatch, 10) as (db, migrate_to):
        await db.conn.execute("PRAGMA user_version = 9")
        old_visit = {
            "active": "record_visit",
            "record_visit.draft": {"token": "abc123", "family_id": 1, "note": "ż & <b>"},
            "record_visit.step": "place",
            "record_visit.resume": "place",
            "lang": "pl",
        }
        old_split = {"active": "plan_notes", "plan_notes.draft": {"token": "x"}}
        async with db.write() as conn:
            await conn.execute(
                "INSERT INTO ptb_user_data (user_id, data) VALUES (1, ?), (2, ?)",
                (json.dumps(old_visit), json.dumps(old_split)),
            )
            await conn.execute(
                "INSERT INTO ptb_conversations (name, key, state) "
                "VALUES ('goal', '[1,1]', '\"menu\"')"
            )
        assert await migrate_to(10) == 10
        rows = {
            r["user_id"]: json.loads(r["data"])
            for r in await db.fetch_all("SELECT user_id, data FROM ptb_user_data")
        }
        assert rows == {
            1: {
                "lang": "pl",
                "walk": {
                    "name": "record_visit",
                    "step": "place",
                    "draft": {
                        "token": "abc123",
                        "family_id": 1,
                        "note": "ż & <b>",
                        "resume_at": "place",
                    },
                    "message": None,
                },
            }
        }
        assert await db.fetch_all("SELECT * FROM ptb_conversations") == []
