"""Scheduled backups: one a day in BACKUP_DIR, encrypted, private, the newest BACKUP_KEEP kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine

from bot.config import load_settings
from bot.safekeeping.backups import backup_name
from bot.safekeeping.job import JOB_NAME, backup_job
from bot.storage import copies
from bot.storage.files import mode_of
from tests.support.harness import ADMIN_ID, BotHarness

START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
KEY = "backup key 'q'"


@pytest.fixture
async def harness(tmp_path: Path) -> BotHarness:
    """A bot with an encrypted database and BACKUP_DIR set, keeping three."""
    settings = load_settings(
        _env_file=None,
        telegram_bot_token="123456:TEST-TOKEN",
        database_path=tmp_path / "encrypted" / "bot.sqlite3",
        database_key=KEY,
        admin_telegram_ids=str(ADMIN_ID),
        backup_dir=tmp_path / "backups",
        backup_keep=3,
    )
    bot = BotHarness(settings)
    await bot.start()
    yield bot  # type: ignore[misc]
    await bot.close()


async def run_job(harness: BotHarness) -> None:
    """One run of the hourly job, as the JobQueue would call it."""
    await backup_job(SimpleNamespace(application=harness.app))


def names(folder: Path) -> list[str]:
    """The files in the backup folder, sorted."""
    return sorted(p.name for p in folder.iterdir())


async def test_the_job_is_scheduled_only_with_a_backup_dir(
    harness: BotHarness, settings: object
) -> None:
    assert harness.app is not None
    assert harness.app.job_queue is not None
    assert harness.app.job_queue.get_jobs_by_name(JOB_NAME)
    plain = BotHarness(settings)  # type: ignore[arg-type]
    await plain.start()
    try:
        assert plain.app is not None
        assert plain.app.job_queue is not None
        assert not plain.app.job_queue.get_jobs_by_name(JOB_NAME)
    finally:
        await plain.close()


async def test_one_backup_a_day_encrypted_private_and_rotated(
    harness: BotHarness, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    (folder).mkdir(mode=0o700)
    (folder / "notes.txt").write_text("not ours", encoding="utf-8")
    taken = []
    for day in range(5):
        for hour in range(3):  # the hourly job runs more than once a day
            now = START + timedelta(days=day, hours=hour)
            with time_machine.travel(now, tick=False):
                await run_job(harness)
        taken.append(backup_name(START + timedelta(days=day)))
    assert names(folder) == sorted([*taken[-3:], "notes.txt"])
    for name in taken[-3:]:
        path = folder / name
        assert mode_of(path) == 0o600
        assert copies.is_encrypted(path)
        assert copies.check_copy(path, KEY) >= 1


async def test_a_failed_backup_is_logged_and_tried_again(
    harness: BotHarness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "backups").write_text("a file where the folder should be", encoding="utf-8")
    with time_machine.travel(START, tick=False):
        await run_job(harness)
    assert "scheduled backup" in caplog.text
    (tmp_path / "backups").unlink()
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        await run_job(harness)
    assert names(tmp_path / "backups") == [backup_name(START + timedelta(hours=1))]
