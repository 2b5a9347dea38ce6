"""Appointment storage on a real SQLite file: a draft's token saves it once (migration 0008)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

from bot.domain.appointment import Institution, NewAppointment
from bot.domain.family import NewFamily
from bot.storage.appointments import AppointmentRepository
from bot.storage.db import Database
from bot.storage.families import FamilyRepository
from bot.storage.people import PeopleRepository

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ASSISTANT = 7
OTHER = 8


def appointment(family_id: int, token: str | None = None) -> NewAppointment:
    """At school tomorrow."""
    return NewAppointment(
        family_id=family_id,
        institution=Institution.SCHOOL,
        starts_at=NOW + timedelta(days=1),
        purpose="p",
        draft_token=token,
    )


async def test_a_token_is_saved_once_and_none_any_number_of_times(db: Database) -> None:
    for assistant in (ASSISTANT, OTHER):
        await PeopleRepository(db).add_assistant(assistant, "A", NOW)
    family_id = await FamilyRepository(db).add(NewFamily(code="R-01"), ASSISTANT, NOW)
    appointments = AppointmentRepository(db)
    first = await appointments.add(appointment(family_id, "a" * 16), ASSISTANT, NOW)
    assert await appointments.add(appointment(family_id, "a" * 16), ASSISTANT, NOW) == first
    assert await appointments.saved_by("a" * 16, ASSISTANT) == first
    assert await appointments.saved_by("a" * 16, OTHER) is None
    assert await appointments.saved_by("b" * 16, ASSISTANT) is None
    untokened = {await appointments.add(appointment(family_id), ASSISTANT, NOW) for _ in "xy"}
    assert len(untokened) == 2
    with pytest.raises(sqlite3.IntegrityError):  # the index itself, whoever writes
        async with db.write() as conn:
            await conn.execute(
                "UPDATE appointments SET draft_token = ? WHERE id = ?", ("a" * 16, min(untokened))
            )
    with pytest.raises(sqlite3.IntegrityError):  # another's token is not theirs to return
        await appointments.add(appointment(family_id, "a" * 16), OTHER, NOW)


async def test_appointments_from_before_the_token_have_none(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    folder = resources.files("bot.storage") / "migrations"
    old = sqlite3.connect(path)
    for name in sorted(e.name for e in folder.iterdir() if e.name.endswith(".sql")):
        if int(name[:4]) <= 6:
            old.executescript((folder / name).read_text(encoding="utf-8"))
    old.execute("INSERT INTO families (code, assistant_id, created_at) VALUES ('R-01', 7, 'x')")
    for _ in range(2):
        old.execute(
            "INSERT INTO appointments (family_id, assistant_id, institution, starts_at, "
            "accompany, purpose, scheduled_at, created_at) "
            "VALUES (1, 7, 'school', 'x', 0, 'p', 'x', 'x')"
        )
    old.execute("PRAGMA user_version = 6")
    old.commit()
    old.close()
    db = await Database.open(path)
    try:
        assert await db.migrate() >= 8
        rows = await db.fetch_all("SELECT draft_token FROM appointments")
        assert rows == [{"draft_token": None}, {"draft_token": None}]
    finally:
        await db.close()
