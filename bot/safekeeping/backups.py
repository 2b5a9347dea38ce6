"""Scheduled backups: a consistent, encrypted copy a day in BACKUP_DIR, the newest kept.

A backup is due when the newest one in the folder is a day old (or there is none), so a
bot restarted often still makes one a day, and one down for a week makes one at its start.
Only files named like ours (`familybot-20261201T023000Z.sqlite3`) are counted or removed.
"""

from __future__ import annotations

import logging
import re
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.services.clock import Clock
from bot.storage.db import Database
from bot.storage.files import open_to_others

log = logging.getLogger(__name__)

BACKUP_EVERY = timedelta(days=1)
EARLY = timedelta(minutes=30)  # the hourly check may come a little before the full day
_NAME = re.compile(r"^familybot-(\d{8}T\d{6}Z)\.sqlite3$")
_STAMP = "%Y%m%dT%H%M%SZ"
OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH


def backup_name(at: datetime) -> str:
    """The file name of a backup taken at `at`."""
    return f"familybot-{at.astimezone(UTC):{_STAMP}}.sqlite3"


def taken_at(path: Path) -> datetime | None:
    """When a backup of ours was taken, from its name; None for any other file."""
    match = _NAME.match(path.name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)


def open_backup_folder(folder: Path) -> str | None:
    """What others may do in a backup folder open to them (doctor and start-up say it); None.

    Each backup is 0600, but the folder is not: others list them, or with write access
    remove or replace them. None for a private folder, or one not made yet (it is made 0700).
    """
    mode = open_to_others(folder)
    if mode is None:
        return None
    can = "remove or replace the backups" if mode & OTHERS_WRITE else "list them"
    return f"{folder} is open to other users (mode {mode:o}), who can {can}"


@dataclass(frozen=True)
class ScheduledBackups:
    """The backup folder of one database: what is there, whether one is due, make, rotate."""

    db: Database
    folder: Path
    keep: int
    key: str | None
    clock: Clock

    def existing(self) -> list[Path]:
        """Our backups in the folder, oldest first."""
        if not self.folder.is_dir():
            return []
        found = [p for p in self.folder.iterdir() if taken_at(p) is not None and p.is_file()]
        return sorted(found, key=lambda p: p.name)

    def is_due(self, now: datetime) -> bool:
        """Whether the newest backup is a day old, or there is none."""
        backups = self.existing()
        if not backups:
            return True
        newest = taken_at(backups[-1])
        assert newest is not None
        return now - newest >= BACKUP_EVERY - EARLY

    async def run_if_due(self) -> Path | None:
        """Take a backup if one is due, then keep only the newest `keep`; the new file, if any."""
        now = self.clock.now()
        if not self.is_due(now):
            return None
        target = self.folder / backup_name(now)
        await self.db.backup(target, self.key)
        removed = self.rotate()
        log.info("backup written to %s (%s old ones removed)", target, len(removed))
        return target

    def rotate(self) -> list[Path]:
        """Remove all but the newest `keep` backups; return what was removed."""
        backups = self.existing()
        old = backups[: max(len(backups) - self.keep, 0)]
        for path in old:
            path.unlink(missing_ok=True)
        return old
