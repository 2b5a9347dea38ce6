"""Whole-file work on a stopped database: check a copy, export it under a new key, swap it in.

These run from the command line while the bot is stopped (`encrypt`, `rekey`, `restore`), so
they use a plain blocking connection; the live bot's copies go through `Database.backup`.
Nothing here replaces a file before the new one has opened with its key and passed
`PRAGMA integrity_check`.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import cast

from bot.storage.db import DatabaseError
from bot.storage.files import COMPANIONS, new_private_file, tighten


def connect(path: Path, key: str | None) -> sqlite3.Connection:
    """A blocking connection (SQLCipher's, which also reads plain files), keyed if `key`."""
    from sqlcipher3 import dbapi2 as sqlcipher  # noqa: PLC0415  (the CLI's dependency only)

    conn = cast(sqlite3.Connection, sqlcipher.connect(str(path), isolation_level=None))
    conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our one line, not three
    if key is not None:
        conn.execute(f"PRAGMA key = {_quoted(key)}")
    return conn


def check_copy(path: Path, key: str | None, what: str = "the configured key") -> int:
    """Open `path` with `key`, run integrity_check; return its schema version or raise.

    The DatabaseError says in one line why the file will not do (wrong key, damaged).
    """
    if not path.is_file():
        raise DatabaseError(f"{path} does not exist")
    conn = connect(path, key)
    try:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except Exception:  # sqlcipher3's DatabaseError is not sqlite3's
            raise DatabaseError(
                f"{path} does not open with {what}: a wrong key, an encrypted file read "
                "without one, or not a database"
            ) from None
        verdict = [str(row[0]) for row in conn.execute("PRAGMA integrity_check").fetchall()]
        if verdict != ["ok"]:
            raise DatabaseError(f"{path} is damaged: integrity_check says {verdict[0]}")
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def is_encrypted(path: Path) -> bool:
    """Whether the file is not a plain SQLite database (plain ones start with a known header)."""
    with path.open("rb") as file:
        return file.read(16) != b"SQLite format 3\x00"


def export(source: Path, source_key: str | None, target: Path, target_key: str) -> None:
    """Write a new file `target` (0600) with every table of `source`, encrypted by target_key."""
    new_private_file(target)
    conn = connect(source, source_key)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute(f"ATTACH DATABASE ? AS fresh KEY {_quoted(target_key)}", (str(target),))
        conn.execute("SELECT sqlcipher_export('fresh')")
        conn.execute(f"PRAGMA fresh.user_version = {version}")
        conn.execute("DETACH DATABASE fresh")
    except BaseException:
        conn.close()
        target.unlink(missing_ok=True)
        raise
    conn.close()
    tighten(target)


def set_aside(database: Path, now: datetime) -> Path:
    """Rename the database and its companions to `<name>.<tag>`; return the new name."""
    aside = database.with_name(f"{database.name}.before-{now:%Y%m%d-%H%M%S}")
    for end in ("", *COMPANIONS):
        here = database.with_name(database.name + end)
        if here.exists():
            os.replace(here, aside.with_name(aside.name + end))
    return aside


def swap_in(database: Path, fresh: Path) -> None:
    """Put `fresh` where the database was (one rename); stale -wal/-shm must be gone first."""
    for end in COMPANIONS:
        stale = database.with_name(database.name + end)
        if stale.exists():  # a -wal of another file would be replayed into this one
            raise DatabaseError(f"{stale} is still there: stop the bot and try again")
    os.replace(fresh, database)
    tighten(database)


def copy_file(source: Path, target: Path) -> None:
    """Copy bytes into a new 0600 file."""
    new_private_file(target)
    with source.open("rb") as src, target.open("r+b") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())


def checkpoint(database: Path, key: str | None) -> None:
    """Fold the -wal into the file and remove it (the last connection's close does that)."""
    conn = connect(database, key)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()  # read: it runs to the end
    finally:
        conn.close()


def last_tick(database: Path, key: str | None) -> datetime | None:
    """When the running bot's minute tick last ran (None: never, or no such table yet)."""
    conn = connect(database, key)
    try:
        row = conn.execute("SELECT last_tick_at FROM scheduler_state WHERE id = 1").fetchone()
    except Exception:  # an old schema or an unreadable file: nothing to tell
        return None
    finally:
        conn.close()
    return None if row is None else datetime.fromisoformat(str(row[0]))


def _quoted(key: str) -> str:
    """A key as an SQL string literal."""
    return "'" + key.replace("'", "''") + "'"
