"""Migration 0010: drafts of the walks before the engine are carried into user_data["walk"]."""

from __future__ import annotations

import json

import pytest

from bot.config import Settings
from bot.storage import db as db_module
from bot.storage.db import Database


async def test_an_open_draft_is_carried_over_and_old_keys_go(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the migrations up to 0010: the later ones must not run twice over this database.
    shipped = db_module._migrations()
    monkeypatch.setattr(db_module, "_migrations", lambda: [m for m in shipped if m[0] <= 10])
    settings.database_path.parent.mkdir(parents=True, exist_ok=True)
    db = await Database.open(settings.database_path, settings.key())
    try:
        await db.migrate()
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
        assert await db.migrate() == 10
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
    finally:
        await db.close()
