"""Shared fixtures: a real SQLite file, the real Application, the network faked at BaseRequest."""

from __future__ import annotations

import os

# PTB 22 warns when it builds RetryAfter unless this opt-in is set; warnings are errors here.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from bot.config import Settings, load_settings
from bot.storage.db import Database
from bot.storage.files import new_private_file, private_folder
from tests.support.harness import ADMIN_ID, BotHarness

# Machines here are shared and noisy: no per-example time limit (speed lives in benchmarks/).
hypothesis_settings.register_profile("shared-machine", deadline=None)
hypothesis_settings.load_profile("shared-machine")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a test bot with one admin and a database in a temporary folder."""
    return load_settings(
        _env_file=None,
        telegram_bot_token="123456:TEST-TOKEN",
        database_path=tmp_path / "data" / "bot.sqlite3",
        admin_telegram_ids=str(ADMIN_ID),
    )


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str | None, Path]:
    """Databases migrated once per process (by key), which `db` and `harness` start from."""
    return {None: tmp_path_factory.mktemp("migrated") / "bot.sqlite3"}


async def place_migrated(settings: Settings, migrated: dict[str | None, Path]) -> None:
    """Put a copy of a freshly migrated database where the settings point.

    Migrating a new file commits every migration, each waiting for the disk: 30 ms a test,
    half a minute over the suite. The migrations run once (the same code, into an empty
    file of their own); each test gets a private copy of the result, and Database.open and
    migrate() still run on it as on any database of a bot started again.
    """
    key = settings.key()
    if key not in migrated:
        migrated[key] = migrated[None].with_name(f"keyed-{len(migrated)}.sqlite3")
    template = migrated[key]
    if not template.exists():
        database = await Database.open(template, key)
        await database.migrate()
        await database.close()
        # closed cleanly, so the whole database is in the one file (no -wal to copy along)
        assert not template.with_name(f"{template.name}-wal").exists()
    private_folder(settings.database_path.parent)
    new_private_file(settings.database_path)
    settings.database_path.write_bytes(template.read_bytes())


@pytest.fixture
async def db(settings: Settings, migrated: dict[str | None, Path]) -> AsyncIterator[Database]:
    """A migrated database on a real file."""
    await place_migrated(settings, migrated)
    database = await Database.open(settings.database_path, settings.key())
    await database.migrate()
    yield database
    await database.close()


@pytest.fixture
async def harness(
    settings: Settings, migrated: dict[str | None, Path]
) -> AsyncIterator[BotHarness]:
    """A running bot (not polling) fed with real Updates through the fake Telegram."""
    await place_migrated(settings, migrated)
    bot = BotHarness(settings)
    await bot.start()
    yield bot
    await bot.close()
