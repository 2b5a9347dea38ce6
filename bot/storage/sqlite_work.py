"""Work on a raw sqlite3 connection: opening one, reading, committing, checkpointing.

Each runs wherever it is called: in aiosqlite's thread (`Database._in_thread`) or in place on
the event loop's thread (`Database.here`); the `Database` decides which (see storage/db.py).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar, cast

Q = TypeVar("Q")
R = TypeVar("R")
Statement = tuple[str, Sequence[Any]]  # one SQL statement with its parameters
SYNCHRONOUS = "FULL"  # every commit waits for the disk (WAL), except those said not to


def connect(path: Path, key: str | None, *, same_thread: bool = True) -> sqlite3.Connection:
    """Open a raw connection (in a worker thread: SQLCipher's key derivation takes a while)."""
    if key is None:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=same_thread)
    else:
        from sqlcipher3 import dbapi2 as sqlcipher  # noqa: PLC0415  (only needed with a key)

        opened = sqlcipher.connect(str(path), isolation_level=None, check_same_thread=same_thread)
        conn = cast(sqlite3.Connection, opened)
        # A wrong key is reported as one line by Database.open; SQLCipher's own log would add
        # three lines of "hmac check failed" to stderr.
        conn.execute("PRAGMA cipher_log_level = NONE")
        quoted = key.replace("'", "''")
        conn.execute(f"PRAGMA key = '{quoted}'")
    return conn


def connect_in_place(path: Path, key: str | None) -> sqlite3.Connection:
    """The connection used in place, on the event loop's thread, for an update's small work.

    Waking aiosqlite's thread and being woken by it costs more than a small read or a commit
    that need not wait for the disk (up to half a millisecond against 15 us here). It never
    checkpoints (that can take milliseconds): the flush does, in aiosqlite's thread. A busy
    database answers at once, and the work goes to that thread instead, to wait there.
    """
    conn = connect(path, key, same_thread=False)
    conn.row_factory = row_factory
    for pragma in (
        "PRAGMA busy_timeout = 0",
        "PRAGMA foreign_keys = ON",
        "PRAGMA synchronous = NORMAL",  # a record's commit sets FULL for itself (log_sync.py)
        "PRAGMA wal_autocheckpoint = 0",
    ):
        conn.execute(pragma).fetchall()
    return conn


def read_each(
    conn: sqlite3.Connection, queries: Sequence[tuple[str, Sequence[Any]]]
) -> list[list[dict[str, Any]]]:
    """Every query's rows, as dicts."""
    return [dicts(conn, sql, params) for sql, params in queries]


def dicts(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """One query's rows as dicts, the column names looked up once for all of them.

    The connection's row factory builds each row's names again from the cursor: for a plan's
    180 tasks that was a third of the query's time.
    """
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(sql, params)
    description = cursor.description
    if description is None:  # a statement that returns no rows (a PRAGMA that sets)
        return []
    names = [column[0] for column in description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    cursor.close()
    return rows


def run_statements(conn: sqlite3.Connection, statements: Sequence[Statement]) -> None:
    """Inside a transaction: run the statements in order."""
    for sql, params in statements:
        conn.execute(sql, params)


def api_of(conn: sqlite3.Connection) -> ModuleType:
    """The DB-API module of a connection (sqlite3 or sqlcipher3's), for its exception classes.

    sqlcipher3's exceptions are classes of its own, not sqlite3's: an `except
    sqlite3.OperationalError` never sees a busy encrypted database.
    """
    return sys.modules[type(conn).__module__]


def log_file(conn: sqlite3.Connection) -> Path:
    """The write-ahead log of the connection's database, where SQLite keeps it.

    SQLite names it after the database file it opened, symbolic links resolved.
    """
    cursor = conn.cursor()
    cursor.row_factory = None  # (seq, name, file), whatever the connection's row factory
    [file] = [file for _, name, file in cursor.execute("PRAGMA database_list") if name == "main"]
    return Path(f"{file}-wal")


def is_busy(error: Exception) -> bool:
    """Another connection holds the lock (the loop's connection never waits for it)."""
    return "locked" in str(error) or "busy" in str(error)


def checkpoint(conn: sqlite3.Connection, _: None) -> tuple[int, int, int]:
    """Checkpoint: (1 if a reader kept it from the end, frames in the log, frames copied)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    # Read to the end (an unread row keeps it running). SQLite answers a pragma it does not
    # know with no row at all: unpacking one makes a misspelt name fail, not pass silently.
    [(busy, log, copied)] = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    return int(busy), int(log), int(copied)


def in_transaction(
    conn: sqlite3.Connection, job: tuple[Callable[[sqlite3.Connection, Q], R], Q, bool]
) -> R:
    """One piece of work, committed, or rolled back if it fails."""
    work, arg, durable = job
    if not durable:
        conn.execute("PRAGMA synchronous = NORMAL")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = work(conn, arg)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        if not durable:  # every other write is synced, as Database.open set it
            conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
    return result


def row_factory(cursor: Any, row: tuple[Any, ...]) -> dict[str, Any]:
    """Rows as plain dicts (works for sqlite3 and sqlcipher3 alike)."""
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}
