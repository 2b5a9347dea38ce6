"""Fixtures for end-to-end tests: a local Bot API server and the real bot process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.botprocess import BotProcess
from tests.support.bot_api_server import LocalBotApi

KEYS = [None, "e2e passphrase 'with quotes'"]
# What people typed in the walks (tests/e2e/test_bot_process.py): member names, notes, goals,
# hostile text, the admin's Telegram name. None of it may reach the bot's log.
TYPED = [
    "Anna",
    "Ola",
    "Ewa",
    "arrears",
    "Keep the flat",
    "housing office",
    "RTL override",
    "<script>",
    "NUL",
    "ąęł",
    "xxxxxxxxxx",
]
REMINDER_PREFIXES = ("rm:",)  # the real bot's reminders may arrive at any moment of a walk


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    """A Bot API server on loopback that outlives bot restarts."""
    async with LocalBotApi() as server:
        server.fake.unsolicited_prefixes = REMINDER_PREFIXES
        yield server


@pytest.fixture(params=KEYS, ids=["plain", "sqlcipher"])
async def bot(
    request: pytest.FixtureRequest, api: LocalBotApi, tmp_path: Path
) -> AsyncIterator[BotProcess]:
    """The bot process, plain and with SQLCipher; always stopped at the end."""
    process = BotProcess(api.base_url, api.token, tmp_path, key=request.param)
    yield process
    if process.alive():
        await process.stop()
    log = process.log()
    leaked = [text for text in TYPED if text in log]
    assert not leaked, f"typed text in the bot's log: {leaked}\n{log}"
