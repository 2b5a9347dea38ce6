"""A database as an older bot left it: migrated up to a numbered step, then on to a later one."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from bot.config import Settings
from bot.storage import db as db_module
from bot.storage.db import Database

MigrateTo = Callable[[int], Awaitable[int]]


@asynccontextmanager
async def migrated_up_to(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, number: int
) -> AsyncIterator[tuple[Database, MigrateTo]]:
    """The test database with the migrations up to `number` only, and a way to go further.

    The later ones must not have run: the test writes rows as the older schema held them,
    then migrates on (`await migrate_to(n)` applies the steps up to n and returns the version).
    """
    shipped = db_module._migrations()

    def only_up_to(last: int) -> None:
        monkeypatch.setattr(db_module, "_migrations", lambda: [m for m in shipped if m[0] <= last])

    async def migrate_to(last: int) -> int:
        only_up_to(last)
        return await db.migrate()

    settings.database_path.parent.mkdir(parents=True, exist_ok=True)
    db = await Database.open(settings.database_path, settings.key())
    try:
        assert await migrate_to(number) == number
        yield db, migrate_to
    finally:
        await db.close()
