"""The database: its two connections (SQLCipher when a key is set), pragmas and transactions."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

import aiosqlite

from bot.storage import sqlite_work
from bot.storage.files import (
    new_private_file,
    private_file,
    private_folder,
    tighten,
    writable_place,
)
from bot.storage.log_sync import LogSync
from bot.storage.sqlite_work import SYNCHRONOUS, Statement

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
# A commit that does not wait for the disk is made durable by a checkpoint this much later.
FLUSH_AFTER_S = 1.0

Q = TypeVar("Q")
R = TypeVar("R")


class Bookkeeping(NamedTuple):
    """Bookkeeping to commit with a read, and whether it must be on the disk before the read
    is returned (fetch_each)."""

    statements: Sequence[Statement]
    durable: bool = True


class DatabaseError(Exception):
    """The database cannot be opened as configured (wrong key, not a database, …)."""


class Database:
    """An open database: one writer at a time, short transactions.

    Two connections: aiosqlite's, whose thread does the work that takes long (the reminder
    tick, documents, lists of everyone, backups) and every change of records; and `here`, on
    the event loop's thread, for an update's bookkeeping and small reads. Updates are handled
    one at a time, so the loop has nothing else to do while one waits for the disk.
    """

    def __init__(
        self, conn: aiosqlite.Connection, path: Path, encrypted: bool, here: sqlite3.Connection
    ) -> None:
        self.conn = conn
        self.path = path
        self.encrypted = encrypted
        self.here = here
        # sqlite3's or sqlcipher3's: their exceptions are classes of their own
        self.api = sqlite_work.api_of(here)
        self._flush: asyncio.TimerHandle | None = None
        self._flushing: asyncio.Future[None] | None = None
        self._write_lock = asyncio.Lock()
        # Bumped by every write() (not by bookkeeping): a memo of rows read at an older
        # generation may be stale.
        self.generation = 0
        self.log_sync = LogSync(sqlite_work.log_file(here))

    @classmethod
    async def open(cls, path: Path, key: str | None = None) -> Database:
        """Open (creating folder and file private), set the pragmas and check the key works."""
        writable_place(path)
        private_file(path)  # before SQLite creates it 0644; its -wal and -shm take its mode
        tighten(path)
        conn = aiosqlite.Connection(lambda: sqlite_work.connect(path, key), iter_chunk_size=64)
        await conn
        conn.row_factory = sqlite_work.row_factory  # type: ignore[assignment]
        try:
            # Each read to its end: a statement left unread stays open (VACUUM refuses then).
            for pragma in (
                "SELECT count(*) FROM sqlite_master",
                f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
                "PRAGMA foreign_keys = ON",
                f"PRAGMA synchronous = {SYNCHRONOUS}",
            ):
                await conn.execute_fetchall(pragma)
            [mode] = await conn.execute_fetchall("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError:
            await conn.close()
            raise DatabaseError(
                f"cannot open {path}: it is encrypted (or not a database) and no key is set: "
                "set DATABASE_KEY or DATABASE_KEY_FILE to the key it was created with"
            ) from None
        except Exception as exc:
            await conn.close()
            if type(exc).__name__ == "DatabaseError":  # sqlcipher3's own exception class
                raise DatabaseError(
                    f"cannot open {path} with the configured key (DATABASE_KEY or "
                    "DATABASE_KEY_FILE): the key is wrong, or the database is not encrypted "
                    "(then run `python -m bot encrypt` once)"
                ) from None
            raise
        if mode["journal_mode"] != "wal":
            await conn.close()
            # What does not wait for the disk is made durable through the log (log_sync.py).
            raise DatabaseError(
                f"cannot keep {path} in WAL mode (it stays {mode['journal_mode']}): put it on "
                "a local disk, not a network share"
            )
        tighten(path)  # the -wal and -shm of a database created before files were private
        try:
            here = await asyncio.to_thread(sqlite_work.connect_in_place, path, key)
        except BaseException:
            await conn.close()
            raise
        return cls(conn, path, key is not None, here)

    async def close(self) -> None:
        """Close both connections; the last to close checkpoints, so nothing waits unsynced."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        if self._flushing is not None:
            await asyncio.wait([self._flushing])
        await asyncio.to_thread(self.log_sync.close)
        self.here.close()
        await self.conn.close()  # aiosqlite's thread keeps the process alive otherwise

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """A short BEGIN IMMEDIATE transaction; commit on success, roll back on error."""
        async with self._write_lock:
            # Before and after: a read made while the transaction is open is not kept either.
            self.generation += 1
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self.conn
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise
                await self.conn.execute("COMMIT")
            finally:
                self.generation += 1

    async def write_bookkeeping(
        self, statements: Sequence[Statement], *, durable: bool = True
    ) -> None:
        """Run statements in one BEGIN IMMEDIATE transaction, in place (see `here`).

        Only for the bookkeeping tables no read memo holds (walk state, update ids, chat
        clean-up, the access log), so `generation` stays: the family a walk shows is read
        once, not once per press.

        No bookkeeping waits for the disk here. `durable` bookkeeping is synced at once by
        the log syncer's thread (storage/log_sync.py) while the update goes on, and is on the
        disk one fsync later; what must be there before the bot goes on awaits `synced()`
        (the access log does). The rest is made durable by a checkpoint FLUSH_AFTER_S later:
        a power cut in between may undo it (never corrupt anything; a kill of the process
        loses nothing). Only for what an assistant can redo with a tap, such as a walk moved
        one step along.
        """
        await self.bookkeep_with(sqlite_work.run_statements, statements, durable=durable)

    async def bookkeep_with(
        self, work: Callable[[sqlite3.Connection, Q], R], arg: Q, *, durable: bool = True
    ) -> R:
        """`write_bookkeeping` for bookkeeping that needs answers inside it (rows it changed)."""
        async with self._write_lock:
            try:
                result = self._commit_here(work, arg, False)
            except self.api.OperationalError as error:
                if not sqlite_work.is_busy(error):
                    raise
                # another process writes: wait for it in aiosqlite's thread instead (a durable
                # commit there waits for the disk)
                result = await self._in_thread(sqlite_work.in_transaction, (work, arg, durable))
                if not durable:
                    self._flush_soon()
                return result
            if durable:
                self.log_sync.ask()
            else:
                self._flush_soon()
            return result

    def _commit_here(self, work: Callable[[sqlite3.Connection, Q], R], arg: Q, waits: bool) -> R:
        """Commit on the loop's connection, waiting for the disk only if it `waits`."""
        if waits:
            self.here.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        try:  # durable=True here: commit as the connection is set now, toggling nothing
            return sqlite_work.in_transaction(self.here, (work, arg, True))
        finally:
            if waits:
                self.here.execute("PRAGMA synchronous = NORMAL")

    def _flush_soon(self) -> None:
        """Make the commits that did not wait for the disk durable FLUSH_AFTER_S from now."""
        if self._flush is None:
            self._flush = asyncio.get_running_loop().call_later(FLUSH_AFTER_S, self._flush_now)

    def _flush_now(self) -> None:
        """Start the checkpoint that makes every commit so far durable."""
        self._flushing = asyncio.ensure_future(self._checkpoint())

    async def _checkpoint(self) -> None:
        """A passive checkpoint: SQLite syncs the log first, then copies what it can."""
        # Under the write lock (never inside another write's open transaction), so no commit
        # lands meanwhile: one commit made while this waited for the lock is synced by it.
        try:
            async with self._write_lock:
                await self._in_thread(sqlite_work.checkpoint, None)
        except self.api.Error as error:  # the next commit schedules another
            log.warning("could not sync the database log: %s", error)
        finally:
            self._flush = self._flushing = None

    async def write_with(
        self,
        work: Callable[[sqlite3.Connection, Q], R],
        arg: Q,
        *,
        durable: bool = True,
        small: bool = False,
    ) -> R:
        """Run `work(connection, arg)` as one BEGIN IMMEDIATE transaction, in one trip.

        For a write that needs answers inside it (row counts, a row to merge): the write lock
        is held only while SQLite works, never across a turn of the event loop. A write that
        is not `durable` commits without waiting for the disk (synchronous = NORMAL for it
        alone): a power cut may undo it, never corrupt anything, and the next durable commit
        makes it durable too (the log is synced up to there). Only for rows the data can
        give again, such as a tick's reminders. A `small` write (one family's rows, for the
        update at hand) runs in place, as a small read does.
        """
        async with self._write_lock:
            self.generation += 1
            try:
                if small:
                    try:
                        result = self._commit_here(work, arg, durable)
                    except self.api.OperationalError as error:
                        if not sqlite_work.is_busy(error):
                            raise
                    else:
                        if not durable:
                            self._flush_soon()
                        return result
                running = asyncio.ensure_future(
                    self._in_thread(sqlite_work.in_transaction, (work, arg, durable))
                )
                try:
                    return await asyncio.shield(running)
                except asyncio.CancelledError:
                    # The transaction runs to its end in SQLite's thread whatever happens
                    # here: the lock is kept until it has, or the next writer would BEGIN
                    # inside it.
                    await asyncio.wait([running])
                    raise
            finally:
                self.generation += 1

    async def fetch_all(
        self, sql: str, params: Any = (), *, small: bool = False
    ) -> list[dict[str, Any]]:
        """Run a read query and return every row as a dict (`small`: see `read`)."""
        # One trip to aiosqlite's thread; a cursor's execute, fetch and close take three.
        return (await self.read(sqlite_work.read_each, ((sql, params),), small=small))[0]

    async def read(
        self, work: Callable[[sqlite3.Connection, Q], R], arg: Q, *, small: bool = False
    ) -> R:
        """Run `work(connection, arg)`, reads only, in one trip (a row, then the rows it names).

        A `small` read (one person's or one family's rows, found by index, for the update at
        hand) runs in place: waking SQLite's thread and being woken by it costs more than
        such a read, up to half a millisecond on a quiet machine. Not while a write is open:
        a read inside it must see its rows, so it queues behind it in the thread as before.
        """
        if small and not self._write_lock.locked():
            try:
                return self._read_here(work, arg)
            except self.api.OperationalError as error:
                if not sqlite_work.is_busy(error):
                    raise
        return await self._in_thread(work, arg)

    def _read_here(self, work: Callable[[sqlite3.Connection, Q], R], arg: Q) -> R:
        """Run a small read on the loop's connection."""
        return work(self.here, arg)

    async def fetch_each(
        self, *queries: Statement, log: Bookkeeping | None = None, small: bool = False
    ) -> list[list[dict[str, Any]]]:
        """Run several read queries in one go (`small`: see `read`); their rows, in order.

        `log` is bookkeeping (see write_bookkeeping: access rows) committed before they run;
        a durable `log` is on the disk before the rows are returned (its sync meets the read).
        """
        if log is None or not log.statements:
            return await self.read(sqlite_work.read_each, queries, small=small)
        await self.write_bookkeeping(log.statements, durable=log.durable)
        rows = await self.read(sqlite_work.read_each, queries, small=small)
        if log.durable:
            await self.synced()
        return rows

    async def synced(self) -> None:
        """Wait until the durable bookkeeping committed so far is on the disk (log_sync)."""
        if self.log_sync.pending():
            await asyncio.to_thread(self.log_sync.wait)

    async def _in_thread(self, work: Callable[[sqlite3.Connection, Q], R], arg: Q) -> R:
        """Run `work(connection, arg)` in aiosqlite's thread, the one place that owns it."""
        # aiosqlite has no public way to run a function in its thread; _execute is that way.
        done = self.conn._execute(work, self.conn._conn, arg)  # type: ignore[no-untyped-call]
        return cast(R, await done)

    async def fetch_one(
        self, sql: str, params: Any = (), *, small: bool = False
    ) -> dict[str, Any] | None:
        """Run a read query and return the first row, if any (`small`: see `read`)."""
        rows = await self.fetch_all(sql, params, small=small)
        return rows[0] if rows else None

    async def backup(self, target: Path, key: str | None) -> None:
        """Write a consistent copy of the live database (encrypted with the same key, if any).

        The copy is created 0600 before SQLite writes into it (an empty file is a new database
        to SQLite), so it is never readable by others, whatever the umask.
        """
        if not target.parent.is_dir():
            private_folder(target.parent)
        try:
            new_private_file(target)
        except FileExistsError:
            raise DatabaseError(f"{target} already exists; choose a new file name") from None
        try:
            await self._copy_into(target, key)
        except BaseException:
            target.unlink(missing_ok=True)  # noqa: ASYNC240 (a half-written copy is no backup)
            raise
        tighten(target)

    async def _copy_into(self, target: Path, key: str | None) -> None:
        """Copy the whole database into the empty file `target`."""
        async with self._write_lock:
            if key is None:
                await self.conn.execute("VACUUM INTO ?", (str(target),))
                return
            # SQLCipher's documented way to copy an encrypted database: export into an
            # attached, keyed file.
            quoted = key.replace("'", "''")
            await self.conn.execute(f"ATTACH DATABASE ? AS backup KEY '{quoted}'", (str(target),))
            try:
                await self.conn.execute("SELECT sqlcipher_export('backup')")
                version = await self.fetch_one("PRAGMA user_version")
                number = int(version["user_version"]) if version else 0
                await self.conn.execute(f"PRAGMA backup.user_version = {number}")
            finally:
                await self.conn.execute("DETACH DATABASE backup")

    async def vacuum(self) -> None:
        """Rebuild the file so deleted or overwritten text is gone from it and from the -wal.

        VACUUM writes the new pages through the log; the TRUNCATE checkpoint copies them
        into the file and empties the log, so neither file keeps a copy of the old text.
        """
        async with self._write_lock:
            await self.conn.execute("VACUUM")
            # Read the checkpoint's answer: a row left unread keeps its statement running,
            # and SQLite refuses to COMMIT while one is.
            await self.conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")

    async def schema_version(self) -> int:
        """The number of the last migration applied (`PRAGMA user_version`)."""
        row = await self.fetch_one("PRAGMA user_version")
        return int(row["user_version"]) if row else 0

    async def migrate(self) -> int:
        """Apply the numbered migrations newer than `PRAGMA user_version`; return the version."""
        current = await self.schema_version()
        for number, name, sql in _migrations():
            if number <= current:
                continue
            log.info("applying migration %04d_%s", number, name)
            async with self._write_lock:
                self.generation += 1
                try:
                    await self.conn.executescript(
                        f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;"
                    )
                except BaseException:
                    if self.conn.in_transaction:
                        await self.conn.execute("ROLLBACK")
                    raise
            current = number
        return current


async def insert(conn: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> int:
    """Inside a write: run one INSERT and return the new row's id."""
    cursor = await conn.execute(sql, params)
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def first_row(
    conn: aiosqlite.Connection, sql: str, params: Sequence[Any]
) -> dict[str, Any] | None:
    """Inside a write: the first row of a query, if any."""
    rows = list(await conn.execute_fetchall(sql, params))
    return dict(rows[0]) if rows else None


def newest_migration() -> int:
    """The number of the newest migration this code ships."""
    return max((number for number, _, _ in _migrations()), default=0)


def _migrations() -> list[tuple[int, str, str]]:
    """The migration files shipped in the package, in order."""
    folder = resources.files("bot.storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        stem = entry.name.removesuffix(".sql")
        if entry.name.endswith(".sql") and stem[:4].isdigit():
            found.append((int(stem[:4]), stem[5:], entry.read_text(encoding="utf-8")))
    return sorted(found)
