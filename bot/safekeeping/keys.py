"""`python -m bot encrypt`, `rekey` and `restore`: whole-file work while the bot is stopped.

Each one writes the new file next to the database, checks that it opens with its key and
passes `integrity_check`, and only then renames it into place; a failure leaves the database
as it was.
"""

from __future__ import annotations

import getpass
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.storage import copies, running
from bot.storage.db import DatabaseError, newest_migration
from bot.storage.files import private_folder

RUNNING_WITHIN = timedelta(minutes=3)  # a tick this recent: the bot is most likely running


def encrypt(settings: Settings) -> str:
    """Turn the plain database into one encrypted with the configured key; say what was done."""
    key = settings.key()
    if key is None:
        raise ConfigError(
            "encrypt: set the new key in DATABASE_KEY or DATABASE_KEY_FILE first, then run "
            "`python -m bot encrypt` again"
        )
    path = _existing(settings.database_path)
    if copies.is_encrypted(path):
        copies.check_copy(path, key)
        return f"{path} is already encrypted with the configured key: nothing to do"
    copies.check_copy(path, None, "no key (as a plain database)")
    _rewrite(path, None, key, "encrypting")
    return (
        f"{path} is now encrypted with the configured key. Backups made before are still "
        "plain: delete them or replace them with a new `python -m bot backup`"
    )


def rekey(settings: Settings, new_key_file: Path | None) -> str:
    """Re-encrypt the database with a new key; say what to change in the configuration."""
    old = settings.key()
    if old is None:
        raise ConfigError("rekey: the database has no key yet; use `python -m bot encrypt`")
    new = _new_key(new_key_file)
    if new == old:
        raise ConfigError("rekey: the new key is the same as the current one")
    path = _existing(settings.database_path)
    copies.check_copy(path, old)
    _rewrite(path, old, new, "rekeying")
    return (
        f"{path} is now encrypted with the new key: put it in DATABASE_KEY or "
        "DATABASE_KEY_FILE before the next start. Backups made before keep the old key"
    )


def restore(settings: Settings, backup: Path) -> str:
    """Replace the database with a backup, after checking its key and integrity."""
    key = settings.key()
    path = settings.database_path
    try:
        if path.exists():
            _stopped(path, key)
        version = copies.check_copy(backup, key)
        if version > newest_migration():
            raise DatabaseError(
                f"{backup} has schema version {version}, newer than this code "
                f"({newest_migration()}): install the release that wrote it"
            )
        private_folder(path.parent)  # restoring onto a new machine: the folder may not exist
        fresh = _scratch(path, "restoring")
        copies.copy_file(backup, fresh)
        copies.check_copy(fresh, key)
    except DatabaseError as exc:
        raise DatabaseError(f"{exc}; nothing was replaced") from None
    aside = copies.set_aside(path, datetime.now(UTC)) if path.exists() else None
    copies.swap_in(path, fresh)
    kept = "" if aside is None else f"; the previous database is kept as {aside}"
    return f"restored {backup} (schema version {version}) into {path}{kept}"


def _stopped(path: Path, key: str | None) -> None:
    """Refuse to work on the file under a running bot (it holds the lock, or its tick is new)."""
    if running.refuse_if_running(path):
        return  # a bot of this release ran here and let go of the lock: it has stopped
    tick = copies.last_tick(path, key)  # a bot of an older release holds no lock
    if tick is not None and datetime.now(UTC) - tick < RUNNING_WITHIN:
        raise DatabaseError(
            f"the bot seems to be running on {path} (its minute tick ran at "
            f"{tick.astimezone(UTC):%H:%M:%S} UTC): stop it first, then run this again"
        )


def _existing(path: Path) -> Path:
    """The database file, which must be there."""
    if not path.is_file():
        raise DatabaseError(f"no database at {path}: check DATABASE_PATH")
    return path


def _scratch(path: Path, purpose: str) -> Path:
    """The name of the new file next to the database; a leftover of a crashed run goes."""
    fresh = path.with_name(f"{path.name}.{purpose}")
    fresh.unlink(missing_ok=True)
    return fresh


def _rewrite(path: Path, old: str | None, new: str, purpose: str) -> None:
    """Copy the stopped database into a new file under the `new` key, then swap it in."""
    _stopped(path, old)
    copies.checkpoint(path, old)
    fresh = _scratch(path, purpose)
    copies.export(path, old, fresh, new)
    _replace(path, fresh, new)


def _replace(path: Path, fresh: Path, key: str) -> None:
    """Check the new file with its key, then rename it over the database."""
    try:
        copies.check_copy(fresh, key, "the new key")
    except DatabaseError:
        fresh.unlink(missing_ok=True)
        raise
    copies.swap_in(path, fresh)


def _new_key(new_key_file: Path | None) -> str:
    """The new key from --new-key-file, or typed twice at a terminal."""
    if new_key_file is not None:
        try:
            key = new_key_file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise ConfigError(
                f"--new-key-file: cannot read {new_key_file} ({exc.strerror})"
            ) from None
    elif sys.stdin.isatty():
        key = getpass.getpass("new key: ")
        if getpass.getpass("the new key again: ") != key:
            raise ConfigError("rekey: the two keys differ; nothing was changed")
    else:
        raise ConfigError("rekey: give the new key with --new-key-file FILE")
    if not key.strip():
        raise ConfigError("rekey: the new key is empty")
    return key
