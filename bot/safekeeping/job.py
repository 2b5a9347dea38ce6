"""The hourly job that takes the day's backup when it is due (BACKUP_DIR set)."""

from __future__ import annotations

import logging
from typing import Any

from bot.safekeeping.backups import ScheduledBackups

log = logging.getLogger(__name__)

BACKUPS_KEY = "scheduled_backups"
CHECK_SECONDS = 3600
JOB_NAME = "backup"


async def backup_job(context: Any) -> None:
    """Take the backup if it is due; a failure is logged and tried again in an hour."""
    backups: ScheduledBackups = context.application.bot_data[BACKUPS_KEY]
    try:
        await backups.run_if_due()
    except Exception:  # a full disk today must not stop tomorrow's backup
        log.exception("scheduled backup to %s failed", backups.folder)


def schedule_backups(application: Any, backups: ScheduledBackups) -> None:
    """Check every hour, the first time a minute after start."""
    application.bot_data[BACKUPS_KEY] = backups
    if application.job_queue is None:  # pragma: no cover - the job-queue extra is a dependency
        raise RuntimeError("python-telegram-bot[job-queue] is required for backups")
    application.job_queue.run_repeating(
        backup_job,
        interval=CHECK_SECONDS,
        first=60,
        name=JOB_NAME,
        job_kwargs={"misfire_grace_time": 600, "coalesce": True, "max_instances": 1},
    )
