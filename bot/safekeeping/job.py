"""The hourly job that takes the day's backup when it is due (BACKUP_DIR set)."""

from __future__ import annotations

import logging
from typing import Any

from bot.jobs import run_every
from bot.safekeeping.backups import ScheduledBackups, open_backup_folder

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
    run_every(application, backup_job, JOB_NAME, seconds=CHECK_SECONDS, first=60, grace=600)


def warn_if_open(backups: ScheduledBackups | None) -> None:
    """At start, one warning in the log if BACKUP_DIR is open to other users (doctor's check)."""
    if backups is None:
        return
    why = open_backup_folder(backups.folder)
    if why is not None:
        log.warning(
            "BACKUP_DIR %s: run chmod 700 %s (each backup is 0600, but the folder is not)",
            why,
            backups.folder,
        )
