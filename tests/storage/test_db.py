"""The database file: migrations, pragmas, transactions, encryption."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.domain.family import Member, NewFamily
from bot.domain.vocabulary import MemberRole
from bot.storage.db import Bookkeeping, Database, DatabaseError
from bot.storage.families import FamilyRepository
from bot.storage.people import PeopleRepository

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SECRET_NOTE = "Secret-note-about-court-case-1234"


async def test_migrations_from_empty_and_again(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "sub" / "a.sqlite3")
    try:
        first = await db.migrate()
        second = await db.migrate()
        assert first == second >= 1
        tables = {r["name"] for r in await db.fetch_all("SELECT name FROM sqlite_master")}
        assert {"families", "visits", "assistants", "invites", "ptb_conversations"} <= tables
    finally:
        await db.close()


async def test_pragmas_on_every_connection(db: Database) -> None:
    assert (await db.fetch_one("PRAGMA foreign_keys")) == {"foreign_keys": 1}
    assert (await db.fetch_one("PRAGMA journal_mode")) == {"journal_mode": "wal"}
    assert (await db.fetch_one("PRAGMA synchronous")) == {"synchronous": 2}
    assert (await db.fetch_one("PRAGMA busy_timeout")) == {"timeout": 5000}


async def test_a_database_that_cannot_keep_a_log_is_refused_at_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a network share: SQLite answers the WAL pragma with the mode it kept.
    original = aiosqlite.Connection.execute_fetchall

    async def no_wal(self: aiosqlite.Connection, sql: str, *args: Any) -> Any:
        if sql == "PRAGMA journal_mode = WAL":
            return [{"journal_mode": "delete"}]
        return await original(self, sql, *args)

    monkeypatch.setattr(aiosqlite.Connection, "execute_fetchall", no_wal)
    with pytest.raises(DatabaseError, match=r"WAL mode .*local disk"):
        await Database.open(tmp_path / "share.sqlite3")


async def _insert_then_fail(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO assistants (telegram_id, display_name, joined_at) VALUES (1, 'a', 'x')"
        )
        raise RuntimeError("boom")


async def test_a_failed_write_rolls_back(db: Database) -> None:
    with pytest.raises(RuntimeError):
        await _insert_then_fail(db)
    assert await db.fetch_all("SELECT * FROM assistants") == []


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"):
        async with db.write() as conn:
            await conn.execute(
                "INSERT INTO members (family_id, name, role, position) "
                "VALUES (999, 'x', 'child', 0)"
            )


async def _store_secret(db: Database) -> None:
    people = PeopleRepository(db)
    await people.add_assistant(7, "Assistant", NOW)
    family = NewFamily(
        code="R-01",
        label=SECRET_NOTE,
        members=[Member(name="Zenobia", role=MemberRole.MOTHER)],
    )
    await FamilyRepository(db).add(family, 7, NOW)


async def test_plain_database_holds_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite3"
    db = await Database.open(path)
    await db.migrate()
    await _store_secret(db)
    await db.close()
    assert SECRET_NOTE.encode() in _all_bytes(path)


async def test_sqlcipher_database_has_no_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "secret.sqlite3"
    db = await Database.open(path, key="correct horse 'battery'")
    assert db.encrypted
    await db.migrate()
    await _store_secret(db)
    await db.close()
    raw = _all_bytes(path)
    assert SECRET_NOTE.encode() not in raw
    assert b"Zenobia" not in raw
    assert b"SQLite format 3" not in raw
    again = await Database.open(path, key="correct horse 'battery'")
    try:
        family = await FamilyRepository(again).by_code("R-01")
        assert family is not None
        assert family.label == SECRET_NOTE
    finally:
        await again.close()


async def test_wrong_key_or_missing_key_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "secret.sqlite3"
    db = await Database.open(path, key="right")
    await db.migrate()
    await db.close()
    with pytest.raises(DatabaseError, match="DATABASE_KEY"):
        await Database.open(path, key="wrong")
    with pytest.raises(DatabaseError, match="DATABASE_KEY"):
        await Database.open(path)


def _all_bytes(path: Path) -> bytes:
    """The database file and its WAL, as an attacker with the disk would see them."""
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


@pytest.mark.parametrize("key", [None, "backup key"])
async def test_backup_is_a_readable_copy(tmp_path: Path, key: str | None) -> None:
    db = await Database.open(tmp_path / "live.sqlite3", key=key)
    await db.migrate()
    await _store_secret(db)
    target = tmp_path / "backups" / "copy.sqlite3"
    await db.backup(target, key)
    with pytest.raises(DatabaseError, match="already exists"):
        await db.backup(target, key)
    await db.close()
    copy = await Database.open(target, key=key)
    try:
        assert await copy.migrate() >= 1
        family = await FamilyRepository(copy).by_code("R-01")
        assert family is not None
        assert family.label == SECRET_NOTE
    finally:
        await copy.close()
    assert (SECRET_NOTE.encode() in _all_bytes(target)) is (key is None)


_ACCESS = (
    "INSERT INTO access_log (at, actor_id, action, family_id, detail, outcome) "
    "VALUES (?, ?, ?, NULL, '', ?)"
)


async def test_a_logged_read_writes_its_row_first_in_the_same_trip(db: Database) -> None:
    generation = db.generation
    (rows,) = await db.fetch_each(
        ("SELECT actor_id, action FROM access_log", ()),
        log=Bookkeeping([(_ACCESS, (NOW.isoformat(), 7, "read.test", "allowed"))]),
    )
    assert rows == [{"actor_id": 7, "action": "read.test"}]
    # Bookkeeping: a memo of families or people read before stays valid.
    assert db.generation == generation


async def test_a_logged_read_whose_row_fails_reads_nothing_and_keeps_nothing(
    db: Database,
) -> None:
    rows = [
        (_ACCESS, (NOW.isoformat(), 7, "read.test", "allowed")),
        (_ACCESS, (NOW.isoformat(), 7, "read.test", "neither")),  # refused by the CHECK
    ]
    for durable in (True, False):  # in the read's trip, or in place before it
        with pytest.raises(Exception, match="CHECK"):
            await db.fetch_each(("SELECT 1 AS one", ()), log=Bookkeeping(rows, durable))
        assert await db.fetch_all("SELECT * FROM access_log") == []
        # The connection is usable again: no transaction was left open.
        again = Bookkeeping(rows[:1], durable)
        assert await db.fetch_each(("SELECT 1 AS one", ()), log=again) == [[{"one": 1}]]
        await db.write_bookkeeping([("DELETE FROM access_log", ())])


async def test_a_family_by_code_is_read_once_until_a_write(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _store_secret(db)
    families = FamilyRepository(db)
    trips = 0
    read_here = db._read_here

    def counted(work: Any, arg: Any) -> Any:
        nonlocal trips
        trips += 1
        return read_here(work, arg)

    monkeypatch.setattr(db, "_read_here", counted)  # a family is a small read, in place
    first = await families.by_code("R-01")
    again = await families.by_code("R-01")
    assert first is not None
    assert again == first
    assert trips == 1
    assert await families.by_code("R-02") is None
    async with db.write() as conn:  # any change: the code may now name another family
        await conn.execute("UPDATE families SET code = 'R-02' WHERE code = 'R-01'")
    assert await families.by_code("R-01") is None
    moved = await families.by_code("R-02")
    assert moved is not None
    assert moved.id == first.id


async def test_an_assistants_family_list_is_read_once_until_a_write(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _store_secret(db)
    families = FamilyRepository(db)
    [held] = await db.fetch_all("SELECT assistant_id FROM families")
    assistant = int(held["assistant_id"])
    trips = 0
    read_here = db._read_here

    def counted(work: Any, arg: Any) -> Any:
        nonlocal trips
        trips += 1
        return read_here(work, arg)

    monkeypatch.setattr(db, "_read_here", counted)
    first = await families.list_for(assistant)
    first.clear()  # a caller's list is its own: the memo keeps its copy
    again = await families.list_for(assistant)
    assert [f.code for f in again] == ["R-01"]
    assert trips == 1  # a picker reads the list to begin and again for its question
    async with db.write() as conn:  # any change: the list may differ now
        await conn.execute("UPDATE families SET active = 0")
    assert await families.list_for(assistant) == []
    assert trips == 2
