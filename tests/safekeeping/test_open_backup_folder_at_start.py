"""A BACKUP_DIR other users of the machine may open is one WARNING in the bot's log at start.

Started as the tests start every bot (BotHarness: the real Application, its post_init): the
IT person who reads the log learns it without running `python -m bot doctor`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from tests.conftest import place_migrated
from tests.support.harness import ADMIN_ID, BotHarness

KEY = "start-up key 'q'"
TOKEN = "123456:TEST-TOKEN"


def _settings(tmp_path: Path) -> Settings:
    """An encrypted bot with BACKUP_DIR at tmp_path/backups."""
    return load_settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        database_path=tmp_path / "data" / "bot.sqlite3",
        database_key=KEY,
        admin_telegram_ids=str(ADMIN_ID),
        backup_dir=tmp_path / "backups",
    )


async def _started(
    tmp_path: Path, migrated: dict[str | None, Path], caplog: pytest.LogCaptureFixture
) -> list[logging.LogRecord]:
    """Start the bot and stop it; the warnings it logged."""
    settings = _settings(tmp_path)
    await place_migrated(settings, migrated)
    bot = BotHarness(settings)
    caplog.set_level(logging.INFO)
    caplog.clear()
    await bot.start()
    await bot.close()
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    ("mode", "can"),
    [(0o750, "list them"), (0o705, "list them"), (0o777, "remove or replace the backups")],
    ids=["750", "705", "777"],
)
async def test_an_open_backup_folder_is_one_warning_at_start(
    tmp_path: Path,
    migrated: dict[str | None, Path],
    caplog: pytest.LogCaptureFixture,
    mode: int,
    can: str,
) -> None:
    backups = tmp_path / "backups"
    backups.mkdir(mode=0o700)
    backups.chmod(mode)
    # Was no word at all: only `python -m bot doctor` looked at the folder's mode.
    [warning] = await _started(tmp_path, migrated, caplog)
    said = warning.getMessage()
    assert said == (
        f"BACKUP_DIR {backups} is open to other users (mode {mode:o}), who can {can}: "
        f"run chmod 700 {backups} (each backup is 0600, but the folder is not)"
    )
    assert TOKEN not in caplog.text
    assert KEY not in caplog.text


@pytest.mark.parametrize("made", ["private", "missing"])
async def test_a_private_or_missing_backup_folder_is_not_warned_about(
    tmp_path: Path, migrated: dict[str | None, Path], caplog: pytest.LogCaptureFixture, made: str
) -> None:
    if made == "private":
        (tmp_path / "backups").mkdir(mode=0o700)
    assert await _started(tmp_path, migrated, caplog) == []  # the first backup makes it 0700
