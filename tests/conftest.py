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


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    """A migrated database on a real file."""
    database = await Database.open(settings.database_path, settings.key())
    await database.migrate()
    yield database
    await database.close()


@pytest.fixture
async def harness(settings: Settings) -> AsyncIterator[BotHarness]:
    """A running bot (not polling) fed with real Updates through the fake Telegram."""
    bot = BotHarness(settings)
    await bot.start()
    yield bot
    await bot.close()
