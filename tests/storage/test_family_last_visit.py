"""Migration 0024: a family's last completed visit, kept on its row by triggers on visits."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.storage.db import Database
from tests.support.migrations import migrated_up_to

_NOW = "2026-11-23T07:00:00+00:00"
_TRUTH = (
    "SELECT f.id, f.last_visit_on, (SELECT max(v.visit_date) FROM visits v "
    "  WHERE v.family_id = f.id AND v.kind = 'completed') AS truth FROM families f ORDER BY f.id"
)


async def _families(db: Database, count: int) -> None:
    """An assistant with `count` families, F-1 … F-count, and no visits."""
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO assistants (telegram_id, display_name, joined_at) VALUES (1, 'A', ?)",
            (_NOW,),
        )
        await conn.executemany(
            "INSERT INTO families (id, code, assistant_id, visits_per_week, created_at) "
            "VALUES (?, ?, 1, 1, ?)",
            [(n, f"F-{n}", _NOW) for n in range(1, count + 1)],
        )


async def _visit(db: Database, family: int, day: str, kind: str = "completed") -> int:
    """One visit, written as any writer would, with SQL."""
    async with db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO visits (family_id, assistant_id, kind, visit_date, draft_token, "
            "created_at) VALUES (?, 1, ?, ?, ?, ?)",
            (family, kind, day, f"{family}-{day}-{kind}", _NOW),
        )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def _last_visits(db: Database) -> dict[int, str | None]:
    """Each family's kept last visit, checked against the visits themselves."""
    rows = await db.fetch_all(_TRUTH)
    assert [r["last_visit_on"] for r in rows] == [r["truth"] for r in rows]
    return {r["id"]: r["last_visit_on"] for r in rows}


async def test_the_last_completed_visit_follows_every_write_to_visits(db: Database) -> None:
    await _families(db, 3)
    assert await _last_visits(db) == {1: None, 2: None, 3: None}
    await _visit(db, 1, "2026-11-20")
    later = await _visit(db, 1, "2026-11-22")
    await _visit(db, 1, "2026-11-21")  # recorded late: an older visit leaves the date alone
    await _visit(db, 1, "2026-11-23", "missed")  # nobody opened: not a completed visit
    await _visit(db, 2, "2026-11-23", "missed")
    assert await _last_visits(db) == {1: "2026-11-22", 2: None, 3: None}
    async with db.write() as conn:
        await conn.execute("UPDATE visits SET visit_date = '2026-11-19' WHERE id = ?", (later,))
    assert (await _last_visits(db))[1] == "2026-11-21"
    async with db.write() as conn:
        await conn.execute("UPDATE visits SET family_id = 3 WHERE family_id = 1")
    assert await _last_visits(db) == {1: None, 2: None, 3: "2026-11-21"}
    async with db.write() as conn:
        await conn.execute("UPDATE visits SET kind = 'completed' WHERE family_id = 2")
        await conn.execute("DELETE FROM visits WHERE family_id = 3 AND visit_date = '2026-11-21'")
    assert await _last_visits(db) == {1: None, 2: "2026-11-23", 3: "2026-11-20"}
    async with db.write() as conn:
        await conn.execute("DELETE FROM visits")
    assert await _last_visits(db) == {1: None, 2: None, 3: None}


async def test_the_migration_fills_in_families_visited_before_it(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with migrated_up_to(settings, monkeypatch, 23) as (db, migrate_to):
        await _families(db, 3)
        await _visit(db, 1, "2026-11-02")
        await _visit(db, 1, "2026-10-30")
        await _visit(db, 2, "2026-11-03", "missed")
        assert await migrate_to(24) == 24
        assert await _last_visits(db) == {1: "2026-11-02", 2: None, 3: None}
        await _visit(db, 2, "2026-11-04")
        assert await _last_visits(db) == {1: "2026-11-02", 2: "2026-11-04", 3: None}
