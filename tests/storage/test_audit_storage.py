"""The access log's outcome column: old rows read as allowed, only two outcomes exist."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest

from bot.domain.audit import Denial
from bot.storage.audit import AuditRepository
from bot.storage.db import Database

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


async def test_rows_from_before_the_outcome_column_are_allowed_accesses(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    folder = resources.files("bot.storage") / "migrations"
    old = sqlite3.connect(path)
    for name in sorted(e.name for e in folder.iterdir() if e.name.endswith(".sql")):
        if int(name[:4]) <= 4:
            old.executescript((folder / name).read_text(encoding="utf-8"))
    old.execute(
        "INSERT INTO access_log (at, actor_id, action, family_id) VALUES (?, ?, ?, ?)",
        (NOW.isoformat(), 1001, "read.plan", 7),
    )
    old.execute("PRAGMA user_version = 4")
    old.commit()
    old.close()
    db = await Database.open(path)
    try:
        assert await db.migrate() >= 6
        audit = AuditRepository(db)
        assert await audit.entries(7) == [(1001, "read.plan")]
        await audit.record(NOW, 1002, "read.plan", 7, detail="code=R-07", outcome="denied")
        assert await audit.entries(7) == [(1001, "read.plan")]
        assert await audit.entries(7, "denied") == [(1002, "read.plan")]
        assert await audit.denials_by(1002) == [
            Denial(actor_id=1002, action="read.plan", family_id=7, detail="code=R-07")
        ]
        with pytest.raises(sqlite3.IntegrityError):
            async with db.write() as conn:
                await conn.execute(
                    "INSERT INTO access_log (at, actor_id, action, outcome) "
                    "VALUES ('x', 1, 'y', 'maybe')"
                )
    finally:
        await db.close()
