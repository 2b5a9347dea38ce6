"""Migration 0025: missed visits lose choices copied from the last visit; visits keep theirs."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.storage.db import Database
from tests.storage.test_family_last_visit import _families as families
from tests.support.migrations import migrated_up_to

_NOW = "2026-11-23T07:00:00+00:00"


async def _saved(db: Database, kind: str) -> int:
    """A visit to family 1 with a length, a place, Anna present, an area and an activity."""
    async with db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO visits (family_id, assistant_id, kind, visit_date, duration_min, place, "
            "missed_reason, draft_token, created_at) VALUES (1, 1, ?, '2026-11-20', 75, "
            "'outdoors', ?, ?, ?)",
            (kind, "nobody_home" if kind == "missed" else None, kind, _NOW),
        )
        visit = cursor.lastrowid
        await conn.execute("INSERT INTO visit_members VALUES (?, 1)", (visit,))
        await conn.execute("INSERT INTO visit_areas VALUES (?, 'housing')", (visit,))
        await conn.execute("INSERT INTO visit_activities VALUES (?, 'documents')", (visit,))
    assert visit is not None
    return visit


async def _choices(db: Database, visit: int) -> tuple[object, ...]:
    """What a visit holds of a visit's choices."""
    row = await db.fetch_one("SELECT duration_min, place FROM visits WHERE id = ?", (visit,))
    assert row is not None
    counts = [
        len(await db.fetch_all(f"SELECT 1 FROM {table} WHERE visit_id = ?", (visit,)))
        for table in ("visit_members", "visit_areas", "visit_activities")
    ]
    return (row["duration_min"], row["place"], *counts)


async def test_a_missed_visit_loses_the_choices_a_visit_keeps(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with migrated_up_to(settings, monkeypatch, 24) as (db, migrate_to):
        await families(db, 1)
        async with db.write() as conn:
            await conn.execute(
                "INSERT INTO members (id, family_id, name, role, position) "
                "VALUES (1, 1, 'Anna', 'mother', 0)"
            )
        visit, missed = await _saved(db, "completed"), await _saved(db, "missed")
        assert await migrate_to(25) == 25
        assert await _choices(db, visit) == (75, "outdoors", 1, 1, 1)
        assert await _choices(db, missed) == (None, None, 0, 0, 0)
