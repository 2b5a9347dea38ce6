"""The log syncer: durable bookkeeping reaches the disk in a thread, the loop does not wait."""

from __future__ import annotations

import asyncio
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.storage import log_sync as log_sync_module
from bot.storage.audit import AuditRepository
from bot.storage.db import Bookkeeping, Database
from bot.storage.log_sync import LogSync
from tests.storage.test_in_place import update_row

REAL_FDATASYNC = os.fdatasync


class Disk:
    """os.fdatasync, recorded by inode; `hold` keeps each call waiting until released."""

    def __init__(self) -> None:
        self.synced: list[int] = []
        self.hold = threading.Event()
        self.hold.set()
        self.entered = threading.Event()

    def fdatasync(self, descriptor: int) -> None:
        self.entered.set()
        self.hold.wait(5)
        REAL_FDATASYNC(descriptor)
        self.synced.append(os.fstat(descriptor).st_ino)


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> Disk:
    """Every fdatasync the syncer makes."""
    recorder = Disk()
    monkeypatch.setattr(log_sync_module.os, "fdatasync", recorder.fdatasync)
    return recorder


async def test_durable_bookkeeping_returns_before_the_disk_and_the_log_is_synced(
    db: Database, disk: Disk
) -> None:
    disk.hold.clear()  # the disk is slow
    await asyncio.wait_for(db.write_bookkeeping([update_row(1)]), 1)  # not waiting for it
    assert await asyncio.to_thread(disk.entered.wait, 5)
    assert disk.synced == []
    disk.hold.set()
    await asyncio.to_thread(db.log_sync.wait)
    wal = db.path.with_name(db.path.name + "-wal")
    assert disk.synced == [os.stat(wal).st_ino]  # the log SQLite wrote the commit to
    rows = await db.fetch_all("SELECT update_id FROM recent_updates")
    assert rows == [{"update_id": 1}]


async def test_bookkeeping_that_need_not_last_asks_no_sync(db: Database, disk: Disk) -> None:
    await db.write_bookkeeping([update_row(1)], durable=False)
    await asyncio.sleep(0.05)
    assert (db.log_sync.asked, disk.synced) == (0, [])


async def test_asks_made_while_the_disk_works_are_covered_by_one_more_sync(
    db: Database, disk: Disk
) -> None:
    disk.hold.clear()
    await db.write_bookkeeping([update_row(1)])
    assert await asyncio.to_thread(disk.entered.wait, 5)
    for update_id in range(2, 7):  # five commits while the first sync is on the disk
        await db.write_bookkeeping([update_row(update_id)])
    disk.hold.set()
    await asyncio.to_thread(db.log_sync.wait)
    assert db.log_sync.asked == db.log_sync.synced == 6
    assert len(disk.synced) == 2


async def test_close_waits_for_the_last_sync(tmp_path: Path, disk: Disk) -> None:
    db = await Database.open(tmp_path / "c.sqlite3")
    await db.migrate()
    disk.hold.clear()
    await db.write_bookkeeping([update_row(1)])
    closing = asyncio.ensure_future(db.close())
    await asyncio.sleep(0.05)
    assert not closing.done()
    disk.hold.set()
    await asyncio.wait_for(closing, 5)
    assert len(disk.synced) == 1


def test_a_log_made_anew_is_opened_again(tmp_path: Path, disk: Disk) -> None:
    wal = tmp_path / "d.sqlite3-wal"
    wal.write_bytes(b"first")
    syncer = LogSync(wal)
    try:
        syncer.ask()
        syncer.wait()
        wal.unlink()
        wal.write_bytes(b"second")  # the same name, a new file
        syncer.ask()
        syncer.wait()
        assert disk.synced[1] == os.stat(wal).st_ino != disk.synced[0]
    finally:
        syncer.close()


def test_no_log_is_logged_and_the_database_file_is_never_opened(
    tmp_path: Path, disk: Disk, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    real_open = os.open

    def recorded(path: Any, flags: int, *args: Any) -> int:
        opened.append(str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(log_sync_module.os, "open", recorded)
    database = tmp_path / "g.sqlite3"
    database.write_bytes(b"db")  # closing a descriptor of it would drop SQLite's locks
    syncer = LogSync(tmp_path / "g.sqlite3-wal")
    try:
        syncer.ask()
        syncer.wait()
    finally:
        syncer.close()
    assert (opened, disk.synced) == ([], [])
    assert "could not sync the database log" in caplog.text


async def test_a_database_reached_by_a_link_syncs_the_log_sqlite_writes(
    tmp_path: Path, disk: Disk
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "bot.sqlite3"
    link.symlink_to(real / "db.sqlite3")
    db = await Database.open(link)
    try:
        await db.migrate()
        await db.write_bookkeeping([update_row(1)])
        await db.synced()
        assert db.log_sync.log_file == real / "db.sqlite3-wal"
        assert disk.synced[-1] == os.stat(real / "db.sqlite3-wal").st_ino
    finally:
        await db.close()


async def test_a_logged_read_returns_only_once_its_access_row_is_on_the_disk(
    db: Database, disk: Disk
) -> None:
    disk.hold.clear()
    query = ("SELECT count(*) AS n FROM recent_updates", ())
    reading = asyncio.ensure_future(db.fetch_each(query, log=Bookkeeping([update_row(1)])))
    assert await asyncio.to_thread(disk.entered.wait, 5)
    await asyncio.sleep(0.05)
    assert not reading.done()
    disk.hold.set()
    assert await asyncio.wait_for(reading, 5) == [[{"n": 1}]]
    assert db.log_sync.synced == db.log_sync.asked == 1
    not_kept = Bookkeeping([update_row(2)], durable=False)  # the own assistant's read: no wait
    await db.fetch_each(query, log=not_kept)
    assert db.log_sync.asked == 1


def test_a_failing_disk_is_logged_and_the_syncer_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    wal = tmp_path / "e.sqlite3-wal"
    wal.write_bytes(b"log")
    calls: list[int] = []

    def failing(descriptor: int) -> None:
        calls.append(descriptor)
        if len(calls) == 1:
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(log_sync_module.os, "fdatasync", failing)
    syncer = LogSync(wal)
    try:
        syncer.ask()
        syncer.wait()
        syncer.ask()
        syncer.wait()
    finally:
        syncer.close()
    assert len(calls) == 2
    assert "could not sync the database log" in caplog.text


def test_an_ask_after_close_is_left_to_the_last_close(tmp_path: Path, disk: Disk) -> None:
    syncer = LogSync(tmp_path / "f.sqlite3-wal")
    syncer.close()  # never asked: no thread was started
    syncer.ask()  # the database's last close checkpoints, and syncs, after this
    assert (syncer.asked, disk.synced) == (0, [])


async def test_an_access_row_is_on_the_disk_when_recording_it_returns(
    db: Database, disk: Disk
) -> None:
    audit = AuditRepository(db)
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    disk.hold.clear()
    recording = asyncio.ensure_future(audit.record(now, 7, "read.plan", None))
    assert await asyncio.to_thread(disk.entered.wait, 5)
    await asyncio.sleep(0.05)
    assert not recording.done()
    disk.hold.set()
    await asyncio.wait_for(recording, 5)
    assert db.log_sync.synced == 1
    await audit.record(now, 7, "read.plan", None, durable=False)  # the own assistant's
    assert db.log_sync.asked == 1
